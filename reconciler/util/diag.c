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

/*
 * Where the last excerpt was found, so that printing a sorted list walks each
 * source once: a later diagnostic starts from there instead of from the top.
 */
struct excerpt_cursor {
	const struct diag_source *src;
	int line;
	const char *text; /* start of that line */
	int col;	  /* a column on it, and its byte offset */
	size_t at;
};

/* Excerpts longer than this many characters show a window around the caret. */
#define EXCERPT_WIDTH 160
/* Messages longer than this many bytes keep their start and end. */
#define MESSAGE_MAX 2000

static bool is_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Finds line number `line` (1-based) of src; returns its start and length. */
static const char *find_line(const struct diag_source *src, int line, size_t *len_out, struct excerpt_cursor *cur)
{
	const char *p = src->text, *end = src->text + src->len;
	int n = 1;
	if (cur->src == src && cur->text && cur->line <= line) {
		p = cur->text;
		n = cur->line;
	}
	for (; n < line && p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p >= end && line > 1)
		return NULL;
	if (cur->src != src || cur->line != line || cur->text != p) {
		*cur = (struct excerpt_cursor){ src, line, p, 1, 0 };
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (len && p[len - 1] == '\r')
		len--;
	*len_out = len;
	return p;
}

/* Byte offset of column col (libyaml counts characters: UTF-8 continuation bytes do not count). */
static size_t column_offset(const char *text, size_t len, int col, struct excerpt_cursor *cur)
{
	size_t i = 0;
	int seen = 1;
	if (cur->col <= col && cur->at <= len) {
		i = cur->at;
		seen = cur->col;
	}
	while (i < len && seen < col) {
		i++;
		while (i < len && is_continuation((unsigned char)text[i]))
			i++;
		seen++;
	}
	cur->col = seen;
	cur->at = i;
	return i;
}

/*
 * Prints the source line and a caret under column col, keeping tabs so they
 * align. A long line shows EXCERPT_WIDTH characters around the caret, with
 * "..." where it was cut.
 */
static void print_excerpt(const struct diag_source *src, int line, int col, FILE *out, bool color,
			  struct excerpt_cursor *cur)
{
	size_t len;
	const char *text = find_line(src, line, &len, cur);
	if (!text)
		return;
	size_t at = column_offset(text, len, col, cur);
	size_t from = at, to = at;
	for (int k = 0; k < EXCERPT_WIDTH / 2 && from > 0; k++) {
		from--;
		while (from > 0 && is_continuation((unsigned char)text[from]))
			from--;
	}
	for (int k = 0; k < EXCERPT_WIDTH - EXCERPT_WIDTH / 2 && to < len; k++) {
		to++;
		while (to < len && is_continuation((unsigned char)text[to]))
			to++;
	}
	bool cut_start = from > 0, cut_end = to < len;
	struct strbuf caret = STRBUF_INIT;
	fprintf(out, "  %s%.*s%s\n", cut_start ? "..." : "", (int)(to - from), text + from, cut_end ? "..." : "");
	if (cut_start)
		strbuf_addstr(&caret, "   ");
	for (size_t i = from; i < at; i++) {
		unsigned char c = (unsigned char)text[i];
		if (!is_continuation(c))
			strbuf_addch(&caret, c == '\t' ? '\t' : ' ');
	}
	fprintf(out, "  %s%s^%s\n", caret.buf, color ? "\033[1;32m" : "", color ? "\033[0m" : "");
	strbuf_release(&caret);
}

/* The message, or its first and last parts around "[... N bytes ...]" when it is very long. */
static void print_message(const char *message, FILE *out)
{
	size_t len = strlen(message);
	if (len <= MESSAGE_MAX) {
		fputs(message, out);
		return;
	}
	size_t head = MESSAGE_MAX / 2, tail = len - MESSAGE_MAX / 4;
	while (head > 0 && is_continuation((unsigned char)message[head]))
		head--;
	while (tail < len && is_continuation((unsigned char)message[tail]))
		tail++;
	fprintf(out, "%.*s[... %zu bytes ...]%s", (int)head, message, tail - head, message + tail);
}

static void print_one(const struct diag *d, FILE *out, bool color, struct excerpt_cursor *cur)
{
	const char *name = d->source ? d->source->name : "sbxapply";
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	const char *label = "";
	if (d->severity == DIAG_WARNING)
		label = color ? "\033[1;35mwarning:\033[0m " : "warning: ";
	if (d->line > 0)
		fprintf(out, "%s%s:%d:%d:%s %s", bold, name, d->line, d->col, reset, label);
	else
		fprintf(out, "%s%s:%s %s", bold, name, reset, label);
	print_message(d->message, out);
	fputc('\n', out);
	if (d->line > 0 && d->source && d->source->text)
		print_excerpt(d->source, d->line, d->col, out, color, cur);
}

void diag_print_one(const struct diag *d, FILE *out, bool color)
{
	struct excerpt_cursor cur = { 0 };
	print_one(d, out, color, &cur);
}

void diag_list_print(const struct diag_list *list, FILE *out, bool color)
{
	struct excerpt_cursor cur = { 0 };
	size_t shown = list->nr > DIAG_PRINT_MAX ? DIAG_PRINT_MAX : list->nr;
	for (size_t i = 0; i < shown; i++)
		print_one(&list->items[i], out, color, &cur);
	/* a hostile file with 300,000 bad rules must not print 100 MB: the first ones say what is wrong */
	if (shown < list->nr)
		fprintf(out, "... and %zu more (%zu errors and %zu warnings in all)\n", list->nr - shown, list->errors,
			list->warnings);
}

void diag_list_release(struct diag_list *list)
{
	for (size_t i = 0; i < list->nr; i++)
		free(list->items[i].message);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

size_t diag_list_take_warnings(struct diag_list *list, const struct diag_source *src, int line, int col,
			       const char *prefix, const char *suffix, struct strbuf *words)
{
	size_t np = strlen(prefix), ns = strlen(suffix), kept = 0, taken = 0;
	for (size_t i = 0; i < list->nr; i++) {
		struct diag *d = &list->items[i];
		size_t n = strlen(d->message);
		if (d->severity == DIAG_WARNING && d->source == src && d->line == line && d->col >= col && n > np + ns &&
		    !strncmp(d->message, prefix, np) && !strcmp(d->message + n - ns, suffix)) {
			strbuf_addf(words, "%s%.*s", taken ? ", " : "", (int)(n - np - ns), d->message + np);
			free(d->message);
			list->warnings--;
			taken++;
			continue;
		}
		list->items[kept++] = *d;
	}
	list->nr = kept;
	return taken;
}
