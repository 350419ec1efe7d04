#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang/config_build.h"
#include "refs/modelref.h"
#include "lang/validate.h"
#include "os/fileio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define MAX_CONFIG_SIZE (64u << 20)

struct lookup_ctx {
	const struct config_options *opts;
	const struct dotenv *dotenv;
};

/* The environment first, then .env beside the file, as Compose resolves them. */
static const char *lookup_var(void *ctx, const char *name)
{
	const struct lookup_ctx *l = ctx;
	const char *v = l->opts && l->opts->getenv ? l->opts->getenv(l->opts->getenv_ctx, name) : getenv(name);
	return v ? v : dotenv_get(l->dotenv, name);
}

/* A variable .env marks `# sensitive`, whichever source its value comes from. */
static bool var_sensitive(void *ctx, const char *name)
{
	const struct lookup_ctx *l = ctx;
	return dotenv_is_sensitive(l->dotenv, name);
}

/* "dir/sandbox.yaml" -> "dir/.env"; "sandbox.yaml" -> ".env" */
static char *sibling_name(const char *display_name, const char *file)
{
	const char *slash = strrchr(display_name, '/');
	if (!slash || !strcmp(display_name, "<stdin>"))
		return xstrdup(file);
	return xasprintf("%.*s/%s", (int)(slash - display_name), display_name, file);
}

int config_parse(struct config *cfg, const char *display_name, const char *dir, const char *text,
		 size_t len, const struct config_options *opts, struct diag_list *diags)
{
	size_t errors_before = diags->errors;
	memset(cfg, 0, sizeof(*cfg));
	cfg->display_name = xstrdup(display_name);
	cfg->dir = xstrdup(dir);
	if (!cfg->path)
		cfg->path = xstrdup(display_name);

	char *env_display = sibling_name(display_name, ".env");
	char *env_path = xasprintf("%s/.env", dir);
	dotenv_load(&cfg->dotenv, env_path, env_display, diags);
	free(env_path);
	free(env_display);

	if (ydoc_load(&cfg->doc, display_name, text, len, diags) == 0) {
		struct lookup_ctx ctx = { opts, &cfg->dotenv };
		bool offline = opts && opts->offline;
		struct interp_env env = { .lookup = lookup_var, .ctx = &ctx, .is_sensitive = var_sensitive, .offline = offline };
		validate_document(&cfg->doc, &env, diags);
		config_build(cfg, offline, diags);
	}
	diag_list_sort(diags);
	return diags->errors > errors_before ? -1 : 0;
}

static char *absolute_dir_of(const char *path)
{
	char *copy = xstrdup(path), *slash = strrchr(copy, '/');
	const char *dir = ".";
	if (slash == copy)
		dir = "/";
	else if (slash) {
		*slash = '\0';
		dir = copy;
	}
	char *real = realpath(dir, NULL);
	char *out = real ? real : xstrdup(dir);
	free(copy);
	return out;
}

int config_load(struct config *cfg, const char *path, const struct config_options *opts, struct diag_list *diags)
{
	struct strbuf text = STRBUF_INIT;
	bool from_stdin = !strcmp(path, "-");
	const char *name = from_stdin ? "<stdin>" : path;
	static const struct diag_source no_source = { "sbxapply", NULL, 0 };
	int rc = 0;

	if (from_stdin && opts && opts->stdin_text)
		strbuf_add(&text, opts->stdin_text, opts->stdin_len);
	else
		rc = from_stdin ? read_stream(stdin, &text, MAX_CONFIG_SIZE) : read_file(path, &text, MAX_CONFIG_SIZE);
	if (rc < 0) {
		memset(cfg, 0, sizeof(*cfg));
		diag_add(diags, DIAG_ERROR, &no_source, 0, 0, "cannot read '%s': %s", name,
			 errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
		strbuf_release(&text);
		return -1;
	}
	char *dir = from_stdin ? getcwd(NULL, 0) : absolute_dir_of(path);
	rc = config_parse(cfg, name, dir ? dir : ".", text.buf, text.len, opts, diags);
	free(cfg->path);
	cfg->path = xstrdup(path);
	free(dir);
	strbuf_release(&text);
	return rc;
}

static void release_strings(struct cfg_strings *s)
{
	for (size_t i = 0; i < s->nr; i++)
		free(s->items[i]);
	free(s->items);
	free(s->lines);
}

static void release_policy(struct cfg_policy *p)
{
	free(p->init);
	release_strings(&p->allow);
	release_strings(&p->deny);
}

static void release_env(struct cfg_env *env, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(env[i].key);
		free(env[i].value.text);
	}
	free(env);
}

static void release_secrets(struct cfg_secret *s, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(s[i].service);
		free(s[i].value.text);
	}
	free(s);
}

void config_release(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nr_models; i++) {
		free(cfg->models[i].ref);
		free(cfg->models[i].canonical);
		release_strings(&cfg->models[i].runtime_flags);
	}
	free(cfg->models);
	for (size_t i = 0; i < cfg->nr_packages; i++) {
		free(cfg->packages[i].name);
		free(cfg->packages[i].canonical);
		free(cfg->packages[i].from);
		free(cfg->packages[i].from_canonical);
	}
	free(cfg->packages);
	release_policy(&cfg->policy);
	release_env(cfg->env, cfg->nr_env);
	release_secrets(cfg->secrets, cfg->nr_secrets);
	for (size_t i = 0; i < cfg->nr_sandboxes; i++) {
		struct cfg_sandbox *sb = &cfg->sandboxes[i];
		free(sb->name);
		free(sb->agent);
		free(sb->workspace);
		release_strings(&sb->mounts);
		free(sb->model);
		free(sb->model_canonical);
		free(sb->memory);
		release_env(sb->env, sb->nr_env);
		release_policy(&sb->policy);
		release_secrets(sb->secrets, sb->nr_secrets);
	}
	free(cfg->sandboxes);
	free(cfg->path);
	free(cfg->display_name);
	free(cfg->dir);
	free(cfg->project);
	free(cfg->runner_endpoint);
	free(cfg->requires_sbx);
	strmap_release(&cfg->model_index);
	strmap_release(&cfg->package_index);
	ydoc_release(&cfg->doc);
	dotenv_release(&cfg->dotenv);
	memset(cfg, 0, sizeof(*cfg));
}

const struct cfg_model *config_find_model(const struct config *cfg, const char *ref)
{
	char *canonical = modelref_normalize(ref);
	const struct cfg_model *found = strmap_get(&cfg->model_index, canonical);
	free(canonical);
	return found;
}

const struct cfg_package *config_find_package(const struct config *cfg, const char *ref)
{
	char *canonical = modelref_normalize(ref);
	const struct cfg_package *found = strmap_get(&cfg->package_index, canonical);
	free(canonical);
	return found;
}

const struct cfg_sandbox *config_find_sandbox(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nr_sandboxes; i++)
		if (!strcmp(cfg->sandboxes[i].name, name))
			return &cfg->sandboxes[i];
	return NULL;
}
