/* vpcsim's command line: the one place that knows both the engine and the model registry.
 * Dispatches subcommands; exit 0 on success, 2 on bad input or usage, 1 on other failures. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *f)
{
    fputs(
        "usage: vpcsim <command> [options]\n"
        "commands:\n"
        "  check FILE [--json]     validate a scenario: paths, verdicts, static cost; --fail-on\n"
        "  run FILE [options]      simulate it: latency, failures, cost; vpcsim run --help\n"
        "  report FILE [--csv]     the tables of a run again, from its HDF5 file (run -o); --json\n"
        "  merge PART... -o OUT    the parts of a study (run --shard I/N) as one file\n"
        "  compare BASE NEW        did NEW (an HDF5 file) regress against BASE? vpcsim compare\n"
        "                          --help\n"
        "  bench phold [options]   engine benchmark (PHOLD); vpcsim bench --help\n"
        "  import terraform|aws IN [-o OUT]  a scenario from Terraform JSON or AWS describe-*\n"
        "  --version               print the version\n",
        f);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL errors are checked as return codes, never abort */
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "bench") == 0) return bench_main(argc - 2, argv + 2);
    if (strcmp(cmd, "check") == 0) return check_main(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0) return run_main(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0) return report_main(argc - 2, argv + 2);
    if (strcmp(cmd, "import") == 0) return import_main(argc - 2, argv + 2);
    if (strcmp(cmd, "compare") == 0) return compare_main(argc - 2, argv + 2);
    if (strcmp(cmd, "merge") == 0) return merge_main(argc - 2, argv + 2);
    if (strcmp(cmd, "--version") == 0) {
        puts("vpcsim " VPCSIM_VERSION);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "vpcsim: unknown command '%s'\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
