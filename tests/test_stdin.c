/* End-to-end tests of `-` as the scenario FILE (standard input, fed through a pipe): check and
 * run read it once, name it <stdin> in messages, store its text in the HDF5 file, and refuse more
 * than the loader's CONFIG_MAX_FILE_BYTES. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <hdf5.h>
#include <sys/stat.h>

#include "cli_run.h"
#include "vpcsim/config.h"

#define EXAMPLE "experiments/examples/hub-spoke-tgw.yaml"

/* text with every occurrence of from replaced by to (malloc'd). */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), n = 0;
    for (const char *p = strstr(text, from); p; p = strstr(p + nf, from)) n++;
    char *out = malloc(strlen(text) + n * nt + 1), *o = out;
    assert_non_null(out);
    for (const char *p = text, *q; *p; p = q + nf) {
        if (!(q = strstr(p, from))) {
            strcpy(o, p);
            return out;
        }
        memcpy(o, p, (size_t)(q - p)), o += q - p;
        memcpy(o, to, nt), o += nt;
    }
    *o = 0;
    return out;
}

/* Reads a whole file into a malloc'd NUL-terminated buffer. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = calloc((size_t)n + 1, 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

/* check - prints what check FILE prints, with <stdin> where the file's name was. */
static void test_check_stdin_same_as_file(void **state)
{
    (void)state;
    char path[4096], err[4096], *by_file, *by_stdin;
    cli_source_path(EXAMPLE, path, sizeof path);
    assert_int_equal(
        cli_run_report((char *const[]){"vpcsim", "check", path, NULL}, &by_file, err, sizeof err),
        0);
    assert_int_equal(cli_run_report_stdin((char *const[]){"vpcsim", "check", "-", NULL}, path,
                                          &by_stdin, err, sizeof err),
                     0);
    assert_non_null(strstr(by_file, path)); /* the lines that name the file exist */
    assert_null(strstr(by_stdin, path));
    assert_text_has(by_stdin, "scenario hub-spoke-tgw (<stdin>)");
    char *want = replace_all(by_file, path, "<stdin>");
    assert_string_equal(by_stdin, want);
    free(want), free(by_file), free(by_stdin);
}

/* The HDF5 file's root attribute name, a variable-length string (malloc'd). */
static char *h5_attr(const char *file, const char *name)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t a = H5Aopen(f, name, H5P_DEFAULT), t = H5Aget_type(a);
    char *v = NULL;
    assert_true(H5Tis_variable_str(t) > 0);
    assert_true(H5Aread(a, t, &v) >= 0);
    char *copy = strdup(v);
    H5free_memory(v);
    H5Tclose(t), H5Aclose(a), H5Fclose(f);
    return copy;
}

/* run - writes a file whose report prints the tables run FILE's does (the first line names the
 * scenario's file) and whose scenario attribute is the text fed in, byte for byte. */
static void test_run_stdin_report(void **state)
{
    (void)state;
    char path[4096], dir[] = "/tmp/vpcsim-stdin-XXXXXX", a[4200], b[4200], err[4096];
    char *out, *rep_a, *rep_b;
    cli_source_path(EXAMPLE, path, sizeof path);
    assert_non_null(mkdtemp(dir));
    snprintf(a, sizeof a, "%s/stdin.h5", dir);
    snprintf(b, sizeof b, "%s/file.h5", dir);
    assert_int_equal(
        cli_run_report_stdin((char *const[]){"vpcsim", "run", "-", "--duration", "1s",
                                             "--replications", "1", "--quiet", "-o", a, NULL},
                             path, &out, err, sizeof err),
        0);
    free(out);
    assert_int_equal(
        cli_run_report((char *const[]){"vpcsim", "run", path, "--duration", "1s", "--replications",
                                       "1", "--quiet", "-o", b, NULL},
                       &out, err, sizeof err),
        0);
    free(out);
    assert_int_equal(
        cli_run_report((char *const[]){"vpcsim", "report", a, NULL}, &rep_a, err, sizeof err), 0);
    assert_int_equal(
        cli_run_report((char *const[]){"vpcsim", "report", b, NULL}, &rep_b, err, sizeof err), 0);
    assert_text_has(rep_a, "scenario hub-spoke-tgw (<stdin>)");
    const char *ta = strchr(rep_a, '\n'), *tb = strchr(rep_b, '\n');
    assert_non_null(ta), assert_non_null(tb);
    assert_true(strlen(ta) > 1000); /* the tables, not an empty tail */
    assert_string_equal(ta, tb);
    char *text = h5_attr(a, "scenario"), *want = slurp(path), *name = h5_attr(a, "scenario_file");
    assert_string_equal(text, want);
    assert_string_equal(name, "<stdin>");
    free(text), free(want), free(name), free(rep_a), free(rep_b);
    unlink(a), unlink(b), rmdir(dir);
}

/* A sweep point and --set patch the text read from stdin (it cannot be read again). */
static void test_run_stdin_set(void **state)
{
    (void)state;
    char path[4096], err[4096], *out;
    cli_source_path(EXAMPLE, path, sizeof path);
    assert_int_equal(cli_run_report_stdin((char *const[]){"vpcsim", "run", "-", "--duration", "1s",
                                                          "--replications", "1", "--quiet", "--set",
                                                          "run.seed=7", NULL},
                                          path, &out, err, sizeof err),
                     0);
    assert_text_has(out, "(<stdin>)");
    assert_text_has(out, "seed 7");
    free(out);
}

/* A stdin scenario's replay files resolve against the current folder: replay.yaml names
 * times.txt, found beside it when run there, not found elsewhere. */
static void test_replay_relative_to_cwd(void **state)
{
    (void)state;
    char dir[4096], path[4200], cwd[4096], err[4096], *out;
    cli_source_path("tests/scenarios/replay", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/replay.yaml", dir);
    assert_non_null(getcwd(cwd, sizeof cwd));
    char *const argv[] = {"vpcsim",         "run", "-",       "--duration", "1s",
                          "--replications", "1",   "--quiet", NULL};
    assert_int_equal(chdir(dir), 0);
    int here = cli_run_report_stdin(argv, path, &out, err, sizeof err);
    free(out);
    assert_int_equal(chdir("/"), 0);
    int root = cli_run_report_stdin(argv, path, &out, err, sizeof err);
    free(out);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(here, 0);
    assert_int_equal(root, 2);
    assert_text_has(err, "<stdin>:22:38: replay file: times.txt: cannot read");
}

/* Errors in a scenario on stdin read <stdin>:LINE:COL:, exit 2. */
static void test_bad_stdin(void **state)
{
    (void)state;
    char path[] = "/tmp/vpcsim-stdin-bad-XXXXXX", err[4096], *out;
    int fd = mkstemp(path);
    const char text[] = "name: x\nversion: 1\narchitectures: [\n";
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    const char *cmds[] = {"check", "run"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(cli_run_report_stdin((char *const[]){"vpcsim", (char *)cmds[i], "-", NULL},
                                              path, &out, err, sizeof err),
                         2);
        free(out);
        if (strncmp(err, "<stdin>:4:1: ", 13) != 0) fail_msg("%s: %s", cmds[i], err);
    }
    unlink(path);
}

/* More than CONFIG_MAX_FILE_BYTES on stdin is refused, exit 2 (a sparse file of zeros fed through
 * the pipe: the size is refused before any parsing). */
static void test_oversized_stdin(void **state)
{
    (void)state;
    char path[] = "/tmp/vpcsim-stdin-big-XXXXXX", err[4096], *out;
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)CONFIG_MAX_FILE_BYTES + 1), 0);
    close(fd);
    const char *cmds[] = {"check", "run"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(cli_run_report_stdin((char *const[]){"vpcsim", (char *)cmds[i], "-", NULL},
                                              path, &out, err, sizeof err),
                         2);
        free(out);
        assert_text_has(err, "<stdin>: larger than 64 MiB");
    }
    /* exactly the limit is read whole (then refused as YAML, not as too large) */
    assert_int_equal(truncate(path, (off_t)CONFIG_MAX_FILE_BYTES), 0);
    assert_int_equal(cli_run_report_stdin((char *const[]){"vpcsim", "check", "-", NULL}, path, &out,
                                          err, sizeof err),
                     2);
    free(out);
    assert_null(strstr(err, "larger than"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_stdin_same_as_file),
        cmocka_unit_test(test_run_stdin_report),
        cmocka_unit_test(test_run_stdin_set),
        cmocka_unit_test(test_replay_relative_to_cwd),
        cmocka_unit_test(test_bad_stdin),
        cmocka_unit_test(test_oversized_stdin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
