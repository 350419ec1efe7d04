#include "compose_hint.h"

#include <stdlib.h>
#include <string.h>

#include "lang/interpolate.h"
#include "util/xalloc.h"

#define SHOWN_MAX 4

/* A plain YAML scalar in flow context is safe for these; anything else is double-quoted. */
static bool plain_ok(const char *v, size_t n)
{
	if (!n || v[0] == ' ' || v[n - 1] == ' ' || strchr("-?:!&*|>'\"%@`#", v[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (strchr(",[]{}#\n\t\\", v[i]) || (v[i] == ':' && (i + 1 == n || v[i + 1] == ' ')) || !v[i])
			return false;
	return true;
}

static void add_entry(struct strbuf *out, const char *key, size_t key_len, const char *value, size_t value_len,
		      bool has_value)
{
	char *name = xstrndup(key, key_len);
	bool hide = !has_value || name_looks_secret(name);
	strbuf_add(out, key, key_len);
	strbuf_addstr(out, ": ");
	if (hide) {
		strbuf_addstr(out, "${");
		strbuf_add(out, key, key_len);
		strbuf_addch(out, '}');
	} else if (plain_ok(value, value_len)) {
		strbuf_add(out, value, value_len);
	} else {
		strbuf_add_json_string(out, value, value_len);
	}
	free(name);
}

void compose_env_as_map(const struct ynode *env, struct strbuf *out)
{
	size_t shown = 0, total = 0;
	strbuf_addstr(out, "env: {");
	if (env && env->kind == YNODE_SEQ) {
		total = env->nr_items;
		for (size_t i = 0; i < env->nr_items && shown < SHOWN_MAX; i++) {
			const struct ynode *item = env->items[i];
			if (item->kind != YNODE_SCALAR || !item->len)
				continue;
			const char *eq = memchr(item->value, '=', item->len);
			size_t key_len = eq ? (size_t)(eq - item->value) : item->len;
			strbuf_addstr(out, shown ? ", " : "");
			add_entry(out, item->value, key_len, eq ? eq + 1 : "", eq ? item->len - key_len - 1 : 0, eq != NULL);
			shown++;
		}
	} else if (env && env->kind == YNODE_MAP) {
		total = env->nr_pairs;
		for (size_t i = 0; i < env->nr_pairs && shown < SHOWN_MAX; i++) {
			const struct ypair *p = &env->pairs[i];
			bool scalar = p->value && p->value->kind == YNODE_SCALAR;
			strbuf_addstr(out, shown ? ", " : "");
			add_entry(out, p->key->value, p->key->len, scalar ? p->value->value : "", scalar ? p->value->len : 0,
				  scalar && !ynode_is_null(p->value));
			shown++;
		}
	}
	if (!shown)
		strbuf_addstr(out, "KEY: value");
	else if (total > shown)
		strbuf_addstr(out, ", ...");
	strbuf_addch(out, '}');
}
