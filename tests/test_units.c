/* Tests for sim/io/units.c: known values for every quantity, every error class with its exact
 * message, and printing checked against parsing (format then parse must give the value back). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vpcsim/units.h"

typedef struct exact_case {
    const char *text;
    int64_t value;
} exact_case;

typedef struct real_case {
    const char *text;
    double value;
} real_case;

typedef struct error_case {
    const char *text;
    const char *msg; /* the whole message */
} error_case;

/* A fixed-seed 64-bit LCG (Knuth's MMIX constants): the same numbers on every run. */
static uint64_t lcg_next(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return *state;
}

static void test_duration_known_values(void **state)
{
    const exact_case cases[] = {
        {"1.5ms", 1500000},
        {"250us", 250000},
        {"1ns", 1},
        {"0s", 0},
        {"2s", 2000000000},
        {"1.5m", 90000000000},
        {"2h", 7200000000000},
        {"30d", 2592000000000000},
        {"0.1s", 100000000},
        {"1\xc2\xb5s", 1000},                        /* U+00B5 micro sign */
        {"1\xce\xbcs", 1000},                        /* U+03BC Greek mu */
        {"007ms", 7000000},                          /* leading zeros are decimal */
        {"1.000000000000000000000000s", 1000000000}, /* trailing zeros cost nothing */
        {"0.000000001s", 1},
        {"106751d", 9223286400000000000},
        {"9223372036854775807ns", INT64_MAX},
        {"9223372036.854775807s", INT64_MAX},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ns = -1;
        vs_error err = {""};
        assert_int_equal(units_parse_duration(cases[i].text, &ns, &err), 0);
        assert_int_equal(ns, cases[i].value);
        assert_string_equal(err.msg, "");
    }
}

static void check_errors(int (*parse)(const char *, int64_t *, vs_error *), const error_case *cases,
                         size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int64_t out = 12345;
        vs_error err = {""};
        assert_int_equal(parse(cases[i].text, &out, &err), -1);
        assert_int_equal(out, 12345); /* left unchanged */
        assert_string_equal(err.msg, cases[i].msg);
    }
}

static void test_duration_errors(void **state)
{
    const error_case cases[] = {
        {"12parsecs", "expected a duration such as 250us or 1.5ms, got \"12parsecs\" (unknown unit "
                      "\"parsecs\"; use ns, us, ms, s, m, h or d)"},
        {"9999999999d", "expected a duration of at most 106751d, got \"9999999999d\""},
        {"106752d", "expected a duration of at most 106751d, got \"106752d\""},
        {"9223372036854775808ns", "expected a duration of at most 106751d, got "
                                  "\"9223372036854775808ns\""},
        {"99999999999999999999999s", "expected a duration of at most 106751d, got "
                                     "\"99999999999999999999999s\""},
        {"-5ms", "expected a duration >= 0, got \"-5ms\""},
        {"-0s", "expected a duration >= 0, got \"-0s\""},
        {"", "expected a duration such as 250us or 1.5ms, got an empty value"},
        {"12", "expected a duration such as 250us or 1.5ms, got \"12\" (no unit)"},
        {"0.5ns", "expected a whole number of nanoseconds, got \"0.5ns\""},
        {"0.0000000001s", "expected a whole number of nanoseconds, got \"0.0000000001s\""},
        {"1.00000000000000000000001s", "expected a whole number of nanoseconds, got "
                                       "\"1.00000000000000000000001s\""},
        {"1.5.5ms", "expected a duration such as 250us or 1.5ms, got \"1.5.5ms\""},
        {"12 ms", "expected a duration such as 250us or 1.5ms, got \"12 ms\""},
        {" 12ms", "expected a duration such as 250us or 1.5ms, got \" 12ms\""},
        {"12ms ", "expected a duration such as 250us or 1.5ms, got \"12ms \" (unknown unit \"ms "
                  "\"; use ns, us, ms, s, m, h or d)"},
        {"12MS", "expected a duration such as 250us or 1.5ms, got \"12MS\" (unknown unit \"MS\"; "
                 "use ns, us, ms, s, m, h or d)"},
        {".5ms", "expected a duration such as 250us or 1.5ms, got \".5ms\""},
        {"1.ms", "expected a duration such as 250us or 1.5ms, got \"1.ms\""},
        {"1e3ms", "expected a duration such as 250us or 1.5ms, got \"1e3ms\" (unknown unit "
                  "\"e3ms\"; use ns, us, ms, s, m, h or d)"},
        {"+5ms", "expected a duration such as 250us or 1.5ms, got \"+5ms\""},
        {"nan", "expected a duration such as 250us or 1.5ms, got \"nan\""},
        {"inf", "expected a duration such as 250us or 1.5ms, got \"inf\""},
        {"fast", "expected a duration such as 250us or 1.5ms, got \"fast\""},
        {"0x10s", "expected a duration such as 250us or 1.5ms, got \"0x10s\" (unknown unit "
                  "\"x10s\"; use ns, us, ms, s, m, h or d)"},
    };
    (void)state;
    check_errors(units_parse_duration, cases, sizeof cases / sizeof cases[0]);
}

static void test_duration_null_input_and_null_err(void **state)
{
    int64_t ns = 7;
    vs_error err = {""};
    (void)state;
    assert_int_equal(units_parse_duration(NULL, &ns, &err), -1);
    assert_string_equal(err.msg, "expected a duration such as 250us or 1.5ms, got an empty value");
    assert_int_equal(units_parse_duration("x", &ns, NULL), -1); /* no message wanted: no crash */
    assert_int_equal(ns, 7);
}

static void test_duration_default_unit(void **state)
{
    int64_t ns = 0;
    vs_error err = {""};
    (void)state;
    assert_int_equal(units_parse_duration_default("12", "ms", &ns, &err), 0);
    assert_int_equal(ns, 12000000);
    assert_int_equal(units_parse_duration_default("1.5", "s", &ns, &err), 0);
    assert_int_equal(ns, 1500000000);
    assert_int_equal(units_parse_duration_default("3us", "ms", &ns, &err), 0); /* unit wins */
    assert_int_equal(ns, 3000);
    assert_int_equal(units_parse_duration_default("12", NULL, &ns, &err), -1);
    assert_string_equal(err.msg,
                        "expected a duration such as 250us or 1.5ms, got \"12\" (no unit)");
    assert_int_equal(units_parse_duration_default("12", "parsec", &ns, &err), -1);
    assert_string_equal(err.msg, "internal error: parsec is not a unit of a duration");
    assert_int_equal(units_parse_duration_default("-1", "ms", &ns, &err), -1);
    assert_string_equal(err.msg, "expected a duration >= 0, got \"-1\"");
}

static int parse_size(const char *s, int64_t *out, vs_error *err)
{
    return units_parse_size(s, out, err);
}

static void test_size_known_values(void **state)
{
    const exact_case cases[] = {
        {"5KiB", 5120},
        {"1.5KiB", 1536},
        {"1B", 1},
        {"0B", 0},
        {"1KB", 1000},
        {"1.5MB", 1500000},
        {"2MiB", 2097152},
        {"1GiB", 1073741824},
        {"10GB", 10000000000},
        {"1TiB", 1099511627776},
        {"2TB", 2000000000000},
        {"0.5KB", 500},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t bytes = -1;
        vs_error err = {""};
        assert_int_equal(units_parse_size(cases[i].text, &bytes, &err), 0);
        assert_int_equal(bytes, cases[i].value);
    }
}

static void test_size_errors(void **state)
{
    const error_case cases[] = {
        {"1.3B", "expected a whole number of bytes, got \"1.3B\""},
        {"0.1KiB", "expected a whole number of bytes, got \"0.1KiB\""},
        {"8388608TiB", "expected a size of at most 8388607TiB, got \"8388608TiB\""},
        {"-1KiB", "expected a size >= 0, got \"-1KiB\""},
        {"5kib", "expected a size such as 5KiB or 1.5MB, got \"5kib\" (unknown unit \"kib\"; use "
                 "B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)"},
        {"5", "expected a size such as 5KiB or 1.5MB, got \"5\" (no unit)"},
        {"", "expected a size such as 5KiB or 1.5MB, got an empty value"},
        {"KiB", "expected a size such as 5KiB or 1.5MB, got \"KiB\""},
    };
    (void)state;
    check_errors(parse_size, cases, sizeof cases / sizeof cases[0]);
}

static void test_size_default_unit(void **state)
{
    int64_t bytes = 0;
    vs_error err = {""};
    (void)state;
    assert_int_equal(units_parse_size_default("1500", "B", &bytes, &err), 0);
    assert_int_equal(bytes, 1500);
    assert_int_equal(units_parse_size_default("1.5", "KiB", &bytes, &err), 0);
    assert_int_equal(bytes, 1536);
}

typedef int (*real_parser)(const char *, double *, vs_error *);

static void check_reals(real_parser parse, const real_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = -1;
        vs_error err = {""};
        assert_int_equal(parse(cases[i].text, &v, &err), 0);
        assert_true(v == cases[i].value); /* exact, not within a tolerance */
    }
}

static void check_real_errors(real_parser parse, const error_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = 42.0;
        vs_error err = {""};
        assert_int_equal(parse(cases[i].text, &v, &err), -1);
        assert_true(v == 42.0);
        assert_string_equal(err.msg, cases[i].msg);
    }
}

static void test_bitrate(void **state)
{
    const real_case ok[] = {{"10Gbps", 1e10},  {"500Mbps", 5e8}, {"1.25Gbps", 1.25e9},
                            {"64Kbps", 64000}, {"300bps", 300},  {"1e3Mbps", 1e9},
                            {"0bps", 0}};
    const error_case bad[] = {
        {"10gbps", "expected a bit rate such as 10Gbps or 500Mbps, got \"10gbps\" (unknown unit "
                   "\"gbps\"; use bps, Kbps, Mbps or Gbps)"},
        {"10", "expected a bit rate such as 10Gbps or 500Mbps, got \"10\" (no unit)"},
        {"-1Gbps", "expected a bit rate >= 0, got \"-1Gbps\""},
        {"1e400Gbps", "expected a bit rate of at most 1e308bps, got \"1e400Gbps\""},
        {"1e300Gbps", "expected a bit rate of at most 1e308bps, got \"1e300Gbps\""},
        {"10GB", "expected a bit rate such as 10Gbps or 500Mbps, got \"10GB\" (unknown unit "
                 "\"GB\"; use bps, Kbps, Mbps or Gbps)"},
    };
    double bps = 0;
    (void)state;
    check_reals(units_parse_bitrate, ok, sizeof ok / sizeof ok[0]);
    check_real_errors(units_parse_bitrate, bad, sizeof bad / sizeof bad[0]);
    assert_int_equal(units_parse_bitrate_default("100", "Mbps", &bps, NULL), 0);
    assert_true(bps == 1e8);
}

static void test_rate(void **state)
{
    const real_case ok[] = {{"2000/s", 2000},           {"5/ms", 5000}, {"120/m", 2},
                            {"10/h", 10.0 / 3600},      {"1/us", 1e6},  {"86400/d", 1},
                            {"1e300/d", 1e300 / 86400}, {"0/s", 0}};
    const error_case bad[] = {
        {"2000", "expected a rate such as 2000/s or 5/ms, got \"2000\" (no unit)"},
        {"2000/sec", "expected a rate such as 2000/s or 5/ms, got \"2000/sec\" (unknown unit "
                     "\"sec\"; use /ns, /us, /ms, /s, /m, /h or /d)"},
        {"2000/", "expected a rate such as 2000/s or 5/ms, got \"2000/\" (no unit)"},
        {"2000 /s", "expected a rate such as 2000/s or 5/ms, got \"2000 /s\""},
        {"-5/s", "expected a rate >= 0, got \"-5/s\""},
        {"1e308/ns", "expected a rate of at most 1e308/s, got \"1e308/ns\""},
        {"/s", "expected a rate such as 2000/s or 5/ms, got \"/s\""},
    };
    (void)state;
    check_reals(units_parse_rate, ok, sizeof ok / sizeof ok[0]);
    check_real_errors(units_parse_rate, bad, sizeof bad / sizeof bad[0]);
}

static void test_money(void **state)
{
    const real_case ok[] = {{"$0.045", 0.045}, {"0.045", 0.045}, {"$12", 12}, {"0", 0}};
    const error_case bad[] = {
        {"$-5", "expected an amount of money >= 0, got \"$-5\""},
        {"-5", "expected an amount of money >= 0, got \"-5\""},
        {"-$5", "expected an amount of money such as $0.045 or 0.045, got \"-$5\""},
        {"5$", "expected an amount of money such as $0.045 or 0.045, got \"5$\""},
        {"$", "expected an amount of money such as $0.045 or 0.045, got \"$\""},
        {"1e3", "expected an amount of money such as $0.045 or 0.045, got \"1e3\""},
        {"USD 5", "expected an amount of money such as $0.045 or 0.045, got \"USD 5\""},
    };
    (void)state;
    check_reals(units_parse_money, ok, sizeof ok / sizeof ok[0]);
    check_real_errors(units_parse_money, bad, sizeof bad / sizeof bad[0]);
}

static void test_probability(void **state)
{
    const real_case ok[] = {{"25%", 0.25}, {"0.25", 0.25},  {"100%", 1},    {"1", 1},
                            {"0%", 0},     {"1e-3", 0.001}, {"0.5%", 0.005}};
    const error_case bad[] = {
        {"150%", "expected a probability from 0 to 1 (or 0% to 100%), got \"150%\""},
        {"1.01", "expected a probability from 0 to 1 (or 0% to 100%), got \"1.01\""},
        {"-0.1", "expected a probability from 0 to 1 (or 0% to 100%), got \"-0.1\""},
        {"1e999", "expected a probability from 0 to 1 (or 0% to 100%), got \"1e999\""},
        {"25 %", "expected a probability such as 25% or 0.25, got \"25 %\""},
        {"25%%", "expected a probability such as 25% or 0.25, got \"25%%\""},
        {"half", "expected a probability such as 25% or 0.25, got \"half\""},
    };
    (void)state;
    check_reals(units_parse_probability, ok, sizeof ok / sizeof ok[0]);
    check_real_errors(units_parse_probability, bad, sizeof bad / sizeof bad[0]);
}

static void test_double(void **state)
{
    const real_case ok[] = {{"1.5", 1.5}, {"-2e-3", -0.002}, {"42", 42}, {"1E3", 1000}, {"-0", 0}};
    const error_case bad[] = {
        {"nan", "expected a number such as 1.5 or -2e-3, got \"nan\""},
        {"inf", "expected a number such as 1.5 or -2e-3, got \"inf\""},
        {".inf", "expected a number such as 1.5 or -2e-3, got \".inf\""},
        {"0x1p3", "expected a number such as 1.5 or -2e-3, got \"0x1p3\""},
        {"1e999", "expected a number between -1e308 and 1e308, got \"1e999\""},
        {"-1e999", "expected a number between -1e308 and 1e308, got \"-1e999\""},
        {"1.5x", "expected a number such as 1.5 or -2e-3, got \"1.5x\""},
        {"", "expected a number such as 1.5 or -2e-3, got an empty value"},
    };
    (void)state;
    check_reals(units_parse_double, ok, sizeof ok / sizeof ok[0]);
    check_real_errors(units_parse_double, bad, sizeof bad / sizeof bad[0]);
}

static int parse_int(const char *s, int64_t *out, vs_error *err)
{
    return units_parse_int(s, out, err);
}

static void test_int(void **state)
{
    const exact_case ok[] = {{"42", 42},
                             {"-7", -7},
                             {"0", 0},
                             {"-0", 0},
                             {"9223372036854775807", INT64_MAX},
                             {"-9223372036854775808", INT64_MIN}};
    const error_case bad[] = {
        {"9223372036854775808", "expected an integer from -9223372036854775808 to "
                                "9223372036854775807, got \"9223372036854775808\""},
        {"-9223372036854775809", "expected an integer from -9223372036854775808 to "
                                 "9223372036854775807, got \"-9223372036854775809\""},
        {"1.5", "expected an integer such as 42 or -7, got \"1.5\""},
        {"1e3", "expected an integer such as 42 or -7, got \"1e3\""},
        {"12k", "expected an integer such as 42 or -7, got \"12k\""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t v = 1;
        assert_int_equal(units_parse_int(ok[i].text, &v, NULL), 0);
        assert_int_equal(v, ok[i].value);
    }
    check_errors(parse_int, bad, sizeof bad / sizeof bad[0]);
}

static void test_format_duration_known(void **state)
{
    const exact_case cases[] = {
        {"0s", 0},
        {"1ns", 1},
        {"1.5ms", 1500000},
        {"250us", 250000},
        {"1.5m", 90000000000},
        {"100s", 100000000000},
        {"1.234567ms", 1234567},
        {"2h", 7200000000000},
        {"30d", 2592000000000000},
        {"-1.5ms", -1500000},
        {"1.5h", 5400000000000},
        {"-9223372036.854775808s", INT64_MIN},
    };
    char buf[64];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(units_format_duration(cases[i].value, buf, sizeof buf), cases[i].text);
    assert_string_equal(units_format_duration(1500000, buf, 4), "1.5"); /* truncated, terminated */
}

static void test_format_size_known(void **state)
{
    const exact_case cases[] = {
        {"0B", 0},          {"1B", 1},        {"5KiB", 5120},          {"1KB", 1000},
        {"1.5MB", 1500000}, {"1.5KiB", 1536}, {"1.234567MB", 1234567}, {"1TiB", 1099511627776},
        {"1.023KB", 1023},  {"999B", 999},    {"1.25KiB", 1280}};
    char buf[64];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(units_format_size(cases[i].value, buf, sizeof buf), cases[i].text);
}

static void test_format_rates(void **state)
{
    char buf[64];
    (void)state;
    assert_string_equal(units_format_bitrate(1e10, buf, sizeof buf), "10Gbps");
    assert_string_equal(units_format_bitrate(1.25e9, buf, sizeof buf), "1.25Gbps");
    assert_string_equal(units_format_bitrate(5e8, buf, sizeof buf), "500Mbps");
    assert_string_equal(units_format_bitrate(300, buf, sizeof buf), "300bps");
    assert_string_equal(units_format_bitrate(0, buf, sizeof buf), "0bps");
    assert_string_equal(units_format_rate(2000, buf, sizeof buf), "2000/s");
    assert_string_equal(units_format_rate(0.5, buf, sizeof buf), "0.5/s");
}

/* Differential: printing then parsing must give back the exact value (parse is the oracle). */
static void test_format_parse_round_trip(void **state)
{
    uint64_t rng = 1;
    char buf[64];
    vs_error err = {""};
    (void)state;
    for (int i = 0; i < 20000; i++) {
        uint64_t r = lcg_next(&rng);
        int64_t v = (int64_t)(r >> (1 + lcg_next(&rng) % 63)), back = -1; /* all magnitudes */
        if (i % 3 == 0) v = (v % 100000) * 1000000; /* round values that pick the big units */
        units_format_duration(v, buf, sizeof buf);
        assert_int_equal(units_parse_duration(buf, &back, &err), 0);
        assert_int_equal(back, v);
        units_format_size(v, buf, sizeof buf);
        assert_int_equal(units_parse_size(buf, &back, &err), 0);
        assert_int_equal(back, v);
    }
}

static void test_format_quoted(void **state)
{
    char buf[64];
    (void)state;
    assert_string_equal(units_format_quoted("fast", 60, buf, sizeof buf), "\"fast\"");
    assert_string_equal(units_format_quoted("a\"b\\c\nd\x01", 60, buf, sizeof buf),
                        "\"a\\\"b\\\\c\\nd\\x01\"");
    assert_string_equal(units_format_quoted("abcdef", 3, buf, sizeof buf), "\"abc...\"");
    assert_string_equal(units_format_quoted("\xc2\xb5\xc2\xb5\xc2\xb5", 2, buf, sizeof buf),
                        "\"\xc2\xb5\xc2\xb5...\""); /* cut between characters, not bytes */
    assert_string_equal(units_format_quoted("abcdef", 60, buf, 5), "\"abc");
    assert_string_equal(units_format_quoted(NULL, 60, buf, sizeof buf), "\"\"");
}

/* Characters that numbers and units are made of, plus a few that they are not. */
static const char garbage_alphabet[] = "0123456789.-+eE$%/ sKMGTiBbpsnumhdx\xc2\xb5\x01";

/* Long garbage never overflows the message buffer and never crashes. */
static void test_random_garbage(void **state)
{
    uint64_t rng = 42;
    char text[300];
    vs_error err;
    (void)state;
    for (int i = 0; i < 20000; i++) {
        size_t len = (size_t)(lcg_next(&rng) >> 56);
        int64_t iv;
        double dv;
        for (size_t j = 0; j < len; j++)
            text[j] = garbage_alphabet[(lcg_next(&rng) >> 33) % (sizeof garbage_alphabet - 1)];
        text[len] = '\0';
        if (units_parse_duration(text, &iv, &err)) assert_true(strlen(err.msg) > 0);
        if (units_parse_size(text, &iv, &err)) assert_true(strlen(err.msg) > 0);
        if (units_parse_bitrate(text, &dv, &err) == 0) assert_true(isfinite(dv) && dv >= 0);
        if (units_parse_rate(text, &dv, &err) == 0) assert_true(isfinite(dv) && dv >= 0);
        if (units_parse_probability(text, &dv, &err) == 0) assert_true(dv >= 0 && dv <= 1);
        if (units_parse_double(text, &dv, &err) == 0) assert_true(isfinite(dv));
        units_parse_money(text, &dv, &err);
        units_parse_int(text, &iv, &err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_known_values),
        cmocka_unit_test(test_duration_errors),
        cmocka_unit_test(test_duration_null_input_and_null_err),
        cmocka_unit_test(test_duration_default_unit),
        cmocka_unit_test(test_size_known_values),
        cmocka_unit_test(test_size_errors),
        cmocka_unit_test(test_size_default_unit),
        cmocka_unit_test(test_bitrate),
        cmocka_unit_test(test_rate),
        cmocka_unit_test(test_money),
        cmocka_unit_test(test_probability),
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_format_duration_known),
        cmocka_unit_test(test_format_size_known),
        cmocka_unit_test(test_format_rates),
        cmocka_unit_test(test_format_parse_round_trip),
        cmocka_unit_test(test_format_quoted),
        cmocka_unit_test(test_random_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
