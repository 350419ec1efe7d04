#ifndef SBXAPPLY_BACKENDS_SBX_SBX_PROBE_H
#define SBXAPPLY_BACKENDS_SBX_SBX_PROBE_H
/*
 * The guide's steps 4 and 5 checked from inside a sandbox, for
 * `sbxapply verify`: one `sbx exec` of a constant script that
 *
 *   1. reads a base-URL variable the way the agent gets it: from a bash login
 *      shell, or else by sourcing /etc/sandbox-persistent.sh as a login shell
 *      would (docs/backends.md §11);
 *   2. GETs BASE+models_path with curl, through the sandbox's proxy as every
 *      request leaving a sandbox goes (docs/backends.md §9);
 *   3. unless the proxy refused, nothing answered or chat_path is empty,
 *      POSTs the body to BASE+chat_path (docs/backends.md §5).
 *
 * The script never contains data: the variable's name, paths, timeouts and
 * the request body are positional arguments (`sbx exec NAME bash -l -c
 * SCRIPT sbxapply VAR MODELS_PATH CHAT_PATH MODELS_S CHAT_S BODY`). It prints
 * records "@sbxapply KEY LEN\n" followed by LEN bytes and "\n", so what the
 * login shell prints first and bodies with any bytes are read safely.
 */
#include <stdbool.h>
#include <stddef.h>

#include "backends/sbx/sbx.h"
#include "util/strbuf.h"

extern const char sbx_probe_script[];

struct sbx_probe_request {
	const char *var;	 /* "ANTHROPIC_BASE_URL"; [A-Za-z_][A-Za-z0-9_]* */
	const char *models_path; /* "/models" */
	const char *chat_path;	 /* "/v1/messages"; "": no second request */
	const char *body;	 /* JSON */
	int models_timeout_s, chat_timeout_s;
};

struct sbx_probe_http {
	bool ran;
	int curl_exit;	     /* curl's exit code (7: cannot connect, 28: timeout, 56: CONNECT refused, ...) */
	long status;	     /* 0: no HTTP answer */
	struct strbuf body;  /* the first 8 KiB */
	struct strbuf error; /* curl's own message (-sS), the first 1 KiB */
};

enum sbx_probe_end {
	SBX_PROBE_INCOMPLETE, /* the script did not finish (killed, or its output was cut) */
	SBX_PROBE_UNSET,      /* the variable is not set */
	SBX_PROBE_INVALID,    /* set, but not an http:// or https:// URL */
	SBX_PROBE_NO_CURL,    /* curl is not installed in the sandbox */
	SBX_PROBE_MODELS,     /* stopped after the GET (refused, or no answer) */
	SBX_PROBE_DONE,	      /* both requests made */
};

struct sbx_probe_result {
	enum sbx_probe_end end;
	char *base;	/* the variable's value, NULL when unset */
	bool from_file; /* the login shell lacked it; sourcing the persistent file gave it */
	struct sbx_probe_http models, chat;
};

void sbx_probe_result_init(struct sbx_probe_result *r);
void sbx_probe_result_release(struct sbx_probe_result *r);
/* Parses what the script printed (anything before the first record is skipped). Pure; returns 0. */
int sbx_probe_parse(const char *text, size_t len, struct sbx_probe_result *out);

/*
 * Runs the script in the sandbox, which `sbx exec` starts when it is stopped:
 * the caller decides whether that may happen. The call's timeout covers both
 * requests. 0 with out filled, or -1 with err (sbx failed, or the sandbox is missing).
 */
int sbx_probe_run(struct sbx_client *c, const char *sandbox, const struct sbx_probe_request *req,
		  struct sbx_probe_result *out, struct strbuf *err);

/* How the sandbox proxy refused a request, from its answer (docs/backends.md §9). */
enum sbx_proxy_refusal {
	SBX_PROXY_NOT_REFUSED,
	SBX_PROXY_NO_RULE,    /* no allow rule matches: blocked by the default deny */
	SBX_PROXY_LOCAL_DENY, /* "Blocked by local rule for HOST": a deny rule the user added */
	SBX_PROXY_ORG,	      /* "Blocked by org policy" */
	SBX_PROXY_RULE_DENY,  /* another deny rule (a preset's or a kit's), named in the body */
};
enum sbx_proxy_refusal sbx_proxy_refusal(const struct sbx_probe_http *h);
/*
 * The network rule resource the proxy matches for a URL: host:port, with
 * host.docker.internal rewritten to localhost and the scheme's default port
 * ("http://host.docker.internal:12434" -> "localhost:12434"). NULL when the
 * URL has no host. Malloc'd.
 */
char *sbx_proxy_rule_for_url(const char *url);

#endif
