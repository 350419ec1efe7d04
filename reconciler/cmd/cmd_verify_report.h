#ifndef SBXAPPLY_CMD_CMD_VERIFY_REPORT_H
#define SBXAPPLY_CMD_CMD_VERIFY_REPORT_H
/*
 * What `sbxapply verify` found, one check a line: collected by cmd_verify.c,
 * printed here as text or JSON. A report owns its checks' strings.
 */
#include <stdbool.h>
#include <stddef.h>

enum vstatus {
	V_OK,
	V_FAIL,
	V_SKIP,
};

struct check {
	char *sandbox;	  /* NULL: a check made from the host alone */
	const char *name; /* runner, sbx, model, sandbox, base_url, proxy, messages */
	enum vstatus status;
	char *message;
	const char *cause; /* a word for tools (JSON); NULL when it passed */
	char *fix;
};

struct report {
	struct check *checks;
	size_t nr, alloc;
	bool backend_down; /* the runner or sbx is unavailable: exit 4 */
};

/* Adds a check; fix is taken (may be NULL). */
void verify_add(struct report *r, const char *sandbox, const char *name, enum vstatus status, const char *cause,
		char *fix, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void verify_report_release(struct report *r);
/* Moves from's checks to the end of to; from is left empty. */
void verify_report_take(struct report *to, struct report *from);
/* One line of text, capped (malloc'd): line breaks and runs of blanks become one space, other controls '?'. */
char *verify_excerpt(const char *text, size_t max);
/* Prints the report; counts gets the number of checks ok, failed, skipped. */
void verify_print_text(const struct report *r, bool quiet, size_t counts[3]);
void verify_print_json(const struct report *r, int code, size_t counts[3]);

#endif
