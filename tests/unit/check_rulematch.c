/*
 * Whether allow rules let a sandbox reach host:port (lang/rulematch), as
 * docs/backends.md §9 describes the proxy: exact hosts, host:port, a rule
 * without a port matching every port, *.x one label, **.x any depth, **,
 * IP addresses by value and CIDR ranges; localhost, 127.0.0.1 and
 * host.docker.internal stay three hosts except for the proxy's rewrite of
 * host.docker.internal to localhost. Then the URL splitter that finds the host
 * and port of a base URL, and the sandbox.yaml examples: every
 * examples/NAME/sandbox.yaml validates without a warning, and every
 * examples/warnings/NAME.yaml prints exactly NAME.expected.
 */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "lang/config.h"
#include "refs/rulematch.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct cover_case {
	const char *rule, *host;
	int port;
	bool covered;
} cover_cases[] = {
	{ "localhost:12434", "localhost", 12434, true },
	{ "localhost:12434", "localhost", 80, false },
	{ "LocalHost:12434", "localhost", 12434, true },
	{ "localhost", "localhost", 12434, true }, /* no port: every port */
	{ "127.0.0.1:12434", "localhost", 12434, false },
	{ "host.docker.internal:12434", "localhost", 12434, false },
	{ "localhost:12434", "127.0.0.1", 12434, false },
	{ "localhost:12434", "host.docker.internal", 12434, false },
	{ "example.com", "notexample.com", 443, false },
	{ "example.com", "a.example.com", 443, false },
	{ "*.example.com", "a.example.com", 443, true },
	{ "*.example.com", "example.com", 443, false },
	{ "*.example.com", "a.b.example.com", 443, false },
	{ "*.example.com:443", "a.example.com", 443, true },
	{ "*.example.com:443", "a.example.com", 80, false },
	{ "**.example.com", "a.b.example.com", 443, true },
	{ "**.example.com", "a.example.com", 8080, true },
	{ "**.example.com", "example.com", 443, false },
	{ "**.example.com:8080", "a.b.example.com", 443, false },
	{ "**", "anything.test", 1, true },
	{ "**", "10.0.0.1", 22, true },
	{ "10.1.2.3:22", "10.1.2.3", 22, true },
	{ "10.1.2.3", "10.1.2.3", 5432, true },
	{ "10.0.0.0/8", "10.1.2.3", 22, true },
	{ "10.0.0.0/8", "11.0.0.1", 22, false },
	{ "10.0.0.0/8", "ten.example", 22, false },
	{ "127.0.0.0/8", "localhost", 12434, false }, /* a name, not an address */
	{ "fd00::/8", "fd12::1", 443, true },
	{ "fd00::/8", "10.0.0.1", 443, false },
	{ "[::1]:8080", "::1", 8080, true },
	{ "[::1]:8080", "0:0::1", 8080, true }, /* addresses compare by value */
	{ "[::1]:8080", "::1", 8081, false },
	{ "::1", "::1", 9, true },
	{ "http://localhost:12434", "localhost", 12434, false }, /* malformed: matches nothing */
	{ "a.com, b.com", "a.com", 443, false },
};

START_TEST(one_rule_covers)
{
	const struct cover_case *c = &cover_cases[_i];
	ck_assert_msg(rulematch_covers(c->rule, c->host, c->port) == c->covered, "'%s' vs %s:%d: want %s", c->rule,
		      c->host, c->port, c->covered ? "covered" : "not covered");
}
END_TEST

START_TEST(index_of_many_rules)
{
	struct rule_index idx = RULE_INDEX_INIT;
	const char *rules[] = { "api.example.com", "*.npmjs.org", "**.corp.test:8443", "127.0.0.1:12434", "192.168.0.0/16", "bad rule" };
	for (size_t i = 0; i < N_ELEMS(rules); i++)
		rule_index_add(&idx, rules[i]);
	ck_assert(rule_index_covers(&idx, "api.example.com", 443));
	ck_assert(rule_index_covers(&idx, "registry.npmjs.org", 443));
	ck_assert(!rule_index_covers(&idx, "npmjs.org", 443));
	ck_assert(rule_index_covers(&idx, "a.b.corp.test", 8443));
	ck_assert(!rule_index_covers(&idx, "a.b.corp.test", 443));
	ck_assert(rule_index_covers(&idx, "127.0.0.1", 12434));
	ck_assert(!rule_index_covers(&idx, "localhost", 12434));
	ck_assert(rule_index_covers(&idx, "192.168.7.9", 22));
	ck_assert(!rule_index_covers(&idx, "bad rule", 443));
	rule_index_add(&idx, "**");
	ck_assert(rule_index_covers(&idx, "localhost", 12434));
	rule_index_release(&idx);
	ck_assert(!rule_index_covers(&idx, "api.example.com", 443)); /* released: empty again */
}
END_TEST

START_TEST(proxy_rewrites_host_docker_internal)
{
	ck_assert_str_eq(rulematch_destination("host.docker.internal"), "localhost");
	ck_assert_str_eq(rulematch_destination("Host.Docker.Internal"), "localhost");
	ck_assert_str_eq(rulematch_destination("localhost"), "localhost");
	ck_assert_str_eq(rulematch_destination("127.0.0.1"), "127.0.0.1");
	ck_assert_str_eq(rulematch_destination("docker.internal"), "docker.internal");
	struct strbuf sb = STRBUF_INIT;
	rulematch_rule_for(&sb, "localhost", 12434);
	ck_assert_str_eq(sb.buf, "localhost:12434");
	strbuf_reset(&sb);
	rulematch_rule_for(&sb, "0:0::1", 8080);
	ck_assert_str_eq(sb.buf, "[::1]:8080");
	strbuf_release(&sb);
}
END_TEST

static const struct url_case {
	const char *url, *host;
	int port;
} url_cases[] = {
	{ "http://host.docker.internal:12434", "host.docker.internal", 12434 },
	{ "https://LLM.example.com/v1", "llm.example.com", 443 },
	{ "http://example.com", "example.com", 80 },
	{ "HTTP://example.com:/x", "example.com", 80 },
	{ "http://user:p@ss@example.com:8080/x?y#z", "example.com", 8080 },
	{ "http://10.0.0.1:9000", "10.0.0.1", 9000 },
	{ "http://[::1]:8080/", "::1", 8080 },
	{ "https://[::1]", "::1", 443 },
	{ "host.docker.internal:12434", NULL, 0 },
	{ "ftp://example.com", NULL, 0 },
	{ "unix:///var/run/docker.sock", NULL, 0 },
	{ "http://", NULL, 0 },
	{ "http://example.com:99999", NULL, 0 },
	{ "http://example.com:12x", NULL, 0 },
	{ "http://[example.com]:80", NULL, 0 },
	{ "http://[::1", NULL, 0 },
	{ "http://*.example.com", NULL, 0 },
	{ "http://exa mple.com", NULL, 0 },
	{ "", NULL, 0 },
};

START_TEST(base_urls)
{
	const struct url_case *c = &url_cases[_i];
	char *host = (char *)"unset";
	int port = 0;
	bool ok = rulematch_parse_url(c->url, &host, &port);
	if (!c->host) {
		ck_assert_msg(!ok && !host, "'%s' should not parse", c->url);
		return;
	}
	ck_assert_msg(ok, "'%s' should parse", c->url);
	ck_assert_str_eq(host, c->host);
	ck_assert_int_eq(port, c->port);
	free(host);
}
END_TEST

/* ---- the examples ---------------------------------------------------------------- */

static const char *no_env(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

/* Parses SOURCE_DIR/rel as `sbxapply validate` would name it; the printed diagnostics go to out. */
static int parse_example(const char *rel, struct diag_list *diags, struct strbuf *out)
{
	char *path = xasprintf("%s/%s", SOURCE_DIR, rel), *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	struct strbuf text = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&text, buf, n);
	fclose(f);
	struct config cfg;
	struct config_options opts = { .getenv = no_env };
	int rc = config_parse(&cfg, rel, dir, text.buf, text.len, &opts, diags);
	char *printed = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&printed, &len);
	diag_list_print(diags, mem, false);
	fclose(mem);
	strbuf_add(out, printed, len);
	free(printed);
	config_release(&cfg);
	strbuf_release(&text);
	free(path);
	free(dir);
	return rc;
}

START_TEST(examples_validate_without_warnings)
{
	glob_t g;
	char *pattern = xasprintf("%s/examples/*/sandbox.yaml", SOURCE_DIR);
	ck_assert_int_eq(glob(pattern, 0, NULL, &g), 0);
	ck_assert_uint_ge(g.gl_pathc, 3);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *rel = g.gl_pathv[i] + strlen(SOURCE_DIR) + 1;
		struct diag_list diags = DIAG_LIST_INIT;
		struct strbuf out = STRBUF_INIT;
		int rc = parse_example(rel, &diags, &out);
		ck_assert_msg(rc == 0 && diags.nr == 0, "%s:\n%s", rel, out.buf);
		diag_list_release(&diags);
		strbuf_release(&out);
	}
	globfree(&g);
	free(pattern);
}
END_TEST

START_TEST(warning_examples_print_what_they_expect)
{
	glob_t g;
	char *pattern = xasprintf("%s/examples/warnings/*.yaml", SOURCE_DIR);
	ck_assert_int_eq(glob(pattern, 0, NULL, &g), 0);
	ck_assert_uint_ge(g.gl_pathc, 5);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *rel = g.gl_pathv[i] + strlen(SOURCE_DIR) + 1;
		struct diag_list diags = DIAG_LIST_INIT;
		struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;
		int rc = parse_example(rel, &diags, &out);
		ck_assert_msg(rc == 0 && diags.errors == 0 && diags.warnings > 0, "%s: only warnings expected:\n%s", rel, out.buf);
		char *expected = xasprintf("%.*s.expected", (int)(strlen(g.gl_pathv[i]) - 5), g.gl_pathv[i]);
		FILE *f = fopen(expected, "rb");
		ck_assert_msg(f != NULL, "cannot read %s", expected);
		int c;
		while ((c = fgetc(f)) != EOF)
			strbuf_addch(&want, c);
		fclose(f);
		ck_assert_msg(!strcmp(out.buf, want.buf), "%s printed:\n%s\nexpected (%s):\n%s", rel, out.buf, expected, want.buf);
		free(expected);
		diag_list_release(&diags);
		strbuf_release(&out);
		strbuf_release(&want);
	}
	globfree(&g);
	free(pattern);
}
END_TEST

static Suite *rulematch_suite(void)
{
	Suite *s = suite_create("rulematch");
	TCase *tc = tcase_create("rules");
	tcase_add_loop_test(tc, one_rule_covers, 0, (int)N_ELEMS(cover_cases));
	tcase_add_test(tc, index_of_many_rules);
	tcase_add_test(tc, proxy_rewrites_host_docker_internal);
	tcase_add_loop_test(tc, base_urls, 0, (int)N_ELEMS(url_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("examples");
	tcase_add_test(tc, examples_validate_without_warnings);
	tcase_add_test(tc, warning_examples_print_what_they_expect);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(rulematch_suite());
}
