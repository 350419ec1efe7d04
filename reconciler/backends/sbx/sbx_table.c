/* Text tables as sbx prints them (Go's tabwriter): cut by the positions of the header words. */
#include "sbx_parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Byte offset of the character at index `col` of line (UTF-8), or len. */
static size_t byte_at_column(const char *line, size_t len, size_t col)
{
	size_t i = 0, c = 0;
	while (i < len && c < col) {
		i++;
		while (i < len && ((unsigned char)line[i] & 0xC0) == 0x80)
			i++;
		c++;
	}
	return i;
}

static size_t columns_of(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* Header words; "APPLIES TO" is one header although it holds a space. */
static void split_header(const char *line, size_t len, struct sbx_table *t, size_t **starts, size_t *alloc_starts)
{
	size_t i = 0;
	while (i < len) {
		/* any blank or control byte separates words (a stray \r or NUL is no part of a header) */
		while (i < len && (unsigned char)line[i] <= ' ')
			i++;
		if (i >= len)
			break;
		size_t b = i;
		while (i < len && (unsigned char)line[i] > ' ')
			i++;
		if (t->ncols && !strcmp(t->headers[t->ncols - 1], "APPLIES") && i - b == 2 && !memcmp(line + b, "TO", 2)) {
			free(t->headers[t->ncols - 1]);
			t->headers[t->ncols - 1] = xstrdup("APPLIES TO");
			continue;
		}
		XGROW(t->headers, t->alloc_cols, t->ncols + 1);
		XGROW(*starts, *alloc_starts, t->ncols + 1);
		t->headers[t->ncols] = xstrndup(line + b, i - b);
		(*starts)[t->ncols++] = columns_of(line, b);
	}
}

static bool blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

static bool holds_word(const char *line, size_t len, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i + w <= len; i++)
		if (!memcmp(line + i, word, w) && (i == 0 || line[i - 1] == ' ') &&
		    (i + w == len || line[i + w] == ' ' || line[i + w] == '\r'))
			return true;
	return false;
}

int sbx_table_parse(const char *text, size_t len, const char *key, struct sbx_table *t)
{
	memset(t, 0, sizeof(*t));
	size_t *starts = NULL, alloc_starts = 0;
	bool header = false;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (!header) {
			/* lines before the header (a "Starting sandboxd daemon..." banner) are skipped */
			if (holds_word(p, n, key)) {
				split_header(p, n, t, &starts, &alloc_starts);
				header = true;
			}
		} else if (!blank_line(p, n)) {
			char **row = xcalloc(t->ncols + 1, sizeof(*row));
			for (size_t c = 0; c < t->ncols; c++) {
				size_t b = byte_at_column(p, n, starts[c]);
				size_t e = c + 1 < t->ncols ? byte_at_column(p, n, starts[c + 1]) : n;
				row[c] = trimmed(p + b, e > b ? e - b : 0);
			}
			XGROW(t->rows, t->alloc_rows, t->nrows + 1);
			t->rows[t->nrows++] = row;
		}
		p = nl ? nl + 1 : end;
	}
	free(starts);
	return header ? 0 : -1;
}

const char *sbx_table_cell(const struct sbx_table *t, size_t row, const char *h)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->headers[c], h))
			return t->rows[row][c];
	return NULL;
}

void sbx_table_release(struct sbx_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	free(t->rows);
	for (size_t c = 0; c < t->ncols; c++)
		free(t->headers[c]);
	free(t->headers);
	memset(t, 0, sizeof(*t));
}
