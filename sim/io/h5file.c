/* HDF5 writer and reader (see h5file.h). Tables grow by H5Dset_extent and a hyperslab write per
 * block; chunks of 16 Ki rows, shuffle + deflate level 1, so h5py, h5dump and pandas read them
 * as-is. Reading matches compound fields by name, so a reader's row struct may hold a subset. */
#include "io/h5file.h"
#include "vpcsim/infile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { CHUNK_ROWS = 16384, MAX_TABLES = 4096 };

struct h5file_table {
    h5file *file;    /* owner */
    hid_t dset;      /* the dataset */
    hid_t type;      /* its memory compound type */
    size_t row_size; /* bytes per row in memory */
    uint64_t rows;   /* rows written */
};

struct h5file {
    hid_t h5;                         /* the open temporary file, or -1 */
    bool created;                     /* HDF5 created tmp: dev and ino say which file it is */
    dev_t dev;                        /* the temporary file's device and inode, as HDF5 opened */
    ino_t ino;                        /* it (a name swapped since is not ours) */
    char *path;                       /* final path */
    char *tmp;                        /* temporary path (PATH_MAX bytes) */
    h5file_table *tables[MAX_TABLES]; /* open tables, closed by h5file_close */
    size_t ntables;
};

/* HDF5 prints its error stack per thread unless told not to (the library is thread-safe in
 * Debian's build, and writers may run on any thread): errors come back as messages instead.
 * Every entry point calls this first, so H5dont_atexit comes before the library starts: its exit
 * handler closes again a file whose close failed (disk full) and crashes (SIGSEGV in
 * H5F__close_cb, HDF5 1.10.8); every file is closed here explicitly, so nothing needs it. */
static void quiet(void)
{
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* A fixed-length NUL-terminated string type of n bytes (h5py reads it as bytes). */
static hid_t str_type(size_t n)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, n);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

/* The HDF5 type of t: a predefined one, or a string type the caller closes (see is_str). */
static hid_t h5_type(h5file_type t)
{
    switch (t) {
    case TRACE_STR32:
        return str_type(32);
    case TRACE_STR160:
        return str_type(160);
    case TRACE_STR16:
        return str_type(16);
    case TRACE_STR64:
        return str_type(64);
    case TRACE_STR512:
        return str_type(512);
    case TRACE_STR1024:
        return str_type(1024);
    case TRACE_I64:
        return H5T_NATIVE_INT64;
    case TRACE_U64:
        return H5T_NATIVE_UINT64;
    case TRACE_I32:
        return H5T_NATIVE_INT32;
    case TRACE_U32:
        return H5T_NATIVE_UINT32;
    case TRACE_U8:
        return H5T_NATIVE_UINT8;
    case TRACE_F64:
        return H5T_NATIVE_DOUBLE;
    }
    return H5T_NATIVE_INT64;
}

static bool is_str(h5file_type t)
{
    return t == TRACE_STR16 || t == TRACE_STR32 || t == TRACE_STR64 || t == TRACE_STR160 ||
           t == TRACE_STR512 || t == TRACE_STR1024;
}

/* ---- the temporary file ---------------------------------------------------------------------- */

/* Where a temporary name ends: ".tmp.<pid>.XXXXXX" (mkstemp fills the X's). */
enum { TEMP_SUFFIX_MAX = sizeof ".tmp.4294967295.XXXXXX" };

/* The target must be absent, a regular file, or a symlink (to a regular file or to nothing),
 * which the rename then replaces: -o never writes into a device, FIFO or folder. */
int h5file_check_target(const char *path, vs_error *err)
{
    struct stat st;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (!*base) return error_set(err, "%s: names a folder, not a file", path);
    if (strlen(base) > NAME_MAX || strlen(path) >= PATH_MAX - TEMP_SUFFIX_MAX)
        return error_set(err, "%.60s...: the name is too long (at most %d bytes a name, %d a path)",
                         path, NAME_MAX, PATH_MAX - TEMP_SUFFIX_MAX - 1);
    if (lstat(path, &st) != 0) return 0;
    if (S_ISLNK(st.st_mode) && stat(path, &st) != 0) return 0; /* a dangling link: replaced */
    if (!S_ISREG(st.st_mode))
        return error_set(err,
                         "%s: exists and is not a regular file (a %s): -o writes only to a new "
                         "or regular file",
                         path, S_ISDIR(st.st_mode) ? "folder" : "device or FIFO");
    return 0;
}

/* tmpl = "<dir>/<base>.tmp.<pid>.XXXXXX" or, when that would pass NAME_MAX,
 * "<dir>/.vpcsim.tmp.<pid>.XXXXXX"; *dir_len: the length of "<dir>/". */
static void temp_template(const char *path, char *tmpl, size_t n, size_t *dir_len)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    *dir_len = (size_t)(base - path);
    if (strlen(base) + TEMP_SUFFIX_MAX > NAME_MAX)
        snprintf(tmpl, n, "%.*s.vpcsim.tmp.%ld.XXXXXX", (int)*dir_len, path, (long)getpid());
    else
        snprintf(tmpl, n, "%s.tmp.%ld.XXXXXX", path, (long)getpid());
}

/* Whether name is a temporary of stem ("<stem><pid>" or "<stem><pid>.XXXXXX") whose writer is
 * gone; the old naming (".tmp.<pid>") is matched too. */
static bool temp_is_stale(const char *name, const char *stem)
{
    size_t k = strlen(stem);
    if (strncmp(name, stem, k) != 0 || !isdigit((unsigned char)name[k])) return false;
    char *end;
    long pid = strtol(name + k, &end, 10);
    if (*end && !(*end == '.' && strlen(end) == 7)) return false;
    return pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Removes temporaries of this target (and long-named ones of the folder) left by writers that
 * died (SIGKILL, a crash): regular files of ours only, so a planted link or someone else's file
 * is never touched. */
static void temp_clean_stale(const char *path, size_t dir_len)
{
    char dir[PATH_MAX], stems[2][NAME_MAX + 8], full[PATH_MAX + NAME_MAX + 2];
    snprintf(dir, sizeof dir, "%.*s", (int)dir_len, dir_len ? path : "./");
    snprintf(stems[0], sizeof stems[0], "%s.tmp.", path + dir_len);
    snprintf(stems[1], sizeof stems[1], ".vpcsim.tmp.");
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;
    while (d && (e = readdir(d)) != NULL) {
        if (!temp_is_stale(e->d_name, stems[0]) && !temp_is_stale(e->d_name, stems[1])) continue;
        snprintf(full, sizeof full, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
                 e->d_name);
        if (lstat(full, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid()) unlink(full);
    }
    if (d) closedir(d);
}

/* Whether the name f->tmp still is the file HDF5 created (not replaced by a link or another). */
static bool temp_is_ours(const h5file *f)
{
    struct stat b;
    return f->created && lstat(f->tmp, &b) == 0 && S_ISREG(b.st_mode) && b.st_dev == f->dev &&
           b.st_ino == f->ino;
}

/* An unguessable name for the temporary file: mkstemp makes it (so it is new and ours), then it
 * is removed for HDF5 to create again exclusively (h5file_create). Returns 0 or -1. */
static int temp_name(h5file *f, vs_error *err)
{
    size_t dir_len;
    temp_template(f->path, f->tmp, PATH_MAX, &dir_len);
    temp_clean_stale(f->path, dir_len);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        int e = errno;
        return error_set(err, "%s: cannot create a file beside it (%s)", f->path,
                         e == ENOENT ? "the folder is not there" : strerror(e));
    }
    close(fd);
    unlink(f->tmp);
    return 0;
}

/* HDF5 creates the file itself with H5F_ACC_EXCL (open with O_CREAT|O_EXCL: it fails on anything
 * already there, a link planted since temp_name included, and never follows one), so the worst a
 * writer of the folder can do is make the create fail. The file's mode is a new file's (umask).
 * Its device and inode are taken from HDF5's own descriptor: the file written is that one. */
static int temp_create(h5file *f, vs_error *err)
{
    void *handle = NULL;
    struct stat st;
    f->h5 = H5Fcreate(f->tmp, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    if (f->h5 < 0) return error_set(err, "%s: cannot create it as HDF5", f->tmp);
    if (H5Fget_vfd_handle(f->h5, H5P_DEFAULT, &handle) < 0 || !handle ||
        fstat(*(int *)handle, &st) != 0 || !S_ISREG(st.st_mode))
        return error_set(err, "%s: cannot tell which file HDF5 created", f->tmp);
    f->created = true, f->dev = st.st_dev, f->ino = st.st_ino;
    return temp_is_ours(f) ? 0 : error_set(err, "%s: replaced as it was created", f->tmp);
}

h5file *h5file_create(const char *path, vs_error *err)
{
    quiet();
    if (h5file_check_target(path, err)) return NULL;
    h5file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path)) || !(f->tmp = malloc(PATH_MAX))) {
        if (f) free(f->path);
        free(f);
        error_set(err, "out of memory");
        return NULL;
    }
    f->h5 = -1;
    if (temp_name(f, err) || temp_create(f, err)) return h5file_abort(f), NULL;
    return f;
}

int h5file_group(h5file *f, const char *group, vs_error *err)
{
    quiet();
    if (strcmp(group, "/") == 0 || H5Lexists(f->h5, group, H5P_DEFAULT) > 0) return 0;
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t g = H5Gcreate2(f->h5, group, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    if (g < 0) return error_set(err, "%s: cannot create group %s", f->path, group);
    H5Gclose(g);
    return 0;
}

static int put_attr(h5file *f, const char *group, const char *name, hid_t type, const void *value,
                    vs_error *err)
{
    quiet();
    hid_t space = H5Screate(H5S_SCALAR);
    if (H5Aexists_by_name(f->h5, group, name, H5P_DEFAULT) > 0)
        H5Adelete_by_name(f->h5, group, name, H5P_DEFAULT);
    hid_t a =
        H5Acreate_by_name(f->h5, group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, type, value);
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    return rc < 0 ? error_set(err, "%s: cannot write attribute %s on %s", f->path, name, group) : 0;
}

int h5file_attr_str(h5file *f, const char *group, const char *name, const char *value,
                    vs_error *err)
{
    hid_t t = H5Tcopy(H5T_C_S1); /* variable-length UTF-8: h5py reads it as str */
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    int rc = put_attr(f, group, name, t, &value, err);
    H5Tclose(t);
    return rc;
}

int h5file_attr_i64(h5file *f, const char *group, const char *name, int64_t value, vs_error *err)
{
    return put_attr(f, group, name, H5T_NATIVE_INT64, &value, err);
}

int h5file_attr_u64(h5file *f, const char *group, const char *name, uint64_t value, vs_error *err)
{
    return put_attr(f, group, name, H5T_NATIVE_UINT64, &value, err);
}

int h5file_attr_f64(h5file *f, const char *group, const char *name, double value, vs_error *err)
{
    return put_attr(f, group, name, H5T_NATIVE_DOUBLE, &value, err);
}

static hid_t compound_type(const h5file_col *cols, size_t ncols, size_t row_size)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, row_size);
    for (size_t i = 0; i < ncols; i++) {
        hid_t ft = h5_type(cols[i].type);
        H5Tinsert(t, cols[i].name, cols[i].offset, ft);
        if (is_str(cols[i].type)) H5Tclose(ft);
    }
    return t;
}

static hid_t chunked_props(size_t chunk_rows)
{
    hsize_t chunk = chunk_rows;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 1); /* level 4 compressed request records 15% smaller, 3x slower */
    return dcpl;
}

/* "units" attribute: the columns' units in field order, comma-separated ("" where none). */
static int units_attr(h5file *f, const char *path, const h5file_col *cols, size_t ncols,
                      vs_error *err)
{
    size_t len = 1;
    for (size_t i = 0; i < ncols; i++) len += (cols[i].unit ? strlen(cols[i].unit) : 0) + 1;
    char *s = calloc(len, 1);
    if (!s) return error_set(err, "out of memory");
    for (size_t i = 0; i < ncols; i++) {
        if (i) strcat(s, ",");
        if (cols[i].unit) strcat(s, cols[i].unit);
    }
    int rc = h5file_attr_str(f, path, "units", s, err);
    free(s);
    return rc;
}

h5file_table *h5file_table_new(h5file *f, const char *path, const h5file_col *cols, size_t ncols,
                               size_t row_size, vs_error *err)
{
    return h5file_table_new_chunked(f, path, cols, ncols, row_size, CHUNK_ROWS, err);
}

h5file_table *h5file_table_new_chunked(h5file *f, const char *path, const h5file_col *cols,
                                       size_t ncols, size_t row_size, size_t chunk_rows,
                                       vs_error *err)
{
    quiet();
    if (f->ntables == MAX_TABLES) return error_set(err, "too many tables"), NULL;
    h5file_table *t = calloc(1, sizeof *t);
    if (!t) return error_set(err, "out of memory"), NULL;
    hsize_t zero = 0, unlimited = H5S_UNLIMITED;
    hid_t space = H5Screate_simple(1, &zero, &unlimited),
          dcpl = chunked_props(chunk_rows ? chunk_rows : 1);
    t->file = f;
    t->row_size = row_size;
    t->type = compound_type(cols, ncols, row_size);
    t->dset = H5Dcreate2(f->h5, path, t->type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Sclose(space);
    H5Pclose(dcpl);
    if (t->dset < 0) {
        H5Tclose(t->type);
        free(t);
        return error_set(err, "%s: cannot create table %s", f->path, path), NULL;
    }
    f->tables[f->ntables++] = t;
    if (units_attr(f, path, cols, ncols, err)) return NULL; /* closed with the file */
    return t;
}

int h5file_table_append(h5file_table *t, const void *rows, size_t n, vs_error *err)
{
    if (n == 0) return 0;
    quiet();
    hsize_t start = t->rows, count = n, size = t->rows + n;
    if (H5Dset_extent(t->dset, &size) < 0) return error_set(err, "cannot extend a table");
    hid_t file_space = H5Dget_space(t->dset), mem_space = H5Screate_simple(1, &count, NULL);
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, NULL, &count, NULL);
    herr_t rc = H5Dwrite(t->dset, t->type, mem_space, file_space, H5P_DEFAULT, rows);
    H5Sclose(mem_space);
    H5Sclose(file_space);
    if (rc < 0) return error_set(err, "%s: write failed (disk full?)", t->file->path);
    t->rows = size;
    return 0;
}

uint64_t h5file_table_rows(const h5file_table *t)
{
    return t->rows;
}

void h5file_table_close(h5file_table *t)
{
    if (t->dset >= 0) H5Dclose(t->dset);
    if (t->type >= 0) H5Tclose(t->type);
    t->dset = t->type = -1;
}

/* Returns 0, or -1 if HDF5 could not close the file (its last writes failed). */
static int close_all(h5file *f)
{
    for (size_t i = 0; i < f->ntables; i++) {
        h5file_table_close(f->tables[i]);
        free(f->tables[i]);
    }
    f->ntables = 0;
    herr_t rc = f->h5 >= 0 ? H5Fclose(f->h5) : 0;
    f->h5 = -1;
    return rc < 0 ? -1 : 0;
}

const char *h5file_temp_path(const h5file *f)
{
    return f->tmp;
}

int h5file_attr_strs(h5file *f, const char *group, const char *name, const char *const *v, size_t n,
                     vs_error *err)
{
    quiet();
    hsize_t dim = n;
    hid_t t = H5Tcopy(H5T_C_S1), space = H5Screate_simple(1, &dim, NULL);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    if (H5Aexists_by_name(f->h5, group, name, H5P_DEFAULT) > 0)
        H5Adelete_by_name(f->h5, group, name, H5P_DEFAULT);
    hid_t a =
        H5Acreate_by_name(f->h5, group, name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, t, v);
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    H5Tclose(t);
    return rc < 0 ? error_set(err, "%s: cannot write attribute %s on %s", f->path, name, group) : 0;
}

static void file_free(h5file *f)
{
    free(f->path);
    free(f->tmp);
    free(f);
}

int h5file_close(h5file *f, bool complete, vs_error *err)
{
    int rc = h5file_attr_i64(f, "/", "complete", complete ? 1 : 0, err);
    if (rc == 0 && H5Fflush(f->h5, H5F_SCOPE_GLOBAL) < 0)
        rc = error_set(err, "%s: flush failed (disk full?)", f->tmp);
    if (close_all(f) && rc == 0) rc = error_set(err, "%s: close failed (disk full?)", f->tmp);
    if (rc == 0 && !temp_is_ours(f))
        rc = error_set(err, "%s: replaced while being written; %s left as it was", f->tmp, f->path);
    else if (rc == 0 && rename(f->tmp, f->path) != 0)
        rc = error_set(err, "cannot rename %s to %s: %s", f->tmp, f->path, strerror(errno));
    if (rc && temp_is_ours(f)) unlink(f->tmp);
    file_free(f);
    return rc;
}

void h5file_abort(h5file *f)
{
    if (!f) return;
    close_all(f);
    if (temp_is_ours(f)) unlink(f->tmp);
    file_free(f);
}

/* ---- reading --------------------------------------------------------------------------------- */

h5file *h5file_open(const char *path, vs_error *err)
{
    quiet();
    FILE *probe = infile_open(path, err); /* a FIFO would block HDF5's open: regular files only */
    if (!probe) return NULL;
    fclose(probe);
    htri_t is = H5Fis_hdf5(path);
    if (is <= 0)
        return error_set(err, is == 0 ? "%s: not an HDF5 file" : "%s: cannot open it", path), NULL;
    h5file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        free(f);
        return error_set(err, "out of memory"), NULL;
    }
    f->h5 = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f->h5 < 0) {
        error_set(err, "%s: cannot open it as HDF5", path);
        file_free(f);
        return NULL;
    }
    return f;
}

void h5file_free(h5file *f)
{
    if (!f) return;
    close_all(f);
    file_free(f);
}

bool h5file_exists(h5file *f, const char *path)
{
    quiet();
    if (strcmp(path, "/") == 0) return true;
    /* every parent must exist before H5Lexists may be asked about a child */
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *s = buf + 1; (s = strchr(s, '/')) != NULL; s++) {
        *s = 0;
        bool ok = H5Lexists(f->h5, buf, H5P_DEFAULT) > 0;
        *s = '/';
        if (!ok) return false;
    }
    return H5Lexists(f->h5, buf, H5P_DEFAULT) > 0;
}

bool h5file_has_attr(h5file *f, const char *group, const char *name)
{
    quiet();
    return h5file_exists(f, group) && H5Aexists_by_name(f->h5, group, name, H5P_DEFAULT) > 0;
}

static hid_t open_attr(h5file *f, const char *group, const char *name, vs_error *err)
{
    if (!h5file_has_attr(f, group, name))
        return error_set(err, "%s: no attribute %s on %s", f->path, name, group);
    hid_t a = H5Aopen_by_name(f->h5, group, name, H5P_DEFAULT, H5P_DEFAULT);
    return a < 0 ? error_set(err, "%s: cannot read attribute %s", f->path, name) : a;
}

static int read_number(h5file *f, const char *group, const char *name, hid_t type, void *out,
                       vs_error *err)
{
    hid_t a = open_attr(f, group, name, err);
    if (a < 0) return -1;
    hid_t ft = H5Aget_type(a);
    H5T_class_t c = H5Tget_class(ft);
    herr_t rc = c == H5T_INTEGER || c == H5T_FLOAT ? H5Aread(a, type, out) : -1;
    H5Tclose(ft), H5Aclose(a);
    return rc < 0 ? error_set(err, "%s: attribute %s is not a number", f->path, name) : 0;
}

int h5file_get_i64(h5file *f, const char *group, const char *name, int64_t *out, vs_error *err)
{
    return read_number(f, group, name, H5T_NATIVE_INT64, out, err);
}

int h5file_get_u64(h5file *f, const char *group, const char *name, uint64_t *out, vs_error *err)
{
    return read_number(f, group, name, H5T_NATIVE_UINT64, out, err);
}

int h5file_get_f64(h5file *f, const char *group, const char *name, double *out, vs_error *err)
{
    return read_number(f, group, name, H5T_NATIVE_DOUBLE, out, err);
}

enum { STRS_MAX = 1 << 24 }; /* strings in one attribute: far above any vpcsim file's */

/* One malloc'd block: k pointers, then the texts (text i is texts[i], or the len bytes at
 * fixed + i * len up to a NUL). NULL when out of memory. */
static char **strs_pack(char *const *texts, const char *fixed, size_t len, size_t k)
{
    size_t bytes = (k ? k : 1) * sizeof(char *);
    for (size_t i = 0; i < k; i++)
        bytes += (texts ? (texts[i] ? strlen(texts[i]) : 0) : strnlen(fixed + i * len, len)) + 1;
    char **out = malloc(bytes);
    char *text = out ? (char *)(out + (k ? k : 1)) : NULL;
    for (size_t i = 0; out && i < k; i++) {
        const char *src = texts ? (texts[i] ? texts[i] : "") : fixed + i * len;
        size_t n = texts ? strlen(src) : strnlen(src, len);
        out[i] = memcpy(text, src, n);
        text[n] = '\0';
        text += n + 1;
    }
    return out;
}

/* Variable-length strings: read as HDF5 allocates them, packed, given back. */
static int strs_read_vl(h5file *f, hid_t a, hid_t ft, size_t k, const char *name, char ***v,
                        vs_error *err)
{
    char **raw = calloc(k ? k : 1, sizeof *raw);
    if (!raw) return error_set(err, "out of memory");
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(ft)); /* HDF5 converts no ASCII to UTF-8 */
    bool ok = H5Aread(a, mt, raw) >= 0;
    H5Tclose(mt);
    /* fixed "" (never read: texts is given) rather than NULL: GCC at -O3 unswitches the loop
     * and warned of a strnlen(NULL) on the branch not taken */
    *v = ok ? strs_pack(raw, "", 0, k) : NULL;
    for (size_t i = 0; ok && i < k; i++) H5free_memory(raw[i]);
    free(raw);
    if (!ok) return error_set(err, "%s: attribute %s is not text", f->path, name);
    return *v ? 0 : error_set(err, "out of memory");
}

/* Fixed-length strings (NUL-padded or not). */
static int strs_read_fixed(h5file *f, hid_t a, hid_t ft, size_t k, const char *name, char ***v,
                           vs_error *err)
{
    size_t len = H5Tget_size(ft);
    if (len == 0) return error_set(err, "%s: attribute %s is not text", f->path, name);
    char *tmp = calloc(k ? k : 1, len);
    if (!tmp) return error_set(err, "out of memory");
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, len);
    H5Tset_cset(mt, H5Tget_cset(ft));
    bool ok = H5Aread(a, mt, tmp) >= 0;
    H5Tclose(mt);
    *v = ok ? strs_pack(NULL, tmp, len, k) : NULL;
    free(tmp);
    if (!ok) return error_set(err, "%s: attribute %s is not text", f->path, name);
    return *v ? 0 : error_set(err, "out of memory");
}

/* Reads string attribute `name` (scalar or one-dimensional, fixed or variable length) into one
 * malloc'd block of n strings. Returns 0, or -1 with err set (not text, or out of memory). */
static int read_strings(h5file *f, hid_t a, const char *name, char ***v, size_t *n, vs_error *err)
{
    hid_t ft = H5Aget_type(a), sp = H5Aget_space(a);
    hssize_t k = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    int rc;
    if (ft < 0 || H5Tget_class(ft) != H5T_STRING || k < 0 || k > STRS_MAX)
        rc = error_set(err, "%s: attribute %s is not text", f->path, name);
    else if (H5Tis_variable_str(ft) > 0)
        rc = strs_read_vl(f, a, ft, (size_t)k, name, v, err);
    else
        rc = strs_read_fixed(f, a, ft, (size_t)k, name, v, err);
    if (rc == 0) *n = (size_t)k;
    if (ft >= 0) H5Tclose(ft);
    if (sp >= 0) H5Sclose(sp);
    return rc;
}

int h5file_get_strs(h5file *f, const char *group, const char *name, char ***v, size_t *n,
                    vs_error *err)
{
    hid_t a = open_attr(f, group, name, err);
    if (a < 0) return -1;
    int rc = read_strings(f, a, name, v, n, err);
    H5Aclose(a);
    return rc;
}

int h5file_get_str(h5file *f, const char *group, const char *name, char *buf, size_t n,
                   vs_error *err)
{
    char **v;
    size_t k;
    if (h5file_get_strs(f, group, name, &v, &k, err)) return -1;
    snprintf(buf, n, "%s", k ? v[0] : "");
    free(v);
    return 0;
}

int h5file_table_read(h5file *f, const char *path, const h5file_col *cols, size_t ncols,
                      size_t row_size, void **rows, size_t *n, vs_error *err)
{
    quiet();
    *rows = NULL, *n = 0;
    if (!h5file_exists(f, path)) return error_set(err, "%s: no table %s", f->path, path);
    hid_t d = H5Dopen2(f->h5, path, H5P_DEFAULT);
    if (d < 0) return error_set(err, "%s: %s is not a table", f->path, path);
    hid_t sp = H5Dget_space(d), mt = compound_type(cols, ncols, row_size), ft = H5Dget_type(d);
    hssize_t k = H5Sget_simple_extent_npoints(sp);
    void *buf = k >= 0 ? calloc(k ? (size_t)k : 1, row_size) : NULL;
    int rc = buf ? 0 : error_set(err, "out of memory");
    for (size_t i = 0; rc == 0 && i < ncols; i++) /* HDF5 would leave a missing field as it was */
        if (H5Tget_member_index(ft, cols[i].name) < 0)
            rc = error_set(err, "%s: %s lacks fields this build reads (%s; another version?)",
                           f->path, path, cols[i].name);
    if (rc == 0 && k > 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = error_set(err, "%s: cannot read %s", f->path, path);
    H5Tclose(ft), H5Tclose(mt), H5Sclose(sp), H5Dclose(d);
    if (rc) return free(buf), -1;
    *rows = buf, *n = (size_t)k;
    return 0;
}

/* ---- copying (merge, --resume) --------------------------------------------------------------- */

int h5file_copy(h5file *dst, h5file *src, const char *path, vs_error *err)
{
    quiet();
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    if (lcpl < 0) return error_set(err, "out of memory");
    H5Pset_create_intermediate_group(lcpl, 1); /* /architectures/A/pointP for repR */
    herr_t rc = H5Ocopy(src->h5, path, dst->h5, path, H5P_DEFAULT, lcpl);
    H5Pclose(lcpl);
    if (rc < 0) return error_set(err, "%s: cannot copy %s into %s", src->path, path, dst->tmp);
    return 0;
}

h5file *h5file_open_image(const void *image, size_t len, const char *name, vs_error *err)
{
    quiet();
    h5file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(name))) {
        free(f);
        return error_set(err, "out of memory"), NULL;
    }
    /* flags 0: HDF5 copies the buffer and opens it read-only; the caller keeps image */
    f->h5 = H5LTopen_file_image((void *)image, len, 0);
    if (f->h5 < 0) {
        error_set(err, "%s: not an HDF5 file image", name);
        file_free(f);
        return NULL;
    }
    return f;
}
