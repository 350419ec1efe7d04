#ifndef SBXAPPLY_ENGINE_ENGINE_SLOTS_H
#define SBXAPPLY_ENGINE_ENGINE_SLOTS_H
/*
 * Creates that share a backend's slots (kind.create_slots: the runner pulls
 * two models at a time) get a lane of their own in the scheduler, so no
 * worker waits on a slot while other work could run. When two or more of
 * them will wait for a slot, their sizes are looked up beside the run
 * (kind.create_sizes), each stored as it comes, and order the ones still
 * waiting: of equal chains, the largest download first, so the last pull to
 * finish starts early.
 *
 * engine_slots_start() sets the lanes on e->tasks (before scheduler_run) and
 * may start one thread; engine_slots_finish() cuts its lookups short (the
 * run needs no more answers) and waits for it. The lookups never delay a
 * pull: the first ones start at once, in plan order.
 */
#include <pthread.h>
#include <stdbool.h>

struct engine;

struct engine_slots {
	struct engine *e;
	pthread_t thread;
	bool running;
	int cancel[2]; /* written by engine_slots_finish(): the lookups stop */
};

void engine_slots_start(struct engine *e, struct engine_slots *s);
void engine_slots_finish(struct engine_slots *s);

#endif
