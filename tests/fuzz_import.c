/* libFuzzer target for `vpcsim import terraform`: any bytes must either fail with a message that
 * names the input ("fuzz:line:col: ..." or "fuzz: ..."), or import into a scenario text that
 * reads back as YAML (every name, value and comment escaped), and never crash or leak.
 * build: see .ci/fuzz (sim/cli/import_{json,tf,tf_types,yaml}.c, sim/io/config.c, -ljson-c)
 * run:   ./a.out -max_total_time=300 tests/fuzz_corpus/import */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/import_impl.h"
#include "vpcsim/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_import: %s:%d: %s\n", __FILE__, __LINE__, #cond);                \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vs_error err = {{0}};
    json_object *doc = import_json_parse((const char *)data, size, "fuzz", &err);
    if (!doc) {
        CHECK(strncmp(err.msg, "fuzz:", 5) == 0);
        return 0;
    }
    import_estate e;
    CHECK(import_estate_init(&e, "fuzz") == 0);
    if (import_tf(doc, "fuzz", &e, &err) == 0) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        CHECK(f && import_yaml_write(&e, "fuzz", NULL, f) == 0);
        fclose(f);
        config_doc *back = config_load_buffer(text, len, "out", &err);
        if (!back) fprintf(stderr, "%s\n---\n%s\n", err.msg, text);
        CHECK(back != NULL);
        config_free(back);
        free(text);
    } else {
        CHECK(strncmp(err.msg, "fuzz", 4) == 0);
    }
    import_estate_fini(&e);
    json_object_put(doc);
    return 0;
}
