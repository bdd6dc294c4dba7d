/* `vpcsim bench phold`: the engine benchmark, comparable with ROSS's PHOLD. Prints events,
 * wall seconds, events per second, peak RSS and a checksum of the final LP states; the last
 * line is key=value pairs for scripts. Time unit of the options: 1 = 1 ms of simulated time. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "engine/evq.h"
#include "vpcsim/phold.h"

typedef struct bench_opts {
    phold_params phold; /* the model */
    double end_units;   /* --end */
    double mean_units;  /* --mean */
    double la_units;    /* --lookahead */
    engine_opts eng;    /* --threads --seed --queue */
} bench_opts;

static const double NS_PER_UNIT = 1e6;

static const char *const queue_names[] = {"ladder", "heap", NULL};

static const option_def bench_options[] = {
    {.name = "--lps",
     .kind = OPTION_UINT,
     .value_name = "N",
     OPTION_UINT_AT(bench_opts, phold.lps),
     .umin = 1,
     .umax = (uint64_t)1 << VS_LP_ID_BITS,
     .help = "logical processes (default 1024)"},
    {.name = "--start-events",
     .kind = OPTION_UINT,
     .value_name = "M",
     OPTION_UINT_AT(bench_opts, phold.start_events),
     .umin = 1,
     .umax = 1u << 20,
     .help = "events each LP starts with (default 16)"},
    {.name = "--remote",
     .kind = OPTION_DOUBLE,
     .value_name = "P",
     OPTION_AT(bench_opts, phold.remote),
     .dmin = 0,
     .dmax = 1,
     .help = "probability of sending to a uniform LP (default 0.25)"},
    {.name = "--mean",
     .kind = OPTION_DOUBLE,
     .value_name = "X",
     OPTION_AT(bench_opts, mean_units),
     .dmin = 0,
     .dmax = 1e9,
     .help = "mean of the exponential part of each delay (default 1.0)"},
    {.name = "--lookahead",
     .kind = OPTION_DOUBLE,
     .value_name = "L",
     OPTION_AT(bench_opts, la_units),
     .dmin = 1e-6,
     .dmax = 1e9,
     .help = "fixed part of each delay (default 1.0)"},
    {.name = "--end",
     .kind = OPTION_DOUBLE,
     .value_name = "T",
     OPTION_AT(bench_opts, end_units),
     .dmin = 0,
     .dmax = 1e12,
     .dmin_open = true,
     .help = "simulated time to run (default 3000)"},
    {.name = "--threads",
     .kind = OPTION_UINT,
     .value_name = "K",
     OPTION_UINT_AT(bench_opts, eng.threads),
     .umin = 1,
     .umax = 256,
     .help = "worker threads (default 1)"},
    {.name = "--seed",
     .kind = OPTION_UINT,
     .value_name = "S",
     OPTION_UINT_AT(bench_opts, eng.seed),
     .umin = 0,
     .umax = UINT64_MAX,
     .help = "seed (default 1)"},
    {.name = "--queue",
     .kind = OPTION_CHOICE,
     .value_name = "NAME",
     OPTION_AT(bench_opts, eng.queue),
     .choices = queue_names,
     .help = "event list: ladder (default) or heap"},
};

static const options_spec bench_spec = {
    .command = "bench phold",
    .list_in_synopsis = false,
    .about = "  PHOLD (Fujimoto 1990, as ROSS runs it): N LPs, each starting with M events; each\n"
             "  event sends one, to a uniform LP with probability P, at delay L + Exp(X)\n",
    .opts = bench_options,
    .nopts = sizeof bench_options / sizeof *bench_options,
    .help_column = 22,
    .footer = "  times are in units of 1 ms of simulated time\n",
};

static int parse_args(bench_opts *o, int argc, char **argv, int *exit_code)
{
    *o = (bench_opts){
        .phold = {.lps = 1024, .start_events = 16, .remote = 0.25},
        .end_units = 3000,
        .mean_units = 1.0,
        .la_units = 1.0,
        .eng = {.threads = 1, .queue = NULL, .seed = 1},
    };
    if (!options_take(&bench_spec, o, argc, argv, exit_code)) return -1;
    o->phold.mean_ns = o->mean_units * NS_PER_UNIT;
    o->phold.lookahead_ns = (vs_time)(o->la_units * NS_PER_UNIT + 0.5);
    if (o->end_units * NS_PER_UNIT >= (double)VS_TIME_LIMIT) {
        fprintf(stderr, "vpcsim bench phold: --end is too far (at most %.0f)\n",
                (double)VS_TIME_LIMIT / NS_PER_UNIT);
        options_usage(&bench_spec, stderr);
        *exit_code = EXIT_USAGE;
        return -1;
    }
    return 0;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void print_results(const bench_opts *o, vs_engine *eng, uint64_t checksum)
{
    const engine_stats *s = engine_get_stats(eng);
    double rate = s->wall_s > 0 ? (double)s->events / s->wall_s : 0;
    long rss = peak_rss_kib();
    printf("phold: lps=%u start-events=%u remote=%g mean=%g lookahead=%g end=%g\n", o->phold.lps,
           o->phold.start_events, o->phold.remote, o->mean_units, o->la_units, o->end_units);
    printf("  threads %d, partitions %d, queue %s, seed %llu\n", o->eng.threads, s->partitions,
           engine_queue_name(eng), (unsigned long long)o->eng.seed);
    printf("  events processed   %llu\n", (unsigned long long)s->events);
    printf("  wall seconds       %.3f\n", s->wall_s);
    printf("  events per second  %.3f M\n", rate / 1e6);
    printf("  windows            %llu\n", (unsigned long long)s->windows);
    printf("  cross-partition    %llu\n", (unsigned long long)s->cross_events);
    printf("  peak RSS           %.1f MiB\n", (double)rss / 1024.0);
    printf("  checksum           %016llx\n", (unsigned long long)checksum);
    printf("bench=phold lps=%u start_events=%u remote=%g mean=%g lookahead=%g end=%g threads=%d "
           "queue=%s seed=%llu events=%llu wall_s=%.6f events_per_s=%.0f windows=%llu "
           "cross_events=%llu peak_rss_kib=%ld checksum=%016llx\n",
           o->phold.lps, o->phold.start_events, o->phold.remote, o->mean_units, o->la_units,
           o->end_units, o->eng.threads, engine_queue_name(eng), (unsigned long long)o->eng.seed,
           (unsigned long long)s->events, s->wall_s, rate, (unsigned long long)s->windows,
           (unsigned long long)s->cross_events, rss, (unsigned long long)checksum);
}

static int bench_phold(int argc, char **argv)
{
    bench_opts o;
    vs_error err = {{0}};
    int rc;
    if (parse_args(&o, argc, argv, &rc)) return rc;
    vs_engine *eng = engine_new(&o.eng, &err);
    if (!eng || phold_setup(eng, &o.phold, &err) ||
        engine_run(eng, (vs_time)(o.end_units * NS_PER_UNIT + 0.5), &err)) {
        fprintf(stderr, "vpcsim bench phold: %s\n", err.msg);
        engine_free(eng);
        return 1;
    }
    print_results(&o, eng, phold_checksum(eng));
    engine_free(eng);
    return 0;
}

int bench_main(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        options_usage(&bench_spec, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : 0;
    }
    if (strcmp(argv[0], "phold") == 0) return bench_phold(argc - 1, argv + 1);
    fprintf(stderr, "vpcsim bench: unknown benchmark '%s' (expected phold)\n", argv[0]);
    return EXIT_USAGE;
}
