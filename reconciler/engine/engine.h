#ifndef SBXAPPLY_ENGINE_ENGINE_H
#define SBXAPPLY_ENGINE_ENGINE_H
/*
 * One reconciliation: lock the project, load its inventory, observe every kind
 * at once (one bulk call per kind, in parallel), plan, and apply the plan on a
 * bounded pool of threads, recording each completed action in the inventory as
 * it completes, so an interrupted run resumes where it stopped.
 *
 * An engine may be opened, run and closed again and again in one process; it
 * owns everything it allocates and leaks nothing on any path. Cancellation is
 * a file descriptor (the read end of a self-pipe written on SIGINT/SIGTERM):
 * when it becomes readable no new action starts and running requests and
 * child processes are stopped.
 *
 * The engine knows no backend and no kind by name: both come in the options'
 * registry. Functions return an engine_status and append a message to err
 * on failure.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "lang/config.h"
#include "plan/inventory.h"
#include "plan/plan.h"
#include "engine/progress.h"
#include "plan/resource.h"
#include "engine/scheduler.h"
#include "os/lockfile.h"
#include "util/strbuf.h"

struct engine_options {
	const struct kind_registry *registry; /* the kinds and their backends (kinds/kinds.h) */
	const void *backend_options;	      /* handed to registry->backends_open as backend_env.options */
	const char *state_dir;		      /* NULL: $XDG_STATE_HOME/sbxapply */
	int parallelism;		      /* actions at once (and reads, when given); <= 0: 4 actions, 32 reads */
	long lock_timeout_ms;		      /* wait for another run; default 0 */
	bool prune, allow_replace, show_secrets;
	bool adopt;	   /* take over resources of the same name made elsewhere */
	bool force_shared; /* apply settings another project declares differently */
	bool refresh;	   /* read state that needs waking a stopped sandbox (env) */
	bool read_only;	   /* diff/plan: no lock held for writing, nothing recorded */
	bool destroy;	   /* down: desire nothing, so everything this project created goes */
	bool observe_all;  /* init --from-host: observe every kind, and every resource the kinds can read */
	int cancel_fd;	   /* -1: not cancellable */
	FILE *log;	   /* progress and action lines; NULL: quiet */
	enum progress_mode progress_mode;
	bool color;
};

/* What a run came to; the commands turn it into an exit code (cmd/cli.h). */
enum engine_status {
	ENGINE_OK = 0,
	ENGINE_BACKEND,	       /* a backend could not be reached or read: nothing was planned */
	ENGINE_ACTIONS_FAILED, /* apply: some actions failed (and what needs them was skipped); the rest applied */
	ENGINE_BLOCKED,	       /* apply: nothing failed, but blocked actions were not tried; the rest applied */
	ENGINE_STATE,	       /* the state directory or the inventory cannot be used: nothing was tried, or (apply)
				  the inventory could not be written and the run stopped before the next change */
	ENGINE_LOCKED,	       /* another run holds the project's lock */
	ENGINE_INTERRUPTED,    /* the cancel fd fired: no new action started, the next run resumes */
};

/* An attribute an action asked to remember in its inventory entry (engine_set_attr). */
struct engine_attr {
	char *kind, *name, *key, *value;
};

struct engine {
	int read_parallelism;	  /* observation reads at once (env): --parallelism, or 32 when not given */
	const struct config *cfg; /* borrowed */
	struct engine_options opts;
	struct inventory inventory;
	long long loaded_serial;	/* the inventory's serial as loaded, before this run saved anything */
	pthread_mutex_t inventory_lock; /* guards inventory and attrs */
	struct lockfile lock;
	struct resource_set desired, observed;
	struct plan plan;
	struct strmap used_elsewhere;  /* ids other projects' inventories hold */
	struct strmap shared_settings; /* shared kinds' "kind/name" -> "project\tsettings" of another project (owned) */
	void *backends;		       /* registry->backends_open()'s, opaque here */
	struct engine_attr *attrs;     /* set during apply, recorded when the action completes */
	size_t nr_attrs, alloc_attrs;
	struct engine_attr *confirms; /* seen during observation, recorded by apply (engine_confirm_attr) */
	size_t nr_confirms, alloc_confirms;
	const struct resource **confirmed_records; /* borrowed from desired (engine_confirm_record) */
	size_t nr_confirmed_records, alloc_confirmed_records;
	atomic_ulong http_calls, process_calls;
	atomic_bool stop;
	/*
	 * The inventory could not be written during apply: no new action
	 * starts (stop is set too) and the run ends ENGINE_STATE. Under
	 * inventory_lock: why (state_err), and what completed but is not in
	 * the file (unrecorded, one line each; emptied by a later good save).
	 */
	atomic_bool state_failed;
	struct strbuf state_err, unrecorded;
	struct task *tasks;	  /* after apply: one per plan action */
	struct progress progress; /* log lines and pull progress, when opts.log */
};

enum engine_status engine_open(struct engine *e, const struct config *cfg, const struct engine_options *opts,
			       struct strbuf *err);
/* Observes every kind the config or the inventory has resources of, then plans. */
enum engine_status engine_plan(struct engine *e, struct strbuf *err);
/*
 * Applies e->plan: ENGINE_ACTIONS_FAILED when some actions failed, else
 * ENGINE_BLOCKED when some were blocked (with what waited for them); both
 * are listed in err.
 */
enum engine_status engine_apply(struct engine *e, struct strbuf *err);
/*
 * An apply with an empty plan: records what observation confirmed
 * (engine_confirm_attr) and saves when that changed the inventory. -1 with
 * err when the save failed (nothing else depends on it: the next run reads
 * again what it could not vouch for).
 */
int engine_record_observation(struct engine *e, struct strbuf *err);
void engine_close(struct engine *e);
/*
 * Digests of the desired set (the file after interpolation) and of the
 * observed set, after engine_plan(), keyed with the inventory's salt: a
 * saved plan is applied only while both, and the inventory's serial, are
 * what they were when it was made.
 */
void engine_state_digests(const struct engine *e, char desired[65], char observed[65]);

/* For kinds: the run's backends, as the registry opened them. */
void *engine_backends(struct engine *e);
/* For kinds, during apply: remember key=value in the inventory entry of action a once it completes. */
void engine_set_attr(struct engine *e, const struct action *a, const char *key, const char *value);
/*
 * For kinds, during apply, before a change that would leave what attribute
 * key vouches for untrue if it stopped halfway (an env block half written):
 * the key is emptied in a's entry and saved at once. -1 with err when that
 * cannot be saved: then the change must not start.
 */
int engine_withdraw_attr(struct engine *e, const struct action *a, const char *key, struct strbuf *err);
/*
 * For kinds, during observation: key=value is now known to hold for the
 * inventory entry kind/name (e.g. what was read matches what was recorded).
 * An apply records it on that entry when no action of its run touches it
 * (an action records its own). Never recorded by diff or plan.
 */
void engine_confirm_attr(struct engine *e, const char *kind, const char *name, const char *key, const char *value);
/*
 * For kinds, during observation: the live resource was read and is exactly
 * desired (one of e->desired), though the inventory recorded other digests
 * (the file changed to what was already there): an apply records desired's
 * digests on that entry when no action touches it, as engine_confirm_attr.
 */
void engine_confirm_record(struct engine *e, const struct resource *desired);
/* For kinds: a line on the log, e.g. progress. */
void engine_log(struct engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool engine_cancelled(const struct engine *e);

#endif
