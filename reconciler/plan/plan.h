#ifndef SBXAPPLY_PLAN_PLAN_H
#define SBXAPPLY_PLAN_PLAN_H
/*
 * The plan: a pure function of (desired, observed, inventory) to ordered
 * actions, each with the changed fields, why, and what it waits for. No I/O:
 * the unit tests call plan_build() directly with hand-made sets.
 *
 * Three-way comparison per field: the desired value, the live value (when the
 * backend can show it) and the digest recorded at the last apply. A difference
 * is "drift" when the file still says what was last applied (someone changed
 * the live state), else a change in the file. Fields the backend cannot show
 * (secret values) are compared through the recorded digest alone.
 *
 * A plan owns its actions and strings; it borrows the resources it points at,
 * which must outlive it.
 */
#include <stdbool.h>
#include <stddef.h>

#include "plan/inventory.h"
#include "plan/kind.h"
#include "plan/resource.h"

enum action_type {
	ACTION_NOOP, /* in sync (listed only when adopting) */
	ACTION_CREATE,
	ACTION_UPDATE,
	ACTION_REPLACE,
	ACTION_DELETE,
};

enum change_origin {
	ORIGIN_NEW,   /* not there yet */
	ORIGIN_FILE,  /* the file asks for something else than last time */
	ORIGIN_DRIFT, /* changed outside sbxapply since the last apply */
	ORIGIN_PRUNE, /* gone from the file, created by this project */
};

struct field_change {
	char *name;
	char *before, *after; /* NULL: absent or not observable */
	bool sensitive;
	bool forces_replacement;
	bool unobservable; /* compared through the recorded digest */
};

struct action {
	enum action_type type;
	enum change_origin origin;
	const struct kind *kind;
	char *name, *display;
	char *reason;
	struct field_change *changes;
	size_t nr_changes, alloc_changes;
	size_t *deps; /* indexes of actions that must succeed first */
	size_t nr_deps, alloc_deps;
	char *blocked;				   /* why it will not run (needs a flag), or NULL */
	bool adopt;				   /* record as found, not created */
	bool takeover;				   /* --adopt: what this project created is now someone else's: adopted */
	bool refined;				   /* the kind's refine() has seen it */
	const struct resource *desired, *observed; /* borrowed; either may be NULL */
};

struct plan {
	struct action *actions;
	size_t nr, alloc;
	char **notes; /* things the user should know that are not actions */
	size_t nr_notes, alloc_notes;
	size_t in_sync;	 /* desired resources needing nothing */
	size_t not_read; /* of those, how many the inventory vouched for without a read (resource.vouched) */
};

struct plan_options {
	const struct kind *const *kinds; /* plan order, NULL-terminated (required) */
	bool prune;
	bool allow_replace;
	bool adopt; /* take over resources of the same name that were made elsewhere */
	/* the backend instance a kind lives on now (kind.h backend_of); NULL: not checked */
	const char *(*backend_of)(const struct kind *k, void *ctx);
	void *backend_ctx;
	bool force_shared; /* apply settings another project declares differently */
	/* shared kinds' settings other projects recorded: "kind/name" -> "project\tsettings" */
	const struct strmap *shared_settings;
	/* resources other projects' inventories hold: "kind/name" -> non-NULL */
	const struct strmap *used_elsewhere;
};

struct plan_context {
	const struct resource_set *desired, *observed;
	const struct inventory *inventory;
	const struct plan_options *options;
};

void plan_build(struct plan *plan, const struct resource_set *desired, const struct resource_set *observed,
		const struct inventory *inventory, const struct plan_options *options);
void plan_release(struct plan *plan);

/* Actions that change something (create, update, replace, delete), blocked ones included. */
size_t plan_count_changes(const struct plan *plan);
size_t plan_count(const struct plan *plan, enum action_type type);
size_t plan_count_blocked(const struct plan *plan);
/*
 * Actions not blocked that lose something: deletions, and replacements of
 * kinds holding user data (only those kinds' actions when user_data_only).
 */
size_t plan_count_destructive(const struct plan *plan, bool user_data_only);
/* Blocks those (reason copied) so apply does not try them; what needs them is skipped. Returns how many. */
size_t plan_block_destructive(struct plan *plan, bool user_data_only, const char *reason);
void plan_add_note(struct plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void action_add_change(struct action *a, const char *name, const char *before, const char *after, bool sensitive);

const char *action_type_name(enum action_type type);
const char *change_origin_name(enum change_origin origin);

#endif
