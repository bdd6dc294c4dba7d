/* Validation of `vpcsim run` against results nobody here wrote, through the binary and the
 * scenario files of tests/scenarios/validate/: queueing theory at utilisation 0.5 and 0.9 (M/M/1
 * sojourn, M/M/c Erlang C wait, M/D/1 and M/G/1 Pollaczek-Khinchine wait, two FIFO stations in a
 * Jackson network, M/M/1/K loss), each analytic value inside the 99% Student-t interval over the
 * replications of the HDF5 output, the half-width under 3% of it; and monthly bills from AWS's
 * published prices, to the cent. The rho 0.9 cases need millions of calls: they run in Release
 * builds (NDEBUG) or with VPCSIM_VALIDATE=full, and are skipped with VPCSIM_VALIDATE=quick. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <hdf5.h>
#include <math.h>

#include "cli_run.h"

enum { MAX_REPS = 40, MAX_POINTS = 2, MAX_COMPONENTS = 8, MAX_SETS = 8 };

/* Interface endpoint -> NLB -> service and back is 6 links of 0 s, each at least 1 ns. */
#define LINK_FLOORS_NS 6.0
#define MU             1000.0 /* service rate of each of the private service's servers (mean 1 ms) */

/* ---- running and reading --------------------------------------------------------------------- */

/* What the HDF5 file says of workload `call` (row 0) in one replication of one sweep point. */
typedef struct wl_vals {
    double mean_ns, success_ratio;
    uint64_t offered, completed, failed_dropped, unfinished;
} wl_vals;

typedef struct comp_vals {
    char component[160];
    double mean_in_station;
} comp_vals;

typedef struct results {
    size_t points, reps;
    wl_vals wl[MAX_POINTS][MAX_REPS];
    comp_vals comp[MAX_POINTS][MAX_REPS][MAX_COMPONENTS];
    size_t ncomp;
} results;

/* Whether the heavy (rho 0.9) cases run: VPCSIM_VALIDATE=full|quick, else in Release builds. */
static bool heavy_cases(void)
{
    const char *v = getenv("VPCSIM_VALIDATE");
    if (v && strcmp(v, "full") == 0) return true;
    if (v && strcmp(v, "quick") == 0) return false;
#ifdef NDEBUG
    return true;
#else
    return false;
#endif
}

static hid_t wl_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(wl_vals));
    H5Tinsert(t, "mean_ns", offsetof(wl_vals, mean_ns), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "success_ratio", offsetof(wl_vals, success_ratio), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "offered", offsetof(wl_vals, offered), H5T_NATIVE_UINT64);
    H5Tinsert(t, "completed", offsetof(wl_vals, completed), H5T_NATIVE_UINT64);
    H5Tinsert(t, "failed_dropped", offsetof(wl_vals, failed_dropped), H5T_NATIVE_UINT64);
    H5Tinsert(t, "unfinished", offsetof(wl_vals, unfinished), H5T_NATIVE_UINT64);
    return t;
}

static hid_t comp_type(void)
{
    hid_t s = H5Tcopy(H5T_C_S1);
    H5Tset_size(s, sizeof((comp_vals *)0)->component);
    H5Tset_strpad(s, H5T_STR_NULLTERM);
    H5Tset_cset(s, H5T_CSET_UTF8); /* as the file has it: HDF5 converts no character sets */
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(comp_vals));
    H5Tinsert(t, "component", offsetof(comp_vals, component), s);
    H5Tinsert(t, "mean_in_station", offsetof(comp_vals, mean_in_station), H5T_NATIVE_DOUBLE);
    H5Tclose(s);
    return t;
}

/* Reads up to max rows of dataset path as memory type t into buf; returns the rows. */
static size_t read_rows(hid_t f, const char *path, hid_t t, void *buf, size_t max)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0) fail_msg("no dataset %s", path);
    hid_t s = H5Dget_space(d);
    hssize_t rows = H5Sget_simple_extent_npoints(s);
    if (rows < 1 || (size_t)rows > max) fail_msg("%s: %lld rows", path, (long long)rows);
    assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Sclose(s), H5Dclose(d);
    return (size_t)rows;
}

static int64_t attr_i64(hid_t f, const char *name)
{
    int64_t v = -1;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    assert_true(a >= 0 && H5Aread(a, H5T_NATIVE_INT64, &v) >= 0);
    H5Aclose(a);
    return v;
}

static void read_results(const char *h5, results *r)
{
    hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT), wt = wl_type(), ct = comp_type();
    assert_true(f >= 0);
    r->points = (size_t)attr_i64(f, "sweep_points");
    r->reps = (size_t)attr_i64(f, "replications");
    assert_true(r->points >= 1 && r->points <= MAX_POINTS && r->reps >= 2 && r->reps <= MAX_REPS);
    char path[256];
    for (size_t p = 0; p < r->points; p++)
        for (size_t k = 0; k < r->reps; k++) {
            wl_vals wl[4];
            snprintf(path, sizeof path, "/architectures/privatelink/point%zu/rep%zu/summary", p, k);
            read_rows(f, path, wt, wl, 4);
            r->wl[p][k] = wl[0];
            snprintf(path, sizeof path, "/architectures/privatelink/point%zu/rep%zu/components", p,
                     k);
            r->ncomp = read_rows(f, path, ct, r->comp[p][k], MAX_COMPONENTS);
        }
    H5Tclose(wt), H5Tclose(ct), H5Fclose(f);
}

/* Runs scenario tests/scenarios/validate/NAME with --set sets (NULL-terminated) into r. */
static void run_scenario(const char *name, const char *const *sets, results *r)
{
    char file[512], rel[128], dir[] = "/tmp/vpcsim-validate-XXXXXX", h5[64];
    snprintf(rel, sizeof rel, "tests/scenarios/validate/%s", name);
    cli_source_path(rel, file, sizeof file);
    assert_non_null(mkdtemp(dir));
    snprintf(h5, sizeof h5, "%s/out.h5", dir);
    /* only the tables: no request records, spans or time series (they cost more than the runs) */
    char *argv[14 + 2 * MAX_SETS] = {"vpcsim",    "run", file,           "-o",        h5,
                                     "--threads", "2",   "--quiet",      "--records", "0",
                                     "--spans",   "0",   "--series-bin", "1h"};
    size_t n = 14;
    for (size_t i = 0; sets && sets[i]; i++) {
        assert_true(i < MAX_SETS);
        argv[n++] = "--set";
        argv[n++] = (char *)sets[i];
    }
    argv[n] = NULL;
    cli_result res;
    assert_int_equal(cli_run(argv, &res), 0);
    if (res.code != 0) fail_msg("%s: exit %d: %s", name, res.code, res.err);
    read_results(h5, r);
    unlink(h5);
    rmdir(dir);
}

/* ---- statistics ------------------------------------------------------------------------------ */

/* Mean and 99% Student-t half-width of x[0..n). */
static void interval99(const double *x, size_t n, double *mean, double *half)
{
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++) ss += (x[i] - *mean) * (x[i] - *mean);
    double sd = sqrt(ss / (double)(n - 1));
    *half = gsl_cdf_tdist_Pinv(0.995, (double)(n - 1)) * sd / sqrt((double)n);
}

/* The analytic value want must lie inside the 99% interval of x[0..n), whose half-width must be
 * under 3% of want. */
static void expect_inside(const char *what, const double *x, size_t n, double want)
{
    double mean, half;
    interval99(x, n, &mean, &half);
    print_message("%-34s analytic %-10.6g simulated %-10.6g +- %.4g (99%%, %zu reps: %.2f%%)\n",
                  what, want, mean, half, n, 100 * half / want);
    if (!(fabs(mean - want) <= half))
        fail_msg("%s: analytic %g is outside the 99%% interval %g +- %g", what, want, mean, half);
    if (!(half < 0.03 * want))
        fail_msg("%s: the 99%% half-width %g is not under 3%% of %g", what, half, want);
}

/* Every station but those whose names start with one of keep[] held no one (time average 0):
 * the validated stations are the only queues. */
static void only_queues(const results *r, const char *const *keep)
{
    for (size_t p = 0; p < r->points; p++)
        for (size_t k = 0; k < r->reps; k++)
            for (size_t c = 0; c < r->ncomp; c++) {
                const comp_vals *v = &r->comp[p][k][c];
                bool kept = false;
                for (size_t i = 0; keep[i]; i++)
                    kept |= strncmp(v->component, keep[i], strlen(keep[i])) == 0;
                if (!kept && v->mean_in_station != 0)
                    fail_msg("%s holds %g requests on average: not a queue-free hop", v->component,
                             v->mean_in_station);
            }
}

/* Every call of point p completed (none lost, none left over). */
static void all_completed(const results *r, size_t p)
{
    for (size_t k = 0; k < r->reps; k++) {
        const wl_vals *v = &r->wl[p][k];
        if (v->completed != v->offered || v->unfinished != 0 || v->offered == 0)
            fail_msg("point %zu rep %zu: %llu of %llu calls completed", p, k,
                     (unsigned long long)v->completed, (unsigned long long)v->offered);
    }
}

/* Per replication: mean latency of point p in ms, less shift_ms. */
static void latency_ms(const results *r, size_t p, double shift_ms, double *x)
{
    for (size_t k = 0; k < r->reps; k++) x[k] = r->wl[p][k].mean_ns / 1e6 - shift_ms;
}

/* Per replication: the mean latency of point 1 less that of point 0, in ms. Both points see the
 * same calls and the same service times (common random numbers: the service's k-th request
 * draws the k-th sample either way), so with point 0 at unlimited servers this is the mean wait
 * of the same calls at point 1. */
static void paired_wait_ms(const results *r, double *x)
{
    for (size_t k = 0; k < r->reps; k++) x[k] = (r->wl[1][k].mean_ns - r->wl[0][k].mean_ns) / 1e6;
}

static const char *const ONLY_SERVICE[] = {"private-service/", NULL};

/* ---- queueing theory ------------------------------------------------------------------------- */

/* Erlang C: the probability that an arrival waits at c servers offered a = lambda / mu. */
static double erlang_c(unsigned c, double a)
{
    double term = 1, sum = 0; /* a^k / k! */
    for (unsigned k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term * c / (c - a);
    return top / (sum + top);
}

/* M/M/1: E[T] = 1 / (mu - lambda). */
static void mm1_case(const char *rate, double lambda, const char *duration)
{
    const char *sets[] = {rate, duration, NULL};
    results r;
    double x[MAX_REPS];
    run_scenario("mm1.yaml", sets, &r);
    all_completed(&r, 0);
    only_queues(&r, ONLY_SERVICE);
    latency_ms(&r, 0, LINK_FLOORS_NS / 1e6, x);
    char what[64];
    snprintf(what, sizeof what, "M/M/1 E[T] ms, rho %.2f", lambda / MU);
    expect_inside(what, x, r.reps, 1e3 / (MU - lambda));
}

static void mm1_rho_05(void **state)
{
    (void)state;
    mm1_case("workloads.call.traffic.rate=500/s", 500, "run.duration=30s");
}

static void mm1_rho_09(void **state)
{
    (void)state;
    if (!heavy_cases()) skip();
    mm1_case("workloads.call.traffic.rate=900/s", 900, "run.duration=450s");
}

/* M/M/c, c = 3: E[Wq] = C(c, a) / (c mu - lambda), from the paired sweep servers -1 -> 3. */
static void mmc_case(const char *rate, double lambda, const char *duration)
{
    const char *sets[] = {rate, duration, NULL};
    results r;
    double x[MAX_REPS];
    run_scenario("mmc.yaml", sets, &r);
    assert_int_equal(r.points, 2);
    all_completed(&r, 0), all_completed(&r, 1);
    only_queues(&r, ONLY_SERVICE);
    paired_wait_ms(&r, x);
    char what[64];
    snprintf(what, sizeof what, "M/M/3 Erlang C E[Wq] ms, rho %.2f", lambda / (3 * MU));
    expect_inside(what, x, r.reps, 1e3 * erlang_c(3, lambda / MU) / (3 * MU - lambda));
}

static void mmc_rho_05(void **state)
{
    (void)state;
    mmc_case("workloads.call.traffic.rate=1500/s", 1500, "run.duration=70s");
}

static void mmc_rho_09(void **state)
{
    (void)state;
    if (!heavy_cases()) skip();
    mmc_case("workloads.call.traffic.rate=2700/s", 2700, "run.duration=120s");
}

/* M/D/1, service 1 ms: E[W] = lambda E[S^2] / (2 (1 - rho)); latency less S and the link floors
 * is each call's wait exactly. */
static void md1_case(const char *rate, double lambda, const char *duration)
{
    const char *sets[] = {rate, duration, NULL};
    results r;
    double x[MAX_REPS], s = 1e-3, rho = lambda * s;
    run_scenario("md1.yaml", sets, &r);
    all_completed(&r, 0);
    only_queues(&r, ONLY_SERVICE);
    latency_ms(&r, 0, 1 + LINK_FLOORS_NS / 1e6, x);
    char what[64];
    snprintf(what, sizeof what, "M/D/1 P-K E[W] ms, rho %.2f", rho);
    expect_inside(what, x, r.reps, 1e3 * lambda * s * s / (2 * (1 - rho)));
}

static void md1_rho_05(void **state)
{
    (void)state;
    md1_case("workloads.call.traffic.rate=500/s", 500, "run.duration=25s");
}

static void md1_rho_09(void **state)
{
    (void)state;
    if (!heavy_cases()) skip();
    md1_case("workloads.call.traffic.rate=900/s", 900, "run.duration=330s");
}

/* M/G/1, lognormal service (median 1 ms, sigma 0.5): E[S] = e^(sigma^2 / 2) ms, E[S^2] =
 * e^(2 sigma^2) ms^2; E[W] (P-K) from the paired sweep servers -1 -> 1. */
static void mg1_case(const char *rate, double lambda, const char *duration)
{
    const char *sets[] = {rate, duration, NULL};
    results r;
    double x[MAX_REPS], sigma = 0.5, es = exp(sigma * sigma / 2) * 1e-3,
                        es2 = exp(2 * sigma * sigma) * 1e-6, rho = lambda * es;
    run_scenario("mg1.yaml", sets, &r);
    assert_int_equal(r.points, 2);
    all_completed(&r, 0), all_completed(&r, 1);
    only_queues(&r, ONLY_SERVICE);
    char what[64];
    paired_wait_ms(&r, x);
    snprintf(what, sizeof what, "M/G/1 P-K E[W] ms, rho %.2f", rho);
    expect_inside(what, x, r.reps, 1e3 * lambda * es2 / (2 * (1 - rho)));
}

static void mg1_rho_05(void **state)
{
    (void)state;
    mg1_case("workloads.call.traffic.rate=441/s", 441, "run.duration=50s");
}

static void mg1_rho_09(void **state)
{
    (void)state;
    if (!heavy_cases()) skip();
    mg1_case("workloads.call.traffic.rate=794/s", 794, "run.duration=300s");
}

/* Two FIFO stations: the NLB (one server, exponential, mean 0.5 ms) on the way there and back,
 * the service (one server, exponential, mean 1 ms) between. A Jackson (Kelly) network: each
 * visit is an M/M/1 sojourn at its station's total rate, E[T] = 2 / (mu1 - 2 lambda) +
 * 1 / (mu2 - lambda), mu1 = 2000/s, mu2 = 1000/s: both stations at rho = lambda / 1000. */
static void tandem_case(const char *rate, double lambda, const char *duration)
{
    const char *sets[] = {rate, duration, NULL};
    static const char *const keep[] = {"private-service/", "nlb/", NULL};
    results r;
    double x[MAX_REPS], mu1 = 2 * MU, mu2 = MU;
    run_scenario("tandem.yaml", sets, &r);
    all_completed(&r, 0);
    only_queues(&r, keep);
    latency_ms(&r, 0, LINK_FLOORS_NS / 1e6, x);
    char what[64];
    snprintf(what, sizeof what, "tandem (Jackson) E[T] ms, rho %.2f", lambda / MU);
    expect_inside(what, x, r.reps, 1e3 * (2 / (mu1 - 2 * lambda) + 1 / (mu2 - lambda)));
}

static void tandem_rho_05(void **state)
{
    (void)state;
    tandem_case("workloads.call.traffic.rate=500/s", 500, "run.duration=15s");
}

static void tandem_rho_09(void **state)
{
    (void)state;
    if (!heavy_cases()) skip();
    tandem_case("workloads.call.traffic.rate=900/s", 900, "run.duration=370s");
}

/* M/M/1/K, K = 3 (one in service, two waiting): loss (1 - rho) rho^K / (1 - rho^(K+1)), seen
 * as calls that failed "dropped" (the only failures). */
static void mm1k_case(const char *rate, double lambda, const char *duration)
{
    const char *sets[] = {rate, duration, NULL};
    results r;
    double x[MAX_REPS], rho = lambda / MU;
    run_scenario("mm1k.yaml", sets, &r);
    only_queues(&r, ONLY_SERVICE);
    for (size_t k = 0; k < r.reps; k++) {
        const wl_vals *v = &r.wl[0][k];
        if (v->completed + v->failed_dropped != v->offered || v->unfinished != 0)
            fail_msg("rep %zu: %llu offered, %llu completed, %llu dropped", k,
                     (unsigned long long)v->offered, (unsigned long long)v->completed,
                     (unsigned long long)v->failed_dropped);
        x[k] = (double)v->failed_dropped / (double)v->offered;
    }
    char what[64];
    snprintf(what, sizeof what, "M/M/1/3 loss probability, rho %.2f", rho);
    expect_inside(what, x, r.reps, (1 - rho) * pow(rho, 3) / (1 - pow(rho, 4)));
}

static void mm1k_rho_05(void **state)
{
    (void)state;
    mm1k_case("workloads.call.traffic.rate=500/s", 500, "run.duration=40s");
}

static void mm1k_rho_09(void **state)
{
    (void)state;
    mm1k_case("workloads.call.traffic.rate=900/s", 900, "run.duration=12s");
}

/* servers is -1 (no limit) or a count: 0 is refused with the component and where it was set. */
static void zero_servers_is_an_error(void **state)
{
    (void)state;
    char file[512];
    cli_source_path("tests/scenarios/validate/mm1.yaml", file, sizeof file);
    cli_result res;
    assert_int_equal(cli_run((char *const[]){"vpcsim", "run", file, "--set",
                                             "overrides.private_service.servers=0", NULL},
                             &res),
                     0);
    assert_int_equal(res.code, 2);
    assert_text_has(res.err, "private-service/queue/use1-az1: private_service.servers must be -1 "
                             "(no limit) or 1 to 1073741824, got 0");
}

/* ---- bills ----------------------------------------------------------------------------------- */

/* Runs scenario tests/scenarios/validate/NAME with one --set (or NULL) and returns the report. */
static char *report_of(const char *name, const char *set1, const char *set2)
{
    char file[512], rel[128];
    snprintf(rel, sizeof rel, "tests/scenarios/validate/%s", name);
    cli_source_path(rel, file, sizeof file);
    char *argv[12] = {"vpcsim", "run", file, "--quiet"};
    size_t n = 4;
    if (set1) argv[n++] = "--set", argv[n++] = (char *)set1;
    if (set2) argv[n++] = "--set", argv[n++] = (char *)set2;
    argv[n] = NULL;
    return cli_report_ok(argv);
}

/* The cells of row `item` of the report's monthly cost table (item, GB a month, monthly), split
 * at runs of two or more spaces, into cells[3][64]. */
static void cost_cells(const char *text, const char *item, char cells[3][64])
{
    char key[128];
    const char *t = strstr(text, "  monthly cost (730 h;");
    if (!t) fail_msg("no monthly cost table in:\n%s", text);
    snprintf(key, sizeof key, "\n    %s  ", item);
    const char *r = strstr(t, key);
    if (!r) fail_msg("no row '%s' in:\n%s", item, t);
    r += 5;
    memset(cells, 0, 3 * 64);
    for (size_t n = 0; *r && *r != '\n' && n < 3; n++) {
        size_t len = 0;
        while (r[len] && r[len] != '\n' && !(r[len] == ' ' && r[len + 1] == ' ')) len++;
        snprintf(cells[n], 64, "%.*s", (int)len, r);
        r += len;
        while (*r == ' ') r++;
    }
}

/* Row item of the report's monthly costs says usd (its last cell), and gb GB a month if gb >= 0. */
static void expect_cost(const char *text, const char *item, double gb, const char *usd)
{
    char c[3][64];
    cost_cells(text, item, c);
    const char *money = c[2][0] ? c[2] : c[1];
    if (strcmp(money, usd) != 0) fail_msg("%s: %s, expected %s", item, money, usd);
    if (gb >= 0 && strtod(c[1], NULL) != gb) fail_msg("%s: %s GB, expected %g", item, c[1], gb);
}

/* Some line of text has both a and b, b after a. */
static void expect_line(const char *text, const char *a, const char *b)
{
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        const char *end = strchr(l, '\n'), *x = strstr(l, a), *y = x ? strstr(x, b) : NULL;
        if (x && y && (!end || y < end)) return;
    }
    fail_msg("no line with '%s' then '%s' in:\n%s", a, b, text);
}

static const char *const HOURLY = "provisioned resources (hourly; see vpcsim check)";

/* aws-facts.md's worked check: one NAT gateway processing 1 TB in a 730 h month is $32.85 +
 * $46.08 = $78.93; the run also bills the NAT's public IPv4 address ($3.65). */
static void nat_gateway_1tb_a_month(void **state)
{
    (void)state;
    char *out = report_of("nat-1tb.yaml", NULL, NULL);
    expect_cost(out, "NAT gateway processing", 1024, "$46.08"); /* 1,024 GB x $0.045 */
    expect_cost(out, HOURLY, -1, "$36.50");                     /* ($0.045 + $0.005) x 730 h */
    /* and S3 bills each of the 2^20 GETs a month (1,024 calls per 1/1024 of a month) at $0.0004
     * per 1,000: $0.419; total 36.50 + 46.08 + 0.419 = $83.00, per million $83.00 / 1.048576 */
    expect_cost(out, "total", -1, "$83.00");
    expect_cost(out, "per million completed requests", -1, "$79.15");
    free(out);
    char file[512];
    cli_source_path("tests/scenarios/validate/nat-1tb.yaml", file, sizeof file);
    out = cli_report_ok((char *const[]){"vpcsim", "check", file, NULL});
    expect_line(out, "  NAT gateway  ", "$32.85"); /* $0.045 x 730 h */
    expect_line(out, "  public IPv4 address  ", "$3.65");
    free(out); /* $32.85 + $46.08 = $78.93 */
}

/* aws-facts.md's worked check: an interface endpoint in 3 AZs is $21.90 a month plus $10.24 per
 * TB processed. */
static void interface_endpoint_3_azs(void **state)
{
    (void)state;
    char *out = report_of("endpoint-3az.yaml", NULL, NULL);
    expect_cost(out, HOURLY, -1, "$21.90"); /* 3 x $0.01 x 730 h */
    expect_cost(out, "interface endpoint processing", 1024, "$10.24");
    /* with SQS's 2^20 requests a month at $0.40 per million, $0.419: 21.90 + 10.24 + 0.42 */
    expect_cost(out, "total", -1, "$32.56");
    assert_null(strstr(out, "cross-AZ transfer")); /* zonal names: no byte crosses AZs */
    free(out);
    out = report_of("endpoint-3az.yaml", "workloads.send.traffic.response_size=2MiB", NULL);
    expect_cost(out, "interface endpoint processing", 2048, "$20.48");
    expect_cost(out, "total", -1, "$42.80"); /* 21.90 + 20.48 + 0.419 */
    free(out);
}

/* PrivateLink processing tiers apply to the month's volume over all endpoints together: 2 PB,
 * then 6 PB through two endpoints (tiers per endpoint would give $46,137.34). */
static void privatelink_tiers_beyond_1pb(void **state)
{
    (void)state;
    char *out = report_of("endpoint-tiers.yaml", NULL, NULL);
    expect_cost(out, HOURLY, -1, "$14.60");
    /* 1,048,576 GB x $0.01 + 1,048,576 GB x $0.006 */
    expect_cost(out, "interface endpoint processing", 2097152, "$16,777.22");
    /* requests: 2^20 to SQS at $0.40 per million ($0.419) and 2^20 to KMS at $0.03 per 10,000
     * ($3.146): 14.60 + 16,777.216 + 3.565 = $16,795.38 */
    expect_cost(out, "total", -1, "$16,795.38");
    free(out);
    out = report_of("endpoint-tiers.yaml", "workloads.bulk-sqs.traffic.response_size=3GiB",
                    "workloads.bulk-kms.traffic.response_size=3GiB");
    /* 1,048,576 GB x $0.01 + 4,194,304 GB x $0.006 + 1,048,576 GB x $0.004 */
    expect_cost(out, "interface endpoint processing", 6291456, "$39,845.89");
    expect_cost(out, "total", -1, "$39,864.05"); /* 14.60 + 39,845.888 + 3.565 */
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mm1_rho_05),
        cmocka_unit_test(mm1_rho_09),
        cmocka_unit_test(mmc_rho_05),
        cmocka_unit_test(mmc_rho_09),
        cmocka_unit_test(md1_rho_05),
        cmocka_unit_test(md1_rho_09),
        cmocka_unit_test(mg1_rho_05),
        cmocka_unit_test(mg1_rho_09),
        cmocka_unit_test(tandem_rho_05),
        cmocka_unit_test(tandem_rho_09),
        cmocka_unit_test(mm1k_rho_05),
        cmocka_unit_test(mm1k_rho_09),
        cmocka_unit_test(zero_servers_is_an_error),
        cmocka_unit_test(nat_gateway_1tb_a_month),
        cmocka_unit_test(interface_endpoint_3_azs),
        cmocka_unit_test(privatelink_tiers_beyond_1pb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
