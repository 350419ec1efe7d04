#include "scheduler.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "os/monotime.h"
#include "util/xalloc.h"

struct pool {
	struct task *tasks;
	size_t nr;
	int (*run)(void *ctx, size_t index, struct strbuf *err);
	void *ctx;
	const atomic_bool *stop;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	size_t running;
	double t0;
	size_t *chain; /* per task: the longest chain of tasks waiting on it, itself included */
	unsigned lane_running[SCHEDULER_LANES];
};

const char *task_state_name(enum task_state state)
{
	static const char *const names[] = { "pending", "running", "done", "failed", "skipped", "blocked",
					     "not started" };
	return names[state];
}

/* With the lock held: settles tasks whose fate is known without running them. */
static void settle(struct pool *p)
{
	bool again = true;
	while (again) {
		again = false;
		for (size_t i = 0; i < p->nr; i++) {
			struct task *t = &p->tasks[i];
			if (t->state != TASK_PENDING)
				continue;
			if (t->blocked) {
				t->state = TASK_BLOCKED;
				again = true;
				continue;
			}
			for (size_t d = 0; d < t->nr_deps; d++) {
				const struct task *dep = &p->tasks[t->deps[d]];
				if (dep->state == TASK_FAILED || dep->state == TASK_SKIPPED ||
				    dep->state == TASK_BLOCKED || dep->state == TASK_NOT_STARTED) {
					t->state = TASK_SKIPPED;
					strbuf_addf(&t->error, "skipped: task %zu it depends on %s", t->deps[d],
						    dep->state == TASK_FAILED ? "failed" : task_state_name(dep->state));
					again = true;
					break;
				}
			}
		}
	}
	if (atomic_load(p->stop))
		for (size_t i = 0; i < p->nr; i++)
			if (p->tasks[i].state == TASK_PENDING)
				p->tasks[i].state = TASK_NOT_STARTED;
}

static bool ready(const struct pool *p, const struct task *t)
{
	if (t->state != TASK_PENDING)
		return false;
	for (size_t d = 0; d < t->nr_deps; d++)
		if (p->tasks[t->deps[d]].state != TASK_DONE)
			return false;
	return true;
}

/* Ready, and a slot of its lane is free. */
static bool startable(const struct pool *p, const struct task *t)
{
	return ready(p, t) && (!t->lane || p->lane_running[t->lane] < (t->lane_slots ? t->lane_slots : 1));
}

/* Whether a should start before b (both startable; a after b in plan order). */
static bool before(const struct pool *p, size_t a, size_t b)
{
	if (p->chain[a] != p->chain[b])
		return p->chain[a] > p->chain[b];
	return atomic_load(&p->tasks[a].weight) > atomic_load(&p->tasks[b].weight);
}

static bool any_pending(const struct pool *p)
{
	for (size_t i = 0; i < p->nr; i++)
		if (p->tasks[i].state == TASK_PENDING)
			return true;
	return false;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		settle(p);
		/* what gates the longest chain first (a base model its package and settings wait on) */
		size_t pick = p->nr;
		for (size_t i = 0; i < p->nr; i++)
			if (startable(p, &p->tasks[i]) && (pick == p->nr || before(p, i, pick)))
				pick = i;
		if (pick == p->nr) {
			if (!any_pending(p) || (p->running == 0))
				break; /* nothing left, or nothing can ever become ready */
			pthread_cond_wait(&p->changed, &p->lock);
			continue;
		}
		struct task *t = &p->tasks[pick];
		t->state = TASK_RUNNING;
		t->started = monotime_s() - p->t0;
		p->running++;
		p->lane_running[t->lane]++;
		pthread_mutex_unlock(&p->lock);
		struct strbuf err = STRBUF_INIT;
		int rc = p->run(p->ctx, pick, &err);
		pthread_mutex_lock(&p->lock);
		t->finished = monotime_s() - p->t0;
		t->state = rc == 0 ? TASK_DONE : TASK_FAILED;
		strbuf_add(&t->error, err.buf, err.len);
		strbuf_release(&err);
		p->running--;
		p->lane_running[t->lane]--;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/*
 * chain[i] = 1 + the longest chain[] of the tasks depending on i: relaxed
 * until stable, at most nr rounds (a cycle only stops growing there).
 */
static void chains(const struct task *tasks, size_t nr, size_t *chain)
{
	for (size_t i = 0; i < nr; i++)
		chain[i] = 1;
	bool changed = true;
	for (size_t round = 0; changed && round < nr; round++) {
		changed = false;
		for (size_t i = 0; i < nr; i++)
			for (size_t d = 0; d < tasks[i].nr_deps; d++) {
				size_t dep = tasks[i].deps[d];
				if (dep < nr && chain[dep] < chain[i] + 1) {
					chain[dep] = chain[i] + 1;
					changed = true;
				}
			}
	}
}

size_t scheduler_run(struct task *tasks, size_t nr, int parallelism,
		     int (*run)(void *ctx, size_t index, struct strbuf *err), void *ctx, const atomic_bool *stop)
{
	static const atomic_bool never;
	struct pool p = { .tasks = tasks, .nr = nr, .run = run, .ctx = ctx, .stop = stop ? stop : &never };
	if (parallelism < 1)
		parallelism = 1;
	if ((size_t)parallelism > nr)
		parallelism = nr ? (int)nr : 1;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	p.t0 = monotime_s();
	p.chain = xcalloc(nr + 1, sizeof(*p.chain));
	chains(tasks, nr, p.chain);
	for (size_t i = 0; i < nr; i++) {
		tasks[i].state = TASK_PENDING;
		strbuf_init(&tasks[i].error);
		if (tasks[i].lane >= SCHEDULER_LANES)
			tasks[i].lane = 0; /* a caller's mistake costs the limit, not memory */
	}
	pthread_t *threads = calloc((size_t)parallelism, sizeof(*threads));
	int started = 0;
	/* fewer threads than asked (creation failed) only means less overlap */
	while (threads && started + 1 < parallelism && !pthread_create(&threads[started], NULL, worker, &p))
		started++;
	worker(&p); /* the calling thread works too */
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	/* a dependency cycle leaves tasks pending: report them as not started */
	size_t failed = 0;
	for (size_t i = 0; i < nr; i++) {
		if (tasks[i].state == TASK_PENDING) {
			tasks[i].state = TASK_NOT_STARTED;
			strbuf_addstr(&tasks[i].error, "never became ready (a dependency cycle?)");
		}
		failed += tasks[i].state != TASK_DONE;
	}
	free(p.chain);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.changed);
	return failed;
}
