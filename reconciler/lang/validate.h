#ifndef SBXAPPLY_LANG_VALIDATE_H
#define SBXAPPLY_LANG_VALIDATE_H
/*
 * Checks a loaded document against the schema tables (schema.h): types as YAML
 * 1.1 and 1.2 tools would both read them, unknown keys with a suggestion,
 * required keys, enums, patterns and check hooks. Interpolates every value
 * scalar on the way and leaves the result on the node (see yvalue_of), so the
 * config builder reads exactly what was validated. Reports to diags.
 */
#include <stdbool.h>
#include <stddef.h>

#include "lang/interpolate.h"
#include "lang/schema.h"
#include "io/yaml_doc.h"
#include "util/diag.h"

struct yvalue {
	const char *text; /* interpolated; NUL-terminated */
	size_t len;
	bool secret_var;	 /* interpolated from a sensitive variable (by its name, or marked in .env) */
	const char *secret_name; /* that variable's name, when secret_var */
	bool ok;		 /* interpolation succeeded and the type check passed */
	bool unset_var;		 /* interpolated from a variable that is not set */
};

void validate_document(struct ydoc *doc, const struct interp_env *env, struct diag_list *diags);

/* The validated value of a scalar, or NULL when the walk never accepted it. */
const struct yvalue *yvalue_of(const struct ynode *node);

/* YAML 1.1 booleans (yes/no/on/off/y/n and true/false in any usual case). */
bool yaml_word_is_bool(const char *text);

#endif
