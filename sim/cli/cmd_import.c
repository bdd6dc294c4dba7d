/* `vpcsim import terraform FILE.json | aws DIR [-o OUT] [--workloads FILE] [--name NAME]`: writes
 * a scenario from Terraform's `show -json` or AWS's describe-* outputs. What is not imported is
 * listed on stderr and in the output; the output is complete or absent (temp file + rename). */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/import_impl.h"
#include "vpcsim/config.h"

typedef struct import_opts {
    const char *from;      /* "terraform" or "aws" */
    const char *input;     /* the JSON file or the folder */
    const char *out;       /* -o, or NULL for stdout */
    const char *workloads; /* --workloads */
    const char *name;      /* --name: the scenario's name */
} import_opts;

static void import_usage(FILE *f)
{
    fputs("usage: vpcsim import terraform FILE.json [-o OUT.yaml] [--workloads FILE] [--name N]\n"
          "       vpcsim import aws DIR [-o OUT.yaml] [--workloads FILE] [--name N]\n"
          "  terraform: the output of `terraform show -json` of a state or of a plan file\n"
          "  aws: a folder of `aws ec2 describe-*` outputs (experiments/aws-describe.sh)\n"
          "  -o OUT          the scenario to write (default: standard output)\n"
          "  --workloads F   a YAML file of workloads (and overrides, run, faults) to merge\n"
          "  --name N        the scenario's name (default: imported)\n",
          f);
}

static int parse_args(import_opts *o, int argc, char **argv, vs_error *err)
{
    *o = (import_opts){.name = "imported"};
    const char **pos[] = {&o->from, &o->input};
    size_t npos = 0;
    for (int i = 0; i < argc; i++) {
        const char **val = strcmp(argv[i], "-o") == 0            ? &o->out
                           : strcmp(argv[i], "--workloads") == 0 ? &o->workloads
                           : strcmp(argv[i], "--name") == 0      ? &o->name
                                                                 : NULL;
        if (val) {
            if (i + 1 >= argc) return error_set(err, "%s needs a value", argv[i]);
            *val = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return error_set(err, "unknown option '%s'", argv[i]);
        } else if (npos < 2) {
            *pos[npos++] = argv[i];
        } else {
            return error_set(err, "unexpected argument '%s'", argv[i]);
        }
    }
    if (npos < 2) return error_set(err, "give the source (terraform or aws) and its input");
    if (strcmp(o->from, "terraform") && strcmp(o->from, "aws"))
        return error_set(err, "unknown source '%s' (terraform or aws)", o->from);
    return 0;
}

/* The workloads file's text, once it reads as a map of workloads, overrides, run, faults. */
static char *workloads_text(const char *path, vs_error *err)
{
    static const char *const keys[] = {"workloads", "overrides", "run", "faults", "output"};
    config_doc *doc = config_load_file(path, err);
    if (!doc) return NULL;
    const config_node *root = config_root(doc);
    int bad = config_kind_of(root) != CONFIG_KIND_MAP;
    if (bad)
        config_error_at(root, err,
                        "a workloads file is a map with workloads (and overrides, "
                        "run, faults, output)");
    for (size_t i = 0; !bad && i < config_len(root); i++) {
        const config_node *k = config_key_at(root, i);
        bad = 1;
        for (size_t j = 0; j < sizeof keys / sizeof *keys; j++)
            bad &= strcmp(config_scalar(k), keys[j]) != 0;
        if (bad)
            config_error_at(k, err,
                            "key '%s' does not belong in a workloads file (workloads, "
                            "overrides, run, faults, output)",
                            config_scalar(k));
    }
    config_free(doc);
    if (bad) return NULL;
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t n = 0;
    if (f) {
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        text = len >= 0 ? malloc((size_t)len + 1) : NULL;
        n = text ? fread(text, 1, (size_t)len, f) : 0;
        fclose(f);
    }
    if (!text) return error_set(err, "%s: could not read it", path), NULL;
    text[n] = 0;
    return text;
}

/* Refuses a target that exists and is not a regular file, or is one of the inputs. */
static int check_target(const import_opts *o, vs_error *err)
{
    struct stat t, s;
    if (stat(o->out, &t) != 0) return 0;
    if (!S_ISREG(t.st_mode))
        return error_set(err, "%s: not a regular file; not overwritten", o->out);
    const char *inputs[] = {o->input, o->workloads};
    for (size_t i = 0; i < 2; i++)
        if (inputs[i] && stat(inputs[i], &s) == 0 && s.st_dev == t.st_dev && s.st_ino == t.st_ino)
            return error_set(err, "%s is an input; write the scenario elsewhere", o->out);
    if (strcmp(o->from, "aws") == 0 && stat(o->input, &s) == 0) {
        char *d1 = strdup(o->out), *dir = d1 ? dirname(d1) : NULL;
        bool same = dir && stat(dir, &s) == 0;
        struct stat in;
        same = same && stat(o->input, &in) == 0 && in.st_dev == s.st_dev && in.st_ino == s.st_ino;
        free(d1);
        if (same && strstr(o->out, ".json"))
            return error_set(err, "%s is in the input folder; write the scenario elsewhere",
                             o->out);
    }
    return 0;
}

/* Writes to a temporary file beside the target, then renames it: complete or absent. */
static int write_out(const import_opts *o, const import_estate *e, const char *wl, vs_error *err)
{
    if (!o->out) return import_yaml_write(e, o->name, wl, stdout);
    char *d1 = strdup(o->out);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/.vpcsim-import.XXXXXX", d1 ? dirname(d1) : ".");
    free(d1);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return error_set(err, "%s: cannot create a file there: %s", o->out, strerror(errno));
    FILE *f = fdopen(fd, "w");
    int rc = f ? import_yaml_write(e, o->name, wl, f) : -1;
    if (f && fclose(f) != 0) rc = -1;
    if (!f) close(fd);
    if (rc == 0 && rename(tmp, o->out) == 0) return 0;
    unlink(tmp);
    return error_set(err, "%s: could not write it: %s", o->out, strerror(errno));
}

static int import_run(const import_opts *o, import_estate *e, vs_error *err)
{
    if (strcmp(o->from, "aws") == 0) return import_aws(o->input, e, err);
    json_object *doc = import_json_load(o->input, err);
    if (!doc) return -1;
    int rc = import_tf(doc, o->input, e, err);
    json_object_put(doc);
    return rc;
}

int import_main(int argc, char **argv)
{
    import_opts o;
    vs_error err = {{0}};
    import_estate e;
    char source[600];
    if (argc > 0 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        import_usage(stdout);
        return 0;
    }
    if (parse_args(&o, argc, argv, &err)) {
        fprintf(stderr, "vpcsim import: %s\n", err.msg);
        import_usage(stderr);
        return EXIT_USAGE;
    }
    if (o.out && check_target(&o, &err)) {
        fprintf(stderr, "vpcsim import: %s\n", err.msg);
        return EXIT_USAGE;
    }
    char *wl = o.workloads ? workloads_text(o.workloads, &err) : NULL;
    if (o.workloads && !wl) {
        fprintf(stderr, "vpcsim import: %s\n", err.msg);
        return EXIT_USAGE;
    }
    snprintf(source, sizeof source, "%s %s",
             strcmp(o.from, "aws") ? "Terraform JSON"
                                   : "AWS CLI "
                                     "describe-* outputs in",
             o.input);
    if (import_estate_init(&e, source) || import_run(&o, &e, &err)) {
        fprintf(stderr, "vpcsim import: %s\n", err.msg[0] ? err.msg : "out of memory");
        import_estate_fini(&e);
        free(wl);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < import_len(e.skipped); i++)
        fprintf(stderr, "vpcsim import: not imported: %s\n",
                json_object_get_string(json_object_array_get_idx(e.skipped, i)));
    int rc = write_out(&o, &e, wl, &err);
    if (rc)
        fprintf(stderr, "vpcsim import: %s\n", err.msg);
    else if (o.out)
        fprintf(stderr, "vpcsim import: wrote %s (%zu not imported, listed in it)%s\n", o.out,
                import_len(e.skipped), wl ? "" : "; add workloads (--workloads FILE)");
    import_estate_fini(&e);
    free(wl);
    return rc ? 1 : 0;
}
