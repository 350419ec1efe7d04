/*
 * The conformance corpus (tests/conformance/sbx/): real sbx output, and help
 * pages rebuilt from the official CLI reference. Every sample carries an
 * "# expect:" header: what sbxapply must read from it, written by a person
 * from the sample itself. This test reads every file, runs the parser its
 * "# command:" calls for, and compares a one-line summary with it.
 * CONFORMANCE_PRINT=1 prints the summaries instead (to write a new sample's line).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sbx/sbx.h"
#include "backends/sbx/sbx_help.h"
#include "backends/sbx/sbx_parse.h"
#include "check_main.h"
#include "os/fileio.h"
#include "util/strutil.h"
#include "util/xalloc.h"

struct sample {
	char *file, *command, *expect, *body;
	size_t body_len;
};

static char *header(const char *text, const char *key)
{
	char *want = xasprintf("\n# %s:", key);
	char *copy = xasprintf("\n%s", text);
	const char *at = strstr(copy, want);
	char *value = NULL;
	if (at) {
		at += strlen(want);
		while (*at == ' ')
			at++;
		value = xstrndup(at, strcspn(at, "\n"));
	}
	free(want);
	free(copy);
	return value;
}

static int load(const char *path, const char *name, struct sample *s)
{
	struct strbuf text = STRBUF_INIT;
	if (read_file(path, &text, 1 << 20) < 0)
		return -1;
	const char *sep = strstr(text.buf, "\n---\n");
	memset(s, 0, sizeof(*s));
	s->file = xstrdup(name);
	s->command = header(text.buf, "command");
	s->expect = header(text.buf, "expect");
	if (sep) {
		s->body = xstrdup(sep + 5);
		s->body_len = strlen(s->body);
	}
	strbuf_release(&text);
	return sep && s->command ? 0 : -1;
}

static void sample_release(struct sample *s)
{
	free(s->file);
	free(s->command);
	free(s->expect);
	free(s->body);
}

static const char *scope_word(enum sbx_rule_scope s)
{
	return s == SBX_SCOPE_FLAG ? "flag" : s == SBX_SCOPE_POSITIONAL ? "positional"
									: "global-only";
}

/* What a help page changes in the capabilities, as "key=value" words. */
static void summarise_help(const struct sample *s, struct strbuf *out)
{
	static const struct {
		const char *command;
		enum sbx_probe probe;
	} pages[] = {
		{ "sbx --help", SBX_PROBE_ROOT },
		{ "sbx ls --help", SBX_PROBE_LS },
		{ "sbx policy --help", SBX_PROBE_POLICY },
		{ "sbx policy ls --help", SBX_PROBE_POLICY_LS },
		{ "sbx policy allow network --help", SBX_PROBE_ALLOW },
		{ "sbx secret set --help", SBX_PROBE_SECRET_SET },
		{ "sbx secret rm --help", SBX_PROBE_SECRET_RM },
		{ "sbx rm --help", SBX_PROBE_RM },
	};
	struct sbx_help h;
	if (sbx_help_parse(s->body, s->body_len, &h) < 0) {
		strbuf_addstr(out, "not-help");
		return;
	}
	strbuf_addf(out, "usage=%zu commands=%zu flags=%zu", h.nr_usage, h.nr_commands, h.nr_flags);
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		if (strcmp(s->command, pages[i].command))
			continue;
		/* start from the opposite of every answer, so only what the page says shows */
		struct sbx_caps c;
		sbx_caps_from_table(&c, 0, 0, 0);
		sbx_caps_apply_help(&c, pages[i].probe, &h);
		switch (pages[i].probe) {
		case SBX_PROBE_ROOT: strbuf_addf(out, " no_input=%d", c.no_input); break;
		case SBX_PROBE_LS: strbuf_addf(out, " ls_json=%d", c.ls_json); break;
		case SBX_PROBE_POLICY: strbuf_addf(out, " policy_init=%d", c.policy_init); break;
		case SBX_PROBE_POLICY_LS:
			strbuf_addf(out, " policy_list=%s wide=%d",
				    c.policy_list == SBX_POLICY_JSON ? "json" : c.policy_list == SBX_POLICY_WIDE ? "wide"
														 : "old",
				    c.policy_ls_wide);
			break;
		case SBX_PROBE_ALLOW: strbuf_addf(out, " rule_scope=%s", scope_word(c.rule_scope)); break;
		case SBX_PROBE_SECRET_SET:
			strbuf_addf(out, " secret_scope=%s", c.secret_scope == SBX_SECRET_FLAG ? "flag" : "positional");
			break;
		case SBX_PROBE_SECRET_RM:
			strbuf_addf(out, " secret_rm_force=%d secret_rm_scope=%s", c.secret_rm_force,
				    c.secret_rm_scope == SBX_SECRET_FLAG ? "flag" : "positional");
			break;
		case SBX_PROBE_RM: strbuf_addf(out, " rm_force=%d", c.rm_force); break;
		default: break;
		}
	}
	sbx_help_release(&h);
}

static void summarise_rules(const struct sample *s, enum sbx_policy_format f, struct strbuf *out)
{
	struct sbx_rule *r;
	size_t nr;
	struct strbuf err = STRBUF_INIT;
	if (sbx_parse_rules(s->body, s->body_len, f, &r, &nr, &err) < 0) {
		strbuf_addstr(out, "refused");
		strbuf_release(&err);
		return;
	}
	strbuf_addf(out, "rules=%zu", nr);
	for (size_t i = 0; i < nr; i++)
		strbuf_addf(out, " %s:%s@%s/%s", r[i].decision ? r[i].decision : "?", r[i].resource,
			    r[i].scope ? r[i].scope : "all", r[i].user ? "user" : r[i].preset ? "preset"
											      : "other");
	sbx_rules_free(r, nr);
	strbuf_release(&err);
}

static void summarise(const struct sample *s, struct strbuf *out)
{
	const char *cmd = s->command;
	int a, b, c;
	if (str_ends_with(cmd, "--help") || strstr(cmd, "--help ")) {
		summarise_help(s, out);
	} else if (str_starts_with(cmd, "sbx version")) {
		if (sbx_parse_version(s->body, &a, &b, &c) == 0)
			strbuf_addf(out, "version=%d.%d.%d", a, b, c);
		else
			strbuf_addstr(out, "no-version");
	} else if (strstr(cmd, "--json") && (str_starts_with(cmd, "sbx ls") || str_starts_with(cmd, "sbx list"))) {
		struct sbx_sandbox *v;
		size_t nr;
		struct strbuf err = STRBUF_INIT;
		if (sbx_parse_sandboxes(s->body, s->body_len, &v, &nr, &err) == 0) {
			strbuf_addf(out, "sandboxes=%zu", nr);
			for (size_t i = 0; i < nr; i++)
				strbuf_addf(out, " %s(%s,%s,%zu)", v[i].name, v[i].agent ? v[i].agent : "?",
					    v[i].status ? v[i].status : "?", v[i].nr_workspaces);
			sbx_sandboxes_free(v, nr);
		} else {
			strbuf_addstr(out, "refused");
		}
		strbuf_release(&err);
	} else if (str_starts_with(cmd, "sbx policy ls --wide")) {
		summarise_rules(s, SBX_POLICY_WIDE, out);
	} else if (str_starts_with(cmd, "sbx policy ls --json")) {
		summarise_rules(s, SBX_POLICY_JSON, out);
	} else if (str_starts_with(cmd, "sbx policy ls")) {
		/* the old rule table; the v0.35+ summary table must not read as rules */
		summarise_rules(s, SBX_POLICY_TABLE_OLD, out);
	} else if (str_starts_with(cmd, "sbx secret ls")) {
		struct sbx_secret *v;
		size_t nr;
		struct strbuf err = STRBUF_INIT;
		if (sbx_parse_secrets(s->body, s->body_len, &v, &nr, &err) == 0) {
			strbuf_addf(out, "secrets=%zu", nr);
			for (size_t i = 0; i < nr; i++)
				strbuf_addf(out, " %s@%s", v[i].service, v[i].scope ? v[i].scope : "global");
			sbx_secrets_free(v, nr);
		} else {
			strbuf_addstr(out, "refused");
		}
		strbuf_release(&err);
	} else if (!strstr(s->body, "ERROR")) {
		strbuf_addstr(out, "not-read"); /* output sbxapply never parses (inspect, the ls table, ...) */
	} else {
		/* an error is read for its reason, and for whether it means "no such sandbox" */
		struct spawn_result res = SPAWN_RESULT_INIT;
		strbuf_addstr(&res.err, s->body);
		struct strbuf reason = STRBUF_INIT;
		sbx_error_reason(s->body, &reason);
		strbuf_addf(out, "reason=\"%s\" no_such_sandbox=%d", reason.buf, sbx_no_such_sandbox(&res));
		strbuf_release(&reason);
		spawn_result_release(&res);
	}
}

/* An expect line may end with a remark: "   (...)" after three spaces. */
static size_t expect_len(const char *expect)
{
	const char *remark = strstr(expect, "   (");
	return remark ? (size_t)(remark - expect) : strlen(expect);
}

START_TEST(every_sample_reads_as_expected)
{
	DIR *d = opendir(CONFORMANCE_DIR);
	ck_assert_ptr_nonnull(d);
	struct dirent *de;
	size_t files = 0, failures = 0;
	bool print = getenv("CONFORMANCE_PRINT") != NULL;
	while ((de = readdir(d))) {
		if (!str_ends_with(de->d_name, ".txt"))
			continue;
		char *path = xasprintf("%s/%s", CONFORMANCE_DIR, de->d_name);
		struct sample s;
		ck_assert_msg(load(path, de->d_name, &s) == 0, "%s: no '# command:' header or '---' line", de->d_name);
		struct strbuf got = STRBUF_INIT;
		summarise(&s, &got);
		files++;
		if (print) {
			printf("%s\n# expect: %s\n", s.file, got.buf);
		} else if (!s.expect || expect_len(s.expect) != got.len || strncmp(s.expect, got.buf, got.len)) {
			fprintf(stderr, "%s:\n  expect: %s\n  got:    %s\n", s.file, s.expect ? s.expect : "(no # expect: line)",
				got.buf);
			failures++;
		}
		strbuf_release(&got);
		sample_release(&s);
		free(path);
	}
	closedir(d);
	ck_assert_uint_gt(files, 40);
	ck_assert_msg(failures == 0, "%zu of %zu samples did not read as expected (listed above)", failures, files);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("conformance");
	TCase *tc = tcase_create("sbx");
	tcase_add_test(tc, every_sample_reads_as_expected);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
