/* The text report of `vpcsim run`: per sweep point and architecture, tables of what each workload
 * saw, failures by cause, components, the monthly cost, paired differences against the first
 * architecture (mean over replications +- 95% Student-t half-width), and the sweep summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/results.h"
#include "cli/run_precision.h"
#include "cli/text_table.h"
#include "vpcsim/units.h"

static const char *const quantile_head[NQ] = {"mean ms", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms"};
/* ---- numbers ------------------------------------------------------------------------------- */

/* Decimals that show x to about 4 significant digits without an exponent. */
static int decimals(double x)
{
    double a = fabs(x);
    return a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : a >= 0.1 ? 4 : 5;
}

/* "12.34 ± 0.56", "12.34" (one replication), "-" (no value). */
static char *fmt_ci(stats_interval s, double scale, char *buf, size_t n)
{
    if (isnan(s.mean) || s.n == 0) return snprintf(buf, n, "-"), buf;
    double m = s.mean * scale, h = s.half * scale;
    int d = m == 0 ? (h > 0 ? decimals(h) : 0) : decimals(m);
    if (s.n < 2)
        snprintf(buf, n, "%.*f", d, m);
    else
        snprintf(buf, n, "%.*f ± %.*f", d, m, d, h);
    return buf;
}

/* ---- tables -------------------------------------------------------------------------------- */

enum { CELL = TEXT_TABLE_CELL };

/* The run report's tables: the first column left-aligned, the others right-aligned, every cell
 * padded. */
static text_table numbers_table(size_t ncols, const char *const *head)
{
    text_table t = {.ncols = ncols, .pad_tail = true};
    for (size_t c = 0; c < ncols; c++) {
        t.head[c] = head ? head[c] : NULL;
        t.right[c] = c > 0;
    }
    return t;
}

static void print_table(FILE *f, text_table *t)
{
    text_table_print(t, f, "    ");
    text_table_free(t);
}

/* ---- reading the rows ------------------------------------------------------------------------ */

/* The rows of one point and architecture (contiguous: see sim/cli/summary.c). */
typedef struct block {
    const summary_row *r;
    size_t n;
} block;

static const summary_row *find(const block *b, const char *subject, const char *metric)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->r[i].metric, metric) == 0 && strcmp(b->r[i].subject, subject) == 0)
            return &b->r[i];
    return NULL;
}

static stats_interval iv(const summary_row *r)
{
    if (!r) return (stats_interval){NAN, NAN, NAN, 0};
    return (stats_interval){r->mean, r->n > 1 ? r->half_width : 0, NAN, r->n};
}

static stats_interval get(const block *b, const char *subject, const char *metric)
{
    return iv(find(b, subject, metric));
}

static bool is_active(const summary_row *r)
{
    return strcmp(r->metric, "active") == 0 && r->mean != 0;
}

/* ---- workloads ------------------------------------------------------------------------------- */

static int print_workloads(FILE *f, const block *b)
{
    text_table tb = numbers_table(
        10, (const char *const[]){"workload", "offered/s", "completed/s", "success %",
                                  quantile_head[Q_P50], quantile_head[Q_P90], quantile_head[Q_P99],
                                  quantile_head[Q_P999], quantile_head[Q_MEAN], "retries/s"});
    static const char *const lat[] = {"p50", "p90", "p99", "p99.9", "mean"};
    for (size_t i = 0; i < b->n; i++) {
        const char *w = b->r[i].subject;
        if (strcmp(b->r[i].metric, "active") != 0) continue;
        if (text_table_add_row(&tb)) return -1;
        snprintf(text_table_cell(&tb, 0), CELL, "%s", w);
        if (!is_active(&b->r[i])) {
            snprintf(text_table_cell(&tb, 1), CELL, "no traffic");
            continue;
        }
        fmt_ci(get(b, w, "offered"), 1, text_table_cell(&tb, 1), CELL);
        fmt_ci(get(b, w, "completed"), 1, text_table_cell(&tb, 2), CELL);
        fmt_ci(get(b, w, "success_ratio"), 100, text_table_cell(&tb, 3), CELL);
        for (size_t q = 0; q < NQ; q++)
            fmt_ci(get(b, w, lat[q]), 1, text_table_cell(&tb, 4 + q), CELL);
        fmt_ci(get(b, w, "retries"), 1, text_table_cell(&tb, 9), CELL);
    }
    fputs("  workloads (calls created after the warm-up; latency of the successful ones)\n", f);
    print_table(f, &tb);
    return 0;
}

static int print_failures(FILE *f, const block *b)
{
    char head[CLIENT_FAIL_COUNT][40], metric[CLIENT_FAIL_COUNT][48];
    text_table tb = numbers_table(CLIENT_FAIL_COUNT + 4, NULL);
    tb.head[0] = "workload";
    for (int k = 0; k < CLIENT_FAIL_COUNT; k++) {
        snprintf(head[k], sizeof head[k], "%s/s", client_cause_name((client_cause)k));
        summary_cause_metric((client_cause)k, metric[k], sizeof metric[k]);
        tb.head[1 + k] = head[k];
    }
    tb.head[CLIENT_FAIL_COUNT + 1] = "no retry quota/s";
    tb.head[CLIENT_FAIL_COUNT + 2] = "late replies/s";
    tb.head[CLIENT_FAIL_COUNT + 3] = "unfinished";
    for (size_t i = 0; i < b->n; i++) {
        const char *w = b->r[i].subject;
        if (!is_active(&b->r[i])) continue;
        if (text_table_add_row(&tb)) return -1;
        snprintf(text_table_cell(&tb, 0), CELL, "%s", w);
        for (size_t k = 0; k < CLIENT_FAIL_COUNT; k++)
            fmt_ci(get(b, w, metric[k]), 1, text_table_cell(&tb, 1 + k), CELL);
        fmt_ci(get(b, w, "no_retry_quota"), 1, text_table_cell(&tb, CLIENT_FAIL_COUNT + 1), CELL);
        fmt_ci(get(b, w, "late"), 1, text_table_cell(&tb, CLIENT_FAIL_COUNT + 2), CELL);
        fmt_ci(get(b, w, "unfinished"), 1, text_table_cell(&tb, CLIENT_FAIL_COUNT + 3), CELL);
    }
    if (tb.nrows == 0) return 0;
    fputs("  failures after the last attempt, by cause (per second of the window)\n", f);
    print_table(f, &tb);
    return 0;
}

/* A component's kind: its name up to the first '/' (names are kind/instance[/AZ or Region]). */
static void kind_of(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%.*s", (int)strcspn(name, "/"), name);
}

static int print_components(FILE *f, const block *b)
{
    text_table tb =
        numbers_table(7, (const char *const[]){"component", "kind", "utilisation %",
                                               "mean in station", "peak", "MB/s", "drops/s"});
    for (size_t i = 0; i < b->n; i++) {
        const char *c = b->r[i].subject;
        if (strcmp(b->r[i].metric, "mean_in_station") != 0) continue;
        if (text_table_add_row(&tb)) return -1;
        snprintf(text_table_cell(&tb, 0), CELL, "%s", c);
        kind_of(c, text_table_cell(&tb, 1), CELL);
        const summary_row *u = find(b, c, "utilisation");
        if (u)
            fmt_ci(iv(u), 100, text_table_cell(&tb, 2), CELL);
        else
            snprintf(text_table_cell(&tb, 2), CELL, "-");
        fmt_ci(iv(&b->r[i]), 1, text_table_cell(&tb, 3), CELL);
        fmt_ci(get(b, c, "peak"), 1, text_table_cell(&tb, 4), CELL);
        fmt_ci(get(b, c, "bytes"), 1e-6, text_table_cell(&tb, 5), CELL);
        fmt_ci(get(b, c, "drops"), 1, text_table_cell(&tb, 6), CELL);
    }
    if (tb.nrows == 0) return 0;
    fputs("  components (utilisation: busy servers or bandwidth; '-': no capacity limit)\n", f);
    print_table(f, &tb);
    return 0;
}

/* ---- cost ------------------------------------------------------------------------------------ */

static const char *const gb_label[COST_GB_COUNT] = {
    [COST_GB_NAT] = "NAT gateway processing",
    [COST_GB_INTERFACE_ENDPOINT] = "interface endpoint processing",
    [COST_GB_TGW] = "Transit Gateway processing",
    [COST_GB_CROSS_AZ] = "cross-AZ transfer (out of one AZ and into the other)",
    [COST_GB_CROSS_AZ_THROUGH] = "cross-AZ transfer through PrivateLink or Transit Gateway",
    [COST_GB_DX_OUT] = "Direct Connect transfer out",
    [COST_GB_INTERNET_OUT] = "internet (and VPN) transfer out",
    [COST_GB_INTER_REGION] = "inter-Region transfer",
};

static const char *const req_label[COST_REQ_COUNT] = {
    [COST_REQ_S3_GET] = "S3 GET, HEAD",
    [COST_REQ_S3_PUT] = "S3 PUT, COPY, POST, LIST",
    [COST_REQ_DYNAMODB_READ] = "DynamoDB reads (on demand)",
    [COST_REQ_DYNAMODB_WRITE] = "DynamoDB writes (on demand)",
    [COST_REQ_SQS] = "SQS requests",
    [COST_REQ_KMS] = "KMS requests",
    [COST_REQ_SECRETSMANAGER] = "Secrets Manager API calls",
};

static void money_ci(stats_interval s, char *buf, size_t n)
{
    char m[48], h[48];
    if (isnan(s.mean)) {
        snprintf(buf, n, "-");
        return;
    }
    cost_format_usd(s.mean, m, sizeof m);
    if (s.n < 2 || s.half < 0.005)
        snprintf(buf, n, "%s", m);
    else
        snprintf(buf, n, "%s ± %s", m, cost_format_usd(s.half, h, sizeof h));
}

static int cost_row(text_table *tb, const char *item, const char *volume, stats_interval s)
{
    if (text_table_add_row(tb)) return -1;
    snprintf(text_table_cell(tb, 0), CELL, "%s", item);
    snprintf(text_table_cell(tb, 1), CELL, "%s", volume);
    money_ci(s, text_table_cell(tb, 2), CELL);
    return 0;
}

/* The requests group: what the AWS services bill per request, the same in every architecture
 * that makes the same calls, kept apart so that the network's differences stay visible.
 * Returns its monthly sum (0 when no workload calls a service billed per request). */
static double requests_sum(const block *b)
{
    double usd = 0;
    for (int r = 0; r < COST_REQ_COUNT; r++) {
        stats_interval m = get(b, cost_req_item_name((cost_req_item)r), "monthly");
        if (m.mean > 0) usd += m.mean;
    }
    return usd;
}

static int print_requests(FILE *f, const block *b)
{
    text_table tb = numbers_table(3, (const char *const[]){"item", "requests a month", "monthly"});
    char vol[CELL];
    for (int r = 0; r < COST_REQ_COUNT; r++) {
        const char *item = cost_req_item_name((cost_req_item)r);
        stats_interval n = get(b, item, "monthly_requests");
        if (!(n.mean > 0)) continue;
        fmt_ci(n, 1, vol, sizeof vol);
        if (cost_row(&tb, req_label[r], vol, get(b, item, "monthly")))
            return text_table_free(&tb), -1;
    }
    if (tb.nrows == 0) return text_table_free(&tb), 0;
    fputs("  AWS service requests (completed calls; the same in every architecture making them)\n",
          f);
    print_table(f, &tb);
    return 0;
}

/* Where a pair's price comes from, from its price_basis row (sim/cli/region_prices.h). */
static const char *pair_basis_text(double basis)
{
    return basis == REGION_PRICE_PAIR   ? "the pair's price"
           : basis == REGION_PRICE_FLAT ? "the sending Region's flat rate"
                                        : "no table for the sending Region: the run's flat rate";
}

/* One line per Region pair (rows "inter_region_transfer FROM -> TO"), with its price and basis.
 * Returns the lines added (0: the rows have no pairs, as in files written before them), or -1. */
static int pair_lines(text_table *tb, const block *b)
{
    const char *item = cost_gb_item_name(COST_GB_INTER_REGION);
    size_t len = strlen(item);
    int n = 0;
    for (size_t i = 0; i < b->n; i++) {
        const char *subject = b->r[i].subject;
        if (strncmp(subject, item, len) != 0 || subject[len] != ' ' ||
            strcmp(b->r[i].metric, "monthly_gb") != 0 || !(b->r[i].mean > 0))
            continue;
        char label[CELL], vol[CELL], price[32];
        stats_interval usd_per_gb = get(b, subject, "usd_per_gb");
        cost_format_unit_price(usd_per_gb.mean, price, sizeof price);
        snprintf(label, sizeof label, "inter-Region transfer %s at %s/GB (%s)", subject + len + 1,
                 price, pair_basis_text(get(b, subject, "price_basis").mean));
        fmt_ci(iv(&b->r[i]), 1, vol, sizeof vol);
        if (cost_row(tb, label, vol, get(b, subject, "monthly"))) return -1;
        n++;
    }
    return n;
}

static int print_cost(FILE *f, const block *b, double hours_per_month)
{
    text_table tb = numbers_table(3, (const char *const[]){"item", "GB a month", "monthly"});
    char vol[CELL];
    int pairs = 0;
    double req_usd = requests_sum(b);
    if (cost_row(&tb, "provisioned resources (hourly; see vpcsim check)", "",
                 get(b, "", "monthly_hourly_items")))
        return -1;
    for (int k = 0; k < COST_GB_COUNT; k++) {
        const char *item = cost_gb_item_name((cost_gb_item)k);
        stats_interval g = get(b, item, "monthly_gb");
        if (!(g.mean > 0)) continue;
        if (k == COST_GB_INTER_REGION && (pairs = pair_lines(&tb, b)) < 0) return -1;
        if (k == COST_GB_INTER_REGION && pairs > 0) continue; /* the pairs stand for the item */
        fmt_ci(g, 1, vol, sizeof vol);
        if (cost_row(&tb, gb_label[k], vol, get(b, item, "monthly"))) return -1;
    }
    if (req_usd > 0 &&
        cost_row(&tb, "AWS service requests (below)", "", (stats_interval){req_usd, 0, 0, 1}))
        return -1;
    if (cost_row(&tb, "total", "", get(b, "", "monthly_total")) ||
        cost_row(&tb, "per million completed requests", "", get(b, "", "per_million_completed")))
        return -1;
    fprintf(f,
            "  monthly cost (%g h; the window's byte rates projected to a month; GB = 2^30 bytes, "
            "as AWS bills)\n",
            hours_per_month);
    print_table(f, &tb);
    const char *through = cost_gb_item_name(COST_GB_CROSS_AZ_THROUGH);
    if (get(b, through, "monthly_gb").mean > 0 && get(b, through, "monthly").mean == 0)
        fputs("    free: AWS does not charge same-Region cross-AZ transfer through PrivateLink or "
              "Transit Gateway since 2022-04-01 (the price table's cross_az_transfer_through)\n",
              f);
    if (pairs > 0)
        fputs("    inter-Region: billed to the sending Region at its price to the receiving one "
              "(requests go out, responses come back)\n",
              f);
    return print_requests(f, b);
}

/* ---- paired differences ---------------------------------------------------------------------- */

/* bs[0 .. n): one point's architectures, the first the baseline. */
static int print_paired(FILE *f, const block *bs, size_t n)
{
    text_table tb = numbers_table(6, (const char *const[]){"architecture", "workload", "Δ mean ms",
                                                           "Δ p50 ms", "Δ p99 ms", "Δ monthly"});
    for (size_t a = 1; a < n; a++) {
        const block *b = &bs[a];
        for (size_t i = 0; i < b->n; i++) {
            const char *w = b->r[i].subject;
            if (strcmp(b->r[i].metric, "delta_mean") != 0) continue;
            if (text_table_add_row(&tb)) return -1;
            snprintf(text_table_cell(&tb, 0), CELL, "%s", b->r[i].architecture);
            snprintf(text_table_cell(&tb, 1), CELL, "%s", w);
            fmt_ci(iv(&b->r[i]), 1, text_table_cell(&tb, 2), CELL);
            fmt_ci(get(b, w, "delta_p50"), 1, text_table_cell(&tb, 3), CELL);
            fmt_ci(get(b, w, "delta_p99"), 1, text_table_cell(&tb, 4), CELL);
            money_ci(get(b, "", "delta_monthly_total"), text_table_cell(&tb, 5), CELL);
        }
    }
    if (tb.nrows == 0) return 0;
    fprintf(f, "\n=== paired differences against %s (same seeds: architecture minus %s) ===\n",
            bs[0].r[0].architecture, bs[0].r[0].architecture);
    print_table(f, &tb);
    return 0;
}

/* ---- the sweep summary ----------------------------------------------------------------------- */

static int sweep_rows(text_table *tb, const text_report_head *t, const block *b)
{
    char monthly[CELL];
    size_t p = b->r[0].point;
    money_ci(get(b, "", "monthly_total"), monthly, sizeof monthly);
    for (size_t i = 0; i < b->n; i++) {
        const char *w = b->r[i].subject;
        if (!is_active(&b->r[i])) continue;
        if (text_table_add_row(tb)) return -1;
        for (size_t k = 0; k < t->nkeys; k++)
            snprintf(text_table_cell(tb, k), CELL, "%s", t->values[p * t->nkeys + k]);
        snprintf(text_table_cell(tb, t->nkeys), CELL, "%s", b->r[i].architecture);
        snprintf(text_table_cell(tb, t->nkeys + 1), CELL, "%s", w);
        fmt_ci(get(b, w, "completed"), 1, text_table_cell(tb, t->nkeys + 2), CELL);
        fmt_ci(get(b, w, "success_ratio"), 100, text_table_cell(tb, t->nkeys + 3), CELL);
        fmt_ci(get(b, w, "p99"), 1, text_table_cell(tb, t->nkeys + 4), CELL);
        snprintf(text_table_cell(tb, t->nkeys + 5), CELL, "%s", monthly);
    }
    return 0;
}

static int print_sweep(FILE *f, const text_report_head *t, const block *bs, size_t nb)
{
    size_t nkeys = t->nkeys < TEXT_TABLE_COLS - 6 ? t->nkeys : TEXT_TABLE_COLS - 6;
    text_table tb = numbers_table(nkeys + 6, NULL);
    for (size_t k = 0; k < nkeys; k++) tb.head[k] = t->keys[k];
    tb.head[nkeys] = "architecture";
    tb.head[nkeys + 1] = "workload";
    tb.head[nkeys + 2] = "completed/s";
    tb.head[nkeys + 3] = "success %";
    tb.head[nkeys + 4] = quantile_head[Q_P99];
    tb.head[nkeys + 5] = "monthly (architecture)";
    for (size_t i = 0; i < nb; i++)
        if (sweep_rows(&tb, t, &bs[i])) return text_table_free(&tb), -1;
    fputs(
        "\n=== sweep summary (throughput, success, p99 latency and monthly cost against the swept "
        "values) ===\n",
        f);
    print_table(f, &tb);
    return 0;
}

/* ---- the whole ------------------------------------------------------------------------------- */

/* adaptive: run.precision chose the replications (t->reps is the cap); auto_warmup: MSER-5 chose
 * each run's warm-up (t->duration_ns is the whole run). */
static void print_header(FILE *f, const text_report_head *t, bool adaptive, bool auto_warmup)
{
    char d[32], w[32], of[48] = "", after[64];
    size_t reps = t->reps;
    if (t->reps_covered && t->reps_covered < t->reps) { /* interrupted: say what the tables hold */
        snprintf(of, sizeof of, " (of %zu asked; interrupted)", t->reps);
        reps = t->reps_covered;
    }
    if (auto_warmup)
        snprintf(after, sizeof after, "(warm-up chosen per run by MSER-5)");
    else
        snprintf(after, sizeof after, "after %s of warm-up",
                 units_format_duration(t->warmup_ns, w, sizeof w));
    if (adaptive) of[0] = 0; /* the rule stops points early: not an interruption */
    fprintf(f, "scenario %s (%s): %zu architecture%s x %s%zu replication%s%s of %s %s, seed %llu",
            t->name, t->file, t->narchs, t->narchs == 1 ? "" : "s", adaptive ? "up to " : "", reps,
            reps == 1 ? "" : "s", of, units_format_duration(t->duration_ns, d, sizeof d), after,
            (unsigned long long)t->seed);
    if (t->npoints > 1) fprintf(f, ", %zu sweep points", t->npoints);
    fputs("\nmean over replications ± 95% Student-t half-width\n", f);
}

/* Splits rows into blocks of one point and architecture. Returns the count, or -1. */
static ptrdiff_t split_blocks(const summary_row *rows, size_t n, block **out)
{
    size_t nb = 0;
    block *bs = malloc((n ? n : 1) * sizeof *bs);
    if (!bs) return -1;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || rows[i].point != rows[i - 1].point ||
            strcmp(rows[i].architecture, rows[i - 1].architecture) != 0)
            bs[nb++] = (block){&rows[i], 0};
        bs[nb - 1].n++;
    }
    *out = bs;
    return (ptrdiff_t)nb;
}

static int print_point(FILE *f, const text_report_head *t, const block *bs, size_t nb)
{
    for (size_t a = 0; a < nb; a++) {
        fprintf(f, "\n=== architecture %s ===\n", bs[a].r[0].architecture);
        if (print_workloads(f, &bs[a]) || print_failures(f, &bs[a]) ||
            print_components(f, &bs[a]) || print_cost(f, &bs[a], t->hours_per_month))
            return -1;
        run_precision_print(f, bs[a].r, bs[a].n);
    }
    return nb ? print_paired(f, bs, nb) : 0;
}

int text_report_print(FILE *f, const text_report_head *t, const summary_row *rows, size_t n)
{
    block *bs;
    ptrdiff_t nb = split_blocks(rows, n, &bs);
    if (nb < 0) return -1;
    int rc = 0;
    size_t i = 0;
    bool adaptive, auto_warmup;
    run_precision_kinds(rows, n, &adaptive, &auto_warmup);
    print_header(f, t, adaptive, auto_warmup);
    for (size_t p = 0; rc == 0 && p < t->npoints; p++) {
        size_t first = i;
        while (i < (size_t)nb && bs[i].r[0].point == p) i++;
        if (t->nkeys) {
            /* numbered from 0, as /sweep, the CSV and the HDF5 groups (pointP) number them */
            fprintf(f, "\n=== sweep point %zu (%zu of %zu):", p, p + 1, t->npoints);
            for (size_t k = 0; k < t->nkeys; k++)
                fprintf(f, "%s %s = %s", k ? "," : "", t->keys[k], t->values[p * t->nkeys + k]);
            fputs(" ===\n", f);
        }
        rc = print_point(f, t, bs + first, i - first);
    }
    if (rc == 0 && t->nkeys) rc = print_sweep(f, t, bs, (size_t)nb);
    free(bs);
    return rc;
}
