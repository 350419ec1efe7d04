/*
 * Secrets the sandbox proxy injects (`secrets: {service: value}`, global or
 * per sandbox): `sbx secret set SERVICE [--sandbox NAME]` with the value on
 * stdin, never in argv. `sbx secret ls` shows only that a secret exists (and
 * a masked value this code never keeps), so the value is not observable: the
 * plan compares it through the inventory's digest, which notices a change in
 * the file but not a change made outside sbxapply.
 *
 * Names: "SERVICE" for a global secret, "SANDBOX/SERVICE" for a sandbox's own
 * (sandbox names and services hold no '/').
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "kinds/kinds.h"
#include "kinds/kinds_sbx.h"
#include "util/xalloc.h"

static void add_secret(struct resource_set *out, const char *sandbox, const struct cfg_secret *s)
{
	char *name = sandbox ? xasprintf("%s/%s", sandbox, s->service) : xstrdup(s->service);
	char *display = sandbox ? xasprintf("%s (sandbox %s)", s->service, sandbox) : xasprintf("%s (global)", s->service);
	struct resource *r = resource_new(&kind_secret, name, display);
	resource_set_field(r, "value", s->value.text, true);
	if (sandbox)
		resource_add_dep(r, &kind_sandbox, sandbox);
	r->line = s->mark.line;
	resource_set_add(out, r);
	free(name);
	free(display);
}

static void secret_desired(const struct config *cfg, struct resource_set *out)
{
	for (size_t i = 0; i < cfg->nr_secrets; i++)
		add_secret(out, NULL, &cfg->secrets[i]);
	for (size_t i = 0; i < cfg->nr_sandboxes; i++)
		for (size_t k = 0; k < cfg->sandboxes[i].nr_secrets; k++)
			add_secret(out, cfg->sandboxes[i].name, &cfg->sandboxes[i].secrets[k]);
}

static int secret_observe(struct engine *e, struct resource_set *out, struct strbuf *err)
{
	struct sbx_client *c = kinds_sbx_client(e, err);
	const struct strbuf *text;
	if (!c || sbx_secret_ls_text(c, &text, err) < 0)
		return -1;
	struct sbx_secret *list;
	size_t nr;
	struct strbuf why = STRBUF_INIT;
	if (sbx_parse_secrets(text->buf, text->len, &list, &nr, &why) < 0) {
		strbuf_addf(err, "cannot read 'sbx secret ls': %s", why.buf);
		strbuf_release(&why);
		return -1;
	}
	strbuf_release(&why);
	for (size_t i = 0; i < nr; i++) {
		char *name = list[i].scope ? xasprintf("%s/%s", list[i].scope, list[i].service) : xstrdup(list[i].service);
		char *display = list[i].scope ? xasprintf("%s (sandbox %s)", list[i].service, list[i].scope)
					      : xasprintf("%s (global)", list[i].service);
		/* no "value" field: present, value unobservable */
		resource_set_add(out, resource_new(&kind_secret, name, display));
		free(name);
		free(display);
	}
	sbx_secrets_free(list, nr);
	return 0;
}

/* A global secret reaches only sandboxes created after it (docs/backends.md §10): say so. */
static void warn_existing_sandboxes(const struct plan_context *pc, struct action *a)
{
	size_t existing = 0;
	for (size_t i = 0; i < pc->desired->nr; i++) {
		const struct resource *d = pc->desired->items[i];
		existing += d->kind == &kind_sandbox && resource_set_find(pc->observed, &kind_sandbox, d->name);
	}
	if (!existing || (a->type != ACTION_CREATE && a->type != ACTION_UPDATE))
		return;
	char *reason = xasprintf("%s; the %zu sandbox%s that exist%s already keep%s the old value: a global secret "
				 "reaches only sandboxes created after it",
				 a->reason, existing, existing == 1 ? "" : "es", existing == 1 ? "s" : "",
				 existing == 1 ? "s" : "");
	free(a->reason);
	a->reason = reason;
}

static void secret_refine(const struct plan_context *pc, struct action *a)
{
	const char *slash = strchr(a->name, '/');
	if (!slash) {
		warn_existing_sandboxes(pc, a);
		return;
	}
	char *sandbox = xstrndup(a->name, (size_t)(slash - a->name));
	kinds_sbx_redo_on_replace(pc, a, sandbox, "its secrets may go");
	free(sandbox);
}

static int secret_apply(struct engine *e, const struct action *a, struct strbuf *err)
{
	struct sbx_client *c = kinds_sbx_client(e, err);
	if (!c)
		return -1;
	const char *slash = strchr(a->name, '/');
	char *sandbox = slash ? xstrndup(a->name, (size_t)(slash - a->name)) : NULL;
	const char *service = slash ? slash + 1 : a->name;
	/*
	 * v0.38+: `secret set SERVICE [--sandbox S]`; before: `secret set -g|SANDBOX SERVICE`
	 * (docs/backends.md §10). rm's form is read from rm's own help page.
	 */
	bool rm = a->type == ACTION_DELETE;
	const char *args[8];
	size_t n = 0;
	args[n++] = "secret";
	args[n++] = rm ? "rm" : "set";
	if (rm && c->caps.secret_rm_force)
		args[n++] = "-f"; /* rm asks for a confirmation no terminal can give here */
	if ((rm ? c->caps.secret_rm_scope : c->caps.secret_scope) == SBX_SECRET_FLAG) {
		args[n++] = service;
		if (sandbox) {
			args[n++] = "--sandbox";
			args[n++] = sandbox;
		}
	} else {
		args[n++] = sandbox ? sandbox : "-g";
		args[n++] = service;
	}
	args[n] = NULL;
	struct spawn_result res = SPAWN_RESULT_INIT;
	int rc;
	if (a->type == ACTION_DELETE) {
		rc = sbx_call(c, args, NULL, 0, &res, err);
		/* the sandbox went first and took its secrets with it */
		if (rc < 0 && sandbox && sbx_no_such_sandbox(&res)) {
			strbuf_reset(err);
			rc = 0;
		}
	} else {
		/* the value on stdin, never in argv (where ps shows it) */
		const char *value = resource_value(a->desired, "value");
		char *line = xasprintf("%s\n", value ? value : "");
		rc = sbx_call(c, args, line, strlen(line), &res, err);
		explicit_bzero(line, strlen(line)); /* a memset before free may be optimised away */
		free(line);
	}
	spawn_result_release(&res);
	free(sandbox);
	return rc;
}

const struct kind kind_secret = {
	.name = "secret",
	.backend_of = kinds_sbx_backend_of,
	.noun = "secret",
	.updatable = true,
	.desired = secret_desired,
	.observe = secret_observe,
	.refine = secret_refine,
	.apply = secret_apply,
};
