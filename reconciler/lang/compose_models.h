#ifndef SBXAPPLY_LANG_COMPOSE_MODELS_H
#define SBXAPPLY_LANG_COMPOSE_MODELS_H
/*
 * Compose's top-level `models:` element (compose-spec models.md): each entry
 * `NAME: {model: REF, context_size: N, runtime_flags: [...]}`, what
 * `sbxapply import` turns into sandbox.yaml's `models:` (docs/backends.md §12).
 *
 * Values are kept as written, uninterpolated: Compose and sandbox.yaml share
 * the interpolation syntax. Problems go to diags with their position: an entry
 * without `model`, a bad reference, wrong types, one model declared twice
 * with different settings are errors; unknown keys are warnings (`x-*`
 * extensions are skipped silently, as Compose does). The models own their
 * strings; the document (the diagnostics' source) lives as long as the list.
 */
#include <stdbool.h>
#include <stddef.h>

#include "io/yaml_doc.h"
#include "util/diag.h"

struct compose_model {
	char *name;	    /* the Compose key (llm) */
	char *model;	    /* the reference as written */
	char *canonical;    /* normalised: one sandbox.yaml entry per model */
	char *context_size; /* as written (digits or a ${VAR}), NULL: not set */
	char **runtime_flags;
	size_t nr_flags;
	bool has_flags;
	int line;   /* of the entry's key */
	char *also; /* other Compose names folded into this entry (same model, same settings), or NULL */
};

struct compose_models {
	struct compose_model *items;
	size_t nr;
	struct ydoc doc;
};

/* Returns 0 when the models could be read (warnings possible), -1 after adding an error to diags. */
int compose_models_load(struct compose_models *out, const char *name, const char *text, size_t len,
			struct diag_list *diags);
void compose_models_release(struct compose_models *m);

#endif
