/* HDF5 output: a file written under a temporary name (unguessable, beside the target) and renamed
 * when closed, so nothing is ever half-written under the final name (docs/files.md); attributes for
 * metadata; tables as chunked, compressed, extensible compound datasets appended in blocks from
 * in-memory buffers (never per event); and reading them back (vpcsim report). The only module that
 * touches HDF5. Not thread-safe: callers serialise access to a file (and to the library). */
#ifndef VPCSIM_H5FILE_H
#define VPCSIM_H5FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/error.h"

typedef enum h5file_type {
    TRACE_I64,
    TRACE_U64,
    TRACE_I32,
    TRACE_U32,
    TRACE_U8,
    TRACE_F64,
    TRACE_STR32,  /* fixed-length string of 32 bytes, NUL-terminated (char[32] in the row) */
    TRACE_STR160, /* the same, 160 bytes (names: char[160]) */
    TRACE_STR16,  /* the same, 16 bytes (short words: a status) */
    TRACE_STR64,  /* the same, 64 bytes (scenario element names: at most 63 characters) */
    TRACE_STR512, /* the same, 512 bytes (reasons) */
    TRACE_STR1024 /* the same, 1024 bytes (hop lists) */
} h5file_type;

typedef struct h5file_col {
    const char *name; /* field name in the compound type */
    h5file_type type; /* its type */
    size_t offset;    /* offsetof the field in the caller's row struct */
    const char *unit; /* stored as attribute "units" (comma-separated, in field order), or NULL */
} h5file_col;

typedef struct h5file h5file;
typedef struct h5file_table h5file_table;

/* Whether path may be written: absent, a regular file, or a link (to a regular file or to
 * nothing) that the final rename replaces; never a device, FIFO or folder; its name within the
 * file system's limits. Returns 0, or -1 with err set. */
int h5file_check_target(const char *path, vs_error *err);
/* Checks path (h5file_check_target), removes temporaries of it left by writers that died, and
 * creates a new one beside it: `<path>.tmp.<pid>.XXXXXX` (or `.vpcsim.tmp.<pid>.XXXXXX` in its
 * folder when that name would be too long), a name from mkstemp (not guessable) that HDF5 then
 * creates exclusively (O_CREAT|O_EXCL: never through a link), with the mode of a new file.
 * Returns the file, or NULL with err set and nothing left behind. HDF5's own error printing is
 * silenced; errors come back as messages. */
h5file *h5file_create(const char *path, vs_error *err);
/* Makes group path ("/nat/rep0") and any missing parents. Returns 0 or -1. */
int h5file_group(h5file *f, const char *group, vs_error *err);
/* Attributes on an existing group ("/" for the file). Returns 0 or -1. */
int h5file_attr_str(h5file *f, const char *group, const char *name, const char *value,
                    vs_error *err);
int h5file_attr_i64(h5file *f, const char *group, const char *name, int64_t value, vs_error *err);
int h5file_attr_u64(h5file *f, const char *group, const char *name, uint64_t value, vs_error *err);
int h5file_attr_f64(h5file *f, const char *group, const char *name, double value, vs_error *err);
/* A new table (dataset) at path with rows of row_size bytes described by cols. Its parent group
 * must exist. Returns the table, or NULL with err set. */
h5file_table *h5file_table_new(h5file *f, const char *path, const h5file_col *cols, size_t ncols,
                               size_t row_size, vs_error *err);
/* The same with chunks of chunk_rows rows (>= 1; h5file_table_new uses 16 Ki): small tables
 * (summaries) take a chunk about their size, not 16 Ki rows each. */
h5file_table *h5file_table_new_chunked(h5file *f, const char *path, const h5file_col *cols,
                                       size_t ncols, size_t row_size, size_t chunk_rows,
                                       vs_error *err);
/* Appends n rows (row_size bytes each, laid out as the caller's struct). Returns 0 or -1. */
int h5file_table_append(h5file_table *t, const void *rows, size_t n, vs_error *err);
uint64_t h5file_table_rows(const h5file_table *t);
/* Closes the table's dataset (the file closes remaining ones). */
void h5file_table_close(h5file_table *t);
/* Sets root attribute `complete` (1 or 0), closes everything and renames the temporary file to
 * the final path (if it still is the file created). Returns 0, or -1 with err set (the temporary
 * file is then removed, the final path left as it was). */
int h5file_close(h5file *f, bool complete, vs_error *err);
/* Closes and removes the temporary file: the final path is left as it was. NULL is a no-op. */
void h5file_abort(h5file *f);
/* The temporary path being written (for a last-moment unlink from a signal watcher). */
const char *h5file_temp_path(const h5file *f);
/* A one-dimensional attribute of n variable-length UTF-8 strings (h5py: an array of str). */
int h5file_attr_strs(h5file *f, const char *group, const char *name, const char *const *v, size_t n,
                     vs_error *err);

/* ---- reading (vpcsim report, tests) ---------------------------------------------------------- */

/* Opens an existing file read-only. Returns it, or NULL with err set ("not an HDF5 file", "cannot
 * open"). Close with h5file_free. */
h5file *h5file_open(const char *path, vs_error *err);
void h5file_free(h5file *f); /* closes a file h5file_open opened; NULL is a no-op */
/* Whether an object (group or dataset) exists at path; whether group has attribute name. */
bool h5file_exists(h5file *f, const char *path);
bool h5file_has_attr(h5file *f, const char *group, const char *name);
/* A scalar attribute, converted to the asked type (strings: fixed or variable length, cut to
 * n - 1 bytes). Returns 0, or -1 with err set (missing, or not convertible). */
int h5file_get_str(h5file *f, const char *group, const char *name, char *buf, size_t n,
                   vs_error *err);
int h5file_get_i64(h5file *f, const char *group, const char *name, int64_t *out, vs_error *err);
int h5file_get_u64(h5file *f, const char *group, const char *name, uint64_t *out, vs_error *err);
int h5file_get_f64(h5file *f, const char *group, const char *name, double *out, vs_error *err);
/* The strings of a one-dimensional string attribute (h5file_attr_strs): *v[0 .. *n) malloc'd in
 * one block (free(*v)). Returns 0, or -1 with err set. */
int h5file_get_strs(h5file *f, const char *group, const char *name, char ***v, size_t *n,
                    vs_error *err);
/* Every row of table path, its fields matched by name to cols (each must be there; the file may
 * have more), laid out as the caller's rows of row_size bytes: *rows malloc'd (free it), *n rows.
 * Returns 0, or -1 with err set. */
int h5file_table_read(h5file *f, const char *path, const h5file_col *cols, size_t ncols,
                      size_t row_size, void **rows, size_t *n, vs_error *err);

/* ---- copying (vpcsim merge, run --resume, MPI ranks) ----------------------------------------- */

/* Copies the object at path (a group with everything under it, or a dataset) of src to the same
 * path of dst (a file h5file_create made), making missing parents. Returns 0, or -1 with err set
 * (the object is not in src, or the write failed). */
int h5file_copy(h5file *dst, h5file *src, const char *path, vs_error *err);
/* Opens a file image held in memory (H5Fget_file_image of another process's file), read-only;
 * name is for messages. HDF5 copies image. Returns it, or NULL with err set. Close with
 * h5file_free. */
h5file *h5file_open_image(const void *image, size_t len, const char *name, vs_error *err);

#endif
