/* `vpcsim report FILE [--csv]` prints what `vpcsim run` printed, byte for byte, from the file
 * alone (a sweep and a two-architecture run with replications); --csv is /summary as RFC 4180
 * CSV (quoting checked on a crafted file); files that are not vpcsim's, of another format, or
 * incomplete without a summary are errors (exit 2). SIGINT during `vpcsim run -o` keeps the runs
 * that finished in a file marked incomplete (exit 130), and a second one leaves nothing; the
 * progress line shows on a terminal (a pseudo-terminal here) and never otherwise. */
#define _DEFAULT_SOURCE /* forkpty */
#include <math.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "cli_run.h"
#include "cli/h5_results_impl.h"
#include "io/h5file.h"

static void temp_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "/tmp/vpcsim-report-%ld-%s", (long)getpid(), name);
    unlink(buf);
}

/* Runs `vpcsim run ARGS -o out` and `vpcsim report out`: both exit 0, the same stdout. */
static void same_text(char *const run_argv[], const char *out)
{
    char *ran = cli_report_ok(run_argv);
    char *again = cli_report_ok((char *const[]){"vpcsim", "report", (char *)out, NULL});
    if (strcmp(ran, again) != 0)
        fail_msg("vpcsim run printed:\n%s\nvpcsim report:\n%s", ran, again);
    assert_non_null(strstr(again, "=== architecture"));
    free(ran), free(again);
}

static void report_prints_the_same_bytes(void **st)
{
    (void)st;
    char f[512], out[256];
    temp_path(out, sizeof out, "sweep.h5");
    cli_source_path("tests/scenarios/sweep/latency.yaml", f, sizeof f);
    same_text((char *const[]){"vpcsim", "run", f, "--threads", "2", "-o", out, "--quiet", NULL},
              out);
    cli_source_path("tests/scenarios/sweep/rate.yaml", f, sizeof f);
    same_text((char *const[]){"vpcsim", "run", f, "-o", out, "--quiet", NULL}, out);
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    same_text((char *const[]){"vpcsim", "run", f, "--duration", "1s", "--replications", "3", "-o",
                              out, "--quiet", NULL},
              out);
    unlink(out);
}

/* ---- CSV ------------------------------------------------------------------------------------- */

/* The fields of one CSV record (RFC 4180), or -1 when it is malformed. */
static int csv_fields(const char *line, char fields[][128], int max)
{
    int n = 0;
    const char *s = line;
    for (;;) {
        char *o = fields[n];
        size_t k = 0;
        if (*s == '"') {
            for (s++;; s++) {
                if (!*s) return -1;
                if (*s == '"' && s[1] == '"')
                    o[k++] = '"', s++;
                else if (*s == '"')
                    break;
                else
                    o[k++] = *s;
            }
            s++;
        } else {
            while (*s && *s != ',' && *s != '\r') o[k++] = *s++;
        }
        o[k] = 0;
        if (++n == max) return -1;
        if (*s == ',') {
            s++;
            continue;
        }
        return *s == '\r' && s[1] == '\n' ? n : -1;
    }
}

static void csv_is_the_summary(void **st)
{
    (void)st;
    char f[512], out[256], fields[16][128];
    vs_error err = {""};
    temp_path(out, sizeof out, "csv.h5");
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    free(cli_report_ok((char *const[]){"vpcsim", "run", f, "--duration", "1s", "--replications",
                                       "1", "-o", out, "--quiet", NULL}));
    char *csv = cli_report_ok((char *const[]){"vpcsim", "report", out, "--csv", NULL});
    h5file *h = h5file_open(out, &err);
    void *rows;
    size_t n, lines = 0;
    assert_int_equal(h5file_table_read(h, "/summary", h5_sum_cols, h5_sum_ncols,
                                       sizeof(summary_row), &rows, &n, &err),
                     0);
    const summary_row *r = rows;
    char *line = csv;
    for (char *next; line && *line; line = next, lines++) {
        next = strstr(line, "\r\n");
        assert_non_null(next);
        next += 2;
        assert_int_equal(csv_fields(line, fields, 16), 8);
        if (lines == 0) {
            static const char *const head[] = {"point", "architecture", "subject",    "metric",
                                               "unit",  "mean",         "half_width", "n"};
            for (int k = 0; k < 8; k++) assert_string_equal(fields[k], head[k]);
            continue;
        }
        const summary_row *x = &r[lines - 1];
        assert_int_equal(atoi(fields[0]), x->point);
        assert_string_equal(fields[1], x->architecture);
        assert_string_equal(fields[2], x->subject);
        assert_string_equal(fields[3], x->metric);
        assert_string_equal(fields[4], x->unit);
        assert_true(isnan(x->mean) ? !fields[5][0] : strtod(fields[5], NULL) == x->mean);
        assert_string_equal(fields[6], ""); /* one replication: no half-width */
        assert_int_equal(atoi(fields[7]), x->n);
    }
    assert_int_equal(lines, n + 1);
    /* the NAT gateway's processing, by hand (nat-cost.yaml): 100 x 1 MiB/s for 730 h is
     * 256,640.625 GB a month, $11,548.83 at $0.045 */
    assert_non_null(
        strstr(csv, "0,same-az,nat_gateway_processing,monthly_gb,GB,256640.625,,1\r\n"));
    free(rows), free(csv);
    h5file_free(h);
    unlink(out);
}

/* A file written here: the root attributes `vpcsim report` needs, and a summary with a subject
 * that must be quoted. complete: 1, 0 (with or without a summary). */
static void write_crafted(const char *path, const char *tool, int64_t format, int complete,
                          bool summary)
{
    vs_error err = {""};
    const char *names[] = {"a"};
    summary_row rows[2] = {{.point = 0,
                            .architecture = "a",
                            .subject = "x,\"y\"",
                            .metric = "m",
                            .unit = "1",
                            .mean = 0.1,
                            .half_width = NAN,
                            .n = 1},
                           {.point = 0,
                            .architecture = "a",
                            .subject = "",
                            .metric = "monthly_total",
                            .unit = "USD",
                            .mean = NAN,
                            .half_width = NAN,
                            .n = 0}};
    h5file *f = h5file_create(path, &err);
    assert_non_null(f);
    int rc = h5file_attr_str(f, "/", "tool", tool, &err) ||
             h5file_attr_i64(f, "/", "format", format, &err) ||
             h5file_attr_str(f, "/", "scenario_name", "crafted", &err) ||
             h5file_attr_str(f, "/", "scenario_file", "crafted.yaml", &err) ||
             h5file_attr_i64(f, "/", "replications", 1, &err) ||
             h5file_attr_i64(f, "/", "sweep_points", 1, &err) ||
             h5file_attr_i64(f, "/", "duration_ns", 1000000000, &err) ||
             h5file_attr_i64(f, "/", "warmup_ns", 0, &err) ||
             h5file_attr_u64(f, "/", "seed", 3, &err) ||
             h5file_attr_f64(f, "/", "hours_per_month", 730, &err) ||
             h5file_attr_i64(f, "/", "runs_total", 4, &err) ||
             h5file_attr_i64(f, "/", "runs_completed", 1, &err) ||
             h5file_attr_strs(f, "/", "architecture_names", names, 1, &err);
    if (rc) fail_msg("%s", err.msg);
    if (summary) {
        h5file_table *t =
            h5file_table_new(f, "/summary", h5_sum_cols, h5_sum_ncols, sizeof(summary_row), &err);
        assert_int_equal(h5file_table_append(t, rows, 2, &err), 0);
        h5file_table *s = h5file_table_new(f, "/sweep", h5_sweep_cols, h5_sweep_ncols,
                                           sizeof(h5_sweep_row), &err);
        assert_non_null(s);
    }
    assert_int_equal(h5file_close(f, complete, &err), 0);
}

static void csv_quotes_and_incomplete_files(void **st)
{
    (void)st;
    char out[256];
    cli_result r;
    temp_path(out, sizeof out, "crafted.h5");
    write_crafted(out, "vpcsim 0.1.0", H5_RESULTS_FORMAT, 1, true);
    assert_int_equal(cli_run((char *const[]){"vpcsim", "report", "--csv", out, NULL}, &r), 0);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.out, "point,architecture,subject,metric,unit,mean,half_width,n\r\n"
                               "0,a,\"x,\"\"y\"\"\",m,1,0.1,,1\r\n"
                               "0,a,,monthly_total,USD,,,0\r\n");
    assert_string_equal(r.err, "");
    /* incomplete, with a summary: a warning, and the tables */
    write_crafted(out, "vpcsim 0.1.0", H5_RESULTS_FORMAT, 0, true);
    assert_int_equal(cli_run((char *const[]){"vpcsim", "report", out, NULL}, &r), 0);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "warning: "));
    assert_non_null(strstr(r.err, "is incomplete (interrupted: 1 of 4 runs kept)"));
    assert_non_null(strstr(r.out, "scenario crafted (crafted.yaml): 1 architecture x 1 "
                                  "replication of 1s after 0s of warm-up, seed 3\n"));
    /* without one: nothing to report */
    write_crafted(out, "vpcsim 0.1.0", H5_RESULTS_FORMAT, 0, false);
    assert_int_equal(cli_run((char *const[]){"vpcsim", "report", out, NULL}, &r), 0);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "the file is incomplete and has no summary"));
    unlink(out);
}

static void bad_files_are_errors(void **st)
{
    (void)st;
    char out[256], text[256];
    cli_result r;
    temp_path(out, sizeof out, "bad.h5");
    temp_path(text, sizeof text, "notes.txt");
    FILE *fp = fopen(text, "w");
    fputs("hello\n", fp);
    fclose(fp);
    static const struct {
        int kind;
        const char *msg;
    } cases[] = {
        {0, ": No such file or directory"},
        {1, ": not an HDF5 file"},
        {2, ": not a vpcsim file (no 'tool' attribute saying vpcsim)"},
        {3, ": written in format 1 by vpcsim 0.0.9; this vpcsim reads format 3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = cases[i].kind == 1 ? text : out;
        unlink(out);
        if (cases[i].kind == 2) write_crafted(out, "h5py", H5_RESULTS_FORMAT, 1, true);
        if (cases[i].kind == 3) write_crafted(out, "vpcsim 0.0.9", 1, 1, true);
        assert_int_equal(cli_run((char *const[]){"vpcsim", "report", (char *)path, NULL}, &r), 0);
        if (r.code != 2 || !strstr(r.err, cases[i].msg) || strncmp(r.err, "vpcsim report: ", 15))
            fail_msg("case %zu: exit %d, stderr %s", i, r.code, r.err);
    }
    assert_int_equal(cli_run((char *const[]){"vpcsim", "report", NULL}, &r), 0);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "missing the HDF5 FILE"));
    assert_int_equal(cli_run((char *const[]){"vpcsim", "report", out, "--tsv", NULL}, &r), 0);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "unknown option '--tsv'"));
    unlink(out), unlink(text);
}

/* ---- SIGINT ---------------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Starts `vpcsim run` with argv (stdout and stderr into err_path) and waits until its temporary
 * file is there. Returns the child's pid. */
static pid_t start_run(char *const argv[], const char *out, const char *err_path)
{
    char tmp[400];
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1), dup2(fd, 2);
        execv(getenv("VPCSIM_BIN"), argv);
        _exit(127);
    }
    for (double t0 = now_s(); cli_temps_of(out, tmp, sizeof tmp) == 0; sleep_s(0.01))
        if (now_s() - t0 > 10) fail_msg("no temporary file of %s after 10 s", out);
    return pid;
}

static int wait_code(pid_t pid)
{
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *slurp(const char *path)
{
    static char buf[8192];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = 0;
    if (f) fclose(f);
    return buf;
}

/* 200 runs of 2,000 calls: after half a second some have finished and most have not. */
static void sigint_keeps_the_finished_runs(void **st)
{
    (void)st;
    char f[512], out[256], log[256], tmp[400];
    vs_error err = {""};
    temp_path(out, sizeof out, "int.h5");
    temp_path(log, sizeof log, "int.log");
    FILE *fp = fopen(out, "w"); /* an older file: replaced only by a whole new one */
    fputs("older", fp);
    fclose(fp);
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    pid_t pid = start_run((char *const[]){"vpcsim", "run", f, "--set",
                                          "workloads.download.traffic.rate=1000/s", "--duration",
                                          "2s", "--replications", "100", "-o", out, NULL},
                          out, log);
    sleep_s(0.5);
    assert_int_equal(kill(pid, SIGINT), 0);
    assert_int_equal(wait_code(pid), 130);
    const char *text = slurp(log);
    assert_non_null(strstr(text, "vpcsim run: interrupted: no new runs start"));
    assert_non_null(strstr(text, "(marked incomplete)"));
    assert_null(strstr(text, "=== architecture")); /* no tables: `vpcsim report` prints them */
    assert_int_equal(cli_temps_of(out, tmp, sizeof tmp), 0);
    h5file *h = h5file_open(out, &err);
    if (!h) fail_msg("%s\n%s", err.msg, text);
    int64_t complete, interrupted, total, kept;
    assert_int_equal(h5file_get_i64(h, "/", "complete", &complete, &err), 0);
    assert_int_equal(h5file_get_i64(h, "/", "interrupted", &interrupted, &err), 0);
    assert_int_equal(h5file_get_i64(h, "/", "runs_total", &total, &err), 0);
    assert_int_equal(h5file_get_i64(h, "/", "runs_completed", &kept, &err), 0);
    assert_int_equal(complete, 0);
    assert_int_equal(interrupted, 1);
    assert_int_equal(total, 200);
    if (kept < 1 || kept >= 200) fail_msg("kept %lld of 200 runs", (long long)kept);
    /* every run it says it kept is there, in whole replications first */
    char group[128];
    int64_t groups = 0;
    for (int a = 0; a < 2; a++)
        for (int r = 0; r < 100; r++) {
            snprintf(group, sizeof group, "/architectures/%s/point0/rep%d/requests",
                     a ? "cross-az" : "same-az", r);
            groups += h5file_exists(h, group);
        }
    assert_int_equal(groups, kept);
    /* replication-major: both architectures of a replication, then the next */
    snprintf(group, sizeof group, "/architectures/same-az/point0/rep%lld",
             (long long)(kept + 1) / 2);
    assert_false(h5file_exists(h, group));
    snprintf(group, sizeof group, "/architectures/cross-az/point0/rep%lld", (long long)kept / 2);
    assert_false(h5file_exists(h, group));
    h5file_free(h);
    /* and it reports, with a warning */
    cli_result r;
    assert_int_equal(cli_run((char *const[]){"vpcsim", "report", out, NULL}, &r), 0);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "is incomplete"));
    if (kept >= 2) assert_non_null(strstr(r.out, "=== architecture same-az ==="));
    unlink(out), unlink(log);
}

/* One long run: the first SIGINT waits for it, the second quits and leaves nothing. */
static void second_sigint_leaves_nothing(void **st)
{
    (void)st;
    char f[512], out[256], log[256], tmp[400];
    temp_path(out, sizeof out, "int2.h5");
    temp_path(log, sizeof log, "int2.log");
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    pid_t pid = start_run((char *const[]){"vpcsim", "run", f, "--set",
                                          "workloads.download.traffic.rate=50000/s", "--duration",
                                          "200s", "--replications", "1", "-o", out, NULL},
                          out, log);
    sleep_s(0.2);
    assert_int_equal(kill(pid, SIGINT), 0);
    sleep_s(0.3);
    assert_int_equal(kill(pid, SIGINT), 0);
    assert_int_equal(wait_code(pid), 130);
    const char *text = slurp(log);
    assert_non_null(strstr(text, "interrupted again: quitting; nothing written"));
    assert_true(access(out, F_OK) != 0);
    assert_int_equal(cli_temps_of(out, tmp, sizeof tmp), 0);
    unlink(log);
}

/* ---- the progress line ----------------------------------------------------------------------- */

/* About 2 s of runs in a Debug build (the line waits a second before it shows). */
#define LONG_RUN(f)                                                                                \
    "vpcsim", "run", f, "--set", "workloads.download.traffic.rate=20000/s", "--duration",          \
        "1500ms", "--replications", "3"

static void no_progress_line_off_a_terminal(void **st)
{
    (void)st;
    char f[512];
    cli_result r;
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    double t0 = now_s();
    assert_int_equal(cli_run((char *const[]){LONG_RUN(f), NULL}, &r), 0);
    assert_int_equal(r.code, 0);
    if (now_s() - t0 < 1.2) skip(); /* too fast here to have shown one on a terminal */
    assert_null(strchr(r.err, '\r'));
    assert_null(strstr(r.err, "runs done"));
    assert_non_null(strstr(r.err, "vpcsim run: 6 runs on 1 thread")); /* the speed line only */
}

/* Runs argv on a pseudo-terminal (stdout to /dev/null): what its stderr drew. */
static void on_terminal(char *const argv[], char *buf, size_t n)
{
    int master;
    fflush(NULL);
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execv(getenv("VPCSIM_BIN"), argv);
        _exit(127);
    }
    size_t got = 0;
    for (;;) {
        ssize_t k = read(master, buf + got, n - 1 - got);
        if (k <= 0) break; /* EIO once the child is gone */
        got += (size_t)k;
        if (got + 1 >= n) got = 0;
    }
    buf[got] = 0;
    close(master);
    assert_int_equal(wait_code(pid), 0);
}

static void progress_line_on_a_terminal(void **st)
{
    (void)st;
    char f[512];
    static char buf[65536];
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    double t0 = now_s();
    on_terminal((char *const[]){LONG_RUN(f), NULL}, buf, sizeof buf);
    if (now_s() - t0 < 1.3) skip(); /* too fast here: the line waits a second */
    const char *line = strstr(buf, "\rvpcsim run: ");
    if (!line) fail_msg("no progress line in:\n%s", buf);
    assert_non_null(strstr(line, "/6 runs done, "));
    assert_non_null(strstr(line, "/2.5 s")); /* simulated: of warm-up + duration */
    assert_non_null(strstr(line, ", ETA "));
    assert_non_null(strstr(buf, "\r\033[K")); /* cleared */
    const char *speed = strstr(buf, "vpcsim run: 6 runs on 1 thread");
    assert_non_null(speed);
    assert_true(speed > line); /* after the line went away */
    /* --quiet: nothing at all */
    on_terminal((char *const[]){LONG_RUN(f), "--quiet", NULL}, buf, sizeof buf);
    assert_null(strstr(buf, "vpcsim run"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_prints_the_same_bytes),
        cmocka_unit_test(csv_is_the_summary),
        cmocka_unit_test(csv_quotes_and_incomplete_files),
        cmocka_unit_test(bad_files_are_errors),
        cmocka_unit_test(sigint_keeps_the_finished_runs),
        cmocka_unit_test(second_sigint_leaves_nothing),
        cmocka_unit_test(no_progress_line_off_a_terminal),
        cmocka_unit_test(progress_line_on_a_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
