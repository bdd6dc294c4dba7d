/* libFuzzer target for the scenario loader: any bytes must either load, or fail with a
 * `fuzz:line:col: message`; a loaded tree is walked with every getter and its invariants checked.
 * build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isim sim/engine/error.c \
 *        sim/io/units.c sim/io/config.c sim/io/config_read.c tests/fuzz_config.c -lyaml -lm
 * run:   ./a.out -max_total_time=180 tests/fuzz_corpus/config */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/config.h"
#include "vpcsim/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const modes[] = {"standard", "adaptive", "legacy", NULL};
static const char *const allowed[] = {"name", "cidr", "timeout", "rate", "size", NULL};
static const config_keydef keydefs[] = {
    {"name", CONFIG_TYPE_STRING, NULL, NULL, "name"},
    {"timeout", CONFIG_TYPE_DURATION, NULL, "1s", "timeout"},
    {NULL, CONFIG_TYPE_STRING, NULL, NULL, NULL},
};

/* A message must be non-empty and fit in the buffer (error_set truncates). */
static void check_message(const vs_error *err)
{
    if (!err->msg[0] || strlen(err->msg) >= sizeof err->msg) abort();
}

static void check_positioned(const char *msg)
{
    int line = 0, col = 0, used = 0;
    if (sscanf(msg, "fuzz:%d:%d: %n", &line, &col, &used) != 2 || used == 0 || line < 1 ||
        col < 1 || !msg[used])
        abort();
}

/* Printing must give back what parsing read. */
static void check_round_trip(const config_node *node)
{
    char buf[64];
    int64_t v, back;
    vs_error err;
    if (config_as_duration(node, &v, &err) == 0) {
        if (units_parse_duration(units_format_duration(v, buf, sizeof buf), &back, &err) ||
            back != v)
            abort();
    } else {
        check_message(&err);
    }
    if (config_as_size(node, &v, &err) == 0) {
        if (units_parse_size(units_format_size(v, buf, sizeof buf), &back, &err) || back != v)
            abort();
    }
}

static void visit_scalar(const config_node *node)
{
    double d;
    int64_t i;
    int flag;
    const char *s;
    char buf[64];
    vs_error err;
    if (!config_scalar(node) || config_len(node) != 0) abort();
    check_round_trip(node);
    if (config_as_bitrate(node, &d, &err) == 0) units_format_bitrate(d, buf, sizeof buf);
    if (config_as_rate(node, &d, &err) == 0) units_format_rate(d, buf, sizeof buf);
    if (config_as_probability(node, &d, &err) == 0 && !(d >= 0 && d <= 1)) abort();
    config_as_money(node, &d, &err);
    config_as_int(node, -10, 10, &i, &err);
    config_as_double(node, 0, 1, &d, &err);
    config_as_bool(node, &flag, &err);
    config_as_enum(node, modes, &flag, &err);
    if (config_as_string(node, &s, &err) == 0 && s != config_scalar(node)) abort();
}

/* Every getter on one key of map (entry i). */
static void visit_entry(const config_node *map, size_t i)
{
    const char *key = config_scalar(config_key_at(map, i)), *s;
    const config_node *child;
    double d;
    int64_t v;
    int flag;
    vs_error err;
    if (!key || config_find(map, key) != config_at(map, i)) abort();
    if (config_get_duration(map, key, NULL, &v, &err)) check_positioned(err.msg);
    if (config_get_size(map, key, "1B", &v, &err)) check_positioned(err.msg);
    config_get_bitrate(map, key, NULL, &d, &err);
    config_get_rate(map, key, NULL, &d, &err);
    config_get_money(map, key, NULL, &d, &err);
    config_get_probability(map, key, NULL, &d, &err);
    config_get_int(map, key, NULL, 0, 100, &v, &err);
    config_get_double(map, key, NULL, -1, 1, &d, &err);
    config_get_bool(map, key, NULL, &flag, &err);
    config_get_string(map, key, NULL, &s, &err);
    config_get_enum(map, key, NULL, modes, &flag, &err);
    config_get_map(map, key, 1, &child, &err);
    if (config_get_seq(map, key, 1, &child, &err)) check_positioned(err.msg);
}

static void walk(const config_node *node, int depth)
{
    char path[256];
    vs_error err;
    if (depth > CONFIG_MAX_DEPTH + 1 || config_line(node) < 1 || config_col(node) < 1) abort();
    config_path(node, path, sizeof path);
    if (config_kind_of(node) == CONFIG_KIND_SCALAR) {
        visit_scalar(node);
        return;
    }
    if (config_kind_of(node) == CONFIG_KIND_MAP) {
        for (size_t i = 0; i < config_len(node); i++) visit_entry(node, i);
        if (config_check_keys(node, allowed, &err)) check_positioned(err.msg);
        if (config_check_keydefs(node, keydefs, &err)) check_positioned(err.msg);
        if (config_get_duration(node, "absent-key", NULL, &(int64_t){0}, &err) == 0) abort();
        check_positioned(err.msg);
    }
    for (size_t i = 0; i < config_len(node); i++) walk(config_at(node, i), depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vs_error err = {""};
    config_doc *doc = config_load_buffer((const char *)data, size, "fuzz", &err);
    if (!doc) {
        check_positioned(err.msg);
        return 0;
    }
    walk(config_root(doc), 0);
    config_free(doc);
    return 0;
}
