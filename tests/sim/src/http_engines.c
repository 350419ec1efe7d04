/*
 * http_engines: the /engines endpoints (runtime configs, status, OpenAI models and chat)
 * and the Anthropic-compatible /v1/messages.
 *
 * Runtime configs live in this process only, keyed by model id, like DMR's
 * scheduler: a runner restart, an unload or a tag moving to a new digest
 * loses them.  Lock order: the store first, then g_mu; never the store
 * while holding g_mu.
 */
#include "http.h"
#include "refs.h"
#include "store.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static cJSON *g_configs; /* [{"Backend","Model","ModelID","Mode","Config"}] */
static cJSON *g_loaded;	 /* ids with a running llama.cpp runner */

static void ensure_init(void)
{
	if (!g_configs)
		g_configs = cJSON_CreateArray();
	if (!g_loaded)
		g_loaded = cJSON_CreateArray();
}

static int find_by_id(cJSON *arr, const char *key, const char *id)
{
	int i = 0;
	cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		const cJSON *v = key ? cJSON_GetObjectItemCaseSensitive(e, key) : e;
		if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
			return i;
		i++;
	}
	return -1;
}

static void mark_loaded(const char *id)
{
	if (find_by_id(g_loaded, NULL, id) < 0)
		cJSON_AddItemToArray(g_loaded, cJSON_CreateString(id));
}

void engines_forget(const char *id)
{
	pthread_mutex_lock(&g_mu);
	ensure_init();
	int i;
	while ((i = find_by_id(g_configs, "ModelID", id)) >= 0)
		cJSON_DeleteItemFromArray(g_configs, i);
	if ((i = find_by_id(g_loaded, NULL, id)) >= 0)
		cJSON_DeleteItemFromArray(g_loaded, i);
	pthread_mutex_unlock(&g_mu);
}

/* Model id for a ref, or NULL (caller frees). */
static char *resolve(const char *ref)
{
	store_lock();
	cJSON *m = store_find(ref);
	char *id = m ? xstrdup(store_model_id(m)) : NULL;
	store_unlock();
	return id;
}

static void configure(struct http_req *req, struct http_reply *reply)
{
	cJSON *body = cJSON_ParseWithLength(req->body, req->body_len);
	const cJSON *model = cJSON_GetObjectItemCaseSensitive(body, "model");
	if (!cJSON_IsObject(body) || !cJSON_IsString(model)) {
		cJSON_Delete(body);
		reply_text(reply, 400, "bad request");
		return;
	}
	char *id = resolve(model->valuestring);
	if (!id) {
		cJSON_Delete(body);
		reply_text(reply, 404, "model not found");
		return;
	}
	cJSON *cfg = cJSON_CreateObject();
	const cJSON *item;
	cJSON_ArrayForEach(item, body) {
		if (strcmp(item->string, "model") != 0 && strcmp(item->string, "mode") != 0)
			cJSON_AddItemToObject(cfg, item->string, cJSON_Duplicate(item, 1));
	}
	const cJSON *mode = cJSON_GetObjectItemCaseSensitive(body, "mode");

	pthread_mutex_lock(&g_mu);
	ensure_init();
	int i = find_by_id(g_configs, "ModelID", id);
	cJSON *old = i >= 0 ? cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(g_configs, i), "Config") : NULL;
	bool loaded = find_by_id(g_loaded, NULL, id) >= 0;
	/* A running runner cannot take new settings; the same ones are fine,
	 * which is what lets Compose re-apply them on every up. */
	if (loaded && !(old && cJSON_Compare(old, cfg, 1))) {
		pthread_mutex_unlock(&g_mu);
		cJSON_Delete(cfg);
		cJSON_Delete(body);
		free(id);
		reply_text(reply, 409, "runner already active");
		return;
	}
	if (i >= 0)
		cJSON_DeleteItemFromArray(g_configs, i);
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "Backend", "llama.cpp");
	cJSON_AddStringToObject(e, "Model", model->valuestring);
	cJSON_AddStringToObject(e, "ModelID", id);
	cJSON_AddStringToObject(e, "Mode", cJSON_IsString(mode) ? mode->valuestring : "completion");
	cJSON_AddItemToObject(e, "Config", cfg);
	cJSON_AddItemToArray(g_configs, e);
	mark_loaded(id); /* the first _configure loads the model */
	pthread_mutex_unlock(&g_mu);
	cJSON_Delete(body);
	free(id);
	reply_empty(reply, 202);
}

static void get_configs(struct http_req *req, struct http_reply *reply)
{
	const char *ref = req_query(req, "model");
	char *id = ref && *ref ? resolve(ref) : NULL;
	pthread_mutex_lock(&g_mu);
	ensure_init();
	cJSON *out = cJSON_CreateArray();
	cJSON *e;
	cJSON_ArrayForEach(e, g_configs) {
		const cJSON *mid = cJSON_GetObjectItemCaseSensitive(e, "ModelID");
		if (ref && *ref && (!id || strcmp(mid->valuestring, id) != 0))
			continue;
		cJSON_AddItemToArray(out, cJSON_Duplicate(e, 1));
	}
	pthread_mutex_unlock(&g_mu);
	free(id);
	reply_json(reply, 200, out);
}

static void unload(struct http_req *req, struct http_reply *reply)
{
	cJSON *body = cJSON_ParseWithLength(req->body, req->body_len);
	int n = 0;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "all"))) {
		pthread_mutex_lock(&g_mu);
		ensure_init();
		n = cJSON_GetArraySize(g_loaded);
		cJSON_Delete(g_loaded);
		cJSON_Delete(g_configs);
		g_loaded = g_configs = NULL;
		pthread_mutex_unlock(&g_mu);
	} else {
		const cJSON *ref;
		cJSON_ArrayForEach(ref, cJSON_GetObjectItemCaseSensitive(body, "models")) {
			char *id = cJSON_IsString(ref) ? resolve(ref->valuestring) : NULL;
			if (id) {
				engines_forget(id);
				n++;
			}
			free(id);
		}
	}
	cJSON_Delete(body);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "unloaded_runners", n);
	reply_json(reply, 200, out);
}

static void status(struct http_reply *reply)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "llama.cpp", "Running: llama.cpp latest-cpu (sha256:2f7c4e1b9a03) version: b6480");
	cJSON_AddStringToObject(o, "vllm", "Not Installed");
	reply_json(reply, 200, o);
}

/*
 * GET /version: {"version": ...}, as pkg/server/server.go's "/version" route
 * answers (any method). The release is the one FACTS.md pins;
 * SBXSIM_RUNNER_VERSION=none plays a runner without the route (404).
 */
static bool version(struct http_reply *reply)
{
	const char *v = getenv("SBXSIM_RUNNER_VERSION");
	if (v && !strcmp(v, "none"))
		return false;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", v && *v ? v : "v1.2.6");
	reply_json(reply, 200, o);
	return true;
}

static cJSON *openai_model(const cJSON *m, const char *tag)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", tag);
	cJSON_AddStringToObject(o, "object", "model");
	const cJSON *created = cJSON_GetObjectItemCaseSensitive(m, "created");
	cJSON_AddNumberToObject(o, "created", cJSON_IsNumber(created) ? created->valuedouble : 0);
	cJSON_AddStringToObject(o, "owned_by", "docker");
	return o;
}

static void openai_models(struct http_reply *reply)
{
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "object", "list");
	cJSON *data = cJSON_AddArrayToObject(out, "data");
	store_lock();
	const cJSON *m, *tag;
	cJSON_ArrayForEach(m, store_models()) {
		cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(m, "tags")) {
			if (cJSON_IsString(tag))
				cJSON_AddItemToArray(data, openai_model(m, tag->valuestring));
		}
	}
	store_unlock();
	reply_json(reply, 200, out);
}

static void anthropic_error(struct http_reply *reply, int code, const char *type, const char *message)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "error");
	cJSON *e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(e, "type", type);
	cJSON_AddStringToObject(e, "message", message);
	reply_json(reply, code, o);
}

/* A present model answers; nothing is generated, the text is fixed so
 * tests can compare it. */
static void chat(struct http_req *req, struct http_reply *reply, bool anthropic)
{
	cJSON *body = cJSON_ParseWithLength(req->body, req->body_len);
	const cJSON *model = cJSON_GetObjectItemCaseSensitive(body, "model");
	if (!cJSON_IsObject(body) || !cJSON_IsString(model)) {
		cJSON_Delete(body);
		if (anthropic)
			anthropic_error(reply, 400, "invalid_request_error", "model is required");
		else
			reply_text(reply, 400, "invalid request body");
		return;
	}
	char *id = resolve(model->valuestring);
	if (!id) {
		char *msg = xasprintf("Model not found: %s", model->valuestring);
		if (anthropic)
			anthropic_error(reply, 404, "not_found_error", msg);
		else
			reply_text(reply, 404, "model not found");
		free(msg);
		cJSON_Delete(body);
		return;
	}
	pthread_mutex_lock(&g_mu);
	ensure_init();
	mark_loaded(id);
	pthread_mutex_unlock(&g_mu);
	int input_tokens = (int)(req->body_len / 4) + 1;
	const char *text = "Hello! This is sbxsim answering for Docker Model Runner.";
	cJSON *o = cJSON_CreateObject();
	char msgid[72];
	fake_digest(msgid, req->body);
	if (anthropic) {
		char *mid = xasprintf("msg_%.24s", msgid + 7);
		cJSON_AddStringToObject(o, "id", mid);
		free(mid);
		cJSON_AddStringToObject(o, "type", "message");
		cJSON_AddStringToObject(o, "role", "assistant");
		cJSON_AddStringToObject(o, "model", model->valuestring);
		cJSON *content = cJSON_AddArrayToObject(o, "content");
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "type", "text");
		cJSON_AddStringToObject(t, "text", text);
		cJSON_AddItemToArray(content, t);
		cJSON_AddStringToObject(o, "stop_reason", "end_turn");
		cJSON_AddNullToObject(o, "stop_sequence");
		cJSON *usage = cJSON_AddObjectToObject(o, "usage");
		cJSON_AddNumberToObject(usage, "input_tokens", input_tokens);
		cJSON_AddNumberToObject(usage, "output_tokens", 12);
	} else {
		char *cid = xasprintf("chatcmpl-%.24s", msgid + 7);
		cJSON_AddStringToObject(o, "id", cid);
		free(cid);
		cJSON_AddStringToObject(o, "object", "chat.completion");
		cJSON_AddNumberToObject(o, "created", (double)(int64_t)now_s());
		cJSON_AddStringToObject(o, "model", model->valuestring);
		cJSON *choices = cJSON_AddArrayToObject(o, "choices");
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "index", 0);
		cJSON *msg = cJSON_AddObjectToObject(c, "message");
		cJSON_AddStringToObject(msg, "role", "assistant");
		cJSON_AddStringToObject(msg, "content", text);
		cJSON_AddStringToObject(c, "finish_reason", "stop");
		cJSON_AddItemToArray(choices, c);
		cJSON *usage = cJSON_AddObjectToObject(o, "usage");
		cJSON_AddNumberToObject(usage, "prompt_tokens", input_tokens);
		cJSON_AddNumberToObject(usage, "completion_tokens", 12);
		cJSON_AddNumberToObject(usage, "total_tokens", input_tokens + 12);
	}
	free(id);
	cJSON_Delete(body);
	reply_json(reply, 200, o);
}

static bool is(const struct http_req *req, const char *method, const char *path)
{
	return strcmp(req->method, method) == 0 && strcmp(req->path, path) == 0;
}

bool http_engines_route(struct http_req *req, struct http_reply *reply)
{
	const char *p = req->path;
	if (is(req, "POST", "/engines/_configure")) {
		configure(req, reply);
	} else if (is(req, "GET", "/engines/_configure")) {
		get_configs(req, reply);
	} else if (is(req, "POST", "/engines/unload")) {
		unload(req, reply);
	} else if (is(req, "GET", "/engines/status")) {
		status(reply);
	} else if (strcmp(p, "/version") == 0) {
		return version(reply);
	} else if (is(req, "POST", "/v1/messages") || is(req, "POST", "/anthropic/v1/messages") ||
		   (strcmp(req->method, "POST") == 0 &&
		    (strcmp(p, "/engines/v1/messages") == 0 || strcmp(p, "/engines/llama.cpp/v1/messages") == 0))) {
		chat(req, reply, true);
	} else if (strcmp(req->method, "GET") == 0 &&
		   (strcmp(p, "/engines/v1/models") == 0 || strcmp(p, "/v1/models") == 0 ||
		    strcmp(p, "/engines/llama.cpp/v1/models") == 0)) {
		openai_models(reply);
	} else if (strcmp(req->method, "POST") == 0 && str_ends(p, "/v1/chat/completions") &&
		   (str_starts(p, "/engines/") || strcmp(p, "/v1/chat/completions") == 0)) {
		chat(req, reply, false);
	} else {
		return false;
	}
	return true;
}
