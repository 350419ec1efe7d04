#ifndef SBXAPPLY_CMD_INIT_RENDER_H
#define SBXAPPLY_CMD_INIT_RENDER_H
/*
 * `sbxapply init --from-host`: the sandbox.yaml text that declares what one
 * round of observation found (the engine's observed set), so that a diff of it
 * shows nothing to do and an apply adopts everything.
 *
 * Pure: no I/O. Everything borrowed. The text never holds a secret value: an
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
};

struct init_summary {
	size_t models, packages, rules, sandboxes, envs;
	size_t secret_refs; /* env values written as ${VAR}: to be set before apply */
	size_t left_out;    /* things found that the file cannot declare (comments say why) */
};

void init_render(struct strbuf *out, const struct init_host *h, struct init_summary *sum);

/* True for a value shaped like a credential: a known token prefix, a password in a URL, a long random-looking word. */
bool init_value_looks_secret(const char *value);
/*
 * Appends s as a YAML scalar that reads back as s: plain when unambiguous,
 * else double-quoted. literal: `$` is doubled, so interpolation gives s back;
 * otherwise ${VAR} stays a reference.
 */
void init_yaml_scalar(struct strbuf *out, const char *s, bool literal);

#endif
