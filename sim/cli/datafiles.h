/* The data files vpcsim ships (price tables, model defaults, plot scripts), found relative to the
 * binary so that it runs installed, from a build folder, or from wherever $VPCSIM_DATA_DIR says; no
 * source path is compiled in. */
#ifndef VPCSIM_CLI_DATAFILES_H
#define VPCSIM_CLI_DATAFILES_H

#include <stddef.h>

#include "vpcsim/error.h"

/* The shipped tables, by their name in the data folder. */
#define DATAFILES_PRICES   "prices/aws-us-east-1.yaml"
#define DATAFILES_DEFAULTS "defaults/aws-us-east-1.yaml"
/* How the help texts name the data folder. */
#define DATAFILES_WHERE "share/vpcsim/ of the install, or experiments/"

/* Finds the data file rel (e.g. DATAFILES_PRICES) and writes its path into buf (n bytes). Looks
 * only in $VPCSIM_DATA_DIR when that is set; else, from the binary's folder BIN, in
 * BIN/VPCSIM_DATA_REL (installed: ../share/vpcsim), BIN/vpcsim-data (a build folder: CMake makes
 * it with links to the source tree's experiments/prices, experiments/defaults and plots), then
 * BIN/../experiments. Returns 0, or -1 with err
 * naming the file and the places looked in. */
int datafiles_find(const char *rel, char *buf, size_t n, vs_error *err);

/* *path if the user gave one, else rel found by datafiles_find into buf. Returns 0 or -1. */
int datafiles_default(const char **path, const char *rel, char *buf, size_t n, vs_error *err);

#endif
