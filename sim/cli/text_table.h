/* Aligned text tables for the reports of check and run: headings, rows of short cells, columns as
 * wide as their widest cell (UTF-8 counted in characters), two blanks between columns. Tables are
 * small (tens of rows), so every cell is a fixed buffer. */
#ifndef VPCSIM_CLI_TEXT_TABLE_H
#define VPCSIM_CLI_TEXT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum { TEXT_TABLE_COLS = 16, TEXT_TABLE_CELL = 168 };

/* Fill the public fields, add rows, print, free. Zero-initialised: no rows, no rule. */
typedef struct text_table {
    size_t ncols;                      /* public: columns, at most TEXT_TABLE_COLS */
    const char *head[TEXT_TABLE_COLS]; /* public: the headings */
    bool right[TEXT_TABLE_COLS];       /* public: right-aligned (numbers, money) */
    size_t rule_above;                 /* public: 1 + the row a rule is drawn above; 0: none */
    bool pad_tail;                     /* public: pad empty trailing cells (else lines stop) */
    char (*cells)[TEXT_TABLE_CELL];    /* private: row-major, ncols per row */
    size_t nrows, cap;                 /* private: rows used, rows allocated */
} text_table;

/* Adds a row of empty cells. Returns 0, or -1 (out of memory) with the table unchanged. */
int text_table_add_row(text_table *t);
/* Cell col of the last row: TEXT_TABLE_CELL bytes to write into. */
char *text_table_cell(text_table *t, size_t col);
/* Copies text into cell col of the last row (cut to TEXT_TABLE_CELL - 1 bytes). */
void text_table_set(text_table *t, size_t col, const char *text);
/* Prints the headings and the rows, each line after indent. */
void text_table_print(const text_table *t, FILE *f, const char *indent);
void text_table_free(text_table *t); /* frees the rows; the table can be filled again */

#endif
