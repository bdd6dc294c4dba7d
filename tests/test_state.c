/* A run's state/ tables (sim/cli/h5_state.c): a job written and read back is the same job, field
 * for field (histogram buckets, extremes and sum included), and its figures are those of the
 * histogram it was made from (hist_quantile on the values recorded: an independent oracle);
 * the histogram keeps only its non-empty buckets; a file that does not fit the topology is an
 * error that leaves no half-built job. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/h5_results_impl.h"
#include "io/h5file.h"
#include "vpcsim/hist.h"

static const int64_t lat_ns[] = {100, 1000, 1000, 2500000, 123456789}; /* 4 distinct buckets */

/* A job with two workloads (the second idle), two components, two ways. */
static void make_job(job *j, double window_s)
{
    memset(j, 0, sizeof *j);
    j->seed = 0x1234567890abcdefULL, j->end_ns = 7000000000, j->records_fraction = 0.25;
    j->wl = calloc(2, sizeof *j->wl), j->comp = calloc(2, sizeof *j->comp);
    j->ways = calloc(2, sizeof *j->ways);
    client_stats c = {.offered = 10,
                      .succeeded = 5,
                      .unfinished = 1,
                      .attempts = 12,
                      .retries = 2,
                      .quota_refusals = 1,
                      .late = 3,
                      .handshakes = 4};
    c.failed[1] = 4, c.bytes[0] = 5000, c.bytes[CLIENT_BYTES_COUNT - 1] = 77;
    hist_init(&c.latency);
    for (size_t i = 0; i < sizeof lat_ns / sizeof *lat_ns; i++) hist_record(&c.latency, lat_ns[i]);
    job_sum_workload(&c, true, window_s, &j->wl[0]);
    client_stats idle = {0};
    hist_init(&idle.latency);
    job_sum_workload(&idle, false, window_s, &j->wl[1]);
    for (int k = 0; k < 2; k++) {
        comp_sum *s = &j->comp[k];
        snprintf(s->name, sizeof s->name, "nat-gateway/nat-%c/use1-az1", 'a' + k);
        s->kind = (hop_kind)k, s->index = k + 3, s->az = k - 1, s->many = k == 1;
        s->servers = 8, s->capacity_bps = 1e11;
        s->raw = (station_stats){.arrivals = 100u + (unsigned)k,
                                 .completions = 99,
                                 .drops = 1,
                                 .bytes = 1u << 20,
                                 .waits = 50,
                                 .wait_sum_ns = 1.5e6,
                                 .peak = 9,
                                 .window_ns = 2e9,
                                 .utilisation = 0.125,
                                 .mean_waiting = 0.5,
                                 .mean_in_station = 1.25,
                                 .throttles = 2,
                                 .port_refusals = 3,
                                 .conn_peak = 4,
                                 .lost = 5,
                                 .errors = 6};
        job_sum_component(s, window_s);
    }
    j->ncomp = 2;
    j->ways[0] = (job_way){.workload = 0, .alt = 0, .stations = {0, 1}, .nstations = 2};
    j->ways[1] = (job_way){.workload = 0, .alt = 1, .stations = {1}, .nstations = 1};
    j->nways = 2;
    for (int k = 0; k < COST_GB_COUNT; k++) j->gb_bytes_s[k] = 1000.0 / 3.0 * (k + 1);
}

static void job_clear(job *j)
{
    free(j->wl), free(j->comp), free(j->ways), free(j->region_bytes_s);
}

/* Two Regions: the job's inter-Region bytes per second, each way its own (not round) value. */
static topo_region two_regions[] = {{.name = "us-east-1"}, {.name = "eu-west-1"}};

static void write_job(const char *path, const job *j, const topology *t)
{
    vs_error err = {""};
    const char *g = "/architectures/a/point0/rep0";
    h5file *f = h5file_create(path, &err);
    assert_non_null(f);
    assert_int_equal(h5file_group(f, g, &err), 0);
    assert_int_equal(h5file_attr_u64(f, g, "seed", j->seed, &err), 0);
    assert_int_equal(h5file_attr_i64(f, g, "end_ns", j->end_ns, &err), 0);
    assert_int_equal(h5file_attr_f64(f, g, "records_fraction", j->records_fraction, &err), 0);
    assert_int_equal(h5_state_write(f, g, t, j, &err), 0);
    assert_int_equal(h5file_close(f, true, &err), 0);
}

static void same_stats(const client_stats *a, const client_stats *b)
{
    assert_int_equal(a->offered, b->offered);
    assert_int_equal(a->succeeded, b->succeeded);
    assert_int_equal(a->unfinished, b->unfinished);
    assert_int_equal(a->attempts, b->attempts);
    assert_int_equal(a->retries, b->retries);
    assert_int_equal(a->quota_refusals, b->quota_refusals);
    assert_int_equal(a->late, b->late);
    assert_int_equal(a->handshakes, b->handshakes);
    assert_memory_equal(a->failed, b->failed, sizeof a->failed);
    assert_memory_equal(a->bytes, b->bytes, sizeof a->bytes);
    assert_int_equal(a->latency.count, b->latency.count);
    assert_int_equal(a->latency.min, b->latency.min);
    assert_int_equal(a->latency.max, b->latency.max);
    assert_true(a->latency.sum == b->latency.sum);
    assert_memory_equal(a->latency.buckets, b->latency.buckets, sizeof a->latency.buckets);
}

static void a_job_reads_back_as_written(void **st)
{
    (void)st;
    char path[128];
    snprintf(path, sizeof path, "/tmp/vpcsim-state-%ld.h5", (long)getpid());
    job a, b = {0};
    vs_error err = {""};
    make_job(&a, 2.0);
    topology t = {0};
    t.nworkloads = 2;
    t.regions = two_regions, t.nregions = 2;
    a.nregions = 2;
    a.region_bytes_s = calloc(4, sizeof *a.region_bytes_s);
    assert_non_null(a.region_bytes_s);
    a.region_bytes_s[0 * 2 + 1] = 1e6 / 3.0, a.region_bytes_s[1 * 2 + 0] = 2e6 / 7.0;
    write_job(path, &a, &t);
    h5file *f = h5file_open(path, &err);
    assert_non_null(f);
    if (h5_state_read(f, "/architectures/a/point0/rep0", &t, 2.0, &b, &err))
        fail_msg("%s", err.msg);
    assert_true(b.seed == a.seed && b.end_ns == a.end_ns);
    assert_true(b.records_fraction == 0.25);
    for (int w = 0; w < 2; w++) {
        same_stats(&a.wl[w].raw, &b.wl[w].raw);
        assert_int_equal(a.wl[w].active, b.wl[w].active);
        assert_memory_equal(&a.wl[w].offered, &b.wl[w].offered, sizeof(double));
    }
    /* the figures against the values recorded: nearest rank of 5 values */
    hist h;
    hist_init(&h);
    for (size_t i = 0; i < sizeof lat_ns / sizeof *lat_ns; i++) hist_record(&h, lat_ns[i]);
    assert_true(b.wl[0].lat_ms[Q_P50] == (double)hist_quantile(&h, 0.5) / 1e6);
    assert_true(b.wl[0].lat_ms[Q_P999] == (double)hist_quantile(&h, 0.999) / 1e6);
    assert_true(fabs(b.wl[0].lat_ms[Q_P50] - 1000 / 1e6) < 0.01 * 1000 / 1e6);
    assert_true(b.wl[0].offered == 10 / 2.0 && b.wl[0].completed == 5 / 2.0);
    assert_true(isnan(b.wl[1].lat_ms[Q_MEAN]) && isnan(b.wl[1].success));
    assert_int_equal(b.ncomp, 2);
    for (int k = 0; k < 2; k++) {
        assert_string_equal(a.comp[k].name, b.comp[k].name);
        assert_int_equal(a.comp[k].kind, b.comp[k].kind);
        assert_int_equal(a.comp[k].index, b.comp[k].index);
        assert_int_equal(a.comp[k].az, b.comp[k].az);
        assert_int_equal(a.comp[k].many, b.comp[k].many);
        assert_memory_equal(&a.comp[k].util, &b.comp[k].util, 5 * sizeof(double));
        assert_int_equal(a.comp[k].raw.lost, b.comp[k].raw.lost);
        assert_int_equal(a.comp[k].raw.conn_peak, b.comp[k].raw.conn_peak);
        assert_true(a.comp[k].raw.wait_sum_ns == b.comp[k].raw.wait_sum_ns);
    }
    assert_int_equal(b.nways, 2);
    assert_int_equal(b.ways[0].nstations, 2);
    assert_int_equal(b.ways[0].stations[1], 1);
    assert_int_equal(b.ways[1].alt, 1);
    assert_memory_equal(a.gb_bytes_s, b.gb_bytes_s, sizeof a.gb_bytes_s);
    /* inter-Region bytes by direction, the same doubles (the per-pair bill is made of them) */
    assert_int_equal(b.nregions, 2);
    assert_memory_equal(a.region_bytes_s, b.region_bytes_s, 4 * sizeof(double));
    /* the histogram keeps its non-empty buckets only: 100, 1000, 2.5 ms, 123 ms */
    void *rows;
    size_t n;
    static const h5file_col cols[] = {{"count", TRACE_U64, 0, NULL}};
    assert_int_equal(h5file_table_read(f, "/architectures/a/point0/rep0/state/histogram", cols, 1,
                                       sizeof(uint64_t), &rows, &n, &err),
                     0);
    assert_int_equal(n, 4);
    assert_int_equal(((uint64_t *)rows)[1], 2); /* 1000 twice */
    free(rows);
    /* a topology with another number of workloads: an error, no half-built job */
    job c = {0};
    t.nworkloads = 3;
    assert_int_equal(h5_state_read(f, "/architectures/a/point0/rep0", &t, 2.0, &c, &err), -1);
    assert_non_null(strstr(err.msg, "2 rows for 3 workloads"));
    assert_null(c.wl);
    assert_null(c.comp);
    h5file_free(f);
    job_clear(&a), job_clear(&b);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_job_reads_back_as_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
