/*
 * plan_build() is a pure function of (desired, observed, inventory): these
 * tests build the three by hand, with two fake kinds, and check every action.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "plan/plan.h"
#include "plan/plan_render.h"

static const char *const box_force_new[] = { "agent", NULL };

static const struct kind thing = { .name = "thing", .noun = "thing", .updatable = true };
static const struct kind box = {
	.name = "box",
	.noun = "box",
	.updatable = true,
	.holds_user_data = true,
	.force_new = box_force_new,
};
static const struct kind tag = { .name = "tag", .noun = "tag", .name_is_identity = true };
static const struct kind setting = { .name = "setting", .noun = "setting", .updatable = true, .shared = true };
static const struct kind inside = { .name = "inside", .noun = "inside", .updatable = true, .part_of = &box };
static const struct kind *const test_kinds[] = { &thing, &box, &tag, &setting, &inside, NULL };

static struct resource_set desired, observed;
static struct inventory inv;
static struct plan plan;
static struct plan_options opts;

static void setup(void)
{
	memset(&desired, 0, sizeof(desired));
	memset(&observed, 0, sizeof(observed));
	inventory_init(&inv, "test");
	memset(&opts, 0, sizeof(opts));
	opts.kinds = test_kinds;
	memset(&plan, 0, sizeof(plan));
}

static void teardown(void)
{
	plan_release(&plan);
	resource_set_release(&desired);
	resource_set_release(&observed);
	inventory_release(&inv);
}

static struct resource *add(struct resource_set *set, const struct kind *k, const char *name, const char *field,
			    const char *value)
{
	struct resource *r = resource_new(k, name, NULL);
	if (field)
		resource_set_field(r, field, value, false);
	resource_set_add(set, r);
	return r;
}

static void build(void)
{
	plan_build(&plan, &desired, &observed, &inv, &opts);
}

START_TEST(missing_resource_is_created)
{
	add(&desired, &thing, "a", "size", "1");
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_CREATE);
	ck_assert_int_eq(plan.actions[0].origin, ORIGIN_NEW);
	ck_assert_uint_eq(plan.actions[0].nr_changes, 1);
	ck_assert_str_eq(plan.actions[0].changes[0].after, "1");
	ck_assert_uint_eq(plan_count_changes(&plan), 1);
}
END_TEST

START_TEST(in_sync_and_recorded_is_nothing)
{
	struct resource *d = add(&desired, &thing, "a", "size", "1");
	add(&observed, &thing, "a", "size", "1");
	inventory_record(&inv, d, INV_CREATED);
	build();
	ck_assert_uint_eq(plan.nr, 0);
	ck_assert_uint_eq(plan.in_sync, 1);
}
END_TEST

START_TEST(present_but_unrecorded_is_adopted_not_changed)
{
	add(&desired, &thing, "a", "size", "1");
	add(&observed, &thing, "a", "size", "1");
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_NOOP);
	ck_assert(plan.actions[0].adopt);
	ck_assert_uint_eq(plan_count_changes(&plan), 0);
}
END_TEST

START_TEST(file_change_versus_drift)
{
	/* last applied size=1; the file now says 2; live says 1: a change in the file */
	struct resource *d = add(&desired, &thing, "a", "size", "1");
	inventory_record(&inv, d, INV_CREATED);
	resource_set_field(d, "size", "2", false);
	add(&observed, &thing, "a", "size", "1");
	/* last applied size=5 for b, the file still says 5, live says 9: drift */
	struct resource *b = add(&desired, &thing, "b", "size", "5");
	inventory_record(&inv, b, INV_CREATED);
	add(&observed, &thing, "b", "size", "9");
	build();
	ck_assert_uint_eq(plan.nr, 2);
	ck_assert_int_eq(plan.actions[0].type, ACTION_UPDATE);
	ck_assert_int_eq(plan.actions[0].origin, ORIGIN_FILE);
	ck_assert_str_eq(plan.actions[0].changes[0].before, "1");
	ck_assert_str_eq(plan.actions[0].changes[0].after, "2");
	ck_assert_int_eq(plan.actions[1].type, ACTION_UPDATE);
	ck_assert_int_eq(plan.actions[1].origin, ORIGIN_DRIFT);
	ck_assert_ptr_nonnull(strstr(plan.actions[1].reason, "changed outside sbxapply"));
}
END_TEST

START_TEST(one_changed_value_is_one_action)
{
	for (int i = 0; i < 50; i++) {
		char name[16];
		snprintf(name, sizeof(name), "r%02d", i);
		struct resource *d = add(&desired, &thing, name, "size", "1");
		inventory_record(&inv, d, INV_CREATED);
		add(&observed, &thing, name, "size", "1");
	}
	resource_set_field(resource_set_find(&desired, &thing, "r17"), "size", "2", false);
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_str_eq(plan.actions[0].name, "r17");
	ck_assert_uint_eq(plan.in_sync, 49);
}
END_TEST

START_TEST(force_new_field_replaces_and_is_blocked_without_flag)
{
	struct resource *d = add(&desired, &box, "b1", "agent", "claude");
	inventory_record(&inv, d, INV_CREATED);
	add(&observed, &box, "b1", "agent", "codex");
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_REPLACE);
	ck_assert(plan.actions[0].changes[0].forces_replacement);
	ck_assert_ptr_nonnull(plan.actions[0].blocked);
	ck_assert_ptr_nonnull(strstr(plan.actions[0].blocked, "--allow-replace"));
	plan_release(&plan);
	opts.allow_replace = true;
	build();
	ck_assert_ptr_null(plan.actions[0].blocked);
}
END_TEST

START_TEST(removed_field_is_a_change)
{
	struct resource *d = add(&desired, &thing, "a", "x", "1");
	inventory_record(&inv, d, INV_CREATED);
	struct resource *o = add(&observed, &thing, "a", "x", "1");
	resource_set_field(o, "y", "old", false);
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_str_eq(plan.actions[0].changes[0].name, "y");
	ck_assert_str_eq(plan.actions[0].changes[0].before, "old");
	ck_assert_ptr_null(plan.actions[0].changes[0].after);
}
END_TEST

START_TEST(unobservable_field_uses_recorded_digest)
{
	struct resource *d = add(&desired, &thing, "s", NULL, NULL);
	resource_set_field(d, "value", "hunter2", true);
	add(&observed, &thing, "s", NULL, NULL); /* presence only */
	/* never recorded: must set it */
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_UPDATE);
	ck_assert(plan.actions[0].changes[0].unobservable);
	plan_release(&plan);
	/* recorded with the same value: in sync */
	inventory_record(&inv, d, INV_CREATED);
	build();
	ck_assert_uint_eq(plan.nr, 0);
	plan_release(&plan);
	/* the file's value changed: update, origin file */
	resource_set_field(d, "value", "hunter3", true);
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].origin, ORIGIN_FILE);
}
END_TEST

START_TEST(orphans_pruned_only_when_created_here)
{
	struct resource *mine = resource_new(&thing, "mine", NULL);
	struct resource *adopted = resource_new(&thing, "adopted", NULL);
	inventory_record(&inv, mine, INV_CREATED);
	inventory_record(&inv, adopted, INV_ADOPTED);
	resource_free(mine);
	resource_free(adopted);
	add(&observed, &thing, "mine", NULL, NULL);
	add(&observed, &thing, "adopted", NULL, NULL);
	add(&observed, &thing, "stranger", NULL, NULL);
	build();
	ck_assert_uint_eq(plan.nr, 0);	     /* no --prune: nothing deleted */
	ck_assert_uint_eq(plan.nr_notes, 1); /* but the user is told */
	ck_assert_ptr_nonnull(strstr(plan.notes[0], "--prune"));
	plan_release(&plan);
	opts.prune = true;
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_DELETE);
	ck_assert_str_eq(plan.actions[0].name, "mine");
}
END_TEST

START_TEST(orphan_used_by_another_project_is_kept)
{
	struct resource *mine = resource_new(&thing, "shared", NULL);
	inventory_record(&inv, mine, INV_CREATED);
	resource_free(mine);
	add(&observed, &thing, "shared", NULL, NULL);
	struct strmap elsewhere = STRMAP_INIT;
	strmap_put(&elsewhere, "thing/shared", (void *)1);
	opts.prune = true;
	opts.used_elsewhere = &elsewhere;
	build();
	ck_assert_uint_eq(plan.nr, 0);
	ck_assert_ptr_nonnull(strstr(plan.notes[0], "another project"));
	strmap_release(&elsewhere);
}
END_TEST

START_TEST(box_delete_needs_allow_replace)
{
	struct resource *mine = resource_new(&box, "old", NULL);
	inventory_record(&inv, mine, INV_CREATED);
	resource_free(mine);
	add(&observed, &box, "old", NULL, NULL);
	opts.prune = true;
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_DELETE);
	ck_assert_ptr_nonnull(plan.actions[0].blocked);
}
END_TEST

START_TEST(dependencies_link_actions)
{
	add(&desired, &thing, "base", "size", "1");
	struct resource *b = add(&desired, &box, "b1", "agent", "claude");
	resource_add_dep(b, &thing, "base");
	/* a dependency that needs no action adds no edge */
	struct resource *c = add(&desired, &box, "b2", "agent", "claude");
	resource_add_dep(c, &thing, "present");
	struct resource *p = add(&desired, &thing, "present", NULL, NULL);
	inventory_record(&inv, p, INV_CREATED);
	add(&observed, &thing, "present", NULL, NULL);
	build();
	ck_assert_uint_eq(plan.nr, 3);
	ck_assert_str_eq(plan.actions[1].name, "b1");
	ck_assert_uint_eq(plan.actions[1].nr_deps, 1);
	ck_assert_str_eq(plan.actions[plan.actions[1].deps[0]].name, "base");
	ck_assert_uint_eq(plan.actions[2].nr_deps, 0);
}
END_TEST

START_TEST(deletes_wait_for_creates_and_later_kinds)
{
	struct resource *t = resource_new(&thing, "gone", NULL), *bx = resource_new(&box, "gone-box", NULL);
	inventory_record(&inv, t, INV_CREATED);
	inventory_record(&inv, bx, INV_CREATED);
	resource_free(t);
	resource_free(bx);
	add(&observed, &thing, "gone", NULL, NULL);
	add(&observed, &box, "gone-box", NULL, NULL);
	add(&desired, &thing, "new", NULL, NULL);
	opts.prune = true;
	opts.allow_replace = true;
	build();
	ck_assert_uint_eq(plan.nr, 3);
	const struct action *del_thing = &plan.actions[1];
	ck_assert_str_eq(del_thing->name, "gone");
	ck_assert_uint_eq(del_thing->nr_deps, 2); /* the create, and the box's delete */
}
END_TEST

START_TEST(render_hides_sensitive_values)
{
	struct resource *d = add(&desired, &thing, "s", NULL, NULL);
	resource_set_field(d, "token", "hunter2", true);
	resource_set_field(d, "url", "http://x", false);
	build();
	struct strbuf text = STRBUF_INIT, json = STRBUF_INIT;
	struct render_options ro = { .project = "p" };
	plan_render_text(&plan, &ro, &text);
	plan_render_json(&plan, &ro, &json);
	ck_assert_ptr_null(strstr(text.buf, "hunter2"));
	ck_assert_ptr_null(strstr(json.buf, "hunter2"));
	ck_assert_ptr_nonnull(strstr(text.buf, "token: (sensitive)"));
	ck_assert_ptr_nonnull(strstr(text.buf, "url: \"http://x\""));
	ck_assert_ptr_nonnull(strstr(text.buf, "+ create thing s"));
	ck_assert_ptr_nonnull(strstr(text.buf, "Plan: 1 to create, 0 to update, 0 to replace, 0 to delete."));
	ck_assert_ptr_nonnull(strstr(json.buf, "\"after\": \"(sensitive)\""));
	ck_assert_ptr_nonnull(strstr(json.buf, "\"format_version\": \"1\""));
	strbuf_reset(&text);
	ro.show_secrets = true;
	plan_render_text(&plan, &ro, &text);
	ck_assert_ptr_nonnull(strstr(text.buf, "hunter2"));
	strbuf_release(&text);
	strbuf_release(&json);
}
END_TEST

START_TEST(render_in_sync)
{
	struct resource *d = add(&desired, &thing, "a", NULL, NULL);
	inventory_record(&inv, d, INV_CREATED);
	add(&observed, &thing, "a", NULL, NULL);
	build();
	struct strbuf text = STRBUF_INIT;
	struct render_options ro = { 0 };
	plan_render_text(&plan, &ro, &text);
	ck_assert_str_eq(text.buf, "No changes: 1 resource in sync.\n");
	strbuf_release(&text);
}
END_TEST

/* ---- identity: the same name, another resource ---- */

/* A box this project created, recorded with its identity and the backend it lives on. */
static void created_box(const char *identity, const char *backend)
{
	struct resource *d = add(&desired, &box, "b", "agent", "claude");
	struct inv_entry *en = inventory_record(&inv, d, INV_CREATED);
	inv_entry_set_attr(en, "identity", identity);
	if (backend)
		inv_entry_set_attr(en, "backend", backend);
}

static struct resource *live_box(const char *identity)
{
	struct resource *o = add(&observed, &box, "b", "agent", "codex");
	o->identity = strdup(identity);
	return o;
}

START_TEST(made_elsewhere_is_never_changed)
{
	created_box("id:ours", NULL);
	live_box("id:theirs");
	opts.allow_replace = true; /* even with every permission */
	opts.prune = true;
	build();
	ck_assert_uint_eq(plan.nr, 1);
	const struct action *a = &plan.actions[0];
	ck_assert_int_eq(a->type, ACTION_NOOP); /* not a replacement, although agent differs */
	ck_assert(a->takeover && a->adopt);
	ck_assert_ptr_nonnull(a->blocked);
	ck_assert_ptr_nonnull(strstr(a->blocked, "--adopt"));
	ck_assert_ptr_nonnull(strstr(a->reason, "id:ours"));
	ck_assert_ptr_nonnull(strstr(a->reason, "id:theirs"));
	ck_assert_uint_eq(plan_count_changes(&plan), 1); /* pending: diff says so */
}
END_TEST

START_TEST(adopt_takes_it_over)
{
	created_box("id:ours", NULL);
	live_box("id:theirs");
	opts.adopt = true;
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_NOOP);
	ck_assert(plan.actions[0].takeover);
	ck_assert_ptr_null(plan.actions[0].blocked);
}
END_TEST

START_TEST(same_identity_is_ours)
{
	created_box("id:ours", NULL);
	live_box("id:ours");
	opts.allow_replace = true;
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_REPLACE);
	ck_assert(!plan.actions[0].takeover);
}
END_TEST

START_TEST(made_elsewhere_is_never_pruned)
{
	struct resource *d = resource_new(&box, "b", NULL);
	struct inv_entry *en = inventory_record(&inv, d, INV_CREATED);
	inv_entry_set_attr(en, "identity", "id:ours");
	resource_free(d);
	live_box("id:theirs");
	opts.prune = opts.allow_replace = true;
	build();
	ck_assert_uint_eq(plan.nr, 0);
	ck_assert_uint_eq(plan.nr_notes, 1);
	ck_assert_ptr_nonnull(strstr(plan.notes[0], "made elsewhere"));
}
END_TEST

/* A tag pulled again by hand is the same model changed: planned as usual, only never deleted. */
START_TEST(a_changed_tag_is_planned_but_not_deleted)
{
	struct resource *d = add(&desired, &tag, "t", NULL, NULL);
	struct inv_entry *en = inventory_record(&inv, d, INV_CREATED);
	inv_entry_set_attr(en, "identity", "sha256:old");
	struct resource *o = add(&observed, &tag, "t", NULL, NULL);
	o->identity = strdup("sha256:new");
	build();
	ck_assert_uint_eq(plan.nr, 0); /* in sync */
	plan_release(&plan);
	resource_set_release(&desired);
	memset(&desired, 0, sizeof(desired));
	opts.prune = true;
	build();
	ck_assert_uint_eq(plan.nr, 0);
	ck_assert_ptr_nonnull(strstr(plan.notes[0], "changed elsewhere"));
}
END_TEST

static const char *backend_now(const struct kind *k, void *ctx)
{
	return k == &box ? ctx : NULL;
}

/* Recorded on another instance of the backend: neither deleted nor planned against, and said once. */
START_TEST(another_backend_is_left_alone)
{
	struct resource *d = resource_new(&box, "b", NULL);
	struct inv_entry *en = inventory_record(&inv, d, INV_CREATED);
	inv_entry_set_attr(en, "backend", "/sim/sbx");
	resource_free(d);
	add(&observed, &box, "b", "agent", "claude");
	opts.prune = opts.allow_replace = true;
	opts.backend_of = backend_now;
	opts.backend_ctx = "/usr/bin/sbx";
	build();
	ck_assert_uint_eq(plan.nr, 0);
	ck_assert_uint_eq(plan.nr_notes, 1);
	ck_assert_ptr_nonnull(strstr(plan.notes[0], "recorded on /sim/sbx, not on /usr/bin/sbx"));
	plan_release(&plan);
	opts.backend_ctx = "/sim/sbx"; /* the same instance: ours, so pruned */
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_DELETE);
}
END_TEST

/* Deletions, and replacements of what holds work, are what needs a confirmation. */
START_TEST(destructive_actions_are_counted_and_blocked)
{
	add(&desired, &thing, "keep", "size", "1");
	struct resource *d = resource_new(&thing, "gone", NULL);
	inventory_record(&inv, d, INV_CREATED);
	resource_free(d);
	add(&observed, &thing, "gone", "size", "1");
	struct resource *b = add(&desired, &box, "b", "agent", "claude");
	inventory_record(&inv, b, INV_CREATED);
	add(&observed, &box, "b", "agent", "codex");
	opts.prune = opts.allow_replace = true;
	build();
	ck_assert_uint_eq(plan_count_destructive(&plan, false), 2); /* delete gone, replace b */
	ck_assert_uint_eq(plan_count_destructive(&plan, true), 1);  /* only b holds work */
	ck_assert_uint_eq(plan_block_destructive(&plan, true, "watch"), 1);
	ck_assert_uint_eq(plan_count_destructive(&plan, false), 1);
	ck_assert_uint_eq(plan_block_destructive(&plan, false, "no terminal"), 1);
	ck_assert_uint_eq(plan_count_destructive(&plan, false), 0);
	ck_assert_uint_eq(plan_count_blocked(&plan), 2);
}
END_TEST

/* Two projects declaring one shared resource differently would undo each other: held back, and said. */
START_TEST(shared_settings_are_not_fought_over)
{
	struct strmap others = { 0 };
	strmap_put(&others, "setting/m", "beta\tcontext_size=8192");
	add(&desired, &setting, "m", "context_size", "16384");
	add(&observed, &setting, "m", "context_size", "8192");
	opts.shared_settings = &others;
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_UPDATE);
	ck_assert_ptr_nonnull(plan.actions[0].blocked);
	ck_assert_ptr_nonnull(strstr(plan.actions[0].blocked, "project beta declares setting m with context_size=8192"));
	ck_assert_ptr_nonnull(strstr(plan.actions[0].blocked, "context_size=16384"));
	ck_assert_ptr_nonnull(strstr(plan.actions[0].blocked, "--force-shared"));
	plan_release(&plan);
	opts.force_shared = true;
	build();
	ck_assert_ptr_null(plan.actions[0].blocked);
	plan_release(&plan);
	/* the same settings: nothing to say */
	strmap_put(&others, "setting/m", "beta\tcontext_size=16384");
	opts.force_shared = false;
	build();
	ck_assert_ptr_null(plan.actions[0].blocked);
	ck_assert_uint_eq(plan.nr_notes, 0);
	strmap_release(&others);
}
END_TEST

/* What lives in a declared parent and was dropped from it is removed without --prune (a sandbox's env). */
START_TEST(dropped_from_its_parent_is_removed)
{
	struct resource *b = add(&desired, &box, "b", "agent", "claude");
	inventory_record(&inv, b, INV_ADOPTED);
	add(&observed, &box, "b", "agent", "claude");
	struct resource *env = resource_new(&inside, "b", NULL);
	resource_set_field(env, "A", "1", false);
	inventory_record(&inv, env, INV_CREATED);
	resource_free(env);
	add(&observed, &inside, "b", "A", "1");
	build();
	ck_assert_uint_eq(plan.nr, 1);
	ck_assert_int_eq(plan.actions[0].type, ACTION_DELETE);
	ck_assert_ptr_nonnull(strstr(plan.actions[0].reason, "no longer declared in box b"));
	plan_release(&plan);
	/* the parent gone too: an orphan like any other, kept without --prune */
	resource_set_release(&desired);
	memset(&desired, 0, sizeof(desired));
	build();
	ck_assert_uint_eq(plan.nr, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, missing_resource_is_created);
	tcase_add_test(tc, in_sync_and_recorded_is_nothing);
	tcase_add_test(tc, present_but_unrecorded_is_adopted_not_changed);
	tcase_add_test(tc, file_change_versus_drift);
	tcase_add_test(tc, one_changed_value_is_one_action);
	tcase_add_test(tc, force_new_field_replaces_and_is_blocked_without_flag);
	tcase_add_test(tc, removed_field_is_a_change);
	tcase_add_test(tc, unobservable_field_uses_recorded_digest);
	tcase_add_test(tc, orphans_pruned_only_when_created_here);
	tcase_add_test(tc, orphan_used_by_another_project_is_kept);
	tcase_add_test(tc, box_delete_needs_allow_replace);
	tcase_add_test(tc, dependencies_link_actions);
	tcase_add_test(tc, deletes_wait_for_creates_and_later_kinds);
	tcase_add_test(tc, render_hides_sensitive_values);
	tcase_add_test(tc, render_in_sync);
	tcase_add_test(tc, made_elsewhere_is_never_changed);
	tcase_add_test(tc, adopt_takes_it_over);
	tcase_add_test(tc, same_identity_is_ours);
	tcase_add_test(tc, made_elsewhere_is_never_pruned);
	tcase_add_test(tc, a_changed_tag_is_planned_but_not_deleted);
	tcase_add_test(tc, another_backend_is_left_alone);
	tcase_add_test(tc, destructive_actions_are_counted_and_blocked);
	tcase_add_test(tc, shared_settings_are_not_fought_over);
	tcase_add_test(tc, dropped_from_its_parent_is_removed);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
