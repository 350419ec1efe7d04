/*
 * sbx_util: messages, prompts, tables, Go-style JSON and sandboxes.json.
 */
#include "sbx_internal.h"
#include "state.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sbx_error(struct sbx_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	fputs("ERROR: ", ctx->err);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	return 1;
}

/* sbx prints warnings as "WARN: ..." (error-run-create-failed@v0.43.0). */
void sbx_warn(struct sbx_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	fputs("WARN: ", ctx->err);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
}

int sbx_no_sandbox(struct sbx_ctx *ctx, const char *name)
{
	if (sbx_has(ctx, F_NOT_FOUND_NEW))
		return sbx_error(ctx, "sandbox '%s' not found", name);
	/* error-exec-no-sandbox@unknown-i504.txt */
	return sbx_error(ctx, "no sandbox named '%s'\n\nTo create one:\n  sbx create AGENT WORKSPACE", name);
}

bool sbx_confirm(struct sbx_ctx *ctx, const char *question, bool *no_tty)
{
	*no_tty = false;
	if (ctx->no_input || !isatty(0)) {
		*no_tty = true;
		return false;
	}
	fprintf(ctx->err, "%s [y/N]: ", question);
	fflush(ctx->err);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

void table_print(FILE *out, const char **cells, int ncols, int nrows)
{
	size_t width[32] = { 0 };
	for (int r = 0; r < nrows; r++) {
		if (!cells[r * ncols])
			continue;
		for (int c = 0; c < ncols - 1 && c < 32; c++) {
			size_t w = strlen(cells[r * ncols + c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (int r = 0; r < nrows; r++) {
		if (!cells[r * ncols]) {
			fputc('\n', out);
			continue;
		}
		for (int c = 0; c < ncols; c++) {
			const char *cell = cells[r * ncols + c];
			if (c == ncols - 1)
				fprintf(out, "%s\n", cell);
			else
				fprintf(out, "%-*s", (int)(width[c] + 3), cell);
		}
	}
}

/* encoding/json string escaping, HTML-safe as json.Marshal does it. */
static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '<':
		case '>':
		case '&':
			fprintf(out, "\\u%04x", *p);
			break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
				fprintf(out, "\\u202%c", p[2] == 0xa8 ? '8' : '9');
				p += 2;
			} else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void indent(FILE *out, int depth)
{
	fputc('\n', out);
	for (int i = 0; i < depth; i++)
		fputs("  ", out);
}

static void json_value(FILE *out, const cJSON *v, int depth)
{
	if (cJSON_IsString(v)) {
		json_string(out, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		if (v->valuedouble == (double)(long long)v->valuedouble)
			fprintf(out, "%lld", (long long)v->valuedouble);
		else
			fprintf(out, "%g", v->valuedouble);
	} else if (cJSON_IsBool(v)) {
		fputs(cJSON_IsTrue(v) ? "true" : "false", out);
	} else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		bool obj = cJSON_IsObject(v);
		if (!v->child) {
			fputs(obj ? "{}" : "[]", out);
			return;
		}
		fputc(obj ? '{' : '[', out);
		for (const cJSON *c = v->child; c; c = c->next) {
			indent(out, depth + 1);
			if (obj) {
				json_string(out, c->string);
				fputs(": ", out);
			}
			json_value(out, c, depth + 1);
			if (c->next)
				fputc(',', out);
		}
		indent(out, depth);
		fputc(obj ? '}' : ']', out);
	} else {
		fputs("null", out);
	}
}

void json_print_go(FILE *out, const cJSON *v)
{
	json_value(out, v, 0);
	fputc('\n', out);
}

cJSON *sandboxes_load(void)
{
	cJSON *doc = state_load("sandboxes.json", "{\"sandboxes\":[]}");
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "sandboxes"))) {
		cJSON_Delete(doc);
		doc = cJSON_Parse("{\"sandboxes\":[]}");
	}
	/* Sandboxes auto-stop a while after their last session. */
	long autostop = env_long("SBXSIM_AUTOSTOP_S", 0);
	if (autostop > 0) {
		cJSON *sb;
		cJSON_ArrayForEach(sb, cJSON_GetObjectItemCaseSensitive(doc, "sandboxes")) {
			const cJSON *last = cJSON_GetObjectItemCaseSensitive(sb, "last_used_unix");
			if (cJSON_IsNumber(last) && now_s() - last->valuedouble > (double)autostop &&
			    !sandbox_has_sessions(sb))
				json_set(sb, "status", cJSON_CreateString("stopped"));
		}
	}
	return doc;
}

void sandboxes_save(cJSON *doc)
{
	state_save("sandboxes.json", doc);
}

const char *json_str(const cJSON *obj, const char *key, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : def;
}

cJSON *sandbox_find(cJSON *doc, const char *name)
{
	cJSON *sb;
	cJSON_ArrayForEach(sb, cJSON_GetObjectItemCaseSensitive(doc, "sandboxes")) {
		if (strcmp(json_str(sb, "name", ""), name) == 0)
			return sb;
	}
	return NULL;
}

char *sandbox_dir(const char *name)
{
	return xasprintf("%s/sandboxes/%s", state_dir(), name);
}

bool sandbox_has_sessions(cJSON *sb)
{
	const cJSON *pid;
	cJSON_ArrayForEach(pid, cJSON_GetObjectItemCaseSensitive(sb, "sessions")) {
		if (cJSON_IsNumber(pid) && kill((pid_t)pid->valueint, 0) == 0)
			return true;
	}
	return false;
}

void sandbox_touch(cJSON *sb, const char *status)
{
	int64_t now = (int64_t)now_s();
	char ts[32];
	format_rfc3339(ts, now);
	if (status)
		json_set(sb, "status", cJSON_CreateString(status));
	json_set(sb, "last_used_unix", cJSON_CreateNumber((double)now));
	json_set(sb, "last_used_at", cJSON_CreateString(ts));
}
