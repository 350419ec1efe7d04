#ifndef SBXAPPLY_UTIL_DIAG_H
#define SBXAPPLY_UTIL_DIAG_H
/*
 * Diagnostics collected while reading input files, printed sorted as
 *   file:line:col: message
 *     <the source line>
 *     <caret under the column>
 * A diag_list borrows the names and texts of the sources registered with it
 * (they must outlive the list) and owns every message. Lines and columns are
 * 1-based; 0 means "no position" and prints just "file: message".
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
};

struct diag_source {
	const char *name; /* as shown to the user, e.g. "sandbox.yaml" */
	const char *text; /* may be NULL: then no source line is printed */
	size_t len;
};

struct diag {
	enum diag_severity severity;
	const struct diag_source *source;
	int line, col;
	char *message;
};

struct diag_list {
	struct diag *items;
	size_t nr, alloc;
	size_t errors, warnings;
};

/* clang-format off */
#define DIAG_LIST_INIT { 0 }
/* clang-format on */

void diag_add(struct diag_list *list, enum diag_severity severity, const struct diag_source *src,
	      int line, int col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Sorts by source, line, column (stable) and drops exact repeats. */
void diag_list_sort(struct diag_list *list);
/* At most this many diagnostics are printed, then a count of the rest (-o json lists them all). */
#define DIAG_PRINT_MAX 200
/* color: wrap severities in ANSI colours (for a terminal). */
void diag_list_print(const struct diag_list *list, FILE *out, bool color);
void diag_print_one(const struct diag *d, FILE *out, bool color);
void diag_list_release(struct diag_list *list);
/*
 * Takes out of the list the warnings of `src` on `line`, at `col` or after
 * it, whose message is prefix WORD suffix, and appends each WORD to `words`
 * (", " between them). Returns how many it took. For reporting one problem
 * once when two steps saw it (an empty secret, and the unset variable that
 * emptied it).
 */
struct strbuf;
size_t diag_list_take_warnings(struct diag_list *list, const struct diag_source *src, int line, int col,
			       const char *prefix, const char *suffix, struct strbuf *words);

#endif
