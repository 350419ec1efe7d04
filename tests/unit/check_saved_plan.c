/*
 * Saved plans (engine/saved_plan), the writer: the file saved_plan_write makes
 * from a real engine (planned against sbxsim's runner) reads back with every
 * field, is private (0600), and passes saved_plan_check against the same
 * engine, while any moved part (project, serial, desired or observed digest,
 * actions, prune) is refused. The digests and the serial, checked against a
 * fresh plan, keep it current; a checksum keyed with the inventory's salt
 * keeps it as written (issue 12). The reader alone, on hand-written files, is
 * tested in check_saved_plan_read.c.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "scratch_dir_test_helpers.h"
#include "sim_runner.h"
#include "engine/engine.h"
#include "engine/saved_plan.h"
#include "kinds/kinds.h"
#include "lang/config.h"
#include "os/fileio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static char dir[64];

static void make_dir(void) { scratch_dir_make(dir, sizeof(dir), "check_saved_plan"); }
static void remove_dir(void) { scratch_dir_remove(dir); }

/* ---- through the writer, with an engine on sbxsim's runner ------------------------ */

static char *runner_url;
static pid_t runner;

static void start_runner(void)
{
	make_dir();
	runner_url = sim_runner_start(dir, "20", &runner);
}

static void stop_runner(void)
{
	sim_runner_stop(runner);
	free(runner_url);
	runner_url = NULL;
	remove_dir();
}

static const char doc_two[] = "version: 1\nproject: saved\nmodels:\n  ai/smollm2:\n  ai/gpt-oss:\n"
			      "    context_size: 8192\npackages:\n  gpt-oss:16k:\n    from: ai/gpt-oss\n"
			      "    context_size: 16384\n";
/* the same, less one model and the package: with prune, deletions */
static const char doc_one[] = "version: 1\nproject: saved\nmodels:\n  ai/gpt-oss:\n    context_size: 8192\n";

struct run {
	struct config cfg;
	struct diag_list diags;
	struct engine e;
	char *state_dir;
};

/* Opens and plans an engine on doc; fails the test when either fails. */
static void run_open(struct run *r, const char *doc, bool prune, bool allow_replace, bool read_only)
{
	struct strbuf err = STRBUF_INIT;
	memset(r, 0, sizeof(*r));
	r->diags = (struct diag_list)DIAG_LIST_INIT;
	ck_assert_int_eq(config_parse(&r->cfg, "saved.yaml", dir, doc, strlen(doc), NULL, &r->diags), 0);
	r->state_dir = xasprintf("%s/state", dir);
	static struct kinds_options ko;
	ko = (struct kinds_options){ .runner_url = runner_url };
	struct engine_options eo = {
		.registry = &kinds_registry,
		.backend_options = &ko,
		.state_dir = r->state_dir,
		.cancel_fd = -1,
		.prune = prune,
		.allow_replace = allow_replace,
		.read_only = read_only,
	};
	ck_assert_msg(engine_open(&r->e, &r->cfg, &eo, &err) == ENGINE_OK, "%s", err.buf);
	ck_assert_msg(engine_plan(&r->e, &err) == ENGINE_OK, "%s", err.buf);
	strbuf_release(&err);
}

static void run_close(struct run *r)
{
	engine_close(&r->e);
	config_release(&r->cfg);
	diag_list_release(&r->diags);
	free(r->state_dir);
}

static void assert_matches_engine(const struct saved_plan *sp, const struct engine *e, const char *config_path)
{
	char desired[65], observed[65];
	engine_state_digests(e, desired, observed);
	ck_assert_str_eq(sp->config_path, config_path);
	ck_assert_str_eq(sp->project, "saved");
	ck_assert_int_eq(sp->inventory_serial, e->inventory.serial);
	ck_assert_str_eq(sp->desired, desired);
	ck_assert_str_eq(sp->observed, observed);
	ck_assert_int_eq(sp->prune, e->opts.prune);
	ck_assert_int_eq(sp->allow_replace, e->opts.allow_replace);
	ck_assert_uint_eq(sp->nr_actions, e->plan.nr);
	for (size_t i = 0; i < e->plan.nr; i++) {
		const struct action *a = &e->plan.actions[i];
		char *want = xasprintf("%s %s/%s", a->type == ACTION_NOOP ? "adopt" : action_type_name(a->type),
				       a->kind->name, a->name);
		bool same = !strcmp(sp->actions[i], want);
		char got[256];
		snprintf(got, sizeof(got), "%s", sp->actions[i]);
		free(want);
		ck_assert_msg(same, "action %zu is '%s'", i, got);
	}
}

/* saved_plan_check on a copy of sp changed by change(); must refuse with a message holding want. */
static void assert_check_refuses(const struct saved_plan *sp, const struct engine *e,
				 void (*change)(struct saved_plan *), const char *want)
{
	struct saved_plan copy = *sp;
	char *project = xstrdup(sp->project);
	char **actions = xcalloc(sp->nr_actions + 1, sizeof(*actions));
	memcpy(actions, sp->actions, sp->nr_actions * sizeof(*actions));
	copy.project = project;
	copy.actions = actions;
	change(&copy);
	struct strbuf err = STRBUF_INIT;
	int rc = saved_plan_check(&copy, e, &err);
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", err.buf);
	free(copy.project);
	free(actions);
	strbuf_release(&err);
	ck_assert_msg(rc == -1, "a changed plan passed the check (want '%s')", want);
	ck_assert_msg(strstr(msg, want) != NULL, "message '%s' lacks '%s'", msg, want);
}

static void other_project(struct saved_plan *sp)
{
	free(sp->project);
	sp->project = xstrdup("elsewhere");
}
static void older_serial(struct saved_plan *sp) { sp->inventory_serial--; }
static void other_desired(struct saved_plan *sp) { sp->desired[0] = sp->desired[0] == '0' ? '1' : '0'; }
static void other_observed(struct saved_plan *sp) { sp->observed[63] = sp->observed[63] == '0' ? '1' : '0'; }
static void one_action_less(struct saved_plan *sp) { sp->nr_actions--; }
static void actions_swapped(struct saved_plan *sp)
{
	char *t = sp->actions[0];
	sp->actions[0] = sp->actions[1];
	sp->actions[1] = t;
}

START_TEST(written_plan_round_trips)
{
	char *path = xasprintf("%s/out.plan", dir);
	const char *config_path = "/somewhere/saved.yaml";
	struct strbuf err = STRBUF_INIT;
	struct run r;
	run_open(&r, doc_two, false, true, true);
	ck_assert_uint_eq(r.e.plan.nr, 4); /* 2 models, the package, the runtime settings */
	ck_assert_msg(saved_plan_write(path, &r.e, config_path, &err) == 0, "%s", err.buf);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);

	struct saved_plan sp;
	ck_assert_msg(saved_plan_read(&sp, path, &err) == 0, "%s", err.buf);
	assert_matches_engine(&sp, &r.e, config_path);
	ck_assert(!sp.prune);
	ck_assert(sp.allow_replace);
	ck_assert_msg(saved_plan_check(&sp, &r.e, &err) == 0, "%s", err.buf);

	/* each recorded part, changed, is caught */
	assert_check_refuses(&sp, &r.e, other_project, "project 'elsewhere'");
	assert_check_refuses(&sp, &r.e, older_serial, "inventory moved");
	assert_check_refuses(&sp, &r.e, other_desired, "changed since the plan was made");
	assert_check_refuses(&sp, &r.e, other_observed, "live state changed");
	assert_check_refuses(&sp, &r.e, one_action_less, "plans differently");
	assert_check_refuses(&sp, &r.e, actions_swapped, "plans differently");
	run_close(&r);

	/* a plan that was applied in between no longer applies */
	run_open(&r, doc_two, false, true, false);
	ck_assert_msg(engine_apply(&r.e, &err) == ENGINE_OK, "%s", err.buf);
	run_close(&r);
	run_open(&r, doc_two, false, true, true);
	ck_assert_uint_eq(plan_count_changes(&r.e.plan), 0);
	ck_assert_int_eq(saved_plan_check(&sp, &r.e, &err), -1);
	ck_assert_uint_gt(err.len, 0);
	strbuf_reset(&err);
	run_close(&r);
	saved_plan_release(&sp);

	/* a prune plan: the flag comes back and matters */
	run_open(&r, doc_one, true, false, true);
	bool deletes = false;
	for (size_t i = 0; i < r.e.plan.nr; i++)
		deletes |= r.e.plan.actions[i].type == ACTION_DELETE;
	ck_assert_msg(deletes, "pruning planned no deletion");
	ck_assert_msg(saved_plan_write(path, &r.e, config_path, &err) == 0, "%s", err.buf);
	run_close(&r);
	ck_assert_msg(saved_plan_read(&sp, path, &err) == 0, "%s", err.buf);
	ck_assert(sp.prune);
	ck_assert(!sp.allow_replace);
	bool delete_line = false;
	for (size_t i = 0; i < sp.nr_actions; i++)
		delete_line |= !strncmp(sp.actions[i], "delete ", 7);
	ck_assert(delete_line);
	run_open(&r, doc_one, sp.prune, sp.allow_replace, true);
	assert_matches_engine(&sp, &r.e, config_path);
	ck_assert_msg(saved_plan_check(&sp, &r.e, &err) == 0, "%s", err.buf);
	run_close(&r);
	/* the same plan, checked against a run without --prune, is refused */
	run_open(&r, doc_one, false, sp.allow_replace, true);
	ck_assert_int_eq(saved_plan_check(&sp, &r.e, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "plans differently"));
	strbuf_reset(&err);
	run_close(&r);
	/* and against the other file */
	run_open(&r, doc_two, true, false, true);
	ck_assert_int_eq(saved_plan_check(&sp, &r.e, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, config_path));
	run_close(&r);
	saved_plan_release(&sp);

	/* a file that cannot be written is an error that names it */
	char *bad = xasprintf("%s/no-such-dir/out.plan", dir);
	strbuf_reset(&err);
	run_open(&r, doc_two, false, false, true);
	ck_assert_int_eq(saved_plan_write(bad, &r.e, config_path, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, bad));
	run_close(&r);
	free(bad);
	strbuf_release(&err);
	free(path);
}
END_TEST

/* Replaces the first `from` in the file at path with `to`. */
static void edit_file(const char *path, const char *from, const char *to)
{
	struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
	ck_assert_int_eq(read_file(path, &text, 1 << 20), 0);
	const char *at = strstr(text.buf, from);
	ck_assert_msg(at != NULL, "'%s' is not in the plan", from);
	strbuf_add(&out, text.buf, (size_t)(at - text.buf));
	strbuf_addstr(&out, to);
	strbuf_addstr(&out, at + strlen(from));
	scratch_write(path, out.buf, out.len);
	strbuf_release(&text);
	strbuf_release(&out);
}

/* A reviewed plan edited by hand, then applied with the flags it now says, as cmd_apply does. */
static void assert_edit_refused(const char *path, const char *from, const char *to, const char *want)
{
	struct strbuf err = STRBUF_INIT;
	struct saved_plan sp;
	struct run r;
	edit_file(path, from, to);
	ck_assert_msg(saved_plan_read(&sp, path, &err) == 0, "%s", err.buf);
	run_open(&r, doc_two, sp.prune, sp.allow_replace, true);
	ck_assert_msg(saved_plan_check(&sp, &r.e, &err) == -1, "an edited plan (%s) passed the check", to);
	ck_assert_msg(strstr(err.buf, want) != NULL, "%s: '%s' lacks '%s'", to, err.buf, want);
	run_close(&r);
	saved_plan_release(&sp);
	strbuf_release(&err);
	edit_file(path, to, from);
}

/*
 * Issue 12, each failing on the tree before the fix: the flags of a reviewed
 * plan could be edited (prune false -> true passed the check); the desired
 * digest was an unsalted SHA-256 over values that include secrets (the same
 * in every inventory, so a guess could be tested offline); an existing -out
 * file kept its mode 0644.
 */
START_TEST(plan_is_keyed_and_private)
{
	char *path = xasprintf("%s/keyed.plan", dir);
	const char *config_path = "/somewhere/saved.yaml";
	struct strbuf err = STRBUF_INIT;
	struct run r;

	/* an existing world-readable file ends private */
	scratch_write(path, "{}\n", 3);
	ck_assert_int_eq(chmod(path, 0644), 0);
	run_open(&r, doc_two, false, false, true);
	ck_assert_msg(saved_plan_write(path, &r.e, config_path, &err) == 0, "%s", err.buf);
	run_close(&r);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);

	/* untouched, it checks; with a flag or an action edited, it is refused */
	struct saved_plan sp;
	ck_assert_msg(saved_plan_read(&sp, path, &err) == 0, "%s", err.buf);
	run_open(&r, doc_two, false, false, true);
	ck_assert_msg(saved_plan_check(&sp, &r.e, &err) == 0, "%s", err.buf);
	run_close(&r);
	saved_plan_release(&sp);
	assert_edit_refused(path, "\"prune\": false", "\"prune\": true", "changed after it was written");
	assert_edit_refused(path, "\"allow_replace\": false", "\"allow_replace\": true", "changed after it was written");
	assert_edit_refused(path, "\"adopt\": false", "\"adopt\": true", "changed after it was written");
	assert_edit_refused(path, "\"force_shared\": false", "\"force_shared\": true", "changed after it was written");
	assert_edit_refused(path, "\"actions\": [", "\"actions\": [\"delete model/ai/other:latest\", ",
			    "plans differently");

	/* the same secret gives another desired digest in another inventory, the same in the same one */
	static const char doc_secret[] = "version: 1\nproject: keyed\nsecrets:\n  github: ghp-0123456789\n";
	static const char *const salts[] = { "00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100",
					     "00112233445566778899aabbccddeeff" };
	char digests[3][65];
	for (int i = 0; i < 3; i++) {
		char *state = xasprintf("%s/keyed-%d", dir, i % 2);
		char *inv = xasprintf("%s/keyed.json", state);
		char *text = xasprintf("{\"format_version\":1,\"project\":\"keyed\",\"serial\":1,\"salt\":\"%s\","
				       "\"resources\":[]}\n",
				       salts[i]);
		ck_assert_int_eq(mkdir_p(state), 0);
		scratch_write(inv, text, strlen(text));
		struct config cfg;
		struct diag_list diags = DIAG_LIST_INIT;
		struct engine e;
		ck_assert_int_eq(config_parse(&cfg, "keyed.yaml", dir, doc_secret, strlen(doc_secret), NULL, &diags), 0);
		struct kinds_options ko = { .runner_url = runner_url };
		struct engine_options eo = {
			.registry = &kinds_registry,
			.backend_options = &ko,
			.state_dir = state,
			.cancel_fd = -1,
			.read_only = true,
		};
		ck_assert_msg(engine_open(&e, &cfg, &eo, &err) == ENGINE_OK, "%s", err.buf);
		char observed[65];
		engine_state_digests(&e, digests[i], observed);
		engine_close(&e);
		config_release(&cfg);
		diag_list_release(&diags);
		free(text);
		free(inv);
		free(state);
	}
	ck_assert_str_ne(digests[0], digests[1]);
	ck_assert_str_eq(digests[0], digests[2]);
	strbuf_release(&err);
	free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("saved_plan");
	TCase *wr = tcase_create("write");
	tcase_add_checked_fixture(wr, start_runner, stop_runner);
	tcase_set_timeout(wr, 60);
	tcase_add_test(wr, written_plan_round_trips);
	tcase_add_test(wr, plan_is_keyed_and_private);
	suite_add_tcase(s, wr);
	return check_run_suite(s);
}
