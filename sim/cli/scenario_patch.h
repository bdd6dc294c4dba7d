/* Patched scenarios for `vpcsim run` (`--set key=value` and sweep points): a loaded scenario's
 * configuration tree written back out as YAML with some scalars replaced or added, then loaded
 * again; messages about the new text point back at the original file or name the patch. */
#ifndef VPCSIM_RUN_PATCH_H
#define VPCSIM_RUN_PATCH_H

#include <stddef.h>

#include "vpcsim/config.h"
#include "vpcsim/error.h"
#include "vpcsim/aws/scenario.h"

/* One patch: path "run.duration", "workloads.get.traffic.rate" (map keys and, in sequences, the
 * `name` of an item or its index; names may contain dots), value the scalar's text, label what
 * messages about it start with ("--set run.duration=5s"). */
typedef struct scenario_patch {
    const char *path;  /* dotted path */
    const char *value; /* new scalar text */
    const char *label; /* names the patch in messages */
} scenario_patch;

/* Where the text of a patched scenario came from (for scenario_patch_translate). */
typedef struct scenario_patch_map scenario_patch_map;

/* Whether p's path can be set in root: every step exists where it must (sequence items), and it
 * ends at a value or at a new key of a map. Returns 0, or -1 with err "<label>: ...". */
int scenario_patch_resolve(const config_node *root, const scenario_patch *p, vs_error *err);

/* Writes root out with patches p[0..n) (a later one wins on the same path) and loads the result
 * as a scenario named name. Returns 0 with *out and *map set (free both), or -1 with err set
 * (positions translated) and nothing allocated. */
int scenario_patch_load(const config_node *root, const char *name, const scenario_patch *p,
                        size_t n, scenario **out, scenario_patch_map **map, vs_error *err);

/* Rewrites every `name:line:col` of a patched text in err->msg to the original position, or to
 * the label of the patch that wrote the value there. A NULL map is a no-op. */
void scenario_patch_translate(const scenario_patch_map *map, vs_error *err);
void scenario_patch_map_free(scenario_patch_map *map); /* NULL is a no-op */

#endif
