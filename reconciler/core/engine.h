#ifndef SBXAPPLY_CORE_ENGINE_H
#define SBXAPPLY_CORE_ENGINE_H
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
 * Functions return an exit code of cli.h's table (0 on success) and append a
 * message to err on failure.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/config.h"
#include "core/dmr.h"
#include "core/inventory.h"
#include "core/plan.h"
#include "core/progress.h"
#include "core/resource.h"
#include "core/sbx.h"
#include "core/scheduler.h"
#include "util/lockfile.h"
#include "util/strbuf.h"

struct engine_options {
	const char *state_dir;		/* NULL: $XDG_STATE_HOME/sbxapply */
	const char *runner_url;		/* --runner */
	int parallelism;		/* actions at once; <= 0: 4 */
	long lock_timeout_ms;		/* wait for another run; default 0 */
	bool prune, allow_replace, show_secrets;
	bool refresh;			/* read state that needs waking a stopped sandbox (env) */
	bool read_only;			/* diff/plan: no lock held for writing, nothing recorded */
	bool destroy;			/* down: desire nothing, so everything this project created goes */
	int cancel_fd;			/* -1: not cancellable */
	FILE *log;			/* progress and action lines; NULL: quiet */
	enum progress_mode progress_mode;
	bool color;
};

enum engine_exit {	/* mirrors cli.h's table */
	ENGINE_OK = 0,
	ENGINE_INVALID = 3,
	ENGINE_BACKEND = 4,
	ENGINE_APPLY_FAILED = 5,
	ENGINE_LOCKED = 6,
	ENGINE_INTERRUPTED = 130,
};

struct engine {
	const struct config *cfg;	/* borrowed */
	struct engine_options opts;
	struct inventory inventory;
	pthread_mutex_t inventory_lock;
	struct lockfile lock;
	struct resource_set desired, observed;
	struct plan plan;
	struct strmap used_elsewhere;	/* ids other projects' inventories hold */

	struct dmr dmr;
	pthread_mutex_t backend_lock;
	int dmr_state;			/* 0 unknown, 1 connected, -1 unavailable */
	struct strbuf dmr_error;
	struct sbx_client sbx;
	struct dmr_model *models;	/* GET /models, fetched once per run */
	size_t nr_models;
	int models_state;

	struct strmap base_ids;		/* package name -> base model id at packaging (owned strings) */
	atomic_ulong http_calls, process_calls;
	atomic_bool stop;
	struct task *tasks;		/* after apply: one per plan action */
	struct progress progress;	/* log lines and pull progress, when opts.log */
};

int engine_open(struct engine *e, const struct config *cfg, const struct engine_options *opts, struct strbuf *err);
/* Observes every kind the config or the inventory has resources of, then plans. */
int engine_plan(struct engine *e, struct strbuf *err);
/* Applies e->plan; ENGINE_APPLY_FAILED when some actions failed (they are listed on log). */
int engine_apply(struct engine *e, struct strbuf *err);
void engine_close(struct engine *e);
/*
 * Digests of the desired set (the file after interpolation) and of the
 * observed set, after engine_plan(): a saved plan is applied only while
 * both, and the inventory's serial, are what they were when it was made.
 */
void engine_state_digests(const struct engine *e, char desired[65], char observed[65]);

/* For kinds: the runner, connected on first use (thread-safe); NULL with err when unavailable. */
struct dmr *engine_dmr(struct engine *e, struct strbuf *err);
/* For kinds: the sbx CLI, its version detected on first use (thread-safe); NULL with err when unavailable. */
struct sbx_client *engine_sbx(struct engine *e, struct strbuf *err);
/* For kinds: the runner's models, listed once per run and shared; -1 with err. */
int engine_models(struct engine *e, const struct dmr_model **out, size_t *nr, struct strbuf *err);
/* For kind_package: the base model's id this package was just made from. */
void engine_set_base_id(struct engine *e, const char *package, const char *id);
/* For kinds: calls fn once per tag in the runner's store, with the tag's canonical form. */
int engine_each_model_tag(struct engine *e,
			  void (*fn)(const struct dmr_model *m, const char *canonical, void *ctx), void *ctx,
			  struct strbuf *err);
/* For kinds: a line on the log, e.g. progress. */
void engine_log(struct engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool engine_cancelled(const struct engine *e);

#endif
