/*
 * json_schema_check SCHEMA DOCUMENT: validates a JSON document against the
 * subset of JSON Schema 2020-12 that this project's schemas use: type (one or
 * a list), const, enum, properties, required, additionalProperties (false or
 * a schema), patternProperties, propertyNames, items, minimum, maximum,
 * maxLength, pattern (POSIX ERE), anyOf, oneOf and local $ref (#/$defs/NAME).
 * Any other keyword is an error, so the checker can never pass a schema it does
 * not understand. Exit 0 when valid; 1 with every violation listed; 2 on usage.
 *
 * json_schema_check --examples SCHEMA: checks every `examples` value in the
 * schema against the schema it sits in (an editor shows them as they are).
 */
#include <cjson/cJSON.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cJSON *root_schema;
static int errors;
static bool quiet; /* inside anyOf/oneOf branches: count, do not print */

static void fail(const char *path, const char *what)
{
	if (!quiet)
		fprintf(stderr, "%s: %s\n", *path ? path : "(document)", what);
	errors++;
}

static bool has_type(const cJSON *v, const char *type)
{
	if (!strcmp(type, "object")) return cJSON_IsObject(v);
	if (!strcmp(type, "array")) return cJSON_IsArray(v);
	if (!strcmp(type, "string")) return cJSON_IsString(v);
	if (!strcmp(type, "boolean")) return cJSON_IsBool(v);
	if (!strcmp(type, "null")) return cJSON_IsNull(v);
	if (!strcmp(type, "number")) return cJSON_IsNumber(v);
	if (!strcmp(type, "integer")) return cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble;
	return false;
}

static bool matches(const char *pattern, const char *text)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
		return false;
	bool ok = !regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	return ok;
}

static void check(const cJSON *schema, const cJSON *v, const char *path);

/* Validates quietly: for anyOf/oneOf branches. */
static bool passes(const cJSON *schema, const cJSON *v)
{
	int before = errors;
	bool was_quiet = quiet;
	quiet = true;
	check(schema, v, "");
	quiet = was_quiet;
	bool ok = errors == before;
	errors = before;
	return ok;
}

static void child(const cJSON *schema, const cJSON *v, const char *path, const char *key)
{
	char sub[1024];
	snprintf(sub, sizeof(sub), "%s/%s", path, key);
	check(schema, v, sub);
}

static void check(const cJSON *schema, const cJSON *v, const char *path)
{
	if (cJSON_IsTrue(schema))
		return;
	if (cJSON_IsFalse(schema)) {
		fail(path, "not allowed here");
		return;
	}
	const cJSON *kw;
	cJSON_ArrayForEach(kw, schema) {
		const char *k = kw->string;
		if (!strcmp(k, "$ref")) {
			const char *prefix = "#/$defs/";
			if (strncmp(kw->valuestring, prefix, strlen(prefix))) {
				fail(path, "only local #/$defs/ references are supported");
				continue;
			}
			const cJSON *target = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(root_schema, "$defs"), kw->valuestring + strlen(prefix));
			if (!target)
				fail(path, "dangling $ref");
			else
				check(target, v, path);
		} else if (!strcmp(k, "type")) {
			bool ok = false;
			if (cJSON_IsString(kw)) {
				ok = has_type(v, kw->valuestring);
			} else {
				const cJSON *t;
				cJSON_ArrayForEach(t, kw) ok |= has_type(v, t->valuestring);
			}
			if (!ok)
				fail(path, "wrong type");
		} else if (!strcmp(k, "const")) {
			if (!cJSON_Compare(kw, v, true))
				fail(path, "differs from const");
		} else if (!strcmp(k, "enum")) {
			bool ok = false;
			const cJSON *e;
			cJSON_ArrayForEach(e, kw) ok |= cJSON_Compare(e, v, true);
			if (!ok)
				fail(path, "not one of the enum values");
		} else if (!strcmp(k, "required")) {
			const cJSON *r;
			cJSON_ArrayForEach(r, kw)
				if (cJSON_IsObject(v) && !cJSON_GetObjectItemCaseSensitive(v, r->valuestring)) {
					char msg[256];
					snprintf(msg, sizeof(msg), "missing required '%s'", r->valuestring);
					fail(path, msg);
				}
		} else if (!strcmp(k, "properties") || !strcmp(k, "patternProperties") ||
			   !strcmp(k, "additionalProperties")) {
			if (!cJSON_IsObject(v))
				continue;
			const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
			const cJSON *patterns = cJSON_GetObjectItemCaseSensitive(schema, "patternProperties");
			const cJSON *extra = cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties");
			if (kw != (props ? props : patterns ? patterns
							    : extra))
				continue; /* the three are handled together, once */
			const cJSON *m;
			cJSON_ArrayForEach(m, v) {
				const cJSON *p = cJSON_GetObjectItemCaseSensitive(props, m->string);
				bool known = p != NULL;
				if (p)
					child(p, m, path, m->string);
				const cJSON *pp;
				cJSON_ArrayForEach(pp, patterns)
					if (matches(pp->string, m->string)) {
						known = true;
						child(pp, m, path, m->string);
					}
				if (!known && extra)
					child(extra, m, path, m->string);
			}
		} else if (!strcmp(k, "propertyNames")) {
			const cJSON *m;
			cJSON_ArrayForEach(m, v) {
				cJSON *name = cJSON_CreateString(m->string);
				child(kw, name, path, m->string);
				cJSON_Delete(name);
			}
		} else if (!strcmp(k, "items")) {
			if (!cJSON_IsArray(v))
				continue;
			int i = 0;
			const cJSON *item;
			cJSON_ArrayForEach(item, v) {
				char idx[32];
				snprintf(idx, sizeof(idx), "%d", i++);
				child(kw, item, path, idx);
			}
		} else if (!strcmp(k, "minimum") || !strcmp(k, "maximum")) {
			if (cJSON_IsNumber(v) && (k[1] == 'i' ? v->valuedouble < kw->valuedouble : v->valuedouble > kw->valuedouble))
				fail(path, k[1] == 'i' ? "below minimum" : "above maximum");
		} else if (!strcmp(k, "maxLength")) {
			size_t chars = 0; /* code points, as JSON Schema counts */
			for (const char *c = cJSON_IsString(v) ? v->valuestring : ""; *c; c++)
				chars += ((unsigned char)*c & 0xC0) != 0x80;
			if (chars > (size_t)kw->valuedouble)
				fail(path, "longer than maxLength");
		} else if (!strcmp(k, "pattern")) {
			if (cJSON_IsString(v) && !matches(kw->valuestring, v->valuestring))
				fail(path, "does not match the pattern");
		} else if (!strcmp(k, "anyOf") || !strcmp(k, "oneOf")) {
			int n = 0;
			const cJSON *s;
			cJSON_ArrayForEach(s, kw) n += passes(s, v);
			if (k[0] == 'a' ? n == 0 : n != 1)
				fail(path, k[0] == 'a' ? "matches none of anyOf" : "does not match exactly one of oneOf");
		} else if (strcmp(k, "$schema") && strcmp(k, "$id") && strcmp(k, "$defs") && strcmp(k, "title") &&
			   strcmp(k, "description") && strcmp(k, "format") && strcmp(k, "default") &&
			   strcmp(k, "examples")) {
			char msg[256];
			snprintf(msg, sizeof(msg), "the checker does not know the keyword '%s'", k);
			fail(path, msg);
		}
	}
}

static cJSON *load(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[16 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return cJSON_Parse(buf);
}

/* Every "examples" array under node, each value checked against the schema holding it. */
static void check_examples(const cJSON *node, const char *path)
{
	const cJSON *examples = cJSON_GetObjectItemCaseSensitive(node, "examples");
	if (cJSON_IsObject(node) && examples) {
		int i = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, examples) {
			char sub[1024];
			snprintf(sub, sizeof(sub), "%s/examples/%d", path, i++);
			check(node, e, sub);
		}
	}
	const cJSON *c;
	cJSON_ArrayForEach(c, node) {
		if (c->string && (!strcmp(c->string, "examples") || !strcmp(c->string, "enum") ||
				  !strcmp(c->string, "const") || !strcmp(c->string, "default")))
			continue; /* values, not schemas */
		if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			char sub[1024];
			snprintf(sub, sizeof(sub), "%s/%s", path, c->string ? c->string : "-");
			check_examples(c, sub);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--examples")) {
		cJSON *schema = load(argv[2]);
		if (!schema) {
			fprintf(stderr, "json_schema_check: cannot read or parse %s\n", argv[2]);
			return 2;
		}
		root_schema = schema;
		check_examples(schema, "");
		cJSON_Delete(schema);
		return errors ? 1 : 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: json_schema_check SCHEMA DOCUMENT | --examples SCHEMA\n");
		return 2;
	}
	cJSON *schema = load(argv[1]), *doc = load(argv[2]);
	if (!schema || !doc) {
		fprintf(stderr, "json_schema_check: cannot read or parse %s\n", !schema ? argv[1] : argv[2]);
		return 2;
	}
	root_schema = schema;
	check(schema, doc, "");
	cJSON_Delete(schema);
	cJSON_Delete(doc);
	return errors ? 1 : 0;
}
