#include "sbx_internal.h"
#include "state.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int flag_index(const struct flag *flags, int nflags, const char *name)
{
	for (int i = 0; i < nflags; i++)
		if (strcmp(flags[i].name, name) == 0)
			return i;
	return -1;
}

static bool flag_present(const struct sbx_ctx *ctx, const struct flag *f)
{
	return (!f->min_version || ctx->version >= f->min_version) && (!f->max_version || ctx->version < f->max_version);
}

static void take(const struct flag *f, int idx, struct args *out, const char *value)
{
	out->set[idx] = true;
	if (f->kind == FLAG_MULTI) {
		out->multi[idx] = xrealloc(out->multi[idx], sizeof(char *) * (size_t)(out->nmulti[idx] + 1));
		out->multi[idx][out->nmulti[idx]++] = value;
	}
	out->value[idx] = value;
}

/* The global flag every newer command accepts. */
static bool global_flag(struct sbx_ctx *ctx, const char *arg)
{
	if (ctx->version >= V_SCOPE_FLAG && strcmp(arg, "--no-input") == 0) {
		ctx->no_input = true;
		return true;
	}
	return false;
}

static int parse(struct sbx_ctx *ctx, const struct flag *flags, int nflags, int argc, char **argv,
		 bool interspersed, struct args *out)
{
	memset(out, 0, sizeof(*out));
	out->pos = xcalloc((size_t)argc + 1, sizeof(char *));
	out->rest = xcalloc((size_t)argc + 1, sizeof(char *));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			out->dashdash = true;
			for (i++; i < argc; i++)
				out->rest[out->nrest++] = argv[i];
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			out->pos[out->npos++] = a;
			if (!interspersed) {
				for (i++; i < argc; i++)
					out->rest[out->nrest++] = argv[i];
				break;
			}
			continue;
		}
		if (global_flag(ctx, a))
			continue;
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
			int idx = -1;
			for (int k = 0; k < nflags; k++)
				if (strlen(flags[k].name) == nlen && strncmp(flags[k].name, name, nlen) == 0 &&
				    flag_present(ctx, &flags[k]))
					idx = k;
			if (idx < 0) {
				sbx_error(ctx, "unknown flag: --%.*s", (int)nlen, name);
				return -1;
			}
			const char *value = NULL;
			if (flags[idx].kind == FLAG_BOOL) {
				value = eq ? eq + 1 : "true";
			} else if (eq) {
				value = eq + 1;
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				sbx_error(ctx, "flag needs an argument: --%s", flags[idx].name);
				return -1;
			}
			take(&flags[idx], idx, out, value);
			continue;
		}
		/* Shorthands combine: -it, -di, -uroot. */
		for (const char *c = a + 1; *c; c++) {
			int idx = -1;
			for (int k = 0; k < nflags; k++)
				if (flags[k].shorthand == *c && flag_present(ctx, &flags[k]))
					idx = k;
			if (idx < 0) {
				sbx_error(ctx, "unknown shorthand flag: '%c' in %s", *c, a);
				return -1;
			}
			if (flags[idx].kind == FLAG_BOOL) {
				take(&flags[idx], idx, out, "true");
				continue;
			}
			const char *value;
			if (c[1])
				value = c[1] == '=' ? c + 2 : c + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else {
				sbx_error(ctx, "flag needs an argument: '%c' in -%c", *c, *c);
				return -1;
			}
			take(&flags[idx], idx, out, value);
			break;
		}
	}
	return 0;
}

int args_parse(struct sbx_ctx *ctx, const struct flag *flags, int nflags, int argc, char **argv,
	       bool interspersed, struct args *out)
{
	int rc = parse(ctx, flags, nflags, argc, argv, interspersed, out);
	if (rc < 0)
		args_release(out);
	return rc;
}

void args_release(struct args *a)
{
	for (int i = 0; i < MAX_FLAGS; i++)
		free(a->multi[i]);
	free(a->pos);
	free(a->rest);
}

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

void table_print(FILE *out, const char **cells, int ncols, int nrows, bool spaced)
{
	size_t width[32] = { 0 };
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < ncols && c < 32; c++) {
			size_t w = strlen(cells[r * ncols + c]);
			if (w > width[c])
				width[c] = w;
		}
	for (int r = 0; r < nrows; r++) {
		if (spaced && r > 1)
			fputc('\n', out);
		for (int c = 0; c < ncols; c++) {
			const char *cell = cells[r * ncols + c];
			if (c == ncols - 1)
				fprintf(out, "%s\n", cell);
			else
				fprintf(out, "%-*s", (int)(width[c] + 3), cell);
		}
	}
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
		cJSON_ArrayForEach(sb, cJSON_GetObjectItemCaseSensitive(doc, "sandboxes"))
		{
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

cJSON *sandbox_find(cJSON *doc, const char *name)
{
	cJSON *sb;
	cJSON_ArrayForEach(sb, cJSON_GetObjectItemCaseSensitive(doc, "sandboxes"))
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(sb, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
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
	cJSON_ArrayForEach(pid, cJSON_GetObjectItemCaseSensitive(sb, "sessions"))
	{
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
