/* Inter-Region transfer by Region pair (sim/cli/region_prices.c and the bill of `vpcsim run`):
 * each direction billed to the sending Region at its price to the receiving one, to the cent,
 * from dollars this file computes itself from the scenario's sizes and rates and AWS's prices;
 * the bytes of each direction in the HDF5 file; no inter-Region line for a one-Region scenario;
 * the price tables by sending Region, with their fallbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli_run.h"
#include "cli/region_prices.h"
#include "io/h5file.h"

/* GCC 12 without LTO sees run_report's local buffer in what it returns (a false positive: the
 * heap string), as tests/test_run_cli.c says. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif

/* AWS's published inter-Region prices, per GB sent (aws-facts.md, experiments/prices/ with their
 * sources): us-east-1 to us-east-2 and back $0.01 (the cheapest pair); us-east-1 to any other
 * Region $0.02; Asia Pacific (Singapore) to any other Region $0.09. */
#define USD_USE1_TO_USE2  0.01
#define USD_USE2_TO_USE1  0.01
#define USD_USE1_TO_APSE1 0.02
#define USD_APSE1_TO_USE1 0.09

/* tests/scenarios/run/inter-region-cost.yaml: 100 calls/s of each workload, 1 MiB up, 2 MiB down
 * (ohio: 3 MiB down), a 10 s window, a 730 h month; a billed GB is 2^30 bytes. */
#define RATE_PER_S   100.0
#define MIB          1048576.0
#define MONTH_S      (730.0 * 3600.0)
#define GB_BYTES     1073741824.0
#define WINDOW_CALLS 1000u

static double monthly_gb(double bytes_per_call)
{
    return RATE_PER_S * bytes_per_call * MONTH_S / GB_BYTES;
}

/* "$46,195.31": dollars rounded to the cent, thousands separated (as a planner reads them). */
static char *money(double usd, char *buf, size_t n) /* n: 48 is enough */
{
    long long cents = (long long)(usd * 100 + 0.5);
    char digits[24];
    snprintf(digits, sizeof digits, "%lld", cents / 100);
    size_t len = strlen(digits), k = 0;
    char grouped[40];
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0) grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    grouped[k] = 0;
    snprintf(buf, n, "$%s.%02lld", grouped, cents % 100);
    return buf;
}

static char *run_report(char *const argv[])
{
    char *out, err[4096];
    int rc = cli_run_report(argv, &out, err, sizeof err);
    if (rc != 0) fail_msg("exit %d: %s", rc, err);
    return out;
}

/* The cells of the line of the report that starts with `label` (split at two or more spaces). */
static size_t line_cells(const char *text, const char *label, char cells[][64], size_t ncells)
{
    char key[220];
    snprintf(key, sizeof key, "\n    %.200s  ", label);
    const char *r = strstr(text, key);
    if (!r) fail_msg("no line '%s' in:\n%s", label, text);
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

/* The report's line for one pair: its GB a month and dollars, computed here. */
static void expect_pair(const char *out, const char *pair, const char *price, const char *basis,
                        double gb, double usd_per_gb)
{
    char label[200], c[4][64], want[48];
    snprintf(label, sizeof label, "inter-Region transfer %s at %s/GB (%s)", pair, price, basis);
    assert_int_equal(line_cells(out, label, c, 4), 3);
    snprintf(want, sizeof want, "%.0f", gb);
    assert_string_equal(c[1], want);
    assert_string_equal(c[2], money(gb * usd_per_gb, want, sizeof want));
}

static void each_direction_billed_at_the_senders_price(void **state)
{
    (void)state;
    char f[512];
    cli_source_path("tests/scenarios/run/inter-region-cost.yaml", f, sizeof f);
    char *out = run_report((char *const[]){"vpcsim", "run", f, "--quiet", NULL});
    double up = monthly_gb(1 * MIB), down = monthly_gb(2 * MIB), ohio_down = monthly_gb(3 * MIB);
    /* singapore: requests at us-east-1's $0.02, responses at ap-southeast-1's $0.09 */
    expect_pair(out, "us-east-1 -> ap-southeast-1", "$0.02", "the sending Region's flat rate", up,
                USD_USE1_TO_APSE1);
    expect_pair(out, "ap-southeast-1 -> us-east-1", "$0.09", "the sending Region's flat rate", down,
                USD_APSE1_TO_USE1);
    /* ohio: the pair's own price both ways */
    expect_pair(out, "us-east-1 -> us-east-2", "$0.01", "the pair's price", up, USD_USE1_TO_USE2);
    expect_pair(out, "us-east-2 -> us-east-1", "$0.01", "the pair's price", ohio_down,
                USD_USE2_TO_USE1);
    /* by hand: 256,640.625 GB x $0.02 = $5,132.81 and 513,281.25 GB x $0.09 = $46,195.31 */
    char buf[48];
    assert_string_equal(money(up * USD_USE1_TO_APSE1, buf, sizeof buf), "$5,132.81");
    assert_string_equal(money(down * USD_APSE1_TO_USE1, buf, sizeof buf), "$46,195.31");
    /* the pairs stand for the flat line, and the local workload adds none */
    assert_null(strstr(out, "\n    inter-Region transfer  "));
    assert_null(strstr(out, "-> us-east-2 at $0.02"));
    assert_non_null(strstr(out, "GB = 2^30 bytes"));
    free(out);
}

/* The summary rows (CSV of the file): the item's total is the sum of its pairs. */
static void summary_rows_add_up(void **state)
{
    (void)state;
    char f[512], h5[64];
    snprintf(h5, sizeof h5, "/tmp/vpcsim-test-pairs-%d.h5", (int)getpid());
    unlink(h5);
    cli_source_path("tests/scenarios/run/inter-region-cost.yaml", f, sizeof f);
    free(run_report((char *const[]){"vpcsim", "run", f, "--quiet", "-o", h5, NULL}));
    char *csv = run_report((char *const[]){"vpcsim", "report", h5, "--csv", NULL});
    double up = monthly_gb(1 * MIB), down = monthly_gb(2 * MIB), ohio_down = monthly_gb(3 * MIB);
    double total = up * USD_USE1_TO_APSE1 + down * USD_APSE1_TO_USE1 + up * USD_USE1_TO_USE2 +
                   ohio_down * USD_USE2_TO_USE1;
    const char *row = strstr(csv, "0,nat,inter_region_transfer,monthly,USD,");
    assert_non_null(row);
    assert_float_equal(strtod(row + strlen("0,nat,inter_region_transfer,monthly,USD,"), NULL),
                       total, 1e-6);
    assert_non_null(strstr(csv, "0,nat,inter_region_transfer ap-southeast-1 -> us-east-1,"
                                "usd_per_gb,USD/GB,0.09,,1\r\n"));
    assert_non_null(strstr(csv, "0,nat,inter_region_transfer us-east-2 -> us-east-1,"
                                "price_basis,1,2,,1\r\n"));
    free(csv);

    /* the run's inter_region table: exactly the window's bytes each way, by pair */
    typedef struct row {
        char from[64], to[64];
        uint64_t bytes;
    } row_t;
    static const h5file_col cols[] = {
        {"from_region", TRACE_STR64, offsetof(row_t, from), NULL},
        {"to_region", TRACE_STR64, offsetof(row_t, to), NULL},
        {"bytes", TRACE_U64, offsetof(row_t, bytes), NULL},
    };
    static const struct {
        const char *from, *to;
        uint64_t bytes;
    } want[] = {
        {"us-east-1", "us-east-2", WINDOW_CALLS * 1048576ull},
        {"us-east-1", "ap-southeast-1", WINDOW_CALLS * 1048576ull},
        {"us-east-2", "us-east-1", WINDOW_CALLS * 3 * 1048576ull},
        {"us-east-2", "ap-southeast-1", 0},
        {"ap-southeast-1", "us-east-1", WINDOW_CALLS * 2 * 1048576ull},
        {"ap-southeast-1", "us-east-2", 0},
    };
    vs_error err = {""};
    h5file *file = h5file_open(h5, &err);
    assert_non_null(file);
    void *rows;
    size_t n;
    assert_int_equal(h5file_table_read(file, "/architectures/nat/point0/rep0/inter_region", cols, 3,
                                       sizeof(row_t), &rows, &n, &err),
                     0);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        const row_t *r = (const row_t *)rows + i;
        assert_string_equal(r->from, want[i].from);
        assert_string_equal(r->to, want[i].to);
        assert_int_equal(r->bytes, want[i].bytes);
    }
    int64_t format;
    assert_int_equal(h5file_get_i64(file, "/", "format", &format, &err), 0);
    assert_int_equal(format, 3);
    free(rows);
    h5file_free(file);
    unlink(h5);
}

/* The run's Region pairs of group (rows in *rows, n of them). */
typedef struct pair_row {
    char from[64], to[64];
    uint64_t bytes;
} pair_row;

static size_t read_pairs(h5file *file, const char *group, pair_row **rows)
{
    static const h5file_col cols[] = {
        {"from_region", TRACE_STR64, offsetof(pair_row, from), NULL},
        {"to_region", TRACE_STR64, offsetof(pair_row, to), NULL},
        {"bytes", TRACE_U64, offsetof(pair_row, bytes), NULL},
    };
    char path[256];
    void *v;
    size_t n;
    vs_error err = {""};
    snprintf(path, sizeof path, "%s/inter_region", group);
    if (h5file_table_read(file, path, cols, 3, sizeof(pair_row), &v, &n, &err))
        fail_msg("%s", err.msg);
    *rows = v;
    return n;
}

/* The workloads' bytes_inter_region of group, summed. */
static uint64_t workloads_inter_region(h5file *file, const char *group)
{
    typedef struct wl {
        uint64_t bytes;
    } wl;
    static const h5file_col cols[] = {{"bytes_inter_region", TRACE_U64, 0, NULL}};
    char path[256];
    void *v;
    size_t n;
    uint64_t sum = 0;
    vs_error err = {""};
    snprintf(path, sizeof path, "%s/summary", group);
    if (h5file_table_read(file, path, cols, 1, sizeof(wl), &v, &n, &err)) fail_msg("%s", err.msg);
    for (size_t i = 0; i < n; i++) sum += ((const wl *)v)[i].bytes;
    free(v);
    return sum;
}

/* Poisson arrivals, a new connection per call, random latency, retries and late responses
 * (tests/scenarios/run/inter-region-mix.yaml): the pairs still add up to the bytes the clients
 * counted, and the responses' direction carries more than the requests'. */
static void pairs_add_up_to_the_clients_bytes(void **state)
{
    (void)state;
    char f[512], h5[64];
    snprintf(h5, sizeof h5, "/tmp/vpcsim-test-mix-%d.h5", (int)getpid());
    unlink(h5);
    cli_source_path("tests/scenarios/run/inter-region-mix.yaml", f, sizeof f);
    char *out = run_report((char *const[]){"vpcsim", "run", f, "--quiet", "-o", h5, NULL});
    char c[12][64];
    assert_true(line_cells(out, "ireland", c, 12) >= 10);
    assert_true(strtod(c[9], NULL) > 0); /* retries happened */
    free(out);
    vs_error err = {""};
    h5file *file = h5file_open(h5, &err);
    assert_non_null(file);
    for (int rep = 0; rep < 2; rep++) {
        char group[128];
        pair_row *rows;
        snprintf(group, sizeof group, "/architectures/nat/point0/rep%d", rep);
        size_t n = read_pairs(file, group, &rows);
        assert_int_equal(n, 2);
        assert_string_equal(rows[0].from, "us-east-1");
        assert_string_equal(rows[1].from, "eu-west-1");
        assert_true(rows[0].bytes > 0 && rows[1].bytes > rows[0].bytes);
        assert_int_equal(rows[0].bytes + rows[1].bytes, workloads_inter_region(file, group));
        free(rows);
    }
    h5file_free(file);
    unlink(h5);
}

/* One Region: no pair, no inter-Region line, nothing but the item's zero in the summary. */
static void one_region_has_no_inter_region_line(void **state)
{
    (void)state;
    char f[512];
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    char *out = run_report((char *const[]){"vpcsim", "run", f, "--quiet", NULL});
    assert_null(strstr(out, "inter-Region"));
    free(out);
    out = run_report((char *const[]){"vpcsim", "run", f, "--quiet", "--json", "-", NULL});
    assert_null(strstr(out, "inter_region_transfer "));
    assert_non_null(strstr(out, "\"inter_region_transfer\""));
    free(out);
}

/* The tables by sending Region: its own pair entry, else its flat rate; a Region without a
 * table falls back to the run's flat rate, and says so. */
static void prices_by_sending_region(void **state)
{
    (void)state;
    char dir[512], path[600];
    setenv("VPCSIM_DATA_DIR", cli_source_path("experiments", dir, sizeof dir), 1);
    vs_error err = {""};
    cost_prices *run = NULL;
    snprintf(path, sizeof path, "%s/prices/aws-us-east-1.yaml", dir);
    assert_int_equal(cost_prices_load_file(path, &run, &err), 0);
    scenario sc = {0};
    topology t = {0};
    topo_region regions[] = {{.name = "us-east-1"},
                             {.name = "us-east-2"},
                             {.name = "ap-southeast-1"},
                             {.name = "xx-nowhere-1"}};
    t.regions = regions, t.nregions = 4;
    sc.archs = &t, sc.narchs = 1;
    const scenario *ss[] = {&sc};
    region_prices rp;
    assert_int_equal(region_prices_load(&rp, run, ss, 1, &err), 0);
    region_price_basis b;
    assert_float_equal(region_prices_pair(&rp, "us-east-1", "us-east-2", &b), USD_USE1_TO_USE2,
                       1e-12);
    assert_int_equal(b, REGION_PRICE_PAIR);
    assert_float_equal(region_prices_pair(&rp, "us-east-2", "us-east-1", &b), USD_USE2_TO_USE1,
                       1e-12);
    assert_int_equal(b, REGION_PRICE_PAIR);
    assert_float_equal(region_prices_pair(&rp, "us-east-1", "ap-southeast-1", &b),
                       USD_USE1_TO_APSE1, 1e-12);
    assert_int_equal(b, REGION_PRICE_FLAT);
    assert_float_equal(region_prices_pair(&rp, "ap-southeast-1", "us-east-1", &b),
                       USD_APSE1_TO_USE1, 1e-12);
    assert_int_equal(b, REGION_PRICE_FLAT);
    assert_float_equal(region_prices_pair(&rp, "xx-nowhere-1", "us-east-1", &b), 0.02, 1e-12);
    assert_int_equal(b, REGION_PRICE_RUN_FLAT);
    region_prices_free(&rp);
    region_prices_free(&rp); /* an empty one is a no-op */
    cost_prices_free(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_direction_billed_at_the_senders_price),
        cmocka_unit_test(summary_rows_add_up),
        cmocka_unit_test(pairs_add_up_to_the_clients_bytes),
        cmocka_unit_test(one_region_has_no_inter_region_line),
        cmocka_unit_test(prices_by_sending_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
