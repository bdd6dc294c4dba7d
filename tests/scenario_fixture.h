/* Test helper: a scenario of tests/scenarios/ loaded as `vpcsim run` loads it, with the shipped
 * us-east-1 default parameters and the scenario's overrides applied; any failure fails the test.
 * For tests that drive netmodel_run directly (limits, faults, throughput, Region failover). */
#ifndef VPCSIM_TESTS_SCENARIO_FIXTURE_H
#define VPCSIM_TESTS_SCENARIO_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vpcsim/aws/params.h"
#include "vpcsim/aws/scenario.h"

typedef struct fixture {
    scenario *s;
    param_table *params;
} fixture;

/* rel: the file's path under tests/scenarios/ ("limits/nat.yaml"). */
static inline fixture fixture_load(const char *rel)
{
    const char *src = getenv("VPCSIM_SOURCE_DIR");
    assert_non_null(src);
    char path[512];
    vs_error err = {0};
    fixture f = {0};
    snprintf(path, sizeof path, "%s/tests/scenarios/%s", src, rel);
    if (scenario_load_file(path, &f.s, &err)) fail_msg("%s", err.msg);
    snprintf(path, sizeof path, "%s/experiments/defaults/aws-us-east-1.yaml", src);
    if (!(f.params = params_load_file(path, &err)) ||
        params_apply_overrides(f.params, f.s->overrides, &err))
        fail_msg("%s", err.msg);
    return f;
}

static inline void fixture_unload(fixture *f)
{
    params_free(f->params);
    scenario_free(f->s);
}

#endif
