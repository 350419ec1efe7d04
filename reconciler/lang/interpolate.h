#ifndef SBXAPPLY_LANG_INTERPOLATE_H
#define SBXAPPLY_LANG_INTERPOLATE_H
/*
 * Variable interpolation as Docker Compose does it (compose-go template):
 *   $VAR ${VAR}            value, empty when unset (a warning)
 *   ${VAR:-default}        default when unset or empty; ${VAR-default} when unset
 *   ${VAR:?message}        error when unset or empty;   ${VAR?message} when unset
 *   ${VAR:+alternative}    alternative when set and non-empty; ${VAR+alt} when set
 *   $$                     a literal $
 * Defaults, messages and alternatives are interpolated in turn.
 *
 * Problems are reported through `report` with the byte offset in the input
 * where the expression starts. The caller owns `out`.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"
#include "util/strbuf.h"

struct interp_env {
	/* Returns the variable's value or NULL when unset. */
	const char *(*lookup)(void *ctx, const char *name);
	void *ctx;
	/* Optional, with ctx: true for a variable marked sensitive (in .env) whatever its name. */
	bool (*is_sensitive)(void *ctx, const char *name);
	void (*report)(void *ctx, enum diag_severity sev, size_t offset, const char *message);
	void *report_ctx;
	/* A required variable (${VAR:?}) that is unset is a warning, not an error (validate --offline). */
	bool offline;
};

struct interp_info {
	bool substituted;     /* at least one variable was read */
	bool secret_var;      /* a sensitive variable was read: its name looks secret, or is_sensitive says so */
	bool unset_var;	      /* a variable read was not set (its default, if any, was used) */
	char secret_name[64]; /* the first such variable (truncated), for messages */
};

/* The warning for an unset variable without a default: INTERP_UNSET_PREFIX NAME INTERP_UNSET_SUFFIX. */
#define INTERP_UNSET_PREFIX "variable "
#define INTERP_UNSET_SUFFIX " is not set; using an empty string"

/* Returns 0, or -1 after reporting an error (out then holds a partial result). */
int interpolate(const char *in, size_t len, const struct interp_env *env, struct strbuf *out,
		struct interp_info *info);

/* True for names that hold secrets by convention: *_KEY, *_TOKEN, *_SECRET, *PASS, *PASSWORD*. */
bool name_looks_secret(const char *name);

#endif
