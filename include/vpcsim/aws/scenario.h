/* A loaded scenario: its metadata, every architecture as a resolved topology (after `extends`
 * and patches), and what the run needs besides. Made by models/scenario/scenario.c from a YAML file
 * through the configuration tree; immutable once loaded. */
#ifndef VPCSIM_SCENARIO_H
#define VPCSIM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vpcsim/config.h"
#include "vpcsim/aws/quotas.h"
#include "vpcsim/aws/topology.h"

enum { SCENARIO_VERSION = 1 }; /* the schema version this build reads */

/* What must hold of a run's results (`expect:`), evaluated by `vpcsim run` on the confidence
 * interval: pass when all of it is on the right side of the bound, fail when all of it is on
 * the wrong side, else inconclusive. */
typedef enum expect_metric {
    EXPECT_MEAN,
    EXPECT_P50,
    EXPECT_P90,
    EXPECT_P99,
    EXPECT_P999,
    EXPECT_SUCCESS,
    EXPECT_COMPLETED,
    EXPECT_COST,
    EXPECT_UTILISATION,
    EXPECT_METRIC_COUNT
} expect_metric;

typedef struct scenario_expect {
    expect_metric metric;
    const char *workload;     /* latency, success, completed: the workload; else NULL */
    const char *architecture; /* the architecture, or NULL: every one */
    const char *component;    /* utilisation: "kind/instance" as in overrides, or "kind" */
    bool below;               /* the bound is an upper one (else a lower one) */
    double bound;             /* in the summary's unit: ms, 1, 1/s, USD a month */
    const char *bound_text;   /* as written ("120ms") */
    const char *file;         /* where it is written */
    int line, col;
} scenario_expect;

/* "p99", "success", ... (the `metric:` values); the /summary metric it reads; its unit. */
const char *scenario_expect_metric_name(expect_metric m);
const char *scenario_expect_summary_metric(expect_metric m);

typedef struct scenario {
    const char *file;        /* path as given */
    const char *name;        /* scenario name */
    const char *description; /* may be "" */
    int version;             /* schema version (SCENARIO_VERSION) */
    uint64_t seed;           /* default seed of runs */
    topology *archs;         /* architectures in file order; archs[0] is the baseline */
    size_t narchs;
    const config_node *overrides;   /* parameter overrides (kind or instance -> key -> value), or
                                       NULL; checked against the parameter registry by the run */
    const config_node *run;         /* the `run:` section (durations, replications, sweep), or
                                       NULL; read by the run */
    const scenario_expect *expects; /* `expect:` in file order */
    int64_t quotas[QUOTA_COUNT];    /* `quotas:` as declared raised (0: AWS's default) */
    size_t nexpects;
    config_doc *doc; /* owns every string and node above */
    void *arena;     /* owns the topology arrays (private to the loader) */
} scenario;

/* Loads and validates a scenario file. Returns 0 with *out set, or -1 with err holding
 * `file:line:col: message` (bad YAML, unknown key, wrong type or unit, dangling reference,
 * duplicate name, overlapping CIDRs, impossible value). Nothing is allocated on failure. */
int scenario_load_file(const char *path, scenario **out, vs_error *err);
/* The same from memory; name is the file name shown in messages. */
int scenario_load_buffer(const char *data, size_t len, const char *name, scenario **out,
                         vs_error *err);
void scenario_free(scenario *s); /* NULL is a no-op */

/* Index of the architecture named name, or -1. */
int scenario_find_arch(const scenario *s, const char *name);

/* Writes the reference of every scenario key (Markdown: section, key, type, unit, default,
 * meaning) generated from the loader's own key tables. docs/scenario-keys.md is this output; a
 * test checks they agree. */
void scenario_write_key_reference(FILE *f);
/* The key table of one section of that reference, by its title ("vpcs[]", "workloads[].traffic",
 * "top level"), or NULL: what the loader accepts there, for tests and tools. */
const config_keydef *scenario_keydefs(const char *section);

#endif
