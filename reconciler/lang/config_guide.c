#include "config_guide.h"

#include <stdlib.h>
#include <string.h>

#include "refs/rulematch.h"
#include "lang/validate.h"
#include "refs/policyrule.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/xalloc.h"

/* The runner's TCP port when runner.endpoint names none (docs/backends.md §1). */
#define DEFAULT_RUNNER_PORT 12434

/*
 * The variable that points an agent at a model endpoint, and where the agent
 * goes without it. An agent is listed only when a public source names its
 * variable (docs/backends.md §8): claude reads ANTHROPIC_BASE_URL, per the guide.
 */
static const struct agent_endpoint {
	const char *agent, *variable, *cloud;
} agent_endpoints[] = {
	{ "claude", "ANTHROPIC_BASE_URL", "Anthropic's cloud" },
};

struct checker {
	const struct config *cfg;
	struct diag_list *diags;
	int runner_port;
	struct rule_index global; /* policy.allow */
};

#define warning_at(c, m, ...) \
	diag_add((c)->diags, DIAG_WARNING, &(c)->cfg->doc.source, (m).line, (m).col, __VA_ARGS__)

static const char *text_of(const struct ynode *n)
{
	const struct yvalue *v = yvalue_of(n);
	return v ? v->text : NULL;
}

static bool is_map(const struct ynode *n) { return n && n->kind == YNODE_MAP; }

static const struct ynode *field(const struct ynode *map, const char *key)
{
	const struct ypair *p = is_map(map) ? ynode_find(map, key) : NULL;
	return p ? p->value : NULL;
}

static struct ymark field_mark(const struct ynode *map, const char *key, struct ymark fallback)
{
	const struct ypair *p = is_map(map) ? ynode_find(map, key) : NULL;
	return p ? p->value_mark : fallback;
}

static const struct ynode *allow_list(const struct ynode *scope)
{
	const struct ynode *seq = field(scope, "allow");
	return seq && seq->kind == YNODE_SEQ ? seq : NULL;
}

static void index_rules(struct rule_index *idx, const struct ynode *seq)
{
	for (size_t i = 0; seq && i < seq->nr_items; i++) {
		const char *rule = text_of(seq->items[i]);
		if (rule)
			rule_index_add(idx, rule);
	}
}

static int runner_port(const struct config *cfg)
{
	char *host;
	int port;
	if (!cfg->runner_endpoint || !rulematch_parse_url(cfg->runner_endpoint, &host, &port))
		return DEFAULT_RUNNER_PORT; /* none, or unix://: the TCP port the guide opens */
	free(host);
	return port;
}

static const struct agent_endpoint *endpoint_of(const char *agent)
{
	for (size_t i = 0; agent && i < sizeof(agent_endpoints) / sizeof(agent_endpoints[0]); i++)
		if (!strcmp(agent_endpoints[i].agent, agent))
			return &agent_endpoints[i];
	return NULL;
}

static const struct cfg_env *env_of(const struct cfg_sandbox *sb, const char *key)
{
	for (size_t i = 0; i < sb->nr_env; i++)
		if (!strcmp(sb->env[i].key, key))
			return &sb->env[i];
	return NULL;
}

/*
 * A rule for the runner's port on host.docker.internal or 127.0.0.1, while no
 * rule in scope covers localhost there: the proxy matches localhost
 * (docs/backends.md §9), so the rule never lets a sandbox reach the runner.
 */
static void check_runner_rules(struct checker *c, const struct ynode *seq, const struct rule_index *scoped)
{
	int port = c->runner_port;
	if (!seq || rule_index_covers(&c->global, "localhost", port) || (scoped && rule_index_covers(scoped, "localhost", port)))
		return;
	char *proxied = xasprintf("host.docker.internal:%d", port), *loopback = xasprintf("127.0.0.1:%d", port);
	struct strbuf want = STRBUF_INIT;
	rulematch_rule_for(&want, "localhost", port);
	for (size_t i = 0; i < seq->nr_items; i++) {
		const char *rule = text_of(seq->items[i]);
		if (!rule || policyrule_check(rule))
			continue;
		char *norm = policyrule_normalize(rule);
		if (!strcmp(norm, proxied))
			warning_at(c, seq->items[i]->mark,
				   "rule '%s' does not let sandboxes reach the runner: the proxy rewrites host.docker.internal to localhost before matching; allow '%s' instead",
				   rule, want.buf);
		else if (!strcmp(norm, loopback))
			warning_at(c, seq->items[i]->mark,
				   "rule '%s' does not let sandboxes reach the runner: they reach it as host.docker.internal, which the proxy matches as localhost, not 127.0.0.1; allow '%s' instead",
				   rule, want.buf);
		free(norm);
	}
	free(proxied);
	free(loopback);
	strbuf_release(&want);
}

/* The agent's base URL must be set when it uses a runner model, and allowed when set. */
static void check_endpoint(struct checker *c, const struct cfg_sandbox *sb, const struct ynode *v,
			   const struct rule_index *scoped)
{
	const struct agent_endpoint *ep = endpoint_of(sb->agent);
	if (!ep)
		return;
	const struct cfg_env *var = env_of(sb, ep->variable);
	if (!var || !*var->value.text) {
		if (sb->model && (config_find_model(c->cfg, sb->model) || config_find_package(c->cfg, sb->model)))
			warning_at(c, field_mark(v, "model", sb->mark),
				   "sandbox '%s' uses model '%s' from the runner, but its env sets no %s, so %s would talk to %s instead; add env: {%s: http://host.docker.internal:%d}",
				   sb->name, sb->model, ep->variable, sb->agent, ep->cloud, ep->variable, c->runner_port);
		return;
	}
	char *host;
	int port;
	if (!rulematch_parse_url(var->value.text, &host, &port))
		return;
	const char *dest = rulematch_destination(host);
	if (!rule_index_covers(&c->global, dest, port) && !rule_index_covers(scoped, dest, port)) {
		struct strbuf want = STRBUF_INIT;
		rulematch_rule_for(&want, dest, port);
		if (dest != host)
			warning_at(c, var->mark,
				   "no allow rule covers %s, which sandbox '%s' reaches for %s (the proxy matches host.docker.internal as localhost); add '%s' to policy.allow",
				   want.buf, sb->name, ep->variable, want.buf);
		else
			warning_at(c, var->mark, "no allow rule covers %s, which sandbox '%s' reaches for %s; add '%s' to policy.allow",
				   want.buf, sb->name, ep->variable, want.buf);
		strbuf_release(&want);
	}
	free(host);
}

static void check_sandboxes(struct checker *c, const struct ynode *sandboxes)
{
	size_t n = 0;
	for (size_t i = 0; is_map(sandboxes) && i < sandboxes->nr_pairs && n < c->cfg->nr_sandboxes; i++) {
		const struct ypair *p = &sandboxes->pairs[i];
		if (p->key->kind != YNODE_SCALAR || !is_map(p->value))
			continue; /* as config_build() skips them */
		const struct cfg_sandbox *sb = &c->cfg->sandboxes[n++];
		const struct ynode *allow = allow_list(field(p->value, "policy"));
		struct rule_index scoped = RULE_INDEX_INIT;
		index_rules(&scoped, allow);
		check_endpoint(c, sb, p->value, &scoped);
		check_runner_rules(c, allow, &scoped);
		rule_index_release(&scoped);
	}
}

/*
 * A declared model no sandbox uses: pulled (gigabytes) for nothing. Used
 * means named by a sandbox's `model:`, or the base of a package (a package
 * is declared to be launched with: `sbxapply run NAME -- --model TAG`).
 * A file without sandboxes only manages models, and says nothing here.
 */
static void check_unused_models(struct checker *c)
{
	const struct config *cfg = c->cfg;
	if (!cfg->nr_sandboxes)
		return;
	struct strmap used = STRMAP_INIT; /* canonical refs */
	for (size_t i = 0; i < cfg->nr_sandboxes; i++)
		if (cfg->sandboxes[i].model_canonical)
			strmap_put(&used, cfg->sandboxes[i].model_canonical, (void *)1);
	for (size_t i = 0; i < cfg->nr_packages; i++)
		if (cfg->packages[i].from_canonical)
			strmap_put(&used, cfg->packages[i].from_canonical, (void *)1);
	for (size_t i = 0; i < cfg->nr_models; i++)
		if (!strmap_get(&used, cfg->models[i].canonical))
			warning_at(c, cfg->models[i].mark,
				   "model '%s' is declared but no sandbox uses it: set model: %s on a sandbox (sbxapply run "
				   "starts its agent with it), make a package from it, or remove the model",
				   cfg->models[i].ref, cfg->models[i].ref);
	strmap_release(&used);
}

/*
 * A runtime context_size on a model that is also a package's base: the runtime
 * setting is kept for the base model's id (docs/backends.md §2), and the
 * package is a model of its own that carries its own size.
 */
static void check_context_sizes(struct checker *c, const struct ynode *models)
{
	const struct config *cfg = c->cfg;
	struct strmap options = STRMAP_INIT; /* model ref as written -> its options node */
	for (size_t i = 0; is_map(models) && i < models->nr_pairs; i++) {
		const char *ref = text_of(models->pairs[i].key);
		if (ref && !strmap_get(&options, ref))
			strmap_put(&options, ref, models->pairs[i].value);
	}
	for (size_t i = 0; i < cfg->nr_packages; i++) {
		const struct cfg_package *pkg = &cfg->packages[i];
		const struct cfg_model *m = pkg->from_canonical ? strmap_get(&cfg->model_index, pkg->from_canonical) : NULL;
		if (!m || !m->context_size || !pkg->context_size || m->context_size == pkg->context_size)
			continue;
		struct ymark at = field_mark(strmap_get(&options, m->ref), "context_size", m->mark);
		warning_at(c, at,
			   "context_size %ld is set at run time for '%s' only: package '%s' made from it has its own context_size %ld, which is what a sandbox using '%s' gets; set the same size in both if you meant one",
			   m->context_size, m->ref, pkg->name, pkg->context_size, pkg->name);
	}
	strmap_release(&options);
}

void config_guide_checks(const struct config *cfg, struct diag_list *diags)
{
	const struct ynode *root = cfg->doc.root;
	if (!is_map(root))
		return;
	struct checker c = { cfg, diags, runner_port(cfg), RULE_INDEX_INIT };
	const struct ynode *global = allow_list(field(root, "policy"));
	index_rules(&c.global, global);
	check_runner_rules(&c, global, NULL);
	check_sandboxes(&c, field(root, "sandboxes"));
	check_unused_models(&c);
	check_context_sizes(&c, field(root, "models"));
	rule_index_release(&c.global);
}
