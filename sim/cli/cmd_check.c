/* `vpcsim check FILE [--json] [--prices FILE]`: validates a scenario, then for every architecture
 * x workload shows the resolved path hop by hop, the DNS answer and the verdict, and per
 * architecture the static monthly cost of provisioned resources; as aligned text or one JSON
 * document. Small inputs (tens of components and workloads): clarity over speed. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "vpcsim/aws/cost.h"
#include "vpcsim/aws/paths.h"
#include "vpcsim/aws/scenario.h"

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

/* A marker: the table of the scenario's Region (prices_path_for) */
static const char DEFAULT_PRICES[] = "experiments/prices/aws-REGION.yaml";

typedef struct check_opts {
    const char *file;   /* the scenario */
    const char *prices; /* the price table */
    bool json;          /* --json */
} check_opts;

/* Everything the report shows, computed before anything is printed (so that a failure half way
 * never leaves half a JSON document). */
typedef struct check_report {
    const scenario *s;
    const cost_prices *p;
    path_result **results; /* [arch][workload] */
    cost_lines *costs;     /* [arch] */
} check_report;

static void check_usage(FILE *f)
{
    fputs("usage: vpcsim check FILE [--json] [--prices FILE]\n"
          "  validates the scenario FILE, then for every architecture x workload prints the\n"
          "  resolved path hop by hop, the DNS answer and the verdict (reachable, denied or\n"
          "  unreachable, with the reason), and each architecture's static monthly cost\n"
          "  --json          one JSON document instead of tables\n"
          "  --prices FILE   price table (default: experiments/prices/aws-REGION.yaml for the\n"
          "                  scenario's first Region; a Region without one is an error)\n",
          f);
}

static int parse_args(check_opts *o, int argc, char **argv, vs_error *err)
{
    *o = (check_opts){.prices = DEFAULT_PRICES};
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            o->json = true;
        } else if (strcmp(argv[i], "--prices") == 0) {
            if (i + 1 >= argc) return error_set(err, "--prices needs a value");
            o->prices = argv[++i];
        } else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
            return error_set(err, "unknown option '%s'", argv[i]);
        } else if (o->file) {
            return error_set(err, "unexpected argument '%s' (one scenario FILE at a time)",
                             argv[i]);
        } else {
            o->file = argv[i];
        }
    }
    if (!o->file) return error_set(err, "missing the scenario FILE");
    return 0;
}

/* ---- names ----------------------------------------------------------------------------------- */

#define NAME_OR(arr, n, i, field) ((i) >= 0 && (size_t)(i) < (n) ? (arr)[i].field : "?")

/* The name a reader knows a hop by: the component's name in the scenario. */
static const char *hop_name(const topology *t, const topo_workload *w, const path_hop *h, char *buf,
                            size_t n)
{
    int32_t i = h->index;
    switch (h->kind) {
    case HOP_SOURCE:
        return w->source_site >= 0 ? NAME_OR(t->sites, t->nsites, i, name)
                                   : NAME_OR(t->subnets, t->nsubnets, i, name);
    case HOP_ONPREM_ROUTER:
    case HOP_DX:
    case HOP_VPN:
        return NAME_OR(t->sites, t->nsites, i, name);
    case HOP_VGW:
        snprintf(buf, n, "vgw of %s", NAME_OR(t->vpcs, t->nvpcs, i, name));
        return buf;
    case HOP_TGW:
        return NAME_OR(t->tgws, t->ntgws, i, name);
    case HOP_PEERING:
        return NAME_OR(t->peerings, t->npeerings, i, name);
    case HOP_NAT:
        return NAME_OR(t->nats, t->nnats, i, name);
    case HOP_IGW:
        return NAME_OR(t->igws, t->nigws, i, name);
    case HOP_GATEWAY_ENDPOINT:
        return NAME_OR(t->gateway_endpoints, t->ngateway_endpoints, i, name);
    case HOP_INTERFACE_ENDPOINT:
        return NAME_OR(t->interface_endpoints, t->ninterface_endpoints, i, name);
    case HOP_NLB:
    case HOP_PRIVATE_SERVICE:
        return NAME_OR(t->endpoint_services, t->nendpoint_services, i, name);
    case HOP_AWS_SERVICE:
        return aws_service_name((aws_service)i);
    case HOP_INTERNET_HOST:
        snprintf(buf, n, "%u.%u.%u.%u", w->internet_ip >> 24, w->internet_ip >> 16 & 255,
                 w->internet_ip >> 8 & 255, w->internet_ip & 255);
        return buf;
    case HOP_KIND_COUNT:
        break;
    }
    return "?";
}

static const char *az_name(const topology *t, int32_t az)
{
    return az >= 0 && (size_t)az < t->nazs ? t->azs[az].name : "-";
}

static const char *verdict_name(verdict v)
{
    return v == VERDICT_REACHABLE ? "reachable" : v == VERDICT_DENIED ? "denied" : "unreachable";
}

/* "subnet priv-a (use1-az1)" or "on-premises site dc1". */
static const char *source_text(const topology *t, const topo_workload *w, char *buf, size_t n)
{
    if (w->source_site >= 0)
        snprintf(buf, n, "on-premises site %s", NAME_OR(t->sites, t->nsites, w->source_site, name));
    else if (w->source_subnet >= 0 && (size_t)w->source_subnet < t->nsubnets)
        snprintf(buf, n, "subnet %s (%s)", t->subnets[w->source_subnet].name,
                 az_name(t, t->subnets[w->source_subnet].az));
    else
        snprintf(buf, n, "?");
    return buf;
}

/* "s3", "endpoint service orders", "internet host 203.0.113.10". */
static const char *target_text(const topology *t, const topo_workload *w, char *buf, size_t n)
{
    char ip[20];
    path_hop h = {.kind = HOP_INTERNET_HOST};
    switch (w->target) {
    case TARGET_AWS_SERVICE:
        snprintf(buf, n, "%s", aws_service_name((aws_service)w->service));
        if (w->service_region >= 0 && (size_t)w->service_region < t->nregions)
            snprintf(buf + strlen(buf), n - strlen(buf), " in %s",
                     t->regions[w->service_region].name);
        break;
    case TARGET_ENDPOINT_SERVICE:
        snprintf(buf, n, "endpoint service %s",
                 NAME_OR(t->endpoint_services, t->nendpoint_services, w->endpoint_service, name));
        break;
    case TARGET_INTERNET:
        snprintf(buf, n, "internet host %s", hop_name(t, w, &h, ip, sizeof ip));
        break;
    }
    return buf;
}

/* ---- aligned tables -------------------------------------------------------------------------- */

enum { TABLE_COLS = 8, CELL_MAX = 128 };

typedef struct table {
    size_t ncols;
    const char *head[TABLE_COLS];
    bool right[TABLE_COLS];  /* right-aligned (numbers, money) */
    char (*cells)[CELL_MAX]; /* row-major, ncols per row */
    size_t nrows, cap;       /* rows used, rows allocated */
    size_t rule_before;      /* draw a rule above this row (the total), or SIZE_MAX */
} table;

/* Display width of UTF-8 text: one column per character. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Adds an empty row; returns its index, or -1 when out of memory. */
static long table_add_row(table *tb)
{
    if (tb->nrows == tb->cap) {
        size_t cap = tb->cap ? tb->cap * 2 : 16;
        void *grown = realloc(tb->cells, cap * tb->ncols * sizeof *tb->cells);
        if (!grown) return -1;
        tb->cells = grown;
        tb->cap = cap;
    }
    memset(tb->cells[tb->nrows * tb->ncols], 0, tb->ncols * sizeof *tb->cells);
    return (long)tb->nrows++;
}

static void table_set(table *tb, long row, size_t col, const char *text)
{
    snprintf(tb->cells[(size_t)row * tb->ncols + col], CELL_MAX, "%s", text);
}

static void put_cell(FILE *f, const char *s, size_t width, bool right, bool last)
{
    size_t pad = width - text_width(s);
    if (right)
        fprintf(f, "%*s%s", (int)pad, "", s);
    else if (last)
        fputs(s, f);
    else
        fprintf(f, "%s%*s", s, (int)pad, "");
}

static void table_print(const table *tb, FILE *f, const char *indent)
{
    size_t width[TABLE_COLS], total = 0;
    for (size_t c = 0; c < tb->ncols; c++) {
        width[c] = text_width(tb->head[c]);
        for (size_t r = 0; r < tb->nrows; r++) {
            size_t w = text_width(tb->cells[r * tb->ncols + c]);
            width[c] = w > width[c] ? w : width[c];
        }
        total += width[c] + (c ? 2 : 0);
    }
    for (size_t r = 0; r <= tb->nrows; r++) {
        if (r > 0 && r - 1 == tb->rule_before) {
            fputs(indent, f);
            for (size_t i = 0; i < total; i++) fputc('-', f);
            fputc('\n', f);
        }
        const char *const *row = r ? NULL : tb->head;
        size_t last = tb->ncols - 1; /* no trailing blanks: stop at the last non-empty cell */
        while (last > 0 && !*(row ? row[last] : tb->cells[(r - 1) * tb->ncols + last])) last--;
        fputs(indent, f);
        for (size_t c = 0; c <= last; c++) {
            const char *s = row ? row[c] : tb->cells[(r - 1) * tb->ncols + c];
            if (c) fputs("  ", f);
            put_cell(f, s, width[c], tb->right[c], c == last);
        }
        fputc('\n', f);
    }
}

static void table_free(table *tb)
{
    free(tb->cells);
    tb->cells = NULL;
}

/* ---- text report ----------------------------------------------------------------------------- */

static const char *link_text(link_class c)
{
    return c == LINK_NONE ? "-" : link_class_name(c);
}

static int print_alt(FILE *f, const topology *t, const topo_workload *w, const path_alt *alt)
{
    table tb = {.ncols = 5,
                .head = {"#", "component", "kind", "AZ", "link from previous"},
                .right = {true},
                .rule_before = SIZE_MAX};
    char num[16], buf[64];
    for (size_t i = 0; i < alt->nhops && i < PATH_MAX_HOPS; i++) {
        const path_hop *h = &alt->hops[i];
        long r = table_add_row(&tb);
        if (r < 0) return table_free(&tb), -1;
        snprintf(num, sizeof num, "%zu", i + 1);
        table_set(&tb, r, 0, num);
        table_set(&tb, r, 1, hop_name(t, w, h, buf, sizeof buf));
        table_set(&tb, r, 2, hop_kind_name(h->kind));
        table_set(&tb, r, 3, az_name(t, h->az));
        table_set(&tb, r, 4, link_text(h->link));
    }
    table_print(&tb, f, "      ");
    table_free(&tb);
    return 0;
}

static int print_workload(FILE *f, const topology *t, size_t wi, const path_result *res)
{
    const topo_workload *w = &t->workloads[wi];
    char src[160], dst[160];
    fprintf(f, "\n  workload %s: %s -> %s\n", w->name, source_text(t, w, src, sizeof src),
            target_text(t, w, dst, sizeof dst));
    if (w->action && w->action[0])
        fprintf(f, "    action   %s on %s\n", w->action,
                w->resource && w->resource[0] ? w->resource : "*");
    fprintf(f, "    DNS      %s\n", res->dns[0] ? res->dns : "-");
    fprintf(f, "    verdict  %s%s%s\n", verdict_name(res->verdict), res->reason[0] ? ": " : "",
            res->reason);
    for (size_t a = 0; a < res->nalts && a < PATH_MAX_ALTS; a++) {
        if (res->nalts > 1)
            fprintf(f, "    path %zu of %zu (%.0f%% of requests)\n", a + 1, res->nalts,
                    100.0 * res->alts[a].weight);
        else
            fprintf(f, "    path%s\n", res->verdict == VERDICT_REACHABLE ? "" : " so far");
        if (print_alt(f, t, w, &res->alts[a])) return -1;
    }
    return 0;
}

/* Marks the source tags named in tags ("S, W") as used. */
static void mark_tags(const cost_prices *p, const char *tags, bool *used)
{
    for (size_t i = 0; i < p->nsources; i++) {
        size_t n = strlen(p->sources[i].tag);
        for (const char *q = tags; (q = strstr(q, p->sources[i].tag)) != NULL; q += n)
            if ((q == tags || q[-1] == ' ') && (q[n] == 0 || q[n] == ',')) used[i] = true;
    }
}

static void cost_row(table *tb, long r, const cost_line *c)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%lld", (long long)c->quantity);
    table_set(tb, r, 0, c->component);
    table_set(tb, r, 1, c->kind);
    table_set(tb, r, 2, buf);
    table_set(tb, r, 3, c->unit ? c->unit : "");
    if (c->price_known) {
        cost_format_unit_price(c->usd_per_hour, buf, sizeof buf);
        strcat(buf, "/h");
        table_set(tb, r, 4, buf);
        table_set(tb, r, 5, cost_format_usd(c->monthly_usd, buf, sizeof buf));
        table_set(tb, r, 6, c->tags);
    } else {
        table_set(tb, r, 4, "unknown");
        table_set(tb, r, 5, "-");
        table_set(tb, r, 6, "-");
    }
}

/* Below the table: what is left out of the total, the caveats, and what each tag stands for. */
static void print_cost_notes(FILE *f, const cost_prices *p, const cost_lines *l)
{
    bool used[COST_MAX_SOURCES] = {false};
    for (size_t i = 0; i < l->n; i++) {
        const cost_line *c = &l->lines[i];
        if (!c->price_known)
            fprintf(f, "    not in the total: %s %s: %s\n", c->kind, c->component, c->basis);
        mark_tags(p, c->tags, used);
    }
    for (size_t i = 0; i < l->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i; j++) seen |= l->lines[j].note == l->lines[i].note;
        if (!seen && l->lines[i].note && l->lines[i].note[0])
            fprintf(f, "    note (%s): %s\n", l->lines[i].kind, l->lines[i].note);
    }
    size_t tag_width = 0;
    for (size_t i = 0; i < p->nsources; i++)
        if (used[i] && strlen(p->sources[i].tag) > tag_width) tag_width = strlen(p->sources[i].tag);
    for (size_t i = 0, first = 1; i < p->nsources; i++)
        if (used[i]) {
            fprintf(f, "    %s%-*s  %s\n", first ? "sources: " : "         ", (int)tag_width,
                    p->sources[i].tag, p->sources[i].name);
            first = 0;
        }
}

/* The first Region of a VPC or TGW of t that is not the price table's, or NULL: those
 * components are priced at the table's prices all the same. */
static const char *foreign_region(const topology *t, const cost_prices *p)
{
    for (size_t i = 0; i < t->nvpcs + t->ntgws; i++) {
        int32_t r = i < t->nvpcs ? t->vpcs[i].region : t->tgws[i - t->nvpcs].region;
        if (r >= 0 && (size_t)r < t->nregions && strcmp(t->regions[r].name, p->region) != 0)
            return t->regions[r].name;
    }
    return NULL;
}

static int print_cost(FILE *f, const topology *t, const cost_prices *p, const cost_lines *l)
{
    char buf[64];
    fprintf(f, "\n  static monthly cost of %s (%g h a month, %s prices taken %s)\n", t->name,
            p->hours_per_month, p->region, p->taken);
    if (l->n == 0) {
        fprintf(f, "    no provisioned resources with an hourly price: %s\n",
                cost_format_usd(0, buf, sizeof buf));
        return 0;
    }
    table tb = {.ncols = 7,
                .head = {"component", "kind", "qty", "unit", "unit price", "monthly", "source"},
                .right = {false, false, true, false, true, true, false},
                .rule_before = l->n};
    for (size_t i = 0; i < l->n; i++) {
        long r = table_add_row(&tb);
        if (r < 0) return table_free(&tb), -1;
        cost_row(&tb, r, &l->lines[i]);
    }
    long r = table_add_row(&tb);
    if (r < 0) return table_free(&tb), -1;
    table_set(&tb, r, 0, "total");
    table_set(&tb, r, 5, cost_format_usd(l->total_usd, buf, sizeof buf));
    table_print(&tb, f, "    ");
    table_free(&tb);
    if (foreign_region(t, p))
        fprintf(f, "    note: components in %s are priced at %s prices\n", foreign_region(t, p),
                p->region);
    print_cost_notes(f, p, l);
    return 0;
}

static void verdict_counts(const check_report *rp, size_t a, size_t counts[3])
{
    counts[0] = counts[1] = counts[2] = 0;
    for (size_t w = 0; w < rp->s->archs[a].nworkloads; w++)
        if ((unsigned)rp->results[a][w].verdict < 3) counts[rp->results[a][w].verdict]++;
}

/* One line per architecture: verdicts and static cost side by side. */
static int print_summary(FILE *f, const check_report *rp)
{
    table tb = {.ncols = 5,
                .head = {"architecture", "reachable", "denied", "unreachable", "static monthly"},
                .right = {false, true, true, true, true},
                .rule_before = SIZE_MAX};
    char buf[64];
    size_t counts[3];
    for (size_t a = 0; a < rp->s->narchs; a++) {
        long r = table_add_row(&tb);
        if (r < 0) return table_free(&tb), -1;
        verdict_counts(rp, a, counts);
        table_set(&tb, r, 0, rp->s->archs[a].name);
        for (int v = 0; v < 3; v++) {
            snprintf(buf, sizeof buf, "%zu", counts[v]);
            table_set(&tb, r, 1 + (size_t)v, buf);
        }
        cost_format_usd(rp->costs[a].total_usd, buf, sizeof buf);
        if (rp->costs[a].nunknown) strcat(buf, " + ?");
        table_set(&tb, r, 4, buf);
    }
    fputs("\nsummary\n", f);
    table_print(&tb, f, "  ");
    table_free(&tb);
    return 0;
}

static int print_text(FILE *f, const check_report *rp)
{
    const scenario *s = rp->s;
    size_t nw = 0;
    for (size_t a = 0; a < s->narchs; a++) nw += s->archs[a].nworkloads;
    fprintf(f, "scenario %s (%s), schema version %d: %zu architecture%s, %zu workload path%s\n",
            s->name, s->file, s->version, s->narchs, s->narchs == 1 ? "" : "s", nw,
            nw == 1 ? "" : "s");
    fprintf(f, "prices: %s, %s, taken %s (%s)\n", rp->p->region, rp->p->currency, rp->p->taken,
            rp->p->file);
    for (size_t a = 0; a < s->narchs; a++) {
        const topology *t = &s->archs[a];
        fprintf(f, "\n=== architecture %s ===\n", t->name);
        for (size_t w = 0; w < t->nworkloads; w++)
            if (print_workload(f, t, w, &rp->results[a][w])) return -1;
        if (print_cost(f, t, rp->p, &rp->costs[a])) return -1;
    }
    return print_summary(f, rp);
}

/* ---- JSON
 * ---------------------------------------------------------------------------------------- */

enum { JSON_MAX_DEPTH = 16 };

/* A pretty-printing JSON writer: values inside an object follow json_key, values inside an array
 * are written directly; commas and indentation are its business. */
typedef struct json_writer {
    FILE *f;
    int depth;
    bool has_items[JSON_MAX_DEPTH]; /* a value was written at this depth: next needs a comma */
    bool after_key;                 /* a key was written: the value follows on the same line */
    int flat_from;                  /* depth from which values stay on one line; 0: none */
} json_writer;

static bool json_flat(const json_writer *j)
{
    return j->flat_from && j->depth >= j->flat_from;
}

static void json_prefix(json_writer *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0) return;
    if (json_flat(j)) {
        fputs(j->has_items[j->depth] ? ", " : "", j->f);
        j->has_items[j->depth] = true;
        return;
    }
    fputs(j->has_items[j->depth] ? ",\n" : "\n", j->f);
    j->has_items[j->depth] = true;
    fprintf(j->f, "%*s", 2 * j->depth, "");
}

/* s as a JSON string: quotes, backslashes and control characters escaped; UTF-8 passes. */
static void json_raw_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p == '\r')
            fputs("\\r", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_open(json_writer *j, char c)
{
    json_prefix(j);
    fputc(c, j->f);
    if (j->depth + 1 < JSON_MAX_DEPTH) j->depth++;
    j->has_items[j->depth] = false;
}

/* An object or array written on one line, with everything inside it (a hop, a cost line). */
static void json_open_flat(json_writer *j, char c)
{
    json_open(j, c);
    if (!j->flat_from) j->flat_from = j->depth;
}

static void json_close(json_writer *j, char c)
{
    bool items = j->has_items[j->depth], flat = json_flat(j);
    if (j->depth > 0) j->depth--;
    if (items && !flat) fprintf(j->f, "\n%*s", 2 * j->depth, "");
    if (j->depth < j->flat_from) j->flat_from = 0;
    fputc(c, j->f);
}

static void json_key(json_writer *j, const char *k)
{
    json_prefix(j);
    json_raw_string(j->f, k);
    fputs(": ", j->f);
    j->after_key = true;
}

static void json_string(json_writer *j, const char *k, const char *v)
{
    json_key(j, k);
    json_prefix(j);
    json_raw_string(j->f, v);
}

typedef enum json_num { JSON_INT, JSON_MONEY, JSON_REAL } json_num;

/* A number: whole, money to the cent, or 6 significant digits; null when absent. */
static void json_number(json_writer *j, const char *k, json_num how, double v, bool present)
{
    json_key(j, k);
    json_prefix(j);
    if (!present)
        fputs("null", j->f);
    else if (how == JSON_INT)
        fprintf(j->f, "%.0f", v);
    else if (how == JSON_MONEY)
        fprintf(j->f, "%.2f", v);
    else
        fprintf(j->f, "%.6g", v);
}

static void json_bool(json_writer *j, const char *k, bool v)
{
    json_key(j, k);
    json_prefix(j);
    fputs(v ? "true" : "false", j->f);
}

static void json_hops(json_writer *j, const topology *t, const topo_workload *w,
                      const path_alt *alt)
{
    char buf[64];
    json_key(j, "hops");
    json_open(j, '[');
    for (size_t i = 0; i < alt->nhops && i < PATH_MAX_HOPS; i++) {
        const path_hop *h = &alt->hops[i];
        json_open_flat(j, '{');
        json_string(j, "component", hop_name(t, w, h, buf, sizeof buf));
        json_string(j, "kind", hop_kind_name(h->kind));
        if (h->az >= 0 && (size_t)h->az < t->nazs)
            json_string(j, "az", t->azs[h->az].name);
        else
            json_number(j, "az", JSON_INT, 0, false);
        json_string(j, "link", link_class_name(h->link));
        json_close(j, '}');
    }
    json_close(j, ']');
}

static void json_workload(json_writer *j, const topology *t, size_t wi, const path_result *res)
{
    const topo_workload *w = &t->workloads[wi];
    char buf[160];
    json_open(j, '{');
    json_string(j, "name", w->name);
    json_string(j, "source", source_text(t, w, buf, sizeof buf));
    json_string(j, "target", target_text(t, w, buf, sizeof buf));
    json_string(j, "action", w->action);
    json_string(j, "resource", w->resource);
    json_string(j, "dns", res->dns);
    json_string(j, "verdict", verdict_name(res->verdict));
    json_string(j, "reason", res->reason);
    json_key(j, "paths");
    json_open(j, '[');
    for (size_t a = 0; a < res->nalts && a < PATH_MAX_ALTS; a++) {
        json_open(j, '{');
        json_number(j, "weight", JSON_REAL, res->alts[a].weight, true);
        json_hops(j, t, w, &res->alts[a]);
        json_close(j, '}');
    }
    json_close(j, ']');
    json_close(j, '}');
}

static void json_cost_line(json_writer *j, const cost_line *c)
{
    json_open_flat(j, '{');
    json_string(j, "component", c->component);
    json_string(j, "kind", c->kind);
    json_number(j, "quantity", JSON_INT, (double)c->quantity, true);
    json_string(j, "unit", c->unit);
    json_bool(j, "price_known", c->price_known);
    json_number(j, "usd_per_hour", JSON_REAL, c->usd_per_hour, c->price_known);
    json_number(j, "monthly_usd", JSON_MONEY, c->monthly_usd, c->price_known);
    json_string(j, "source", c->tags);
    json_string(j, "basis", c->basis);
    json_close(j, '}');
}

static void json_cost(json_writer *j, const topology *t, const cost_prices *p, const cost_lines *l)
{
    json_key(j, "cost");
    json_open(j, '{');
    json_number(j, "hours_per_month", JSON_INT, p->hours_per_month, true);
    json_key(j, "lines");
    json_open(j, '[');
    for (size_t i = 0; i < l->n; i++) json_cost_line(j, &l->lines[i]);
    json_close(j, ']');
    json_number(j, "total_monthly_usd", JSON_MONEY, l->total_usd, true);
    json_number(j, "unknown_price_lines", JSON_INT, (double)l->nunknown, true);
    if (foreign_region(t, p)) json_string(j, "priced_as_region", p->region);
    json_close(j, '}');
}

static void json_header(json_writer *j, const check_report *rp)
{
    const cost_prices *p = rp->p;
    json_key(j, "scenario");
    json_open(j, '{');
    json_string(j, "name", rp->s->name);
    json_string(j, "file", rp->s->file);
    json_number(j, "version", JSON_INT, rp->s->version, true);
    json_close(j, '}');
    json_key(j, "prices");
    json_open(j, '{');
    json_string(j, "file", p->file);
    json_string(j, "region", p->region);
    json_string(j, "currency", p->currency);
    json_string(j, "taken", p->taken);
    json_number(j, "hours_per_month", JSON_INT, p->hours_per_month, true);
    json_key(j, "sources");
    json_open(j, '{');
    for (size_t i = 0; i < p->nsources; i++) json_string(j, p->sources[i].tag, p->sources[i].name);
    json_close(j, '}');
    json_close(j, '}');
}

static int print_json(FILE *f, const check_report *rp)
{
    json_writer j = {.f = f};
    json_open(&j, '{');
    json_header(&j, rp);
    json_key(&j, "architectures");
    json_open(&j, '[');
    for (size_t a = 0; a < rp->s->narchs; a++) {
        const topology *t = &rp->s->archs[a];
        json_open(&j, '{');
        json_string(&j, "name", t->name);
        json_key(&j, "workloads");
        json_open(&j, '[');
        for (size_t w = 0; w < t->nworkloads; w++) json_workload(&j, t, w, &rp->results[a][w]);
        json_close(&j, ']');
        json_cost(&j, t, rp->p, &rp->costs[a]);
        json_close(&j, '}');
    }
    json_close(&j, ']');
    json_close(&j, '}');
    fputc('\n', f);
    return 0;
}

/* ---- the command ----------------------------------------------------------------------------- */

static void report_free(check_report *rp)
{
    for (size_t a = 0; rp->s && a < rp->s->narchs; a++) {
        if (rp->results) free(rp->results[a]);
        if (rp->costs) cost_lines_free(&rp->costs[a]);
    }
    free(rp->results);
    free(rp->costs);
}

/* Resolves every workload of architecture a and prices it. Returns 0, or -1 with err set. */
static int analyse_arch(check_report *rp, size_t a, vs_error *err)
{
    const topology *t = &rp->s->archs[a];
    vs_error why = {""};
    rp->results[a] = calloc(t->nworkloads ? t->nworkloads : 1, sizeof *rp->results[a]);
    if (!rp->results[a]) return error_set(err, "out of memory");
    for (size_t w = 0; w < t->nworkloads; w++)
        if (paths_resolve(t, w, NULL, &rp->results[a][w], &why))
            return error_set(err, "internal error resolving workload '%s' of architecture '%s': %s",
                             t->workloads[w].name, t->name, why.msg);
    return cost_static(t, rp->p, &rp->costs[a], err);
}

static int analyse(check_report *rp, vs_error *err)
{
    size_t n = rp->s->narchs ? rp->s->narchs : 1;
    rp->results = calloc(n, sizeof *rp->results);
    rp->costs = calloc(n, sizeof *rp->costs);
    if (!rp->results || !rp->costs) return error_set(err, "out of memory");
    for (size_t a = 0; a < rp->s->narchs; a++)
        if (analyse_arch(rp, a, err)) return -1;
    return 0;
}

/* Loads the scenario and the prices; returns 0, or the exit code with the message printed. */
static int load_inputs(const check_opts *o, scenario **s, cost_prices **p)
{
    vs_error err = {""};
    if (scenario_load_file(o->file, s, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    char path[4096];
    const char *prices = o->prices;
    if (prices == DEFAULT_PRICES) {
        if (prices_path_for(*s, path, sizeof path, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return EXIT_USAGE;
        }
        prices = path;
    }
    if (cost_prices_load_file(prices, p, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        if (o->prices == DEFAULT_PRICES)
            fputs("vpcsim check: give a price table with --prices FILE\n", stderr);
        return EXIT_USAGE;
    }
    return 0;
}

int check_main(int argc, char **argv)
{
    check_opts o;
    vs_error err = {""};
    scenario *s = NULL;
    cost_prices *p = NULL;
    int rc;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            check_usage(stdout);
            return 0;
        }
    if (parse_args(&o, argc, argv, &err)) {
        fprintf(stderr, "vpcsim check: %s\n", err.msg);
        check_usage(stderr);
        return EXIT_USAGE;
    }
    if ((rc = load_inputs(&o, &s, &p)) != 0) {
        scenario_free(s);
        return rc;
    }
    check_report rp = {.s = s, .p = p};
    rc = analyse(&rp, &err);
    if (rc)
        fprintf(stderr, "vpcsim check: %s\n", err.msg);
    else
        rc = o.json ? print_json(stdout, &rp) : print_text(stdout, &rp);
    if (!rc && (fflush(stdout) || ferror(stdout))) {
        fputs("vpcsim check: cannot write the report\n", stderr);
        rc = -1;
    }
    report_free(&rp);
    cost_prices_free(p);
    scenario_free(s);
    return rc ? 1 : 0;
}
