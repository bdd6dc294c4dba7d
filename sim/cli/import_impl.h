/* `vpcsim import`: shared parts of the Terraform and AWS importers. Both fill one estate (a json-c
 * tree shaped like a scenario's architecture, each element with its source under the key "#"),
 * and import_yaml.c writes it as a scenario. Inputs are estates of tens to thousands of resources.
 */
#ifndef VPCSIM_CLI_IMPORT_IMPL_H
#define VPCSIM_CLI_IMPORT_IMPL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vpcsim/error.h"

enum {
    IMPORT_MAX_FILE_BYTES = 256 << 20, /* largest JSON file read */
    IMPORT_NAME_MAX = 63,              /* longest scenario name */
    ZONE_VPCS_MAX = 1024 /* VPCs of one hosted zone (Route 53 allows 300 by default) */
};

/* The scenario element kinds, in the order the writer emits them. */
#define IMPORT_KINDS                                                                               \
    X(vpcs)                                                                                        \
    X(subnets)                                                                                     \
    X(route_tables)                                                                                \
    X(nat_gateways)                                                                                \
    X(gateway_endpoints)                                                                           \
    X(interface_endpoints)                                                                         \
    X(endpoint_services)                                                                           \
    X(transit_gateways) X(peerings) X(sites) X(resolver_endpoints) X(security_groups) X(policies)

typedef struct import_estate {
    json_object *kinds;   /* kind -> array of elements (maps; key "#" is the source comment) */
    json_object *regions; /* Region -> map of AZ -> true, in first-seen order */
    json_object *skipped; /* array of "source: why" strings: what was not imported */
    json_object *notes;   /* array of strings: assumptions a reader should review */
    json_object *names;   /* "kind/name" -> true: names in use, to keep them unique */
    const char *source;   /* what was imported, for the header */
} import_estate;

/* ---- import_json.c: reading JSON, the estate ---------------------------------------------- */

/* Parses a whole file; on a syntax error err says file:line:col. NULL on failure. */
json_object *import_json_load(const char *path, vs_error *err);
json_object *import_json_parse(const char *text, size_t len, const char *name, vs_error *err);
/* Member of an object (NULL if o is no object or lacks it), string or NULL, array length. */
json_object *import_get(json_object *o, const char *key);
const char *import_str(json_object *o, const char *key);
size_t import_len(json_object *arr);
bool import_bool(json_object *o, const char *key, bool dflt);

int import_estate_init(import_estate *e, const char *source);
void import_estate_fini(import_estate *e);
/* A new element of kind with a unique valid name made from want (sanitised, truncated, a
 * suffix on collision) and its source comment; added to the estate. NULL on out of memory. */
json_object *import_elem_new(import_estate *e, const char *kind, const char *want,
                             const char *source);
/* A nested element (TGW attachment or route table) in parent's array key. */
json_object *import_sub_new(json_object *parent, const char *key, const char *name,
                            const char *source);
void import_set_str(json_object *o, const char *key, const char *v);
void import_set_int(json_object *o, const char *key, long long v);
void import_set_bool(json_object *o, const char *key, bool v);
/* Appends v to the array o[key] (made if absent) unless it is already there. */
void import_add_str(json_object *o, const char *key, const char *v);
json_object *import_add_obj(json_object *o, const char *key);
void import_skip(import_estate *e, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void import_note(import_estate *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void import_region_az(import_estate *e, const char *region, const char *az);
/* A sanitised name (letters, digits, - _ .; at most 63 chars) of s into buf. */
void import_sanitize(const char *s, char *buf, size_t n);
/* "us-east-1" from "us-east-1a" or an AZ id's Region is unknown: NULL. buf holds the result. */
const char *import_az_region(const char *az, char *buf, size_t n);
/* "s3" from "com.amazonaws.us-east-1.s3"; NULL when not an AWS service name. */
const char *import_service_short(const char *service_name, char *buf, size_t n);
/* Adds an endpoint policy (a JSON document) as a `policies` element, its name into out: 0; 1 for
 * a full-access policy (AWS's default: no element); -1 when it cannot be expressed (listed). */
int import_policy(import_estate *e, const char *doc, const char *owner, const char *source,
                  char *out, size_t n);

/* ---- import_estate.c: finishing an estate ------------------------------------------------- */

/* The element of kind named name, or NULL. */
json_object *import_find(const import_estate *e, const char *kind, const char *name);
/* A rule's ports as the scenario writes them ("all", "443", "1024-2048") from its protocol
 * ("-1", "all", "tcp", "6") and port range; NULL for another protocol (the model has TCP). */
const char *import_ports(const char *proto, json_object *from, json_object *to, char *buf,
                         size_t n);
/* Adds a security group rule {ports, key: peer} (with its source, if it has its own) to sg's
 * list dir unless a rule with those ports and peer is there. */
void import_sg_add(json_object *sg, const char *dir, const char *ports, const char *key,
                   const char *peer, const char *source);
/* Sites' ranges from the routes toward them (hidden keys #via, #att_vpn, #att_dx say which
 * gateway and attachments); final: also their Regions and resolvers, and drop (listed) a
 * site whose range is unknown. */
void import_sites_finish(import_estate *e, bool final);
/* The site reached through gateway via (a VPC's or a TGW's name), made if none. */
json_object *import_site_for(import_estate *e, const char *via, const char *want,
                             const char *source);
/* A private hosted zone named as an AWS service's default DNS name and associated with vpcs:
 * the interface endpoint of that service in one of them gets private_dns and dns_shared_with
 * the others. False if no endpoint matches. */
bool import_share_zone(import_estate *e, const char *zone, const char *const *vpcs, size_t nv);
/* Regions of VPCs and TGWs, implicit main route tables, an AZ for every Region. */
void import_finish(import_estate *e);

/* ---- import_yaml.c -------------------------------------------------------------------------- */

/* Writes the estate as a scenario to f; workloads is the text of a workloads file or NULL. */
int import_yaml_write(const import_estate *e, const char *name, const char *workloads, FILE *f);

/* ---- the importers -------------------------------------------------------------------------- */

/* Terraform `show -json` of a state or a plan (doc, read from file) into e. Exit-style status:
 * 0 ok, -1 with err set (bad input). */
int import_tf(json_object *doc, const char *file, import_estate *e, vs_error *err);
/* AWS CLI describe-* outputs in dir (import_aws_files lists the names). */
int import_aws(const char *dir, import_estate *e, vs_error *err);

#endif
