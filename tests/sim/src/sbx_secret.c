/*
 * sbx_secret: `sbx secret set|ls|rm` over "<state>/secrets.json".
 * Values never appear in output: ls masks them.  Output wording is
 * sbxsim's own (FACTS.md gives none).
 */
#include "sbx_internal.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *SERVICES[] = { "anthropic", "cursor",  "droid",      "github", "google", "groq",
				  "mistral",   "nebius",  "openai",     "openrouter", "xai" };

static const struct flag flags[] = { { "sandbox", 0, FLAG_VALUE, 0, 0 }, { "token", 't', FLAG_VALUE, 0, 0 },
				     { "global", 'g', FLAG_BOOL, 0, 0 } };

static bool known_service(const char *s)
{
	for (size_t i = 0; i < sizeof(SERVICES) / sizeof(SERVICES[0]); i++)
		if (strcmp(SERVICES[i], s) == 0)
			return true;
	return false;
}

static char *read_stdin_value(void)
{
	size_t cap = 256, len = 0;
	char *buf = xmalloc(cap);
	ssize_t n;
	while ((n = read(0, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return buf;
}

static int find(cJSON *list, const char *service, const char *scope)
{
	int i = 0;
	const cJSON *s;
	cJSON_ArrayForEach(s, list)
	{
		if (strcmp(cJSON_GetObjectItemCaseSensitive(s, "service")->valuestring, service) == 0 &&
		    strcmp(cJSON_GetObjectItemCaseSensitive(s, "scope")->valuestring, scope) == 0)
			return i;
		i++;
	}
	return -1;
}

int sbx_cmd_secret(struct sbx_ctx *ctx, int argc, char **argv)
{
	if (argc < 1)
		return sbx_error(ctx, "missing subcommand: set, ls or rm");
	const char *sub = argv[0];
	struct args a;
	if (args_parse(ctx, flags, 3, argc - 1, argv + 1, true, &a) < 0)
		return 1;
	const char *scope = a.set[0] ? a.value[0] : "global";
	int rc = 0;
	int lock = state_lock();
	cJSON *doc = state_load("secrets.json", "{\"secrets\":[]}");
	cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "secrets");
	if (a.set[0]) {
		cJSON *sbs = sandboxes_load();
		if (!sandbox_find(sbs, scope))
			rc = sbx_error(ctx, "no sandbox named '%s'", scope);
		cJSON_Delete(sbs);
	}
	if (rc) {
		/* fall through to cleanup */
	} else if (strcmp(sub, "set") == 0 || strcmp(sub, "rm") == 0) {
		if (a.npos != 1)
			rc = sbx_error(ctx, "accepts 1 arg(s), received %d", a.npos);
		else if (!known_service(a.pos[0]))
			rc = sbx_error(ctx, "unknown service \"%s\"", a.pos[0]);
		int idx = rc ? -1 : find(list, a.pos[0], scope);
		if (rc) {
		} else if (strcmp(sub, "rm") == 0) {
			if (idx < 0) {
				rc = sbx_error(ctx, "no secret for service \"%s\"", a.pos[0]);
			} else {
				cJSON_DeleteItemFromArray(list, idx);
				fprintf(ctx->out, "Secret for %s removed\n", a.pos[0]);
			}
		} else {
			char *value = a.set[1] ? xstrdup(a.value[1]) : NULL;
			if (!value && isatty(0) && ctx->no_input)
				rc = sbx_error(ctx, "no secret value: pass it on stdin or with -t");
			else if (!value)
				value = read_stdin_value();
			if (!rc && !*value)
				rc = sbx_error(ctx, "secret value is empty");
			if (!rc) {
				if (idx >= 0)
					cJSON_DeleteItemFromArray(list, idx);
				cJSON *s = cJSON_CreateObject();
				cJSON_AddStringToObject(s, "service", a.pos[0]);
				cJSON_AddStringToObject(s, "scope", scope);
				cJSON_AddStringToObject(s, "value", value);
				cJSON_AddItemToArray(list, s);
				fprintf(ctx->out, "Secret for %s saved (%s)\n", a.pos[0], scope);
			}
			free(value);
		}
		if (!rc)
			state_save("secrets.json", doc);
	} else if (strcmp(sub, "ls") == 0 || strcmp(sub, "list") == 0) {
		int n = cJSON_GetArraySize(list);
		const char **cells = xcalloc((size_t)(n + 1) * 3, sizeof(char *));
		char **masked = xcalloc((size_t)n + 1, sizeof(char *));
		cells[0] = "SERVICE";
		cells[1] = "SCOPE";
		cells[2] = "SECRET";
		for (int i = 0; i < n; i++) {
			const cJSON *s = cJSON_GetArrayItem(list, i);
			const char *v = cJSON_GetObjectItemCaseSensitive(s, "value")->valuestring;
			size_t len = strlen(v);
			masked[i] = len >= 12 ? xasprintf("%.4s****%s", v, v + len - 4) : xstrdup("****");
			cells[(i + 1) * 3] = cJSON_GetObjectItemCaseSensitive(s, "service")->valuestring;
			cells[(i + 1) * 3 + 1] = cJSON_GetObjectItemCaseSensitive(s, "scope")->valuestring;
			cells[(i + 1) * 3 + 2] = masked[i];
		}
		table_print(ctx->out, cells, 3, n + 1, false);
		for (int i = 0; i < n; i++)
			free(masked[i]);
		free(masked);
		free(cells);
	} else {
		rc = sbx_error(ctx, "unknown command \"%s\" for \"sbx secret\"", sub);
	}
	cJSON_Delete(doc);
	state_unlock(lock);
	args_release(&a);
	return rc;
}
