/* Input files (sim/io/infile.c): only regular files are opened, at once and without blocking on a
 * FIFO; a file a scenario names resolves beside it and must stay inside its folder (a "..", an
 * absolute path or a link out is refused) unless allowed. Folders and files are made under a
 * fresh /tmp folder per run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vpcsim/infile.h"

static char root[64];

static char *at(const char *rel, char *buf, size_t n)
{
    if (snprintf(buf, n, "%s/%s", root, rel) >= (int)n) fail_msg("path too long");
    return buf;
}

static void touch(const char *rel, const char *text)
{
    char p[256];
    FILE *f = fopen(at(rel, p, sizeof p), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **st)
{
    (void)st;
    char p[256];
    snprintf(root, sizeof root, "/tmp/vpcsim-infile-XXXXXX");
    if (!mkdtemp(root)) return -1;
    mkdir(at("scen", p, sizeof p), 0700);
    mkdir(at("scen/sub", p, sizeof p), 0700);
    touch("scen/s.yaml", "version: 1\n");
    touch("scen/times.txt", "1\n");
    touch("scen/sub/more.txt", "2\n");
    touch("outside.txt", "secret\n");
    char target[256];
    if (symlink(at("outside.txt", target, sizeof target), at("scen/out-link.txt", p, sizeof p)) ||
        symlink("sub/more.txt", at("scen/in-link.txt", p, sizeof p)) ||
        mkfifo(at("scen/fifo", p, sizeof p), 0600))
        return -1;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* A regular file opens and reads; a FIFO (no writer: a plain open would block), a folder and a
 * missing file are refused with what they are. */
static void only_regular_files_open(void **st)
{
    (void)st;
    char p[256], line[16];
    vs_error err;
    FILE *f = infile_open(at("scen/times.txt", p, sizeof p), &err);
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "1\n");
    fclose(f);
    static const struct {
        const char *rel, *want;
    } bad[] = {
        {"scen/fifo", ": not a regular file (a FIFO): vpcsim reads only regular files"},
        {"scen", ": not a regular file (a folder)"},
        {"scen/none.txt", ": cannot read: No such file or directory"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(infile_open(at(bad[i].rel, p, sizeof p), &err));
        if (!strstr(err.msg, bad[i].want)) fail_msg("%s: %s", bad[i].rel, err.msg);
    }
    assert_null(infile_open("/dev/null", &err));
    assert_non_null(strstr(err.msg, "(a character device)"));
}

/* Names resolve beside the scenario; inside the folder (a sub-folder, a link that stays in) is
 * fine; "..", an absolute path and a link out are refused unless allowed. */
static void scenario_names_stay_inside(void **st)
{
    (void)st;
    char scen[256], got[4096], want[256];
    vs_error err;
    at("scen/s.yaml", scen, sizeof scen);
    static const char *const ok[] = {"times.txt", "sub/more.txt", "in-link.txt",
                                     "sub/../times.txt"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (infile_resolve(scen, ok[i], false, got, sizeof got, &err))
            fail_msg("%s: %s", ok[i], err.msg);
        snprintf(want, sizeof want, "%s/scen/%s", root, ok[i]);
        assert_string_equal(got, want);
    }
    char abs[256];
    const char *out[] = {"../outside.txt", "out-link.txt", at("outside.txt", abs, sizeof abs),
                         "/etc/passwd"};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        assert_int_equal(infile_resolve(scen, out[i], false, got, sizeof got, &err), -1);
        if (!strstr(err.msg, "leads outside the scenario's folder"))
            fail_msg("%s: %s", out[i], err.msg);
        assert_int_equal(infile_resolve(scen, out[i], true, got, sizeof got, &err), 0);
    }
    assert_string_equal(got, "/etc/passwd");
    assert_int_equal(infile_resolve(scen, "none.txt", false, got, sizeof got, &err), -1);
    assert_non_null(strstr(err.msg, "none.txt: cannot read: No such file or directory"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_regular_files_open),
        cmocka_unit_test(scenario_names_stay_inside),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
