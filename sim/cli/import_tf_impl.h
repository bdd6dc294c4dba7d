/* `vpcsim import terraform`: the resources of a Terraform document and how references between
 * them resolve (import_tf.c); the per-type conversion passes (import_tf_types.c). */
#ifndef VPCSIM_CLI_IMPORT_TF_IMPL_H
#define VPCSIM_CLI_IMPORT_TF_IMPL_H

#include "cli/import_impl.h"

enum { TF_ADDR_MAX = 512, TF_JPATH_MAX = 192, TF_REFS_MAX = 64 };

typedef struct tf_res {
    const char *addr;              /* absolute address: module.hub.aws_vpc.this */
    const char *type;              /* aws_vpc */
    char module[TF_ADDR_MAX];      /* module instance address, "" for the root module */
    char idx[64];                  /* instance key as written in the address (0, "a"), or "" */
    json_object *values;           /* attribute values (unknown ones absent) */
    json_object *expr;             /* configuration expressions (a plan), or NULL */
    bool data;                     /* a data source */
    char jpath[TF_JPATH_MAX];      /* where it is in the document, for messages */
    json_object *elem;             /* the element made from it, or NULL */
    json_object *att;              /* its Transit Gateway attachment element (VPC, VPN, DX) */
    struct tf_res *tgw;            /* the Transit Gateway of att */
    const char *name;              /* the name of elem, or of what it became (internet gateway) */
    int done;                      /* imported, consumed by another element, or reported */
    char own[IMPORT_NAME_MAX + 1]; /* name storage when no element holds it */
} tf_res;

typedef struct tf_ctx {
    tf_res *res;           /* every resource instance, in document order */
    size_t n, cap;         /* used and allocated */
    json_object *by_addr;  /* address -> index */
    json_object *by_id;    /* id (and arn, service name, ...) -> index */
    json_object *cfg_root; /* configuration.root_module, or NULL */
    bool plan;             /* planned_values rather than a state */
    import_estate *e;      /* what is filled */
    const char *file;      /* for messages */
    vs_error *err;         /* the first bad input found */
    int bad;               /* err is set */
} tf_ctx;

json_object *tf_cfg_module(const tf_ctx *c, const char *addr);
tf_res *tf_by_addr(const tf_ctx *c, const char *addr);
/* The resources attribute attr of r (in vals, with expressions exprs) refers to: by the ids in
 * its value, else through the configuration's references. At most max into out. */
size_t tf_refs(const tf_ctx *c, const tf_res *r, json_object *vals, json_object *exprs,
               const char *attr, tf_res **out, size_t max);
/* The first of them of type (any if NULL), or NULL. */
tf_res *tf_ref1(const tf_ctx *c, const tf_res *r, json_object *vals, json_object *exprs,
                const char *attr, const char *type);
/* ---- import_tf_types.c: helpers of the handlers ---------------------------------------------- */

/* Attribute key of r as a string, NULL when absent or unknown; another type is bad input (kept in
 * c with its JSON path). */
const char *tf_str(tf_ctx *c, const tf_res *r, const char *key);
/* The scenario name of r's address: "spoke.app1.a" from module.spoke["app1"].aws_subnet.a. */
const char *tf_name(const tf_res *r, char *buf, size_t n);
/* A new element of kind for r (named from its address, commented with it); r is done. */
json_object *tf_elem(tf_ctx *c, tf_res *r, const char *kind);
/* Lists r as not imported, for why (once). */
void tf_skip(tf_ctx *c, tf_res *r, const char *why);
/* The name of what r's attribute attr refers to, if of type (any if NULL) and imported. */
const char *tf_ref_name(tf_ctx *c, tf_res *r, const char *attr, const char *type);
/* The i-th of n nested blocks' configuration expressions (a plan), when the counts match. */
json_object *tf_block_expr(tf_res *r, const char *block, size_t i, size_t n);
/* Adds to o[key] the names of what attr refers to, of type. */
void tf_names_of(tf_ctx *c, tf_res *r, const char *attr, const char *type, json_object *o,
                 const char *key);

/* ---- import_tf_transit.c: handlers ---------------------------------------------------------- */

void tf_tgw(tf_ctx *c, tf_res *r);
void tf_tgw_vpc_att(tf_ctx *c, tf_res *r);
void tf_tgw_rt(tf_ctx *c, tf_res *r);
void tf_tgw_peering(tf_ctx *c, tf_res *r);
void tf_tgw_assoc(tf_ctx *c, tf_res *r);
void tf_tgw_prop(tf_ctx *c, tf_res *r);
void tf_default_props(tf_ctx *c, tf_res *r);
void tf_tgw_route(tf_ctx *c, tf_res *r);
void tf_vpn(tf_ctx *c, tf_res *r);
void tf_vpn_route(tf_ctx *c, tf_res *r);
void tf_dx_assoc(tf_ctx *c, tf_res *r);
void tf_dx_vif(tf_ctx *c, tf_res *r);
void tf_zone(tf_ctx *c, tf_res *r);

/* Runs the conversion passes over c's resources into c->e; -1 with c->err set on bad input. */
int tf_convert(tf_ctx *c);

#endif
