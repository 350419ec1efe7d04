#ifndef SBXAPPLY_CMD_INIT_RENDER_H
#define SBXAPPLY_CMD_INIT_RENDER_H
/*
 * `sbxapply init --from-host`: the sandbox.yaml text that declares what one
 * round of observation found (the engine's observed set), so that a diff of it
 * shows nothing to do and an apply adopts everything.
 *
 * Pure but for stat(2) of the paths found. Everything borrowed. init_yaml.c
 * holds the scalar writer and the secret test, which import uses too. The text never holds a secret value: an
 * env value that looks like a secret (by its name, its shape, or a secret
 * service sbx holds) becomes a ${VAR} reference. What cannot be declared is
 * written as a comment saying why. Every entry carries a comment naming where
 * it came from.
 */
#include <stdbool.h>
#include <stddef.h>

#include "backends/sbx/sbx_parse.h"
#include "plan/resource.h"
#include "util/strbuf.h"
#include "util/strmap.h"

struct init_host {
	const struct resource_set *observed;
	const struct sbx_sandbox *sandboxes; /* `sbx ls`, for status, id and the raw mount list */
	size_t nr_sandboxes;
	const char *project;	 /* the project's name */
	const char *project_dir; /* absolute, symlinks resolved: workspaces inside it are written relative */
	const char *home;	 /* $HOME (resolved) or NULL: never a read-write workspace */
	const char *runner_url, *runner_found_via;
	const char *sbx_path, *sbx_version;
	const char *generated_at; /* a UTC date for the header */
	bool refresh;		  /* stopped sandboxes' env was read too */
	/*
	 * Entries to write as comments instead, id -> why (NULL: none): what the
	 * validator refused in an earlier rendering (cmd_init.c renders again).
	 */
	const struct strmap *left_out;
};

/*
 * Where each entry landed in the text, so that a validation error can be
 * traced to the entry that caused it. Ids: "model/REF", "package/REF",
 * "rule/NAME" (kind_policy.c's names), "sandbox/NAME", "env/SANDBOX/KEY";
 * spans nest (a sandbox holds its rules and env).
 */
struct init_span {
	char *id;
	size_t start, end; /* byte offsets in the text */
};

struct init_spans {
	struct init_span *items;
	size_t nr, alloc;
};

/* The innermost span holding byte offset `at`, or NULL. */
const struct init_span *init_spans_at(const struct init_spans *spans, size_t at);
void init_spans_release(struct init_spans *spans);

struct init_summary {
	size_t models, packages, rules, sandboxes, envs;
	size_t secret_refs; /* env values written as ${VAR}: to be set before apply */
	size_t left_out;    /* things found that the file cannot declare (comments say why) */
};

/* spans may be NULL. */
void init_render(struct strbuf *out, const struct init_host *h, struct init_summary *sum, struct init_spans *spans);

/* Appends a JSON array of strings (the runner's runtime_flags) as a YAML flow sequence; false when it is not one. */
bool init_flags_yaml(struct strbuf *out, const char *json);
/* True for a value shaped like a credential: a known token prefix, a password in a URL, a long random-looking word. */
bool init_value_looks_secret(const char *value);
/*
 * Appends s as a YAML scalar that reads back as s: plain when unambiguous,
 * else double-quoted. literal: `$` is doubled, so interpolation gives s back;
 * otherwise ${VAR} stays a reference.
 */
void init_yaml_scalar(struct strbuf *out, const char *s, bool literal);

#endif
