/* The parameter registry and defaults: the shipped defaults file loads, carries a basis for every
 * parameter and the documented AWS figures; overrides by kind and by instance; positioned errors;
 * docs/parameters.md is what the registry generates. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vpcsim/aws/params.h"

static param_table *load_shipped(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/experiments/defaults/aws-us-east-1.yaml",
             getenv("VPCSIM_SOURCE_DIR"));
    vs_error err = {{0}};
    param_table *t = params_load_file(path, &err);
    if (!t) fail_msg("%s", err.msg);
    return t;
}

static void shipped_defaults_have_a_basis_and_aws_figures(void **st)
{
    (void)st;
    param_table *t = load_shipped();
    size_t nk;
    const param_kind *k = params_kinds(&nk);
    for (size_t i = 0; i < nk; i++)
        for (size_t j = 0; j < k[i].ndefs; j++) {
            const param_value *v = params_get(t, k[i].name, NULL, k[i].defs[j].name);
            assert_non_null(v);
            assert_true(strlen(v->basis) > 2);
        }
    assert_int_equal(params_get(t, "nat_gateway", NULL, "connections_per_destination")->i, 55000);
    assert_true(params_get(t, "vpn_tunnel", NULL, "bandwidth")->x == 1.25e9);
    assert_true(params_get(t, "vpn_tunnel", NULL, "packets_per_s")->x == 140000);
    assert_true(params_get(t, "interface_endpoint", NULL, "bandwidth")->x == 10e9);
    assert_true(params_get(t, "service_s3", NULL, "get_per_prefix")->x == 5500);
    assert_true(params_get(t, "service_s3", NULL, "put_per_prefix")->x == 3500);
    assert_int_equal(params_get(t, "direct_connect", NULL, "bfd_detect")->i, 900000000);
    assert_int_equal(params_get(t, "nat_gateway", NULL, "idle_timeout")->i, 350000000000LL);
    assert_int_equal(params_get(t, "interface_endpoint", NULL, "mtu")->i, 8500);
    /* cross-AZ: 0.9999 x lognormal(median 450us, sigma 0.34) truncated below at 100us (its
     * partial-moment mean, Phi(z) = erfc(-z / sqrt 2) / 2) + 0.0001 x 8.5ms */
    double mu = log(450e3), s = 0.34, z = (log(100e3) - mu) / s;
    double body = exp(mu + s * s / 2) * erfc((z - s) / sqrt(2)) / erfc(z / sqrt(2));
    double want = 0.9999 * body + 0.0001 * 8.5e6;
    double got = dist_mean_ns(params_get(t, "link_cross_az", NULL, "latency")->dist);
    assert_true(fabs(got - want) < 1);
    assert_null(params_get(t, "nat_gateway", NULL, "colour"));
    assert_null(params_get(t, "warp_drive", NULL, "latency"));
    params_free(t);
    params_free(NULL);
}

static void overrides_by_kind_and_instance(void **st)
{
    (void)st;
    param_table *t = load_shipped();
    const char *yaml = "overrides:\n"
                       "  nat_gateway: {bandwidth: 10Gbps}\n"
                       "  nat_gateway/nat-b: {bandwidth: 45Gbps, idle_timeout: 10s}\n";
    vs_error err = {{0}};
    config_doc *doc = config_load_buffer(yaml, strlen(yaml), "s.yaml", &err);
    assert_int_equal(params_apply_overrides(t, config_find(config_root(doc), "overrides"), &err),
                     0);
    assert_true(params_get(t, "nat_gateway", "nat-a", "bandwidth")->x == 10e9);
    assert_true(params_get(t, "nat_gateway", "nat-b", "bandwidth")->x == 45e9);
    assert_true(params_get(t, "nat_gateway", NULL, "bandwidth")->x == 10e9);
    assert_int_equal(params_get(t, "nat_gateway", "nat-a", "idle_timeout")->i, 350000000000LL);
    assert_string_equal(params_get(t, "nat_gateway", "nat-b", "bandwidth")->basis,
                        "scenario s.yaml:3:34"); /* the value 45Gbps */
    config_free(doc);
    params_free(t);
}

static void bad_overrides(void **st)
{
    (void)st;
    struct {
        const char *yaml, *says;
    } cases[] = {
        {"o: {nat_gatway: {bandwidth: 1Gbps}}", "s.yaml:1:5: unknown component kind 'nat_gatway'"},
        {"o: {nat_gateway: {bandwith: 1Gbps}}", "did you mean 'bandwidth'"},
        {"o: {nat_gateway: {bandwidth: 1parsec}}", "s.yaml:1:30: expected a bit rate"},
        {"o: {nat_gateway/: {bandwidth: 1Gbps}}", "expected kind/instance"},
        {"o: {nat_gateway: 5}", "expected a map of parameter -> value"},
        {"o: [1]", "expected a map of kind -> parameters"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        param_table *t = load_shipped();
        vs_error err = {{0}};
        config_doc *doc = config_load_buffer(cases[i].yaml, strlen(cases[i].yaml), "s.yaml", &err);
        assert_non_null(doc);
        assert_int_equal(params_apply_overrides(t, config_find(config_root(doc), "o"), &err), -1);
        if (!strstr(err.msg, cases[i].says)) fail_msg("%s: got '%s'", cases[i].yaml, err.msg);
        config_free(doc);
        params_free(t);
    }
}

static void bad_defaults_file(void **st)
{
    (void)st;
    vs_error err = {{0}};
    const char *no_basis = "version: 1\ndate: x\nkinds:\n  link_intra_az:\n"
                           "    latency: {value: 1us}\n";
    assert_null(params_load_buffer(no_basis, strlen(no_basis), "d.yaml", &err));
    assert_non_null(strstr(err.msg, "d.yaml:5:14: missing required key 'basis'"));
    const char *unknown = "version: 1\ndate: x\nkinds: {teleporter: {}}\n";
    assert_null(params_load_buffer(unknown, strlen(unknown), "d.yaml", &err));
    assert_non_null(strstr(err.msg, "unknown key 'teleporter'"));
}

/* docs/parameters.md is generated from the registry and the shipped defaults; regenerate with
 * VPCSIM_REGENERATE=1 ctest -R test_params. */
static void reference_is_current(void **st)
{
    (void)st;
    param_table *t = load_shipped();
    char path[1024], *want = NULL, *got = NULL;
    size_t wlen = 0, glen = 0;
    snprintf(path, sizeof path, "%s/docs/parameters.md", getenv("VPCSIM_SOURCE_DIR"));
    FILE *mem = open_memstream(&want, &wlen);
    fputs("# Model parameters and their defaults\n\n"
          "Generated from the registry in models/components/params.c and experiments/defaults/"
          "aws-us-east-1.yaml\n(regenerate: `VPCSIM_REGENERATE=1 ctest -R test_params`). "
          "Override any of them in a scenario:\n`overrides: {nat_gateway: {bandwidth: 10Gbps}, "
          "nat_gateway/nat-a: {...}}`.\n\n",
          mem);
    params_write_reference(t, mem);
    fclose(mem);
    if (getenv("VPCSIM_REGENERATE")) {
        FILE *f = fopen(path, "w");
        fwrite(want, 1, wlen, f);
        fclose(f);
    }
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("%s missing: regenerate with VPCSIM_REGENERATE=1 ctest -R test_params", path);
    mem = open_memstream(&got, &glen);
    int c;
    while ((c = fgetc(f)) != EOF) fputc(c, mem);
    fclose(f);
    fclose(mem);
    if (wlen != glen || memcmp(want, got, wlen) != 0)
        fail_msg("%s is stale: regenerate with VPCSIM_REGENERATE=1 ctest -R test_params", path);
    free(want);
    free(got);
    params_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_defaults_have_a_basis_and_aws_figures),
        cmocka_unit_test(overrides_by_kind_and_instance),
        cmocka_unit_test(bad_overrides),
        cmocka_unit_test(bad_defaults_file),
        cmocka_unit_test(reference_is_current),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
