#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

void diag_add(struct diag_list *list, enum diag_severity severity, const struct diag_source *src,
	      int line, int col, const char *fmt, ...)
{
	va_list ap;
	XGROW(list->items, list->alloc, list->nr + 1);
	struct diag *d = &list->items[list->nr++];
	d->severity = severity;
	d->source = src;
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	d->message = xvasprintf(fmt, ap);
	va_end(ap);
	if (severity == DIAG_ERROR)
		list->errors++;
	else
		list->warnings++;
}

static int compare_diags(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c = strcmp(x->source ? x->source->name : "", y->source ? y->source->name : "");
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity == DIAG_ERROR ? -1 : 1;
	c = strcmp(x->message, y->message);
	if (c)
		return c;
	/* equal keys: keep insertion order so the sort is stable */
	return x < y ? -1 : (x > y);
}

void diag_list_sort(struct diag_list *list)
{
	if (list->nr < 2)
		return;
	qsort(list->items, list->nr, sizeof(*list->items), compare_diags);
	size_t out = 1;
	for (size_t i = 1; i < list->nr; i++) {
		struct diag *prev = &list->items[out - 1], *cur = &list->items[i];
		if (prev->source == cur->source && prev->line == cur->line && prev->col == cur->col &&
		    prev->severity == cur->severity && !strcmp(prev->message, cur->message)) {
			if (cur->severity == DIAG_ERROR)
				list->errors--;
			else
				list->warnings--;
			free(cur->message);
			continue;
		}
		list->items[out++] = *cur;
	}
	list->nr = out;
}

/* Finds line number `line` (1-based) of src; returns its start and length. */
static const char *find_line(const struct diag_source *src, int line, size_t *len_out)
{
	const char *p = src->text, *end = src->text + src->len;
	for (int n = 1; n < line && p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p >= end && line > 1)
		return NULL;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (len && p[len - 1] == '\r')
		len--;
	*len_out = len;
	return p;
}

/* Prints the source line and a caret under column col, keeping tabs so they align. */
static void print_excerpt(const struct diag_source *src, int line, int col, FILE *out, bool color)
{
	size_t len;
	const char *text = find_line(src, line, &len);
	if (!text)
		return;
	struct strbuf caret = STRBUF_INIT;
	fprintf(out, "  %.*s\n", (int)len, text);
	/* libyaml counts columns in characters: skip UTF-8 continuation bytes */
	int seen = 1;
	for (size_t i = 0; i < len && seen < col; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c & 0xC0) == 0x80)
			continue;
		strbuf_addch(&caret, c == '\t' ? '\t' : ' ');
		seen++;
	}
	fprintf(out, "  %s%s^%s\n", caret.buf, color ? "\033[1;32m" : "", color ? "\033[0m" : "");
	strbuf_release(&caret);
}

void diag_print_one(const struct diag *d, FILE *out, bool color)
{
	const char *name = d->source ? d->source->name : "sbxapply";
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	const char *label = "";
	if (d->severity == DIAG_WARNING)
		label = color ? "\033[1;35mwarning:\033[0m " : "warning: ";
	if (d->line > 0)
		fprintf(out, "%s%s:%d:%d:%s %s%s\n", bold, name, d->line, d->col, reset, label, d->message);
	else
		fprintf(out, "%s%s:%s %s%s\n", bold, name, reset, label, d->message);
	if (d->line > 0 && d->source && d->source->text)
		print_excerpt(d->source, d->line, d->col, out, color);
}

void diag_list_print(const struct diag_list *list, FILE *out, bool color)
{
	for (size_t i = 0; i < list->nr; i++)
		diag_print_one(&list->items[i], out, color);
}

void diag_list_release(struct diag_list *list)
{
	for (size_t i = 0; i < list->nr; i++)
		free(list->items[i].message);
	free(list->items);
	memset(list, 0, sizeof(*list));
}
