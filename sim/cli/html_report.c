/* The HTML page of `vpcsim report FILE --html OUT` (see html_report.h). The figures are the plot
 * scripts' own SVGs (one drawing code for PNG, SVG and the page), made by running plots/all.py
 * once into a temporary folder and copied inline with their ids prefixed per figure (inline SVGs
 * share one id space). Expected size: a few hundred kB of SVG and text. */
#include "cli/html_report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The figures of plots/all.py in page order, with what each shows. */
static const struct html_figure {
    const char *name, *caption;
} html_figures[] = {
    {"latency_cdf", "Latency CDF of all calls: failed calls never arrive, so a line ends at its "
                    "success ratio."},
    {"quantiles", "Latency quantiles of successful calls: mean over replications with its 95% "
                  "confidence interval."},
    {"timeline", "Latency and failures over time (one replication), warm-up and faults shaded."},
    {"hops", "Where a call's time goes: stations and links in path order (traced calls)."},
    {"cost", "Monthly cost against throughput, and cost per million completed calls."},
    {"sweep", "p99 latency and monthly cost against the swept value."},
};

static const char html_style[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;"
    "color:#222}h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}"
    "pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:.8em;overflow-x:auto;"
    "font:12.5px/1.35 ui-monospace,monospace}figure{margin:1.5em 0}figure svg{max-width:100%;"
    "height:auto}figcaption{color:#555;font-size:.9em}.warn{background:#fff3cd;padding:.6em;"
    "border:1px solid #e0c36c}nav a{margin-right:1em}";

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

/* ---- running the plot scripts ---------------------------------------------------------------- */

/* Runs python plots_dir/all.py h5 dir, its stdout to /dev/null and stderr to dir/notes.txt.
 * Returns its exit status, or -1 if it could not be started. */
static int html_run_plots(const html_report_in *in, const char *dir)
{
    char script[4096], notes[4096];
    snprintf(script, sizeof script, "%s/all.py", in->plots_dir);
    snprintf(notes, sizeof notes, "%s/notes.txt", dir);
    if (access(in->python, X_OK) != 0 || access(script, R_OK) != 0) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int out = open("/dev/null", O_WRONLY), err = open(notes, O_WRONLY | O_CREAT, 0600);
        if (out >= 0) dup2(out, 1);
        if (err >= 0) dup2(err, 2);
        char *argv[] = {(char *)in->python, script, (char *)in->h5_path, (char *)dir, NULL};
        execv(in->python, argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Removes dir and the files in it (the scripts write no subfolders). */
static void html_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name), unlink(path);
    if (d) closedir(d);
    rmdir(dir);
}

/* A whole file, NUL-terminated (malloc'd), or NULL. */
static char *html_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n)
        buf[n] = 0;
    else
        free(buf), buf = NULL;
    if (f) fclose(f);
    return buf;
}

/* ---- the page -------------------------------------------------------------------------------- */

/* Copies an SVG from its <svg> element on, its ids and references to them prefixed (fig-K-). */
static void html_svg(FILE *f, const char *svg, size_t k)
{
    static const char *const refs[] = {"id=\"", "url(#", "href=\"#"};
    const char *s = strstr(svg, "<svg");
    if (!s) return;
    while (*s) {
        size_t r = 0;
        while (r < 3 && strncmp(s, refs[r], strlen(refs[r])) != 0) r++;
        if (r < 3) {
            fprintf(f, "%sfig%zu-", refs[r], k);
            s += strlen(refs[r]);
        } else {
            fputc(*s++, f);
        }
    }
    fputc('\n', f);
}

static void html_figures_section(FILE *f, const char *dir, const char *why)
{
    char path[4096];
    fputs("<h2 id=\"figures\">Figures</h2>\n", f);
    if (why[0]) {
        fputs("<p class=\"warn\">No figures: ", f), html_text(f, why), fputs("</p>\n", f);
        return;
    }
    for (size_t k = 0; k < sizeof html_figures / sizeof *html_figures; k++) {
        snprintf(path, sizeof path, "%s/%s.svg", dir, html_figures[k].name);
        char *svg = html_slurp(path);
        if (!svg) continue; /* skipped: the notes say why */
        fputs("<figure>\n", f);
        html_svg(f, svg, k);
        fputs("<figcaption>", f), html_text(f, html_figures[k].caption);
        fputs("</figcaption>\n</figure>\n", f);
        free(svg);
    }
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    char *notes = html_slurp(path);
    if (notes && notes[0]) fputs("<pre>", f), html_text(f, notes), fputs("</pre>\n", f);
    free(notes);
}

static void html_page(FILE *f, const html_report_in *in, const char *dir, const char *why)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    html_text(f, in->title);
    fprintf(f, " - vpcsim report</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", html_style);
    html_text(f, in->title);
    fputs("</h1>\n<nav><a href=\"#tables\">Tables</a><a href=\"#figures\">Figures</a>"
          "<a href=\"#scenario\">Scenario</a></nav>\n",
          f);
    if (in->incomplete)
        fputs("<p class=\"warn\">Incomplete file (interrupted run): the tables cover the "
              "replications that finished in every architecture.</p>\n",
              f);
    fputs("<h2 id=\"tables\">Tables: comparisons, verdicts, costs</h2>\n<pre>", f);
    html_text(f, in->tables);
    fputs("</pre>\n", f);
    html_figures_section(f, dir, why);
    fputs("<h2 id=\"scenario\">Scenario</h2>\n<pre>", f);
    html_text(f, in->scenario);
    fputs("</pre>\n</body>\n</html>\n", f);
}

int html_report_write(const html_report_in *in, const char *out_path, char *figures_note,
                      size_t note_size, vs_error *err)
{
    char dir[] = "/tmp/vpcsim-html-XXXXXX", tmp[4096];
    const char *base = mkdtemp(dir);
    int st = base ? html_run_plots(in, dir) : -1;
    if (!base)
        snprintf(figures_note, note_size, "no temporary folder for the figures");
    else if (st != 0)
        snprintf(figures_note, note_size, "%s %s/all.py %s (exit %d)",
                 st < 0 ? "could not run" : "failed:", in->plots_dir, in->h5_path, st);
    else
        figures_note[0] = 0;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", out_path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int rc = f ? 0 : error_set(err, "%s: cannot write", out_path);
    if (f) {
        html_page(f, in, dir, figures_note);
        if (fclose(f) != 0) rc = error_set(err, "%s: cannot write", out_path);
    }
    if (rc == 0 && rename(tmp, out_path) != 0) rc = error_set(err, "%s: cannot write", out_path);
    if (rc) unlink(tmp);
    if (base) html_rmdir(dir);
    return rc;
}
