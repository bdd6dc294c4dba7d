/* Input files: every file vpcsim reads (scenario, --prices, --defaults, a replay `file:`) is
 * opened here, so that a FIFO or a device is refused without blocking, and a file a scenario
 * names stays inside the scenario's folder unless the user allows more (docs/files.md). */
#ifndef VPCSIM_INFILE_H
#define VPCSIM_INFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vpcsim/error.h"

/* Opens path for reading if it is a regular file: opened with O_NONBLOCK (a FIFO with no writer
 * or a device cannot hang the open), checked with fstat, then made blocking again. Returns the
 * stream, or NULL with err set ("PATH: not a regular file (a FIFO): vpcsim reads only regular
 * files", "PATH: cannot read: ..."). */
FILE *infile_open(const char *path, vs_error *err);

/* The path of a file that scenario (a path) names as `name`: name itself if absolute, else beside
 * the scenario. Unless allow_outside, its real path (links resolved) must lie inside the real
 * path of the scenario's folder: an absolute name, a ".." or a link leading out is refused.
 * Writes the path into buf (n bytes). Returns 0, or -1 with err set (no position: the caller
 * adds the scenario's file:line:col). */
int infile_resolve(const char *scenario, const char *name, bool allow_outside, char *buf, size_t n,
                   vs_error *err);

#endif
