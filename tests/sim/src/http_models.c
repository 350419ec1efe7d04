/*
 * http_models: DMR's /models API (docs/backends.md §2) over the store.
 * Error texts and statuses follow pkg/inference/models/http_handler.go.
 */
#include "http.h"
#include "refs.h"
#include "store.h"
#include "state.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void get_models(struct http_reply *reply)
{
	store_lock();
	char *text = cJSON_PrintUnformatted(store_models());
	store_unlock();
	size_t len = strlen(text);
	reply->body = xrealloc(text, len + 2);
	reply->body[len++] = '\n';
	reply->body[len] = '\0';
	reply->len = len;
	reply->status = 200;
	reply->content_type = "application/json";
}

static void get_model(const char *ref, struct http_reply *reply)
{
	store_lock();
	/* The exact ref first, then the partial-name fallback: "foo" may
	 * answer with "someorg/foo:v2".  Callers must check the tags. */
	cJSON *m = store_find(ref);
	if (!m)
		m = store_find_partial(ref);
	cJSON *copy = m ? cJSON_Duplicate(m, 1) : NULL;
	store_unlock();
	if (!copy)
		reply_text(reply, 404, "model not found");
	else
		reply_json(reply, 200, copy);
}

static bool query_true(const struct http_req *req, const char *key)
{
	const char *v = req_query(req, key);
	return v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "t") == 0);
}

static void delete_model(struct http_req *req, const char *ref, struct http_reply *reply)
{
	bool force = query_true(req, "force");
	store_lock();
	cJSON *m = store_find(ref);
	if (!m) {
		store_unlock();
		reply_text(reply, 404, "model not found");
		return;
	}
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(m, "tags");
	int ntags = cJSON_GetArraySize(tags);
	bool by_id = ref_is_id(ref) && str_starts(store_model_id(m) + 7, str_starts(ref, "sha256:") ? ref + 7 : ref);
	cJSON *resp = cJSON_CreateArray();
	if (!by_id && ntags > 1) {
		/* One tag of several: untag only, the model stays. */
		char *canonical = ref_normalize(ref);
		char *removed = store_remove_tag(m, canonical);
		free(canonical);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "Untagged", removed ? removed : ref);
		cJSON_AddItemToArray(resp, o);
		free(removed);
		store_unlock();
		reply_json(reply, 200, resp);
		return;
	}
	if (ntags > 1 && !force) {
		store_unlock();
		cJSON_Delete(resp);
		char *msg = xasprintf("unable to delete \"%s\" (must be forced) due to multiple tag references: "
				      "resource conflict",
				      ref);
		reply_text(reply, 409, msg);
		free(msg);
		return;
	}
	cJSON *tag;
	cJSON_ArrayForEach(tag, tags) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "Untagged", cJSON_IsString(tag) ? tag->valuestring : "");
		cJSON_AddItemToArray(resp, o);
	}
	char *id = xstrdup(store_model_id(m));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "Deleted", id);
	cJSON_AddItemToArray(resp, o);
	store_delete_model(id);
	store_unlock();
	engines_forget(id);
	free(id);
	reply_json(reply, 200, resp);
}

static void tag_model(struct http_req *req, const char *ref, struct http_reply *reply)
{
	const char *repo = req_query(req, "repo"), *tag = req_query(req, "tag");
	if (!repo || !*repo || !tag || !*tag) {
		reply_text(reply, 400, "missing repo or tag query parameter");
		return;
	}
	char *target = xasprintf("%s:%s", repo, tag);
	char *canonical = ref_normalize(target);
	if (!canonical) {
		char *msg = xasprintf("invalid tag \"%s\": invalid reference format", target);
		reply_text(reply, 500, msg);
		free(msg);
		free(target);
		return;
	}
	store_lock();
	cJSON *m = store_find(ref);
	if (m)
		free(store_add_tag(m, canonical));
	store_unlock();
	free(canonical);
	if (!m) {
		free(target);
		reply_text(reply, 404, "model not found");
		return;
	}
	cJSON *resp = cJSON_CreateObject();
	char *msg = xasprintf("Model tagged successfully with \"%s\"", target);
	cJSON_AddStringToObject(resp, "message", msg);
	cJSON_AddStringToObject(resp, "target", target);
	free(msg);
	free(target);
	reply_json(reply, 201, resp);
}

static void repackage_model(struct http_req *req, const char *ref, struct http_reply *reply)
{
	cJSON *body = cJSON_ParseWithLength(req->body, req->body_len);
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		reply_text(reply, 400, "invalid request body: invalid character in JSON input");
		return;
	}
	const cJSON *target = cJSON_GetObjectItemCaseSensitive(body, "target");
	const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(body, "context_size");
	if (!cJSON_IsString(target) || !*target->valuestring) {
		cJSON_Delete(body);
		reply_text(reply, 400, "target is required");
		return;
	}
	char *canonical = ref_normalize(target->valuestring);
	if (!canonical) {
		cJSON_Delete(body);
		reply_text(reply, 500, "invalid reference format");
		return;
	}
	store_lock();
	cJSON *src = store_find(ref);
	if (!src) {
		store_unlock();
		free(canonical);
		cJSON_Delete(body);
		reply_text(reply, 404, "model not found");
		return;
	}
	/* The variant's id depends on its base and its settings, so the same
	 * repackage twice gives the same id and a new base a new one. */
	char *seed = xasprintf("repackage|%s|%.0f", store_model_id(src), cJSON_IsNumber(ctx) ? ctx->valuedouble : -1);
	char id[72];
	fake_digest(id, seed);
	free(seed);
	cJSON *variant = store_find(id);
	if (!variant) {
		variant = cJSON_Duplicate(src, 1);
		json_set(variant, "id", cJSON_CreateString(id));
		json_set(variant, "tags", cJSON_CreateArray());
		json_set(variant, "created", cJSON_CreateNumber((double)(int64_t)now_s()));
		cJSON *cfg = cJSON_GetObjectItemCaseSensitive(variant, "config");
		if (cfg && cJSON_IsNumber(ctx)) {
			cJSON_DeleteItemFromObjectCaseSensitive(cfg, "context_size");
			cJSON_AddNumberToObject(cfg, "context_size", ctx->valuedouble);
		}
		cJSON_AddItemToArray(store_models(), variant);
		store_mark_dirty();
	}
	free(store_add_tag(variant, canonical));
	store_unlock();
	free(canonical);

	cJSON *resp = cJSON_CreateObject();
	char *msg = xasprintf("Model repackaged successfully as \"%s\"", target->valuestring);
	cJSON_AddStringToObject(resp, "message", msg);
	cJSON_AddStringToObject(resp, "source", ref);
	cJSON_AddStringToObject(resp, "target", target->valuestring);
	free(msg);
	cJSON_Delete(body);
	reply_json(reply, 201, resp);
}

static void purge(struct http_reply *reply)
{
	store_lock();
	cJSON *m;
	cJSON_ArrayForEach(m, store_models()) engines_forget(store_model_id(m));
	while (cJSON_GetArraySize(store_models()) > 0)
		cJSON_DeleteItemFromArray(store_models(), 0);
	store_mark_dirty();
	store_unlock();
	reply_empty(reply, 200);
}

bool http_models_route(struct http_req *req, struct http_reply *reply)
{
	const char *path = req->path, *m = req->method;
	if (strcmp(path, "/models") == 0 || strcmp(path, "/models/") == 0) {
		if (strcmp(m, "GET") == 0)
			get_models(reply);
		else
			reply_text(reply, 405, "Method Not Allowed");
		return true;
	}
	if (!str_starts(path, "/models/"))
		return false;
	const char *rest = path + 8;
	if (strcmp(m, "POST") == 0 && strcmp(rest, "create") == 0) {
		pull_handle(req, reply);
		return true;
	}
	if (strcmp(m, "DELETE") == 0 && strcmp(rest, "purge") == 0) {
		purge(reply);
		return true;
	}
	if (strcmp(m, "GET") == 0) {
		if (query_true(req, "remote"))
			pull_remote_model(rest, reply);
		else
			get_model(rest, reply);
		return true;
	}
	if (strcmp(m, "DELETE") == 0) {
		delete_model(req, rest, reply);
		return true;
	}
	if (strcmp(m, "POST") == 0) {
		const char *slash = strrchr(rest, '/');
		const char *action = slash ? slash + 1 : rest;
		char *model = xstrndup(rest, slash ? (size_t)(slash - rest) : 0);
		if (strcmp(action, "tag") == 0) {
			tag_model(req, model, reply);
		} else if (strcmp(action, "repackage") == 0) {
			repackage_model(req, model, reply);
		} else if (strcmp(action, "push") == 0) {
			reply_text(reply, 401, "Unauthorized");
		} else {
			char *msg = xasprintf("unknown action \"%s\"", action);
			reply_text(reply, 404, msg);
			free(msg);
		}
		free(model);
		return true;
	}
	reply_text(reply, 405, "Method Not Allowed");
	return true;
}
