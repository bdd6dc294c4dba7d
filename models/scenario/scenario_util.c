/* Helpers shared by the scenario loader's builders: the arena that owns topology arrays, error
 * messages that name the architecture, name checks with did-you-mean hints, references between
 * elements, and typed readers whose defaults come from the key tables. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_impl.h"
#include "vpcsim/units.h"

enum {
    NAME_MAX_CHARS = 63,  /* longest element name */
    HINT_LIST_CHARS = 240 /* names listed in a "not found" hint, at most */
};

/* ---- errors and names ------------------------------------------------------------------------ */

int sc_error(const sc_build *b, const config_node *at, const char *fmt, ...)
{
    char msg[VS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (b && (b->a->patched || b->owner != b->arch))
        return config_error_at(at, b->err, "architecture '%s': %s", b->a->name, msg);
    return config_error_at(at, b ? b->err : NULL, "%s", msg);
}

int sc_check_keys(const config_node *map, sc_section sec, vs_error *err)
{
    if (sc_expect_map(map, err)) return -1;
    return config_check_keydefs(map, sc_sections[sec].defs, err);
}

int sc_expect_map(const config_node *node, vs_error *err)
{
    char path[128];
    if (!node || config_kind_of(node) == CONFIG_KIND_MAP) return 0; /* NULL: absent, optional */
    config_path(node, path, sizeof path);
    return config_error_at(node, err, "%s%sexpected a map, got %s", path, path[0] ? ": " : "",
                           config_is_null(node) ? "an empty value"
                                                : config_kind_name(config_kind_of(node)));
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

int sc_check_name(const config_node *node, const char *what, vs_error *err)
{
    const char *s = config_scalar(node);
    char q[96];
    size_t len = s ? strlen(s) : 0;
    int ok = len > 0 && len <= NAME_MAX_CHARS && name_char(s[0]) && s[0] != '-' && s[0] != '_' &&
             s[0] != '.';
    for (size_t i = 0; ok && i < len; i++) ok = name_char(s[i]);
    if (ok) return 0;
    return config_error_at(node, err,
                           "%s %s: use 1 to %d letters, digits, '-', '_' or '.', starting with a "
                           "letter or digit",
                           what, units_format_quoted(s ? s : "", 40, q, sizeof q), NAME_MAX_CHARS);
}

int sc_elem_name(const config_node *map, const char **out, vs_error *err)
{
    if (sc_expect_map(map, err) || config_get_string(map, "name", NULL, out, err)) return -1;
    return sc_check_name(config_find(map, "name"), "name", err);
}

int32_t sc_list_find(const sc_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0) return (int32_t)i;
    return -1;
}

char *sc_name_list(const char *const *names, size_t n, const char *nouns, char *buf, size_t len)
{
    size_t pos;
    if (n == 0) {
        snprintf(buf, len, " (no %s declared)", nouns);
        return buf;
    }
    pos = (size_t)snprintf(buf, len, " (%s: ", nouns);
    for (size_t i = 0; i < n && pos + 8 < len; i++) {
        if (pos > HINT_LIST_CHARS) {
            pos += (size_t)snprintf(buf + pos, len - pos, ", ...");
            break;
        }
        pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", i ? ", " : "", names[i]);
    }
    if (pos + 2 < len) snprintf(buf + pos, len - pos, ")");
    return buf;
}

char *sc_not_found_hint(const char *name, const char *const *names, size_t n, const char *nouns,
                        char *buf, size_t len)
{
    const char *near = config_suggest(name, names, n);
    if (!near) return sc_name_list(names, n, nouns, buf, len);
    snprintf(buf, len, "; did you mean '%s'?", near);
    return buf;
}

/* ---- references ------------------------------------------------------------------------------ */

/* The names of list into a malloc'd array (for hints, on error paths only). */
static const char **list_names(const sc_list *l)
{
    const char **names = malloc((l->n + 1) * sizeof *names);
    for (size_t i = 0; names && i < l->n; i++) names[i] = l->items[i].name;
    return names;
}

const char *sc_show(const char *name, char *buf, size_t n)
{
    int plain = strlen(name) <= NAME_MAX_CHARS;
    for (const char *p = name; plain && *p; p++) plain = name_char(*p);
    if (plain)
        snprintf(buf, n, "'%s'", name);
    else
        units_format_quoted(name, 40, buf, n);
    return buf;
}

void sc_what(sc_build *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->what, sizeof b->what, fmt, ap);
    va_end(ap);
}

const sc_elem *sc_enter(sc_build *b, sc_kind kind, size_t i)
{
    const sc_elem *e = &b->a->lists[kind].items[i];
    b->owner = e->owner;
    sc_what(b, "%s '%s'", sc_kinds[kind].noun, e->name);
    return sc_check_keys(e->node, sc_kinds[kind].section, b->err) ? NULL : e;
}

static int not_found(const sc_build *b, const config_node *node, sc_kind kind, const char *name)
{
    char hint[512], q[96];
    const sc_list *l = &b->a->lists[kind];
    const char **names = list_names(l);
    sc_not_found_hint(name, names, names ? l->n : 0, sc_kinds[kind].nouns, hint, sizeof hint);
    free(names);
    return sc_error(b, node, "%s: %s %s not found%s", b->what, sc_kinds[kind].noun,
                    sc_show(name, q, sizeof q), hint);
}

int sc_ref_name(const sc_build *b, const config_node *at, sc_kind kind, const char *name,
                int32_t *out)
{
    int32_t i = sc_list_find(&b->a->lists[kind], name);
    if (i < 0) return not_found(b, at, kind, name);
    *out = i;
    return 0;
}

int sc_ref_node(const sc_build *b, const config_node *node, sc_kind kind, int32_t *out)
{
    const char *name;
    if (config_as_string(node, &name, b->err)) return -1;
    return sc_ref_name(b, node, kind, name, out);
}

int sc_ref(const sc_build *b, const config_node *map, sc_section sec, const char *key, sc_kind kind,
           int32_t *out)
{
    const config_node *v = config_find(map, key);
    if (!v) {
        if (!sc_dflt(sec, key))
            return config_get_string(map, key, NULL, &(const char *){0}, b->err);
        *out = -1;
        return 0;
    }
    return sc_ref_node(b, v, kind, out);
}

int sc_ref_list(const sc_build *b, const config_node *map, sc_section sec, const char *key,
                sc_kind kind, int32_t **out, size_t *n)
{
    const config_node *seq;
    int32_t *idx;
    *out = NULL;
    *n = 0;
    if (sc_get_seq(map, sec, key, &seq, b->err)) return -1;
    if (!seq) return 0;
    if (!(idx = arena_alloc(b->ld->arena, config_len(seq), sizeof *idx)))
        return config_error_at(seq, b->err, "out of memory");
    for (size_t i = 0; i < config_len(seq); i++) {
        if (sc_ref_node(b, config_at(seq, i), kind, &idx[i])) return -1;
        for (size_t j = 0; j < i; j++)
            if (idx[j] == idx[i])
                return sc_error(b, config_at(seq, i), "%s: %s lists %s '%s' twice", b->what, key,
                                sc_kinds[kind].noun, b->a->lists[kind].items[idx[i]].name);
    }
    *out = idx;
    *n = config_len(seq);
    return 0;
}

/* ---- typed readers --------------------------------------------------------------------------- */

/* The default to hand to a getter: NULL (required) or the table's; sets *absent_ok when the key
 * is optional without default and absent. */
static const char *getter_dflt(const config_node *map, sc_section sec, const char *key,
                               int *absent_ok)
{
    const char *d = sc_dflt(sec, key);
    *absent_ok = d && !d[0] && !config_find(map, key);
    return d && d[0] ? d : NULL;
}

int sc_get_string(const config_node *map, sc_section sec, const char *key, const char **out,
                  vs_error *err)
{
    int absent_ok;
    const char *d = getter_dflt(map, sec, key, &absent_ok);
    return absent_ok ? 0 : config_get_string(map, key, d, out, err);
}

int sc_get_bool(const config_node *map, sc_section sec, const char *key, bool *out, vs_error *err)
{
    int absent_ok, v;
    const char *d = getter_dflt(map, sec, key, &absent_ok);
    if (absent_ok) return 0;
    if (config_get_bool(map, key, d, &v, err)) return -1;
    *out = v != 0;
    return 0;
}

int sc_get_int(const config_node *map, sc_section sec, const char *key, int64_t min, int64_t max,
               int64_t *out, vs_error *err)
{
    int absent_ok;
    const char *d = getter_dflt(map, sec, key, &absent_ok);
    return absent_ok ? 0 : config_get_int(map, key, d, min, max, out, err);
}

int sc_get_enum(const config_node *map, sc_section sec, const char *key, int *out, vs_error *err)
{
    char buf[160];
    const char *choices[16];
    int absent_ok;
    const char *d = getter_dflt(map, sec, key, &absent_ok);
    if (absent_ok) return 0;
    sc_enum_choices(sec, key, buf, sizeof buf, choices, sizeof choices / sizeof choices[0]);
    return config_get_enum(map, key, d, choices, out, err);
}

/* Parses a CIDR scalar; odd input is quoted safely in the message. */
static int node_cidr(const config_node *v, const char *key, ipv4_cidr *out, vs_error *err)
{
    const char *s = config_scalar(v);
    char q[96];
    vs_error why;
    if (strlen(s) > 18 || strspn(s, "0123456789./") != strlen(s))
        return config_error_at(v, err,
                               "key '%s': expected an IPv4 CIDR such as 10.0.0.0/16, got %s", key,
                               units_format_quoted(s, 40, q, sizeof q));
    if (cidr_parse(s, out, &why)) return config_error_at(v, err, "key '%s': %s", key, why.msg);
    return 0;
}

int sc_get_cidr(const config_node *map, sc_section sec, const char *key, ipv4_cidr *out,
                vs_error *err)
{
    const char *s;
    if (sc_get_string(map, sec, key, &s, err)) return -1;
    return node_cidr(config_find(map, key), key, out, err);
}

static int get_child(const config_node *map, sc_section sec, const char *key, int seq,
                     const config_node **out, vs_error *err)
{
    int required = sc_dflt(sec, key) == NULL;
    *out = NULL;
    if (!seq) return config_get_map(map, key, required, out, err);
    if (config_get_seq(map, key, required, out, err)) return -1;
    if (config_len(*out) <= SC_MAX_ITEMS) return 0;
    return config_error_at(*out, err, "key '%s': more than %d items", key, SC_MAX_ITEMS);
}

int sc_get_seq(const config_node *map, sc_section sec, const char *key, const config_node **out,
               vs_error *err)
{
    return get_child(map, sec, key, 1, out, err);
}

int sc_get_map(const config_node *map, sc_section sec, const char *key, const config_node **out,
               vs_error *err)
{
    return get_child(map, sec, key, 0, out, err);
}

topo_pos sc_pos(const config_node *node)
{
    return (topo_pos){config_file(node), config_line(node), config_col(node)};
}

const char *sc_region_name(const sc_build *b, int32_t region)
{
    return region >= 0 && (size_t)region < b->ld->nregions ? b->ld->regions[region].name : "?";
}

int sc_region_ref(const sc_build *b, const config_node *node, int32_t *out)
{
    const char *name, **names;
    char hint[512], q[96];
    if (config_as_string(node, &name, b->err)) return -1;
    for (size_t i = 0; i < b->ld->nregions; i++) {
        if (strcmp(b->ld->regions[i].name, name) == 0) {
            *out = (int32_t)i;
            return 0;
        }
    }
    names = malloc((b->ld->nregions + 1) * sizeof *names);
    for (size_t i = 0; names && i < b->ld->nregions; i++) names[i] = b->ld->regions[i].name;
    sc_not_found_hint(name, names, names ? b->ld->nregions : 0, "Regions", hint, sizeof hint);
    free(names);
    return sc_error(b, node, "%s: Region %s not found in regions%s", b->what,
                    sc_show(name, q, sizeof q), hint);
}

int sc_get_id(const sc_build *b, const config_node *map, sc_section sec, const char *name,
              const char **out)
{
    *out = NULL;
    if (sc_get_string(map, sec, "id", out, b->err)) return -1;
    if (!*out || !**out) { /* absent: its default "" */
        *out = name;
        return 0;
    }
    if (strpbrk(*out, " \t\r\n"))
        return sc_error(b, config_find(map, "id"), "%s: key 'id': expected an id without spaces",
                        b->what);
    return 0;
}

int sc_get_account(const sc_build *b, const config_node *map, sc_section sec, const char *key,
                   const char **out)
{
    *out = NULL;
    if (sc_get_string(map, sec, key, out, b->err)) return -1;
    if (*out && !**out) *out = NULL; /* absent: its default "" */
    if (*out && (strlen(*out) != 12 || strspn(*out, "0123456789") != 12))
        return sc_error(b, config_find(map, key),
                        "%s: key '%s': expected a 12-digit AWS account id", b->what, key);
    return 0;
}
