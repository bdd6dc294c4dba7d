/* Command-line entry points (their options: options.h). Each *_main returns the
 * process exit code: 0 success, 2 bad input or usage, 1 other failures. */
#ifndef VPCSIM_CLI_H
#define VPCSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/options.h"
#include "vpcsim/error.h"

enum { EXIT_USAGE = 2 };

int bench_main(int argc, char **argv);
int check_main(int argc, char **argv);
int run_main(int argc, char **argv);
int merge_main(int argc, char **argv);
int report_main(int argc, char **argv);
int import_main(int argc, char **argv);
int compare_main(int argc, char **argv);

struct scenario;
/* The default price table of scenario s (its first Region's, prices/aws-REGION.yaml in the data
 * folder, sim/cli/datafiles.h) into path. Returns 0, or -1 with err naming the Region and the
 * tables available when that Region has none (exit 2). */
int prices_path_for(const struct scenario *s, char *path, size_t n, vs_error *err);

#endif
