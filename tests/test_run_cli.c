/* `vpcsim run` options beyond the simulation: --set patches scenario values by path (and names
 * itself when the path or value is bad); run.sweep runs every point x architecture x replication
 * with the same seeds and prints a summary (exact values from tests/scenarios/sweep/latency.yaml,
 * whose latencies are constant); -o writes an HDF5 file whose datasets are those docs/output.md
 * lists, the same (every dataset and attribute but threads and command_line) for 1 and 2
 * threads, and that never replaces a file unless it is complete; --records, --spans and
 * --series-bin say what is wrong with a bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glob.h>
#include <hdf5.h>

#include "cli_run.h"

/* GCC 12 without LTO sees cli_report_ok's local buffer in `out` (a false positive: out is the
 * heap string it returns). */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif

#define REPORT(...) cli_report_ok((char *const[]){"vpcsim", "run", __VA_ARGS__, "--quiet", NULL})

/* The cells of the first row starting with `name` after `from` (split at two or more spaces). */
static size_t row_after(const char *text, const char *from, const char *name, char cells[][64],
                        size_t ncells)
{
    char key[160];
    const char *a = strstr(text, from);
    if (!a) fail_msg("no \"%s\" in:\n%s", from, text);
    snprintf(key, sizeof key, "\n    %s  ", name);
    const char *r = strstr(a, key);
    if (!r) fail_msg("no row %s after \"%s\"", name, from);
    r += 5;
    size_t n = 0;
    while (*r && *r != '\n' && n < ncells) {
        size_t len = 0;
        while (r[len] && r[len] != '\n' && !(r[len] == ' ' && r[len + 1] == ' ')) len++;
        snprintf(cells[n++], 64, "%.*s", (int)len, r);
        r += len;
        while (*r == ' ') r++;
    }
    return n;
}

/* ---- --set ----------------------------------------------------------------------------------- */

/* nat-cost.yaml: constant arrivals, every latency constant. 50 calls/s of 4 MiB for a 730 h
 * month: 50 x 4 x 730 x 3600 / 1024 = 513,281.25 GB through the NAT, x $0.045 = $23,097.66. */
static void set_patches_run_settings_and_traffic(void **state)
{
    (void)state;
    char f[512], c[12][64];
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    char *out = REPORT(f, "--set", "run.duration=2s", "--set", "run.warmup=1s", "--set",
                       "run.seed=11", "--set", "workloads.download.traffic.rate=50/s", "--set",
                       "workloads.download.traffic.response_size=4MiB");
    assert_text_has(out, "2 architectures x 1 replication of 2s after 1s of warm-up, seed 11\n");
    row_after(out, "=== architecture same-az ===", "download", c, 12);
    assert_string_equal(c[1], "50.00");
    row_after(out, "=== architecture same-az ===", "NAT gateway processing", c, 12);
    assert_string_equal(c[1], "513281");
    assert_string_equal(c[2], "$23,097.66");
    free(out);
    /* an option still beats the file and --set; a later --set beats an earlier one */
    out = REPORT(f, "--set", "run.duration=2s", "--set", "run.duration=3s", "--duration", "1s",
                 "--set", "run.replications=2", "--set", "run.replications=1");
    assert_text_has(out, "x 1 replication of 1s after 1s of warm-up, seed 5\n");
    free(out);
}

static void set_errors_name_the_argument(void **state)
{
    (void)state;
    static const struct {
        const char *arg, *msg;
    } cases[] = {
        {"workloads.download.traffic.rate=fast",
         "--set workloads.download.traffic.rate=fast: key 'rate': expected a rate"},
        {"workloads.nope.traffic.rate=5/s",
         "--set workloads.nope.traffic.rate=5/s: no item named 'nope' in workloads (there: "
         "download)"},
        {"workloads.download.traffic.ratee=5/s",
         "--set workloads.download.traffic.ratee=5/s: unknown key 'ratee' in "
         "workloads[0].traffic; did you mean 'rate'?"},
        {"run.seed=-3", "--set run.seed=-3: key 'seed': expected an integer"},
        {"run.durations=1s", "--set run.durations=1s: unknown key 'durations' in run"},
        {"workloads.download.traffic=5",
         "--set workloads.download.traffic=5: 'workloads.download.traffic' is a map"},
        {"run.duration.x=5", "--set run.duration.x=5: 'run.duration' is a value, not a map"},
        {"workloads.0.traffic.rate=0/s",
         "--set workloads.0.traffic.rate=0/s: architecture 'same-az': workload 'download': key "
         "'rate': must be more than 0/s"},
        {"run..seed=1", "--set run..seed=1: empty key in path 'run..seed'"},
        {"run.duration", "--set expects KEY=VALUE, got 'run.duration'"},
    };
    char f[512];
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_result r;
        assert_int_equal(
            cli_run((char *const[]){"vpcsim", "run", f, "--set", (char *)cases[i].arg, NULL}, &r),
            0);
        if (r.code != 2 || !strstr(r.err, cases[i].msg))
            fail_msg("--set %s: exit %d, stderr:\n%s\nwanted: %s", cases[i].arg, r.code, r.err,
                     cases[i].msg);
    }
}

/* ---- sweeps ---------------------------------------------------------------------------------- */

static void sweep_runs_every_point_with_the_same_seeds(void **state)
{
    (void)state;
    char f[512], c[12][64];
    cli_source_path("tests/scenarios/sweep/latency.yaml", f, sizeof f);
    char *out = REPORT(f, "--threads", "3");
    assert_text_has(out,
                    "2 architectures x 1 replication of 2s after 1s of warm-up, seed 5, 4 sweep "
                    "points\n");
    static const char *const points[] = {
        "=== sweep point 0 (1 of 4): overrides.service_s3.latency = 1ms, "
        "workloads.download.traffic.rate = 100/s ===",
        "=== sweep point 1 (2 of 4): overrides.service_s3.latency = 1ms, "
        "workloads.download.traffic.rate = 50/s ===",
        "=== sweep point 2 (3 of 4): overrides.service_s3.latency = 3ms, "
        "workloads.download.traffic.rate = 100/s ===",
        "=== sweep point 3 (4 of 4): overrides.service_s3.latency = 3ms, "
        "workloads.download.traffic.rate = 50/s ==="};
    static const char *const p50[] = {"3.178", "3.178", "5.178", "5.178"};
    static const char *const offered[] = {"100.0", "50.00", "100.0", "50.00"};
    const char *prev = out;
    for (int p = 0; p < 4; p++) {
        const char *at = strstr(out, points[p]);
        if (!at || at < prev) fail_msg("point %d missing or out of order:\n%s", p + 1, out);
        prev = at;
        row_after(at, "=== architecture same-az ===", "download", c, 12);
        assert_string_equal(c[1], offered[p]);
        assert_string_equal(c[4], p50[p]);
    }
    /* the summary: points in order, first key slowest; monthly as nat-cost.yaml's hand sums */
    const char *sum = strstr(out, "=== sweep summary");
    assert_non_null(sum);
    assert_int_equal(row_after(sum, "=== sweep summary", "1ms", c, 12), 8);
    assert_string_equal(c[1], "100/s");
    assert_string_equal(c[2], "same-az");
    assert_string_equal(c[4], "100.0"); /* completed/s: every call of 100/s */
    assert_string_equal(c[5], "100.0"); /* success % */
    assert_string_equal(c[6], "3.178");
    assert_string_equal(c[7], "$11,690.45"); /* with 100/s x $0.0004 per 1,000 GETs: $105.12 */
    row_after(sum, "cross-az", "1ms", c, 12);
    assert_string_equal(c[4], "50.00");
    assert_string_equal(c[7], "$5,863.47"); /* 1ms, 50/s, same-az follows 1ms, 100/s, cross-az */
    row_after(sum, "5.178", "3ms", c, 12);  /* 3ms, 100/s, cross-az */
    assert_string_equal(c[2], "cross-az");
    assert_string_equal(c[6], "5.578");
    assert_string_equal(c[7], "$16,823.26");
    free(out);
}

/* Writes a scenario made of nat-cost.yaml's first 30 lines and a run section. */
static void write_sweep_file(const char *path, const char *run)
{
    char src[512], line[512];
    FILE *in = fopen(cli_source_path("tests/scenarios/run/nat-cost.yaml", src, sizeof src), "r");
    FILE *out = fopen(path, "w");
    assert_non_null(in);
    assert_non_null(out);
    while (fgets(line, sizeof line, in) && strncmp(line, "overrides:", 10) != 0) fputs(line, out);
    fputs(run, out);
    fclose(in), fclose(out);
}

static void sweep_errors_point_at_the_file(void **state)
{
    (void)state;
    static const struct {
        const char *run, *msg;
    } cases[] = {
        {"run:\n  sweep:\n    workloads.nope.traffic.rate: [1/s]\n",
         ":37:35: run.sweep 'workloads.nope.traffic.rate' = '1/s': no item named 'nope'"},
        {"run:\n  sweep:\n    workloads.download.traffic.rate: [1/s, fast]\n",
         ":37:44: run.sweep 'workloads.download.traffic.rate' = 'fast': key 'rate': expected a "
         "rate"},
        {"run:\n  sweep:\n    run.duration: [1s, 2s]\n",
         ":37:5: run.sweep cannot sweep 'run.duration'"},
        {"run:\n  sweep:\n    workloads.download.traffic.rate: []\n",
         ":37:38: run.sweep 'workloads.download.traffic.rate': expected a list of values"},
        {"run:\n  sweep:\n    workloads.download.traffic.rate: 5/s\n",
         ":37:38: run.sweep 'workloads.download.traffic.rate': expected a list of values such as "
         "[1000/s, 2000/s], got a scalar"},
    };
    char path[128];
    snprintf(path, sizeof path, "/tmp/vpcsim-rcli-sweep-%ld.yaml", (long)getpid());
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_result r;
        write_sweep_file(path, cases[i].run);
        assert_int_equal(cli_run((char *const[]){"vpcsim", "run", path, NULL}, &r), 0);
        if (r.code != 2 || !strstr(r.err, cases[i].msg) || strncmp(r.err, path, strlen(path)))
            fail_msg("case %zu: exit %d, stderr:\n%s\nwanted: %s", i, r.code, r.err, cases[i].msg);
    }
    unlink(path);
}

/* ---- HDF5 ------------------------------------------------------------------------------------ */

static void temp_h5(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "/tmp/vpcsim-rcli-%ld-%s.h5", (long)getpid(), name);
    unlink(buf);
}

static int write_h5(const char *scenario, const char *out, const char *threads)
{
    char *text, err[4096];
    int code = cli_run_report((char *const[]){"vpcsim", "run", (char *)scenario, "-o", (char *)out,
                                              "--threads", (char *)threads, "--quiet", NULL},
                              &text, err, sizeof err);
    if (code) fprintf(stderr, "%s", err);
    free(text);
    return code;
}

typedef struct dsets {
    char names[256][256];
    size_t n;
} dsets;

static herr_t collect(hid_t g, const char *name, const H5L_info_t *info, void *op)
{
    (void)info;
    dsets *d = op;
    hid_t o = H5Oopen(g, name, H5P_DEFAULT);
    if (o >= 0 && H5Iget_type(o) == H5I_DATASET && d->n < 256)
        snprintf(d->names[d->n++], sizeof d->names[0], "/%s", name);
    if (o >= 0) H5Oclose(o);
    return 0;
}

static void list_datasets(hid_t f, dsets *d)
{
    d->n = 0;
    assert_true(H5Lvisit(f, H5_INDEX_NAME, H5_ITER_INC, collect, d) >= 0);
}

/* The bytes of dataset name in its file type (tables of fixed-size fields compare byte for
 * byte). *n gets their count. */
static unsigned char *read_raw(hid_t f, const char *name, size_t *n)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    hssize_t rows = H5Sget_simple_extent_npoints(s);
    *n = (size_t)rows * H5Tget_size(t);
    unsigned char *buf = calloc(*n ? *n : 1, 1);
    if (rows > 0) assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Tclose(t), H5Sclose(s), H5Dclose(d);
    return buf;
}

/* Every attribute of every object as "path:name=value" (values as text; strings verbatim). */
typedef struct attrs {
    char text[512][256];
    size_t n;
    const char *obj;
} attrs;

static herr_t attr_text(hid_t o, const char *name, const H5A_info_t *info, void *op)
{
    (void)info;
    attrs *as = op;
    hid_t a = H5Aopen(o, name, H5P_DEFAULT), t = H5Aget_type(a), sp = H5Aget_space(a);
    char val[160] = "";
    hssize_t k = H5Sget_simple_extent_npoints(sp);
    if (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0) {
        char **v = calloc((size_t)k, sizeof *v);
        H5Aread(a, t, v);
        for (hssize_t i = 0; i < k; i++) {
            snprintf(val + strlen(val), sizeof val - strlen(val), "%s%.60s", i ? "|" : "", v[i]);
            H5free_memory(v[i]);
        }
        free(v);
    } else {
        double d = 0;
        int64_t x = 0;
        if (H5Tget_class(t) == H5T_FLOAT)
            H5Aread(a, H5T_NATIVE_DOUBLE, &d);
        else
            H5Aread(a, H5T_NATIVE_INT64, &x);
        snprintf(val, sizeof val, "%.17g/%lld", d, (long long)x);
    }
    if (as->n < 512)
        snprintf(as->text[as->n++], sizeof as->text[0], "%s:%s=%s", as->obj, name, val);
    H5Sclose(sp), H5Tclose(t), H5Aclose(a);
    return 0;
}

static herr_t object_attrs(hid_t g, const char *name, const H5O_info_t *info, void *op)
{
    (void)info;
    attrs *as = op;
    char path[256];
    snprintf(path, sizeof path, "/%s", strcmp(name, ".") == 0 ? "" : name);
    hid_t o = H5Oopen(g, name, H5P_DEFAULT);
    as->obj = path;
    H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_INC, NULL, attr_text, as);
    H5Oclose(o);
    return 0;
}

static void list_attrs(hid_t f, attrs *as)
{
    as->n = 0;
    assert_true(H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, object_attrs, as) >= 0);
}

/* Files one and two hold the same n datasets, byte for byte, and the same attributes but the
 * root's threads and command_line. */
static void same_contents(const char *one, const char *two, size_t n)
{
    hid_t a = H5Fopen(one, H5F_ACC_RDONLY, H5P_DEFAULT),
          b = H5Fopen(two, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(a >= 0 && b >= 0);
    dsets *da = calloc(1, sizeof *da), *db = calloc(1, sizeof *db);
    list_datasets(a, da);
    list_datasets(b, db);
    assert_int_equal(da->n, n);
    assert_int_equal(db->n, da->n);
    for (size_t i = 0; i < da->n; i++) {
        size_t na, nb;
        assert_string_equal(da->names[i], db->names[i]);
        unsigned char *x = read_raw(a, da->names[i], &na), *y = read_raw(b, db->names[i], &nb);
        assert_int_equal(na, nb);
        if (memcmp(x, y, na) != 0) fail_msg("%s differs between thread counts", da->names[i]);
        free(x), free(y);
    }
    attrs *aa = calloc(1, sizeof *aa), *ab = calloc(1, sizeof *ab);
    list_attrs(a, aa);
    list_attrs(b, ab);
    assert_true(aa->n > 30);
    assert_int_equal(aa->n, ab->n);
    for (size_t i = 0; i < aa->n; i++)
        if (strcmp(aa->text[i], ab->text[i]) != 0 && strncmp(aa->text[i], "/:threads=", 10) != 0 &&
            strncmp(aa->text[i], "/:command_line=", 15) != 0)
            fail_msg("attribute differs between thread counts:\n  %s\n  %s", aa->text[i],
                     ab->text[i]);
    free(aa), free(ab), free(da), free(db);
    H5Fclose(a), H5Fclose(b);
}

static void same_datasets_for_any_thread_count(void **state)
{
    (void)state;
    char f[512], one[256], two[256];
    cli_source_path("tests/scenarios/sweep/rate.yaml", f, sizeof f);
    temp_h5(one, sizeof one, "t1");
    temp_h5(two, sizeof two, "t2");
    assert_int_equal(write_h5(f, one, "1"), 0);
    assert_int_equal(write_h5(f, two, "2"), 0);
    /* 3 points x 2 architectures x 2 replications x 7 tables, plus /summary, /sweep, /faults and
     * 2 architectures x 2 topology tables; runs side by side */
    same_contents(one, two, 163); /* 79 + 12 runs x (inter_region + 6 state/ tables) */
    hid_t b = H5Fopen(two, H5F_ACC_RDONLY, H5P_DEFAULT);
    int64_t complete = 0, threads = 0, points = 0;
    assert_true(H5Aexists(b, "scenario") > 0 && H5Aexists(b, "command_line") > 0 &&
                H5Aexists(b, "tool") > 0 && H5Aexists(b, "seed") > 0);
    hid_t at = H5Aopen(b, "complete", H5P_DEFAULT);
    H5Aread(at, H5T_NATIVE_INT64, &complete), H5Aclose(at);
    at = H5Aopen(b, "threads", H5P_DEFAULT);
    H5Aread(at, H5T_NATIVE_INT64, &threads), H5Aclose(at);
    at = H5Aopen(b, "sweep_points", H5P_DEFAULT);
    H5Aread(at, H5T_NATIVE_INT64, &points), H5Aclose(at);
    assert_int_equal(complete, 1);
    assert_int_equal(threads, 2);
    assert_int_equal(points, 3);
    H5Fclose(b);
    /* one run on two threads: split across them (spans of every request) */
    cli_source_path("tests/scenarios/run/arrivals.yaml", f, sizeof f);
    for (int k = 0; k < 2; k++) {
        char *text, err[4096];
        int code = cli_run_report((char *const[]){"vpcsim", "run", f, "--duration", "300ms",
                                                  "--replications", "1", "--spans", "1", "-o",
                                                  k ? two : one, "--threads", k ? "2" : "1",
                                                  "--quiet", NULL},
                                  &text, err, sizeof err);
        free(text);
        if (code) fail_msg("exit %d: %s", code, err);
    }
    same_contents(one, two, 7 + 3 + 2 + 6); /* + the run's 6 state/ tables */
    unlink(one), unlink(two);
}

/* docs/output.md's machine-readable list: "    PATTERN: field field ...". */
typedef struct doc_list {
    char pattern[24][160];
    char fields[24][1024];
    size_t n;
    bool seen[24];
} doc_list;

static void read_doc(doc_list *dl)
{
    char path[512], line[2048];
    FILE *in = fopen(cli_source_path("docs/output.md", path, sizeof path), "r");
    assert_non_null(in);
    bool on = false;
    dl->n = 0;
    while (fgets(line, sizeof line, in)) {
        if (strncmp(line, "<!-- datasets -->", 17) == 0) on = true;
        if (strncmp(line, "<!-- end datasets -->", 21) == 0) on = false;
        char *colon = strstr(line, ": ");
        if (!on || strncmp(line, "    /", 5) != 0 || !colon || dl->n == 24) continue;
        snprintf(dl->pattern[dl->n], sizeof dl->pattern[0], "%.*s", (int)(colon - line - 4),
                 line + 4);
        snprintf(dl->fields[dl->n], sizeof dl->fields[0], "%s", colon + 2);
        dl->fields[dl->n][strcspn(dl->fields[dl->n], "\n")] = 0;
        dl->n++;
    }
    fclose(in);
    assert_int_equal(dl->n, 18);
}

/* Whether name matches pattern: ARCH is one path component, P and R are digits. */
static bool matches(const char *p, const char *s)
{
    while (*p) {
        if (strncmp(p, "ARCH", 4) == 0) {
            size_t n = strcspn(s, "/");
            if (n == 0) return false;
            p += 4, s += n;
        } else if ((*p == 'P' || *p == 'R') && (p[-1] == 't' || p[-1] == 'p')) {
            if (*s < '0' || *s > '9') return false;
            while (*s >= '0' && *s <= '9') s++;
            p++;
        } else if (*p++ != *s++)
            return false;
    }
    return !*s;
}

/* The field names of dataset name, space-separated. */
static void fields_of(hid_t f, const char *name, char *buf, size_t n)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT), t = H5Dget_type(d);
    buf[0] = 0;
    for (int i = 0; i < H5Tget_nmembers(t); i++) {
        char *m = H5Tget_member_name(t, (unsigned)i);
        snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? " " : "", m);
        H5free_memory(m);
    }
    H5Tclose(t), H5Dclose(d);
}

static void datasets_are_those_documented(void **state)
{
    (void)state;
    char f[512], out[256], got[2048];
    doc_list dl = {0};
    read_doc(&dl);
    cli_source_path("tests/scenarios/sweep/rate.yaml", f, sizeof f);
    temp_h5(out, sizeof out, "doc");
    assert_int_equal(write_h5(f, out, "2"), 0);
    hid_t h = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    dsets *ds = calloc(1, sizeof *ds);
    list_datasets(h, ds);
    for (size_t i = 0; i < ds->n; i++) {
        size_t k = 0;
        while (k < dl.n && !matches(dl.pattern[k], ds->names[i])) k++;
        if (k == dl.n) fail_msg("%s is not in docs/output.md", ds->names[i]);
        fields_of(h, ds->names[i], got, sizeof got);
        if (strcmp(got, dl.fields[k]) != 0)
            fail_msg("%s has fields\n  %s\ndocs/output.md says\n  %s", ds->names[i], got,
                     dl.fields[k]);
        dl.seen[k] = true;
    }
    for (size_t k = 0; k < dl.n; k++)
        if (!dl.seen[k]) fail_msg("docs/output.md lists %s; the file has none", dl.pattern[k]);
    free(ds);
    H5Fclose(h);
    unlink(out);
}

/* A run that fails leaves an existing file as it was and no temporary file behind. */
static void failed_runs_leave_the_file_alone(void **state)
{
    (void)state;
    char f[512], out[256], tmp[300];
    cli_source_path("tests/scenarios/sweep/rate.yaml", f, sizeof f);
    temp_h5(out, sizeof out, "keep");
    FILE *w = fopen(out, "w");
    fputs("precious", w);
    fclose(w);
    cli_result r;
    assert_int_equal(
        cli_run((char *const[]){"vpcsim", "run", f, "-o", out, "--set", "run.seed=x", NULL}, &r),
        0);
    assert_int_equal(r.code, 2);
    char buf[32] = "";
    FILE *in = fopen(out, "r");
    assert_non_null(fgets(buf, sizeof buf, in));
    fclose(in);
    assert_string_equal(buf, "precious");
    /* a folder that is not there: exit 1, nothing written */
    assert_int_equal(cli_run((char *const[]){"vpcsim", "run", f, "-o",
                                             "/tmp/vpcsim-no-such-dir/x.h5", "--quiet", NULL},
                             &r),
                     0);
    assert_int_equal(r.code, 1);
    assert_non_null(strstr(r.err, "/tmp/vpcsim-no-such-dir/x.h5: cannot create a file beside it "
                                  "(the folder is not there)"));
    assert_true(access("/tmp/vpcsim-no-such-dir", F_OK) != 0);
    /* a good run replaces it, and leaves no temporary file */
    assert_int_equal(write_h5(f, out, "1"), 0);
    assert_true(H5Fis_hdf5(out) > 0);
    snprintf(tmp, sizeof tmp, "%s.tmp.*", out);
    glob_t g;
    assert_int_equal(glob(tmp, 0, NULL, &g), GLOB_NOMATCH);
    globfree(&g);
    unlink(out);
}

/* --records, --spans, --series-bin: exit 2 with what is wrong; and only with -o. */
static void output_option_errors_say_what_is_wrong(void **state)
{
    (void)state;
    static const struct {
        const char *opt, *value, *msg;
    } cases[] = {
        {"--records", "1.5", "--records expects a share from 0 to 1 (or 0% to 100%), got '1.5'"},
        {"--records", "lots", "--records expects a share from 0 to 1"},
        {"--spans", "-0.1", "--spans expects a share from 0 to 1 (or 0% to 100%), got '-0.1'"},
        {"--series-bin", "0s", "--series-bin must be more than 0s, got '0s'"},
        {"--series-bin", "fast", "--series-bin: "},
        {"--series-bin", "1ns", "series bin 1ns: "},
    };
    char f[512], out[256];
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    temp_h5(out, sizeof out, "opts");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_result r;
        assert_int_equal(
            cli_run((char *const[]){"vpcsim", "run", f, "-o", out, (char *)cases[i].opt,
                                    (char *)cases[i].value, NULL},
                    &r),
            0);
        if (r.code != 2 || !strstr(r.err, cases[i].msg))
            fail_msg("%s %s: exit %d, stderr:\n%s\nwanted: %s", cases[i].opt, cases[i].value,
                     r.code, r.err, cases[i].msg);
        assert_true(access(out, F_OK) != 0);
    }
    cli_result r;
    assert_int_equal(cli_run((char *const[]){"vpcsim", "run", f, "--records", "0.5", NULL}, &r), 0);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "--records only matters with -o FILE"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_patches_run_settings_and_traffic),
        cmocka_unit_test(set_errors_name_the_argument),
        cmocka_unit_test(sweep_runs_every_point_with_the_same_seeds),
        cmocka_unit_test(sweep_errors_point_at_the_file),
        cmocka_unit_test(same_datasets_for_any_thread_count),
        cmocka_unit_test(datasets_are_those_documented),
        cmocka_unit_test(failed_runs_leave_the_file_alone),
        cmocka_unit_test(output_option_errors_say_what_is_wrong),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
