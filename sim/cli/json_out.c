/* JSON output helpers over json-c (sim/cli/json_out.h): json-c writes doubles with 17 digits, so
 * every number goes through json_object_new_double_s with the text a reader expects. */
#include "cli/json_out.h"

#include <math.h>
#include <stdlib.h>

json_object *json_out_number(double x)
{
    char buf[64];
    if (!isfinite(x)) return NULL;
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, sizeof buf, "%.0f", x);
        return json_object_new_double_s(x, buf);
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, x);
        if (strtod(buf, NULL) == x) break;
    }
    return json_object_new_double_s(x, buf);
}

json_object *json_out_money(double x)
{
    char buf[64];
    if (!isfinite(x)) return NULL;
    snprintf(buf, sizeof buf, "%.2f", x);
    return json_object_new_double_s(x, buf);
}

json_object *json_out_string(const char *s)
{
    return json_object_new_string(s ? s : "");
}

void json_out_set(json_object *obj, const char *key, json_object *value)
{
    json_object_object_add(obj, key, value);
}

int json_out_print(FILE *f, json_object *doc)
{
    const char *text = doc ? json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                                     JSON_C_TO_STRING_SPACED |
                                                                     JSON_C_TO_STRING_NOSLASHESCAPE)
                           : NULL;
    int rc = text && fputs(text, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;
    json_object_put(doc);
    return rc;
}
