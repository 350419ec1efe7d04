#ifndef SBXAPPLY_TESTS_VALIDATE_TEST_HELPERS_H
#define SBXAPPLY_TESTS_VALIDATE_TEST_HELPERS_H
/* What the validation tests share: parsing a text as dir/t.yaml, its diagnostics as lines. */
#include <stddef.h>

#include "lang/config.h"
#include "util/diag.h"
#include "util/strbuf.h"

/* Parses text with getenv for ${VAR}; appends the diagnostics to out as "line:col: [warning: ]message" lines. */
static inline int parse_as_lines(const char *dir, const char *text, size_t len,
				 const char *(*getenv_fn)(void *ctx, const char *name), struct config *cfg,
				 struct strbuf *out)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct config_options opts = { .getenv = getenv_fn };
	int rc = config_parse(cfg, "t.yaml", dir, text, len, &opts, &diags);
	for (size_t i = 0; i < diags.nr; i++)
		strbuf_addf(out, "%d:%d: %s%s\n", diags.items[i].line, diags.items[i].col,
			    diags.items[i].severity == DIAG_WARNING ? "warning: " : "", diags.items[i].message);
	diag_list_release(&diags);
	return rc;
}

#endif
