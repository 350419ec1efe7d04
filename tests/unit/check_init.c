/*
 * Tests for init --from-host's rendering (cmd/init_render.h) and import's
 * Compose reader (lang/compose_models.h): scalars that read back as written
 * through the real loader, what counts as a secret value, a hand-built
 * observed set rendered into a file that validates and holds no secret, an
 * entry the validator refused written as a comment, and Compose models with
 * their warnings and errors.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "cmd/init_render.h"
#include "kinds/kinds_dmr.h"
#include "kinds/kinds_sbx.h"
#include "lang/compose_models.h"
#include "lang/config.h"
#include "util/xalloc.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int parse(struct config *cfg, const char *text, struct diag_list *diags)
{
	return config_parse(cfg, "t.yaml", "/tmp", text, strlen(text), NULL, diags);
}

static const char *const scalars[] = {
	"plain",
	"yes",
	"No",
	"012",
	"1e3",
	"",
	"it's $HOME",
	"$$",
	"${X}",
	"a: b",
	"#hash",
	"-dash",
	"\"quoted\"",
	"back\\slash",
	"tab\there",
	"ümlaut",
	"a,b",
	"[x]",
	"{y}",
	".",
	"./rel",
	"http://h:1/p?q=1&r",
	"~",
	"null",
};

START_TEST(scalar_reads_back)
{
	const char *want = scalars[_i];
	struct strbuf text = STRBUF_INIT;
	strbuf_addstr(&text, "version: 1\nproject: t\nenv:\n  K: ");
	init_yaml_scalar(&text, want, true);
	strbuf_addch(&text, '\n');
	struct config cfg;
	struct diag_list diags = DIAG_LIST_INIT;
	int rc = parse(&cfg, text.buf, &diags);
	ck_assert_msg(rc == 0 && diags.errors == 0, "%s did not load", text.buf);
	ck_assert_uint_eq(cfg.nr_env, 1);
	ck_assert_str_eq(cfg.env[0].value.text, want);
	config_release(&cfg);
	diag_list_release(&diags);
	strbuf_release(&text);
}
END_TEST

static const struct {
	const char *value;
	bool secret;
} shapes[] = {
	{ "ghp_abcdefghijklmnop0123", true },
	{ "sk-live-abc", true },
	{ "github_pat_11AAAA", true },
	{ "postgres://user:pw@db/app", true },
	{ "aZ3kP9qL2mX8vB7nC6dF5gH4", true },
	{ "http://host.docker.internal:12434", false },
	{ "https://user@example.com/x", false },
	{ "ai/devstral-small-2", false },
	{ "/usr/local/share/some/long/path/name", false },
	{ "a sentence that is long enough to count", false },
	{ "12345678901234567890123", false },
	{ "production", false },
};

START_TEST(secret_shapes)
{
	ck_assert_msg(init_value_looks_secret(shapes[_i].value) == shapes[_i].secret, "%s", shapes[_i].value);
}
END_TEST

START_TEST(flags_as_yaml)
{
	struct strbuf sb = STRBUF_INIT;
	ck_assert(init_flags_yaml(&sb, "[\"--temp\",\"0.7\",\"--x=$y\"]"));
	ck_assert_str_eq(sb.buf, "[\"--temp\", \"0.7\", \"--x=$$y\"]");
	strbuf_reset(&sb);
	ck_assert(!init_flags_yaml(&sb, "{\"a\":1}"));
	strbuf_reset(&sb);
	ck_assert(!init_flags_yaml(&sb, "[1]"));
	strbuf_release(&sb);
}
END_TEST

/* ---- a whole rendering from a hand-built observation ---- */

static const char token[] = "ghp_renderedtoken0123456789";
static char dir[4096];
static struct resource_set observed;
static struct sbx_sandbox boxes[2];

static struct resource *add(const struct kind *k, const char *name, const char *id)
{
	struct resource *r = resource_new(k, name, NULL);
	if (id)
		r->observed_id = xstrdup(id);
	resource_set_add(&observed, r);
	return r;
}

static void world_setup(void)
{
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(dir, sizeof(dir), "%s/check_init.XXXXXX", tmp);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *ws = xasprintf("%s/ws", dir);
	ck_assert_int_eq(mkdir(ws, 0700), 0);
	free(ws);
	memset(&observed, 0, sizeof(observed));
	add(&kind_model, "ai/smollm2:latest", "sha256:f07b04c0ce95ce9db15aa26a4ac54e9cafc6c369feb5e7ff2efa527c48a1d4ed");
	add(&kind_model, "ai/smollm2:8k", "sha256:9a1c");
	add(&kind_model, "ai/orphan:32k", "sha256:77");
	resource_set_field(add(&kind_package, "ai/smollm2:latest", NULL), "context_size", NULL, false);
	resource_set_field(add(&kind_package, "ai/smollm2:8k", NULL), "context_size", "8192", false);
	resource_set_field(add(&kind_package, "ai/orphan:32k", NULL), "context_size", "32768", false);
	struct resource *rt = add(&kind_runtime, "ai/smollm2:latest", NULL);
	resource_set_field(rt, "context_size", "4096", false);
	resource_set_field(rt, "runtime_flags", "[\"--temp\",\"0.1\"]", false);
	add(&kind_policy_init, "network", NULL);
	add(&kind_policy_rule, "allow:localhost:12434", NULL)->identity = xstrdup("id:r1");
	add(&kind_policy_rule, "box/allow:api.example.com", NULL);
	add(&kind_sandbox, "box", NULL);
	add(&kind_sandbox, "gone", NULL);
	struct resource *env = add(&kind_env, "box", NULL);
	resource_set_field(env, "BASE", "http://host.docker.internal:12434", true);
	resource_set_field(env, "GH_TOKEN", token, true);
	struct resource *secret = add(&kind_secret, "github", NULL);
	free(secret->display);
	secret->display = xstrdup("github (global)");

	memset(boxes, 0, sizeof(boxes));
	boxes[0].name = "box";
	boxes[0].agent = "claude";
	boxes[0].status = "running";
	boxes[0].workspaces = xcalloc(2, sizeof(char *));
	boxes[0].workspaces[0] = xasprintf("%s/ws", dir);
	boxes[0].workspaces[1] = xstrdup("/tmp:ro");
	boxes[0].nr_workspaces = 2;
	boxes[1].name = "gone";
	boxes[1].agent = "shell";
	boxes[1].workspaces = xcalloc(1, sizeof(char *));
	boxes[1].workspaces[0] = xasprintf("%s/deleted", dir);
	boxes[1].nr_workspaces = 1;
}

static void world_teardown(void)
{
	resource_set_release(&observed);
	for (size_t b = 0; b < N_ELEMS(boxes); b++) {
		for (size_t i = 0; i < boxes[b].nr_workspaces; i++)
			free(boxes[b].workspaces[i]);
		free(boxes[b].workspaces);
	}
	char *ws = xasprintf("%s/ws", dir);
	rmdir(ws);
	free(ws);
	rmdir(dir);
}

static void render(struct strbuf *text, struct init_summary *sum, const struct strmap *left_out, struct init_spans *spans)
{
	struct init_host h = {
		.observed = &observed,
		.sandboxes = boxes,
		.nr_sandboxes = N_ELEMS(boxes),
		.project = "t",
		.project_dir = dir,
		.generated_at = "today",
		.left_out = left_out,
	};
	init_render(text, &h, sum, spans);
}

START_TEST(render_validates_without_secrets)
{
	struct strbuf text = STRBUF_INIT;
	struct init_summary sum;
	render(&text, &sum, NULL, NULL);
	ck_assert_ptr_null(strstr(text.buf, token));
	ck_assert_ptr_nonnull(strstr(text.buf, "GH_TOKEN: {value: \"${GH_TOKEN}\", sensitive: true}"));
	ck_assert_ptr_nonnull(strstr(text.buf, "BASE: http://host.docker.internal:12434\n"));
	ck_assert_ptr_nonnull(strstr(text.buf, "  ai/smollm2:8k:"));
	ck_assert_ptr_nonnull(strstr(text.buf, "    from: ai/smollm2\n"));
	ck_assert_ptr_nonnull(strstr(text.buf, "runtime_flags: [\"--temp\", \"0.1\"]"));
	ck_assert_ptr_nonnull(strstr(text.buf, "workspace: ws\n"));
	ck_assert_ptr_nonnull(strstr(text.buf, "trusted_paths:\n  - /tmp\n"));
	ck_assert_ptr_nonnull(strstr(text.buf, "# left out: sandbox gone"));
	ck_assert_ptr_nonnull(strstr(text.buf, "#   github (global)"));
	ck_assert_uint_eq(sum.models, 2); /* smollm2, and orphan:32k, whose base is not there */
	ck_assert_uint_eq(sum.packages, 1);
	ck_assert_uint_eq(sum.rules, 2);
	ck_assert_uint_eq(sum.sandboxes, 1);
	ck_assert_uint_eq(sum.secret_refs, 1);
	ck_assert_uint_eq(sum.left_out, 1);

	setenv("GH_TOKEN", token, 1);
	struct config cfg;
	struct diag_list diags = DIAG_LIST_INIT;
	ck_assert_msg(config_parse(&cfg, "t.yaml", dir, text.buf, text.len, NULL, &diags) == 0, "%s", text.buf);
	ck_assert_uint_eq(cfg.nr_models, 2);
	ck_assert_uint_eq(cfg.nr_packages, 1);
	ck_assert_int_eq(cfg.packages[0].context_size, 8192);
	ck_assert_uint_eq(cfg.nr_sandboxes, 1);
	ck_assert_uint_eq(cfg.sandboxes[0].mounts.nr, 1);
	ck_assert_str_eq(cfg.sandboxes[0].mounts.items[0], "/tmp:ro");
	ck_assert_uint_eq(cfg.sandboxes[0].policy.allow.nr, 1);
	config_release(&cfg);
	diag_list_release(&diags);
	strbuf_release(&text);
}
END_TEST

START_TEST(refused_entry_is_a_comment)
{
	struct strmap left_out = STRMAP_INIT;
	strmap_put(&left_out, "sandbox/box", "an agent it does not know");
	struct strbuf text = STRBUF_INIT;
	struct init_summary sum;
	struct init_spans spans = { 0 };
	render(&text, &sum, &left_out, &spans);
	ck_assert_ptr_nonnull(strstr(text.buf, "# left out: sandbox box, which validation refuses: an agent it does not know"));
	ck_assert_ptr_null(strstr(text.buf, "  box:"));
	ck_assert_ptr_null(strstr(text.buf, "trusted_paths")); /* its mount went with it */
	ck_assert_uint_eq(sum.sandboxes, 0);
	/* every span points at its own entry */
	const char *at = strstr(text.buf, "  ai/smollm2:8k:");
	const struct init_span *span = init_spans_at(&spans, (size_t)(at - text.buf) + 4);
	ck_assert_ptr_nonnull(span);
	ck_assert_str_eq(span->id, "package/ai/smollm2:8k");
	init_spans_release(&spans);
	strmap_release(&left_out);
	strbuf_release(&text);
}
END_TEST

/* ---- Compose ---- */

static const char compose[] = "services:\n"
			      "  app: {image: app}\n"
			      "models:\n"
			      "  llm:\n"
			      "    model: ai/smollm2\n"
			      "    context_size: 4096\n"
			      "    runtime_flags: [\"--temp\", \"0.1\"]\n"
			      "    x-cloud: yes\n"
			      "    contextsize: 1\n"
			      "  again:\n"
			      "    model: docker.io/ai/smollm2:latest\n"
			      "    context_size: 4096\n"
			      "    runtime_flags: [\"--temp\", \"0.1\"]\n"
			      "  x-ignored: {}\n";

START_TEST(compose_models_read)
{
	struct compose_models m;
	struct diag_list diags = DIAG_LIST_INIT;
	ck_assert_int_eq(compose_models_load(&m, "c.yaml", compose, strlen(compose), &diags), 0);
	ck_assert_uint_eq(m.nr, 1);
	ck_assert_str_eq(m.items[0].canonical, "ai/smollm2:latest");
	ck_assert_str_eq(m.items[0].context_size, "4096");
	ck_assert_uint_eq(m.items[0].nr_flags, 2);
	ck_assert_str_eq(m.items[0].also, "again");
	ck_assert_uint_eq(diags.warnings, 1);
	ck_assert_int_eq(diags.items[0].line, 9);
	ck_assert_int_eq(diags.items[0].col, 5);
	ck_assert_ptr_nonnull(strstr(diags.items[0].message, "did you mean 'context_size'"));
	compose_models_release(&m);
	diag_list_release(&diags);
}
END_TEST

static const struct {
	const char *text;
	int line, col;
	const char *message;
} compose_errors[] = {
	{ "services: {}\n", 1, 1, "no top-level 'models:' element" },
	{ "models: [a]\n", 1, 9, "'models' must be a mapping" },
	{ "models:\n  a: ai/x\n", 2, 6, "must be a mapping" },
	{ "models:\n  a:\n    context_size: 1\n", 2, 3, "has no 'model:'" },
	{ "models:\n  a:\n    model: ai/x\n    context_size: \"12\"\n", 4, 19, "whole number" },
	{ "models:\n  a:\n    model: ai/x\n    runtime_flags: -x\n", 4, 20, "list of strings" },
	{ "models:\n  a:\n    model: ai/x\n  b:\n    model: x\n    context_size: 9\n", 4, 3, "make them agree" },
	{ "models:\n  a:\n    model: ${M}\n", 3, 12, "interpolated" },
};

START_TEST(compose_models_errors)
{
	struct compose_models m;
	struct diag_list diags = DIAG_LIST_INIT;
	const char *text = compose_errors[_i].text;
	ck_assert_int_eq(compose_models_load(&m, "c.yaml", text, strlen(text), &diags), -1);
	ck_assert_uint_ge(diags.errors, 1);
	ck_assert_int_eq(diags.items[0].line, compose_errors[_i].line);
	ck_assert_int_eq(diags.items[0].col, compose_errors[_i].col);
	ck_assert_msg(strstr(diags.items[0].message, compose_errors[_i].message), "%s", diags.items[0].message);
	compose_models_release(&m);
	diag_list_release(&diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("init");
	TCase *tc = tcase_create("yaml");
	tcase_add_loop_test(tc, scalar_reads_back, 0, (int)N_ELEMS(scalars));
	tcase_add_loop_test(tc, secret_shapes, 0, (int)N_ELEMS(shapes));
	tcase_add_test(tc, flags_as_yaml);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_checked_fixture(tc, world_setup, world_teardown);
	tcase_add_test(tc, render_validates_without_secrets);
	tcase_add_test(tc, refused_entry_is_a_comment);
	suite_add_tcase(s, tc);

	tc = tcase_create("compose");
	tcase_add_test(tc, compose_models_read);
	tcase_add_loop_test(tc, compose_models_errors, 0, (int)N_ELEMS(compose_errors));
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
