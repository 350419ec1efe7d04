#ifndef SBXAPPLY_CORE_KIND_H
#define SBXAPPLY_CORE_KIND_H
/*
 * A resource kind: one file each (kind_*.c), every one filling this table
 * (tmux's cmd_entry pattern), listed once in kinds.c. The engine knows kinds
 * only through it: adding a kind is one file and one line.
 *
 * desired() and refine() are pure; observe() and apply() talk to a backend
 * through the engine and report failures in `err` (one line, no secrets).
 */
#include <stdbool.h>

#include "core/config.h"
#include "core/resource.h"
#include "util/strbuf.h"

struct engine;
struct action;
struct plan_context;

struct kind {
	const char *name;		/* "model": ids are "model/<name>" */
	const char *noun;		/* "model", for messages */
	/* fields that cannot change in place: a change replaces the resource */
	const char *const *force_new;
	bool updatable;			/* has an in-place update */
	bool holds_user_data;		/* replacing or deleting it loses work: needs --allow-replace */
	bool inventory_only;		/* prune candidates come only from the inventory */

	void (*desired)(const struct config *cfg, struct resource_set *out);
	/* All resources of the kind in one backend call (or a handful). */
	int (*observe)(struct engine *e, struct resource_set *out, struct strbuf *err);
	/* Optional: adjust a planned action with kind-specific knowledge. */
	void (*refine)(const struct plan_context *pc, struct action *a);
	int (*apply)(struct engine *e, const struct action *a, struct strbuf *err);
};

/* Every kind, in the order plans are printed; NULL-terminated. */
extern const struct kind *const kinds[];
const struct kind *kind_by_name(const char *name);

#endif
