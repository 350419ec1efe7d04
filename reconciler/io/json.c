#include "json.h"

#include <string.h>

cJSON *json_parse(const char *text, size_t len)
{
	return cJSON_ParseWithLength(text, len);
}

cJSON *json_parse_whole(const char *text, size_t len)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!j)
		return NULL;
	/* a file cut and glued to another, or edited by hand, is not silently half-read */
	for (; end && end < text + len; end++)
		if (!strchr(" \t\r\n", *end) || !*end) {
			cJSON_Delete(j);
			return NULL;
		}
	return j;
}

#define MAX_STARTS 64 /* a banner holds a brace or two, not dozens */

cJSON *json_parse_embedded(const char *text, size_t len)
{
	int starts = 0;
	for (size_t i = 0; i < len && starts < MAX_STARTS; i++)
		if (text[i] == '{' || text[i] == '[') {
			starts++;
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
	/* a number no long long holds (1e300, 1e999: inf) is the fallback: converting it is undefined */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= -9223372036854775808.0 && v->valuedouble < 9223372036854775808.0))
		return fallback;
	return (long long)v->valuedouble;
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
