/* HDF5 output: a table round-trips through the HDF5 C API and through h5py; the final path only
 * appears at close; an abort leaves what the user had untouched; attributes and units; reading
 * back (attributes of every kind, tables by field name, strings of every width) and the errors
 * a reader meets (not HDF5, missing table or attribute, a field the file lacks). */
#include <hdf5.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_run.h"
#include "io/h5file.h"

typedef struct row {
    int64_t id;
    double latency_s;
    uint32_t status;
    uint8_t az;
} row;

static const h5file_col cols[] = {
    {"id", TRACE_I64, offsetof(row, id), NULL},
    {"latency", TRACE_F64, offsetof(row, latency_s), "s"},
    {"status", TRACE_U32, offsetof(row, status), NULL},
    {"az", TRACE_U8, offsetof(row, az), NULL},
};

static void temp_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "/tmp/vpcsim-test-trace-%ld-%s.h5", (long)getpid(), name);
    remove(buf);
}

enum { ROWS = 50000 };

static void write_file(const char *path)
{
    vs_error err = {{0}};
    h5file *f = h5file_create(path, &err);
    assert_non_null(f);
    assert_int_equal(h5file_group(f, "/nat/rep0", &err), 0);
    assert_int_equal(h5file_attr_str(f, "/", "tool", "vpcsim test", &err), 0);
    assert_int_equal(h5file_attr_i64(f, "/nat", "seed", 42, &err), 0);
    h5file_table *t = h5file_table_new(f, "/nat/rep0/requests", cols, 4, sizeof(row), &err);
    assert_non_null(t);
    row *buf = calloc(1000, sizeof *buf);
    for (int block = 0; block < ROWS / 1000; block++) {
        for (int i = 0; i < 1000; i++) {
            int64_t id = block * 1000 + i;
            buf[i] = (row){id, (double)id * 1e-6, (uint32_t)(id % 7), (uint8_t)(id % 3)};
        }
        assert_int_equal(h5file_table_append(t, buf, 1000, &err), 0);
        assert_true(access(path, F_OK) != 0); /* nothing under the final name yet */
    }
    free(buf);
    assert_int_equal(h5file_table_rows(t), ROWS);
    assert_int_equal(h5file_close(f, true, &err), 0);
}

static void table_round_trips(void **st)
{
    (void)st;
    char path[256];
    temp_path(path, sizeof path, "rt");
    write_file(path);
    hid_t h5 = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(h5 >= 0);
    hid_t d = H5Dopen2(h5, "/nat/rep0/requests", H5P_DEFAULT);
    hid_t space = H5Dget_space(d);
    hsize_t n;
    H5Sget_simple_extent_dims(space, &n, NULL);
    assert_int_equal(n, ROWS);
    hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(row));
    H5Tinsert(mt, "id", offsetof(row, id), H5T_NATIVE_INT64);
    H5Tinsert(mt, "latency", offsetof(row, latency_s), H5T_NATIVE_DOUBLE);
    H5Tinsert(mt, "status", offsetof(row, status), H5T_NATIVE_UINT32);
    H5Tinsert(mt, "az", offsetof(row, az), H5T_NATIVE_UINT8);
    row *back = calloc(ROWS, sizeof *back);
    assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) >= 0);
    for (int64_t i = 0; i < ROWS; i += 997) {
        assert_int_equal(back[i].id, i);
        assert_true(back[i].latency_s == (double)i * 1e-6);
        assert_int_equal(back[i].status, i % 7);
        assert_int_equal(back[i].az, i % 3);
    }
    int64_t complete = -1;
    hid_t a = H5Aopen(h5, "complete", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_INT64, &complete);
    assert_int_equal(complete, 1);
    H5Aclose(a), free(back), H5Tclose(mt), H5Sclose(space), H5Dclose(d), H5Fclose(h5);
    remove(path);
}

/* Readable with h5py and no custom code (skipped where Debian's h5py is not installed). */
static void h5py_reads_it(void **st)
{
    (void)st;
    if (system("/usr/bin/python3 -c 'import h5py' 2>/dev/null") != 0) skip();
    char path[256], cmd[1024];
    temp_path(path, sizeof path, "py");
    write_file(path);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import h5py,sys; f=h5py.File('%s','r'); "
             "d=f['nat/rep0/requests']; ok=(len(d)==%d and d['id'][-1]==%d and "
             "f.attrs['tool']=='vpcsim test' and d.attrs['units']==',s,,' and "
             "f['nat'].attrs['seed']==42); sys.exit(0 if ok else 1)\"",
             path, ROWS, ROWS - 1);
    assert_int_equal(system(cmd), 0);
    remove(path);
}

static void abort_keeps_what_the_user_had(void **st)
{
    (void)st;
    char path[256];
    temp_path(path, sizeof path, "keep");
    FILE *fp = fopen(path, "w");
    fputs("precious", fp);
    fclose(fp);
    vs_error err;
    h5file *f = h5file_create(path, &err);
    assert_non_null(f);
    h5file_group(f, "/x", &err);
    h5file_abort(f);
    char buf[16] = {0};
    fp = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "precious");
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    assert_true(access(tmp, F_OK) != 0);
    remove(path);
    h5file_abort(NULL);
}

static void incomplete_is_marked_and_errors_are_messages(void **st)
{
    (void)st;
    char path[256];
    temp_path(path, sizeof path, "inc");
    vs_error err = {{0}};
    h5file *f = h5file_create(path, &err);
    assert_int_equal(h5file_close(f, false, &err), 0);
    hid_t h5 = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int64_t complete = -1;
    hid_t a = H5Aopen(h5, "complete", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_INT64, &complete);
    assert_int_equal(complete, 0);
    H5Aclose(a), H5Fclose(h5);
    remove(path);
    assert_null(h5file_create("/nonexistent-dir/x.h5", &err));
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.h5: cannot create a file beside it"));
}

/* ---- reading back ---------------------------------------------------------------------------- */

typedef struct wide {
    char s16[16], s64[64], s512[512], s1024[1024];
    int32_t k;
} wide;

static const h5file_col wide_cols[] = {
    {"s16", TRACE_STR16, offsetof(wide, s16), NULL},
    {"s64", TRACE_STR64, offsetof(wide, s64), NULL},
    {"s512", TRACE_STR512, offsetof(wide, s512), NULL},
    {"s1024", TRACE_STR1024, offsetof(wide, s1024), NULL},
    {"k", TRACE_I32, offsetof(wide, k), "1"},
};

/* A reader's row: two of the fields, in another order. */
typedef struct narrow {
    int32_t k;
    char s64[64];
} narrow;

static const h5file_col narrow_cols[] = {
    {"k", TRACE_I32, offsetof(narrow, k), NULL},
    {"s64", TRACE_STR64, offsetof(narrow, s64), NULL},
};

static void write_wide(const char *path)
{
    vs_error err = {{0}};
    const char *names[] = {"nat", "gateway-endpoint", "ünïcode"};
    wide rows[3];
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < 3; i++) {
        snprintf(rows[i].s16, sizeof rows[i].s16, "port allocation");
        memset(rows[i].s64, 'a' + i, 63);
        memset(rows[i].s512, 'b', 511);
        memset(rows[i].s1024, 'c', 1023);
        rows[i].k = 10 * i - 7;
    }
    h5file *f = h5file_create(path, &err);
    assert_non_null(f);
    assert_int_equal(h5file_attr_strs(f, "/", "names", names, 3, &err), 0);
    assert_int_equal(h5file_attr_u64(f, "/", "seed", UINT64_MAX - 5, &err), 0);
    assert_int_equal(h5file_attr_i64(f, "/", "format", -2, &err), 0);
    assert_int_equal(h5file_attr_f64(f, "/", "share", 0.125, &err), 0);
    assert_int_equal(h5file_attr_str(f, "/", "text", "a, \"b\"\nc", &err), 0);
    assert_int_equal(h5file_group(f, "/g/h", &err), 0);
    h5file_table *t = h5file_table_new(f, "/g/h/wide", wide_cols, 5, sizeof(wide), &err);
    assert_non_null(t);
    assert_int_equal(h5file_table_append(t, rows, 3, &err), 0);
    assert_int_equal(h5file_close(f, true, &err), 0);
}

static void reads_back_what_it_wrote(void **st)
{
    (void)st;
    char path[256], text[64];
    temp_path(path, sizeof path, "read");
    write_wide(path);
    vs_error err = {{0}};
    h5file *f = h5file_open(path, &err);
    assert_non_null(f);
    char **v;
    size_t n;
    assert_int_equal(h5file_get_strs(f, "/", "names", &v, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "nat");
    assert_string_equal(v[2], "ünïcode");
    free(v);
    uint64_t seed;
    int64_t format, complete;
    double share;
    assert_int_equal(h5file_get_u64(f, "/", "seed", &seed, &err), 0);
    assert_true(seed == UINT64_MAX - 5);
    assert_int_equal(h5file_get_i64(f, "/", "format", &format, &err), 0);
    assert_int_equal(format, -2);
    assert_int_equal(h5file_get_i64(f, "/", "complete", &complete, &err), 0);
    assert_int_equal(complete, 1);
    assert_int_equal(h5file_get_f64(f, "/", "share", &share, &err), 0);
    assert_true(share == 0.125);
    assert_int_equal(h5file_get_str(f, "/", "text", text, sizeof text, &err), 0);
    assert_string_equal(text, "a, \"b\"\nc");
    assert_int_equal(h5file_get_str(f, "/", "text", text, 3, &err), 0); /* cut, NUL-terminated */
    assert_string_equal(text, "a,");
    /* strings of every width keep all their characters; a subset of fields, by name */
    void *rows;
    assert_int_equal(h5file_table_read(f, "/g/h/wide", wide_cols, 5, sizeof(wide), &rows, &n, &err),
                     0);
    assert_int_equal(n, 3);
    wide *w = rows;
    assert_string_equal(w[1].s16, "port allocation");
    assert_int_equal(strlen(w[2].s64), 63);
    assert_int_equal(w[2].s64[62], 'c');
    assert_int_equal(strlen(w[0].s512), 511);
    assert_int_equal(strlen(w[0].s1024), 1023);
    free(rows);
    assert_int_equal(
        h5file_table_read(f, "/g/h/wide", narrow_cols, 2, sizeof(narrow), &rows, &n, &err), 0);
    narrow *x = rows;
    assert_int_equal(x[0].k, -7);
    assert_int_equal(x[2].k, 13);
    assert_int_equal(x[1].s64[0], 'b');
    free(rows);
    assert_true(h5file_exists(f, "/g/h/wide"));
    assert_true(h5file_exists(f, "/g"));
    assert_false(h5file_exists(f, "/g/x/y/z"));
    assert_false(h5file_exists(f, "/nope/h"));
    h5file_free(f);
    remove(path);
}

static void reading_errors_are_messages(void **st)
{
    (void)st;
    char path[256], text[16];
    vs_error err = {{0}};
    temp_path(path, sizeof path, "notes");
    FILE *fp = fopen(path, "w");
    fputs("not HDF5\n", fp);
    fclose(fp);
    assert_null(h5file_open(path, &err));
    assert_non_null(strstr(err.msg, "not an HDF5 file"));
    write_wide(path);
    h5file *f = h5file_open(path, &err);
    assert_non_null(f);
    assert_int_equal(h5file_get_str(f, "/", "nope", text, sizeof text, &err), -1);
    assert_non_null(strstr(err.msg, "no attribute nope on /"));
    int64_t i;
    assert_int_equal(h5file_get_i64(f, "/", "text", &i, &err), -1);
    assert_non_null(strstr(err.msg, "attribute text is not a number"));
    assert_int_equal(h5file_get_str(f, "/", "format", text, sizeof text, &err), -1);
    assert_non_null(strstr(err.msg, "is not text"));
    void *rows = NULL;
    size_t n = 7;
    assert_int_equal(
        h5file_table_read(f, "/g/nope", narrow_cols, 2, sizeof(narrow), &rows, &n, &err), -1);
    assert_non_null(strstr(err.msg, "no table /g/nope"));
    assert_null(rows);
    assert_int_equal(n, 0);
    /* a field the table lacks */
    static const h5file_col other[] = {{"k", TRACE_I32, 0, NULL}, {"missing", TRACE_I32, 4, NULL}};
    assert_int_equal(h5file_table_read(f, "/g/h/wide", other, 2, 8, &rows, &n, &err), -1);
    assert_non_null(strstr(err.msg, "lacks fields"));
    h5file_free(f);
    h5file_free(NULL);
    remove(path);
}

/* ---- the temporary file ---------------------------------------------------------------------- */

/* A link planted at the old predictable name (<path>.tmp.<pid>) and one at the target itself:
 * the victims are untouched, the temporary is a new regular file of another name, with the mode
 * of a new file (before: HDF5 truncated the victim through the planted link). */
static void temp_is_exclusive_and_never_through_a_link(void **st)
{
    (void)st;
    char path[256], victim[256], planted[300], tmp[4096];
    temp_path(path, sizeof path, "planted");
    temp_path(victim, sizeof victim, "victim");
    FILE *fp = fopen(victim, "w");
    fputs("precious", fp);
    fclose(fp);
    snprintf(planted, sizeof planted, "%s.tmp.%ld", path, (long)getpid());
    unlink(planted);
    assert_int_equal(symlink(victim, planted), 0);
    vs_error err;
    h5file *f = h5file_create(path, &err);
    assert_non_null(f);
    snprintf(tmp, sizeof tmp, "%s", h5file_temp_path(f));
    assert_true(strcmp(tmp, planted) != 0);
    assert_int_equal(strncmp(tmp, planted, strlen(planted)), 0); /* <path>.tmp.<pid>.XXXXXX */
    assert_int_equal(strlen(tmp), strlen(planted) + 7);
    struct stat s;
    assert_int_equal(lstat(tmp, &s), 0);
    assert_true(S_ISREG(s.st_mode));
    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(s.st_mode & 0777, 0666 & ~mask);
    assert_int_equal(h5file_close(f, true, &err), 0);
    assert_true(cli_file_is(victim, "precious"));
    assert_int_equal(lstat(planted, &s), 0);
    assert_true(S_ISLNK(s.st_mode));
    /* a link as the target: replaced by the file, what it pointed to untouched */
    unlink(path);
    assert_int_equal(symlink(victim, path), 0);
    assert_non_null(f = h5file_create(path, &err));
    assert_int_equal(h5file_close(f, true, &err), 0);
    assert_int_equal(lstat(path, &s), 0);
    assert_true(S_ISREG(s.st_mode));
    assert_true(cli_file_is(victim, "precious"));
    unlink(path), unlink(victim), unlink(planted);
}

/* Not a file: a FIFO, a folder, a link to a FIFO; a name too long. Refused, nothing created. */
static void target_must_be_a_file(void **st)
{
    (void)st;
    char fifo[256], link[256], longname[400];
    vs_error err;
    temp_path(fifo, sizeof fifo, "fifo");
    temp_path(link, sizeof link, "fifo-link");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink(fifo, link), 0);
    const char *bad[] = {fifo, link, "/tmp", "/dev/null", "/tmp/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(h5file_create(bad[i], &err));
        if (!strstr(err.msg, "not a regular file") && !strstr(err.msg, "names a folder"))
            fail_msg("%s: %s", bad[i], err.msg);
    }
    snprintf(longname, sizeof longname, "/tmp/%0256d", 7);
    assert_null(h5file_create(longname, &err));
    assert_non_null(strstr(err.msg, "the name is too long"));
    /* 250 bytes: the name fits, "<name>.tmp.<pid>.XXXXXX" would not: ".vpcsim.tmp." instead */
    snprintf(longname, sizeof longname, "/tmp/%0250d", getpid());
    h5file *f = h5file_create(longname, &err);
    assert_non_null(f);
    assert_int_equal(strncmp(h5file_temp_path(f), "/tmp/.vpcsim.tmp.", 17), 0);
    assert_int_equal(h5file_close(f, true, &err), 0);
    assert_int_equal(access(longname, F_OK), 0);
    unlink(longname), unlink(link), unlink(fifo);
}

/* Temporaries of writers that died (either naming) go when the next writer of the target starts;
 * those of a live process, a link, or a name that only looks alike stay. */
static void stale_temps_of_dead_writers_go(void **st)
{
    (void)st;
    char path[256], names[6][320];
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, NULL, 0);
    temp_path(path, sizeof path, "stale");
    snprintf(names[0], sizeof names[0], "%s.tmp.%ld", path, (long)dead);
    snprintf(names[1], sizeof names[1], "%s.tmp.%ld.AbC123", path, (long)dead);
    snprintf(names[2], sizeof names[2], "%s.tmp.%ld.AbC123", path, (long)getppid());
    snprintf(names[3], sizeof names[3], "%s.tmp.%ld.x", path, (long)dead);
    snprintf(names[4], sizeof names[4], "%s.tmp.%ld.linkxx", path, (long)dead);
    snprintf(names[5], sizeof names[5], "%s.tmpx.%ld", path, (long)dead);
    for (int i = 0; i < 6; i++) {
        unlink(names[i]);
        if (i == 4) {
            assert_int_equal(symlink("/etc/hostname", names[i]), 0);
            continue;
        }
        FILE *fp = fopen(names[i], "w");
        fputs("x", fp);
        fclose(fp);
    }
    vs_error err;
    h5file *f = h5file_create(path, &err);
    assert_non_null(f);
    h5file_abort(f);
    static const int gone[6] = {1, 1, 0, 0, 0, 0};
    for (int i = 0; i < 6; i++) {
        struct stat s;
        if ((lstat(names[i], &s) != 0) != gone[i])
            fail_msg("%s: %s", names[i], gone[i] ? "left" : "removed");
        unlink(names[i]);
    }
    assert_true(access(path, F_OK) != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_back_what_it_wrote),
        cmocka_unit_test(reading_errors_are_messages),
        cmocka_unit_test(table_round_trips),
        cmocka_unit_test(h5py_reads_it),
        cmocka_unit_test(abort_keeps_what_the_user_had),
        cmocka_unit_test(temp_is_exclusive_and_never_through_a_link),
        cmocka_unit_test(target_must_be_a_file),
        cmocka_unit_test(stale_temps_of_dead_writers_go),
        cmocka_unit_test(incomplete_is_marked_and_errors_are_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
