/* pipe2(2): the cancel pipe must not leak into the sbx processes other workers spawn meanwhile. */
#define _GNU_SOURCE
#include "engine_slots.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine.h"
#include "plan/kind.h"
#include "util/xalloc.h"

/* The lane of a's kind: one per kind with slots, in the order the plan meets them; 0 when lanes ran out. */
static unsigned lane_of(const struct kind **lanes, const struct kind *k)
{
	for (unsigned l = 1; l < SCHEDULER_LANES; l++) {
		if (!lanes[l])
			lanes[l] = k;
		if (lanes[l] == k)
			return l;
	}
	return 0;
}

/* Whether a counts against its kind's slots: a create of a kind with slots that is not blocked. */
static bool in_slots(const struct engine *e, size_t i)
{
	const struct action *a = &e->plan.actions[i];
	return a->kind->create_slots && (a->type == ACTION_CREATE || a->type == ACTION_REPLACE) && !e->tasks[i].blocked;
}

/* Per kind whose creates queue: their sizes, into their tasks' weights as each answer comes. */
static void *weigh(void *arg)
{
	struct engine_slots *slots = arg;
	struct engine *e = slots->e;
	const struct plan *plan = &e->plan;
	const struct action **creates = xcalloc(plan->nr + 1, sizeof(*creates));
	_Atomic unsigned long long **weights = xcalloc(plan->nr + 1, sizeof(*weights));
	for (const struct kind *const *k = e->opts.registry->kinds; *k; k++) {
		if (!(*k)->create_sizes)
			continue;
		size_t nr = 0;
		for (size_t i = 0; i < plan->nr; i++)
			if (plan->actions[i].kind == *k && in_slots(e, i)) {
				creates[nr] = &plan->actions[i];
				weights[nr++] = &e->tasks[i].weight;
			}
		if (nr > (size_t)(*k)->create_slots + 1)
			(*k)->create_sizes(e, creates, nr, (_Atomic unsigned long long *const *)weights, slots->cancel[0]);
	}
	free(weights);
	free(creates);
	return NULL;
}

void engine_slots_start(struct engine *e, struct engine_slots *s)
{
	const struct kind *lanes[SCHEDULER_LANES] = { NULL };
	s->e = e;
	s->running = false;
	s->cancel[0] = s->cancel[1] = -1;
	bool waits = false;
	size_t count[SCHEDULER_LANES] = { 0 };
	for (size_t i = 0; i < e->plan.nr; i++) {
		const struct action *a = &e->plan.actions[i];
		if (!in_slots(e, i))
			continue;
		unsigned lane = lane_of(lanes, a->kind);
		e->tasks[i].lane = lane;
		e->tasks[i].lane_slots = a->kind->create_slots;
		/* with one create left waiting there is nothing to choose between */
		if (lane && ++count[lane] > a->kind->create_slots + 1 && a->kind->create_sizes)
			waits = true;
	}
	/* without the thread (or its pipe), plan order decides */
	if (waits && pipe2(s->cancel, O_CLOEXEC) == 0)
		s->running = pthread_create(&s->thread, NULL, weigh, s) == 0;
}

void engine_slots_finish(struct engine_slots *s)
{
	if (s->running) {
		if (write(s->cancel[1], "x", 1) < 0) {
			/* the lookups then end at their own timeout */
		}
		pthread_join(s->thread, NULL);
	}
	s->running = false;
	for (int i = 0; i < 2; i++)
		if (s->cancel[i] >= 0)
			close(s->cancel[i]);
	s->cancel[0] = s->cancel[1] = -1;
}
