/* One table-driven option parser for every command: a command describes its options once, in a
 * const table (name, kind of value, where it goes, help), and both the parsing of argv and the
 * usage text come from that table. */
#ifndef VPCSIM_CLI_OPTIONS_H
#define VPCSIM_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vpcsim/error.h"

/* What an option's value is, and so how it is checked and stored. */
typedef enum option_kind {
    OPTION_FLAG,     /* no value; stores true in a bool */
    OPTION_STRING,   /* any text; stores the const char * */
    OPTION_FILE,     /* a non-empty text; stores the const char * */
    OPTION_CHOICE,   /* one of choices; stores the const char * */
    OPTION_UINT,     /* a whole number in [umin, umax]; stores a uint32_t/int or uint64_t */
    OPTION_DOUBLE,   /* a number in [dmin, dmax] ((dmin, dmax] if dmin_open); stores a double */
    OPTION_DURATION, /* "30s", "100ms" (units.h), > 0 if positive; stores int64_t nanoseconds */
    OPTION_SHARE,    /* 0 to 1 or 0% to 100%; stores a double */
    OPTION_CUSTOM,   /* parse(opts, name, value, err) decides */
} option_kind;

typedef struct option_def {
    const char *name;           /* "--threads", "-o" */
    option_kind kind;           /* of its value */
    const char *value_name;     /* "N", "FILE" in the usage; NULL for a flag */
    size_t at;                  /* offsetof the value in the command's options struct */
    size_t size;                /* OPTION_UINT: sizeof the value (4 or 8) */
    size_t seen;                /* 1 + offsetof a bool set when the option is given; 0: none */
    uint64_t umin, umax;        /* OPTION_UINT range */
    double dmin, dmax;          /* OPTION_DOUBLE range */
    bool dmin_open;             /* OPTION_DOUBLE: dmin itself is out */
    bool positive;              /* OPTION_DURATION: must be more than 0s */
    const char *const *choices; /* OPTION_CHOICE, NULL-ended */
    int (*parse)(void *opts, const char *name, const char *value, vs_error *err); /* CUSTOM */
    const char *help; /* lines after the first continue at the help column */
} option_def;

/* Designated-initialiser helpers for the tables: where a field of the options struct T is. */
#define OPTION_AT(T, field)      .at = offsetof(T, field)
#define OPTION_UINT_AT(T, field) .at = offsetof(T, field), .size = sizeof(((T *)0)->field)
#define OPTION_SEEN(T, field)    .seen = offsetof(T, field) + 1

/* A command's whole command line: its options and at most one positional FILE. */
typedef struct options_spec {
    const char *command;    /* "check", "bench phold" */
    const char *file;       /* how the one positional argument is named ("scenario FILE"),
                               or NULL: none taken */
    size_t file_at;         /* offsetof its const char * */
    bool list_in_synopsis;  /* usage line lists every option, else says [options] */
    const char *about;      /* lines under the usage line */
    const option_def *opts; /* the table */
    size_t nopts;           /* its length */
    int help_column;        /* where the help text of each option starts */
    const char *footer;     /* lines after the options, or NULL */
} options_spec;

enum { OPTIONS_HELP = 1 }; /* options_parse: --help or -h was given */

/* Parses argv[0 .. argc) into opts (already holding the defaults) by spec. Returns 0;
 * OPTIONS_HELP if --help or -h is among the arguments (nothing else is parsed); or -1 with err
 * saying which argument is wrong and what was wanted. */
int options_parse(const options_spec *spec, void *opts, int argc, char **argv, vs_error *err);

/* Prints the usage: "usage: vpcsim COMMAND ...", the about lines, one line per option with its
 * help, the footer. */
void options_usage(const options_spec *spec, FILE *f);

/* Runs options_parse and handles what ends the command there: help (printed on stdout, *exit_code
 * 0) or an error (message and usage on stderr, *exit_code 2). Returns true when the command
 * should go on. */
bool options_take(const options_spec *spec, void *opts, int argc, char **argv, int *exit_code);

/* Whole-string parses with a range; on failure err names the option, the range and the text. */
int options_parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out,
                      vs_error *err);
int options_parse_double(const char *opt, const char *s, double lo, double hi, bool lo_open,
                         double *out, vs_error *err);

#endif
