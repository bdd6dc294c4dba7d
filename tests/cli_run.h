/* Test helpers (cmocka): runs the vpcsim binary (path from $VPCSIM_BIN, set by CTest) with
 * arguments, capturing exit code, stdout and stderr. */
#ifndef VPCSIM_TEST_CLI_RUN_H
#define VPCSIM_TEST_CLI_RUN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

typedef struct cli_result {
    int code;       /* exit code, or 128 + signal */
    char out[8192]; /* stdout (truncated) */
    char err[8192]; /* stderr (truncated) */
} cli_result;

static inline void cli_slurp(int fd, char *buf, size_t len)
{
    size_t got = 0;
    ssize_t r;
    while ((r = read(fd, buf + got, len - 1 - got)) > 0) {
        got += (size_t)r;
        if (got + 1 >= len) got = 0; /* keep the tail */
    }
    buf[got] = 0;
}

/* argv[0] is ignored (replaced by the binary); NULL-terminated. */
static inline int cli_run(char *const argv[], cli_result *res)
{
    const char *bin = getenv("VPCSIM_BIN");
    if (!bin) return -1;
    char out_path[] = "/tmp/vpcsim-test-out-XXXXXX", err_path[] = "/tmp/vpcsim-test-err-XXXXXX";
    int fo = mkstemp(out_path), fe = mkstemp(err_path);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fo, 1);
        dup2(fe, 2);
        execv(bin, argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    lseek(fo, 0, SEEK_SET);
    lseek(fe, 0, SEEK_SET);
    cli_slurp(fo, res->out, sizeof res->out);
    cli_slurp(fe, res->err, sizeof res->err);
    close(fo), close(fe);
    unlink(out_path), unlink(err_path);
    res->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return 0;
}

/* Makes fd 0 a pipe fed by a process copying the file in (a pipe, not the file: stdin as a shell
 * pipeline gives it). The feeder dies of SIGPIPE if the reader stops early. */
static inline void cli_feed_stdin(const char *in)
{
    int p[2];
    if (pipe(p) != 0) _exit(126);
    if (fork() == 0) {
        int fd = open(in, O_RDONLY);
        char chunk[65536];
        ssize_t got;
        close(p[0]);
        while (fd >= 0 && (got = read(fd, chunk, sizeof chunk)) > 0)
            if (write(p[1], chunk, (size_t)got) != got) break;
        _exit(0);
    }
    dup2(p[0], 0);
    close(p[0]), close(p[1]);
}

/* cli_run_report with standard input fed from the file in (NULL: inherited). */
static inline int cli_run_report_stdin(char *const argv[], const char *in, char **out, char *err,
                                       size_t nerr)
{
    const char *bin = getenv("VPCSIM_BIN");
    char out_path[] = "/tmp/vpcsim-test-rep-XXXXXX", err_path[] = "/tmp/vpcsim-test-rer-XXXXXX";
    int fo = mkstemp(out_path), fe = mkstemp(err_path), status = 0;
    *out = NULL;
    if (!bin || fo < 0 || fe < 0) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (in) cli_feed_stdin(in);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(bin, argv);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    off_t len = lseek(fo, 0, SEEK_END);
    *out = calloc((size_t)len + 1, 1);
    ssize_t got = *out ? pread(fo, *out, (size_t)len, 0) : -1;
    if (got != (ssize_t)len) return -1;
    got = pread(fe, err, nerr - 1, 0);
    err[got > 0 ? got : 0] = 0;
    close(fo), close(fe);
    unlink(out_path), unlink(err_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Runs the binary with stdout into a file and reads all of it (reports outgrow cli_run's
 * buffers). Returns the exit code, or -1 if it could not run; *out is malloc'd (the caller frees
 * it); err gets stderr, cut to nerr - 1 bytes. */
static inline int cli_run_report(char *const argv[], char **out, char *err, size_t nerr)
{
    return cli_run_report_stdin(argv, NULL, out, err, nerr);
}

/* path of a file of the source tree ($VPCSIM_SOURCE_DIR, set by CTest) into buf. */
static inline char *cli_source_path(const char *rel, char *buf, size_t n)
{
    const char *src = getenv("VPCSIM_SOURCE_DIR");
    snprintf(buf, n, "%s/%s", src ? src : ".", rel);
    return buf;
}

/* Runs fn in a forked child with stderr into buf (for aborts a test expects). Returns the child's
 * wait status, or -1 if it could not start. */
static inline int child_run(void (*fn)(void), char *buf, size_t len)
{
    int fd[2];
    if (pipe(fd) != 0) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(fd[1], 2);
        close(fd[0]);
        fn();
        _exit(0);
    }
    close(fd[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < len && (r = read(fd[0], buf + got, len - 1 - got)) > 0) got += (size_t)r;
    buf[got] = 0;
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    return status;
}

/* Whether the file at path holds exactly text (at most 255 bytes are read). */
static inline int cli_file_is(const char *path, const char *text)
{
    char buf[256] = "";
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = 0;
    if (f) fclose(f);
    return strcmp(buf, text) == 0;
}

/* How many temporary files of output path out are in its folder (names "<base>.tmp.<pid>.XXXXXX",
 * or ".vpcsim.tmp.*" for long names); the first one's path goes into first (n bytes) if given. */
static inline int cli_temps_of(const char *out, char *first, size_t n)
{
    char dir[512], stem[300];
    const char *slash = strrchr(out, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - out) + 1 : 2, slash ? out : "./");
    if (snprintf(stem, sizeof stem, "%s.tmp.", slash ? slash + 1 : out) >= (int)sizeof stem)
        return -1;
    DIR *d = opendir(dir);
    struct dirent *e;
    int count = 0;
    while (d && (e = readdir(d)) != NULL)
        if (strncmp(e->d_name, stem, strlen(stem)) == 0 ||
            strncmp(e->d_name, ".vpcsim.tmp.", 12) == 0) {
            if (count++ == 0 && first && snprintf(first, n, "%s%s", dir, e->d_name) >= (int)n)
                first[0] = 0; /* too long for first: only counted */
        }
    if (d) closedir(d);
    return count;
}

/* Runs the binary, expects exit 0 and returns its whole stdout (malloc'd). */
/* noinline: inlined, GCC 12 takes the returned heap pointer for one into a local (a false
 * -Wdangling-pointer in callers that search the text). */
__attribute__((noinline, unused)) static char *cli_report_ok(char *const argv[])
{
    char *text[1] = {NULL}, err[4096]; /* an array: GCC 12 took &local for a dangling return */
    int code = cli_run_report(argv, text, err, sizeof err);
    if (code != 0) fail_msg("exit %d: %s", code, err);
    return text[0];
}

static inline void assert_text_has(const char *text, const char *want)
{
    if (!strstr(text, want)) fail_msg("missing \"%s\" in:\n%s", want, text);
}

#endif
