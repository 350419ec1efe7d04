#include "sbx_env.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"
#include "util/xalloc.h"

/*
 * Runs as `env -u BASH_ENV bash -c SCRIPT sbxapply MODE FILE [LINE...]`:
 * BASH_ENV is dropped so that reading the file does not first source (run) it.
 * $0 is "sbxapply". Marker lines are matched by prefix so the BEGIN line may
 * carry a comment; a second block is merged into the first, an unterminated
 * one runs to the end of the file.
 */
const char sbx_env_script[] =
	"set -eu\n"
	"mode=$1 f=$2; shift 2\n"
	"begin='" SBX_ENV_BEGIN "' end='" SBX_ENV_END "'\n"
	"if [ \"$mode\" = read ]; then\n"
	"  [ -e \"$f\" ] || exit 0\n"
	"  in=0\n"
	"  while IFS= read -r l || [ -n \"$l\" ]; do\n"
	"    case $in$l in\n"
	"      \"0$begin\"*) in=1; printf '%s\\n' \"$l\" ;;\n"
	"      \"1$end\"*) in=0; printf '%s\\n' \"$l\" ;;\n"
	"      1*) printf '%s\\n' \"$l\" ;;\n"
	"    esac\n"
	"  done < \"$f\"\n"
	"  exit 0\n"
	"fi\n"
	"[ \"$mode\" = write ] || { echo \"sbxapply: unknown mode $mode\" >&2; exit 2; }\n"
	"lines=()\n"
	"for a in \"$@\"; do\n"
	"  if [ \"$a\" = - ]; then IFS= read -r -d '' a || { echo 'sbxapply: value missing on stdin' >&2; exit 3; }; fi\n"
	"  lines+=(\"$a\")\n"
	"done\n"
	"emit() {\n"
	"  [ ${#lines[@]} -gt 0 ] || return 0\n"
	"  printf '%s\\n' \"$begin (managed by sbxapply: edit sandbox.yaml, not this block)\" \"${lines[@]}\" \"$end\"\n"
	"}\n"
	"umask 022\n"
	"tmp=$(mktemp)\n"
	"trap 'rm -f \"$tmp\"' EXIT\n"
	"in=0 put=0\n"
	"{\n"
	"  if [ -e \"$f\" ]; then\n"
	"    while IFS= read -r l || [ -n \"$l\" ]; do\n"
	"      case $in$l in\n"
	"        \"0$begin\"*) in=1 ;;\n"
	"        \"1$end\"*) in=0; [ $put = 1 ] || emit; put=1 ;;\n"
	"        1*) ;;\n"
	"        *) printf '%s\\n' \"$l\" ;;\n"
	"      esac\n"
	"    done < \"$f\"\n"
	"  fi\n"
	"  [ $put = 1 ] || emit\n"
	"} > \"$tmp\"\n"
	"cat \"$tmp\" > \"$f\"\n";

bool sbx_env_key_valid(const char *key)
{
	if (!key || !(isalpha((unsigned char)key[0]) || key[0] == '_'))
		return false;
	for (const char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

void sbx_env_quote(struct strbuf *out, const char *value)
{
	strbuf_addch(out, '\'');
	for (const char *p = value; *p; p++) {
		if (*p == '\'')
			strbuf_addstr(out, "'\\''");
		else
			strbuf_addch(out, *p);
	}
	strbuf_addch(out, '\'');
}

char *sbx_env_line(const char *key, const char *value)
{
	if (!sbx_env_key_valid(key) || strpbrk(value, "\r\n"))
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "export %s=", key);
	sbx_env_quote(&sb, value);
	return strbuf_detach(&sb, NULL);
}

/* Characters a value may hold unquoted and still mean themselves. */
static bool plain(char c)
{
	return isalnum((unsigned char)c) || strchr("_./:@%+,-=", c);
}

/* Parses "KEY=QUOTED" after "export "; -1 when it is not what sbxapply writes. */
static int parse_export(const char *p, size_t n, struct sbx_env_var *out)
{
	const char *eq = memchr(p, '=', n);
	if (!eq)
		return -1;
	char *key = xstrndup(p, (size_t)(eq - p));
	if (!sbx_env_key_valid(key)) {
		free(key);
		return -1;
	}
	struct strbuf v = STRBUF_INIT;
	const char *q = eq + 1, *end = p + n;
	while (q < end) {
		if (*q == '\'') {
			const char *close = memchr(q + 1, '\'', (size_t)(end - q - 1));
			if (!close)
				goto bad;
			strbuf_add(&v, q + 1, (size_t)(close - q - 1));
			q = close + 1;
		} else if (*q == '\\' && q + 1 < end) {
			strbuf_addch(&v, q[1]);
			q += 2;
		} else if (plain(*q)) {
			strbuf_addch(&v, *q++);
		} else {
			goto bad;
		}
	}
	out->key = key;
	out->value = strbuf_detach(&v, NULL);
	return 0;
bad:
	free(key);
	strbuf_release(&v);
	return -1;
}

int sbx_env_parse_block(const char *text, size_t len, struct sbx_env_var **out, size_t *nr, size_t *malformed)
{
	struct sbx_env_var *v = NULL;
	size_t n = 0, alloc = 0;
	*malformed = 0;
	bool in = false, found = false;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!in) {
			in = l >= strlen(SBX_ENV_BEGIN) && !memcmp(p, SBX_ENV_BEGIN, strlen(SBX_ENV_BEGIN));
			found |= in;
		} else if (l >= strlen(SBX_ENV_END) && !memcmp(p, SBX_ENV_END, strlen(SBX_ENV_END))) {
			in = false;
		} else if (l) {
			struct sbx_env_var var;
			if (l > 7 && !memcmp(p, "export ", 7) && parse_export(p + 7, l - 7, &var) == 0) {
				/* a key twice: the later line wins, as when the file is sourced */
				size_t i;
				for (i = 0; i < n && strcmp(v[i].key, var.key); i++)
					;
				if (i < n) {
					free(v[i].value);
					v[i].value = var.value;
					free(var.key);
					(*malformed)++;
				} else {
					XGROW(v, alloc, n + 1);
					v[n++] = var;
				}
			} else {
				(*malformed)++;
			}
		}
		p = nl ? nl + 1 : end;
	}
	*out = v;
	*nr = n;
	return found ? 1 : 0;
}

void sbx_env_vars_free(struct sbx_env_var *vars, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(vars[i].key);
		free(vars[i].value);
	}
	free(vars);
}
