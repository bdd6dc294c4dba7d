/* `vpcsim report FILE --html OUT`: one self-contained HTML page (styles and figures inline, no
 * script, nothing fetched) with the text report's tables (comparisons, verdicts, costs), every
 * figure of plots/ as inline SVG and the scenario text. */
#ifndef VPCSIM_HTML_REPORT_H
#define VPCSIM_HTML_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "vpcsim/error.h"

typedef struct html_report_in {
    const char *h5_path;   /* the run's file (the plot scripts read it) */
    const char *title;     /* the scenario's name */
    const char *tables;    /* the text report, as `vpcsim report FILE` prints it */
    const char *scenario;  /* the scenario's text (the file's `scenario` attribute) */
    const char *plots_dir; /* where plots/all.py is */
    const char *python;    /* the interpreter that runs it (/usr/bin/python3) */
    bool incomplete;       /* the file is marked incomplete: say so at the top */
} html_report_in;

/* Writes the page to out_path (under a temporary name, renamed at the end). The figures come
 * from running python plots_dir/all.py on h5_path into a temporary folder; when that fails the
 * page says so in place of the figures and *figures_note names why (else ""). Returns 0, or -1
 * with err set (the page could not be written; nothing is left at out_path). */
int html_report_write(const html_report_in *in, const char *out_path, char *figures_note,
                      size_t note_size, vs_error *err);

#endif
