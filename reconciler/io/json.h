#ifndef SBXAPPLY_IO_JSON_H
#define SBXAPPLY_IO_JSON_H
/*
 * Reading JSON with cJSON, tolerant of what the backends print around it:
 * `sbx` can print "Starting sandboxd daemon..." lines before its JSON
 * (docs/backends.md §7), so parsing starts at the first '{' or '['.
 * Returned cJSON trees belong to the caller (cJSON_Delete). Accessors return
 * NULL or the fallback when the key is missing or of another type (json_int:
 * also when the number is out of long long's range).
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

cJSON *json_parse(const char *text, size_t len);
/* For sbxapply's own files: NULL unless the text is one JSON value and nothing but blanks after it. */
cJSON *json_parse_whole(const char *text, size_t len);
/* Skips anything before the first '{' or '['; NULL if there is no JSON. */
cJSON *json_parse_embedded(const char *text, size_t len);
const char *json_string(const cJSON *obj, const char *key);
long long json_int(const cJSON *obj, const char *key, long long fallback);
const cJSON *json_array(const cJSON *obj, const char *key);
const cJSON *json_object(const cJSON *obj, const char *key);

#endif
