/* The scheduler: dependencies, failure propagation, blocking, stop, real overlap. */
#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "engine/scheduler.h"

struct script {
	int fail_mask;	   /* task i fails when bit i is set */
	int order[16], nr; /* the order tasks ran in */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int arrived; /* rendezvous: tasks in `meet` wait for each other */
	int meet_mask;
	atomic_bool *stop_after_first;
	int lane_mask, lane_now, lane_max; /* tasks of the lane: how many ran at once, at most */
};

static int run(void *ctx, size_t i, struct strbuf *err)
{
	struct script *s = ctx;
	pthread_mutex_lock(&s->lock);
	s->order[s->nr++] = (int)i;
	bool in_lane = s->lane_mask & (1 << i);
	if (in_lane && ++s->lane_now > s->lane_max)
		s->lane_max = s->lane_now;
	if (s->meet_mask & (1 << i)) {
		/* returns only once every task in meet_mask is running at the same time */
		s->arrived++;
		pthread_cond_broadcast(&s->cond);
		struct timespec deadline;
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 2;
		while (s->arrived < __builtin_popcount(s->meet_mask))
			if (pthread_cond_timedwait(&s->cond, &s->lock, &deadline)) {
				strbuf_addstr(err, "never met the other task");
				pthread_mutex_unlock(&s->lock);
				return -1;
			}
	}
	if (s->stop_after_first)
		atomic_store(s->stop_after_first, true);
	pthread_mutex_unlock(&s->lock);
	if (in_lane) {
		/* long enough that a third task of the lane would start meanwhile if it could */
		nanosleep(&(struct timespec){ .tv_nsec = 30 * 1000 * 1000 }, NULL);
		pthread_mutex_lock(&s->lock);
		s->lane_now--;
		pthread_mutex_unlock(&s->lock);
	}
	if (s->fail_mask & (1 << i)) {
		strbuf_addf(err, "task %zu broke", i);
		return -1;
	}
	return 0;
}

static struct script script;

static void setup(void)
{
	memset(&script, 0, sizeof(script));
	pthread_mutex_init(&script.lock, NULL);
	pthread_cond_init(&script.cond, NULL);
}

static void release_tasks(struct task *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_release(&t[i].error);
}

START_TEST(dependencies_run_first)
{
	/* 0 <- 1 <- 2, and 3 independent; one thread so the order is total */
	static const size_t d1[] = { 0 }, d2[] = { 1 };
	struct task t[4] = { { 0 }, { .deps = d1, .nr_deps = 1 }, { .deps = d2, .nr_deps = 1 }, { 0 } };
	ck_assert_uint_eq(scheduler_run(t, 4, 1, run, &script, NULL), 0);
	int pos[4];
	for (int i = 0; i < script.nr; i++)
		pos[script.order[i]] = i;
	ck_assert_int_lt(pos[0], pos[1]);
	ck_assert_int_lt(pos[1], pos[2]);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(t[i].state, TASK_DONE);
	release_tasks(t, 4);
}
END_TEST

START_TEST(failure_skips_dependents_only)
{
	static const size_t d1[] = { 0 }, d2[] = { 1 };
	struct task t[4] = { { 0 }, { .deps = d1, .nr_deps = 1 }, { .deps = d2, .nr_deps = 1 }, { 0 } };
	script.fail_mask = 1 << 0;
	ck_assert_uint_eq(scheduler_run(t, 4, 2, run, &script, NULL), 3);
	ck_assert_int_eq(t[0].state, TASK_FAILED);
	ck_assert_str_eq(t[0].error.buf, "task 0 broke");
	ck_assert_int_eq(t[1].state, TASK_SKIPPED);
	ck_assert_int_eq(t[2].state, TASK_SKIPPED);
	ck_assert_int_eq(t[3].state, TASK_DONE); /* independent work still applied */
	release_tasks(t, 4);
}
END_TEST

START_TEST(blocked_never_runs)
{
	static const size_t d0[] = { 0 };
	struct task t[2] = { { .blocked = true }, { .deps = d0, .nr_deps = 1 } };
	ck_assert_uint_eq(scheduler_run(t, 2, 2, run, &script, NULL), 2);
	ck_assert_int_eq(t[0].state, TASK_BLOCKED);
	ck_assert_int_eq(t[1].state, TASK_SKIPPED);
	ck_assert_int_eq(script.nr, 0);
	release_tasks(t, 2);
}
END_TEST

START_TEST(independent_tasks_overlap)
{
	/* tasks 0 and 1 can only finish if both run at once */
	struct task t[3] = { { 0 }, { 0 }, { 0 } };
	script.meet_mask = 3;
	ck_assert_uint_eq(scheduler_run(t, 3, 2, run, &script, NULL), 0);
	release_tasks(t, 3);
}
END_TEST

START_TEST(parallelism_one_does_not_overlap)
{
	struct task t[2] = { { 0 }, { 0 } };
	script.meet_mask = 3;
	/* with one worker the first task waits alone and fails: proves the bound holds */
	ck_assert_uint_eq(scheduler_run(t, 2, 1, run, &script, NULL), 1);
	ck_assert_int_eq(t[0].state, TASK_FAILED);
	ck_assert_str_eq(t[0].error.buf, "never met the other task");
	release_tasks(t, 2);
}
END_TEST

START_TEST(stop_prevents_new_tasks)
{
	atomic_bool stop = false;
	struct task t[3] = { { 0 }, { 0 }, { 0 } };
	script.stop_after_first = &stop;
	ck_assert_uint_eq(scheduler_run(t, 3, 1, run, &script, &stop), 2);
	ck_assert_int_eq(script.nr, 1);
	ck_assert_int_eq(t[0].state, TASK_DONE);
	ck_assert_int_eq(t[1].state, TASK_NOT_STARTED);
	ck_assert_int_eq(t[2].state, TASK_NOT_STARTED);
	release_tasks(t, 3);
}
END_TEST

START_TEST(cycle_is_reported_not_hung)
{
	static const size_t d0[] = { 1 }, d1[] = { 0 };
	struct task t[2] = { { .deps = d0, .nr_deps = 1 }, { .deps = d1, .nr_deps = 1 } };
	ck_assert_uint_eq(scheduler_run(t, 2, 2, run, &script, NULL), 2);
	ck_assert_int_eq(t[0].state, TASK_NOT_STARTED);
	release_tasks(t, 2);
}
END_TEST

START_TEST(lane_runs_its_slots_and_lets_others_by)
{
	/* five pulls with two slots, and one other task; six threads */
	struct task t[6] = { 0 };
	for (int i = 0; i < 5; i++) {
		t[i].lane = 1;
		t[i].lane_slots = 2;
	}
	script.lane_mask = 0x1f;
	script.meet_mask = (1 << 0) | (1 << 1) | (1 << 5); /* two pulls and the other task at once */
	ck_assert_uint_eq(scheduler_run(t, 6, 6, run, &script, NULL), 0);
	ck_assert_int_eq(script.lane_max, 2);
	ck_assert_int_eq(script.nr, 6);
	release_tasks(t, 6);
}
END_TEST

START_TEST(chain_then_weight_then_plan_order)
{
	/* one thread: 4 waits on 2, so 2 goes first; then the heavier; equal weights keep plan order */
	static const size_t d4[] = { 2 };
	struct task t[5] = { { 0 }, { 0 }, { 0 }, { 0 }, { .deps = d4, .nr_deps = 1 } };
	atomic_store(&t[0].weight, 5);
	atomic_store(&t[1].weight, 50);
	atomic_store(&t[2].weight, 1);
	atomic_store(&t[3].weight, 5);
	ck_assert_uint_eq(scheduler_run(t, 5, 1, run, &script, NULL), 0);
	static const int want[] = { 2, 1, 0, 3, 4 };
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(script.order[i], want[i]);
	release_tasks(t, 5);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scheduler");
	TCase *tc = tcase_create("scheduler");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, dependencies_run_first);
	tcase_add_test(tc, failure_skips_dependents_only);
	tcase_add_test(tc, blocked_never_runs);
	tcase_add_test(tc, independent_tasks_overlap);
	tcase_add_test(tc, parallelism_one_does_not_overlap);
	tcase_add_test(tc, stop_prevents_new_tasks);
	tcase_add_test(tc, cycle_is_reported_not_hung);
	tcase_add_test(tc, lane_runs_its_slots_and_lets_others_by);
	tcase_add_test(tc, chain_then_weight_then_plan_order);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
