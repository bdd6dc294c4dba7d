/* `vpcsim import`: JSON files through json-c (a syntax error as file:line:col, from the byte
 * offset json_tokener reports) and the estate the importers fill: unique valid names, sources,
 * the Regions and AZs seen, what was skipped and why. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/import_impl.h"

enum { JSON_MAX_DEPTH = 256 };

/* 1-based line and column (in bytes) of offset in text. */
static void json_line_col(const char *text, size_t off, int *line, int *col)
{
    *line = 1, *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n')
            (*line)++, *col = 1;
        else
            (*col)++;
    }
}

static bool json_only_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", s[i])) return false;
    return true;
}

json_object *import_json_parse(const char *text, size_t len, const char *name, vs_error *err)
{
    json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
    if (!tok) return error_set(err, "%s: out of memory", name), NULL;
    /* RFC 8259: no trailing commas or single quotes; UTF-8 text */
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *doc = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    int line, col;
    if (!doc && jerr == json_tokener_continue) jerr = json_tokener_error_parse_eof;
    if (doc && !json_only_space(text + end, len - end)) {
        json_object_put(doc), doc = NULL;
        json_line_col(text, end, &line, &col);
        error_set(err, "%s:%d:%d: text after the JSON document", name, line, col);
    } else if (!doc) {
        json_line_col(text, end, &line, &col); /* json-c stops at the offending byte */
        error_set(err, "%s:%d:%d: bad JSON: %s", name, line, col, json_tokener_error_desc(jerr));
    }
    json_tokener_free(tok);
    return doc;
}

json_object *import_json_load(const char *path, vs_error *err)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f) return error_set(err, "%s: %s", path, strerror(errno)), NULL;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > IMPORT_MAX_FILE_BYTES) {
        fclose(f);
        return error_set(err, "%s: not a regular file of at most %d MiB", path,
                         IMPORT_MAX_FILE_BYTES >> 20),
               NULL;
    }
    size_t n = (size_t)st.st_size;
    char *buf = malloc(n + 1);
    size_t got = buf ? fread(buf, 1, n, f) : 0;
    fclose(f);
    if (!buf || got != n) {
        free(buf);
        return error_set(err, "%s: could not read the file", path), NULL;
    }
    buf[n] = 0;
    json_object *doc = import_json_parse(buf, n, path, err);
    free(buf);
    return doc;
}

json_object *import_get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!o || !json_object_is_type(o, json_type_object)) return NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

const char *import_str(json_object *o, const char *key)
{
    json_object *v = import_get(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

size_t import_len(json_object *arr)
{
    return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

bool import_bool(json_object *o, const char *key, bool dflt)
{
    json_object *v = import_get(o, key);
    return v && json_object_is_type(v, json_type_boolean) ? json_object_get_boolean(v) : dflt;
}

/* ---- the estate ------------------------------------------------------------------------------ */

int import_estate_init(import_estate *e, const char *source)
{
    *e = (import_estate){.kinds = json_object_new_object(),
                         .regions = json_object_new_object(),
                         .skipped = json_object_new_array(),
                         .notes = json_object_new_array(),
                         .names = json_object_new_object(),
                         .source = source};
#define X(k) json_object_object_add(e->kinds, #k, json_object_new_array());
    IMPORT_KINDS
#undef X
    return e->kinds && e->regions && e->skipped && e->notes && e->names ? 0 : -1;
}

void import_estate_fini(import_estate *e)
{
    json_object_put(e->kinds), json_object_put(e->regions), json_object_put(e->skipped);
    json_object_put(e->notes), json_object_put(e->names);
    *e = (import_estate){0};
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

void import_sanitize(const char *s, char *buf, size_t n)
{
    size_t k = 0, max = n - 1 < IMPORT_NAME_MAX ? n - 1 : IMPORT_NAME_MAX;
    for (; s && *s && k < max; s++) {
        char c = name_char(*s) ? *s : '-';
        if (c == '-' && k > 0 && buf[k - 1] == '-') continue; /* one dash per run of others */
        if (k == 0 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            continue; /* names start with a letter or digit */
        buf[k++] = c;
    }
    while (k > 1 && (buf[k - 1] == '-' || buf[k - 1] == '.')) k--;
    if (k == 0) buf[k++] = 'x';
    buf[k] = 0;
}

/* name, or name-2, name-3, ... (cut to fit) that kind does not use yet, recorded as used. */
static void unique_name(import_estate *e, const char *kind, const char *want, char *out, size_t n)
{
    char key[160], base[IMPORT_NAME_MAX + 1];
    import_sanitize(want, base, sizeof base);
    snprintf(out, n, "%s", base);
    for (int i = 2;; i++) {
        snprintf(key, sizeof key, "%s/%s", kind, out);
        if (!import_get(e->names, key)) break;
        char suffix[12]; /* "-" and an int */
        int sl = snprintf(suffix, sizeof suffix, "-%d", i);
        int bl = (int)strlen(base);
        if (bl + sl > IMPORT_NAME_MAX) bl = IMPORT_NAME_MAX - sl;
        memcpy(out, base, (size_t)bl); /* bl + sl <= IMPORT_NAME_MAX < n */
        memcpy(out + bl, suffix, (size_t)sl + 1);
    }
    json_object_object_add(e->names, key, json_object_new_boolean(1));
}

json_object *import_elem_new(import_estate *e, const char *kind, const char *want,
                             const char *source)
{
    char name[IMPORT_NAME_MAX + 1];
    json_object *list = import_get(e->kinds, kind), *o = json_object_new_object();
    if (!list || !o) return json_object_put(o), NULL;
    unique_name(e, kind, want, name, sizeof name);
    import_set_str(o, "#", source);
    import_set_str(o, "name", name);
    json_object_array_add(list, o);
    return o;
}

json_object *import_sub_new(json_object *parent, const char *key, const char *name,
                            const char *source)
{
    json_object *o = import_add_obj(parent, key);
    char buf[IMPORT_NAME_MAX + 1];
    import_sanitize(name, buf, sizeof buf);
    if (!o) return NULL;
    import_set_str(o, "#", source);
    import_set_str(o, "name", buf);
    return o;
}

void import_set_str(json_object *o, const char *key, const char *v)
{
    json_object_object_add(o, key, v ? json_object_new_string(v) : NULL);
}

void import_set_int(json_object *o, const char *key, long long v)
{
    json_object_object_add(o, key, json_object_new_int64(v));
}

void import_set_bool(json_object *o, const char *key, bool v)
{
    json_object_object_add(o, key, json_object_new_boolean(v));
}

static json_object *array_at(json_object *o, const char *key)
{
    json_object *a = import_get(o, key);
    if (a && json_object_is_type(a, json_type_array)) return a;
    a = json_object_new_array();
    json_object_object_add(o, key, a);
    return a;
}

void import_add_str(json_object *o, const char *key, const char *v)
{
    json_object *a = array_at(o, key);
    for (size_t i = 0; i < import_len(a); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(a, i)), v) == 0) return;
    json_object_array_add(a, json_object_new_string(v));
}

json_object *import_add_obj(json_object *o, const char *key)
{
    json_object *a = array_at(o, key), *n = json_object_new_object();
    if (a && n) json_object_array_add(a, n);
    return n;
}

void import_skip(import_estate *e, const char *source, const char *fmt, ...)
{
    char why[512], line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s: %s", source, why);
    json_object_array_add(e->skipped, json_object_new_string(line));
}

void import_note(import_estate *e, const char *fmt, ...)
{
    char line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    json_object_array_add(e->notes, json_object_new_string(line));
}

void import_region_az(import_estate *e, const char *region, const char *az)
{
    json_object *r = import_get(e->regions, region);
    if (!r) json_object_object_add(e->regions, region, r = json_object_new_object());
    if (az && !import_get(r, az)) json_object_object_add(r, az, json_object_new_boolean(1));
}

const char *import_az_region(const char *az, char *buf, size_t n)
{
    size_t len = az ? strlen(az) : 0;
    /* an AZ name is its Region and one letter: us-east-1a (Local Zones: us-east-1-bos-1a) */
    if (len < 3 || len >= n || az[len - 1] < 'a' || az[len - 1] > 'z' || az[len - 2] < '0' ||
        az[len - 2] > '9')
        return NULL;
    memcpy(buf, az, len - 1);
    buf[len - 1] = 0;
    return buf;
}

const char *import_service_short(const char *service_name, char *buf, size_t n)
{
    const char *p = service_name;
    if (!p || strncmp(p, "com.amazonaws.", 14) != 0 || strncmp(p, "com.amazonaws.vpce.", 19) == 0)
        return NULL;
    p = strchr(p + 14, '.'); /* after the Region */
    if (!p || !p[1]) return NULL;
    snprintf(buf, n, "%s", p + 1);
    return buf;
}

/* ---- endpoint policies ----------------------------------------------------------------------- */

/* Strings of v (a string or an array of strings) appended to o[key]; -1 if anything else. */
static int policy_strings(json_object *v, json_object *o, const char *key)
{
    if (v && json_object_is_type(v, json_type_string)) {
        import_add_str(o, key, json_object_get_string(v));
        return 0;
    }
    if (!v || !json_object_is_type(v, json_type_array) || import_len(v) == 0) return -1;
    for (size_t i = 0; i < import_len(v); i++) {
        json_object *s = json_object_array_get_idx(v, i);
        if (!json_object_is_type(s, json_type_string)) return -1;
        import_add_str(o, key, json_object_get_string(s));
    }
    return 0;
}

/* One IAM statement into a policies[].statements[] element; the reason it cannot be, or NULL. */
static const char *policy_statement(json_object *st, json_object *out)
{
    static const char *const unsupported[] = {"Condition", "NotAction", "NotResource",
                                              "NotPrincipal"};
    for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
        if (import_get(st, unsupported[i])) return unsupported[i];
    const char *effect = import_str(st, "Effect"), *sid = import_str(st, "Sid");
    if (!effect || (strcmp(effect, "Allow") && strcmp(effect, "Deny"))) return "Effect";
    if (sid && *sid) import_set_str(out, "sid", sid);
    import_set_str(out, "effect", effect);
    if (policy_strings(import_get(st, "Action"), out, "actions")) return "Action";
    if (import_get(st, "Resource") && policy_strings(import_get(st, "Resource"), out, "resources"))
        return "Resource";
    json_object *p = import_get(st, "Principal");
    if (p && json_object_is_type(p, json_type_object)) p = import_get(p, "AWS");
    if (p && policy_strings(p, out, "principals")) return "Principal";
    return NULL;
}

/* One statement that allows every action on every resource to every principal: full access. */
static bool policy_full_access(const char *doc)
{
    vs_error err;
    json_object *j = import_json_parse(doc, strlen(doc), "policy", &err), *one = NULL;
    json_object *sts = import_get(j, "Statement");
    if (sts && json_object_is_type(sts, json_type_object))
        one = sts;
    else if (import_len(sts) == 1)
        one = json_object_array_get_idx(sts, 0);
    static const char *const keys[] = {"Action", "Resource", "Principal"};
    bool full = one && import_str(one, "Effect") &&
                strcmp(import_str(one, "Effect"), "Allow") == 0 &&
                json_object_object_length(one) <= 5 && !import_get(one, "Condition");
    for (size_t k = 0; full && k < 3; k++) {
        json_object *v = import_get(one, keys[k]);
        if (v && json_object_is_type(v, json_type_array) && import_len(v) == 1)
            v = json_object_array_get_idx(v, 0);
        full = (!v && k > 0) || (v && json_object_is_type(v, json_type_string) &&
                                 strcmp(json_object_get_string(v), "*") == 0);
    }
    json_object_put(j);
    return full;
}

int import_policy(import_estate *e, const char *doc, const char *owner, const char *source,
                  char *out, size_t n)
{
    vs_error err;
    json_object *j = import_json_parse(doc, strlen(doc), "policy", &err);
    json_object *sts = import_get(j, "Statement"), *pol = json_object_new_object();
    const char *why = NULL;
    if (!j)
        why = "not a JSON document";
    else if (!sts)
        why = "no Statement";
    if (sts && json_object_is_type(sts, json_type_object)) { /* one statement, not a list */
        json_object *one = json_object_new_array();
        json_object_array_add(one, json_object_get(sts));
        json_object_object_add(j, "Statement", one);
        sts = one;
    }
    for (size_t i = 0; !why && i < import_len(sts); i++)
        why =
            policy_statement(json_object_array_get_idx(sts, i), import_add_obj(pol, "statements"));
    if (!why && import_len(import_get(pol, "statements")) == 0) why = "no Statement";
    json_object_put(j);
    json_object_put(pol);
    if (why) {
        import_skip(e, source,
                    "endpoint policy not imported (%s is outside the scenario language): the "
                    "endpoint is modelled with full access",
                    why);
        return -1;
    }
    if (policy_full_access(doc)) return 1; /* AWS's default policy: nothing to model */
    char want[IMPORT_NAME_MAX + 8];
    snprintf(want, sizeof want, "%.55s.policy", owner);
    json_object *el = import_elem_new(e, "policies", want, source);
    j = import_json_parse(doc, strlen(doc), "policy", &err);
    sts = import_get(j, "Statement");
    if (sts && json_object_is_type(sts, json_type_object)) {
        policy_statement(sts, import_add_obj(el, "statements"));
    } else {
        for (size_t i = 0; i < import_len(sts); i++)
            policy_statement(json_object_array_get_idx(sts, i), import_add_obj(el, "statements"));
    }
    json_object_put(j);
    snprintf(out, n, "%s", import_str(el, "name"));
    return 0;
}
