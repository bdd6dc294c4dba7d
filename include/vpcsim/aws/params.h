/* Model parameters: the registry of every component kind's parameters (declared in code, so the
 * reference cannot drift), their defaults with a basis for each (a data file in experiments/,
 * from ../shared/reference/aws-facts.md), and overrides from a scenario by kind or by instance. */
#ifndef VPCSIM_PARAMS_H
#define VPCSIM_PARAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vpcsim/config.h"
#include "vpcsim/dist.h"

typedef enum param_type {
    PARAM_DIST,     /* a duration distribution (dist.h) */
    PARAM_DURATION, /* int64 ns */
    PARAM_BITRATE,  /* bits per second */
    PARAM_RATE,     /* per second */
    PARAM_INT,      /* whole number >= min_int (0 unless the definition says -1) */
    PARAM_SIZE,     /* bytes */
    PARAM_PROBABILITY
} param_type;

typedef struct param_def {
    const char *name; /* key in the defaults file and in overrides */
    param_type type;
    const char *meaning; /* one line for the reference */
    int64_t min_int;     /* PARAM_INT: the least value allowed (0, or -1 where -1 means "no
                            limit") */
} param_def;

typedef struct param_kind {
    const char *name;      /* "nat_gateway", "link_cross_az", "service_s3", ... */
    const param_def *defs; /* its parameters */
    size_t ndefs;
} param_kind;

/* The registry: every kind and its parameters. */
const param_kind *params_kinds(size_t *nkinds);
const param_kind *params_kind_find(const char *name);

typedef struct param_value {
    param_type type;
    const dist *dist;  /* PARAM_DIST */
    int64_t i;         /* DURATION (ns), INT, SIZE (bytes) */
    double x;          /* BITRATE, RATE, PROBABILITY */
    const char *basis; /* where the default comes from ("D: AWS NAT gateway docs", "A: ...");
                          for an override, "scenario file:line:col" */
    bool overridden;   /* set by the scenario (overrides:), not the defaults file */
} param_value;

typedef struct param_table param_table;

/* Loads the defaults file: every parameter of every kind must have `value` and `basis`; unknown
 * kinds or keys are errors. Returns the table, or NULL with `file:line:col: message` in err. */
param_table *params_load_file(const char *path, vs_error *err);
param_table *params_load_buffer(const char *data, size_t len, const char *name, vs_error *err);
void params_free(param_table *t); /* NULL is a no-op */

/* Applies a scenario's `overrides:` map: keys are a kind ("nat_gateway") or a kind and an
 * instance name ("nat_gateway/nat-a"), values maps of parameter -> value. The table keeps the
 * document's nodes: doc must outlive it. Returns 0, or -1 with a positioned error. */
int params_apply_overrides(param_table *t, const config_node *overrides, vs_error *err);

/* The value for (kind, instance, name): the instance's override, else the kind's, else the
 * default. instance may be NULL. NULL if the kind or parameter is unknown (a model bug). */
const param_value *params_get(const param_table *t, const char *kind, const char *instance,
                              const char *name);

/* Markdown reference: kind, parameter, type, default and basis (from the table). */
void params_write_reference(const param_table *t, FILE *f);

#endif
