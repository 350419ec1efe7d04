#include "cmd/cmd_doctor_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

struct doctor_check *doctor_add(struct doctor_report *r, const char *name, enum doctor_status status, char *fix,
				const char *fmt, ...)
{
	XGROW(r->checks, r->alloc, r->nr + 1);
	struct doctor_check *c = &r->checks[r->nr++];
	va_list ap;
	va_start(ap, fmt);
	char *message = xvasprintf(fmt, ap);
	va_end(ap);
	*c = (struct doctor_check){ .name = name, .status = status, .message = message, .fix = fix, .exit_code = EXIT_APPLY_FAILED };
	return c;
}

void doctor_add_details(struct doctor_check *c, const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		const char *start = p;
		while (n && (*start == ' ')) /* the caller's indentation is the printer's business */
			start++, n--;
		if (n) {
			c->details = xrealloc(c->details, (c->nr_details + 1) * sizeof(*c->details));
			c->details[c->nr_details++] = xstrndup(start, n);
		}
		p = start + n;
		if (*p == '\n')
			p++;
	}
}

void doctor_report_release(struct doctor_report *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->checks[i].message);
		free(r->checks[i].fix);
		for (size_t d = 0; d < r->checks[i].nr_details; d++)
			free(r->checks[i].details[d]);
		free(r->checks[i].details);
	}
	free(r->checks);
	memset(r, 0, sizeof(*r));
}

int doctor_exit_code(const struct doctor_report *r)
{
	for (size_t i = 0; i < r->nr; i++)
		if (r->checks[i].status == DOCTOR_FAIL)
			return r->checks[i].exit_code;
	return EXIT_OK;
}

static const char *status_word(enum doctor_status s, bool json)
{
	return s == DOCTOR_OK ? "ok" : s == DOCTOR_WARN ? "warn"
			       : json			? "fail"
							: "FAIL";
}

void doctor_print_text(const struct doctor_report *r, bool quiet)
{
	size_t counts[3] = { 0, 0, 0 };
	for (size_t i = 0; i < r->nr; i++) {
		const struct doctor_check *c = &r->checks[i];
		counts[c->status]++;
		if (quiet && c->status == DOCTOR_OK)
			continue;
		printf("%-4s  %-9s  %s", status_word(c->status, false), c->name, c->message);
		if (c->fix)
			printf("; fix: %s", c->fix);
		putchar('\n');
		for (size_t d = 0; d < c->nr_details && !quiet; d++)
			printf("%17s%s\n", "", c->details[d]);
	}
	if (quiet)
		return;
	printf("doctor: %zu ok", counts[DOCTOR_OK]);
	if (counts[DOCTOR_WARN])
		printf(", %zu %s", counts[DOCTOR_WARN], counts[DOCTOR_WARN] == 1 ? "warning" : "warnings");
	if (counts[DOCTOR_FAIL])
		printf(", %zu failed", counts[DOCTOR_FAIL]);
	putchar('\n');
}

void doctor_print_json(const struct doctor_report *r, int code)
{
	size_t counts[3] = { 0, 0, 0 };
	for (size_t i = 0; i < r->nr; i++)
		counts[r->checks[i].status]++;
	struct strbuf out = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &out, true);
	static const char *const names[3] = { [DOCTOR_OK] = "ok", [DOCTOR_WARN] = "warn", [DOCTOR_FAIL] = "fail" };
	cmd_checklist_json_begin(&w, code, names, counts);
	for (size_t i = 0; i < r->nr; i++) {
		const struct doctor_check *c = &r->checks[i];
		jsonw_begin_object(&w);
		jsonw_kv_string(&w, "check", c->name);
		jsonw_kv_string(&w, "status", status_word(c->status, true));
		jsonw_kv_string(&w, "message", c->message);
		jsonw_kv_string_or_null(&w, "fix", c->fix);
		jsonw_key(&w, "details");
		jsonw_begin_array(&w);
		for (size_t d = 0; d < c->nr_details; d++)
			jsonw_string(&w, c->details[d]);
		jsonw_end_array(&w);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	printf("%s\n", out.buf);
	strbuf_release(&out);
}

char *doctor_plugin_version(const char *out)
{
	const char *p = strstr(out, "Docker Model Runner version ");
	if (p)
		p += strlen("Docker Model Runner version ");
	else if ((p = strstr(out, "Version:")))
		p += strlen("Version:");
	if (!p)
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strcspn(p, " \t\r\n");
	return n ? xstrndup(p, n) : NULL;
}
