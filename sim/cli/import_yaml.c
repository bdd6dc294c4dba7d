/* `vpcsim import`: writes an imported estate as a scenario (docs/scenario.md): one architecture,
 * each element on a line of its own (nested ones in blocks) with its source as a comment, then
 * what was not imported, and the workloads a user merged or a commented skeleton. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "cli/import_impl.h"

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0. */
static size_t utf8_len(const unsigned char *p)
{
    size_t n = *p < 0x80                 ? 1
               : *p >= 0xc2 && *p < 0xe0 ? 2
               : *p >= 0xe0 && *p < 0xf0 ? 3
               : *p >= 0xf0 && *p < 0xf5 ? 4
                                         : 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80) return 0;
    if (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))) return 0;
    if (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))) return 0;
    return n;
}

/* A string YAML reads back as the same string: plain when it is safe, else double-quoted. */
static void yaml_string(FILE *f, const char *s)
{
    static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "~"};
    bool plain = *s && (isalnum((unsigned char)*s) || *s == '/');
    for (const char *p = s; plain && *p; p++)
        plain = isalnum((unsigned char)*p) || strchr("-_./", *p);
    for (size_t i = 0; plain && i < sizeof words / sizeof *words; i++)
        plain = strcasecmp(s, words[i]) != 0;
    if (plain && strspn(s, "0123456789.") == strlen(s)) plain = strchr(s, '/') != NULL;
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\t' || *p == '\n')
            fputs(*p == '\t' ? "\\t" : "\\n", f);
        else if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
            fputc('?', f), p += *p == 0xc2; /* control characters: refused in scenarios */
        else if (utf8_len(p) > 1)
            fwrite(p, 1, utf8_len(p), f), p += utf8_len(p) - 1;
        else if (*p >= 0x80)
            fputc('?', f); /* not UTF-8: never written as such */
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* Text on one comment line: control characters become spaces. */
static void yaml_comment_text(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        size_t n = utf8_len(p);
        if (n > 1)
            fwrite(p, 1, n, f), p += n - 1;
        else
            fputc(*p < 0x20 || *p >= 0x7f ? (*p >= 0x80 ? '?' : ' ') : *p, f);
    }
}

static void yaml_comment(FILE *f, const char *s)
{
    fputs("  # ", f);
    yaml_comment_text(f, s);
}

static bool is_nested(json_object *v)
{
    if (json_object_is_type(v, json_type_object)) return true;
    if (!json_object_is_type(v, json_type_array)) return false;
    for (size_t i = 0; i < import_len(v); i++)
        if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string)) return true;
    return false;
}

static void yaml_value(FILE *f, json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_boolean:
        fputs(json_object_get_boolean(v) ? "true" : "false", f);
        break;
    case json_type_int:
        fprintf(f, "%lld", (long long)json_object_get_int64(v));
        break;
    case json_type_double:
        fprintf(f, "%.17g", json_object_get_double(v));
        break;
    case json_type_array:
        fputc('[', f);
        for (size_t i = 0; i < import_len(v); i++) {
            if (i) fputs(", ", f);
            yaml_value(f, json_object_array_get_idx(v, i));
        }
        fputc(']', f);
        break;
    case json_type_string:
        yaml_string(f, json_object_get_string(v));
        break;
    default:
        fputs("null", f);
        break;
    }
}

/* {k: v, ...} of a map whose values are scalars or lists of strings. */
static void yaml_flow(FILE *f, json_object *o)
{
    bool first = true;
    fputc('{', f);
    json_object_object_foreach(o, k, v)
    {
        if (k[0] == '#') continue; /* the source, and importers' own keys */
        fprintf(f, "%s%s: ", first ? "" : ", ", k);
        yaml_value(f, v);
        first = false;
    }
    fputc('}', f);
}

static bool is_flat(json_object *o)
{
    json_object_object_foreach(o, k, v)
    {
        (void)k;
        if (is_nested(v)) return false;
    }
    return true;
}

static void yaml_item(FILE *f, json_object *o, int indent);

/* The keys of map o in block style; the first key's line carries comment (if any). */
static void yaml_block(FILE *f, json_object *o, int indent, bool dash)
{
    bool first = true;
    json_object_object_foreach(o, k, v)
    {
        if (k[0] == '#') continue; /* the source, and importers' own keys */
        fprintf(f, "%*s%s%s:", first && dash ? indent - 2 : indent, "", first && dash ? "- " : "",
                k);
        if (!is_nested(v)) {
            fputc(' ', f);
            yaml_value(f, v);
        } else if (json_object_is_type(v, json_type_object) && is_flat(v)) {
            fputc(' ', f);
            yaml_flow(f, v);
        }
        if (first && import_str(o, "#")) yaml_comment(f, import_str(o, "#"));
        fputc('\n', f);
        if (is_nested(v) && json_object_is_type(v, json_type_array)) {
            for (size_t i = 0; i < import_len(v); i++)
                yaml_item(f, json_object_array_get_idx(v, i), indent + 2);
        } else if (is_nested(v) && !is_flat(v)) {
            yaml_block(f, v, indent + 2, false);
        }
        first = false;
    }
}

/* One element of a list: "- {..}  # source" when flat, else a block. */
static void yaml_item(FILE *f, json_object *o, int indent)
{
    if (!json_object_is_type(o, json_type_object)) {
        fprintf(f, "%*s- ", indent, "");
        yaml_value(f, o);
        fputc('\n', f);
        return;
    }
    if (is_flat(o)) {
        fprintf(f, "%*s- ", indent, "");
        yaml_flow(f, o);
        if (import_str(o, "#")) yaml_comment(f, import_str(o, "#"));
        fputc('\n', f);
        return;
    }
    yaml_block(f, o, indent + 2, true);
}

static void yaml_header(const import_estate *e, FILE *f)
{
    fprintf(f, "# Imported by `vpcsim import` from %s.\n", e->source);
    fputs("# Each element's comment names its source; names derive from it. AZs are the AZ names "
          "the\n# importing account sees (us-east-1a): AZ names map to different AZ ids in other "
          "accounts.\n",
          f);
    for (size_t i = 0; i < import_len(e->notes); i++) {
        fputs("# Review: ", f);
        yaml_comment_text(f, json_object_get_string(json_object_array_get_idx(e->notes, i)));
        fputc('\n', f);
    }
    size_t n = import_len(e->skipped);
    if (n) fprintf(f, "#\n# Not imported (%zu):\n", n);
    for (size_t i = 0; i < n; i++) {
        fputs("#   - ", f);
        yaml_comment_text(f, json_object_get_string(json_object_array_get_idx(e->skipped, i)));
        fputc('\n', f);
    }
}

static void yaml_regions(const import_estate *e, FILE *f)
{
    fputs("regions:\n", f);
    json_object_object_foreach(e->regions, r, azs)
    {
        fputs("  - {name: ", f);
        yaml_string(f, r);
        fputs(", azs: [", f);
        bool first = true;
        json_object_object_foreach(azs, az, t)
        {
            (void)t;
            fputs(first ? "" : ", ", f);
            yaml_string(f, az);
            first = false;
        }
        fputs("]}\n", f);
    }
}

static const char WORKLOAD_SKELETON[] =
    "# Workloads are not in Terraform or in AWS's descriptions: add them here (or import again\n"
    "# with --workloads FILE). `vpcsim check` shows paths and verdicts only for workloads.\n"
    "# workloads:\n"
    "#   - name: app-to-s3\n"
    "#     source: {subnet: SUBNET, security_groups: [SG]}   # or {site: SITE}\n"
    "#     target: {service: s3}          # or {endpoint_service: NAME}, {internet: 203.0.113.10}\n"
    "#     action: s3:GetObject\n"
    "#     traffic: {rate: 100/s, request_size: 1KiB, response_size: 64KiB}\n"
    "workloads: []\n";

int import_yaml_write(const import_estate *e, const char *name, const char *workloads, FILE *f)
{
    yaml_header(e, f);
    fputs("version: 1\nname: ", f);
    yaml_string(f, name);
    fputs("\ndescription: ", f);
    yaml_string(f, e->source);
    fputc('\n', f);
    yaml_regions(e, f);
    fputs("architectures:\n  - name: imported\n", f);
    json_object_object_foreach(e->kinds, kind, list)
    {
        if (import_len(list) == 0) continue;
        fprintf(f, "    %s:\n", kind);
        for (size_t i = 0; i < import_len(list); i++)
            yaml_item(f, json_object_array_get_idx(list, i), 6);
    }
    if (workloads)
        fprintf(f, "# merged from the workloads file\n%s", workloads);
    else
        fputs(WORKLOAD_SKELETON, f);
    if (workloads && workloads[0] && workloads[strlen(workloads) - 1] != '\n') fputc('\n', f);
    return ferror(f) ? -1 : 0;
}
