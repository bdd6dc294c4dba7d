/* libFuzzer target for `vpcsim import`: any bytes must either fail with a message that names the
 * input ("fuzz:line:col: ..." or "fuzz: ..."), or import into a scenario text that reads back as
 * YAML (every name, value and comment escaped), and never crash or leak. The same bytes are also
 * one describe-* file (chosen by the first byte) of `vpcsim import aws`.
 * build: see .ci/fuzz (sim/cli/import_{json,tf,tf_types,yaml}.c, sim/io/config.c, -ljson-c)
 * run:   ./a.out -max_total_time=300 tests/fuzz_corpus/import */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The scenario text of e reads back as YAML. */
static void check_yaml(const import_estate *e)
{
    vs_error err = {{0}};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    CHECK(f && import_yaml_write(e, "fuzz", NULL, f) == 0);
    fclose(f);
    config_doc *back = config_load_buffer(text, len, "out", &err);
    if (!back) fprintf(stderr, "%s\n---\n%s\n", err.msg, text);
    CHECK(back != NULL);
    config_free(back);
    free(text);
}

/* The bytes as one describe-* file in a fresh folder, imported with `vpcsim import aws`. */
static void fuzz_aws(const uint8_t *data, size_t size)
{
    static const char *const files[] = {"vpcs.json",
                                        "subnets.json",
                                        "route-tables.json",
                                        "nat-gateways.json",
                                        "internet-gateways.json",
                                        "vpc-endpoints.json",
                                        "security-groups.json",
                                        "transit-gateways.json",
                                        "transit-gateway-attachments.json",
                                        "transit-gateway-route-tables.json",
                                        "vpc-peering-connections.json",
                                        "vpn-connections.json",
                                        "virtual-interfaces.json",
                                        "resolver-endpoints.json"};
    char dir[] = "/tmp/fuzz-import-XXXXXX", path[128];
    if (size < 1 || !mkdtemp(dir)) return;
    snprintf(path, sizeof path, "%s/%s", dir, files[data[0] % (sizeof files / sizeof *files)]);
    FILE *f = fopen(path, "wb");
    if (f) fwrite(data + 1, 1, size - 1, f), fclose(f);
    import_estate e;
    vs_error err = {{0}};
    CHECK(import_estate_init(&e, "fuzz") == 0);
    if (import_aws(dir, &e, &err) == 0)
        check_yaml(&e);
    else
        CHECK(strncmp(err.msg, dir, strlen(dir)) == 0); /* names the folder and file */
    import_estate_fini(&e);
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_aws(data, size);
    vs_error err = {{0}};
    json_object *doc = import_json_parse((const char *)data, size, "fuzz", &err);
    if (!doc) {
        CHECK(strncmp(err.msg, "fuzz:", 5) == 0);
        return 0;
    }
    import_estate e;
    CHECK(import_estate_init(&e, "fuzz") == 0);
    if (import_tf(doc, "fuzz", &e, &err) == 0)
        check_yaml(&e);
    else
        CHECK(strncmp(err.msg, "fuzz", 4) == 0);
    import_estate_fini(&e);
    json_object_put(doc);
    return 0;
}
