#include "sbx_probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refs/rulematch.h"
#include "util/strutil.h"
#include "util/xalloc.h"

/*
 * Runs as `bash -l -c SCRIPT sbxapply VAR MODELS_PATH CHAT_PATH MODELS_S CHAT_S BODY`.
 * Sourcing the persistent file happens in a subshell with its output dropped,
 * so a line in it that exits or prints cannot disturb the records. A base
 * that does not start with http:// or https:// is never handed to curl (it
 * could read as an option). curl follows the sandbox's HTTP(S)_PROXY, as the
 * agent's requests do.
 */
const char sbx_probe_script[] =
	"export LC_ALL=C\n"
	"var=$1 models_path=$2 chat_path=$3 models_max=$4 chat_max=$5 body=$6\n"
	"t=$(mktemp -d 2>/dev/null) || t=/tmp/sbxapply-verify.$$\n"
	"mkdir -p \"$t\" || exit 3\n"
	"trap 'rm -rf \"$t\"' EXIT\n"
	"emit() { printf '@sbxapply %s %s\\n' \"$1\" \"$(wc -c <\"$2\" | tr -d ' ')\"; cat \"$2\"; printf '\\n'; }\n"
	"say() { printf '%s' \"$2\" >\"$t/v\"; emit \"$1\" \"$t/v\"; }\n"
	"end() { say end \"$1\"; exit 0; }\n"
	"from=login\n"
	"base=$(printenv \"$var\")\n"
	"if [ -z \"$base\" ] && [ -r /etc/sandbox-persistent.sh ]; then\n"
	"  from=file\n"
	"  base=$(. /etc/sandbox-persistent.sh >/dev/null 2>&1 </dev/null; printenv \"$var\")\n"
	"fi\n"
	"say base \"$base\"\n"
	"say from \"$from\"\n"
	"[ -n \"$base\" ] || end unset\n"
	"case $base in http://* | https://*) ;; *) end invalid ;; esac\n"
	"command -v curl >/dev/null 2>&1 || end nocurl\n"
	"base=${base%/}\n"
	"probe() {\n"
	"  n=$1 max=$2; shift 2\n"
	"  code=$(curl -sS -o \"$t/$n.body\" -w '%{http_code}' --max-time \"$max\" \"$@\" 2>\"$t/$n.err\")\n"
	"  say \"$n.exit\" \"$?\"\n"
	"  say \"$n.status\" \"$code\"\n"
	"  head -c 8192 \"$t/$n.body\" >\"$t/$n.b\" 2>/dev/null || : >\"$t/$n.b\"\n"
	"  emit \"$n.body\" \"$t/$n.b\"\n"
	"  head -c 1024 \"$t/$n.err\" >\"$t/$n.e\" 2>/dev/null || : >\"$t/$n.e\"\n"
	"  emit \"$n.error\" \"$t/$n.e\"\n"
	"}\n"
	"probe models \"$models_max\" -H 'Accept: application/json' \"$base$models_path\"\n"
	"case $code in 000 | 403 | 502 | 503 | 504) end models ;; esac\n"
	"[ -n \"$chat_path\" ] || end models\n"
	"printf '%s' \"$body\" >\"$t/req\"\n"
	"probe chat \"$chat_max\" -H 'Content-Type: application/json' -H 'anthropic-version: 2023-06-01' \\\n"
	"  --data-binary \"@$t/req\" \"$base$chat_path\"\n"
	"end done\n";

#define RECORD "@sbxapply "

void sbx_probe_result_init(struct sbx_probe_result *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->models.body);
	strbuf_init(&r->models.error);
	strbuf_init(&r->chat.body);
	strbuf_init(&r->chat.error);
}

void sbx_probe_result_release(struct sbx_probe_result *r)
{
	free(r->base);
	strbuf_release(&r->models.body);
	strbuf_release(&r->models.error);
	strbuf_release(&r->chat.body);
	strbuf_release(&r->chat.error);
	sbx_probe_result_init(r);
}

static long number(const char *v, size_t n)
{
	char buf[24];
	if (!n || n >= sizeof(buf))
		return 0;
	memcpy(buf, v, n);
	buf[n] = '\0';
	long out;
	return str_to_long(buf, 0, 1000000, &out) ? out : 0;
}

static void record(struct sbx_probe_result *r, const char *key, const char *v, size_t n)
{
	struct sbx_probe_http *h = !strncmp(key, "models.", 7) ? &r->models : !strncmp(key, "chat.", 5) ? &r->chat
													: NULL;
	const char *field = h ? strchr(key, '.') + 1 : key;
	if (h) {
		h->ran = true;
		if (!strcmp(field, "exit"))
			h->curl_exit = (int)number(v, n);
		else if (!strcmp(field, "status"))
			h->status = number(v, n);
		else if (!strcmp(field, "body"))
			strbuf_add(&h->body, v, n);
		else if (!strcmp(field, "error"))
			strbuf_add(&h->error, v, n);
	} else if (!strcmp(key, "base")) {
		free(r->base);
		r->base = n && !memchr(v, '\0', n) ? xstrndup(v, n) : NULL;
	} else if (!strcmp(key, "from")) {
		r->from_file = n == 4 && !memcmp(v, "file", 4);
	} else if (!strcmp(key, "end")) {
		static const struct {
			const char *word;
			enum sbx_probe_end end;
		} ends[] = { { "unset", SBX_PROBE_UNSET }, { "invalid", SBX_PROBE_INVALID }, { "nocurl", SBX_PROBE_NO_CURL }, { "models", SBX_PROBE_MODELS }, { "done", SBX_PROBE_DONE } };
		for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
			if (strlen(ends[i].word) == n && !memcmp(v, ends[i].word, n))
				r->end = ends[i].end;
	}
}

int sbx_probe_parse(const char *text, size_t len, struct sbx_probe_result *out)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		size_t rl = strlen(RECORD);
		if ((size_t)(nl - p) > rl && !memcmp(p, RECORD, rl)) {
			/* "KEY LEN" */
			const char *key = p + rl, *sp = memchr(key, ' ', (size_t)(nl - key));
			if (sp && sp - key < 32) {
				char k[32];
				memcpy(k, key, (size_t)(sp - key));
				k[sp - key] = '\0';
				long n = number(sp + 1, (size_t)(nl - sp - 1));
				const char *v = nl + 1;
				if ((sp + 1 == nl || (n == 0 && sp[1] != '0')) || n > end - v)
					break; /* a malformed or cut record: what follows cannot be trusted */
				record(out, k, v, (size_t)n);
				p = v + n;
				if (p < end && *p == '\n')
					p++;
				continue;
			}
		}
		p = nl + 1;
	}
	return 0;
}

int sbx_probe_run(struct sbx_client *c, const char *sandbox, const struct sbx_probe_request *req,
		  struct sbx_probe_result *out, struct strbuf *err)
{
	char models_s[16], chat_s[16];
	snprintf(models_s, sizeof(models_s), "%d", req->models_timeout_s);
	snprintf(chat_s, sizeof(chat_s), "%d", req->chat_timeout_s);
	const char *args[] = { "exec", sandbox, "bash", "-l", "-c",
			       sbx_probe_script, "sbxapply", req->var, req->models_path, req->chat_path,
			       models_s, chat_s, req->body, NULL };
	/* both requests may take their whole time: a first request loads the model. Several sandboxes are
	 * probed at once through one client, so the longer timeout is this call's, not the client's. */
	int need = (req->models_timeout_s + req->chat_timeout_s + 30) * 1000;
	struct spawn_result res = SPAWN_RESULT_INIT;
	int rc = sbx_call_timeout(c, args, NULL, 0, c->timeout_ms > need ? c->timeout_ms : need, &res, err);
	if (rc == 0)
		sbx_probe_parse(res.out.buf, res.out.len, out);
	spawn_result_release(&res);
	return rc;
}

static bool contains(const struct strbuf *sb, const char *needle)
{
	return strstr(sb->buf, needle) != NULL;
}

enum sbx_proxy_refusal sbx_proxy_refusal(const struct sbx_probe_http *h)
{
	if (h->status == 403) {
		/* the three shapes of https://github.com/docker/sbx-releases/issues/567 */
		if (contains(&h->body, "Blocked by local rule"))
			return SBX_PROXY_LOCAL_DENY;
		if (contains(&h->body, "Blocked by org policy"))
			return SBX_PROXY_ORG;
		if (contains(&h->body, "Blocked by network policy"))
			return contains(&h->body, "rule:") ? SBX_PROXY_RULE_DENY : SBX_PROXY_NO_RULE;
		return SBX_PROXY_NOT_REFUSED; /* a 403 of the runner's own */
	}
	/* https:// goes through CONNECT, and curl reports the refusal itself */
	if (h->status == 0 && contains(&h->error, "CONNECT tunnel failed, response 403"))
		return SBX_PROXY_NO_RULE;
	return SBX_PROXY_NOT_REFUSED;
}

char *sbx_proxy_rule_for_url(const char *url)
{
	char *host;
	int port;
	if (!rulematch_parse_url(url, &host, &port) || !*host) {
		free(host);
		return NULL;
	}
	struct strbuf rule = STRBUF_INIT;
	rulematch_rule_for(&rule, rulematch_destination(host), port);
	free(host);
	return strbuf_detach(&rule, NULL);
}
