/* The clients of the network model (netmodel_impl.h): one per workload with traffic, its
 * arrivals (open loop, closed loop, on/off, a schedule, or times replayed from a file), retry
 * policy and handshakes, and its routes. Setup only; a replay file is read once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmodel_impl.h"
#include "vpcsim/grow.h"
#include "vpcsim/infile.h"
#include "vpcsim/units.h"

/* ---- arrivals: schedules and replayed times ------------------------------------------------ */

/* One line of a replay file: a time (a number of seconds or a duration with its unit), or
 * nothing (blank or a # comment). Returns 1 with *t, 0 for nothing, -1 with err set. */
static int replay_line(char *line, const char *path, size_t lineno, vs_time *t, vs_error *err)
{
    char *hash = strchr(line, '#'), *a = line, *e;
    if (hash) *hash = '\0';
    while (*a == ' ' || *a == '\t') a++;
    e = a + strlen(a);
    while (e > a && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) *--e = '\0';
    if (!*a) return 0;
    vs_error why = {{0}};
    /* what the line held is not echoed: the file may be anything (docs/files.md) */
    if (units_parse_duration_default(a, "s", t, &why))
        return error_set(err,
                         "%s:%zu:%d: expected a time from the start of the run (seconds, or "
                         "a duration such as 250ms)",
                         path, lineno, (int)(a - line) + 1);
    return 1;
}

/* The call times of workload wi (traffic.file: one time per line, non-decreasing), into
 * m->workload[wi].replay. Times at or after the horizon make no call. */
static int workload_replay(netmodel *m, size_t wi, client_params *p)
{
    const topo_workload *w = &m->t->workloads[wi];
    const config_node *f = config_find(w->traffic, "file");
    char path[4096], line[512];
    size_t lineno = 0;
    uint32_t n = 0, cap = 0;
    if (!f || !config_scalar(f))
        return error_set(m->err, "%s:%d:%d: workload %s: arrival: replay needs traffic.file",
                         w->pos.file, w->pos.line, w->pos.col, w->name);
    vs_error why = {""};
    FILE *in = infile_resolve(w->pos.file, config_scalar(f), m->cfg->allow_outside_files, path,
                              sizeof path, &why)
                   ? NULL
                   : infile_open(path, &why);
    if (!in) return config_error_at(f, m->err, "replay file: %s", why.msg);
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, in)) {
        vs_time t;
        lineno++;
        if (!strchr(line, '\n') && !feof(in)) {
            rc = error_set(m->err, "%s:%zu:1: line longer than %zu characters", path, lineno,
                           sizeof line - 2);
            break;
        }
        int got = replay_line(line, path, lineno, &t, m->err);
        if (got < 0) rc = -1;
        if (got <= 0) continue;
        if (n > 0 && t < m->workload[wi].replay[n - 1])
            rc = error_set(m->err,
                           "%s:%zu:1: times must not decrease (this one is earlier than the "
                           "time before it)",
                           path, lineno);
        else if (n == cap &&
                 grow_double((void **)&m->workload[wi].replay, &cap, sizeof(vs_time), 1024))
            rc = error_set(m->err, "out of memory");
        else
            m->workload[wi].replay[n++] = t;
    }
    if (rc == 0 && ferror(in)) rc = error_set(m->err, "%s: read error", path);
    fclose(in);
    p->replay = m->workload[wi].replay;
    p->nreplay = n;
    return rc;
}

/* The schedule of workload w (traffic.schedule), into m->workload[wi].steps. */
static int workload_schedule(netmodel *m, size_t wi, client_params *p)
{
    const config_node *seq = config_find(m->t->workloads[wi].traffic, "schedule");
    size_t n = seq ? config_len(seq) : 0;
    client_step *steps = n ? calloc(n, sizeof *steps) : NULL;
    if (n && !steps) return error_set(m->err, "out of memory");
    m->workload[wi].steps = steps;
    for (size_t i = 0; i < n; i++) {
        const config_node *step = config_at(seq, i);
        if (config_get_duration(step, "at", NULL, &steps[i].at_ns, m->err) ||
            config_get_rate(step, "rate", NULL, &steps[i].rate_per_s, m->err))
            return -1;
    }
    p->steps = steps;
    p->nsteps = (uint32_t)n;
    return 0;
}

static int workload_arrivals(netmodel *m, size_t wi, client_params *p)
{
    const topo_workload *w = &m->t->workloads[wi];
    p->arrival = w->arrival;
    p->rate_per_s = w->rate_per_s;
    p->clients = w->clients > 0 ? (uint32_t)w->clients : 0;
    p->think_ns = w->think_ns;
    if (w->arrival == ARRIVAL_ONOFF &&
        (config_get_duration(w->traffic, "on", NULL, &p->on_ns, m->err) ||
         config_get_duration(w->traffic, "off", NULL, &p->off_ns, m->err)))
        return -1;
    if (w->arrival == ARRIVAL_SCHEDULE) return workload_schedule(m, wi, p);
    if (w->arrival == ARRIVAL_REPLAY) return workload_replay(m, wi, p);
    return 0;
}

/* ---- the client ----------------------------------------------------------------------------- */

static int workload_sizes(netmodel *m, const topo_workload *w)
{
    if (w->bytes_up < 0 || w->bytes_up > UINT32_MAX || w->bytes_down < 0 ||
        w->bytes_down > UINT32_MAX)
        return error_set(m->err,
                         "%s:%d:%d: workload %s: request and response sizes must be at "
                         "most 4GiB",
                         w->pos.file, w->pos.line, w->pos.col, w->name);
    return 0;
}

int64_t netmodel_clients_int(netmodel *m, const char *inst, const char *name, int *rc)
{
    const param_value *v = netmodel_param(m, "client", inst, name);
    if (!v) *rc = -1;
    return v ? v->i : 0;
}

static int workload_retries(netmodel *m, const topo_workload *w, client_params *p)
{
    int rc = 0;
    int64_t hs = w->reuse_connections
                     ? 0
                     : netmodel_clients_int(m, w->name, "tcp_handshake_rtts", &rc) +
                           netmodel_clients_int(m, w->name, "tls_handshake_rtts", &rc);
    p->handshakes = hs > 255 ? 256 : (uint32_t)hs;
    p->hs_request_bytes = HS_REQUEST_BYTES;
    p->timeout_ns = w->timeout_ns;
    p->retry = w->retry == RETRY_STANDARD;
    p->max_attempts = (uint32_t)w->max_attempts;
    p->retry_base_ns = netmodel_clients_int(m, w->name, "retry_base", &rc);
    p->retry_throttle_base_ns = netmodel_clients_int(m, w->name, "retry_throttle_base", &rc);
    p->retry_cap_ns = netmodel_clients_int(m, w->name, "retry_cap", &rc);
    p->retry_quota = netmodel_clients_int(m, w->name, "retry_quota", &rc);
    p->retry_cost = netmodel_clients_int(m, w->name, "retry_cost", &rc);
    p->timeout_retry_cost = netmodel_clients_int(m, w->name, "timeout_retry_cost", &rc);
    return rc;
}

/* The client group of workload w: its subnet's AZ or its site. */
static uint32_t client_group_of(const netmodel *m, const topo_workload *w)
{
    return w->source_subnet >= 0 ? netmodel_group_az(m->t->subnets[w->source_subnet].az)
                                 : netmodel_group_site(m, w->source_site);
}

int netmodel_clients_make(netmodel *m, size_t wi)
{
    const topo_workload *w = &m->t->workloads[wi];
    client_params *p = &m->workload[wi].params;
    char name[NETMODEL_NAME_MAX + 16];
    snprintf(name, sizeof name, "client/%s/arrivals", w->name);
    if (workload_sizes(m, w)) return -1;
    if (!(m->workload[wi].arrivals = rng_new(m->cfg->seed, name)))
        return error_set(m->err, "out of memory");
    *p = (client_params){.flows = &m->flows,
                         .alts = m->workload[wi].ways,
                         .request_bytes = (uint32_t)w->bytes_up,
                         .warmup_ns = m->cfg->warmup_ns,
                         .horizon_ns = m->horizon_ns,
                         .arrivals = m->workload[wi].arrivals,
                         .out = &m->out->workloads[wi].st,
                         .alt_exchanges = m->workload[wi].exchanges};
    hist_init(&p->out->latency);
    m->workload[wi].group = client_group_of(m, w);
    verdict v = m->workload[wi].path.verdict;
    p->no_path = v == VERDICT_DENIED ? CLIENT_FAIL_DENIED : CLIENT_FAIL_UNREACHABLE;
    if (workload_arrivals(m, wi, p) || workload_retries(m, w, p)) return -1;
    return v == VERDICT_REACHABLE ? netmodel_routes_of_workload(m, wi) : 0;
}
