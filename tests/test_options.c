/* The table-driven option parser: each value kind stored where its table says, ranges and kinds
 * refused with the option's name, what it wanted and what it got; help anywhere; the one FILE;
 * and the usage text generated from the table, compared with a layout written out by hand. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/options.h"

typedef struct toy {
    const char *file, *out, *queue, *note;
    bool quiet, has_seed, has_bin;
    int threads;
    uint64_t seed;
    double remote, share;
    int64_t bin_ns;
    int customs;
} toy;

static int count_custom(void *opts, const char *name, const char *value, vs_error *err)
{
    toy *t = opts;
    if (strcmp(value, "bad") == 0) return error_set(err, "%s refuses '%s'", name, value);
    t->customs++;
    return 0;
}

static const char *const queues[] = {"ladder", "heap", "splay", NULL};

static const option_def toy_options[] = {
    {.name = "--threads",
     .kind = OPTION_UINT,
     .value_name = "N",
     OPTION_UINT_AT(toy, threads),
     .umin = 1,
     .umax = 1024,
     .help = "threads"},
    {.name = "--seed",
     .kind = OPTION_UINT,
     .value_name = "S",
     OPTION_UINT_AT(toy, seed),
     OPTION_SEEN(toy, has_seed),
     .umax = UINT64_MAX,
     .help = "seed"},
    {.name = "--remote",
     .kind = OPTION_DOUBLE,
     .value_name = "P",
     OPTION_AT(toy, remote),
     .dmin = 0,
     .dmax = 1,
     .dmin_open = true,
     .help = "a share, more than 0"},
    {.name = "--share",
     .kind = OPTION_SHARE,
     .value_name = "F",
     OPTION_AT(toy, share),
     .help = "x"},
    {.name = "--bin",
     .kind = OPTION_DURATION,
     .value_name = "D",
     OPTION_AT(toy, bin_ns),
     OPTION_SEEN(toy, has_bin),
     .positive = true,
     .help = "a bin,\nover two lines"},
    {.name = "--queue",
     .kind = OPTION_CHOICE,
     .value_name = "Q",
     OPTION_AT(toy, queue),
     .choices = queues,
     .help = "q"},
    {.name = "-o", .kind = OPTION_FILE, .value_name = "FILE", OPTION_AT(toy, out), .help = "o"},
    {.name = "--note", .kind = OPTION_STRING, .value_name = "T", OPTION_AT(toy, note), .help = "n"},
    {.name = "--x", .kind = OPTION_CUSTOM, .value_name = "V", .parse = count_custom, .help = "c"},
    {.name = "--quiet", .kind = OPTION_FLAG, OPTION_AT(toy, quiet), .help = "quiet"},
};

static const options_spec toy_spec = {
    .command = "toy",
    .file = "toy FILE",
    .file_at = offsetof(toy, file),
    .opts = toy_options,
    .nopts = sizeof toy_options / sizeof *toy_options,
    .help_column = 14,
};

#define ARGS(...) (sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)), ((char *[]){__VA_ARGS__})

static int parse(toy *t, vs_error *err, int argc, char **argv)
{
    memset(t, 0, sizeof *t);
    memset(err, 0, sizeof *err);
    return options_parse(&toy_spec, t, argc, argv, err);
}

static void every_kind_is_stored(void **st)
{
    (void)st;
    toy t;
    vs_error err;
    assert_int_equal(
        parse(&t, &err,
              ARGS("--threads", "1024", "--seed", "18446744073709551615", "f.yaml", "--remote",
                   "0.5", "--share", "25%", "--bin", "100ms", "--queue", "heap", "-o", "out.h5",
                   "--note", "", "--x", "1", "--x", "2", "--quiet")),
        0);
    assert_string_equal(t.file, "f.yaml");
    assert_int_equal(t.threads, 1024);
    assert_true(t.seed == UINT64_MAX && t.has_seed);
    assert_true(t.remote == 0.5);
    assert_true(t.share == 0.25);
    assert_true(t.bin_ns == 100000000 && t.has_bin);
    assert_string_equal(t.queue, "heap");
    assert_string_equal(t.out, "out.h5");
    assert_string_equal(t.note, "");
    assert_int_equal(t.customs, 2);
    assert_true(t.quiet);
    assert_int_equal(parse(&t, &err, ARGS("f.yaml")), 0);
    assert_false(t.has_seed || t.has_bin || t.quiet); /* seen only when given */
}

static void bad_values_name_the_option(void **st)
{
    (void)st;
    static const struct {
        const char *opt, *val, *says;
    } cases[] = {
        {"--threads", "0", "--threads expects a whole number in [1, 1024], got '0'"},
        {"--threads", "1025", "--threads expects a whole number in [1, 1024], got '1025'"},
        {"--threads", "x", "--threads expects a whole number in [1, 1024], got 'x'"},
        {"--threads", "2.5", "got '2.5'"},
        {"--seed", "-1", "--seed expects a whole number in [0, 18446744073709551615], got '-1'"},
        {"--seed", "18446744073709551616", "got '18446744073709551616'"},
        {"--remote", "0", "--remote expects a number in (0, 1], got '0'"},
        {"--remote", "inf", "got 'inf'"},
        {"--share", "1.5", "--share expects a share from 0 to 1 (or 0% to 100%), got '1.5'"},
        {"--bin", "0s", "--bin must be more than 0s, got '0s'"},
        {"--bin", "10", "--bin: "},
        {"--queue", "fifo", "--queue expects ladder, heap or splay, got 'fifo'"},
        {"-o", "", "-o needs a file name"},
        {"--x", "bad", "--x refuses 'bad'"},
    };
    toy t;
    vs_error err;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (parse(&t, &err, ARGS("f", (char *)cases[i].opt, (char *)cases[i].val)) != -1 ||
            !strstr(err.msg, cases[i].says))
            fail_msg("%s %s: got \"%s\"", cases[i].opt, cases[i].val, err.msg);
    }
}

static void the_command_line_shape(void **st)
{
    (void)st;
    toy t;
    vs_error err;
    assert_int_equal(parse(&t, &err, ARGS("f", "--threads")), -1);
    assert_string_equal(err.msg, "--threads needs a value");
    assert_int_equal(parse(&t, &err, ARGS("f", "--frob")), -1);
    assert_string_equal(err.msg, "unknown option '--frob'");
    assert_int_equal(parse(&t, &err, ARGS("f", "g")), -1);
    assert_string_equal(err.msg, "unexpected argument 'g' (one toy FILE at a time)");
    assert_int_equal(parse(&t, &err, ARGS("--quiet")), -1);
    assert_string_equal(err.msg, "missing the toy FILE");
    /* --help and -h win wherever they stand, even where a value was due */
    assert_int_equal(parse(&t, &err, ARGS("--threads", "--help")), OPTIONS_HELP);
    assert_int_equal(parse(&t, &err, ARGS("g", "h", "-h")), OPTIONS_HELP);
    assert_int_equal(parse(&t, &err, ARGS("-")), 0); /* "-" is a file name */
    assert_string_equal(t.file, "-");
}

static void usage_comes_from_the_table(void **st)
{
    (void)st;
    static const option_def two[] = {
        {.name = "--json", .kind = OPTION_FLAG, .help = "as JSON"},
        {.name = "--prices", .kind = OPTION_FILE, .value_name = "FILE", .help = "a\nb"},
    };
    options_spec spec = {.command = "check",
                         .file = "scenario FILE",
                         .list_in_synopsis = true,
                         .about = "  about\n",
                         .opts = two,
                         .nopts = 2,
                         .help_column = 18,
                         .footer = "  end\n"};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    options_usage(&spec, f);
    spec.list_in_synopsis = false, spec.file = NULL, spec.about = spec.footer = NULL;
    spec.help_column = 4; /* narrower than a name: one blank */
    options_usage(&spec, f);
    fclose(f);
    assert_string_equal(text, "usage: vpcsim check FILE [--json] [--prices FILE]\n"
                              "  about\n"
                              "  --json          as JSON\n"
                              "  --prices FILE   a\n"
                              "                  b\n"
                              "  end\n"
                              "usage: vpcsim check [options]\n"
                              "  --json as JSON\n"
                              "  --prices FILE a\n"
                              "    b\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_is_stored),
        cmocka_unit_test(bad_values_name_the_option),
        cmocka_unit_test(the_command_line_shape),
        cmocka_unit_test(usage_comes_from_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
