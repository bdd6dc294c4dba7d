/* Aligned text tables (see text_table.h): widths from one pass over the cells, then one line per
 * row; left-aligned last cells get no trailing blanks. */
#include "cli/text_table.h"

#include <stdlib.h>
#include <string.h>

#include "vpcsim/grow.h"

int text_table_add_row(text_table *t)
{
    void *cells = grow_reserve(t->cells, t->nrows + 1, &t->cap, t->ncols * sizeof *t->cells, 16);
    if (!cells) return -1;
    t->cells = cells;
    memset(t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof *t->cells);
    t->nrows++;
    return 0;
}

char *text_table_cell(text_table *t, size_t col)
{
    return t->cells[(t->nrows - 1) * t->ncols + col];
}

void text_table_set(text_table *t, size_t col, const char *text)
{
    snprintf(text_table_cell(t, col), TEXT_TABLE_CELL, "%s", text);
}

/* Display width of UTF-8 text: one column per character. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void put_cell(FILE *f, const char *s, size_t width, bool right, bool last)
{
    size_t pad = width - text_width(s);
    if (right)
        fprintf(f, "%*s%s", (int)pad, "", s);
    else if (last)
        fputs(s, f);
    else
        fprintf(f, "%s%*s", s, (int)pad, "");
}

/* Row r of the output: 0 the headings, r >= 1 row r - 1. */
static const char *cell_at(const text_table *t, size_t r, size_t c)
{
    return r ? t->cells[(r - 1) * t->ncols + c] : t->head[c];
}

static void put_line(const text_table *t, FILE *f, const char *indent, size_t r,
                     const size_t *width)
{
    size_t last = t->ncols - 1;
    if (!t->pad_tail) /* no trailing blanks: stop at the last non-empty cell */
        while (last > 0 && !*cell_at(t, r, last)) last--;
    fputs(indent, f);
    for (size_t c = 0; c <= last; c++) {
        if (c) fputs("  ", f);
        put_cell(f, cell_at(t, r, c), width[c], t->right[c], c == last);
    }
    fputc('\n', f);
}

void text_table_print(const text_table *t, FILE *f, const char *indent)
{
    size_t width[TEXT_TABLE_COLS], total = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        width[c] = 0;
        for (size_t r = 0; r <= t->nrows; r++) {
            size_t w = text_width(cell_at(t, r, c));
            width[c] = w > width[c] ? w : width[c];
        }
        total += width[c] + (c ? 2 : 0);
    }
    for (size_t r = 0; r <= t->nrows; r++) {
        if (t->rule_above && r == t->rule_above) {
            fputs(indent, f);
            for (size_t i = 0; i < total; i++) fputc('-', f);
            fputc('\n', f);
        }
        put_line(t, f, indent, r, width);
    }
}

void text_table_free(text_table *t)
{
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}
