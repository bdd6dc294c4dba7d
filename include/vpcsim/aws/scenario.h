/* A loaded scenario: its metadata, every architecture as a resolved topology (after `extends`
 * and patches), and what the run needs besides. Made by models/scenario/scenario.c from a YAML file
 * through the configuration tree; immutable once loaded. */
#ifndef VPCSIM_SCENARIO_H
#define VPCSIM_SCENARIO_H

#include <stdint.h>
#include <stdio.h>

#include "vpcsim/config.h"
#include "vpcsim/aws/topology.h"

enum { SCENARIO_VERSION = 1 }; /* the schema version this build reads */

typedef struct scenario {
    const char *file;        /* path as given */
    const char *name;        /* scenario name */
    const char *description; /* may be "" */
    int version;             /* schema version (SCENARIO_VERSION) */
    uint64_t seed;           /* default seed of runs */
    topology *archs;         /* architectures in file order; archs[0] is the baseline */
    size_t narchs;
    const config_node *overrides; /* parameter overrides (kind or instance -> key -> value), or
                                     NULL; checked against the parameter registry by the run */
    const config_node *run;       /* the `run:` section (durations, replications, sweep), or
                                     NULL; read by the run */
    config_doc *doc;              /* owns every string and node above */
    void *arena;                  /* owns the topology arrays (private to the loader) */
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
