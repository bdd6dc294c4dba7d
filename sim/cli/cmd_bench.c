/* `vpcsim bench phold`: the engine benchmark, comparable with ROSS's PHOLD. Prints events,
 * wall seconds, events per second, peak RSS and a checksum of the final LP states; the last
 * line is key=value pairs for scripts. Time unit of the options: 1 = 1 ms of simulated time. */
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

static void bench_usage(FILE *f)
{
    fputs("usage: vpcsim bench phold [--lps N] [--start-events M] [--remote P] [--mean X]\n"
          "                          [--lookahead L] [--end T] [--threads K] [--seed S]\n"
          "                          [--queue ladder|heap]\n"
          "  defaults: N=1024 M=16 P=0.25 X=1.0 L=1.0 T=3000 K=1 S=1 queue=ladder\n"
          "  times are in units of 1 ms of simulated time\n",
          f);
}

/* One option and its value; returns 0, or -1 with err set. */
static int parse_opt(bench_opts *o, const char *opt, const char *val, vs_error *err)
{
    uint64_t u;
    if (strcmp(opt, "--lps") == 0) {
        if (options_parse_u64(opt, val, 1, (uint64_t)1 << VS_LP_ID_BITS, &u, err)) return -1;
        o->phold.lps = (uint32_t)u;
    } else if (strcmp(opt, "--start-events") == 0) {
        if (options_parse_u64(opt, val, 1, 1u << 20, &u, err)) return -1;
        o->phold.start_events = (uint32_t)u;
    } else if (strcmp(opt, "--threads") == 0) {
        if (options_parse_u64(opt, val, 1, 256, &u, err)) return -1;
        o->eng.threads = (int)u;
    } else if (strcmp(opt, "--seed") == 0) {
        return options_parse_u64(opt, val, 0, UINT64_MAX, &o->eng.seed, err);
    } else if (strcmp(opt, "--remote") == 0) {
        return options_parse_double(opt, val, 0, 1, false, &o->phold.remote, err);
    } else if (strcmp(opt, "--mean") == 0) {
        return options_parse_double(opt, val, 0, 1e9, false, &o->mean_units, err);
    } else if (strcmp(opt, "--lookahead") == 0) {
        return options_parse_double(opt, val, 1e-6, 1e9, false, &o->la_units, err);
    } else if (strcmp(opt, "--end") == 0) {
        return options_parse_double(opt, val, 0, 1e12, true, &o->end_units, err);
    } else if (strcmp(opt, "--queue") == 0) {
        if (!evq_type_find(val))
            return error_set(err, "--queue expects ladder or heap, got '%s'", val);
        o->eng.queue = val;
    } else {
        return error_set(err, "unknown option '%s'", opt);
    }
    return 0;
}

static int parse_args(bench_opts *o, int argc, char **argv, vs_error *err)
{
    *o = (bench_opts){
        .phold = {.lps = 1024, .start_events = 16, .remote = 0.25},
        .end_units = 3000,
        .mean_units = 1.0,
        .la_units = 1.0,
        .eng = {.threads = 1, .queue = NULL, .seed = 1},
    };
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0)
            return error_set(err, "unexpected argument '%s'", argv[i]);
        if (i + 1 >= argc) return error_set(err, "%s needs a value", argv[i]);
        if (parse_opt(o, argv[i], argv[i + 1], err)) return -1;
        i++;
    }
    o->phold.mean_ns = o->mean_units * NS_PER_UNIT;
    o->phold.lookahead_ns = (vs_time)(o->la_units * NS_PER_UNIT + 0.5);
    if (o->end_units * NS_PER_UNIT >= (double)VS_TIME_LIMIT)
        return error_set(err, "--end is too far (at most %.0f)",
                         (double)VS_TIME_LIMIT / NS_PER_UNIT);
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
    if (parse_args(&o, argc, argv, &err)) {
        fprintf(stderr, "vpcsim bench phold: %s\n", err.msg);
        bench_usage(stderr);
        return EXIT_USAGE;
    }
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
        bench_usage(argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : 0;
    }
    if (strcmp(argv[0], "phold") == 0) return bench_phold(argc - 1, argv + 1);
    fprintf(stderr, "vpcsim bench: unknown benchmark '%s' (expected phold)\n", argv[0]);
    return EXIT_USAGE;
}
