/* JSON documents of the CLI (check, run, report, compare) through json-c: numbers written as a
 * reader expects them (the shortest decimal that reads back, money to the cent, null for NaN),
 * and the one pretty-printed form every command prints. Only sim/cli sees json-c. */
#ifndef VPCSIM_CLI_JSON_OUT_H
#define VPCSIM_CLI_JSON_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

/* x as a JSON number (the shortest decimal that reads back as x), or NULL (JSON null) for NaN or
 * an infinity. */
json_object *json_out_number(double x);
/* x to the cent (12.30), or NULL for NaN. */
json_object *json_out_money(double x);
/* A string; NULL text gives "". */
json_object *json_out_string(const char *s);
/* Adds key: value to obj (value NULL: null). */
void json_out_set(json_object *obj, const char *key, json_object *value);
/* Prints doc pretty (two-space indent, "key": value, slashes unescaped) and a newline, then
 * releases it. Returns 0, or -1 when out of memory or the write failed. */
int json_out_print(FILE *f, json_object *doc);

#endif
