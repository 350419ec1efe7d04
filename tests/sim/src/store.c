#include "store.h"

#include "refs.h"
#include "state.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static cJSON *g_models;
static struct stat g_seen;
static bool g_dirty;
static int g_lockfd = -1;

static bool same_file_version(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void reload_if_changed(void)
{
	char *p = state_path("models.json");
	struct stat st;
	bool exists = stat(p, &st) == 0;
	free(p);
	if (g_models && exists && same_file_version(&st, &g_seen))
		return;
	if (g_models && !exists && g_seen.st_ino == 0)
		return;
	cJSON_Delete(g_models);
	g_models = state_load("models.json", "[]");
	if (!cJSON_IsArray(g_models)) {
		cJSON_Delete(g_models);
		g_models = cJSON_CreateArray();
	}
	if (exists)
		g_seen = st;
	else
		memset(&g_seen, 0, sizeof(g_seen));
}

void store_lock(void)
{
	pthread_mutex_lock(&g_mu);
	g_lockfd = state_lock();
	reload_if_changed();
	g_dirty = false;
}

void store_unlock(void)
{
	if (g_dirty) {
		state_save("models.json", g_models);
		char *p = state_path("models.json");
		stat(p, &g_seen);
		free(p);
	}
	state_unlock(g_lockfd);
	g_lockfd = -1;
	pthread_mutex_unlock(&g_mu);
}

void store_mark_dirty(void)
{
	g_dirty = true;
}

cJSON *store_models(void)
{
	return g_models;
}

const char *store_model_id(const cJSON *model)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(model, "id");
	return cJSON_IsString(id) ? id->valuestring : "";
}

bool store_has_tag(const cJSON *model, const char *canonical)
{
	const cJSON *tag;
	cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(model, "tags")) {
		if (!cJSON_IsString(tag))
			continue;
		char *n = ref_normalize(tag->valuestring);
		bool same = n && strcmp(n, canonical) == 0;
		free(n);
		if (same)
			return true;
	}
	return false;
}

cJSON *store_find(const char *ref)
{
	cJSON *m;
	if (ref_is_id(ref)) {
		const char *hex = str_starts(ref, "sha256:") ? ref + 7 : ref;
		cJSON_ArrayForEach(m, g_models) {
			const char *id = store_model_id(m);
			if (str_starts(id, "sha256:") && strncmp(id + 7, hex, strlen(hex)) == 0)
				return m;
		}
		/* A 12-hex string may also be a model name; fall through. */
		if (str_starts(ref, "sha256:"))
			return NULL;
	}
	char *canonical = ref_normalize(ref);
	if (!canonical)
		return NULL;
	cJSON *found = NULL;
	cJSON_ArrayForEach(m, g_models) {
		if (store_has_tag(m, canonical)) {
			found = m;
			break;
		}
	}
	free(canonical);
	return found;
}

cJSON *store_find_partial(const char *ref)
{
	cJSON *m, *tag;
	cJSON_ArrayForEach(m, g_models) {
		cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(m, "tags")) {
			if (!cJSON_IsString(tag))
				continue;
			/* As upstream: cut at the last ':' then after the last '/'. */
			const char *t = tag->valuestring;
			const char *colon = strrchr(t, ':');
			size_t len = colon ? (size_t)(colon - t) : strlen(t);
			const char *name = t;
			for (size_t i = 0; i < len; i++)
				if (t[i] == '/')
					name = t + i + 1;
			size_t nlen = len - (size_t)(name - t);
			if (strlen(ref) == nlen && strncmp(name, ref, nlen) == 0)
				return m;
		}
	}
	return NULL;
}

char *store_remove_tag(cJSON *model, const char *canonical)
{
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(model, "tags");
	int i = 0;
	cJSON *tag;
	cJSON_ArrayForEach(tag, tags) {
		char *n = cJSON_IsString(tag) ? ref_normalize(tag->valuestring) : NULL;
		bool same = n && strcmp(n, canonical) == 0;
		free(n);
		if (same) {
			char *removed = xstrdup(tag->valuestring);
			cJSON_DeleteItemFromArray(tags, i);
			store_mark_dirty();
			return removed;
		}
		i++;
	}
	return NULL;
}

char *store_add_tag(cJSON *model, const char *canonical)
{
	char *lost = NULL;
	cJSON *m;
	cJSON_ArrayForEach(m, g_models) {
		if (m == model)
			continue;
		char *removed = store_remove_tag(m, canonical);
		if (removed) {
			free(removed);
			free(lost);
			lost = xstrdup(store_model_id(m));
		}
	}
	if (!store_has_tag(model, canonical)) {
		cJSON *tags = cJSON_GetObjectItemCaseSensitive(model, "tags");
		if (!tags)
			tags = cJSON_AddArrayToObject(model, "tags");
		char *stored = ref_stored_form(canonical, ref_tag_form());
		cJSON_AddItemToArray(tags, cJSON_CreateString(stored));
		free(stored);
		store_mark_dirty();
	}
	return lost;
}

void store_delete_model(const char *id)
{
	int i = 0;
	cJSON *m;
	cJSON_ArrayForEach(m, g_models) {
		if (strcmp(store_model_id(m), id) == 0) {
			cJSON_DeleteItemFromArray(g_models, i);
			store_mark_dirty();
			return;
		}
		i++;
	}
}
