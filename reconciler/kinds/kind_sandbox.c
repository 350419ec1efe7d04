/*
 * Sandboxes (the guide's step 3): `sbx create AGENT WORKSPACE [MOUNT[:ro]...]
 * --name NAME [--cpus N] [-m MEM]`. sbx has no way to change a sandbox after
 * creation, so every field forces a replacement, and a replacement or a
 * deletion loses the work inside: both are blocked without --allow-replace.
 * A sandbox that exists but that the inventory does not know is adopted.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "kinds/kinds.h"
#include "kinds/kinds_sbx.h"
#include "util/xalloc.h"

static const char *const sandbox_force_new[] = { "agent", "workspace", "mounts", "cpus", "memory", NULL };

static char *join_mounts(char *const *items, size_t n)
{
	if (!n)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", items[i]);
	return strbuf_detach(&sb, NULL);
}

static void sandbox_desired(const struct config *cfg, struct resource_set *out)
{
	for (size_t i = 0; i < cfg->nr_sandboxes; i++) {
		const struct cfg_sandbox *s = &cfg->sandboxes[i];
		struct resource *r = resource_new(&kind_sandbox, s->name, NULL);
		resource_set_field(r, "agent", s->agent, false);
		resource_set_field(r, "workspace", s->workspace, false);
		char *mounts = join_mounts(s->mounts.items, s->mounts.nr);
		if (mounts)
			resource_set_field(r, "mounts", mounts, false);
		free(mounts);
		if (s->cpus) {
			char cpus[32];
			snprintf(cpus, sizeof(cpus), "%ld", s->cpus);
			resource_set_field(r, "cpus", cpus, false);
		}
		if (s->memory)
			resource_set_field(r, "memory", s->memory, false);
		/* a global secret reaches only sandboxes created after it (docs/backends.md §10) */
		for (size_t k = 0; k < cfg->nr_secrets; k++)
			resource_add_dep(r, &kind_secret, cfg->secrets[k].service);
		r->line = s->mark.line;
		resource_set_add(out, r);
	}
}

/* "8g", "8192m", "512MiB", "1073741824" in bytes; -1 when it is none of these. */
static long long memory_bytes(const char *text)
{
	char *end;
	long long n = strtoll(text, &end, 10);
	if (end == text || n < 0)
		return -1;
	static const char units[] = "bkmgt";
	const char *u = *end ? strchr(units, tolower((unsigned char)*end)) : units;
	if (!u)
		return -1;
	if (*end)
		end++;
	if (*end == 'i' || *end == 'I')
		end++;
	if ((*end == 'b' || *end == 'B') && u != units)
		end++;
	if (*end)
		return -1;
	for (const char *p = units; p < u; p++)
		n *= 1024;
	return n;
}

/*
 * What tells this sandbox from another of the same name: its id (v0.33+),
 * else its creation time (listed from v0.45), else its workspace (docs/backends.md §6).
 */
char *kinds_sbx_identity(const struct sbx_sandbox *s)
{
	if (s->id)
		return xasprintf("id:%s", s->id);
	if (s->created_at)
		return xasprintf("created:%s", s->created_at);
	return s->nr_workspaces ? xasprintf("workspace:%s", s->workspaces[0]) : NULL;
}

/*
 * kind_registry.identify for sandboxes: the identity of each one this run
 * created, from one fresh `sbx ls` after the run (the run's listing predates
 * them), so no env write waits on a listing and N creates cost one.
 */
void kinds_sbx_identify(struct engine *e, const struct action *const *made, size_t nr)
{
	bool any = false;
	for (size_t i = 0; i < nr && !any; i++)
		any = made[i]->kind == &kind_sandbox;
	if (!any)
		return;
	struct strbuf ignored = STRBUF_INIT;
	struct sbx_client *c = kinds_sbx_client(e, &ignored);
	struct sbx_sandbox *list = NULL;
	size_t nr_list = 0;
	if (c && sbx_sandboxes_fresh(c, &list, &nr_list, &ignored) == 0)
		for (size_t i = 0; i < nr; i++)
			for (size_t k = 0; k < nr_list && made[i]->kind == &kind_sandbox; k++)
				if (!strcmp(list[k].name, made[i]->name)) {
					char *id = kinds_sbx_identity(&list[k]);
					if (id)
						engine_set_attr(e, made[i], "identity", id);
					kinds_env_sandbox_made(e, made[i]->name, id);
					free(id);
				}
	sbx_sandboxes_free(list, nr_list);
	strbuf_release(&ignored);
}

static int sandbox_observe(struct engine *e, struct resource_set *out, struct strbuf *err)
{
	struct sbx_sandbox *list;
	size_t nr;
	struct sbx_client *c = kinds_sbx_client(e, err);
	if (!c || sbx_sandboxes(c, &list, &nr, err) < 0)
		return -1;
	for (size_t i = 0; i < nr; i++) {
		const struct sbx_sandbox *s = &list[i];
		struct resource *r = resource_new(&kind_sandbox, s->name, NULL);
		resource_set_field(r, "agent", s->agent, false);
		resource_set_field(r, "workspace", s->nr_workspaces ? s->workspaces[0] : NULL, false);
		char *mounts = join_mounts(s->workspaces + (s->nr_workspaces ? 1 : 0), s->nr_workspaces ? s->nr_workspaces - 1 : 0);
		resource_set_field(r, "mounts", mounts, false);
		free(mounts);
		/*
		 * `sbx ls` shows cpus and memory from v0.45 only, and then sbx's
		 * defaults when the file names none: a live value counts only
		 * where the file declares one (memory compared in bytes, "8g" is
		 * "8192m"). Older releases show neither: left absent, they are
		 * compared through the inventory's digest, and a sandbox the
		 * inventory does not know yet is adopted as declared, rather than
		 * replaced for a value nobody can read.
		 */
		/*
		 * The key names and the forms of these values are not confirmed
		 * (docs/backends.md §6): a live value that does not read as a
		 * number of CPUs or a size is treated as not shown, never as a
		 * change that would replace the sandbox on every run.
		 */
		const struct cfg_sandbox *decl = config_find_sandbox(e->cfg, s->name);
		bool known = inventory_find(&e->inventory, kind_sandbox.name, s->name) != NULL;
		char *end = NULL;
		double live_cpus = s->cpus ? strtod(s->cpus, &end) : 0;
		const char *cpus_shown = s->cpus && end != s->cpus && !*end && live_cpus > 0 ? s->cpus : NULL;
		if (decl && decl->cpus && (cpus_shown || !known)) {
			char cpus[32];
			snprintf(cpus, sizeof(cpus), "%ld", decl->cpus);
			resource_set_field(r, "cpus", cpus_shown && live_cpus != (double)decl->cpus ? cpus_shown : cpus, false);
		}
		const char *memory_shown = s->memory && memory_bytes(s->memory) >= 0 ? s->memory : NULL;
		if (decl && decl->memory && (memory_shown || !known)) {
			bool same = memory_shown && memory_bytes(memory_shown) == memory_bytes(decl->memory);
			resource_set_field(r, "memory", memory_shown && !same ? memory_shown : decl->memory, false);
		}
		if (s->id)
			r->observed_id = xstrdup(s->id);
		r->identity = kinds_sbx_identity(s);
		resource_set_add(out, r);
	}
	sbx_sandboxes_free(list, nr);
	return 0;
}

static int sbx_run(struct engine *e, const char *const *args, struct spawn_result *res, struct strbuf *err)
{
	struct sbx_client *c = kinds_sbx_client(e, err);
	return c ? sbx_call(c, args, NULL, 0, res, err) : -1;
}

/*
 * The guide's clean-up: sbx stop, then sbx rm. From v0.29 rm asks for a
 * confirmation that no terminal can give here, so -f goes with it where rm
 * has it: only after stop succeeded, so no session is cut short by it.
 */
static int remove_sandbox(struct engine *e, const char *name, struct strbuf *err)
{
	const char *stop[] = { "stop", name, NULL };
	struct sbx_client *c = kinds_sbx_client(e, err);
	if (!c)
		return -1;
	const char *rm[] = { "rm", c->caps.rm_force ? "-f" : name, c->caps.rm_force ? name : NULL, NULL };
	struct spawn_result res = SPAWN_RESULT_INIT;
	int rc = sbx_run(e, stop, &res, err);
	spawn_result_release(&res);
	if (!rc) {
		spawn_result_init(&res);
		rc = sbx_run(e, rm, &res, err);
		spawn_result_release(&res);
	}
	return rc;
}

static int create_sandbox(struct engine *e, const struct cfg_sandbox *s, struct strbuf *err)
{
	const char **args = xcalloc(s->mounts.nr + 12, sizeof(*args));
	size_t n = 0;
	char cpus[32];
	args[n++] = "create";
	args[n++] = s->agent;
	args[n++] = s->workspace;
	for (size_t i = 0; i < s->mounts.nr; i++)
		args[n++] = s->mounts.items[i];
	args[n++] = "--name";
	args[n++] = s->name;
	if (s->cpus) {
		snprintf(cpus, sizeof(cpus), "%ld", s->cpus);
		args[n++] = "--cpus";
		args[n++] = cpus;
	}
	if (s->memory) {
		args[n++] = "-m";
		args[n++] = s->memory;
	}
	struct spawn_result res = SPAWN_RESULT_INIT;
	int rc = sbx_run(e, args, &res, err);
	spawn_result_release(&res);
	free(args);
	return rc;
}

static int sandbox_apply(struct engine *e, const struct action *a, struct strbuf *err)
{
	if (a->type == ACTION_DELETE)
		return remove_sandbox(e, a->name, err);
	const struct cfg_sandbox *s = config_find_sandbox(e->cfg, a->name);
	if (!s) {
		strbuf_addf(err, "sandbox '%s' is not declared", a->name);
		return -1;
	}
	if (a->type == ACTION_REPLACE && remove_sandbox(e, a->name, err) < 0)
		return -1;
	/* its identity is listed after the run (kinds_sbx_identify) */
	return create_sandbox(e, s, err);
}

const struct kind kind_sandbox = {
	.name = "sandbox",
	.backend_of = kinds_sbx_backend_of,
	.noun = "sandbox",
	.force_new = sandbox_force_new,
	.updatable = false,
	.holds_user_data = true,
	.desired = sandbox_desired,
	.observe = sandbox_observe,
	.apply = sandbox_apply,
};
