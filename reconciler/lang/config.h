#ifndef SBXAPPLY_LANG_CONFIG_H
#define SBXAPPLY_LANG_CONFIG_H
/*
 * The desired state read from sandbox.yaml: interpolated, validated, with every
 * reference checked and every value that must stay secret flagged.
 *
 * config_load() reads the file (or stdin for "-"), the .env beside it and the
 * environment, and fills `cfg` only when the whole file is valid: a file with
 * any error never yields a config, so nothing can be applied from it. Problems
 * go to `diags` (sorted), whose sources live in the config: print the diags
 * before config_release(). The config owns all its strings.
 */
#include <stdbool.h>
#include <stddef.h>

#include "io/yaml_doc.h"
#include "util/diag.h"
#include "lang/dotenv.h"
#include "util/strmap.h"

struct cfg_value {
	char *text;
	bool sensitive;
};

struct cfg_env {
	char *key;
	struct cfg_value value;
	struct ymark mark;
	bool from_global; /* inherited from the top-level env */
};

struct cfg_secret {
	char *service;
	struct cfg_value value; /* always sensitive */
	struct ymark mark;
};

struct cfg_strings {
	char **items;
	size_t nr, alloc;
	int *lines; /* where each item is written (for messages and annotations); NULL when not from the file */
	size_t lines_alloc;
};

struct cfg_model {
	char *ref;	   /* as written */
	char *canonical;   /* modelref_normalize(ref) */
	long context_size; /* 0: not set */
	struct cfg_strings runtime_flags;
	bool has_runtime_flags;
	struct ymark mark;
};

struct cfg_package {
	char *name;
	char *canonical;
	char *from; /* as written */
	char *from_canonical;
	long context_size;
	struct ymark mark;
};

struct cfg_policy {
	char *init; /* NULL: leave the store alone */
	int init_line;
	struct cfg_strings allow, deny;
};

struct cfg_sandbox {
	char *name;
	char *agent;
	char *workspace;	   /* absolute */
	struct cfg_strings mounts; /* absolute, ":ro" kept */
	char *model;		   /* as written, or NULL */
	char *model_canonical;
	long cpus;	     /* 0: sbx's default */
	char *memory;	     /* NULL: sbx's default */
	struct cfg_env *env; /* effective: top-level merged with own, sorted by key */
	size_t nr_env, alloc_env;
	struct cfg_policy policy; /* init unused */
	struct cfg_secret *secrets;
	size_t nr_secrets;
	struct ymark mark;
};

struct config {
	char *path;	    /* as given; "-" for stdin */
	char *display_name; /* for messages: the path, or "<stdin>" */
	char *dir;	    /* absolute directory that relative paths start from */
	char *project;
	char *runner_endpoint; /* NULL: discover */
	char *requires_sbx;    /* requires.sbx as written (util/verreq.h), or NULL */
	struct ymark requires_sbx_mark;
	struct cfg_model *models;
	size_t nr_models;
	struct cfg_package *packages;
	size_t nr_packages;
	struct cfg_policy policy;
	struct cfg_env *env;
	size_t nr_env, alloc_env;
	struct cfg_secret *secrets;
	size_t nr_secrets;
	struct cfg_sandbox *sandboxes;
	size_t nr_sandboxes;
	/* canonical ref -> cfg_model / cfg_package */
	struct strmap model_index, package_index;
	/* the sources the diagnostics point into */
	struct ydoc doc;
	struct dotenv dotenv;
};

struct config_options {
	/* Looks up a variable in the environment; NULL means getenv. */
	const char *(*getenv)(void *ctx, const char *name);
	void *getenv_ctx;
	/* Reads stdin when path is "-"; NULL means the process's stdin. */
	const char *stdin_text;
	size_t stdin_len;
	/*
	 * validate --offline (a CI runner, not the machine that applies): what only
	 * that machine has (variables and secrets set, workspaces and mounts present)
	 * is a warning instead of an error. Never used to apply: the config it gives
	 * may lack those secrets.
	 */
	bool offline;
};

/* Returns 0 with a valid config, -1 when diags holds at least one error. */
int config_load(struct config *cfg, const char *path, const struct config_options *opts,
		struct diag_list *diags);
/* Same, for text already in memory (tests, fuzzing); dir is where relative paths start. */
int config_parse(struct config *cfg, const char *display_name, const char *dir, const char *text,
		 size_t len, const struct config_options *opts, struct diag_list *diags);
void config_release(struct config *cfg);

const struct cfg_model *config_find_model(const struct config *cfg, const char *ref);
const struct cfg_package *config_find_package(const struct config *cfg, const char *ref);
/* The declared sandbox of that name, or NULL. */
const struct cfg_sandbox *config_find_sandbox(const struct config *cfg, const char *name);

#endif
