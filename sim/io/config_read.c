/* The configuration tree (see include/vpcsim/config.h), reading: node accessors, paths and
 * positioned errors, typed getters with units, and strict key checks with suggestions (loading
 * is sim/io/config.c). Called a few thousand times per scenario load. */
#include "io/config_impl.h"
#include "vpcsim/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/units.h"

/* ---- reading nodes -----------------------------------------------------------------------------
 */

const config_node *config_root(const config_doc *doc)
{
    return doc ? doc->root : NULL;
}
config_kind config_kind_of(const config_node *node)
{
    return node->kind;
}
const char *config_file(const config_node *node)
{
    return node->file;
}
int config_line(const config_node *node)
{
    return node->line;
}
int config_col(const config_node *node)
{
    return node->col;
}
size_t config_len(const config_node *node)
{
    return node ? node->n : 0;
}
const char *config_scalar(const config_node *node)
{
    return node ? node->text : NULL;
}

const char *config_kind_name(config_kind kind)
{
    switch (kind) {
    case CONFIG_KIND_MAP:
        return "a map";
    case CONFIG_KIND_SEQ:
        return "a sequence";
    default:
        return "a scalar";
    }
}

const config_node *config_at(const config_node *node, size_t i)
{
    return node && i < node->n ? node->items[i] : NULL;
}

const config_node *config_key_at(const config_node *map, size_t i)
{
    return map && map->kind == CONFIG_KIND_MAP && i < map->n ? map->keys[i] : NULL;
}

const config_node *config_find(const config_node *map, const char *key)
{
    size_t lo = 0, hi;
    if (!map || map->kind != CONFIG_KIND_MAP || !key) return NULL;
    hi = map->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, map->keys[map->order[mid]]->text);
        if (c == 0) return map->items[map->order[mid]];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

int config_is_null(const config_node *node)
{
    const char *t = node && node->kind == CONFIG_KIND_SCALAR && node->plain ? node->text : NULL;
    return t && (!t[0] || strcmp(t, "~") == 0 || strcmp(t, "null") == 0);
}

char *config_path(const config_node *node, char *buf, size_t n)
{
    const config_node *chain[CONFIG_MAX_DEPTH + 2];
    size_t depth = 0, pos = 0;
    char key[KEY_BUF];
    buf[0] = '\0';
    for (; node && node->parent && depth < sizeof chain / sizeof chain[0]; node = node->parent)
        chain[depth++] = node;
    while (depth-- > 0 && pos + 1 < n) {
        const config_node *c = chain[depth];
        int w;
        if (c->parent->kind == CONFIG_KIND_SEQ)
            w = snprintf(buf + pos, n - pos, "[%zu]", c->index);
        else
            w = snprintf(buf + pos, n - pos, "%s%s", pos ? "." : "",
                         config_show_key((c->key ? c->key : c)->text, key, sizeof key));
        pos += (size_t)w < n - pos ? (size_t)w : n - pos - 1;
    }
    return buf;
}

int config_error_at(const config_node *node, vs_error *err, const char *fmt, ...)
{
    char msg[VS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!node) return error_set(err, "%s", msg);
    return error_set(err, "%s:%d:%d: %s", node->file, node->line, node->col, msg);
}

/* ---- typed getters --------------------------------------------------------------------------- */

/* What a getter wants: the type, plus a range or the choices where the type has them. */
typedef struct value_spec {
    config_type type;           /* what to convert to */
    int64_t imin, imax;         /* CONFIG_TYPE_INT */
    double dmin, dmax;          /* CONFIG_TYPE_DOUBLE */
    const char *const *choices; /* CONFIG_TYPE_ENUM, NULL-terminated */
} value_spec;

static const char *const type_names[] = {"duration",    "size",    "bit rate", "rate", "money",
                                         "probability", "integer", "number",   "bool", "string",
                                         "enum",        "map",     "sequence"};

/* What each type reads as after "expected " (CONFIG_TYPE_ENUM lists its choices instead). */
static const char *const type_wanted[] = {
    "a duration",         "a size",     "a bit rate", "a rate",        "an amount of money",
    "a probability",      "an integer", "a number",   "true or false", "a string",
    "one of the choices", "a map",      "a sequence"};

const char *config_type_name(config_type type)
{
    return (unsigned)type < sizeof type_names / sizeof type_names[0] ? type_names[type] : "?";
}

/* The NULL-terminated list joined by ", ", cut to n bytes. */
static char *join_list(const char *const *list, char *buf, size_t n)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t i = 0; list && list[i] && pos + 1 < n; i++) {
        int w = snprintf(buf + pos, n - pos, "%s%s", i ? ", " : "", list[i]);
        pos += (size_t)w < n - pos ? (size_t)w : n - pos - 1;
    }
    return buf;
}

static const char *wanted_number(const value_spec *sp, char *buf, size_t n)
{
    if (sp->type == CONFIG_TYPE_INT && (sp->imin > INT64_MIN || sp->imax < INT64_MAX))
        snprintf(buf, n, "an integer from %lld to %lld", (long long)sp->imin, (long long)sp->imax);
    else if (sp->type == CONFIG_TYPE_INT)
        snprintf(buf, n, "an integer");
    else if (isfinite(sp->dmin) && isfinite(sp->dmax))
        snprintf(buf, n, "a number from %g to %g", sp->dmin, sp->dmax);
    else if (isfinite(sp->dmin) || isfinite(sp->dmax))
        snprintf(buf, n, "a number %s %g",
                 isfinite(sp->dmin) ? ">=" : "<=", isfinite(sp->dmin) ? sp->dmin : sp->dmax);
    else
        snprintf(buf, n, "a number");
    return buf;
}

/* What the spec wants, to follow "expected ". */
static const char *wanted(const value_spec *sp, char *buf, size_t n)
{
    char list[LIST_BUF];
    if (sp->type == CONFIG_TYPE_ENUM) {
        snprintf(buf, n, "one of %s", join_list(sp->choices, list, sizeof list));
        return buf;
    }
    if (sp->type == CONFIG_TYPE_INT || sp->type == CONFIG_TYPE_DOUBLE)
        return wanted_number(sp, buf, n);
    return (unsigned)sp->type < sizeof type_wanted / sizeof type_wanted[0] ? type_wanted[sp->type]
                                                                           : "?";
}

/* "expected <wanted>, got "<s>"" into err. */
static int fail_wanted(const value_spec *sp, const char *s, vs_error *err)
{
    char w[LIST_BUF + 16], q[QUOTED_BUF];
    if (!s[0]) return error_set(err, "expected %s, got an empty value", wanted(sp, w, sizeof w));
    return error_set(err, "expected %s, got %s", wanted(sp, w, sizeof w),
                     units_format_quoted(s, 60, q, sizeof q));
}

static int convert_int(const value_spec *sp, const char *s, int64_t *out)
{
    int64_t v;
    if (units_parse_int(s, &v, NULL) || v < sp->imin || v > sp->imax) return -1;
    *out = v;
    return 0;
}

static int convert_double(const value_spec *sp, const char *s, double *out)
{
    double v;
    if (units_parse_double(s, &v, NULL) || !(v >= sp->dmin && v <= sp->dmax)) return -1;
    *out = v;
    return 0;
}

static int convert_enum(const value_spec *sp, const char *s, int *out)
{
    for (int i = 0; sp->choices && sp->choices[i]; i++) {
        if (strcmp(sp->choices[i], s) == 0) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

static int convert_bool(const char *s, int *out)
{
    if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) return -1;
    *out = s[0] == 't';
    return 0;
}

/* Text s as the spec's type into out (whose type matches); returns 0, or -1 with err set. */
static int convert(const value_spec *sp, const char *s, void *out, vs_error *err)
{
    switch (sp->type) {
    case CONFIG_TYPE_DURATION:
        return units_parse_duration(s, out, err);
    case CONFIG_TYPE_SIZE:
        return units_parse_size(s, out, err);
    case CONFIG_TYPE_BITRATE:
        return units_parse_bitrate(s, out, err);
    case CONFIG_TYPE_RATE:
        return units_parse_rate(s, out, err);
    case CONFIG_TYPE_MONEY:
        return units_parse_money(s, out, err);
    case CONFIG_TYPE_PROBABILITY:
        return units_parse_probability(s, out, err);
    case CONFIG_TYPE_INT:
        return convert_int(sp, s, out) ? fail_wanted(sp, s, err) : 0;
    case CONFIG_TYPE_DOUBLE:
        return convert_double(sp, s, out) ? fail_wanted(sp, s, err) : 0;
    case CONFIG_TYPE_BOOL:
        return convert_bool(s, out) ? fail_wanted(sp, s, err) : 0;
    case CONFIG_TYPE_ENUM:
        return convert_enum(sp, s, out) ? fail_wanted(sp, s, err) : 0;
    case CONFIG_TYPE_STRING:
        *(const char **)out = s;
        return 0;
    default:
        return error_set(err, "internal error: %s is not a scalar type",
                         config_type_name(sp->type));
    }
}

/* node (a map value under key, or a sequence item when key is NULL) as the spec's type. */
static int node_value(const config_node *node, const char *key, const value_spec *sp, void *out,
                      vs_error *err)
{
    vs_error why;
    char w[LIST_BUF + 16], q[QUOTED_BUF];
    if (!node) return error_set(err, "internal error: no node to read");
    if (node->kind != CONFIG_KIND_SCALAR)
        error_set(&why, "expected %s, got %s", wanted(sp, w, sizeof w),
                  config_kind_name(node->kind));
    else if (sp->type == CONFIG_TYPE_STRING && config_is_null(node) && !node->text[0])
        error_set(&why, "expected a string, got an empty value");
    else if (sp->type == CONFIG_TYPE_STRING && config_is_null(node))
        error_set(&why, "expected a string, got %s, which YAML reads as null (quote it)",
                  units_format_quoted(node->text, 60, q, sizeof q));
    else if (convert(sp, node->text, out, &why) == 0)
        return 0;
    if (!key) return config_error_at(node, err, "%s", why.msg);
    return config_error_at(node, err, "key '%s': %s", key, why.msg);
}

/* Fails unless map is a map or NULL (an absent optional section). */
static int check_map(const config_node *map, vs_error *err)
{
    if (!map || map->kind == CONFIG_KIND_MAP) return 0;
    return config_error_at(map, err, "expected a map, got %s", config_kind_name(map->kind));
}

/* `missing required key 'cidr' in vpcs[0] (name 'prod')`, at the map. */
static int missing_key(const config_node *map, const char *key, vs_error *err)
{
    char path[PATH_BUF], name[KEY_BUF], named[sizeof name + 16] = "";
    const char *name_text = config_scalar(config_find(map, "name"));
    if (!map) return error_set(err, "missing required key '%s'", key);
    config_path(map, path, sizeof path);
    if (name_text && name_text[0] && path[0])
        snprintf(named, sizeof named, " (name '%s')",
                 config_show_key(name_text, name, sizeof name));
    return config_error_at(map, err, "missing required key '%s' %s%s%s", key,
                           path[0] ? "in " : "at the top level", path, named);
}

/* The value of key in map as the spec's type, the default when absent. */
static int map_value(const config_node *map, const char *key, const char *dflt,
                     const value_spec *sp, void *out, vs_error *err)
{
    const config_node *v;
    vs_error why;
    if (check_map(map, err)) return -1;
    if ((v = config_find(map, key))) return node_value(v, key, sp, out, err);
    if (!dflt) return missing_key(map, key, err);
    if (convert(sp, dflt, out, &why) == 0) return 0;
    return config_error_at(map, err, "internal error: default \"%s\" of key '%s': %s", dflt, key,
                           why.msg);
}

int config_get_duration(const config_node *map, const char *key, const char *dflt, int64_t *out_ns,
                        vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_DURATION};
    return map_value(map, key, dflt, &sp, out_ns, err);
}

int config_get_size(const config_node *map, const char *key, const char *dflt, int64_t *out_bytes,
                    vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_SIZE};
    return map_value(map, key, dflt, &sp, out_bytes, err);
}

int config_get_bitrate(const config_node *map, const char *key, const char *dflt, double *out_bps,
                       vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_BITRATE};
    return map_value(map, key, dflt, &sp, out_bps, err);
}

int config_get_rate(const config_node *map, const char *key, const char *dflt, double *out_per_s,
                    vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_RATE};
    return map_value(map, key, dflt, &sp, out_per_s, err);
}

int config_get_money(const config_node *map, const char *key, const char *dflt, double *out_dollars,
                     vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_MONEY};
    return map_value(map, key, dflt, &sp, out_dollars, err);
}

int config_get_probability(const config_node *map, const char *key, const char *dflt, double *out_p,
                           vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_PROBABILITY};
    return map_value(map, key, dflt, &sp, out_p, err);
}

int config_get_int(const config_node *map, const char *key, const char *dflt, int64_t min,
                   int64_t max, int64_t *out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_INT, .imin = min, .imax = max};
    return map_value(map, key, dflt, &sp, out, err);
}

int config_get_double(const config_node *map, const char *key, const char *dflt, double min,
                      double max, double *out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_DOUBLE, .dmin = min, .dmax = max};
    return map_value(map, key, dflt, &sp, out, err);
}

int config_get_bool(const config_node *map, const char *key, const char *dflt, int *out,
                    vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_BOOL};
    return map_value(map, key, dflt, &sp, out, err);
}

int config_get_string(const config_node *map, const char *key, const char *dflt, const char **out,
                      vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_STRING};
    return map_value(map, key, dflt, &sp, out, err);
}

int config_get_enum(const config_node *map, const char *key, const char *dflt,
                    const char *const *choices, int *out_index, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_ENUM, .choices = choices};
    return map_value(map, key, dflt, &sp, out_index, err);
}

static int get_child(const config_node *map, const char *key, int required, config_kind kind,
                     const config_node **out, vs_error *err)
{
    const config_node *v;
    if (check_map(map, err)) return -1;
    if (!(v = config_find(map, key))) {
        if (required) return missing_key(map, key, err);
        *out = NULL;
        return 0;
    }
    if (v->kind == kind) {
        *out = v;
        return 0;
    }
    if (v->kind != CONFIG_KIND_SCALAR)
        return config_error_at(v, err, "key '%s': expected %s, got %s", key, config_kind_name(kind),
                               config_kind_name(v->kind));
    return config_error_at(v, err, "key '%s': expected %s, got %s", key, config_kind_name(kind),
                           v->text[0] ? "a scalar" : "an empty value");
}

int config_get_map(const config_node *map, const char *key, int required, const config_node **out,
                   vs_error *err)
{
    return get_child(map, key, required, CONFIG_KIND_MAP, out, err);
}

int config_get_seq(const config_node *map, const char *key, int required, const config_node **out,
                   vs_error *err)
{
    return get_child(map, key, required, CONFIG_KIND_SEQ, out, err);
}

int config_as_duration(const config_node *node, int64_t *out_ns, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_DURATION};
    return node_value(node, NULL, &sp, out_ns, err);
}

int config_as_size(const config_node *node, int64_t *out_bytes, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_SIZE};
    return node_value(node, NULL, &sp, out_bytes, err);
}

int config_as_bitrate(const config_node *node, double *out_bps, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_BITRATE};
    return node_value(node, NULL, &sp, out_bps, err);
}

int config_as_rate(const config_node *node, double *out_per_s, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_RATE};
    return node_value(node, NULL, &sp, out_per_s, err);
}

int config_as_money(const config_node *node, double *out_dollars, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_MONEY};
    return node_value(node, NULL, &sp, out_dollars, err);
}

int config_as_probability(const config_node *node, double *out_p, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_PROBABILITY};
    return node_value(node, NULL, &sp, out_p, err);
}

int config_as_int(const config_node *node, int64_t min, int64_t max, int64_t *out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_INT, .imin = min, .imax = max};
    return node_value(node, NULL, &sp, out, err);
}

int config_as_double(const config_node *node, double min, double max, double *out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_DOUBLE, .dmin = min, .dmax = max};
    return node_value(node, NULL, &sp, out, err);
}

int config_as_bool(const config_node *node, int *out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_BOOL};
    return node_value(node, NULL, &sp, out, err);
}

int config_as_string(const config_node *node, const char **out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_STRING};
    return node_value(node, NULL, &sp, out, err);
}

int config_as_enum(const config_node *node, const char *const *choices, int *out_index,
                   vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_ENUM, .choices = choices};
    return node_value(node, NULL, &sp, out_index, err);
}

/* ---- strict keys ------------------------------------------------------------------------------
 */

enum { EDIT_MAX_LEN = 63 }; /* keys longer than this get no suggestion */

static int min3(int a, int b, int c)
{
    return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

/* Edit distance (insert, delete, substitute, swap two neighbours) between a and b, capped at 3;
 * 3 too when either is longer than EDIT_MAX_LEN. Rows are fixed arrays: no allocation. */
static int edit_distance(const char *a, const char *b)
{
    int rows[3][EDIT_MAX_LEN + 1]; /* row i lives in rows[i % 3] */
    size_t la = strnlen(a, EDIT_MAX_LEN + 1), lb = strnlen(b, EDIT_MAX_LEN + 1);
    if (la > EDIT_MAX_LEN || lb > EDIT_MAX_LEN || la > lb + 2 || lb > la + 2) return 3;
    for (size_t j = 0; j <= lb; j++) rows[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int *c = rows[i % 3], *p = rows[(i + 2) % 3], *pp = rows[(i + 1) % 3];
        c[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + (a[i - 1] != b[j - 1]));
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < c[j])
                c[j] = pp[j - 2] + 1;
        }
    }
    return rows[la % 3][lb] < 3 ? rows[la % 3][lb] : 3;
}

const char *config_suggest(const char *word, const char *const *choices, size_t n)
{
    const char *best = NULL;
    int best_d = 3;
    for (size_t i = 0; i < n; i++) {
        int d = edit_distance(word, choices[i]);
        if (d < best_d) {
            best_d = d;
            best = choices[i];
        }
    }
    return best;
}

/* The allowed key nearest to key, if within 2 edits (the first such on ties), else NULL. */
static const char *closest_key(const char *key, const char *const *allowed)
{
    size_t n = 0;
    while (allowed[n]) n++;
    return config_suggest(key, allowed, n);
}

/* Whether key could be a key of some vpcsim file: a name of letters, digits and _ - . /
 * (what a typo of a real key looks like). Anything else is content of a file that is not one. */
static bool key_like(const char *key)
{
    size_t n = 0;
    for (; key[n]; n++)
        if (!isalnum((unsigned char)key[n]) && !strchr("_-./", key[n])) return false;
    return n > 0;
}

/* `unknown key 'cdir' in vpcs[0]; did you mean 'cidr'? (allowed: name, cidr)`, at the key. */
static int unknown_key(const config_node *map, const config_node *key, const char *const *allowed,
                       vs_error *err)
{
    char shown[KEY_BUF], path[PATH_BUF], list[LIST_BUF], hint[64 + EDIT_MAX_LEN] = "";
    const char *near = closest_key(key->text, allowed);
    if (near) snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
    config_path(map, path, sizeof path);
    if (!key_like(key->text)) /* another kind of file (a password file...): never echo it */
        return config_error_at(key, err,
                               "unknown key %s%s, not a name (is %s the right file?) "
                               "(allowed: %s)",
                               path[0] ? "in " : "at the top level", path, config_file(key),
                               allowed[0] ? join_list(allowed, list, sizeof list) : "none");
    return config_error_at(key, err, "unknown key '%s' %s%s%s (allowed: %s)",
                           config_show_key(key->text, shown, sizeof shown),
                           path[0] ? "in " : "at the top level", path, hint,
                           allowed[0] ? join_list(allowed, list, sizeof list) : "none");
}

static int is_listed(const char *key, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], key) == 0) return 1;
    return 0;
}

int config_check_keys(const config_node *map, const char *const *allowed, vs_error *err)
{
    if (check_map(map, err)) return -1;
    for (size_t i = 0; map && i < map->n; i++)
        if (!is_listed(map->keys[i]->text, allowed))
            return unknown_key(map, map->keys[i], allowed, err);
    return 0;
}

int config_check_keydefs(const config_node *map, const config_keydef *defs, vs_error *err)
{
    size_t n = 0;
    const char **names;
    int rc;
    while (defs[n].name) n++;
    if (!(names = malloc((n + 1) * sizeof *names)))
        return error_set(err, "out of memory while checking keys");
    for (size_t i = 0; i <= n; i++) names[i] = defs[i].name;
    rc = config_check_keys(map, names, err);
    free(names);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!defs[i].dflt && !config_find(map, defs[i].name))
            rc = missing_key(map, defs[i].name, err);
    return rc;
}
