#ifndef SBXAPPLY_PLAN_KIND_H
#define SBXAPPLY_PLAN_KIND_H
/*
 * A resource kind: one file each (kind_*.c), every one filling this table
 * (tmux's cmd_entry pattern), listed once in kinds/kinds.c. The engine knows kinds
 * only through it: adding a kind is one file and one line.
 *
 * desired() and refine() are pure; observe() and apply() talk to a backend
 * through the engine and report failures in `err` (one line, no secrets).
 */
#include <stdbool.h>

#include "lang/config.h"
#include "plan/resource.h"
#include "util/strbuf.h"

struct engine;
struct action;
struct plan_context;

struct kind {
	const char *name; /* "model": ids are "model/<name>" */
	const char *noun; /* "model", for messages */
	/* fields that cannot change in place: a change replaces the resource */
	const char *const *force_new;
	bool updatable;	      /* has an in-place update */
	bool holds_user_data; /* replacing or deleting it loses work: needs --allow-replace */
	bool inventory_only;  /* prune candidates come only from the inventory */
	/*
	 * The name is what the resource is (a model's tag): another identity
	 * under it (a new digest pulled by hand) is the same resource changed,
	 * planned as usual, and only kept from deletion. Otherwise (a sandbox,
	 * a rule) another identity is another resource, made elsewhere: never
	 * changed, replaced or deleted unless --adopt takes it over.
	 */
	bool name_is_identity;
	/*
	 * One resource several projects may declare (a model's runtime settings,
	 * a package tag): its settings are recorded in the inventory, and a plan
	 * that disagrees with another project's is held back (--force-shared).
	 */
	bool shared;
	/*
	 * Optional: the kind whose resource of the same name this one lives in
	 * (a sandbox's env). Gone from the file while its parent is still
	 * declared, it was removed from the parent: deleted without --prune.
	 */
	const struct kind *part_of;
	/*
	 * Optional: the backend instance this kind lives on now, as two strings
	 * owned by the backend (NULL while not connected), both recorded with
	 * every inventory entry. `where` is compared: an entry recorded on
	 * another instance (another sbx binary) is not this run's to touch.
	 * `info` is only recorded (the sbx version, the runner's endpoint: a
	 * runner moved to another port is the same store, and its models carry
	 * their own identity).
	 */
	void (*backend_of)(struct engine *e, const char **where, const char **info);
	/*
	 * Optional: creates of this kind share this many slots of their backend
	 * (pulls: the runner runs two at once); the engine starts no more.
	 */
	unsigned create_slots;
	/*
	 * Optional, with create_slots: stores in *weights[i] what creates[i]
	 * will download, as each answer comes (unknown: left 0). Called beside
	 * the run when creates wait for a slot; the answers order the ones
	 * still waiting (engine/engine_slots.h). cancel_fd becomes readable once
	 * the run needs no more answers: stop.
	 */
	void (*create_sizes)(struct engine *e, const struct action *const *creates, size_t nr,
			     _Atomic unsigned long long *const *weights, int cancel_fd);

	void (*desired)(const struct config *cfg, struct resource_set *out);
	/* All resources of the kind in one backend call (or a handful). */
	int (*observe)(struct engine *e, struct resource_set *out, struct strbuf *err);
	/* Optional: adjust a planned action with kind-specific knowledge. */
	void (*refine)(const struct plan_context *pc, struct action *a);
	int (*apply)(struct engine *e, const struct action *a, struct strbuf *err);
};

/*
 * What a run is given to work with: the kinds in plan order and the backends
 * they live in. The engine knows neither by name; kinds/kinds.c fills one.
 */
struct backend_env {
	const struct config *cfg;			   /* borrowed */
	const void *options;				   /* the registry's own options, from the command line */
	const char *state_dir;				   /* the state directory (backends may keep caches there) */
	int cancel_fd;					   /* -1: not cancellable */
	_Atomic unsigned long *http_calls, *process_calls; /* counted for reports and tests */
	/* pull progress, NULL: quiet */
	/* outcome: 0 still pulling, 1 pulled, -1 failed */
	void (*pull_progress)(void *ctx, const char *ref, long long done, long long total, int outcome);
	void *pull_progress_ctx;
};

struct kind_registry {
	const struct kind *const *kinds; /* plan order, NULL-terminated */
	/* Per-run backend state; nothing is contacted until a kind asks. Never NULL. */
	void *(*backends_open)(const struct backend_env *env);
	void (*backends_close)(void *backends);
	/*
	 * Optional: once the actions ran, records what identifies the resources
	 * they made (engine_set_attr), from one listing per backend, so that no
	 * action waits on a listing of its own. `made` are the creates and
	 * replaces that succeeded. A listing that fails leaves the attributes
	 * unset; the next run's observation fills them in.
	 */
	void (*identify)(struct engine *e, const struct action *const *made, size_t nr);
};

/* The kind of that name in a NULL-terminated table, or NULL. */
const struct kind *kind_find(const struct kind *const *table, const char *name);

#endif
