/* HDF5 output: a file written under a temporary name and renamed when closed, so nothing is ever
 * half-written under the final name; attributes for metadata; tables as chunked, compressed,
 * extensible compound datasets appended in blocks from in-memory buffers (never per event); and
 * reading them back (vpcsim report). The only module that touches HDF5. Not thread-safe: callers
 * serialise access to a file (and to the library). */
#ifndef VPCSIM_TRACE_H
#define VPCSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/error.h"

typedef enum trace_type {
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
} trace_type;

typedef struct trace_col {
    const char *name; /* field name in the compound type */
    trace_type type;  /* its type */
    size_t offset;    /* offsetof the field in the caller's row struct */
    const char *unit; /* stored as attribute "units" (comma-separated, in field order), or NULL */
} trace_col;

typedef struct trace_file trace_file;
typedef struct trace_table trace_table;

/* Creates `<path>.tmp.<pid>` (removing a stale one). Returns the file, or NULL with err set.
 * HDF5's own error printing is silenced; errors come back as messages. */
trace_file *trace_create(const char *path, vs_error *err);
/* Makes group path ("/nat/rep0") and any missing parents. Returns 0 or -1. */
int trace_group(trace_file *f, const char *group, vs_error *err);
/* Attributes on an existing group ("/" for the file). Returns 0 or -1. */
int trace_attr_str(trace_file *f, const char *group, const char *name, const char *value,
                   vs_error *err);
int trace_attr_i64(trace_file *f, const char *group, const char *name, int64_t value,
                   vs_error *err);
int trace_attr_u64(trace_file *f, const char *group, const char *name, uint64_t value,
                   vs_error *err);
int trace_attr_f64(trace_file *f, const char *group, const char *name, double value, vs_error *err);
/* A new table (dataset) at path with rows of row_size bytes described by cols. Its parent group
 * must exist. Returns the table, or NULL with err set. */
trace_table *trace_table_new(trace_file *f, const char *path, const trace_col *cols, size_t ncols,
                             size_t row_size, vs_error *err);
/* The same with chunks of chunk_rows rows (>= 1; trace_table_new uses 16 Ki): small tables
 * (summaries) take a chunk about their size, not 16 Ki rows each. */
trace_table *trace_table_new_chunked(trace_file *f, const char *path, const trace_col *cols,
                                     size_t ncols, size_t row_size, size_t chunk_rows,
                                     vs_error *err);
/* Appends n rows (row_size bytes each, laid out as the caller's struct). Returns 0 or -1. */
int trace_table_append(trace_table *t, const void *rows, size_t n, vs_error *err);
uint64_t trace_table_rows(const trace_table *t);
/* Closes the table's dataset (the file closes remaining ones). */
void trace_table_close(trace_table *t);
/* Sets root attribute `complete` (1 or 0), closes everything and renames the temporary file to
 * the final path. Returns 0, or -1 with err set (the temporary file is then removed). */
int trace_close(trace_file *f, bool complete, vs_error *err);
/* Closes and removes the temporary file: the final path is left as it was. NULL is a no-op. */
void trace_abort(trace_file *f);
/* The temporary path being written (for a last-moment unlink from a signal watcher). */
const char *trace_temp_path(const trace_file *f);
/* A one-dimensional attribute of n variable-length UTF-8 strings (h5py: an array of str). */
int trace_attr_strs(trace_file *f, const char *group, const char *name, const char *const *v,
                    size_t n, vs_error *err);

/* ---- reading (vpcsim report, tests) ---------------------------------------------------------- */

/* Opens an existing file read-only. Returns it, or NULL with err set ("not an HDF5 file", "cannot
 * open"). Close with trace_free. */
trace_file *trace_open(const char *path, vs_error *err);
void trace_free(trace_file *f); /* closes a file trace_open opened; NULL is a no-op */
/* Whether an object (group or dataset) exists at path; whether group has attribute name. */
bool trace_exists(trace_file *f, const char *path);
bool trace_has_attr(trace_file *f, const char *group, const char *name);
/* A scalar attribute, converted to the asked type (strings: fixed or variable length, cut to
 * n - 1 bytes). Returns 0, or -1 with err set (missing, or not convertible). */
int trace_get_str(trace_file *f, const char *group, const char *name, char *buf, size_t n,
                  vs_error *err);
int trace_get_i64(trace_file *f, const char *group, const char *name, int64_t *out, vs_error *err);
int trace_get_u64(trace_file *f, const char *group, const char *name, uint64_t *out, vs_error *err);
int trace_get_f64(trace_file *f, const char *group, const char *name, double *out, vs_error *err);
/* The strings of a one-dimensional string attribute (trace_attr_strs): *v[0 .. *n) malloc'd in
 * one block (free(*v)). Returns 0, or -1 with err set. */
int trace_get_strs(trace_file *f, const char *group, const char *name, char ***v, size_t *n,
                   vs_error *err);
/* Every row of table path, its fields matched by name to cols (each must be there; the file may
 * have more), laid out as the caller's rows of row_size bytes: *rows malloc'd (free it), *n rows.
 * Returns 0, or -1 with err set. */
int trace_table_read(trace_file *f, const char *path, const trace_col *cols, size_t ncols,
                     size_t row_size, void **rows, size_t *n, vs_error *err);

#endif
