/* `vpcsim check FILE [--json] [--prices FILE]`: validates a scenario, then for every architecture
 * x workload shows the resolved path hop by hop, the DNS answer and the verdict, and per
 * architecture the static monthly cost of provisioned resources; as aligned text or one JSON
 * document. Small inputs (tens of components and workloads): clarity over speed. */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/check_quotas.h"
#include "cli/cli.h"
#include "cli/datafiles.h"
#include "cli/text_table.h"
#include "cli/json_out.h"
#include "vpcsim/aws/cost.h"
#include "vpcsim/aws/netmodel.h"
#include "vpcsim/aws/params.h"
#include "vpcsim/aws/paths.h"
#include "vpcsim/aws/scenario.h"

typedef struct check_opts {
    const char *file;   /* the scenario */
    const char *prices; /* the price table (--prices), or NULL: the shipped one */
    const char *params; /* the model parameters (--defaults), or NULL: the shipped ones */
    bool json;          /* --json */
    unsigned fail_on;   /* --fail-on: bit v set when verdict v fails the check */
} check_opts;

/* Everything the report shows, computed before anything is printed (so that a failure half way
 * never leaves half a JSON document). */
typedef struct check_report {
    const scenario *s;
    const cost_prices *p;
    path_result **results; /* [arch][workload] */
    cost_lines *costs;     /* [arch] */
    unsigned fail_on;      /* --fail-on (bits of verdict values) */
} check_report;

/* "denied,unreachable" into bits of verdict values. Returns 0, or -1 with err set. */
static int parse_fail_on(void *opts, const char *name, const char *list, vs_error *err)
{
    unsigned *bits = &((check_opts *)opts)->fail_on;
    static const struct {
        const char *name;
        verdict v;
    } names[] = {{"denied", VERDICT_DENIED}, {"unreachable", VERDICT_UNREACHABLE}};
    *bits = 0;
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ","), k = 0;
        while (k < sizeof names / sizeof names[0] &&
               !(strlen(names[k].name) == n && strncmp(p, names[k].name, n) == 0))
            k++;
        if (k == sizeof names / sizeof names[0])
            return error_set(err, "%s: unknown verdict '%.*s' (denied, unreachable)", name, (int)n,
                             p);
        *bits |= 1u << names[k].v;
        p += n + (p[n] == ',');
    }
    return *bits ? 0 : error_set(err, "%s needs denied, unreachable or both", name);
}

static const option_def check_options[] = {
    {.name = "--json",
     .kind = OPTION_FLAG,
     OPTION_AT(check_opts, json),
     .help = "one JSON document instead of tables"},
    {.name = "--prices",
     .kind = OPTION_FILE,
     .value_name = "FILE",
     OPTION_AT(check_opts, prices),
     .help = "price table (default: prices/aws-REGION.yaml for the scenario's\nfirst Region, "
             "in " DATAFILES_WHERE ")"},
    {.name = "--defaults",
     .kind = OPTION_FILE,
     .value_name = "FILE",
     OPTION_AT(check_opts, params),
     .help = "model parameters (default: " DATAFILES_DEFAULTS " there); the\n"
             "parameters and overrides pass the checks run makes"},
    {.name = "--fail-on",
     .kind = OPTION_CUSTOM,
     .value_name = "VERDICTS",
     .parse = parse_fail_on,
     .help = "exit 1 when a path has one of these verdicts (comma-separated:\n"
             "denied, unreachable); the paths go to stderr and into --json"},
};

static const options_spec check_spec = {
    .command = "check",
    .file = "scenario FILE",
    .file_at = offsetof(check_opts, file),
    .list_in_synopsis = true,
    .about = "  validates the scenario FILE, then for every architecture x workload prints the\n"
             "  resolved path hop by hop, the DNS answer and the verdict (reachable, denied or\n"
             "  unreachable, with the reason), and each architecture's static monthly cost\n",
    .opts = check_options,
    .nopts = sizeof check_options / sizeof *check_options,
    .help_column = 18,
};

/* ---- names ----------------------------------------------------------------------------------- */

#define NAME_OR(arr, n, i, field) ((i) >= 0 && (size_t)(i) < (n) ? (arr)[i].field : "?")

/* The name a reader knows a hop by: the component's name in the scenario, as its kind shows it. */
static const char *hop_name(const topology *t, const topo_workload *w, const path_hop *h, char *buf,
                            size_t n)
{
    const char *name = kinds_instance_name(t, w, h->kind, h->index, buf, n);
    const char *prefix =
        (unsigned)h->kind < HOP_KIND_COUNT ? kinds_get(h->kind)->shown_prefix : NULL;
    if (!prefix || name == buf) return name; /* prefixes go with named components only */
    snprintf(buf, n, "%s%s", prefix, name);
    return buf;
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

/* ---- text report ----------------------------------------------------------------------------- */

static const char *link_text(link_class c)
{
    return c == LINK_NONE ? "-" : link_class_name(c);
}

static int print_alt(FILE *f, const topology *t, const topo_workload *w, const path_alt *alt)
{
    text_table tb = {
        .ncols = 5,
        .head = {"#", "component", "kind", "AZ", "link from previous"},
        .right = {true},
    };
    char num[16], buf[64];
    for (size_t i = 0; i < alt->nhops && i < PATH_MAX_HOPS; i++) {
        const path_hop *h = &alt->hops[i];
        if (text_table_add_row(&tb)) return text_table_free(&tb), -1;
        snprintf(num, sizeof num, "%zu", i + 1);
        text_table_set(&tb, 0, num);
        text_table_set(&tb, 1, hop_name(t, w, h, buf, sizeof buf));
        text_table_set(&tb, 2, hop_kind_name(h->kind));
        text_table_set(&tb, 3, az_name(t, h->az));
        text_table_set(&tb, 4, link_text(h->link));
    }
    text_table_print(&tb, f, "      ");
    text_table_free(&tb);
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

static void cost_row(text_table *tb, const cost_line *c)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%lld", (long long)c->quantity);
    text_table_set(tb, 0, c->component);
    text_table_set(tb, 1, c->kind);
    text_table_set(tb, 2, buf);
    text_table_set(tb, 3, c->unit ? c->unit : "");
    if (c->price_known) {
        cost_format_unit_price(c->usd_per_hour, buf, sizeof buf);
        strcat(buf, "/h");
        text_table_set(tb, 4, buf);
        text_table_set(tb, 5, cost_format_usd(c->monthly_usd, buf, sizeof buf));
        text_table_set(tb, 6, c->tags);
    } else {
        text_table_set(tb, 4, "unknown");
        text_table_set(tb, 5, "-");
        text_table_set(tb, 6, "-");
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
    text_table tb = {
        .ncols = 7,
        .head = {"component", "kind", "qty", "unit", "unit price", "monthly", "source"},
        .right = {false, false, true, false, true, true, false},
        .rule_above = l->n + 1};
    for (size_t i = 0; i < l->n; i++) {
        if (text_table_add_row(&tb)) return text_table_free(&tb), -1;
        cost_row(&tb, &l->lines[i]);
    }
    if (text_table_add_row(&tb)) return text_table_free(&tb), -1;
    text_table_set(&tb, 0, "total");
    text_table_set(&tb, 5, cost_format_usd(l->total_usd, buf, sizeof buf));
    text_table_print(&tb, f, "    ");
    text_table_free(&tb);
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
    text_table tb = {
        .ncols = 5,
        .head = {"architecture", "reachable", "denied", "unreachable", "static monthly"},
        .right = {false, true, true, true, true},
    };
    char buf[64];
    size_t counts[3];
    for (size_t a = 0; a < rp->s->narchs; a++) {
        if (text_table_add_row(&tb)) return text_table_free(&tb), -1;
        verdict_counts(rp, a, counts);
        text_table_set(&tb, 0, rp->s->archs[a].name);
        for (int v = 0; v < 3; v++) {
            snprintf(buf, sizeof buf, "%zu", counts[v]);
            text_table_set(&tb, 1 + (size_t)v, buf);
        }
        cost_format_usd(rp->costs[a].total_usd, buf, sizeof buf);
        if (rp->costs[a].nunknown) strcat(buf, " + ?");
        text_table_set(&tb, 4, buf);
    }
    fputs("\nsummary\n", f);
    text_table_print(&tb, f, "  ");
    text_table_free(&tb);
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
    if (nw == 0) /* an imported estate, before its workloads are added */
        fputs("no workloads: paths and verdicts need a `workloads:` list; each workload has a "
              "source\n  ({subnet: NAME, security_groups: [..]} or {site: NAME}) and a target "
              "({service: s3},\n  {endpoint_service: NAME} or {internet: ADDRESS}); see "
              "docs/scenario.md, Workloads and traffic\n",
              f);
    for (size_t a = 0; a < s->narchs; a++) {
        const topology *t = &s->archs[a];
        fprintf(f, "\n=== architecture %s ===\n", t->name);
        check_quotas_print(f, s, t);
        for (size_t w = 0; w < t->nworkloads; w++)
            if (print_workload(f, t, w, &rp->results[a][w])) return -1;
        if (print_cost(f, t, rp->p, &rp->costs[a])) return -1;
    }
    return print_summary(f, rp);
}

/* ---- JSON (json-c) ----------------------------------------------------------------------------
 */

static json_object *json_hops(const topology *t, const topo_workload *w, const path_alt *alt)
{
    char buf[64];
    json_object *hops = json_object_new_array();
    for (size_t i = 0; i < alt->nhops && i < PATH_MAX_HOPS; i++) {
        const path_hop *h = &alt->hops[i];
        json_object *o = json_object_new_object();
        json_out_set(o, "component", json_out_string(hop_name(t, w, h, buf, sizeof buf)));
        json_out_set(o, "kind", json_out_string(hop_kind_name(h->kind)));
        json_out_set(o, "az",
                     h->az >= 0 && (size_t)h->az < t->nazs ? json_out_string(t->azs[h->az].name)
                                                           : NULL);
        json_out_set(o, "link", json_out_string(link_class_name(h->link)));
        json_object_array_add(hops, o);
    }
    return hops;
}

static json_object *json_workload(const topology *t, size_t wi, const path_result *res)
{
    const topo_workload *w = &t->workloads[wi];
    char buf[160];
    json_object *o = json_object_new_object(), *paths = json_object_new_array();
    json_out_set(o, "name", json_out_string(w->name));
    json_out_set(o, "source", json_out_string(source_text(t, w, buf, sizeof buf)));
    json_out_set(o, "target", json_out_string(target_text(t, w, buf, sizeof buf)));
    json_out_set(o, "action", json_out_string(w->action));
    json_out_set(o, "resource", json_out_string(w->resource));
    json_out_set(o, "dns", json_out_string(res->dns));
    json_out_set(o, "verdict", json_out_string(verdict_name(res->verdict)));
    json_out_set(o, "reason", json_out_string(res->reason));
    for (size_t a = 0; a < res->nalts && a < PATH_MAX_ALTS; a++) {
        json_object *alt = json_object_new_object();
        json_out_set(alt, "weight", json_out_number(res->alts[a].weight));
        json_out_set(alt, "hops", json_hops(t, w, &res->alts[a]));
        json_object_array_add(paths, alt);
    }
    json_out_set(o, "paths", paths);
    return o;
}

static json_object *json_cost_line(const cost_line *c)
{
    json_object *o = json_object_new_object();
    json_out_set(o, "component", json_out_string(c->component));
    json_out_set(o, "kind", json_out_string(c->kind));
    json_out_set(o, "quantity", json_object_new_int64(c->quantity));
    json_out_set(o, "unit", json_out_string(c->unit));
    json_out_set(o, "price_known", json_object_new_boolean(c->price_known));
    json_out_set(o, "usd_per_hour", c->price_known ? json_out_number(c->usd_per_hour) : NULL);
    json_out_set(o, "monthly_usd", c->price_known ? json_out_money(c->monthly_usd) : NULL);
    json_out_set(o, "source", json_out_string(c->tags));
    json_out_set(o, "basis", json_out_string(c->basis));
    return o;
}

static json_object *json_cost(const topology *t, const cost_prices *p, const cost_lines *l)
{
    json_object *o = json_object_new_object(), *lines = json_object_new_array();
    json_out_set(o, "hours_per_month", json_out_number(p->hours_per_month));
    for (size_t i = 0; i < l->n; i++) json_object_array_add(lines, json_cost_line(&l->lines[i]));
    json_out_set(o, "lines", lines);
    json_out_set(o, "total_monthly_usd", json_out_money(l->total_usd));
    json_out_set(o, "unknown_price_lines", json_object_new_int64((int64_t)l->nunknown));
    if (foreign_region(t, p)) json_out_set(o, "priced_as_region", json_out_string(p->region));
    return o;
}

static void json_header(json_object *doc, const check_report *rp)
{
    const cost_prices *p = rp->p;
    json_object *sc = json_object_new_object(), *pr = json_object_new_object(),
                *src = json_object_new_object();
    json_out_set(sc, "name", json_out_string(rp->s->name));
    json_out_set(sc, "file", json_out_string(rp->s->file));
    json_out_set(sc, "version", json_object_new_int(rp->s->version));
    json_out_set(doc, "scenario", sc);
    json_out_set(pr, "file", json_out_string(p->file));
    json_out_set(pr, "region", json_out_string(p->region));
    json_out_set(pr, "currency", json_out_string(p->currency));
    json_out_set(pr, "taken", json_out_string(p->taken));
    json_out_set(pr, "hours_per_month", json_out_number(p->hours_per_month));
    for (size_t i = 0; i < p->nsources; i++)
        json_out_set(src, p->sources[i].tag, json_out_string(p->sources[i].name));
    json_out_set(pr, "sources", src);
    json_out_set(doc, "prices", pr);
}

static bool check_fails(const check_report *rp, verdict v)
{
    return (unsigned)v < 32 && (rp->fail_on >> v & 1u);
}

/* --fail-on in the document: the verdicts asked for and the paths that have one. */
static json_object *json_fail_on(const check_report *rp)
{
    json_object *o = json_object_new_object(), *asked = json_object_new_array(),
                *paths = json_object_new_array();
    for (verdict v = VERDICT_REACHABLE; v <= VERDICT_UNREACHABLE; v++)
        if (check_fails(rp, v)) json_object_array_add(asked, json_out_string(verdict_name(v)));
    for (size_t a = 0; a < rp->s->narchs; a++)
        for (size_t w = 0; w < rp->s->archs[a].nworkloads; w++) {
            const path_result *r = &rp->results[a][w];
            if (!check_fails(rp, r->verdict)) continue;
            json_object *p = json_object_new_object();
            json_out_set(p, "architecture", json_out_string(rp->s->archs[a].name));
            json_out_set(p, "workload", json_out_string(rp->s->archs[a].workloads[w].name));
            json_out_set(p, "verdict", json_out_string(verdict_name(r->verdict)));
            json_out_set(p, "reason", json_out_string(r->reason));
            json_object_array_add(paths, p);
        }
    json_out_set(o, "verdicts", asked);
    json_out_set(o, "failed", json_object_new_boolean(json_object_array_length(paths) > 0));
    json_out_set(o, "paths", paths);
    return o;
}

/* --fail-on: each failing path on stderr. Returns how many there are. */
static size_t report_fail_on(const check_report *rp)
{
    size_t n = 0;
    for (size_t a = 0; a < rp->s->narchs; a++)
        for (size_t w = 0; w < rp->s->archs[a].nworkloads; w++) {
            const path_result *r = &rp->results[a][w];
            if (!check_fails(rp, r->verdict)) continue;
            fprintf(stderr, "vpcsim check: --fail-on: architecture %s, workload %s: %s%s%s\n",
                    rp->s->archs[a].name, rp->s->archs[a].workloads[w].name,
                    verdict_name(r->verdict), r->reason[0] ? ": " : "", r->reason);
            n++;
        }
    return n;
}

static int print_json(FILE *f, const check_report *rp)
{
    json_object *doc = json_object_new_object(), *archs = json_object_new_array();
    json_header(doc, rp);
    for (size_t a = 0; a < rp->s->narchs; a++) {
        const topology *t = &rp->s->archs[a];
        json_object *o = json_object_new_object(), *wls = json_object_new_array();
        json_out_set(o, "name", json_out_string(t->name));
        for (size_t w = 0; w < t->nworkloads; w++)
            json_object_array_add(wls, json_workload(t, w, &rp->results[a][w]));
        json_out_set(o, "workloads", wls);
        json_out_set(o, "cost", json_cost(t, rp->p, &rp->costs[a]));
        json_object *quotas = check_quotas_json(rp->s, t);
        if (quotas) json_out_set(o, "quota_warnings", quotas);
        json_object_array_add(archs, o);
    }
    json_out_set(doc, "architectures", archs);
    if (rp->fail_on) json_out_set(doc, "fail_on", json_fail_on(rp));
    return json_out_print(f, doc);
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
    char found[PATH_MAX];
    const char *prices = o->prices;
    if (scenario_load_file(o->file, s, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    if (!prices && prices_path_for(*s, found, sizeof found, &err)) { /* its Region's table */
        fprintf(stderr, "vpcsim check: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (!prices) prices = found;
    if (cost_prices_load_file(prices, p, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        if (!o->prices) fputs("vpcsim check: give a price table with --prices FILE\n", stderr);
        return EXIT_USAGE;
    }
    return 0;
}

/* The checks `run` makes of the model before running (rates, bandwidth within bandwidth_max,
 * packet rates, scale-up, ...): netmodel_check of every architecture with the parameters and
 * overrides, so that check passes only what run accepts. Returns 0, or -1 with err set. */
static int check_model(const check_opts *o, const scenario *s, vs_error *err)
{
    char buf[4096];
    const char *path = o->params;
    if (datafiles_default(&path, DATAFILES_DEFAULTS, buf, sizeof buf, err)) return -1;
    param_table *params = params_load_file(path, err);
    int rc = params && params_apply_overrides(params, s->overrides, err) == 0 ? 0 : -1;
    netmodel_config cfg = {
        .seed = s->seed, .warmup_ns = VS_NS_PER_S, .duration_ns = VS_NS_PER_S, .threads = 1};
    for (size_t a = 0; rc == 0 && a < s->narchs; a++)
        rc = netmodel_check(&s->archs[a], params, &cfg, err);
    params_free(params);
    return rc;
}

int check_main(int argc, char **argv)
{
    check_opts o = {.prices = NULL};
    vs_error err = {""};
    scenario *s = NULL;
    cost_prices *p = NULL;
    int rc;
    if (!options_take(&check_spec, &o, argc, argv, &rc)) return rc;
    if ((rc = load_inputs(&o, &s, &p)) != 0) {
        scenario_free(s);
        return rc;
    }
    if (check_model(&o, s, &err)) {
        fprintf(stderr, "vpcsim check: %s\n", err.msg);
        cost_prices_free(p);
        scenario_free(s);
        return EXIT_USAGE;
    }
    check_report rp = {.s = s, .p = p, .fail_on = o.fail_on};
    rc = analyse(&rp, &err);
    if (rc)
        fprintf(stderr, "vpcsim check: %s\n", err.msg);
    else
        rc = o.json ? print_json(stdout, &rp) : print_text(stdout, &rp);
    if (!rc && (fflush(stdout) || ferror(stdout))) {
        fputs("vpcsim check: cannot write the report\n", stderr);
        rc = -1;
    }
    size_t failing = rc ? 0 : report_fail_on(&rp);
    report_free(&rp);
    cost_prices_free(p);
    scenario_free(s);
    return rc || failing ? 1 : 0;
}
