/* Tests for sim/io/config.c and config_read.c: the tree and its positions, typed getters with their
 * exact messages, strict keys, YAML errors, limits (depth, alias bombs) and thousands of mangled
 * documents. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vpcsim/config.h"

/* A scenario-like document; the tests below know its line and column numbers. */
static const char sample[] = "version: 1\n"                         /* 1 */
                             "name: demo\n"                         /* 2 */
                             "timeout: 250us\n"                     /* 3 */
                             "vpcs:\n"                              /* 4 */
                             "  - name: prod\n"                     /* 5 */
                             "    cidr: 10.0.0.0/16\n"              /* 6 */
                             "    subnets:\n"                       /* 7 */
                             "      - {az: a, cidr: 10.0.1.0/24}\n" /* 8 */
                             "  - name: dev\n"                      /* 9 */
                             "    cdir: 10.1.0.0/16\n"              /* 10 */
                             "limits:\n"                            /* 11 */
                             "  size: 5KiB\n"                       /* 12 */
                             "  bandwidth: 10Gbps\n"                /* 13 */
                             "  arrivals: 2000/s\n"                 /* 14 */
                             "  price: $0.045\n"                    /* 15 */
                             "  loss: 25%\n"                        /* 16 */
                             "  count: 12\n"                        /* 17 */
                             "  ratio: 0.5\n"                       /* 18 */
                             "  enabled: true\n"                    /* 19 */
                             "  mode: adaptive\n"                   /* 20 */
                             "  slow: fast\n"                       /* 21 */
                             "  list: [1ms, 2ms]\n"                 /* 22 */
                             "  empty:\n"                           /* 23 */
                             "  quoted: \"~\"\n"                    /* 24 */
                             "  tilde: ~\n";                        /* 25 */

static const char *const modes[] = {"standard", "adaptive", "legacy", NULL};

/* A fixed-seed 64-bit LCG (Knuth's MMIX constants): the same documents on every run. */
static uint64_t lcg_next(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return *state >> 33;
}

static config_doc *load_text(const char *text)
{
    vs_error err = {""};
    config_doc *doc = config_load_buffer(text, strlen(text), "s.yaml", &err);
    if (!doc) fail_msg("unexpected load error: %s", err.msg);
    return doc;
}

static void expect_load_error_n(const char *text, size_t len, const char *msg)
{
    vs_error err = {""};
    config_doc *doc = config_load_buffer(text, len, "s.yaml", &err);
    if (doc) config_free(doc);
    assert_null(doc);
    assert_string_equal(err.msg, msg);
}

static void expect_load_error(const char *text, const char *msg)
{
    expect_load_error_n(text, strlen(text), msg);
}

static const config_node *limits_of(const config_doc *doc)
{
    const config_node *limits = config_find(config_root(doc), "limits");
    assert_non_null(limits);
    return limits;
}

static void test_tree_shape_and_positions(void **state)
{
    config_doc *doc = load_text(sample);
    const config_node *root = config_root(doc), *vpcs, *prod, *subnet;
    char path[128];
    (void)state;
    assert_int_equal(config_kind_of(root), CONFIG_KIND_MAP);
    assert_int_equal(config_len(root), 5);
    assert_string_equal(config_scalar(config_key_at(root, 0)), "version"); /* document order */
    assert_string_equal(config_scalar(config_key_at(root, 4)), "limits");
    assert_null(config_key_at(root, 5));
    vpcs = config_find(root, "vpcs");
    assert_int_equal(config_kind_of(vpcs), CONFIG_KIND_SEQ);
    assert_int_equal(config_len(vpcs), 2);
    assert_int_equal(config_line(vpcs), 5);
    assert_int_equal(config_col(vpcs), 3);
    prod = config_at(vpcs, 0);
    assert_int_equal(config_line(prod), 5);
    assert_int_equal(config_col(prod), 5);
    assert_string_equal(config_scalar(config_find(prod, "cidr")), "10.0.0.0/16");
    assert_int_equal(config_col(config_find(prod, "cidr")), 11);
    subnet = config_at(config_find(prod, "subnets"), 0);
    assert_int_equal(config_line(subnet), 8);
    assert_int_equal(config_col(subnet), 9);
    assert_string_equal(config_path(subnet, path, sizeof path), "vpcs[0].subnets[0]");
    assert_string_equal(config_path(config_find(subnet, "az"), path, sizeof path),
                        "vpcs[0].subnets[0].az");
    assert_string_equal(config_path(root, path, sizeof path), "");
    assert_string_equal(config_path(subnet, path, 8), "vpcs[0]"); /* cut, terminated */
    assert_string_equal(config_file(subnet), "s.yaml");
    assert_null(config_at(vpcs, 2));
    assert_null(config_find(vpcs, "name")); /* not a map */
    assert_null(config_scalar(vpcs));
    config_free(doc);
}

static void test_getters_known_values(void **state)
{
    config_doc *doc = load_text(sample);
    const config_node *root = config_root(doc), *limits = limits_of(doc), *list = NULL;
    int64_t i64 = 0;
    double d = 0;
    int flag = -1, mode = -1;
    const char *s = NULL;
    vs_error err = {""};
    (void)state;
    assert_int_equal(config_get_duration(root, "timeout", NULL, &i64, &err), 0);
    assert_int_equal(i64, 250000);
    assert_int_equal(config_get_size(limits, "size", NULL, &i64, &err), 0);
    assert_int_equal(i64, 5120);
    assert_int_equal(config_get_bitrate(limits, "bandwidth", NULL, &d, &err), 0);
    assert_true(d == 1e10);
    assert_int_equal(config_get_rate(limits, "arrivals", NULL, &d, &err), 0);
    assert_true(d == 2000);
    assert_int_equal(config_get_money(limits, "price", NULL, &d, &err), 0);
    assert_true(d == 0.045);
    assert_int_equal(config_get_probability(limits, "loss", NULL, &d, &err), 0);
    assert_true(d == 0.25);
    assert_int_equal(config_get_int(limits, "count", NULL, 1, 100, &i64, &err), 0);
    assert_int_equal(i64, 12);
    assert_int_equal(config_get_double(limits, "ratio", NULL, 0, 1, &d, &err), 0);
    assert_true(d == 0.5);
    assert_int_equal(config_get_bool(limits, "enabled", NULL, &flag, &err), 0);
    assert_int_equal(flag, 1);
    assert_int_equal(config_get_enum(limits, "mode", NULL, modes, &mode, &err), 0);
    assert_int_equal(mode, 1);
    assert_int_equal(config_get_string(root, "name", NULL, &s, &err), 0);
    assert_string_equal(s, "demo");
    assert_int_equal(config_get_string(limits, "quoted", NULL, &s, &err), 0);
    assert_string_equal(s, "~"); /* quoted: text, not null */
    assert_int_equal(config_get_seq(limits, "list", 1, &list, &err), 0);
    assert_int_equal(config_as_duration(config_at(list, 1), &i64, &err), 0);
    assert_int_equal(i64, 2000000);
    assert_string_equal(err.msg, "");
    config_free(doc);
}

static void test_getter_defaults(void **state)
{
    config_doc *doc = load_text(sample);
    const config_node *limits = limits_of(doc), *child = limits;
    int64_t i64 = 0;
    double d = 0;
    int flag = -1, mode = -1;
    const char *s = NULL;
    vs_error err = {""};
    (void)state;
    assert_int_equal(config_get_duration(limits, "absent", "1.5ms", &i64, &err), 0);
    assert_int_equal(i64, 1500000);
    assert_int_equal(config_get_int(limits, "absent", "7", 0, 10, &i64, &err), 0);
    assert_int_equal(i64, 7);
    assert_int_equal(config_get_probability(limits, "absent", "1%", &d, &err), 0);
    assert_true(d == 0.01);
    assert_int_equal(config_get_bool(limits, "absent", "false", &flag, &err), 0);
    assert_int_equal(flag, 0);
    assert_int_equal(config_get_enum(limits, "absent", "legacy", modes, &mode, &err), 0);
    assert_int_equal(mode, 2);
    assert_int_equal(config_get_string(NULL, "absent", "x", &s, &err), 0); /* absent section */
    assert_string_equal(s, "x");
    assert_int_equal(config_get_map(limits, "absent", 0, &child, &err), 0);
    assert_null(child);
    assert_int_equal(config_get_duration(limits, "absent", "fast", &i64, &err), -1);
    assert_string_equal(err.msg, "s.yaml:12:3: internal error: default \"fast\" of key 'absent': "
                                 "expected a duration such as 250us or 1.5ms, got \"fast\"");
    config_free(doc);
}

/* Runs one getter that must fail and checks the whole message and that *out is untouched. */
static void test_getter_errors(void **state)
{
    config_doc *doc = load_text(sample);
    const config_node *root = config_root(doc), *limits = limits_of(doc), *node = NULL;
    const config_node *vpcs = config_find(root, "vpcs");
    int64_t i64 = 99;
    double d = 99;
    int flag = 99, mode = 99;
    const char *s = NULL;
    vs_error err = {""};
    (void)state;
    assert_int_equal(config_get_duration(limits, "slow", NULL, &i64, &err), -1);
    assert_string_equal(err.msg, "s.yaml:21:9: key 'slow': expected a duration such as 250us or "
                                 "1.5ms, got \"fast\"");
    assert_int_equal(i64, 99);
    assert_int_equal(config_get_duration(limits, "list", NULL, &i64, &err), -1);
    assert_string_equal(err.msg, "s.yaml:22:9: key 'list': expected a duration, got a sequence");
    assert_int_equal(config_get_duration(limits, "empty", "1s", &i64, &err), -1);
    assert_string_equal(err.msg, "s.yaml:23:9: key 'empty': expected a duration such as 250us or "
                                 "1.5ms, got an empty value");
    assert_int_equal(config_get_int(limits, "count", NULL, 20, 100, &i64, &err), -1);
    assert_string_equal(
        err.msg, "s.yaml:17:10: key 'count': expected an integer from 20 to 100, got \"12\"");
    assert_int_equal(config_get_int(limits, "ratio", NULL, 0, 100, &i64, &err), -1);
    assert_string_equal(
        err.msg, "s.yaml:18:10: key 'ratio': expected an integer from 0 to 100, got \"0.5\"");
    assert_int_equal(config_get_double(limits, "ratio", NULL, 1, 2, &d, &err), -1);
    assert_string_equal(err.msg,
                        "s.yaml:18:10: key 'ratio': expected a number from 1 to 2, got \"0.5\"");
    assert_int_equal(config_get_double(limits, "ratio", NULL, 1, INFINITY, &d, &err), -1);
    assert_string_equal(err.msg, "s.yaml:18:10: key 'ratio': expected a number >= 1, got \"0.5\"");
    assert_true(d == 99);
    assert_int_equal(config_get_bool(limits, "mode", NULL, &flag, &err), -1);
    assert_string_equal(err.msg,
                        "s.yaml:20:9: key 'mode': expected true or false, got \"adaptive\"");
    assert_int_equal(config_get_enum(limits, "slow", NULL, modes, &mode, &err), -1);
    assert_string_equal(err.msg, "s.yaml:21:9: key 'slow': expected one of standard, adaptive, "
                                 "legacy, got \"fast\"");
    assert_int_equal(mode, 99);
    assert_int_equal(config_get_string(limits, "tilde", NULL, &s, &err), -1);
    assert_string_equal(err.msg, "s.yaml:25:10: key 'tilde': expected a string, got \"~\", which "
                                 "YAML reads as null (quote it)");
    assert_int_equal(config_get_string(limits, "list", NULL, &s, &err), -1);
    assert_string_equal(err.msg, "s.yaml:22:9: key 'list': expected a string, got a sequence");
    assert_null(s);
    assert_int_equal(config_get_map(limits, "size", 1, &node, &err), -1);
    assert_string_equal(err.msg, "s.yaml:12:9: key 'size': expected a map, got a scalar");
    assert_int_equal(config_get_seq(limits, "empty", 0, &node, &err), -1);
    assert_string_equal(err.msg,
                        "s.yaml:23:9: key 'empty': expected a sequence, got an empty value");
    assert_int_equal(config_get_size(vpcs, "size", NULL, &i64, &err), -1);
    assert_string_equal(err.msg, "s.yaml:5:3: expected a map, got a sequence");
    assert_int_equal(config_as_size(config_find(limits, "bandwidth"), &i64, &err), -1);
    assert_string_equal(err.msg, "s.yaml:13:14: expected a size such as 5KiB or 1.5MB, got "
                                 "\"10Gbps\" (unknown unit \"Gbps\"; use B, KiB, MiB, GiB, TiB, "
                                 "KB, MB, GB or TB)");
    config_free(doc);
}

static void test_missing_required_key(void **state)
{
    config_doc *doc = load_text(sample);
    const config_node *root = config_root(doc), *vpcs = config_find(root, "vpcs");
    const config_node *subnet = config_at(config_find(config_at(vpcs, 0), "subnets"), 0);
    const char *s = NULL;
    int64_t i64;
    vs_error err = {""};
    (void)state;
    assert_int_equal(config_get_string(config_at(vpcs, 1), "cidr", NULL, &s, &err), -1);
    assert_string_equal(err.msg, "s.yaml:9:5: missing required key 'cidr' in vpcs[1] (name 'dev')");
    assert_int_equal(config_get_string(subnet, "route", NULL, &s, &err), -1);
    assert_string_equal(err.msg, "s.yaml:8:9: missing required key 'route' in vpcs[0].subnets[0]");
    assert_int_equal(config_get_duration(root, "seed", NULL, &i64, &err), -1);
    assert_string_equal(err.msg, "s.yaml:1:1: missing required key 'seed' at the top level");
    assert_int_equal(config_get_seq(root, "flows", 1, &subnet, &err), -1);
    assert_string_equal(err.msg, "s.yaml:1:1: missing required key 'flows' at the top level");
    assert_int_equal(config_get_duration(NULL, "seed", NULL, &i64, &err), -1);
    assert_string_equal(err.msg, "missing required key 'seed'");
    config_free(doc);
}

static void test_unknown_keys(void **state)
{
    config_doc *doc = load_text(sample);
    const config_node *root = config_root(doc), *vpcs = config_find(root, "vpcs");
    const char *const vpc_keys[] = {"name", "cidr", "subnets", NULL};
    const char *const top_keys[] = {"version", "name", "timeout", "vpcs", "limitz", NULL};
    const char *const none[] = {NULL};
    vs_error err = {""};
    (void)state;
    assert_int_equal(config_check_keys(config_at(vpcs, 0), vpc_keys, &err), 0);
    assert_int_equal(config_check_keys(config_at(vpcs, 1), vpc_keys, &err), -1);
    assert_string_equal(err.msg, "s.yaml:10:5: unknown key 'cdir' in vpcs[1]; did you mean "
                                 "'cidr'? (allowed: name, cidr, subnets)");
    assert_int_equal(config_check_keys(root, top_keys, &err), -1);
    assert_string_equal(err.msg, "s.yaml:11:1: unknown key 'limits' at the top level; did you "
                                 "mean 'limitz'? (allowed: version, name, timeout, vpcs, limitz)");
    assert_int_equal(config_check_keys(config_find(root, "limits"), vpc_keys, &err), -1);
    assert_string_equal(err.msg, "s.yaml:12:3: unknown key 'size' in limits (allowed: name, cidr, "
                                 "subnets)"); /* "size" is 3 edits from "name": no suggestion */
    assert_int_equal(config_check_keys(config_find(root, "limits"), none, &err), -1);
    assert_string_equal(err.msg, "s.yaml:12:3: unknown key 'size' in limits (allowed: none)");
    assert_int_equal(config_check_keys(NULL, vpc_keys, &err), 0);
    assert_int_equal(config_check_keys(vpcs, vpc_keys, &err), -1);
    assert_string_equal(err.msg, "s.yaml:5:3: expected a map, got a sequence");
    config_free(doc);
}

static void test_suggestions(void **state)
{
    const char *const keys[] = {"timeout", "retries", "max_connections", NULL};
    const struct {
        const char *typo, *msg;
    } cases[] = {
        {"timeuot", "s.yaml:1:1: unknown key 'timeuot' at the top level; did you mean 'timeout'? "
                    "(allowed: timeout, retries, max_connections)"}, /* a swap: 1 edit */
        {"timout", "s.yaml:1:1: unknown key 'timout' at the top level; did you mean 'timeout'? "
                   "(allowed: timeout, retries, max_connections)"},
        {"retrys", "s.yaml:1:1: unknown key 'retrys' at the top level; did you mean 'retries'? "
                   "(allowed: timeout, retries, max_connections)"},
        {"max_conns", "s.yaml:1:1: unknown key 'max_conns' at the top level (allowed: timeout, "
                      "retries, max_connections)"},
        {"tim", "s.yaml:1:1: unknown key 'tim' at the top level (allowed: timeout, retries, "
                "max_connections)"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[64];
        vs_error err = {""};
        config_doc *doc;
        snprintf(text, sizeof text, "%s: 1\n", cases[i].typo);
        doc = load_text(text);
        assert_int_equal(config_check_keys(config_root(doc), keys, &err), -1);
        assert_string_equal(err.msg, cases[i].msg);
        config_free(doc);
    }
}

static void test_keydefs(void **state)
{
    const config_keydef defs[] = {
        {"name", CONFIG_TYPE_STRING, NULL, NULL, "VPC name, unique in the scenario"},
        {"cidr", CONFIG_TYPE_STRING, "IPv4 CIDR", NULL, "address range of the VPC"},
        {"subnets", CONFIG_TYPE_SEQ, NULL, "", "subnets, one per AZ"},
        {NULL, CONFIG_TYPE_STRING, NULL, NULL, NULL},
    };
    config_doc *doc = load_text(sample);
    const config_node *vpcs = config_find(config_root(doc), "vpcs");
    const char *const subnet_keys[] = {"az", "cidr", NULL};
    vs_error err = {""};
    (void)state;
    assert_int_equal(config_check_keydefs(config_at(vpcs, 0), defs, &err), 0);
    assert_int_equal(config_check_keydefs(config_at(vpcs, 1), defs, &err), -1);
    assert_string_equal(err.msg, "s.yaml:10:5: unknown key 'cdir' in vpcs[1]; did you mean "
                                 "'cidr'? (allowed: name, cidr, subnets)");
    assert_int_equal(
        config_check_keydefs(config_at(config_find(config_at(vpcs, 0), "subnets"), 0), defs, &err),
        -1);
    assert_string_equal(err.msg, "s.yaml:8:10: unknown key 'az' in vpcs[0].subnets[0] (allowed: "
                                 "name, cidr, subnets)");
    assert_int_equal(config_check_keys(config_at(config_find(config_at(vpcs, 0), "subnets"), 0),
                                       subnet_keys, &err),
                     0);
    assert_string_equal(config_type_name(CONFIG_TYPE_DURATION), "duration");
    assert_string_equal(config_type_name(CONFIG_TYPE_SEQ), "sequence");
    config_free(doc);

    doc = load_text("- name: x\n  subnets: []\n");
    assert_int_equal(config_check_keydefs(config_at(config_root(doc), 0), defs, &err), -1);
    assert_string_equal(err.msg, "s.yaml:1:3: missing required key 'cidr' in [0] (name 'x')");
    config_free(doc);
}

static void test_sequence_items(void **state)
{
    config_doc *doc = load_text("[10Gbps, $1.5, 5%, 0.5, true, 1.5, x]\n");
    const config_node *seq = config_root(doc);
    double d = 0;
    int64_t i64 = 0;
    int flag = -1;
    vs_error err = {""};
    (void)state;
    assert_int_equal(config_as_bitrate(config_at(seq, 0), &d, &err), 0);
    assert_true(d == 1e10);
    assert_int_equal(config_as_money(config_at(seq, 1), &d, &err), 0);
    assert_true(d == 1.5);
    assert_int_equal(config_as_probability(config_at(seq, 2), &d, &err), 0);
    assert_true(d == 0.05);
    assert_int_equal(config_as_double(config_at(seq, 3), 0, 1, &d, &err), 0);
    assert_true(d == 0.5);
    assert_int_equal(config_as_bool(config_at(seq, 4), &flag, &err), 0);
    assert_int_equal(flag, 1);
    assert_int_equal(config_as_bool(config_at(seq, 5), &flag, &err), -1);
    assert_string_equal(err.msg, "s.yaml:1:31: expected true or false, got \"1.5\"");
    assert_int_equal(config_as_int(config_at(seq, 5), INT64_MIN, INT64_MAX, &i64, &err), -1);
    assert_string_equal(err.msg, "s.yaml:1:31: expected an integer, got \"1.5\"");
    assert_int_equal(config_as_double(config_at(seq, 6), -INFINITY, INFINITY, &d, &err), -1);
    assert_string_equal(err.msg, "s.yaml:1:36: expected a number, got \"x\"");
    assert_int_equal(config_as_double(config_at(seq, 5), -INFINITY, 1, &d, &err), -1);
    assert_string_equal(err.msg, "s.yaml:1:31: expected a number <= 1, got \"1.5\"");
    assert_int_equal(config_as_money(seq, &d, &err), -1);
    assert_string_equal(err.msg, "s.yaml:1:1: expected an amount of money, got a sequence");
    assert_int_equal(config_as_string(NULL, &(const char *){NULL}, &err), -1);
    assert_string_equal(err.msg, "internal error: no node to read");
    assert_true(d == 0.5 && flag == 1 && i64 == 0);
    config_free(doc);
}

/* Long values go to their own arena blocks; long keys are cut in messages. */
static void test_long_values_and_keys(void **state)
{
    const size_t big = 100000;
    const char *const allowed[] = {"a", NULL};
    char *text = malloc(big + 64);
    config_doc *doc;
    vs_error err = {""};
    (void)state;
    assert_non_null(text);
    memcpy(text, "a: ", 3);
    memset(text + 3, 'v', big);
    snprintf(text + 3 + big, 61, "\nb: 1\n%s: 2\n",
             "k123456789k123456789k123456789k123456789_tail");
    doc = load_text(text);
    assert_int_equal(strlen(config_scalar(config_find(config_root(doc), "a"))), big);
    assert_string_equal(config_scalar(config_find(config_root(doc), "b")), "1");
    assert_int_equal(config_check_keys(config_root(doc), allowed, &err), -1);
    assert_string_equal(err.msg, "s.yaml:2:1: unknown key 'b' at the top level; did you mean "
                                 "'a'? (allowed: a)");
    assert_int_equal(config_check_keys(config_find(config_root(doc), "a"), allowed, &err), -1);
    config_free(doc);
    doc = load_text("k123456789k123456789k123456789k123456789_tail: 1\n");
    assert_int_equal(config_check_keys(config_root(doc), allowed, &err), -1);
    assert_string_equal(err.msg,
                        "s.yaml:1:1: unknown key 'k123456789k123456789k123456789k123456789...' "
                        "at the top level (allowed: a)");
    config_free(doc);
    free(text);
}

/* Enough anchors to grow the anchor table several times; each alias finds its own. */
static void test_many_anchors(void **state)
{
    char text[4096];
    size_t len = 0;
    config_doc *doc;
    vs_error err = {""};
    int64_t v = 0;
    (void)state;
    for (int i = 0; i < 100; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "a%d: &n%d %d\n", i, i, i);
    len += (size_t)snprintf(text + len, sizeof text - len, "last: [*n0, *n57, *n99]\n");
    doc = load_text(text);
    assert_int_equal(
        config_as_int(config_at(config_find(config_root(doc), "last"), 1), 0, 99, &v, &err), 0);
    assert_int_equal(v, 57);
    config_free(doc);
    expect_load_error("m: &m {x: 1}\n*m : 2\n", "s.yaml:2:1: keys must be scalars, got an alias "
                                                "to a map");
}

static void test_error_at(void **state)
{
    config_doc *doc = load_text(sample);
    const config_node *count = config_find(limits_of(doc), "count");
    vs_error err = {""};
    (void)state;
    assert_int_equal(config_error_at(count, &err, "count must be even, got %d", 3), -1);
    assert_string_equal(err.msg, "s.yaml:17:10: count must be even, got 3");
    config_free(doc);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_load_error("a: [1, 2\nb: 3\n",
                      "s.yaml:2:2: did not find expected ',' or ']' (while parsing a flow sequence "
                      "at line 1, column 4)");
    expect_load_error("a: 1\n  b: 2\n", "s.yaml:2:4: mapping values are not allowed in this "
                                        "context");
    expect_load_error("a: 1\n\tb: 2\n",
                      "s.yaml:2:1: found a tab character that violates indentation (while "
                      "scanning a plain scalar at line 1, column 4)");
    expect_load_error("a: 'open\n",
                      "s.yaml:2:1: found unexpected end of stream (while scanning a quoted "
                      "scalar at line 1, column 4)");
    expect_load_error("a: 1\nb: \xff\n", "s.yaml:2:4: invalid leading UTF-8 octet (byte 0xff)");
    expect_load_error("a: 1\n- b\n",
                      "s.yaml:2:1: did not find expected key (while parsing a block mapping at "
                      "line 1, column 1)");
}

static void test_rejected_documents(void **state)
{
    (void)state;
    expect_load_error("a: 1\nb: 2\na: 3\n", "s.yaml:3:1: duplicate key 'a' (first at line 1, "
                                            "column 1)");
    expect_load_error("x:\n  k: 1\n  j: 2\n  k: 3\n  j: 4\n",
                      "s.yaml:4:3: duplicate key 'k' (first at line 2, column 3)");
    expect_load_error("{a: 1, b: 2, a: 2}", "s.yaml:1:14: duplicate key 'a' (first at line 1, "
                                            "column 2)");
    expect_load_error("a: !foo 1\n", "s.yaml:1:4: tags are not supported, got \"!foo\"");
    expect_load_error("a: !!str 1\n", "s.yaml:1:4: tags are not supported, got "
                                      "\"tag:yaml.org,2002:str\"");
    expect_load_error("a: \"x\\0y\"\n", "s.yaml:1:4: NUL characters are not allowed in "
                                        "values");
    expect_load_error("a: 1\n---\nb: 2\n", "s.yaml:2:1: a second YAML document; a scenario "
                                           "file holds one");
    expect_load_error("? [a]\n: 1\n", "s.yaml:1:3: keys must be scalars, got a sequence");
    expect_load_error("{{a: 1}: 1}", "s.yaml:1:2: keys must be scalars, got a map");
    expect_load_error("\"\": 1\n", "s.yaml:1:1: empty key");
    expect_load_error_n("a: 1\0b: 2\n", 10,
                        "s.yaml:1:5: control characters are not allowed "
                        "(byte 0x00)");
}

static void test_empty_documents(void **state)
{
    const char *const texts[] = {"", "# only a comment\n", "---\n", "\n\n"};
    (void)state;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        config_doc *doc = load_text(texts[i]);
        const config_node *root = config_root(doc);
        vs_error err = {""};
        int64_t ns;
        assert_int_equal(config_kind_of(root), CONFIG_KIND_SCALAR);
        assert_true(config_is_null(root));
        assert_int_equal(config_get_duration(root, "t", "1s", &ns, &err), -1);
        assert_string_equal(err.msg + strcspn(err.msg, " "), " expected a map, got a scalar");
        config_free(doc);
    }
    config_free(NULL); /* a no-op */
}

static void test_buffer_without_data_or_name(void **state)
{
    vs_error err = {""};
    config_doc *doc = config_load_buffer(NULL, 0, NULL, &err);
    (void)state;
    assert_non_null(doc);
    assert_string_equal(config_file(config_root(doc)), "<buffer>");
    config_free(doc);
    assert_null(config_load_buffer("a: [", 4, NULL, NULL)); /* no message wanted: no crash */
}

static void test_aliases(void **state)
{
    config_doc *doc = load_text("base: &lat {min: 1ms, max: 5ms}\n"
                                "a: *lat\n"
                                "b: [*lat, *lat]\n"
                                "c: &c 3\n"
                                "c2: &c 4\n"
                                "d: *c\n");
    const config_node *root = config_root(doc), *a = config_find(root, "a");
    int64_t v = 0;
    vs_error err = {""};
    (void)state;
    assert_ptr_equal(a, config_find(root, "base")); /* shared, not copied */
    assert_ptr_equal(config_at(config_find(root, "b"), 1), a);
    assert_int_equal(config_get_duration(a, "max", NULL, &v, &err), 0);
    assert_int_equal(v, 5000000);
    assert_int_equal(config_line(a), 1); /* the anchor's position */
    assert_int_equal(config_as_int(config_find(root, "d"), 0, 9, &v, &err), 0);
    assert_int_equal(v, 4); /* a redefined anchor: the latest wins */
    config_free(doc);
    expect_load_error("a: *nowhere\n", "s.yaml:1:4: undefined alias \"nowhere\"");
    expect_load_error("a: &x [1, *x]\n", "s.yaml:1:11: undefined alias \"x\"");
}

static void test_alias_bomb(void **state)
{
    char text[2048];
    size_t len = 0;
    (void)state;
    /* 10 levels of ten references each: 10^10 nodes if expanded */
    len += (size_t)snprintf(text, sizeof text, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, "
                                "*l%d]\n",
                                i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
                                i - 1);
    expect_load_error_n(text, len, "s.yaml:5:5: aliases expand to more than 100000 extra nodes");
    /* four levels (10^4 nodes) are fine */
    text[strstr(text, "l4:") - text] = '\0';
    config_free(load_text(text));
}

/* "[[[...]]]" with depth brackets, or with a scalar inside the innermost. */
static char *nested(size_t depth, const char *inner)
{
    size_t n = strlen(inner);
    char *text = malloc(2 * depth + n + 1);
    assert_non_null(text);
    memset(text, '[', depth);
    memcpy(text + depth, inner, n);
    memset(text + depth + n, ']', depth);
    text[2 * depth + n] = '\0';
    return text;
}

static const char nested_40[] =
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]";
static const char nested_25_alias[] = "[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]";

static void test_deep_nesting(void **state)
{
    char msg[128], *text;
    (void)state;
    text = nested(CONFIG_MAX_DEPTH + 1, ""); /* innermost sequence at depth 64 */
    config_free(load_text(text));
    free(text);
    text = nested(CONFIG_MAX_DEPTH, "1"); /* scalar at depth 64 */
    config_free(load_text(text));
    free(text);
    text = nested(CONFIG_MAX_DEPTH + 2, "");
    snprintf(msg, sizeof msg, "s.yaml:1:%d: nesting deeper than %d levels", CONFIG_MAX_DEPTH + 2,
             CONFIG_MAX_DEPTH);
    expect_load_error(text, msg);
    free(text);
    text = nested(100000, "x"); /* must fail fast and cleanly, without deep recursion */
    expect_load_error(text, msg);
    free(text);
    text = malloc(256);
    assert_non_null(text);
    /* 40 levels under the anchor, used 25 levels down: 65 in all */
    snprintf(text, 256, "a: &a %s\nb: %s\n", nested_40, nested_25_alias);
    expect_load_error(text, "s.yaml:2:29: nesting deeper than 64 levels through alias \"a\"");
    free(text);
}

static void test_load_file(void **state)
{
    char path[] = "/tmp/vpcsim_test_config_XXXXXX";
    int fd = mkstemp(path);
    vs_error err = {""};
    config_doc *doc;
    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "a:\n  b: 1\n  b: 2\n", 17), 17);
    close(fd);
    assert_null(config_load_file(path, &err));
    assert_non_null(strstr(err.msg, ":3:3: duplicate key 'b' (first at line 2, column 3)"));
    assert_int_equal(strncmp(err.msg, path, strlen(path)), 0);
    fclose(fopen(path, "w")); /* now empty */
    doc = config_load_file(path, &err);
    assert_non_null(doc);
    assert_true(config_is_null(config_root(doc)));
    assert_string_equal(config_file(config_root(doc)), path);
    config_free(doc);
    unlink(path);
    strcpy(path, "/tmp/vpcsim_test_config_XXXXXX");
    fd = mkstemp(path); /* a sparse file one byte over the limit */
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)CONFIG_MAX_FILE_BYTES + 1), 0);
    close(fd);
    assert_null(config_load_file(path, &err));
    assert_non_null(strstr(err.msg, ": larger than 64 MiB, too large for a scenario file"));
    unlink(path);
    assert_null(config_load_file("/nonexistent/vpcsim.yaml", &err));
    assert_string_equal(err.msg,
                        "/nonexistent/vpcsim.yaml: cannot read: No such file or directory");
    assert_null(config_load_file("/", &err));
    assert_string_equal(err.msg,
                        "/: not a regular file (a folder): vpcsim reads only regular files");
    /* a FIFO with no writer would block a plain open: refused at once */
    char fifo[64];
    snprintf(fifo, sizeof fifo, "/tmp/vpcsim-test-config-%ld.fifo", (long)getpid());
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_null(config_load_file(fifo, &err));
    assert_non_null(strstr(err.msg, ": not a regular file (a FIFO)"));
    unlink(fifo);
}

/* A file of another kind (a password file's first line as a key) is not echoed; a control
 * character (an escape sequence that would act on a terminal) is refused where it is. */
static void test_foreign_and_control_text(void **state)
{
    (void)state;
    vs_error err;
    static const char *const allowed[] = {"version", NULL};
    const char shadow[] = "root:*:20228:0:99999:7:::\n";
    config_doc *doc = config_load_buffer(shadow, sizeof shadow - 1, "shadow", &err);
    assert_non_null(doc);
    assert_int_equal(config_check_keys(config_root(doc), allowed, &err), -1);
    assert_null(strstr(err.msg, "20228"));
    assert_non_null(strstr(err.msg, "shadow:1:1: unknown key at the top level, not a name"));
    config_free(doc);
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"name: \"a\\e[31mred\"\n", "t:1:7: control character U+001B in a value"},
        {"a: 1\nb: \"x\\u009by\"\n", "t:2:4: control character U+009B"},
        {"\"k\\x07\": 1\n", "t:1:1: control character U+0007"},
        {"a: \"x\\ry\"\n", "t:1:4: control character U+000D"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_null(config_load_buffer(cases[i].text, strlen(cases[i].text), "t", &err));
        if (!strstr(err.msg, cases[i].want)) fail_msg("%s: got %s", cases[i].text, err.msg);
    }
    const char ok[] = "notes: |\n  two\n  lines\ttabbed\n";
    assert_non_null(doc = config_load_buffer(ok, sizeof ok - 1, "t", &err));
    config_free(doc);
}

/* Calls every getter on every key of every map (bounded by the load limits); must not crash. */
static void walk(const config_node *node, int depth)
{
    const char *const allowed[] = {"name", "cidr", "timeout", "limits", NULL};
    int64_t i64;
    double d;
    int flag;
    const char *s;
    const config_node *child;
    vs_error err;
    assert_true(depth <= CONFIG_MAX_DEPTH);
    if (config_kind_of(node) == CONFIG_KIND_SCALAR) {
        config_as_duration(node, &i64, &err);
        config_as_size(node, &i64, &err);
        config_as_rate(node, &d, &err);
        config_as_enum(node, modes, &flag, &err);
        config_as_string(node, &s, &err);
        return;
    }
    for (size_t i = 0; i < config_len(node); i++) {
        const config_node *key = config_key_at(node, i);
        if (key) {
            config_get_bitrate(node, config_scalar(key), "1bps", &d, &err);
            config_get_probability(node, config_scalar(key), NULL, &d, &err);
            config_get_int(node, config_scalar(key), NULL, -5, 5, &i64, &err);
            config_get_map(node, config_scalar(key), 1, &child, &err);
            assert_ptr_equal(config_find(node, config_scalar(key)), config_at(node, i));
        }
        walk(config_at(node, i), depth + 1);
    }
    if (config_kind_of(node) == CONFIG_KIND_MAP) config_check_keys(node, allowed, &err);
}

/* Asserts a load error reads `fuzz.yaml:<line>:<col>: <something>`. */
static void assert_positioned(const char *msg)
{
    int line = 0, col = 0, used = 0;
    if (sscanf(msg, "fuzz.yaml:%d:%d: %n", &line, &col, &used) != 2 || used == 0 || !msg[used])
        fail_msg("load error without a position: \"%s\"", msg);
    assert_true(line >= 1 && col >= 1);
}

/* Feeds mangled copies of the sample (and pure noise) to the loader: each either loads and can
 * be walked, or fails with a positioned message. */
static void test_mangled_documents(void **state)
{
    const char yaml_chars[] = ":-[]{},&*!|>'\"#?%@ \t\n\r\\0aZ";
    char buf[sizeof sample * 2];
    uint64_t rng = 2024;
    int loaded = 0, failed = 0;
    (void)state;
    for (int iter = 0; iter < 4000; iter++) {
        size_t len = sizeof sample - 1, edits = 1 + lcg_next(&rng) % 8;
        vs_error err = {""};
        config_doc *doc;
        memcpy(buf, sample, len);
        for (size_t e = 0; e < edits; e++) {
            size_t at = lcg_next(&rng) % len, what = lcg_next(&rng) % 4;
            if (what == 0) /* a YAML-significant character */
                buf[at] = yaml_chars[lcg_next(&rng) % (sizeof yaml_chars - 1)];
            else if (what == 1) /* any byte */
                buf[at] = (char)(lcg_next(&rng) & 0xff);
            else if (what == 2 && len > 1) /* delete */
                memmove(buf + at, buf + at + 1, --len - at);
            else if (len + 16 < sizeof buf) { /* duplicate a short run */
                size_t n = 1 + lcg_next(&rng) % 16;
                if (at + n > len) n = len - at;
                memmove(buf + at + n, buf + at, len - at);
                len += n;
            }
        }
        if (iter % 10 == 0) /* pure noise */
            for (size_t i = 0; i < len; i++) buf[i] = (char)(lcg_next(&rng) & 0xff);
        doc = config_load_buffer(buf, len, "fuzz.yaml", &err);
        if (doc) {
            walk(config_root(doc), 0);
            loaded++;
        } else {
            assert_positioned(err.msg);
            failed++;
        }
        config_free(doc);
    }
    assert_true(loaded > 100 && failed > 100); /* both paths were exercised */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_shape_and_positions),
        cmocka_unit_test(test_getters_known_values),
        cmocka_unit_test(test_getter_defaults),
        cmocka_unit_test(test_getter_errors),
        cmocka_unit_test(test_missing_required_key),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_suggestions),
        cmocka_unit_test(test_keydefs),
        cmocka_unit_test(test_sequence_items),
        cmocka_unit_test(test_long_values_and_keys),
        cmocka_unit_test(test_many_anchors),
        cmocka_unit_test(test_error_at),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_rejected_documents),
        cmocka_unit_test(test_empty_documents),
        cmocka_unit_test(test_buffer_without_data_or_name),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_alias_bomb),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_foreign_and_control_text),
        cmocka_unit_test(test_mangled_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
