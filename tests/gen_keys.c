/* Writes the scenario key reference (docs/scenario-keys.md) from the loader's key tables:
 * `gen_scenario_keys FILE` (or stdout without FILE); the CMake target `scenario-keys` runs it
 * on docs/scenario-keys.md, which test_scenario checks. */
#include <stdio.h>

#include "vpcsim/aws/scenario.h"

int main(int argc, char **argv)
{
    FILE *f = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    scenario_write_key_reference(f);
    return (argc > 1 ? fclose(f) : fflush(f)) == 0 ? 0 : 1;
}
