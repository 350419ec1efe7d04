#include "json.h"

#include <string.h>

cJSON *json_parse(const char *text, size_t len)
{
	return cJSON_ParseWithLength(text, len);
}

cJSON *json_parse_embedded(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (text[i] == '{' || text[i] == '[') {
			/* a banner line could itself hold a brace: try each start in turn */
			cJSON *j = cJSON_ParseWithLength(text + i, len - i);
			if (j)
				return j;
		}
	return NULL;
}

const char *json_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

long long json_int(const cJSON *obj, const char *key, long long fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNumber(v) ? (long long)v->valuedouble : fallback;
}

const cJSON *json_array(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsArray(v) ? v : NULL;
}

const cJSON *json_object(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsObject(v) ? v : NULL;
}
