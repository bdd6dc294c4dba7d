/* Files and safety (issue 10, docs/files.md), end to end through the binary: what -o may
 * replace, what a scenario may name, a full disk, an unwritable stdout, SIGTERM and SIGHUP, and
 * names that would act on a terminal. Every case checks what is left on disk besides the exit
 * code and the message. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "cli_run.h"

#define NAT_COST "tests/scenarios/run/nat-cost.yaml"

/* A scratch folder of this test process: /tmp/vpcsim-files-<pid>/name into buf. */
static char *scratch(const char *name, char *buf, size_t n)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/vpcsim-files-%ld", (long)getpid());
    mkdir(dir, 0700);
    snprintf(buf, n, "%s/%s", dir, name);
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void copy_file(const char *from, const char *to)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    assert_int_equal(system(cmd), 0);
}

/* How a child runs: stdout into stdout_path (/dev/full; NULL: a pipe nobody reads), a file size
 * limit (0: none; writes past it fail with EFBIG, as on a full disk), killed after alarm_s seconds
 * (a hang fails). */
typedef struct spawn_opts {
    const char *stdout_path;
    rlim_t fsize;
    unsigned alarm_s;
} spawn_opts;

static pid_t spawn(char *const argv[], const spawn_opts *so, const char *err_path)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fo = -1, p[2];
        if (so->stdout_path)
            fo = open(so->stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        else if (pipe(p) == 0) /* a reader that went away: writes raise SIGPIPE */
            close(p[0]), fo = p[1];
        dup2(fo, 1), dup2(fe, 2);
        if (so->fsize) {
            struct rlimit rl = {so->fsize, so->fsize};
            signal(SIGXFSZ, SIG_IGN); /* kept across exec: writes fail instead */
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        alarm(so->alarm_s ? so->alarm_s : 60);
        execv(getenv("VPCSIM_BIN"), argv);
        _exit(127);
    }
    return pid;
}

static int wait_code(pid_t pid)
{
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *slurp(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    size_t got = f ? fread(buf, 1, n - 1, f) : 0;
    buf[got] = 0;
    if (f) fclose(f);
    return buf;
}

static int run_to(char *const argv[], const spawn_opts *so, char *err, size_t nerr)
{
    char err_path[300];
    scratch("stderr.txt", err_path, sizeof err_path);
    int code = wait_code(spawn(argv, so, err_path));
    slurp(err_path, err, nerr);
    return code;
}

/* ---- -o -------------------------------------------------------------------------------------- */

/* -o on a device, a FIFO, a folder or a link to one: refused (exit 2) before any run, the node
 * left as it was (before: -o /dev/null replaced the device with an HDF5 file). */
static void output_is_never_a_device_fifo_or_folder(void **st)
{
    (void)st;
    char f[512], fifo[300], link[300], dir[300], err[4096];
    cli_source_path(NAT_COST, f, sizeof f);
    scratch("fifo", fifo, sizeof fifo);
    scratch("link-to-fifo", link, sizeof link);
    scratch("folder", dir, sizeof dir);
    unlink(fifo), unlink(link), rmdir(dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink(fifo, link), 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    const char *targets[] = {fifo, link, dir, "/dev/null"};
    spawn_opts so = {.stdout_path = "/dev/null", .alarm_s = 20};
    for (size_t i = 0; i < 4; i++) {
        int code = run_to((char *const[]){"vpcsim", "run", f, "--duration", "1s", "--replications",
                                          "1", "-o", (char *)targets[i], NULL},
                          &so, err, sizeof err);
        if (code != 2 || !strstr(err, "exists and is not a regular file"))
            fail_msg("-o %s: exit %d, %s", targets[i], code, err);
    }
    struct stat s;
    assert_int_equal(lstat(fifo, &s), 0), assert_true(S_ISFIFO(s.st_mode));
    assert_int_equal(lstat(link, &s), 0), assert_true(S_ISLNK(s.st_mode));
    assert_int_equal(stat("/dev/null", &s), 0), assert_true(S_ISCHR(s.st_mode));
    assert_int_equal(cli_temps_of(fifo, NULL, 0), 0);
    unlink(fifo), unlink(link), rmdir(dir);
}

/* -o naming an input under another name (a hard link, "dir/./x"): refused, the input kept. */
static void output_is_never_an_input(void **st)
{
    (void)st;
    char src[512], scen[300], alias[300], prices[300], err[4096], other[400];
    cli_source_path(NAT_COST, src, sizeof src);
    scratch("scenario.yaml", scen, sizeof scen);
    scratch("alias.yaml", alias, sizeof alias);
    scratch("prices.yaml", prices, sizeof prices);
    copy_file(src, scen);
    cli_source_path("experiments/prices/aws-us-east-1.yaml", other, sizeof other);
    copy_file(other, prices);
    unlink(alias);
    assert_int_equal(link(scen, alias), 0);
    snprintf(other, sizeof other, "%.*s/./scenario.yaml", (int)(strrchr(scen, '/') - scen), scen);
    spawn_opts so = {.stdout_path = "/dev/null", .alarm_s = 20};
    const char *targets[] = {alias, other, prices};
    for (size_t i = 0; i < 3; i++) {
        int code =
            run_to((char *const[]){"vpcsim", "run", scen, "--prices", prices, "--duration", "1s",
                                   "--replications", "1", "-o", (char *)targets[i], NULL},
                   &so, err, sizeof err);
        if (code != 2 || !strstr(err, "is an input"))
            fail_msg("-o %s: exit %d, %s", targets[i], code, err);
    }
    char cmd[1000];
    assert_true(snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", src, scen) < (int)sizeof cmd);
    assert_int_equal(system(cmd), 0);
    unlink(scen), unlink(alias), unlink(prices);
}

/* A name longer than the file system allows: said so (before: "cannot create (is the folder
 * there and writable?)" about the temporary name). */
static void a_long_output_name_says_so(void **st)
{
    (void)st;
    char f[512], out[600], err[4096], dir[300];
    cli_source_path(NAT_COST, f, sizeof f);
    scratch("", dir, sizeof dir);
    assert_true(snprintf(out, sizeof out, "%s%0300d.h5", dir, 0) < (int)sizeof out);
    spawn_opts so = {.stdout_path = "/dev/null", .alarm_s = 20};
    int code = run_to((char *const[]){"vpcsim", "run", f, "-o", out, NULL}, &so, err, sizeof err);
    assert_int_equal(code, 2);
    assert_non_null(strstr(err, "the name is too long (at most 255 bytes a name"));
}

/* ---- a full disk, a closed stdout ------------------------------------------------------------ */

/* Writes fail (a file size limit: EFBIG, as ENOSPC on a full disk), during a run (az-failure
 * keeps many records) or at the last flush (nat-cost): exit 1 with the message, the report still
 * on stdout, the older file kept, no temporary left (before: SIGSEGV in HDF5's exit handler,
 * exit 139, nothing on stdout). */
static void a_full_disk_keeps_the_old_file_and_the_report(void **st)
{
    (void)st;
    static const struct {
        const char *scenario, *duration, *said, *arch;
        rlim_t limit;
    } cases[] = {
        {"experiments/az-failure.yaml", "2s", "write failed (disk full?)", "one-az", 200 * 1024},
        {NAT_COST, "1s", "flush failed (disk full?)", "same-az", 60 * 1024},
    };
    char f[512], out[300], so_path[300], err[4096], want[64];
    static char text[65536];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_source_path(cases[i].scenario, f, sizeof f);
        scratch("full.h5", out, sizeof out);
        scratch("full.stdout", so_path, sizeof so_path);
        write_text(out, "older");
        spawn_opts so = {.stdout_path = so_path, .fsize = cases[i].limit, .alarm_s = 30};
        int code =
            run_to((char *const[]){"vpcsim", "run", f, "--duration", (char *)cases[i].duration,
                                   "--replications", "2", "-o", out, "--quiet", NULL},
                   &so, err, sizeof err);
        if (code != 1 || !strstr(err, cases[i].said) || !strstr(err, "is left as it was"))
            fail_msg("%s: exit %d: %s", cases[i].scenario, code, err);
        snprintf(want, sizeof want, "=== architecture %s ===", cases[i].arch);
        assert_non_null(strstr(slurp(so_path, text, sizeof text), want));
        assert_true(cli_file_is(out, "older"));
        assert_int_equal(cli_temps_of(out, NULL, 0), 0);
        unlink(out), unlink(so_path);
    }
}

/* stdout on a full device, or a pipe whose reader left (`| head`): exit 1 saying so, and the file
 * is written all the same (before: the file was removed; SIGPIPE killed the run, exit 141, and
 * left the temporary behind). */
static void a_closed_stdout_keeps_the_file(void **st)
{
    (void)st;
    char f[512], out[300], err[4096];
    cli_source_path(NAT_COST, f, sizeof f);
    scratch("stdout-full.h5", out, sizeof out);
    const char *outs[] = {"/dev/full", NULL};
    for (size_t i = 0; i < 2; i++) {
        unlink(out);
        spawn_opts so = {.stdout_path = outs[i], .alarm_s = 30};
        int code = run_to((char *const[]){"vpcsim", "run", f, "--duration", "1s", "--replications",
                                          "1", "-o", out, "--quiet", NULL},
                          &so, err, sizeof err);
        if (code != 1 || !strstr(err, "cannot write the report to stdout") ||
            !strstr(err, "the results are in"))
            fail_msg("stdout %s: exit %d: %s", outs[i] ? outs[i] : "a closed pipe", code, err);
        cli_result r;
        assert_int_equal(cli_run((char *const[]){"vpcsim", "report", out, NULL}, &r), 0);
        assert_int_equal(r.code, 0);
        assert_null(strstr(r.err, "incomplete"));
        assert_int_equal(cli_temps_of(out, NULL, 0), 0);
    }
    unlink(out);
}

/* ---- signals --------------------------------------------------------------------------------- */

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* SIGTERM and SIGHUP as SIGINT: exit 128 + the signal, the file kept marked incomplete and its
 * report's header giving the replications its tables cover, no temporary left (before: killed
 * by the signal with the temporary file orphaned). */
static void sigterm_and_sighup_are_taken_like_sigint(void **st)
{
    (void)st;
    static const int sigs[] = {SIGTERM, SIGHUP};
    char f[512], out[300], log[300], text[4096];
    cli_source_path(NAT_COST, f, sizeof f);
    for (size_t i = 0; i < 2; i++) {
        scratch("signal.h5", out, sizeof out);
        scratch("signal.log", log, sizeof log);
        unlink(out);
        spawn_opts so = {.stdout_path = "/dev/null", .alarm_s = 60};
        pid_t pid = spawn((char *const[]){"vpcsim", "run", f, "--set",
                                          "workloads.download.traffic.rate=1000/s", "--duration",
                                          "2s", "--replications", "60", "-o", out, NULL},
                          &so, log);
        for (int k = 0; k < 1000 && cli_temps_of(out, NULL, 0) == 0; k++) sleep_s(0.01);
        sleep_s(0.5);
        assert_int_equal(kill(pid, sigs[i]), 0);
        int code = wait_code(pid);
        slurp(log, text, sizeof text);
        if (code != 128 + sigs[i]) fail_msg("signal %d: exit %d: %s", sigs[i], code, text);
        assert_non_null(strstr(text, sigs[i] == SIGTERM ? "SIGTERM: no new runs start"
                                                        : "SIGHUP: no new runs start"));
        assert_int_equal(cli_temps_of(out, NULL, 0), 0);
        cli_result r;
        assert_int_equal(cli_run((char *const[]){"vpcsim", "report", out, NULL}, &r), 0);
        assert_int_equal(r.code, 0);
        assert_non_null(strstr(r.err, "is incomplete"));
        /* the header: "x K replications (of 60 asked; interrupted)", K < 60 */
        const char *x = strstr(r.out, " architectures x ");
        assert_non_null(x);
        int k = atoi(x + strlen(" architectures x "));
        assert_true(k >= 1 && k < 60);
        assert_non_null(strstr(r.out, " (of 60 asked; interrupted) of 2s"));
        unlink(out), unlink(log);
    }
}

/* ---- what a scenario may name ---------------------------------------------------------------- */

/* A copy of tests/scenarios/replay (scenario and times.txt) in the scratch folder "replay", and
 * beside that folder a file "secret.txt" that looks like /etc/shadow. */
static void replay_setup(char *scen, size_t n, char *secret, size_t m)
{
    char src[512], dir[300], cmd[1200];
    scratch("replay", dir, sizeof dir);
    mkdir(dir, 0700);
    cli_source_path("tests/scenarios/replay/replay.yaml", src, sizeof src);
    int len = snprintf(cmd, sizeof cmd, "cp '%s' '%.*s/times.txt' '%s/'", src,
                       (int)(strrchr(src, '/') - src), src, dir);
    assert_true(len < (int)sizeof cmd);
    assert_int_equal(system(cmd), 0);
    assert_true(snprintf(scen, n, "%s/replay.yaml", dir) < (int)n);
    scratch("secret.txt", secret, m);
    write_text(secret, "root:*:20228:0:99999:7:::\n");
}

/* A replay file outside the scenario's folder ("..", an absolute path, a link out) is refused
 * with file:line:col and never read; --allow-outside-files lets it be read, and then a line that
 * is not a time is not echoed. A FIFO is refused at once (before: read, first line echoed;
 * a FIFO hung the run). */
static void scenario_files_stay_beside_the_scenario(void **st)
{
    (void)st;
    char scen[300], secret[300], link[400], fifo[400], set[600], err[4096];
    replay_setup(scen, sizeof scen, secret, sizeof secret);
    snprintf(link, sizeof link, "%.*s/link.txt", (int)(strrchr(scen, '/') - scen), scen);
    snprintf(fifo, sizeof fifo, "%.*s/fifo.txt", (int)(strrchr(scen, '/') - scen), scen);
    unlink(link), unlink(fifo);
    assert_int_equal(symlink(secret, link), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    static const char *const names[] = {"../secret.txt", NULL, "link.txt"};
    spawn_opts so = {.stdout_path = "/dev/null", .alarm_s = 20};
    for (size_t i = 0; i < 3; i++) {
        snprintf(set, sizeof set, "workloads.queue.traffic.file=%s", names[i] ? names[i] : secret);
        int code = run_to((char *const[]){"vpcsim", "run", scen, "--set", set, "--quiet", NULL},
                          &so, err, sizeof err);
        if (code != 2 || !strstr(err, "leads outside the scenario's folder") ||
            !strstr(err, "replay file: "))
            fail_msg("%s: exit %d: %s", set, code, err);
        assert_null(strstr(err, "20228"));
    }
    snprintf(set, sizeof set, "workloads.queue.traffic.file=%s", secret);
    int code = run_to((char *const[]){"vpcsim", "run", scen, "--set", set, "--allow-outside-files",
                                      "--quiet", NULL},
                      &so, err, sizeof err);
    assert_int_equal(code, 2);
    assert_non_null(strstr(err, "secret.txt:1:1: expected a time from the start of the run"));
    assert_null(strstr(err, "20228"));
    code = run_to((char *const[]){"vpcsim", "run", scen, "--set",
                                  "workloads.queue.traffic.file=fifo.txt", "--quiet", NULL},
                  &so, err, sizeof err);
    if (code != 2 || !strstr(err, "fifo.txt: not a regular file (a FIFO)"))
        fail_msg("FIFO: exit %d: %s", code, err);
    code = run_to((char *const[]){"vpcsim", "run", scen, "--quiet", NULL}, &so, err, sizeof err);
    assert_int_equal(code, 0); /* times.txt beside it: fine */
    unlink(link), unlink(fifo), unlink(secret);
}

/* --prices, --defaults, the scenario and report's file: regular files only (a FIFO does not
 * hang), and a file of another kind
 * is not echoed (before: "unknown key 'root:*:20228:...'"). */
static void option_files_are_regular_and_never_echoed(void **st)
{
    (void)st;
    char scen[300], secret[300], fifo[300], err[4096], f[512];
    replay_setup(scen, sizeof scen, secret, sizeof secret);
    cli_source_path(NAT_COST, f, sizeof f);
    scratch("fifo.yaml", fifo, sizeof fifo);
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    spawn_opts so = {.stdout_path = "/dev/null", .alarm_s = 20};
    static const char *const opts[] = {"--prices", "--defaults"};
    for (size_t i = 0; i < 2; i++) {
        int code = run_to((char *const[]){"vpcsim", "run", f, (char *)opts[i], fifo, NULL}, &so,
                          err, sizeof err);
        if (code != 2 || !strstr(err, "not a regular file (a FIFO)"))
            fail_msg("%s FIFO: exit %d: %s", opts[i], code, err);
    }
    int code = run_to((char *const[]){"vpcsim", "run", fifo, NULL}, &so, err, sizeof err);
    assert_int_equal(code, 2);
    code = run_to((char *const[]){"vpcsim", "report", fifo, NULL}, &so, err, sizeof err);
    if (code != 2 || !strstr(err, "not a regular file (a FIFO)")) /* before: hung in HDF5 */
        fail_msg("report FIFO: exit %d: %s", code, err);
    code =
        run_to((char *const[]){"vpcsim", "run", f, "--prices", secret, NULL}, &so, err, sizeof err);
    assert_int_equal(code, 2);
    assert_non_null(strstr(err, "secret.txt:1:1: unknown key at the top level, not a name"));
    assert_null(strstr(err, "20228"));
    unlink(fifo), unlink(secret);
}

/* A name with an escape sequence (it would recolour or retitle the terminal) is refused at load
 * with file:line:col; nothing of it reaches stderr (before: printed raw in the report). */
static void escape_codes_in_names_are_refused(void **st)
{
    (void)st;
    char scen[300], secret[300], err[4096];
    replay_setup(scen, sizeof scen, secret, sizeof secret);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "sed -i 's/^name: replay/name: \"re\\\\e]0;owned\\\\aplay\"/' '%s'",
             scen);
    assert_int_equal(system(cmd), 0);
    spawn_opts so = {.stdout_path = "/dev/null", .alarm_s = 20};
    int code =
        run_to((char *const[]){"vpcsim", "run", scen, "--quiet", NULL}, &so, err, sizeof err);
    if (code != 2 || !strstr(err, "replay.yaml:3:7: control character U+001B in a value"))
        fail_msg("exit %d: %s", code, err);
    assert_null(strchr(err, '\033'));
    unlink(secret);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(output_is_never_a_device_fifo_or_folder),
        cmocka_unit_test(output_is_never_an_input),
        cmocka_unit_test(a_long_output_name_says_so),
        cmocka_unit_test(a_full_disk_keeps_the_old_file_and_the_report),
        cmocka_unit_test(a_closed_stdout_keeps_the_file),
        cmocka_unit_test(sigterm_and_sighup_are_taken_like_sigint),
        cmocka_unit_test(scenario_files_stay_beside_the_scenario),
        cmocka_unit_test(option_files_are_regular_and_never_echoed),
        cmocka_unit_test(escape_codes_in_names_are_refused),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf /tmp/vpcsim-files-%ld", (long)getpid());
    if (system(cmd) != 0) rc = rc ? rc : 1;
    return rc;
}
