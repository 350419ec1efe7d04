#include "catalogue.h"

#include "state.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GGUF "application/vnd.docker.ai.gguf.v3"
#define LICENSE "application/vnd.docker.ai.license"
#define MMPROJ "application/vnd.docker.ai.mmproj"

/* Sizes follow the published Docker Hub ai/ artifacts closely enough that a
 * progress bar, a size string and a disk estimate look as they would. */
static const struct cat_model models[] = {
	{ "ai/smollm2", "latest", "smollm2-360m-q4km", "361.82 M", "IQ2_XXS/Q4_K_M", "llama", "8192", 1751039531, 0, 2, { { GGUF, 268790000 }, { LICENSE, 11358 } } },
	{ "ai/smollm2", "360M-Q4_K_M", "smollm2-360m-q4km", "361.82 M", "IQ2_XXS/Q4_K_M", "llama", "8192", 1751039531, 0, 2, { { GGUF, 268790000 }, { LICENSE, 11358 } } },
	{ "ai/smollm2", "135M-Q4_K_M", "smollm2-135m-q4km", "134.52 M", "Q4_K_M", "llama", "8192", 1751039402, 0, 2, { { GGUF, 105460000 }, { LICENSE, 11358 } } },
	{ "ai/devstral-small-2", "latest", "devstral-small-2-24b-q4km", "23.57 B", "Q4_K_M", "mistral3", "393216", 1765270800, 0, 3, { { GGUF, 14333000000ULL }, { MMPROJ, 879000000 }, { LICENSE, 11358 } } },
	{ "ai/devstral-small-2", "24B-Q4_K_M", "devstral-small-2-24b-q4km", "23.57 B", "Q4_K_M", "mistral3", "393216", 1765270800, 0, 3, { { GGUF, 14333000000ULL }, { MMPROJ, 879000000 }, { LICENSE, 11358 } } },
	{ "ai/qwen3-coder", "latest", "qwen3-coder-30b-a3b-q4km", "30.53 B", "Q4_K_M", "qwen3moe", "262144", 1753718400, 0, 2, { { GGUF, 18556000000ULL }, { LICENSE, 11358 } } },
	{ "ai/qwen3-coder", "30B-A3B-Q4_K_M", "qwen3-coder-30b-a3b-q4km", "30.53 B", "Q4_K_M", "qwen3moe", "262144", 1753718400, 0, 2, { { GGUF, 18556000000ULL }, { LICENSE, 11358 } } },
	{ "ai/gpt-oss", "latest", "gpt-oss-20b-mxfp4", "20.91 B", "MXFP4", "gpt-oss", "131072", 1754438400, 0, 2, { { GGUF, 12109000000ULL }, { LICENSE, 11358 } } },
	{ "ai/gpt-oss", "20B-MXFP4", "gpt-oss-20b-mxfp4", "20.91 B", "MXFP4", "gpt-oss", "131072", 1754438400, 0, 2, { { GGUF, 12109000000ULL }, { LICENSE, 11358 } } },
	{ "someorg/private-model", "latest", "private", "7.24 B", "Q4_K_M", "llama", "32768", 1750000000, 401, 1, { { GGUF, 4370000000ULL } } },
};

const struct cat_model *catalogue_find(const char *canonical)
{
	const char *colon = strrchr(canonical, ':');
	if (!colon || strchr(canonical, '@'))
		return NULL;
	size_t rlen = (size_t)(colon - canonical);
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		if (strlen(models[i].repo) == rlen && strncmp(models[i].repo, canonical, rlen) == 0 &&
		    strcmp(models[i].tag, colon + 1) == 0)
			return &models[i];
	}
	return NULL;
}

uint64_t catalogue_total_size(const struct cat_model *m)
{
	uint64_t t = 0;
	for (int i = 0; i < m->nlayers; i++)
		t += m->layers[i].size;
	return t;
}

int catalogue_rev(const char *repo)
{
	cJSON *doc = state_load("registry.json", "{}");
	cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, repo);
	int rev = cJSON_IsNumber(v) ? v->valueint : 0;
	cJSON_Delete(doc);
	return rev;
}

int catalogue_bump(const char *repo)
{
	int fd = state_lock();
	cJSON *doc = state_load("registry.json", "{}");
	cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, repo);
	int rev = (cJSON_IsNumber(v) ? v->valueint : 0) + 1;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, repo);
	cJSON_AddNumberToObject(doc, repo, rev);
	state_save("registry.json", doc);
	cJSON_Delete(doc);
	state_unlock(fd);
	return rev;
}

void catalogue_digest(const struct cat_model *m, char out[72])
{
	int rev = catalogue_rev(m->repo);
	if (rev == 0 && strcmp(m->variant, "smollm2-360m-q4km") == 0) {
		snprintf(out, 72, "%s", "sha256:f07b04c0ce95ce9db15aa26a4ac54e9cafc6c369feb5e7ff2efa527c48a1d4ed");
		return;
	}
	char *seed = xasprintf("model|%s|%d", m->variant, rev);
	fake_digest(out, seed);
	free(seed);
}

void catalogue_layer_digest(const struct cat_model *m, int layer, char out[72])
{
	char *seed = xasprintf("layer|%s|%d|%d", m->variant, catalogue_rev(m->repo), layer);
	fake_digest(out, seed);
	free(seed);
}
