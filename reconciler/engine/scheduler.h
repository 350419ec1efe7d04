#ifndef SBXAPPLY_ENGINE_SCHEDULER_H
#define SBXAPPLY_ENGINE_SCHEDULER_H
/*
 * Runs tasks that depend on each other on a bounded pool of threads, so that
 * independent work overlaps (a long model pull does not delay creating a
 * sandbox). A task starts once everything it depends on succeeded; when a
 * dependency failed, was blocked or was skipped, the task is skipped. When
 * *stop becomes true no new task starts; running ones finish (their own
 * cancellation is the runner's business, e.g. through a cancel fd).
 *
 * Of the tasks ready at once, the one that gates the longest chain of
 * dependent tasks starts first (a base model before a model nothing waits
 * on), then the heavier (weight: bytes to download), then plan order. Tasks
 * of one lane run at most lane_slots at once (pulls: the runner's two), so
 * no thread waits on a backend's slot while other work could run.
 *
 * The caller owns the tasks; the scheduler writes only their state, error
 * and timing fields. run() is called from worker threads, at most
 * `parallelism` at once, and must be thread-safe.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define SCHEDULER_LANES 4

enum task_state {
	TASK_PENDING,
	TASK_RUNNING,
	TASK_DONE,
	TASK_FAILED,
	TASK_SKIPPED,	  /* a dependency did not succeed */
	TASK_BLOCKED,	  /* refused before running (needs a flag) */
	TASK_NOT_STARTED, /* stopped before it could start */
};

struct task {
	const size_t *deps; /* indexes of tasks this one waits for */
	size_t nr_deps;
	bool blocked;	     /* set by the caller: never runs */
	unsigned lane;	     /* 0: none; else 1 .. SCHEDULER_LANES - 1 */
	unsigned lane_slots; /* with lane: how many of the lane's tasks may run at once (>= 1) */
	/* 0: unknown; the caller may set it while the run goes on (it is read when a task is picked) */
	_Atomic unsigned long long weight;
	enum task_state state;
	struct strbuf error;	  /* why it failed or was skipped */
	double started, finished; /* seconds since the run began */
};

/* Returns the number of tasks that did not end TASK_DONE. */
size_t scheduler_run(struct task *tasks, size_t nr, int parallelism,
		     int (*run)(void *ctx, size_t index, struct strbuf *err), void *ctx,
		     const atomic_bool *stop);

const char *task_state_name(enum task_state state);

#endif
