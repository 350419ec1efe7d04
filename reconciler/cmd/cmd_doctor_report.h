#ifndef SBXAPPLY_CMD_CMD_DOCTOR_REPORT_H
#define SBXAPPLY_CMD_CMD_DOCTOR_REPORT_H
/*
 * What `sbxapply doctor` found: one line per check (ok, warn or fail), with
 * the fix for every line that is not ok and optional detail lines, printed as
 * text or JSON. A report owns its strings.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

enum doctor_status {
	DOCTOR_OK,
	DOCTOR_WARN,
	DOCTOR_FAIL,
};

struct doctor_check {
	const char *name; /* file, sbx, sbx_forms, requires, policy, runner, docker, state_dir */
	enum doctor_status status;
	char *message;
	char *fix; /* NULL only when ok */
	char **details;
	size_t nr_details;
	int exit_code; /* what a failure means for the exit code (cli.h) */
};

struct doctor_report {
	struct doctor_check *checks;
	size_t nr, alloc;
};

/* Adds a check (fix is taken, may be NULL) and returns it, for details. */
struct doctor_check *doctor_add(struct doctor_report *r, const char *name, enum doctor_status status, char *fix,
				const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Adds each line of text as a detail of c. */
void doctor_add_details(struct doctor_check *c, const char *text);
void doctor_report_release(struct doctor_report *r);
/* 0 when nothing failed; else the exit code of the first failure, in check order. */
int doctor_exit_code(const struct doctor_report *r);
void doctor_print_text(const struct doctor_report *r, bool quiet);
void doctor_print_json(const struct doctor_report *r, int code);

/*
 * The plugin's version from `docker model version`, whichever form it
 * printed (docs/backends.md §13): "Docker Model Runner version vX" in older
 * releases, "Client:\n Version:    vX" in newer ones (the client's, the
 * first). Malloc'd; NULL when neither is there.
 */
char *doctor_plugin_version(const char *out);

#endif
