/*
 * Tests for the plan the sbx kinds make from hand-made observations
 * (plan_build is pure; docs/backends.md §6, §9 and §11): rules told apart and
 * ordered after their sandbox, what the installed version or an
 * uninitialised policy store cannot express blocked before anything runs,
 * and the env block following its sandbox. The sbx output parsers are
 * tested in check_sbx.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "lang/config.h"
#include "kinds/kinds.h"
#include "kinds/kinds_sbx.h"
#include "plan/plan.h"

/* ---- plans from the sbx kinds ---- */

struct fixture {
	struct config cfg;
	struct resource_set desired, observed;
	struct inventory inv;
	struct plan plan;
};

static const char plan_yaml[] =
	"version: 1\n"
	"project: t\n"
	"policy:\n"
	"  allow: [localhost:12434, 127.0.0.1:12434, host.docker.internal:12434]\n"
	"sandboxes:\n"
	"  box1:\n"
	"    agent: claude\n"
	"    workspace: .\n"
	"    policy:\n"
	"      allow: [api.example.com]\n"
	"    env:\n"
	"      A: one\n";

/* every kind, nothing else asked */
#define ALL_KINDS (&(const struct plan_options){ .kinds = kinds_registry.kinds })

/*
 * The project directory: a directory of its own, never /tmp itself (HOME may
 * live under /tmp, as in the hermetic run, and a workspace holding the home
 * directory is refused read-write).
 */
static char project[] = "/tmp/check_sbx_plan.XXXXXX"; /* made by main(), before the tests fork */

static const char *project_dir(void)
{
	return project;
}

static void fixture_desired(struct fixture *f, const char *yaml)
{
	struct diag_list diags = DIAG_LIST_INIT;
	memset(f, 0, sizeof(*f));
	int rc = config_parse(&f->cfg, "t.yaml", project_dir(), yaml, strlen(yaml), NULL, &diags);
	diag_list_release(&diags);
	ck_assert_int_eq(rc, 0);
	for (size_t k = 0; kinds_registry.kinds[k]; k++)
		kinds_registry.kinds[k]->desired(&f->cfg, &f->desired);
	inventory_init(&f->inv, "t");
}

/* The installed sbx as rule_observe() reports it: its version and whether its rules take a sandbox. */
static void observe_sbx(struct fixture *f, const char *version, const char *sandbox_rules)
{
	struct resource *v = resource_new(&kind_sbx_version, "sbx", NULL);
	v->observed_id = strdup(version);
	resource_set_field(v, "sandbox_rules", sandbox_rules, false);
	resource_set_add(&f->observed, v);
}

static void fixture_release(struct fixture *f)
{
	plan_release(&f->plan);
	resource_set_release(&f->desired);
	resource_set_release(&f->observed);
	inventory_release(&f->inv);
	config_release(&f->cfg);
}

static const struct action *find_action(const struct plan *p, const struct kind *k, const char *name)
{
	for (size_t i = 0; i < p->nr; i++)
		if (p->actions[i].kind == k && !strcmp(p->actions[i].name, name))
			return &p->actions[i];
	return NULL;
}

START_TEST(rules_are_told_apart_and_scoped_after_their_sandbox)
{
	struct fixture f;
	fixture_desired(&f, plan_yaml);
	observe_sbx(&f, "v0.31.2", "yes");
	plan_build(&f.plan, &f.desired, &f.observed, &f.inv, ALL_KINDS);
	/* three resources, three rules: the proxy's rewrite does not make them one */
	ck_assert_ptr_nonnull(find_action(&f.plan, &kind_policy_rule, "allow:localhost:12434"));
	ck_assert_ptr_nonnull(find_action(&f.plan, &kind_policy_rule, "allow:127.0.0.1:12434"));
	ck_assert_ptr_nonnull(find_action(&f.plan, &kind_policy_rule, "allow:host.docker.internal:12434"));
	const struct action *scoped = find_action(&f.plan, &kind_policy_rule, "box1/allow:api.example.com");
	const struct action *box = find_action(&f.plan, &kind_sandbox, "box1");
	ck_assert_ptr_nonnull(scoped);
	ck_assert_ptr_nonnull(box);
	ck_assert_ptr_null(scoped->blocked);
	ck_assert_uint_eq(scoped->nr_deps, 1);
	ck_assert_ptr_eq(&f.plan.actions[scoped->deps[0]], box);
	const struct action *env = find_action(&f.plan, &kind_env, "box1");
	ck_assert_ptr_nonnull(env);
	ck_assert_ptr_eq(&f.plan.actions[env->deps[0]], box);
	fixture_release(&f);
}
END_TEST

START_TEST(scoped_rule_blocked_on_a_version_that_cannot_express_it)
{
	struct fixture f;
	fixture_desired(&f, plan_yaml);
	observe_sbx(&f, "v0.28.3", "no");
	plan_build(&f.plan, &f.desired, &f.observed, &f.inv, ALL_KINDS);
	const struct action *scoped = find_action(&f.plan, &kind_policy_rule, "box1/allow:api.example.com");
	ck_assert_ptr_nonnull(scoped->blocked);
	ck_assert_ptr_nonnull(strstr(scoped->blocked, "sbx v0.28.3 cannot scope a rule to a sandbox"));
	ck_assert_ptr_null(find_action(&f.plan, &kind_policy_rule, "allow:localhost:12434")->blocked);
	fixture_release(&f);
}
END_TEST

/*
 * sbx does not list whether a policy was chosen, and most stores were set
 * up at first start: an unknown store never blocks a rule; a declared init
 * runs first and the rules wait for it.
 */
START_TEST(rules_wait_for_a_declared_init_and_are_never_blocked_by_an_unknown_store)
{
	struct fixture f;
	fixture_desired(&f, plan_yaml);
	observe_sbx(&f, "v0.45.1", "yes");
	plan_build(&f.plan, &f.desired, &f.observed, &f.inv, ALL_KINDS);
	const struct action *a = find_action(&f.plan, &kind_policy_rule, "allow:localhost:12434");
	ck_assert_ptr_null(a->blocked);
	ck_assert_uint_eq(a->nr_deps, 0);
	fixture_release(&f);
	char *with_init = strdup(plan_yaml);
	char *yaml = malloc(strlen(with_init) + 32);
	char *at = strstr(with_init, "policy:\n") + strlen("policy:\n");
	sprintf(yaml, "%.*s  init: balanced\n%s", (int)(at - with_init), with_init, at);
	fixture_desired(&f, yaml);
	observe_sbx(&f, "v0.45.1", "yes");
	plan_build(&f.plan, &f.desired, &f.observed, &f.inv, ALL_KINDS);
	a = find_action(&f.plan, &kind_policy_rule, "allow:localhost:12434");
	ck_assert_ptr_null(a->blocked);
	ck_assert_uint_eq(a->nr_deps, 1);
	ck_assert_ptr_eq(f.plan.actions[a->deps[0]].kind, &kind_policy_init);
	fixture_release(&f);
	free(yaml);
	free(with_init);
}
END_TEST

/* An existing box1 (agent given) with env A=one, both recorded by a previous apply. */
static void observe_box(struct fixture *f, const char *agent, const char *env_a, bool record)
{
	struct resource *box = resource_new(&kind_sandbox, "box1", NULL);
	resource_set_field(box, "agent", agent, false);
	resource_set_field(box, "workspace", project_dir(), false);
	resource_set_add(&f->observed, box);
	struct resource *env = resource_new(&kind_env, "box1", NULL);
	resource_set_field(env, "A", env_a, false);
	resource_set_add(&f->observed, env);
	if (record) {
		inventory_record(&f->inv, resource_set_find(&f->desired, &kind_sandbox, "box1"), INV_CREATED);
		inventory_record(&f->inv, resource_set_find(&f->desired, &kind_env, "box1"), INV_CREATED);
	}
}

START_TEST(replacing_a_sandbox_rewrites_its_env_after_it)
{
	struct fixture f;
	fixture_desired(&f, "version: 1\nproject: t\nsandboxes:\n  box1:\n    agent: codex\n    workspace: .\n"
			    "    env:\n      A: one\n");
	observe_sbx(&f, "v0.45.1", "yes");
	observe_box(&f, "claude", "one", true);
	struct plan_options opts = { .kinds = kinds_registry.kinds, .allow_replace = false };
	plan_build(&f.plan, &f.desired, &f.observed, &f.inv, &opts);
	const struct action *box = find_action(&f.plan, &kind_sandbox, "box1");
	ck_assert_int_eq(box->type, ACTION_REPLACE);
	ck_assert_ptr_nonnull(box->blocked); /* the sandbox holds the user's work */
	const struct action *env = find_action(&f.plan, &kind_env, "box1");
	ck_assert_ptr_nonnull(env);
	ck_assert_int_eq(env->type, ACTION_UPDATE);
	ck_assert_ptr_nonnull(strstr(env->reason, "is replaced"));
	ck_assert_ptr_eq(&f.plan.actions[env->deps[0]], box);
	fixture_release(&f);
}
END_TEST

START_TEST(env_key_missing_from_the_block_is_absent_not_unobservable)
{
	struct fixture f;
	fixture_desired(&f, "version: 1\nproject: t\nsandboxes:\n  box1:\n    agent: claude\n    workspace: .\n"
			    "    env:\n      A: one\n");
	observe_sbx(&f, "v0.45.1", "yes");
	observe_box(&f, "claude", NULL, true);
	plan_build(&f.plan, &f.desired, &f.observed, &f.inv, ALL_KINDS);
	const struct action *env = find_action(&f.plan, &kind_env, "box1");
	ck_assert_int_eq(env->type, ACTION_UPDATE);
	ck_assert_uint_eq(env->nr_changes, 1);
	ck_assert(!env->changes[0].unobservable);
	ck_assert_ptr_null(find_action(&f.plan, &kind_sandbox, "box1")); /* in sync */
	fixture_release(&f);
}
END_TEST

/* observe_box() without reading the env: the kind's resource for a block it did not read (vouched or unknown) */
static void observe_box_unread(struct fixture *f, const char *agent, bool vouched)
{
	observe_box(f, agent, "one", true);
	struct resource *env = (struct resource *)resource_set_find(&f->observed, &kind_env, "box1");
	resource_set_field(env, "A", NULL, false); /* nothing was read */
	if (vouched)
		env->vouched = strdup("the inventory vouches");
	else
		env->unknown = strdup("the sandbox is stopped");
}

START_TEST(a_vouched_env_is_in_sync_counted_and_said_once)
{
	struct fixture f;
	fixture_desired(&f, "version: 1\nproject: t\nsandboxes:\n  box1:\n    agent: claude\n    workspace: .\n"
			    "    env:\n      A: one\n");
	observe_sbx(&f, "v0.45.1", "yes");
	observe_box_unread(&f, "claude", true);
	plan_build(&f.plan, &f.desired, &f.observed, &f.inv, ALL_KINDS);
	ck_assert_ptr_null(find_action(&f.plan, &kind_env, "box1"));
	ck_assert_uint_eq(f.plan.not_read, 1);
	ck_assert_uint_eq(f.plan.in_sync, 2); /* the sandbox and its env */
	ck_assert_uint_eq(f.plan.nr_notes, 1);
	ck_assert_str_eq(f.plan.notes[0], "env of sandbox box1: not read: the inventory vouches; --refresh reads it");
	fixture_release(&f);
}
END_TEST

START_TEST(an_env_not_read_is_still_written_again_when_its_sandbox_is_replaced)
{
	for (int vouched = 0; vouched <= 1; vouched++) {
		struct fixture f;
		fixture_desired(&f, "version: 1\nproject: t\nsandboxes:\n  box1:\n    agent: codex\n    workspace: .\n"
				    "    env:\n      A: one\n");
		observe_sbx(&f, "v0.45.1", "yes");
		observe_box_unread(&f, "claude", vouched);
		plan_build(&f.plan, &f.desired, &f.observed, &f.inv, ALL_KINDS);
		const struct action *env = find_action(&f.plan, &kind_env, "box1");
		ck_assert_ptr_nonnull(env);
		ck_assert_int_eq(env->type, ACTION_UPDATE);
		ck_assert_ptr_nonnull(strstr(env->reason, "is replaced"));
		ck_assert_uint_eq(f.plan.not_read, 0);
		for (size_t i = 0; i < f.plan.nr_notes; i++) /* nothing said about a read that did not happen */
			ck_assert_msg(!strstr(f.plan.notes[i], "not read") && !strstr(f.plan.notes[i], "not checked"), "%s", f.plan.notes[i]);
		fixture_release(&f);
	}
}
END_TEST

/* A field only the live sandbox has (mounts the file no longer lists) replaces it as a changed one does: its env goes too. */
START_TEST(a_sandbox_replaced_for_a_live_only_field_rewrites_its_env)
{
	struct fixture f;
	fixture_desired(&f, "version: 1\nproject: t\nsandboxes:\n  box1:\n    agent: claude\n    workspace: .\n"
			    "    env:\n      A: one\n");
	observe_sbx(&f, "v0.45.1", "yes");
	observe_box_unread(&f, "claude", true);
	struct resource *box = (struct resource *)resource_set_find(&f.observed, &kind_sandbox, "box1");
	resource_set_field(box, "mounts", "/srv/data", false);
	struct plan_options opts = { .kinds = kinds_registry.kinds, .allow_replace = true };
	plan_build(&f.plan, &f.desired, &f.observed, &f.inv, &opts);
	ck_assert_int_eq(find_action(&f.plan, &kind_sandbox, "box1")->type, ACTION_REPLACE);
	const struct action *env = find_action(&f.plan, &kind_env, "box1");
	ck_assert_ptr_nonnull(env);
	ck_assert_int_eq(env->type, ACTION_UPDATE);
	ck_assert_uint_eq(f.plan.not_read, 0);
	fixture_release(&f);
}
END_TEST

int main(void)
{
	if (!mkdtemp(project))
		return EXIT_FAILURE;
	Suite *s = suite_create("sbx_plan");
	TCase *tc = tcase_create("plan");
	tcase_add_test(tc, rules_are_told_apart_and_scoped_after_their_sandbox);
	tcase_add_test(tc, scoped_rule_blocked_on_a_version_that_cannot_express_it);
	tcase_add_test(tc, rules_wait_for_a_declared_init_and_are_never_blocked_by_an_unknown_store);
	tcase_add_test(tc, replacing_a_sandbox_rewrites_its_env_after_it);
	tcase_add_test(tc, env_key_missing_from_the_block_is_absent_not_unobservable);
	tcase_add_test(tc, a_vouched_env_is_in_sync_counted_and_said_once);
	tcase_add_test(tc, an_env_not_read_is_still_written_again_when_its_sandbox_is_replaced);
	tcase_add_test(tc, a_sandbox_replaced_for_a_live_only_field_rewrites_its_env);
	suite_add_tcase(s, tc);

	int rc = check_run_suite(s);
	rmdir(project);
	return rc;
}
