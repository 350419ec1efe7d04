/*
 * The plan and diagnostics for CI: GitHub workflow annotations (their
 * escaping, as actions/toolkit's command.ts escapes) and the Markdown plan
 * for a pull-request comment. Plans are built by hand with a fake kind.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "lang/compose_hint.h"
#include "plan/plan.h"
#include "plan/plan_render_ci.h"
#include "util/gha.h"

static const struct kind thing = { .name = "thing", .noun = "thing", .updatable = true };
static const struct kind *const test_kinds[] = { &thing, NULL };

static struct resource_set desired, observed;
static struct inventory inv;
static struct plan plan;

static void setup(void)
{
	memset(&desired, 0, sizeof(desired));
	memset(&observed, 0, sizeof(observed));
	inventory_init(&inv, "test");
	memset(&plan, 0, sizeof(plan));
}

static void teardown(void)
{
	plan_release(&plan);
	resource_set_release(&desired);
	resource_set_release(&observed);
	inventory_release(&inv);
}

static void build(void)
{
	struct plan_options opts = { .kinds = test_kinds };
	plan_build(&plan, &desired, &observed, &inv, &opts);
}

/* A desired thing declared at `line`, with a secret and a plain field. */
static struct resource *declare(const char *name, int line)
{
	struct resource *r = resource_new(&thing, name, NULL);
	resource_set_field(r, "token", "hunter2", true);
	resource_set_field(r, "url", "http://x", false);
	r->line = line;
	resource_set_add(&desired, r);
	return r;
}

START_TEST(escaping_follows_the_toolkit)
{
	struct strbuf sb = STRBUF_INIT;
	gha_escape_data(&sb, "50% done: a, b\r\nnext");
	ck_assert_str_eq(sb.buf, "50%25 done: a, b%0D%0Anext");
	strbuf_reset(&sb);
	gha_escape_property(&sb, "dir:x,y%\n");
	ck_assert_str_eq(sb.buf, "dir%3Ax%2Cy%25%0A");
	strbuf_release(&sb);
}
END_TEST

START_TEST(annotation_line_and_optional_properties)
{
	struct strbuf sb = STRBUF_INIT;
	gha_annotation(&sb, "error", "a,b/sandbox.yaml", 3, 7, "sbxapply: invalid", "line one\nline: two");
	ck_assert_str_eq(sb.buf, "::error file=a%2Cb/sandbox.yaml,line=3,col=7,title=sbxapply%3A invalid::line one%0Aline: two\n");
	strbuf_reset(&sb);
	gha_annotation(&sb, "notice", NULL, 0, 5, NULL, "m");
	ck_assert_str_eq(sb.buf, "::notice::m\n"); /* a column without a line means nothing */
	strbuf_reset(&sb);
	gha_annotation(&sb, "warning", "f", 0, 0, "t", "m");
	ck_assert_str_eq(sb.buf, "::warning file=f,title=t::m\n");
	strbuf_release(&sb);
}
END_TEST

START_TEST(github_annotates_each_change_at_its_line)
{
	declare("one", 4);
	declare("two", 9);
	struct resource *r = resource_new(&thing, "old", NULL);
	resource_set_add(&observed, r);
	inventory_record(&inv, r, INV_CREATED);
	struct plan_options opts = { .kinds = test_kinds, .prune = true };
	plan_build(&plan, &desired, &observed, &inv, &opts);
	struct strbuf out = STRBUF_INIT;
	plan_render_github(&plan, "dir/sandbox.yaml", &out);
	ck_assert_ptr_null(strstr(out.buf, "hunter2"));
	ck_assert_ptr_nonnull(strstr(out.buf, "::notice file=dir/sandbox.yaml,line=4,title=sbxapply%3A create thing one::"
					      "token: (sensitive)%0Aurl: \"http://x\"%0A"));
	ck_assert_ptr_nonnull(strstr(out.buf, "::notice file=dir/sandbox.yaml,line=9,title=sbxapply%3A create thing two::"));
	/* declared nowhere any more: the file, without a line */
	ck_assert_ptr_nonnull(strstr(out.buf, "::notice file=dir/sandbox.yaml,title=sbxapply%3A delete thing old::"));
	/* one annotation per action, each one line */
	size_t lines = 0;
	for (const char *p = out.buf; *p; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, 3);
	strbuf_release(&out);
}
END_TEST

START_TEST(github_blocked_is_a_warning)
{
	declare("one", 2);
	build();
	plan.actions[0].blocked = strdup("needs --yes");
	struct strbuf out = STRBUF_INIT;
	plan_render_github(&plan, "s.yaml", &out);
	ck_assert_ptr_nonnull(strstr(out.buf, "::warning file=s.yaml,line=2,"));
	ck_assert_ptr_nonnull(strstr(out.buf, "%0Ablocked: needs --yes"));
	strbuf_release(&out);
}
END_TEST

START_TEST(markdown_summary_details_and_masked_secrets)
{
	declare("one", 4);
	build();
	struct strbuf out = STRBUF_INIT;
	struct render_options ro = { .project = "demo", .show_secrets = true }; /* masked all the same */
	plan_render_markdown(&plan, &ro, &out);
	ck_assert_ptr_null(strstr(out.buf, "hunter2"));
	ck_assert_ptr_nonnull(strstr(out.buf, "<!-- sbxapply-plan project=demo -->\n"));
	ck_assert_ptr_nonnull(strstr(out.buf, "**Plan: 1 to create, 0 to update, 0 to replace, 0 to delete.**"));
	ck_assert_ptr_nonnull(strstr(out.buf, "<details><summary>1 action</summary>\n\n```diff\n+ create thing one\n"));
	ck_assert_ptr_nonnull(strstr(out.buf, "      token: (sensitive)\n"));
	ck_assert_ptr_nonnull(strstr(out.buf, "```\n\n</details>\n"));
	strbuf_release(&out);
}
END_TEST

START_TEST(markdown_fence_outlasts_backticks_in_values)
{
	struct resource *r = declare("one", 1);
	resource_set_field(r, "cmd", "echo ````x", false);
	build();
	struct strbuf out = STRBUF_INIT;
	struct render_options ro = { .project = "demo" };
	plan_render_markdown(&plan, &ro, &out);
	ck_assert_ptr_nonnull(strstr(out.buf, "\n`````diff\n"));
	ck_assert_ptr_nonnull(strstr(out.buf, "\n`````\n\n</details>"));
	strbuf_release(&out);
}
END_TEST

START_TEST(markdown_in_sync_has_no_details)
{
	struct resource *d = declare("a", 1);
	inventory_record(&inv, d, INV_CREATED);
	struct resource *o = resource_new(&thing, "a", NULL);
	resource_set_field(o, "url", "http://x", false);
	resource_set_add(&observed, o);
	build();
	struct strbuf out = STRBUF_INIT;
	struct render_options ro = { .project = "demo" };
	plan_render_markdown(&plan, &ro, &out);
	ck_assert_ptr_nonnull(strstr(out.buf, "**No changes.** 1 resource in sync.\n"));
	ck_assert_ptr_null(strstr(out.buf, "<details>"));
	strbuf_release(&out);
}
END_TEST

START_TEST(compose_environment_as_env_map)
{
	struct ydoc doc;
	struct diag_list diags = DIAG_LIST_INIT;
	const char *text = "- A=1\n- URL=http://h:1\n- GITHUB_TOKEN=ghp_x\n- BARE\n- E=a, b\n";
	ck_assert_int_eq(ydoc_load(&doc, "t", text, strlen(text), &diags), 0);
	struct strbuf out = STRBUF_INIT;
	compose_env_as_map(doc.root, &out);
	/* a secret's value and a bare name's are never shown: ${NAME}; four at most */
	ck_assert_str_eq(out.buf, "env: {A: 1, URL: http://h:1, GITHUB_TOKEN: ${GITHUB_TOKEN}, BARE: ${BARE}, ...}");
	strbuf_release(&out);
	ydoc_release(&doc);
	diag_list_release(&diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan_render_ci");
	TCase *tc = tcase_create("ci");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, escaping_follows_the_toolkit);
	tcase_add_test(tc, annotation_line_and_optional_properties);
	tcase_add_test(tc, github_annotates_each_change_at_its_line);
	tcase_add_test(tc, github_blocked_is_a_warning);
	tcase_add_test(tc, markdown_summary_details_and_masked_secrets);
	tcase_add_test(tc, markdown_fence_outlasts_backticks_in_values);
	tcase_add_test(tc, markdown_in_sync_has_no_details);
	tcase_add_test(tc, compose_environment_as_env_map);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
