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
int report_main(int argc, char **argv);
int import_main(int argc, char **argv);
int compare_main(int argc, char **argv);

#endif
