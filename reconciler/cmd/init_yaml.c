/* The YAML text init and import write: scalars that read back as written, and what counts as a secret value. */
#include "cmd/init_render.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "io/json.h"
#include "util/strutil.h"

static bool plain_ok(const char *s)
{
	static const char *const ambiguous[] = { "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", NULL };
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return true;
	if (!*s || !(isalpha((unsigned char)s[0]) || s[0] == '/' || str_starts_with(s, "./") || str_starts_with(s, "../")))
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_./@+-", *p) && !(*p == ':' && p[1] != ' ' && p[1]))
			return false;
	for (size_t i = 0; ambiguous[i]; i++)
		if (!strcasecmp(s, ambiguous[i]))
			return false;
	return true;
}

void init_yaml_scalar(struct strbuf *out, const char *s, bool literal)
{
	if (plain_ok(s)) {
		strbuf_addstr(out, s);
		return;
	}
	strbuf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addf(out, "\\%c", *p);
		else if (*p == '$' && literal)
			strbuf_addstr(out, "$$"); /* sandbox.yaml interpolates as Compose does: $$ is a literal $ */
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(out, "\\x%02x", *p);
		else
			strbuf_addch(out, *p);
	}
	strbuf_addch(out, '"');
}

bool init_flags_yaml(struct strbuf *out, const char *json)
{
	cJSON *list = json_parse(json, strlen(json));
	bool ok = cJSON_IsArray(list);
	size_t n = 0;
	strbuf_addch(out, '[');
	for (const cJSON *item = ok ? list->child : NULL; item && ok; item = item->next) {
		ok = cJSON_IsString(item) && !strpbrk(item->valuestring, "\r\n");
		if (ok) {
			strbuf_addstr(out, n++ ? ", " : "");
			init_yaml_scalar(out, item->valuestring, true);
		}
	}
	strbuf_addch(out, ']');
	cJSON_Delete(list);
	return ok;
}

bool init_value_looks_secret(const char *v)
{
	/* GitHub, GitLab, Slack, Hugging Face, AWS, Google, OpenAI/Anthropic-style keys, JWTs */
	static const char *const prefixes[] = { "sk-", "sk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
						"glpat-", "xoxb-", "xoxp-", "xoxa-", "hf_", "AKIA", "AIza", "eyJ",
						NULL };
	for (size_t i = 0; prefixes[i]; i++)
		if (str_starts_with(v, prefixes[i]))
			return true;
	/* a password in a URL: scheme://user:password@host */
	const char *scheme = strstr(v, "://");
	if (scheme) {
		const char *at = strchr(scheme + 3, '@'), *slash = strchr(scheme + 3, '/');
		const char *colon = strchr(scheme + 3, ':');
		if (at && colon && colon < at && (!slash || at < slash))
			return true;
	}
	/* a long word of letters and digits (no '.', '/' or ':', so no host, path or URL) */
	size_t len = strlen(v), letters = 0, digits = 0;
	if (len < 20)
		return false;
	for (const char *p = v; *p; p++) {
		if (isalpha((unsigned char)*p))
			letters++;
		else if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr("_-+=", *p))
			return false;
	}
	return letters && digits;
}
