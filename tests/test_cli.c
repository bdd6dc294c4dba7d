/* The command line end to end: bad arguments exit 2 with a message naming the option, what it
 * expects and what it got; a good bench run prints a key=value last line whose checksum does not
 * depend on --threads or --queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli_run.h"

#define RUN(res, ...)                                                                              \
    assert_int_equal(cli_run((char *const[]){"vpcsim", __VA_ARGS__, NULL}, res), 0)

static void bad_bench_arguments_exit_2(void **st)
{
    (void)st;
    static cli_result r;
    struct {
        const char *opt, *val, *says;
    } cases[] = {
        {"--lps", "0", "--lps expects a whole number in [1, 16777216], got '0'"},
        {"--lps", "12x", "got '12x'"},
        {"--lps", "-5", "got '-5'"},
        {"--start-events", "", "--start-events expects a whole number"},
        {"--remote", "1.5", "--remote expects a number in [0, 1], got '1.5'"},
        {"--remote", "nan", "got 'nan'"},
        {"--mean", "-1", "--mean expects a number"},
        {"--lookahead", "0", "--lookahead expects a number"},
        {"--end", "0", "--end expects a number in (0,"},
        {"--threads", "0", "--threads expects a whole number in [1, 256]"},
        {"--seed", "1e3", "--seed expects a whole number"},
        {"--queue", "splay", "--queue expects ladder or heap, got 'splay'"},
        {"--frobnicate", "1", "unknown option '--frobnicate'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        RUN(&r, "bench", "phold", (char *)cases[i].opt, (char *)cases[i].val);
        assert_int_equal(r.code, 2);
        if (!strstr(r.err, cases[i].says))
            fail_msg("for %s %s got: %s", cases[i].opt, cases[i].val, r.err);
        assert_non_null(strstr(r.err, "usage: vpcsim bench phold"));
        assert_string_equal(r.out, "");
    }
    RUN(&r, "bench", "phold", "--lps");
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "--lps needs a value"));
    RUN(&r, "bench", "ross");
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "unknown benchmark 'ross'"));
    RUN(&r, "launch");
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "unknown command 'launch'"));
}

static const char *last_line(const char *out)
{
    const char *end = out + strlen(out);
    while (end > out && end[-1] == '\n') end--;
    const char *p = end;
    while (p > out && p[-1] != '\n') p--;
    return p;
}

static void extract(const char *line, const char *key, char *val, size_t n)
{
    const char *p = strstr(line, key);
    assert_non_null(p);
    p += strlen(key);
    size_t i = 0;
    while (p[i] && p[i] != ' ' && p[i] != '\n' && i + 1 < n) val[i] = p[i], i++;
    val[i] = 0;
}

static void bench_checksum_independent_of_threads_and_queue(void **st)
{
    (void)st;
    static cli_result r;
    char first[64] = "", sum[64], events[64], first_events[64] = "";
    const char *variants[][2] = {{"1", "ladder"}, {"2", "ladder"}, {"2", "heap"}, {"3", "heap"}};
    for (int i = 0; i < 4; i++) {
        RUN(&r, "bench", "phold", "--lps", "200", "--end", "100", "--threads",
            (char *)variants[i][0], "--queue", (char *)variants[i][1], "--seed", "5");
        assert_int_equal(r.code, 0);
        const char *line = last_line(r.out);
        assert_true(strncmp(line, "bench=phold ", 12) == 0);
        extract(line, "checksum=", sum, sizeof sum);
        extract(line, "events=", events, sizeof events);
        assert_int_equal(strlen(sum), 16);
        if (i == 0) {
            strcpy(first, sum);
            strcpy(first_events, events);
        }
        assert_string_equal(sum, first);
        assert_string_equal(events, first_events);
        assert_non_null(strstr(r.out, "events per second"));
        assert_non_null(strstr(r.out, "peak RSS"));
    }
}

static void help_and_version(void **st)
{
    (void)st;
    static cli_result r;
    RUN(&r, "--version");
    assert_int_equal(r.code, 0);
    assert_true(strncmp(r.out, "vpcsim ", 7) == 0);
    RUN(&r, "bench", "--help"); /* the help is generated from bench's option table */
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "  --lps N             logical processes (default 1024)\n"));
    RUN(&r, "bench", "phold", "--lps", "8", "--help"); /* --help is a flag wherever it stands */
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "usage: vpcsim bench phold [options]\n"));
    assert_string_equal(r.err, "");
    assert_int_equal(cli_run((char *const[]){"vpcsim", NULL}, &r), 0);
    assert_int_equal(r.code, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_bench_arguments_exit_2),
        cmocka_unit_test(bench_checksum_independent_of_threads_and_queue),
        cmocka_unit_test(help_and_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
