/*
 * sandbox.yaml validation end to end through config_parse(): each case is a
 * document and the exact diagnostics it must produce, or the config it must
 * yield. Variables come from a fixed table, never from the test's environment.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "validate_test_helpers.h"
#include "lang/config.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static char workdir[64];

static const char *test_env(void *ctx, const char *name)
{
	static const char *const vars[][2] = {
		{ "CTX", "8192" },
		{ "EMPTY", "" },
		{ "GITHUB_TOKEN", "ghp_secret" },
		{ "HOST", "localhost" },
		{ "WORD", "big" },
	};
	(void)ctx;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (!strcmp(vars[i][0], name))
			return vars[i][1];
	return NULL;
}

/* Parses text; returns the diagnostics as "line:col: [warning: ]message" lines. */
static int parse(const char *text, struct config *cfg, struct strbuf *out)
{
	return parse_as_lines(workdir, text, strlen(text), test_env, cfg, out);
}

/* A valid document whose only diagnostics are warnings. */
static void expect_diags(const char *text, const char *expected)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	int rc = parse(text, &cfg, &out);
	ck_assert_str_eq(out.buf, expected);
	ck_assert_int_eq(rc, 0); /* warnings never make a file invalid */
	strbuf_release(&out);
	config_release(&cfg);
}

static void expect_invalid(const char *text, const char *expected)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse(text, &cfg, &out), -1);
	ck_assert_str_eq(out.buf, expected);
	strbuf_release(&out);
	config_release(&cfg);
}

static void setup(void)
{
	strcpy(workdir, "/tmp/check_validate.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(workdir));
	char *p = xasprintf("%s/docs", workdir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/.hidden", workdir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
}

static void teardown(void)
{
	char *cmd[] = { "rm", "-rf", workdir, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
}

#define GUIDE \
	"version: 1\n" \
	"models:\n" \
	"  ai/devstral-small-2:\n" \
	"  ai/gpt-oss:\n" \
	"packages:\n" \
	"  gpt-oss:32k:\n" \
	"    from: ai/gpt-oss\n" \
	"    context_size: 32000\n" \
	"policy:\n" \
	"  allow: [localhost:12434]\n" \
	"env:\n" \
	"  ANTHROPIC_BASE_URL: http://host.docker.internal:12434\n" \
	"sandboxes:\n" \
	"  claude-dmr:\n" \
	"    agent: claude\n" \
	"    model: gpt-oss:32k\n" \
	"    env:\n" \
	"      GITHUB_TOKEN: ${GITHUB_TOKEN}\n" \
	"      PLAIN: ${HOST}\n"

START_TEST(guide_builds_the_desired_state)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse(GUIDE, &cfg, &out), 0);
	/* the sandbox runs the package; the other model it declares is pulled for nothing */
	ck_assert_str_eq(out.buf, "3:3: warning: model 'ai/devstral-small-2' is declared but no sandbox uses it: set model: "
				  "ai/devstral-small-2 on a sandbox (sbxapply run starts its agent with it), make a package "
				  "from it, or remove the model\n");
	ck_assert_uint_eq(cfg.nr_models, 2);
	ck_assert_str_eq(cfg.models[1].canonical, "ai/gpt-oss:latest");
	ck_assert_uint_eq(cfg.nr_packages, 1);
	ck_assert_str_eq(cfg.packages[0].canonical, "ai/gpt-oss:32k");
	ck_assert_str_eq(cfg.packages[0].from_canonical, "ai/gpt-oss:latest");
	ck_assert_int_eq(cfg.packages[0].context_size, 32000);
	ck_assert_uint_eq(cfg.policy.allow.nr, 1);
	ck_assert_str_eq(cfg.policy.allow.items[0], "localhost:12434");
	ck_assert_uint_eq(cfg.nr_sandboxes, 1);
	const struct cfg_sandbox *sb = &cfg.sandboxes[0];
	ck_assert_str_eq(sb->name, "claude-dmr");
	ck_assert_str_eq(sb->workspace, workdir);
	ck_assert_str_eq(sb->model_canonical, "ai/gpt-oss:32k");
	/* global env merged in, sorted by key, sensitivity carried */
	ck_assert_uint_eq(sb->nr_env, 3);
	ck_assert_str_eq(sb->env[0].key, "ANTHROPIC_BASE_URL");
	ck_assert(sb->env[0].from_global);
	ck_assert(!sb->env[0].value.sensitive);
	ck_assert_str_eq(sb->env[1].key, "GITHUB_TOKEN");
	ck_assert_str_eq(sb->env[1].value.text, "ghp_secret");
	ck_assert(sb->env[1].value.sensitive);
	ck_assert_str_eq(sb->env[2].key, "PLAIN");
	ck_assert_str_eq(sb->env[2].value.text, "localhost");
	ck_assert(!sb->env[2].value.sensitive);
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

START_TEST(project_name_from_directory_is_normalised)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\n", &cfg, &out), 0);
	/* "check_validate.XXXXXX": lowercased, '.' dropped, '_' kept */
	const char *base = strrchr(workdir, '/') + 1;
	struct strbuf want = STRBUF_INIT;
	for (const char *p = base; *p; p++)
		if (*p != '.')
			strbuf_addch(&want, (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
	ck_assert_str_eq(cfg.project, want.buf);
	strbuf_release(&want);
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

START_TEST(sensitivity_rules)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\n"
			       "env:\n"
			       "  API_KEY: a\n"
			       "  DB_PASSWORD_FILE: b\n"
			       "  MY_SECRET: c\n"
			       "  FROM_SECRET_VAR: ${GITHUB_TOKEN}\n"
			       "  PUBLIC_KEY: {value: d, sensitive: false}\n"
			       "  SHOWN: e\n"
			       "  HIDDEN: {value: f, sensitive: true}\n"
			       "secrets:\n"
			       "  github: plain-looking\n",
			       &cfg, &out),
			 0);
	ck_assert_str_eq(out.buf, "");
	const char *names[] = { "API_KEY", "DB_PASSWORD_FILE", "MY_SECRET", "FROM_SECRET_VAR", "PUBLIC_KEY", "SHOWN", "HIDDEN" };
	const bool sensitive[] = { true, true, true, true, false, false, true };
	ck_assert_uint_eq(cfg.nr_env, 7);
	for (size_t i = 0; i < 7; i++) {
		ck_assert_str_eq(cfg.env[i].key, names[i]);
		ck_assert_msg(cfg.env[i].value.sensitive == sensitive[i], "%s", names[i]);
	}
	ck_assert_uint_eq(cfg.nr_secrets, 1);
	ck_assert(cfg.secrets[0].value.sensitive);
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

START_TEST(sandbox_env_wins_over_global)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\nenv: {A: global, B: kept}\n"
			       "sandboxes:\n  box:\n    agent: shell\n    env: {A: own}\n",
			       &cfg, &out),
			 0);
	ck_assert_uint_eq(cfg.sandboxes[0].nr_env, 2);
	ck_assert_str_eq(cfg.sandboxes[0].env[0].value.text, "own");
	ck_assert(!cfg.sandboxes[0].env[0].from_global);
	ck_assert_str_eq(cfg.sandboxes[0].env[1].value.text, "kept");
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

START_TEST(merge_keys_and_extension_keys)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\n"
			       "x-base: &base {agent: claude, cpus: 2, memory: 4g}\n"
			       "x-anything: {not: validated}\n"
			       "sandboxes:\n"
			       "  one:\n    <<: *base\n    cpus: 8\n"
			       "  two:\n    <<: *base\n",
			       &cfg, &out),
			 0);
	ck_assert_str_eq(out.buf, "");
	ck_assert_uint_eq(cfg.nr_sandboxes, 2);
	ck_assert_int_eq(cfg.sandboxes[0].cpus, 8);
	ck_assert_int_eq(cfg.sandboxes[1].cpus, 2);
	ck_assert_str_eq(cfg.sandboxes[1].agent, "claude");
	ck_assert_str_eq(cfg.sandboxes[1].memory, "4g");
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

START_TEST(interpolated_integer_and_literal_dollar)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\nmodels:\n  ai/smollm2:\n    context_size: ${CTX}\n"
			       "env:\n  PRICE: \"$$5\"\n",
			       &cfg, &out),
			 0);
	ck_assert_int_eq(cfg.models[0].context_size, 8192);
	ck_assert_str_eq(cfg.env[0].value.text, "$5");
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

/* Each case: a document and the exact diagnostics, "line:col: message". */
static const struct {
	const char *text;
	const char *diags;
} invalid_cases[] = {
	{ "models: {}\n", "1:1: the top level is missing the required key 'version'\n" },
	{ "version: 2\n", "1:10: 'version' must be 1, not 2\n" },
	{ "version: 1\nmodles: {}\n", "2:1: unknown key 'modles' in the top level; did you mean 'models'?\n" },
	{ "version: 1\nmodels:\n  ai/x:\n    context_size: \"big\"\n",
	  "4:19: 'context_size' must be a context size in tokens, not the string 'big'\n" },
	{ "version: 1\nmodels:\n  ai/x:\n    context_size: \"4096\"\n",
	  "4:19: 'context_size' must be a context size in tokens, not the string '4096' (remove the quotes)\n" },
	{ "version: 1\nmodels:\n  ai/x:\n    context_size: 012\n",
	  "4:19: '012' is ambiguous: YAML 1.1 reads a leading 0 as octal; write 12\n" },
	{ "version: 1\nmodels:\n  ai/x:\n    context_size: yes\n",
	  "4:19: 'context_size' must be a context size in tokens, not the boolean 'yes'\n" },
	{ "version: 1\nmodels:\n  ai/x:\n    context_size: 0x10\n",
	  "4:19: 'context_size' must be a whole decimal number, not '0x10'\n" },
	{ "version: 1\nmodels:\n  ai/x:\n    context_size: ${WORD}\n",
	  "4:19: 'context_size' must be a context size in tokens; the interpolated value 'big' is not a whole number\n" },
	{ "version: 1\nmodels:\n  ai/x:\n    context_size: 0\n",
	  "4:19: 'context_size' must be between 1 and 2147483647, not 0\n" },
	{ "version: 1\nmodels:\n  ai/x:\n  ai/x:\n", "4:3: duplicate key 'ai/x' (first defined at line 3)\n" },
	{ "version: 1\nmodels:\n  gpt-oss:\n  docker.io/ai/gpt-oss:latest:\n",
	  "4:3: 'docker.io/ai/gpt-oss:latest' names the same model as 'gpt-oss' (line 3)\n" },
	{ "version: 1\nmodels:\n  ai/x y:\n",
	  "3:3: 'ai/x y' is not a model reference: each part of a model name holds letters and digits, joined by single '.' or '_', '__' or dashes\n" },
	{ "version: 1\nmodels:\n  ai/gpt-oss:\npackages:\n  gpt-oss:32k:\n    from: gpt-os\n    context_size: 32000\n",
	  "6:11: package 'gpt-oss:32k' is made from 'gpt-os', which is not declared under models; did you mean 'ai/gpt-oss'?\n" },
	{ "version: 1\nmodels:\n  ai/gpt-oss:\npackages:\n  gpt-oss:32k:\n    from: ai/gpt-oss\n",
	  "5:3: 'gpt-oss:32k' is missing the required key 'context_size'\n" },
	{ "version: 1\nsandboxes:\n  box:\n    agent: claude\n    model: ai/nothing\n",
	  "5:12: model 'ai/nothing' is not declared under models or packages\n" },
	{ "version: 1\nsandboxes:\n  b:\n    agent: claude\n",
	  "3:3: 'b' is not a sandbox name: use at least two characters: a letter or digit, then letters, digits, '-' and '.'\n" },
	{ "version: 1\nsandboxes:\n  -box:\n    agent: claude\n",
	  "3:3: '-box' is not a sandbox name: it begins with '-', which sbx would read as an option\n" },
	{ "version: 1\nsandboxes:\n  my_box:\n    agent: claude\n",
	  "3:3: 'my_box' is not a sandbox name: use at least two characters: a letter or digit, then letters, digits, '-' and '.'\n" },
	{ "version: 1\nsandboxes:\n  default:\n    agent: claude\n",
	  "3:3: 'default' is not a sandbox name: 'default' is reserved by sbx\n" },
	{ "version: 1\nsandboxes:\n  box:\n    agent: claud\n", "4:12: unknown agent 'claud'; did you mean 'claude'?\n" },
	{ "version: 1\nsandboxes:\n  box:\n    agent: claude\n    workspace: missing\n",
	  NULL /* message holds the absolute path: checked separately */ },
	{ "version: 1\nenv:\n  1BAD: x\n",
	  "3:3: '1BAD' is not an environment variable name: use letters, digits and '_', not starting with a digit\n" },
	{ "version: 1\nenv:\n  BAD-NAME: x\n",
	  "3:3: 'BAD-NAME' is not an environment variable name: use letters, digits and '_', not starting with a digit\n" },
	{ "version: 1\nenv:\n  A: \"one\\ntwo\"\n", "3:6: 'A' must be a single line: it contains a line break\n" },
	{ "version: 1\nenv:\n  A: \"cr\\rhere\"\n", "3:6: 'A' must be a single line: it contains a line break\n" },
	{ "version: 1\nenv:\n  A: \"nul\\0here\"\n", "3:6: 'A' must not contain a NUL byte\n" },
	{ "version: 1\nenv:\n  A: |\n    two\n    lines\n", "3:6: 'A' must be a single line: it contains a line break\n" },
	{ "version: 1\nenv:\n  A:\n", "3:3: 'A' must be an environment value, not empty (write \"\" for an empty value)\n" },
	{ "version: 1\nenv:\n  A: on\n", "3:6: 'on' is read as a boolean by YAML 1.1 tools; quote it: \"on\"\n" },
	{ "version: 1\nenv:\n  A: {sensitive: true}\n", "3:3: 'A' is missing the required key 'value'\n" },
	{ "version: 1\nenv:\n  A: {value: x, sensitive: yes}\n",
	  "3:28: 'yes' is read as a boolean only by YAML 1.1 tools; write true or false\n" },
	{ "version: 1\nenv:\n  A: ${UNSET:?please set UNSET}\n", "3:6: UNSET: please set UNSET\n" },
	{ "version: 1\nenv:\n  A: ${EMPTY:?}\n", "3:6: required variable EMPTY is empty\n" },
	{ "version: 1\nenv:\n  A: x-$5\n",
	  "3:8: invalid interpolation: '$' must be followed by a name, '{' or '$' (write $$ for a literal $)\n" },
	{ "version: 1\nenv:\n  A: ${OPEN\n", "3:6: unterminated '${': add the closing '}' (write $$ for a literal $)\n" },
	{ "version: 1\npolicy:\n  init: balancd\n", "3:9: unknown policy preset 'balancd'; did you mean 'balanced'?\n" },
	{ "version: 1\npolicy:\n  init: strict\n", "3:9: 'init' must be one of allow-all, balanced, deny-all, not 'strict'\n" },
	{ "version: 1\npolicy:\n  allow: [http://localhost:12434]\n",
	  "3:11: 'http://localhost:12434' is not a network rule: a rule names a host (as in localhost:12434), not a URL\n" },
	{ "version: 1\npolicy:\n  allow: [\"localhost:0\"]\n",
	  "3:11: 'localhost:0' is not a network rule: a port is a number from 1 to 65535\n" },
	{ "version: 1\npolicy:\n  allow: [\"a.*.com\"]\n",
	  "3:11: 'a.*.com' is not a network rule: a wildcard goes only at the start, as *.example.com or **.example.com\n" },
	{ "version: 1\npolicy:\n  deny: [10.0.0.0/40]\n",
	  "3:10: '10.0.0.0/40' is not a network rule: an IPv4 prefix length is 0 to 32\n" },
	{ "version: 1\npolicy:\n  allow: [\"a.com, b.com\"]\n",
	  "3:11: 'a.com, b.com' is not a network rule: a rule is one resource: no spaces or commas (write one list item per rule)\n" },
	/* sbx refuses the deny (docker/sbx-releases#610): an error, the same resource however it is cased */
	{ "version: 1\npolicy:\n  allow: [a.example.com]\n  deny: [A.example.com]\n",
	  "4:10: 'A.example.com' is both allowed (line 3) and denied: sbx refuses a deny beside an allow of the same "
	  "resource, and deny would win anyway: remove it from allow\n" },
	/* a global allow and a sandbox's deny are two scopes: only the sandbox's own allow conflicts */
	{ "version: 1\npolicy:\n  allow: [a.example.com]\nsandboxes:\n  box:\n    agent: claude\n    policy:\n"
	  "      deny: [a.example.com]\n      allow: [a.example.com, a.example.com]\n",
	  "8:14: 'a.example.com' is both allowed (line 9) and denied: sbx refuses a deny beside an allow of the same "
	  "resource, and deny would win anyway: remove it from allow\n"
	  "9:30: warning: rule 'a.example.com' is listed twice (line 9)\n" },
	{ "version: 1\nsandboxes:\n  box:\n    agent: claude\n    policy:\n      init: deny-all\n",
	  "6:7: unknown key 'init' in 'policy' (expected allow, deny)\n" },
	{ "version: 1\nsandboxes:\n  box:\n    agent: claude\n    memory: 8\n",
	  "5:13: '8' is not a memory size: use a whole number with a unit k, m, g or t, as in 8g\n" },
	{ "version: 1\nsandboxes:\n  box:\n    agent: claude\n    cpus: 1.5\n",
	  "5:11: 'cpus' must be a whole decimal number, not '1.5'\n" },
	{ "version: 1\nsandboxes:\n  box:\n    agent: claude\n    mounts: [\"docs:rw\"]\n",
	  "5:14: 'docs:rw' is not a mount: a mount is a path, optionally followed by :ro (read-only)\n" },
	{ "version: 1\nsecrets:\n  anthropik: x\n", "3:3: unknown secret service 'anthropik'; did you mean 'anthropic'?\n" },
	{ "version: 1\nsecrets:\n  github: ${EMPTY}\n", "3:11: secret 'github' is empty (is its variable set?)\n" },
	/* unset: one problem, not an error and a warning at the same place */
	{ "version: 1\nsecrets:\n  github: ${NOT_SET}\n", "3:11: secret 'github' is empty: variable NOT_SET is not set\n" },
	{ "version: 1\nsandboxes:\n  box:\n    agent: claude\n    environment:\n      - A=b\n",
	  "5:5: unknown key 'environment' in 'box'; did you mean 'env'? it is a map of names to values, not Compose's "
	  "list: env: {A: b}\n" },
	/* Compose's map form too: only the key's name is wrong */
	{ "version: 1\nsandboxes:\n  box:\n    agent: claude\n    environment:\n      A: b\n",
	  "5:5: unknown key 'environment' in 'box'; did you mean 'env'? write it as: env: {A: b}\n" },
	{ "version: 1\nrunner:\n  endpoint: localhost:12434\n",
	  "3:13: 'localhost:12434' is not a URL: the runner endpoint is an http://, https:// or unix:// URL\n" },
	{ "version: 1\nproject: My Project\n",
	  "2:10: 'My Project' is not a project name: use lowercase letters, digits, '-' and '_', starting with a letter or digit\n" },
	{ "version: 1\nmodels: [ai/x]\n", "2:9: 'models' must be a mapping of model references to options, not a list\n" },
	{ "version: 1\nsandboxes:\n  box: claude\n", "3:8: 'box' must be a sandbox, not 'claude'\n" },
	{ "version: 1\nenv:\n  A: !reset x\n", "3:6: unsupported tag '!reset' on 'A'\n" },
	{ "- version: 1\n", "1:1: the file must be a mapping of top-level keys (version, models, sandboxes, ...), not a list\n" },
	{ "", "1:1: the file is empty: it needs at least 'version: 1'\n" },
	{ "version: 1\n---\nversion: 1\n", "2:1: a file holds one YAML document; found a second one here\n" },
	/* every problem is reported, sorted by position */
	{ "version: 1\nsandboxes:\n  box:\n    agent: 5x\n    cpus: two\nmodels:\n  ai/x: {context_size: -1}\n",
	  "4:12: warning: '5x' is not an agent this sbxapply knows (claude, codex, copilot, cursor, devin, docker-agent, droid, gemini, kiro, opencode, shell); sbx may reject it\n"
	  "5:11: 'cpus' must be a number of CPUs, not 'two'\n"
	  "7:24: 'context_size' must be between 1 and 2147483647, not -1\n" },
};

START_TEST(invalid_documents)
{
	const char *text = invalid_cases[_i].text, *want = invalid_cases[_i].diags;
	if (!want)
		return;
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	int rc = parse(text, &cfg, &out);
	ck_assert_msg(!strcmp(out.buf, want), "case %d:\n%s\ngot:\n%swant:\n%s", _i, text, out.buf, want);
	/* a case made only of warnings is valid; one error line makes it invalid */
	bool any_error = false;
	for (const char *line = want; *line; line = strchr(line, '\n') + 1) {
		const char *colon = strstr(line, ": ");
		any_error |= !colon || strncmp(colon + 2, "warning: ", 9);
	}
	ck_assert_int_eq(rc, any_error ? -1 : 0);
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

START_TEST(missing_workspace_names_the_resolved_path)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\nsandboxes:\n  box:\n    agent: claude\n    workspace: missing\n", &cfg, &out), -1);
	strbuf_addf(&want, "5:16: workspace 'missing' is not a directory (%s/missing)\n", workdir);
	ck_assert_str_eq(out.buf, want.buf);
	strbuf_release(&out);
	strbuf_release(&want);
	config_release(&cfg);
}
END_TEST

START_TEST(dot_workspace_is_a_warning)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\nsandboxes:\n  box:\n    agent: claude\n    workspace: .hidden\n", &cfg, &out), 0);
	ck_assert_str_eq(out.buf, "5:16: warning: workspace directory '.hidden' starts with a dot: sbx fails to create such sandboxes (https://github.com/docker/sbx-releases/issues/602)\n");
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

START_TEST(read_only_mount_resolved)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\nsandboxes:\n  box:\n    agent: claude\n    mounts: [\"docs:ro\", docs]\n", &cfg, &out), 0);
	ck_assert_uint_eq(cfg.sandboxes[0].mounts.nr, 2);
	strbuf_addf(&want, "%s/docs:ro", workdir);
	ck_assert_str_eq(cfg.sandboxes[0].mounts.items[0], want.buf);
	ck_assert_str_eq(strrchr(cfg.sandboxes[0].mounts.items[1], '/'), "/docs");
	strbuf_release(&out);
	strbuf_release(&want);
	config_release(&cfg);
}
END_TEST

START_TEST(alias_bomb_is_refused)
{
	struct strbuf doc = STRBUF_INIT;
	strbuf_addstr(&doc, "version: 1\nx-0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i < 10; i++)
		strbuf_addf(&doc, "x-%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
			    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	expect_invalid(doc.buf, "7:6: aliases expand this document past 1000000 nodes; refusing it (an alias bomb?)\n");
	strbuf_release(&doc);
}
END_TEST

START_TEST(self_alias_is_refused)
{
	expect_invalid("version: 1\nx-a: &a\n  b: *a\n", "3:6: alias '*a' refers to the node that contains it (a cycle)\n");
}
END_TEST

/* validate --offline: what only the applying machine has warns; everything else still fails */
static int parse_offline(const char *text, struct config *cfg, struct strbuf *out)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct config_options opts = { .getenv = test_env, .offline = true };
	int rc = config_parse(cfg, "t.yaml", workdir, text, strlen(text), &opts, &diags);
	for (size_t i = 0; i < diags.nr; i++)
		strbuf_addf(out, "%d:%d: %s%s\n", diags.items[i].line, diags.items[i].col,
			    diags.items[i].severity == DIAG_WARNING ? "warning: " : "", diags.items[i].message);
	diag_list_release(&diags);
	return rc;
}

START_TEST(offline_turns_machine_facts_into_warnings)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	const char *text = "version: 1\nsecrets:\n  github: ${NOT_SET}\nmodels:\n  ai/smollm2:\n"
			   "    context_size: ${CTX_GONE:?set it}\nsandboxes:\n  box:\n    agent: claude\n"
			   "    workspace: gone\n    mounts: [/nonexistent/sbxapply-dir:ro]\n";
	ck_assert_int_eq(parse(text, &cfg, &out), -1); /* on the machine that applies: errors */
	config_release(&cfg);
	strbuf_reset(&out);
	ck_assert_int_eq(parse_offline(text, &cfg, &out), 0);
	ck_assert_ptr_nonnull(strstr(out.buf, "3:11: warning: secret 'github' is empty: variable NOT_SET is not set; it "
					      "must be set where the file is applied (--offline: a warning)\n"));
	ck_assert_ptr_nonnull(strstr(out.buf, "6:19: warning: CTX_GONE: set it\n"));
	ck_assert_ptr_nonnull(strstr(out.buf, "10:16: warning: workspace 'gone' is not a directory"));
	ck_assert_ptr_nonnull(strstr(out.buf, "11:14: warning: mount '/nonexistent/sbxapply-dir' is not a directory"));
	ck_assert_ptr_null(strstr(out.buf, "variable NOT_SET is not set; using")); /* reported once */
	config_release(&cfg);
	/* a mistake in the file is an error offline too */
	strbuf_reset(&out);
	ck_assert_int_eq(parse_offline("version: 1\nmodels:\n  ai/smollm2:\n    context_sise: 1\n", &cfg, &out), -1);
	config_release(&cfg);
	strbuf_release(&out);
}
END_TEST

START_TEST(unset_variable_warns_but_validates)
{
	expect_diags("version: 1\nenv:\n  A: pre-${NOT_SET}\n", "3:10: warning: variable NOT_SET is not set; using an empty string\n");
}
END_TEST

/* The guide's usual mistakes: warnings at the key to change, with the fix. */
#define RUNNER_MODEL "version: 1\nmodels:\n  ai/smollm2:\n"
#define CLAUDE_BOX "sandboxes:\n  box:\n    agent: claude\n    model: ai/smollm2\n"
#define ENDPOINT "    env: {ANTHROPIC_BASE_URL: http://host.docker.internal:12434}\n"
static const struct {
	const char *text;
	const char *diags;
} guide_cases[] = {
	/* 1. claude with a runner model and no ANTHROPIC_BASE_URL */
	{ RUNNER_MODEL "policy: {allow: [localhost:12434]}\n" CLAUDE_BOX,
	  "8:12: warning: sandbox 'box' uses model 'ai/smollm2' from the runner, but its env sets no ANTHROPIC_BASE_URL, so claude would talk to Anthropic's cloud instead; add env: {ANTHROPIC_BASE_URL: http://host.docker.internal:12434}\n" },
	{ RUNNER_MODEL "runner: {endpoint: \"http://localhost:8080\"}\npolicy: {allow: [localhost:8080]}\n" CLAUDE_BOX
		       "    env: {ANTHROPIC_BASE_URL: \"\"}\n",
	  "9:12: warning: sandbox 'box' uses model 'ai/smollm2' from the runner, but its env sets no ANTHROPIC_BASE_URL, so claude would talk to Anthropic's cloud instead; add env: {ANTHROPIC_BASE_URL: http://host.docker.internal:8080}\n" },
	{ RUNNER_MODEL "policy: {allow: [localhost:12434]}\nenv: {ANTHROPIC_BASE_URL: http://host.docker.internal:12434}\n" CLAUDE_BOX, "" },
	{ RUNNER_MODEL "sandboxes:\n  box:\n    agent: codex\n    model: ai/smollm2\n", "" }, /* no grounded variable */
	/* 2. a base URL no allow rule covers; the proxy matches host.docker.internal as localhost */
	{ RUNNER_MODEL CLAUDE_BOX ENDPOINT,
	  "8:11: warning: no allow rule covers localhost:12434, which sandbox 'box' reaches for ANTHROPIC_BASE_URL (the proxy matches host.docker.internal as localhost); add 'localhost:12434' to policy.allow\n" },
	{ RUNNER_MODEL "env:\n  ANTHROPIC_BASE_URL: https://llm.example.com/v1\npolicy: {allow: [\"**.other.com\", example.com]}\n" CLAUDE_BOX,
	  "5:3: warning: no allow rule covers llm.example.com:443, which sandbox 'box' reaches for ANTHROPIC_BASE_URL; add 'llm.example.com:443' to policy.allow\n" },
	{ RUNNER_MODEL "env:\n  ANTHROPIC_BASE_URL: https://llm.example.com/v1\npolicy: {allow: [\"*.example.com:443\"]}\n" CLAUDE_BOX, "" },
	{ RUNNER_MODEL "policy: {allow: [localhost]}\n" CLAUDE_BOX ENDPOINT, "" }, /* no port: every port */
	{ RUNNER_MODEL "policy: {allow: [\"**\"]}\n" CLAUDE_BOX ENDPOINT, "" },
	{ RUNNER_MODEL CLAUDE_BOX ENDPOINT "    policy: {allow: [LocalHost:12434]}\n", "" }, /* sandbox-scoped */
	{ RUNNER_MODEL CLAUDE_BOX ENDPOINT "    policy: {allow: [localhost:12434]}\n  other:\n    agent: claude\n    model: ai/smollm2\n" ENDPOINT,
	  "13:11: warning: no allow rule covers localhost:12434, which sandbox 'other' reaches for ANTHROPIC_BASE_URL (the proxy matches host.docker.internal as localhost); add 'localhost:12434' to policy.allow\n" },
	/* 3. the runner's port on the wrong host (and so 2. as well) */
	{ RUNNER_MODEL "policy:\n  allow:\n    - host.docker.internal:12434\n    - 127.0.0.1:12434\n" CLAUDE_BOX ENDPOINT,
	  "6:7: warning: rule 'host.docker.internal:12434' does not let sandboxes reach the runner: the proxy rewrites host.docker.internal to localhost before matching; allow 'localhost:12434' instead\n"
	  "7:7: warning: rule '127.0.0.1:12434' does not let sandboxes reach the runner: they reach it as host.docker.internal, which the proxy matches as localhost, not 127.0.0.1; allow 'localhost:12434' instead\n"
	  "12:11: warning: no allow rule covers localhost:12434, which sandbox 'box' reaches for ANTHROPIC_BASE_URL (the proxy matches host.docker.internal as localhost); add 'localhost:12434' to policy.allow\n" },
	{ "version: 1\nrunner: {endpoint: \"http://localhost:8080\"}\nsandboxes:\n  box:\n    agent: shell\n    policy: {allow: [host.docker.internal:8080, host.docker.internal:12434]}\n",
	  "6:22: warning: rule 'host.docker.internal:8080' does not let sandboxes reach the runner: the proxy rewrites host.docker.internal to localhost before matching; allow 'localhost:8080' instead\n" },
	{ "version: 1\npolicy: {allow: [localhost:12434, host.docker.internal:12434]}\n", "" },
	/* 4. declared models no sandbox uses (named by a model:, or the base of a package, is used) */
	{ RUNNER_MODEL "  ai/gpt-oss:\nsandboxes:\n  box:\n    agent: shell\n",
	  "3:3: warning: model 'ai/smollm2' is declared but no sandbox uses it: set model: ai/smollm2 on a sandbox (sbxapply run starts its agent with it), make a package from it, or remove the model\n"
	  "4:3: warning: model 'ai/gpt-oss' is declared but no sandbox uses it: set model: ai/gpt-oss on a sandbox (sbxapply run starts its agent with it), make a package from it, or remove the model\n" },
	{ RUNNER_MODEL "  ai/gpt-oss:\npackages:\n  gpt-oss:32k: {from: ai/gpt-oss, context_size: 32000}\n"
		       "sandboxes:\n  box:\n    agent: shell\n    model: gpt-oss:32k\n",
	  "3:3: warning: model 'ai/smollm2' is declared but no sandbox uses it: set model: ai/smollm2 on a sandbox (sbxapply run starts its agent with it), make a package from it, or remove the model\n" },
	{ RUNNER_MODEL "  ai/gpt-oss:\n", "" }, /* a models-only file */
	/* 5. a runtime context_size that differs from a package made from the model */
	{ "version: 1\nmodels:\n  ai/gpt-oss:\n    context_size: 8192\npackages:\n  gpt-oss:32k: {from: gpt-oss, context_size: 32000}\n"
	  "  gpt-oss:8k: {from: ai/gpt-oss, context_size: 8192}\n",
	  "4:19: warning: context_size 8192 is set at run time for 'ai/gpt-oss' only: package 'gpt-oss:32k' made from it has its own context_size 32000, which is what a sandbox using 'gpt-oss:32k' gets; set the same size in both if you meant one\n" },
	/* judged only on a file without errors */
	{ RUNNER_MODEL CLAUDE_BOX "    cpus: two\n", "8:11: 'cpus' must be a number of CPUs, not 'two'\n" },
};

START_TEST(guide_mistakes_warn)
{
	const char *text = guide_cases[_i].text, *want = guide_cases[_i].diags;
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	int rc = parse(text, &cfg, &out);
	ck_assert_msg(!strcmp(out.buf, want), "case %d:\n%s\ngot:\n%swant:\n%s", _i, text, out.buf, want);
	ck_assert_int_eq(rc, strstr(want, "warning: ") || !*want ? 0 : -1);
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("valid");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, guide_builds_the_desired_state);
	tcase_add_test(tc, project_name_from_directory_is_normalised);
	tcase_add_test(tc, sensitivity_rules);
	tcase_add_test(tc, sandbox_env_wins_over_global);
	tcase_add_test(tc, merge_keys_and_extension_keys);
	tcase_add_test(tc, interpolated_integer_and_literal_dollar);
	tcase_add_test(tc, read_only_mount_resolved);
	tcase_add_test(tc, dot_workspace_is_a_warning);
	tcase_add_test(tc, unset_variable_warns_but_validates);
	tcase_add_test(tc, offline_turns_machine_facts_into_warnings);
	tcase_add_loop_test(tc, guide_mistakes_warn, 0, (int)(sizeof(guide_cases) / sizeof(guide_cases[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("invalid");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, invalid_documents, 0, (int)(sizeof(invalid_cases) / sizeof(invalid_cases[0])));
	tcase_add_test(tc, missing_workspace_names_the_resolved_path);
	tcase_add_test(tc, alias_bomb_is_refused);
	tcase_add_test(tc, self_alias_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(validate_suite());
}
