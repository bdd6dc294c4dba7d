/* The station and source against queueing theory at utilisation 0.5 and 0.9: for each model the
 * textbook value must lie inside the simulation's 99% Student-t interval over independent
 * replications (and, for M/M/1, over the source's batch means), and the interval must be tight
 * (half-width under 3% of the value). Seeds are fixed, so the outcome is deterministic; a change
 * of the random streams redraws it, and with 16 checks at 99% about one redraw in seven puts one
 * value just outside its interval by chance: look at how far outside before blaming the model. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vpcsim/rng.h"
#include "vpcsim/stats.h"
#include "vpcsim/aws/station.h"

/* Run lengths. Release builds (NDEBUG) run the full length. Debug and sanitizer builds run 1/8 of
 * it, and there the tightness bound widens by sqrt(8) (the half-width shrinks as 1/sqrt(length));
 * VPCSIM_QUEUEING_FULL=1 forces the full length in any build. */
#ifdef NDEBUG
enum { QUEUEING_FULL_DEFAULT = 1 };
#else
enum { QUEUEING_FULL_DEFAULT = 0 };
#endif
#define SHORT_SCALE     8.0
#define TIGHT           0.03 /* the half-width bound at full length, relative to the value */
#define LEVEL           0.99
#define LEVEL_SECONDARY 0.999
enum { REPS = 30 };         /* independent replications (seeds from the case's name and rho) */
#define MEAN_SERVICE_NS 1e6 /* E[S] = 1 ms at every station */

typedef enum service_kind { SVC_EXP, SVC_DET, SVC_LOGNORMAL } service_kind;
typedef enum measure { SOJOURN, WAIT, LOSS } measure;

typedef struct qcase {
    const char *name;
    station_discipline discipline;
    uint32_t servers;
    int64_t queue_capacity; /* -1 = unlimited */
    service_kind service;
    double sigma;     /* lognormal shape */
    int stations;     /* in tandem, all alike */
    measure what;     /* sojourn at the source, mean wait at station 1, or loss fraction */
    double rho;       /* lambda E[S] / c at each station */
    double customers; /* measured arrivals over all replications at full length */
} qcase;

typedef struct tally {
    uint64_t events, requests;
    double wall_s;
} tally;

static bool full_length(void)
{
    const char *e = getenv("VPCSIM_QUEUEING_FULL");
    return e && *e ? atoi(e) != 0 : QUEUEING_FULL_DEFAULT;
}

/* ---- analytic values (E[S] = s) ------------------------------------------------------------- */

/* M/M/1 mean sojourn T = E[S] / (1 - rho) (Kleinrock, Queueing Systems vol. 1, 1975, eq. 3.26);
 * by insensitivity the same holds for M/G/1 processor sharing (Kleinrock vol. 2, 1976, 4.4). */
static double mm1_sojourn(double rho, double s)
{
    return s / (1 - rho);
}

/* Erlang C, the probability of waiting in M/M/c with offered load a = lambda E[S], through the
 * Erlang B recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)) and C = c B / (c - a (1 - B));
 * mean wait W = C E[S] / (c - a) (Kleinrock vol. 1, eqs. 3.40-3.43; Cooper 1981, 3.4). */
static double mmc_wait(uint32_t c, double rho, double s)
{
    double a = rho * c, b = 1;
    for (uint32_t k = 1; k <= c; k++) b = a * b / (k + a * b);
    double erlang_c = c * b / (c - a * (1 - b));
    return erlang_c * s / (c - a);
}

/* Pollaczek-Khinchine mean wait in M/G/1: W = lambda E[S^2] / (2 (1 - rho)) (Kleinrock vol. 1,
 * eq. 5.72). E[S^2] = s^2 (deterministic), s^2 exp(sigma^2) (lognormal with mean s). */
static double pk_wait(double rho, double s, double es2)
{
    return rho / s * es2 / (2 * (1 - rho));
}

/* M/M/1/K blocking: P_K = (1 - rho) rho^K / (1 - rho^(K+1)), K = places in the system (Kleinrock
 * vol. 1, eq. 3.45; PASTA makes it the fraction of arrivals lost). */
static double mm1k_loss(double rho, int k)
{
    return (1 - rho) * pow(rho, k) / (1 - pow(rho, k + 1));
}

static double analytic(const qcase *c)
{
    double s = MEAN_SERVICE_NS;
    switch (c->what) {
    case SOJOURN: /* tandem of M/M/1: Jackson (1957), each station an independent M/M/1 */
        return c->stations * mm1_sojourn(c->rho, s);
    case WAIT:
        if (c->service == SVC_EXP) return mmc_wait(c->servers, c->rho, s);
        return pk_wait(c->rho, s, c->service == SVC_DET ? s * s : s * s * exp(c->sigma * c->sigma));
    case LOSS:
        return mm1k_loss(c->rho, (int)(c->servers + c->queue_capacity));
    }
    return NAN;
}

/* ---- one replication ------------------------------------------------------------------------ */

static const dist *make_service(dist_set *set, const qcase *c)
{
    double s = MEAN_SERVICE_NS;
    switch (c->service) {
    case SVC_EXP:
        return dist_exponential(set, s);
    case SVC_DET:
        return dist_constant(set, (int64_t)s);
    case SVC_LOGNORMAL: /* mean s: mu = ln s - sigma^2 / 2 */
        return dist_lognormal(set, log(s) - c->sigma * c->sigma / 2, c->sigma);
    }
    return NULL;
}

typedef struct estimate {
    double value;       /* the measured quantity of the case */
    double utilisation; /* of station 1 */
    double in_station;  /* time-average jobs at station 1 */
    size_t nbatch;      /* batch means of the sojourn (when batches were asked for) */
    double batch[FLOW_MAX_BATCHES];
} estimate;

static void replicate(const qcase *c, uint64_t seed, double customers, uint32_t batches,
                      estimate *e, tally *t)
{
    vs_error err = {{0}};
    vs_engine *eng = engine_new(&(engine_opts){.threads = 1, .seed = seed}, &err);
    dist_set *set = dist_set_new();
    assert_non_null(eng);
    assert_non_null(set);
    uint32_t hops[2] = {1, 2};
    flow_route route = {.hops = hops, .len = (uint16_t)c->stations};
    flow_table table = {&route, 1};
    double rate = c->rho * c->servers / (MEAN_SERVICE_NS * 1e-9);
    /* warm-up: 20 relaxation times of an M/M/1 started empty, 1 / (mu (1 - sqrt(rho))^2)
     * (Morse 1955; Whitt 1989), the slowest of these models */
    double relax = MEAN_SERVICE_NS / ((1 - sqrt(c->rho)) * (1 - sqrt(c->rho)));
    vs_time warmup = (vs_time)(20 * relax);
    vs_time horizon = warmup + (vs_time)(customers / rate * 1e9);
    flow_source_params sp = {.flows = &table,
                             .arrivals = FLOW_ARRIVALS_POISSON,
                             .rate_per_s = rate,
                             .warmup_ns = warmup,
                             .horizon_ns = horizon,
                             .batches = batches};
    station_params st = {.flows = &table,
                         .discipline = c->discipline,
                         .servers = c->servers,
                         .service = make_service(set, c),
                         .queue_capacity = c->queue_capacity,
                         .stats_from_ns = warmup,
                         .stats_until_ns = horizon};
    assert_int_equal(flow_source_add(eng, "source", 0, &sp, &err), 0);
    assert_int_equal(station_add(eng, "station1", 0, &st, &err), 1);
    if (c->stations > 1) assert_int_equal(station_add(eng, "station2", 0, &st, &err), 2);
    assert_int_equal(engine_run(eng, VS_TIME_LIMIT, &err), 0); /* until drained */

    const flow_source_stats *src = flow_source_stats_of(eng, 0);
    const station_stats *s1 = station_stats_of(eng, 1);
    assert_int_equal(src->in_flight, 0);
    assert_false(src->out_of_memory || s1->out_of_memory);
    e->utilisation = s1->utilisation;
    e->in_station = s1->mean_in_station;
    e->value = NAN;
    if (c->what == SOJOURN) e->value = hist_mean(&src->sojourn);
    if (c->what == WAIT) e->value = station_mean_wait_ns(s1);
    if (c->what == LOSS) e->value = (double)src->dropped / (double)src->measured;
    e->nbatch = flow_batch_sojourn_means(src, e->batch);
    t->events += engine_get_stats(eng)->events;
    t->requests += src->created;
    t->wall_s += engine_get_stats(eng)->wall_s;
    engine_free(eng);
    dist_set_free(set);
}

/* ---- the check ------------------------------------------------------------------------------ */

/* Asserts want inside the interval and the interval tight; prints both and the speed. */
static void expect_inside(const qcase *c, const char *how, double want, const stats_interval *ci,
                          double tight, const tally *t)
{
    print_message("%-26s rho %.1f, %-12s: analytic %-11.6g sim %.6g +- %.4g (%.2f%%)  "
                  "%.3g events/s, %.3g requests/s\n",
                  c->name, c->rho, how, want, ci->mean, ci->half, 100 * ci->half / want,
                  (double)t->events / t->wall_s, (double)t->requests / t->wall_s);
    if (!(fabs(ci->mean - want) <= ci->half))
        fail_msg("%s at rho %.1f (%s): analytic %.6g outside the 99%% interval %.6g +- %.6g",
                 c->name, c->rho, how, want, ci->mean, ci->half);
    if (!(ci->half < tight * want))
        fail_msg("%s at rho %.1f (%s): half-width %.4g is %.2f%% of %.6g, above %.1f%%", c->name,
                 c->rho, how, ci->half, 100 * ci->half / want, want, 100 * tight);
}

static void check_case(const qcase *c)
{
    bool full = full_length();
    double customers = full ? c->customers : c->customers / SHORT_SCALE;
    double tight = full ? TIGHT : TIGHT * sqrt(SHORT_SCALE);
    double want = analytic(c);
    double x[REPS], util[REPS], in[REPS];
    tally t = {0};
    uint64_t seed = rng_name_hash(c->name) + (uint64_t)(c->rho * 1000) * 1000;
    estimate e;
    for (int r = 0; r < REPS; r++) {
        replicate(c, seed + (uint64_t)r, customers / REPS, 0, &e, &t);
        x[r] = e.value, util[r] = e.utilisation, in[r] = e.in_station;
    }
    stats_interval ci;
    assert_int_equal(stats_mean_ci(x, REPS, LEVEL, &ci), 0);
    expect_inside(c, "replications", want, &ci, tight, &t);
    /* The time integrals agree with the theory too (at 99.9%: secondary checks that should not
     * add to the chance failures): utilisation = rho; for M/M/1 the mean number present
     * L = rho / (1 - rho) (Little). */
    if (c->queue_capacity < 0 && c->stations == 1) {
        assert_int_equal(stats_mean_ci(util, REPS, LEVEL_SECONDARY, &ci), 0);
        if (!(fabs(ci.mean - c->rho) <= ci.half))
            fail_msg("%s: utilisation %.5f +- %.5f, want %.2f", c->name, ci.mean, ci.half, c->rho);
    }
    if (c->queue_capacity < 0 && c->stations == 1 && c->servers == 1 && c->what == SOJOURN) {
        double l = c->rho / (1 - c->rho);
        assert_int_equal(stats_mean_ci(in, REPS, LEVEL_SECONDARY, &ci), 0);
        if (!(fabs(ci.mean - l) <= ci.half))
            fail_msg("%s: mean in station %.5f +- %.5f, want %.5f", c->name, ci.mean, ci.half, l);
    }
}

static void check_both(qcase c, double customers_05, double customers_09)
{
    c.rho = 0.5, c.customers = customers_05;
    check_case(&c);
    c.rho = 0.9, c.customers = customers_09;
    check_case(&c);
}

static void mm1_sojourn_time(void **st)
{
    (void)st;
    qcase c = {"M/M/1 sojourn", STATION_FIFO, 1, -1, SVC_EXP, 0, 1, SOJOURN, 0, 0};
    check_both(c, 3e5, 6.5e6);
}

/* The source's batch means in one long run (30 batches, each thousands of relaxation times long
 * at rho 0.9, so nearly independent) give the same verdict as replications. */
static void mm1_sojourn_time_batch_means(void **st)
{
    (void)st;
    qcase c = {"M/M/1 sojourn", STATION_FIFO, 1, -1, SVC_EXP, 0, 1, SOJOURN, 0, 0};
    const double customers[2] = {3e5, 6.5e6}, rho[2] = {0.5, 0.9};
    bool full = full_length();
    for (int i = 0; i < 2; i++) {
        c.rho = rho[i];
        tally t = {0};
        estimate e;
        replicate(&c, 77 + (uint64_t)i, full ? customers[i] : customers[i] / SHORT_SCALE, REPS, &e,
                  &t);
        assert_int_equal(e.nbatch, REPS);
        stats_interval ci;
        assert_int_equal(stats_mean_ci(e.batch, e.nbatch, LEVEL, &ci), 0);
        expect_inside(&c, "batch means", analytic(&c), &ci,
                      full ? TIGHT : TIGHT * sqrt(SHORT_SCALE), &t);
    }
}

static void mmc_erlang_c_wait(void **st)
{
    (void)st;
    qcase c = {"M/M/3 wait (Erlang C)", STATION_FIFO, 3, -1, SVC_EXP, 0, 1, WAIT, 0, 0};
    check_both(c, 1.5e6, 6.5e6);
}

static void md1_pollaczek_khinchine_wait(void **st)
{
    (void)st;
    qcase c = {"M/D/1 wait (P-K)", STATION_FIFO, 1, -1, SVC_DET, 0, 1, WAIT, 0, 0};
    check_both(c, 4.5e5, 5.5e6);
}

static void mg1_lognormal_pollaczek_khinchine_wait(void **st)
{
    (void)st;
    qcase c = {"M/G/1 lognormal wait (P-K)", STATION_FIFO, 1, -1, SVC_LOGNORMAL, 1, 1, WAIT, 0, 0};
    check_both(c, 3e6, 1.2e7);
}

static void mg1_ps_lognormal_sojourn(void **st)
{
    (void)st;
    qcase c = {"M/G/1-PS lognormal sojourn", STATION_PS, 1, -1, SVC_LOGNORMAL, 1, 1, SOJOURN, 0, 0};
    check_both(c, 3e5, 9e6);
}

static void jackson_tandem_sojourn(void **st)
{
    (void)st;
    qcase c = {"M/M/1 tandem (Jackson)", STATION_FIFO, 1, -1, SVC_EXP, 0, 2, SOJOURN, 0, 0};
    check_both(c, 3e5, 5e6);
}

static void mm1k_loss_probability(void **st)
{
    (void)st;
    qcase c = {"M/M/1/3 loss", STATION_FIFO, 1, 2, SVC_EXP, 0, 1, LOSS, 0, 0};
    check_both(c, 1e6, 3e5);
}

/* An optional argument runs only the tests matching it (cmocka's pattern), for benchmarks. */
int main(int argc, char **argv)
{
    if (argc > 1) cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mm1_sojourn_time),
        cmocka_unit_test(mm1_sojourn_time_batch_means),
        cmocka_unit_test(mmc_erlang_c_wait),
        cmocka_unit_test(md1_pollaczek_khinchine_wait),
        cmocka_unit_test(mg1_lognormal_pollaczek_khinchine_wait),
        cmocka_unit_test(mg1_ps_lognormal_sojourn),
        cmocka_unit_test(jackson_tandem_sojourn),
        cmocka_unit_test(mm1k_loss_probability),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
