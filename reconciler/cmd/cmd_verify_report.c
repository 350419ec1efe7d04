#include "cmd/cmd_verify_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "util/jsonw.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* What a cause is called in text. */
static const char *cause_text(const char *cause)
{
	static const char *const names[][2] = {
		{ "runner_down", "runner down" },
		{ "sbx_unavailable", "sbx unavailable" },
		{ "model_missing", "model missing" },
		{ "sandbox_missing", "sandbox missing" },
		{ "exec_failed", "the check could not run in the sandbox" },
		{ "base_url_unset", "base URL unset" },
		{ "base_url_invalid", "base URL invalid" },
		{ "rule_missing", "rule missing" },
		{ "rule_denied", "a deny rule" },
		{ "org_policy", "organisation policy" },
		{ "runner_unreachable", "runner unreachable from the sandbox" },
		{ "no_answer", "no answer through the proxy" },
		{ "timeout", "timeout" },
		{ "wrong_endpoint", "wrong base URL" },
		{ "runner_error", "runner error" },
		{ "unexpected_answer", "unexpected answer" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i][0], cause))
			return names[i][1];
	return cause;
}

void verify_add(struct report *r, const char *sandbox, const char *name, enum vstatus status, const char *cause,
		char *fix, const char *fmt, ...)
{
	XGROW(r->checks, r->alloc, r->nr + 1);
	struct check *c = &r->checks[r->nr++];
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	*c = (struct check){ .sandbox = sandbox ? xstrdup(sandbox) : NULL,
			     .name = name,
			     .status = status,
			     .message = strbuf_detach(&sb, NULL),
			     .cause = status == V_FAIL ? cause : NULL,
			     .fix = fix };
}

void verify_report_release(struct report *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->checks[i].sandbox);
		free(r->checks[i].message);
		free(r->checks[i].fix);
	}
	free(r->checks);
}

void verify_report_take(struct report *to, struct report *from)
{
	XGROW(to->checks, to->alloc, to->nr + from->nr);
	memcpy(to->checks + to->nr, from->checks, from->nr * sizeof(*from->checks));
	to->nr += from->nr;
	to->backend_down |= from->backend_down;
	free(from->checks);
	memset(from, 0, sizeof(*from));
}

/* One line of text, capped: line breaks and runs of blanks become one space, other controls '?'. */
static void add_excerpt(struct strbuf *sb, const char *text, size_t max)
{
	size_t start = sb->len, n = 0;
	const char *p = text;
	for (; *p && n < max; p++, n++) {
		unsigned char ch = (unsigned char)*p;
		bool blank = ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t';
		if (blank && (sb->len == start || sb->buf[sb->len - 1] == ' '))
			continue;
		strbuf_addch(sb, blank ? ' ' : ch < 0x20 ? '?'
							 : ch);
	}
	while (sb->len > start && sb->buf[sb->len - 1] == ' ')
		strbuf_setlen(sb, sb->len - 1);
	if (*p)
		strbuf_addstr(sb, "...");
}

char *verify_excerpt(const char *text, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	add_excerpt(&sb, text, max);
	return strbuf_detach(&sb, NULL);
}

/* ---- output ---- */

static const char *status_word(enum vstatus s, bool json)
{
	return s == V_OK ? "ok" : s == V_FAIL ? (json ? "fail" : "FAIL")
					      : (json ? "not_checked" : "skip");
}

void verify_print_text(const struct report *r, bool quiet, size_t counts[3])
{
	size_t width = 4;
	for (size_t i = 0; i < r->nr; i++)
		if (r->checks[i].sandbox && strlen(r->checks[i].sandbox) > width)
			width = strlen(r->checks[i].sandbox);
	for (size_t i = 0; i < r->nr; i++) {
		const struct check *c = &r->checks[i];
		if (quiet && c->status != V_FAIL)
			continue;
		printf("%-4s  %-*s  %-8s  %s", status_word(c->status, false), (int)width, c->sandbox ? c->sandbox : "host",
		       c->name, c->message);
		if (c->status == V_FAIL)
			printf("; cause: %s; fix: %s", cause_text(c->cause), c->fix ? c->fix : "-");
		putchar('\n');
	}
	if (quiet)
		return;
	printf("verify: %zu ok", counts[V_OK]);
	if (counts[V_FAIL])
		printf(", %zu failed", counts[V_FAIL]);
	if (counts[V_SKIP])
		printf(", %zu not checked", counts[V_SKIP]);
	putchar('\n');
}

void verify_print_json(const struct report *r, int code, size_t counts[3])
{
	struct strbuf out = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &out, true);
	static const char *const names[3] = { [V_OK] = "ok", [V_FAIL] = "failed", [V_SKIP] = "not_checked" };
	cmd_checklist_json_begin(&w, code, names, counts);
	for (size_t i = 0; i < r->nr; i++) {
		const struct check *c = &r->checks[i];
		jsonw_begin_object(&w);
		jsonw_kv_string_or_null(&w, "sandbox", c->sandbox);
		jsonw_kv_string(&w, "check", c->name);
		jsonw_kv_string(&w, "status", status_word(c->status, true));
		jsonw_kv_string(&w, "message", c->message);
		jsonw_kv_string_or_null(&w, "cause", c->cause);
		jsonw_kv_string_or_null(&w, "fix", c->fix);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	printf("%s\n", out.buf);
	strbuf_release(&out);
}
