#include "dmr_messages.h"

#include <stdbool.h>
#include <string.h>

#include "io/json.h"
#include "util/jsonw.h"

#define DETAIL_MAX 200

void dmr_messages_body(struct strbuf *out, const char *model)
{
	struct jsonw w;
	jsonw_init(&w, out, false);
	jsonw_begin_object(&w);
	jsonw_kv_string(&w, "model", model);
	jsonw_kv_int(&w, "max_tokens", 1);
	jsonw_key(&w, "messages");
	jsonw_begin_array(&w);
	jsonw_begin_object(&w);
	jsonw_kv_string(&w, "role", "user");
	jsonw_kv_string(&w, "content", "hi");
	jsonw_end_object(&w);
	jsonw_end_array(&w);
	jsonw_end_object(&w);
}

const char *dmr_messages_path(enum dmr_api api)
{
	return api == DMR_API_OPENAI ? "/chat/completions" : "/v1/messages";
}

static bool contains(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; text && i + n <= len; i++)
		if (!memcmp(text + i, needle, n))
			return true;
	return false;
}

/* The first line of text, capped, with control bytes dropped. */
static void add_line(struct strbuf *out, const char *text, size_t len)
{
	size_t n = 0;
	while (n < len && text[n] != '\n' && text[n] != '\r')
		n++;
	if (n > DETAIL_MAX)
		n = DETAIL_MAX;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] >= 0x20)
			strbuf_addch(out, text[i]);
}

enum dmr_messages_answer dmr_messages_classify(enum dmr_api api, long status, const char *body, size_t len,
					       struct strbuf *detail)
{
	cJSON *doc = json_parse(body ? body : "", body ? len : 0);
	enum dmr_messages_answer answer;
	if (status >= 200 && status < 300) {
		bool ok = api == DMR_API_ANTHROPIC ? json_string(doc, "type") && !strcmp(json_string(doc, "type"), "message")
						   : cJSON_IsArray(json_array(doc, "choices"));
		const char *id = json_string(doc, "id");
		answer = ok ? DMR_MESSAGES_OK : DMR_MESSAGES_UNEXPECTED;
		if (ok && id)
			add_line(detail, id, strlen(id));
		else if (!ok)
			add_line(detail, body ? body : "", body ? len : 0);
	} else {
		/* Anthropic errors are JSON (docs/backends.md §5); the rest of DMR answers text/plain (§1) */
		const cJSON *error = json_object(doc, "error");
		const char *type = json_string(error, "type"), *message = json_string(error, "message");
		if (!message && cJSON_IsString(error))
			message = error->valuestring;
		if (message)
			add_line(detail, message, strlen(message));
		else
			add_line(detail, body ? body : "", body ? len : 0);
		if (status == 404 && ((type && !strcmp(type, "not_found_error")) ||
				      contains(body, len, "odel not found")))
			answer = DMR_MESSAGES_MODEL_MISSING;
		else if (status == 404)
			answer = DMR_MESSAGES_NO_ROUTE;
		else
			answer = DMR_MESSAGES_ERROR;
	}
	cJSON_Delete(doc);
	return answer;
}
