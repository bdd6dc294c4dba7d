/* HDF5 output: a file written under a temporary name and renamed when closed, so nothing is ever
 * half-written under the final name; attributes for metadata; tables as chunked, compressed,
 * extensible compound datasets appended in blocks from in-memory buffers (never per event).
 * The only module that touches HDF5. */
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
    TRACE_STR32, /* fixed-length string of 32 bytes, NUL-terminated (char[32] in the row) */
    TRACE_STR160 /* the same, 160 bytes (names: char[160]) */
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

#endif
