#include "config_build.h"
#include "config_build_parts.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lang/config_guide.h"
#include "lang/interpolate.h"
#include "lang/schema.h"
#include "refs/modelref.h"
#include "refs/policyrule.h"
#include "lang/validate.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/strutil.h"
#include "util/xalloc.h"

static char *dup_text(const struct ynode *n)
{
	const char *t = text_of(n);
	return t ? xstrdup(t) : NULL;
}

static long long_of(const struct ynode *n)
{
	const char *t = text_of(n);
	long v;
	return t && str_to_long(t, LONG_MIN, LONG_MAX, &v) ? v : 0;
}

static bool is_map(const struct ynode *n) { return n && n->kind == YNODE_MAP; }

static void strings_of(const struct ynode *seq, struct cfg_strings *out)
{
	if (!seq || seq->kind != YNODE_SEQ)
		return;
	for (size_t i = 0; i < seq->nr_items; i++) {
		char *t = dup_text(seq->items[i]);
		if (!t)
			continue;
		add_string(out, t);
		XGROW(out->lines, out->lines_alloc, out->nr);
		out->lines[out->nr - 1] = seq->items[i]->mark.line;
	}
}

/* The declared model or package closest to ref, compared in the CLI's short form. */
static const char *suggest_model(const struct config *cfg, const char *ref)
{
	size_t total = cfg->nr_models + cfg->nr_packages, n = 0;
	char **shorts = xmalloc((total + 1) * sizeof(*shorts));
	const char **written = xmalloc((total + 1) * sizeof(*written));
	for (size_t i = 0; i < cfg->nr_models; i++, n++) {
		shorts[n] = modelref_display(cfg->models[i].ref);
		written[n] = cfg->models[i].ref;
	}
	for (size_t i = 0; i < cfg->nr_packages; i++, n++) {
		shorts[n] = modelref_display(cfg->packages[i].name);
		written[n] = cfg->packages[i].name;
	}
	char *want = modelref_display(ref);
	const char *hint = str_suggest(want, (const char *const *)shorts, n);
	const char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		if (hint == shorts[i])
			found = written[i];
		free(shorts[i]);
	}
	free(want);
	free(shorts);
	free(written);
	return found;
}

static void build_models(struct builder *b, const struct ynode *models)
{
	struct config *cfg = b->cfg;
	if (!is_map(models))
		return;
	cfg->models = xcalloc(models->nr_pairs, sizeof(*cfg->models));
	for (size_t i = 0; i < models->nr_pairs; i++) {
		const struct ypair *p = &models->pairs[i];
		const char *ref = text_of(p->key);
		if (!ref)
			continue;
		char *canonical = modelref_normalize(ref);
		const struct cfg_model *twin = config_find_model(cfg, ref);
		if (twin) {
			/* the same text twice is a duplicate key, which the loader reported */
			if (strcmp(twin->ref, ref))
				error_at(b, p->key->mark, "'%s' names the same model as '%s' (line %d)", ref,
					 twin->ref, twin->mark.line);
			free(canonical);
			continue;
		}
		struct cfg_model *m = &cfg->models[cfg->nr_models++];
		m->ref = xstrdup(ref);
		m->canonical = canonical;
		strmap_put(&cfg->model_index, canonical, m);
		m->mark = p->key->mark;
		if (is_map(p->value)) {
			m->context_size = long_of(field(p->value, "context_size"));
			const struct ynode *flags = field(p->value, "runtime_flags");
			m->has_runtime_flags = flags != NULL;
			strings_of(flags, &m->runtime_flags);
		}
	}
}

static void build_packages(struct builder *b, const struct ynode *packages)
{
	struct config *cfg = b->cfg;
	if (!is_map(packages))
		return;
	cfg->packages = xcalloc(packages->nr_pairs, sizeof(*cfg->packages));
	for (size_t i = 0; i < packages->nr_pairs; i++) {
		const struct ypair *p = &packages->pairs[i];
		const char *name = text_of(p->key);
		if (!name || !is_map(p->value))
			continue;
		const struct cfg_model *model = config_find_model(cfg, name);
		const struct cfg_package *twin = config_find_package(cfg, name);
		if (model || twin) {
			error_at(b, p->key->mark, "package '%s' names the same model as '%s' (line %d)", name,
				 model ? model->ref : twin->name, model ? model->mark.line : twin->mark.line);
			continue;
		}
		struct cfg_package *pkg = &cfg->packages[cfg->nr_packages++];
		pkg->name = xstrdup(name);
		pkg->canonical = modelref_normalize(name);
		strmap_put(&cfg->package_index, pkg->canonical, pkg);
		pkg->mark = p->key->mark;
		pkg->context_size = long_of(field(p->value, "context_size"));
		pkg->from = dup_text(field(p->value, "from"));
		if (!pkg->from)
			continue;
		pkg->from_canonical = modelref_normalize(pkg->from);
		if (!config_find_model(cfg, pkg->from)) {
			const char *hint = suggest_model(cfg, pkg->from);
			struct ymark at = field_mark(p->value, "from", p->key->mark);
			if (hint)
				error_at(b, at, "package '%s' is made from '%s', which is not declared under models; did you mean '%s'?",
					 name, pkg->from, hint);
			else
				error_at(b, at, "package '%s' is made from '%s', which is not declared under models", name, pkg->from);
		}
	}
}

static char *lowercase(const char *text)
{
	char *out = xstrdup(text);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* Rules listed twice (a warning), and rules both allowed and denied (an error): hashed, linear in the number of rules. */
static void check_rules(struct builder *b, const struct ynode *policy)
{
	const struct ynode *lists[2] = { field(policy, "allow"), field(policy, "deny") };
	struct strmap seen[2] = { STRMAP_INIT, STRMAP_INIT }; /* lowercased rule -> its first item */
	for (int l = 0; l < 2; l++) {
		const struct ynode *seq = lists[l];
		if (!seq || seq->kind != YNODE_SEQ)
			continue;
		for (size_t i = 0; i < seq->nr_items; i++) {
			const char *rule = text_of(seq->items[i]);
			if (!rule)
				continue;
			char *key = lowercase(rule);
			const struct ynode *earlier = strmap_get(&seen[l], key);
			if (earlier)
				warning_at(b, seq->items[i]->mark, "rule '%s' is listed twice (line %d)", rule, earlier->mark.line);
			else
				strmap_put(&seen[l], key, seq->items[i]);
			const struct ynode *allowed = l == 1 ? strmap_get(&seen[0], key) : NULL;
			/* sbx refuses the deny (docker/sbx-releases#610), and it would win anyway: the allow is dead */
			if (allowed)
				error_at(b, seq->items[i]->mark,
					 "'%s' is both allowed (line %d) and denied: sbx refuses a deny beside an allow of the "
					 "same resource, and deny would win anyway: remove it from allow",
					 rule, allowed->mark.line);
			free(key);
		}
	}
	strmap_release(&seen[0]);
	strmap_release(&seen[1]);
}

static void build_policy(struct builder *b, const struct ynode *policy, struct cfg_policy *out)
{
	if (!is_map(policy))
		return;
	out->init = dup_text(field(policy, "init"));
	out->init_line = field_mark(policy, "init", policy->mark).line;
	strings_of(field(policy, "allow"), &out->allow);
	strings_of(field(policy, "deny"), &out->deny);
	check_rules(b, policy);
}

static void add_env(struct builder *b, struct cfg_env **list, size_t *nr, size_t *alloc, const struct ypair *p,
		    bool from_global)
{
	const char *key = text_of(p->key);
	const struct ynode *v = p->value;
	const struct ynode *text_node = is_map(v) ? field(v, "value") : v;
	const struct yvalue *val = yvalue_of(text_node);
	if (!key || !val)
		return;
	bool sensitive = name_looks_secret(key) || val->secret_var;
	const struct ynode *flag = is_map(v) ? field(v, "sensitive") : NULL;
	if (flag && text_of(flag))
		sensitive = tolower((unsigned char)text_of(flag)[0]) == 't';
	if (!sensitive && val->secret_var) {
		/* a hostile or careless file must not print a secret by saying so */
		warning_at(b, field_mark(v, "sensitive", p->key->mark),
			   "'%s' stays sensitive: its value is built from the sensitive variable %s (sensitive: false "
			   "applies to values written in the file)",
			   key, val->secret_name ? val->secret_name : "");
		sensitive = true;
	}
	for (size_t i = 0; i < *nr; i++)
		if (!strcmp((*list)[i].key, key)) {
			/* the sandbox's own value replaces the global one */
			free((*list)[i].value.text);
			(*list)[i].value = (struct cfg_value){ xstrdup(val->text), sensitive };
			(*list)[i].mark = p->key->mark;
			(*list)[i].from_global = from_global;
			return;
		}
	xgrow((void **)list, alloc, *nr + 1, sizeof(**list));
	(*list)[(*nr)++] = (struct cfg_env){
		.key = xstrdup(key),
		.value = { xstrdup(val->text), sensitive },
		.mark = p->key->mark,
		.from_global = from_global,
	};
}

static void build_env(struct builder *b, const struct ynode *env, struct cfg_env **list, size_t *nr, size_t *alloc,
		      bool from_global)
{
	if (!is_map(env))
		return;
	for (size_t i = 0; i < env->nr_pairs; i++)
		add_env(b, list, nr, alloc, &env->pairs[i], from_global);
}

static int compare_env(const void *a, const void *b)
{
	return strcmp(((const struct cfg_env *)a)->key, ((const struct cfg_env *)b)->key);
}

/*
 * An empty secret whose variables are unset is one problem, not two: takes
 * the interpolator's "variable X is not set" warnings on the value, and
 * returns their names ("A, B"; malloc'd), or NULL when there were none.
 */
static char *take_unset_warnings(struct builder *b, struct ymark at)
{
	struct strbuf names = STRBUF_INIT;
	if (diag_list_take_warnings(b->diags, &b->cfg->doc.source, at.line, at.col, INTERP_UNSET_PREFIX,
				    INTERP_UNSET_SUFFIX, &names))
		return strbuf_detach(&names, NULL);
	strbuf_release(&names);
	return NULL;
}

static void build_secrets(struct builder *b, const struct ynode *secrets, struct cfg_secret **list, size_t *nr)
{
	if (!is_map(secrets))
		return;
	*list = xcalloc(secrets->nr_pairs, sizeof(**list));
	for (size_t i = 0; i < secrets->nr_pairs; i++) {
		const struct ypair *p = &secrets->pairs[i];
		const char *service = text_of(p->key), *value = text_of(p->value);
		if (!service || !value)
			continue;
		if (!*value) {
			char *unset = take_unset_warnings(b, p->value->mark);
			if (unset)
				local_problem_at(b, p->value_mark, "secret '%s' is empty: variable %s is not set%s", service,
						 unset, b->offline ? "; it must be set where the file is applied (--offline: a warning)" : "");
			else
				error_at(b, p->value_mark, "secret '%s' is empty%s", service,
					 p->value->kind == YNODE_SCALAR && memchr(p->value->value, '$', p->value->len)
						 ? " (is its variable set?)"
						 : "");
			free(unset);
			continue;
		}
		(*list)[(*nr)++] = (struct cfg_secret){ xstrdup(service), { xstrdup(value), true }, p->key->mark };
	}
}

static void build_sandbox(struct builder *b, const struct ypair *p, struct cfg_sandbox *sb)
{
	struct config *cfg = b->cfg;
	const struct ynode *v = p->value;
	sb->name = xstrdup(p->key->value); /* keys are never interpolated */
	sb->mark = p->key->mark;
	sb->agent = dup_text(field(v, "agent"));
	build_workspace(b, p, sb);
	build_mounts(b, v, field(v, "mounts"), sb);
	sb->model = dup_text(field(v, "model"));
	if (sb->model) {
		sb->model_canonical = modelref_normalize(sb->model);
		if (!config_find_model(cfg, sb->model) && !config_find_package(cfg, sb->model)) {
			const char *hint = suggest_model(cfg, sb->model);
			struct ymark at = field_mark(v, "model", p->key->mark);
			if (hint)
				error_at(b, at, "model '%s' is not declared under models or packages; did you mean '%s'?", sb->model, hint);
			else
				error_at(b, at, "model '%s' is not declared under models or packages", sb->model);
		}
	}
	sb->cpus = long_of(field(v, "cpus"));
	sb->memory = dup_text(field(v, "memory"));
	/* the global env first, then the sandbox's own replacing keys it repeats */
	for (size_t i = 0; i < cfg->nr_env; i++) {
		const struct cfg_env *g = &cfg->env[i];
		XGROW(sb->env, sb->alloc_env, sb->nr_env + 1);
		sb->env[sb->nr_env++] = (struct cfg_env){ xstrdup(g->key), { xstrdup(g->value.text), g->value.sensitive }, g->mark, true };
	}
	build_env(b, field(v, "env"), &sb->env, &sb->nr_env, &sb->alloc_env, false);
	if (sb->nr_env > 1)
		qsort(sb->env, sb->nr_env, sizeof(*sb->env), compare_env);
	build_policy(b, field(v, "policy"), &sb->policy);
	build_secrets(b, field(v, "secrets"), &sb->secrets, &sb->nr_secrets);
}

void config_build(struct config *cfg, bool offline, struct diag_list *diags)
{
	struct builder b = { cfg, diags, NULL, NULL, STRMAP_INIT, offline };
	const struct ymark top_of_file = { 1, 1 };
	const struct ynode *root = cfg->doc.root;
	if (!is_map(root))
		return;
	builder_paths(&b, root);
	cfg->project = dup_text(field(root, "project"));
	if (!cfg->project && !ynode_find(root, "project")) {
		cfg->project = project_from_dir(cfg->dir);
		if (!*cfg->project)
			error_at(&b, top_of_file, "cannot name the project after directory '%s'; set 'project:'", cfg->dir);
		else if (strlen(cfg->project) > SCHEMA_PROJECT_MAX)
			error_at(&b, top_of_file,
				 "cannot name the project after directory '%s': a project name has at most %d characters; "
				 "set 'project:'",
				 cfg->dir, SCHEMA_PROJECT_MAX);
	}
	cfg->runner_endpoint = dup_text(field(field(root, "runner"), "endpoint"));
	const struct ypair *requires_sbx = ynode_find(field(root, "requires"), "sbx");
	if (requires_sbx && text_of(requires_sbx->value)) {
		cfg->requires_sbx = xstrdup(text_of(requires_sbx->value));
		cfg->requires_sbx_mark = requires_sbx->value_mark;
	}
	build_models(&b, field(root, "models"));
	build_packages(&b, field(root, "packages"));
	build_policy(&b, field(root, "policy"), &cfg->policy);
	build_env(&b, field(root, "env"), &cfg->env, &cfg->nr_env, &cfg->alloc_env, true);
	build_secrets(&b, field(root, "secrets"), &cfg->secrets, &cfg->nr_secrets);
	const struct ynode *sandboxes = field(root, "sandboxes");
	if (is_map(sandboxes)) {
		cfg->sandboxes = xcalloc(sandboxes->nr_pairs, sizeof(*cfg->sandboxes));
		for (size_t i = 0; i < sandboxes->nr_pairs; i++) {
			const struct ypair *p = &sandboxes->pairs[i];
			if (p->key->kind == YNODE_SCALAR && is_map(p->value))
				build_sandbox(&b, p, &cfg->sandboxes[cfg->nr_sandboxes++]);
		}
	}
	/* the guide's usual mistakes, as warnings, on a file otherwise valid */
	if (!diags->errors)
		config_guide_checks(cfg, diags);
	builder_release(&b);
}
