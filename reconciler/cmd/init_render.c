/*
 * init --from-host: the observed set written as sandbox.yaml. Kinds are told
 * apart by name (plan/kind.h: ids are stored in inventories, so they are stable).
 */
#include "cmd/init_render_parts.h"

#include <stdlib.h>
#include <string.h>

#include "plan/kind.h"
#include "util/strutil.h"
#include "util/xalloc.h"

void init_span_add(struct render *r, const char *id, size_t start)
{
	if (!r->spans)
		return;
	XGROW(r->spans->items, r->spans->alloc, r->spans->nr + 1);
	r->spans->items[r->spans->nr++] = (struct init_span){ xstrdup(id), start, r->out->len };
}

const struct init_span *init_spans_at(const struct init_spans *spans, size_t at)
{
	const struct init_span *best = NULL;
	for (size_t i = 0; i < spans->nr; i++) {
		const struct init_span *s = &spans->items[i];
		if (s->start <= at && at < s->end && (!best || s->end - s->start < best->end - best->start))
			best = s;
	}
	return best;
}

void init_spans_release(struct init_spans *spans)
{
	for (size_t i = 0; i < spans->nr; i++)
		free(spans->items[i].id);
	free(spans->items);
	memset(spans, 0, sizeof(*spans));
}

/* Why the validator refused this entry last time, or NULL; said as a comment and counted. */
const char *init_refused(struct render *r, const char *id, const char *indent, const char *what)
{
	const char *why = r->h->left_out ? strmap_get(r->h->left_out, id) : NULL;
	if (why) {
		strbuf_addf(r->out, "%s# left out: %s, which validation refuses: %s\n", indent, what, why);
		r->sum->left_out++;
	}
	return why;
}

/* ---- the observed set, by kind ---- */

static int compare_resources(const void *a, const void *b)
{
	return strcmp((*(struct resource *const *)a)->name, (*(struct resource *const *)b)->name);
}

/* The observed resources of one kind, sorted by name; the array is malloc'd, the resources borrowed. */
struct resource **init_of_kind(const struct resource_set *set, const char *kind, size_t *nr)
{
	struct resource **list = xcalloc(set->nr + 1, sizeof(*list));
	size_t n = 0;
	for (size_t i = 0; i < set->nr; i++)
		if (!strcmp(set->items[i]->kind->name, kind))
			list[n++] = set->items[i];
	qsort(list, n, sizeof(*list), compare_resources);
	*nr = n;
	return list;
}

const struct resource *init_find(const struct resource_set *set, const char *kind, const char *name)
{
	for (size_t i = 0; i < set->nr; i++)
		if (!strcmp(set->items[i]->kind->name, kind) && !strcmp(set->items[i]->name, name))
			return set->items[i];
	return NULL;
}

/* A short id for comments: "sha256:f07b04c0ce95". */
static void short_id(struct strbuf *out, const char *id)
{
	if (!id)
		return;
	size_t n = str_starts_with(id, "sha256:") ? 19 : 24;
	strbuf_add(out, id, strlen(id) < n ? strlen(id) : n);
}

/* The reference as people write it: the canonical form without ":latest". */
static char *written_ref(const char *canonical)
{
	size_t n = strlen(canonical);
	if (str_ends_with(canonical, ":latest"))
		n -= 7;
	return xstrndup(canonical, n);
}

/* "ai/gpt-oss" of "ai/gpt-oss:32k": the name without its tag. */
static char *repository_of(const char *canonical)
{
	const char *slash = strrchr(canonical, '/');
	const char *colon = strrchr(slash ? slash : canonical, ':');
	return xstrndup(canonical, colon ? (size_t)(colon - canonical) : strlen(canonical));
}

static bool is_package(const struct resource_set *set, const char *name)
{
	const struct resource *p = init_find(set, "package", name);
	return p && resource_value(p, "context_size");
}

/*
 * The runner does not record which model a packaged variant was made from
 * (docs/backends.md §2): the base is taken to be a model of the same
 * repository that is not itself a package (its :latest tag first). NULL when
 * there is none.
 */
static const struct resource *guess_base(const struct resource_set *set, struct resource **models, size_t nr,
					 const char *package, size_t *candidates)
{
	char *repo = repository_of(package);
	const struct resource *best = NULL;
	*candidates = 0;
	for (size_t i = 0; i < nr; i++) {
		char *r = repository_of(models[i]->name);
		bool same = !strcmp(r, repo) && !is_package(set, models[i]->name);
		free(r);
		if (!same)
			continue;
		(*candidates)++;
		if (!best || str_ends_with(models[i]->name, ":latest"))
			best = models[i];
	}
	free(repo);
	return best;
}

/* ---- models and packages ---- */

static void render_runtime(struct render *r, const char *name)
{
	const struct resource *rt = init_find(r->h->observed, "runtime", name);
	const char *size = rt ? resource_value(rt, "context_size") : NULL;
	const char *flags = rt ? resource_value(rt, "runtime_flags") : NULL;
	if (size || flags)
		strbuf_addstr(r->out, "    # runtime settings (GET /engines/_configure): in the runner's memory only\n");
	if (size)
		strbuf_addf(r->out, "    context_size: %s\n", size);
	if (!flags)
		return;
	struct strbuf list = STRBUF_INIT;
	if (init_flags_yaml(&list, flags)) {
		strbuf_addf(r->out, "    runtime_flags: %s\n", list.buf);
	} else {
		strbuf_addstr(r->out, "    # runtime_flags left out: the runner's list could not be read back\n");
		r->sum->left_out++;
	}
	strbuf_release(&list);
}

static void render_models(struct render *r)
{
	size_t nr;
	struct resource **models = init_of_kind(r->h->observed, "model", &nr);
	bool header = false;
	for (size_t i = 0; i < nr; i++) {
		const struct resource *m = models[i];
		size_t candidates;
		if (is_package(r->h->observed, m->name) && guess_base(r->h->observed, models, nr, m->name, &candidates))
			continue; /* under packages: */
		char *ref = written_ref(m->name), *id = xasprintf("model/%s", m->name), *what = xasprintf("model %s", ref);
		if (!init_refused(r, id, "", what)) {
			if (!header)
				strbuf_addstr(r->out, "\n# Models in Docker Model Runner (GET /models).\nmodels:\n");
			header = true;
			size_t start = r->out->len;
			strbuf_addstr(r->out, "  ");
			init_yaml_scalar(r->out, ref, true);
			strbuf_addstr(r->out, ":    # in the runner as ");
			short_id(r->out, m->observed_id);
			const struct resource *p = init_find(r->h->observed, "package", m->name);
			if (p && resource_value(p, "context_size"))
				strbuf_addf(r->out, "; it stores context size %s, but no model of its name is there to be its "
						    "base, so it is declared as a model",
					    resource_value(p, "context_size"));
			strbuf_addch(r->out, '\n');
			render_runtime(r, m->name);
			init_span_add(r, id, start);
			r->sum->models++;
		}
		free(ref);
		free(id);
		free(what);
	}
	free(models);
}

static void render_packages(struct render *r)
{
	size_t nr;
	struct resource **models = init_of_kind(r->h->observed, "model", &nr);
	bool header = false;
	for (size_t i = 0; i < nr; i++) {
		size_t candidates;
		const struct resource *base = is_package(r->h->observed, models[i]->name)
						      ? guess_base(r->h->observed, models, nr, models[i]->name, &candidates)
						      : NULL;
		if (!base)
			continue;
		const struct resource *p = init_find(r->h->observed, "package", models[i]->name);
		char *ref = written_ref(models[i]->name), *from = written_ref(base->name);
		char *id = xasprintf("package/%s", models[i]->name), *what = xasprintf("package %s", ref);
		if (!init_refused(r, id, "", what)) {
			if (!header)
				strbuf_addstr(r->out, "\n# Packaged variants: tags whose config.context_size the runner reports "
						      "(GET /models).\n# The runner does not record the base a variant was "
						      "made from: `from` is the model of\n# the same name, and only a rebuild "
						      "would use it.\npackages:\n");
			header = true;
			size_t start = r->out->len;
			strbuf_addstr(r->out, "  ");
			init_yaml_scalar(r->out, ref, true);
			strbuf_addstr(r->out, ":    # in the runner as ");
			short_id(r->out, models[i]->observed_id);
			strbuf_addstr(r->out, "\n    from: ");
			init_yaml_scalar(r->out, from, true);
			if (candidates > 1)
				strbuf_addf(r->out, "    # one of %zu models of that name: check it", candidates);
			strbuf_addf(r->out, "\n    context_size: %s\n", resource_value(p, "context_size"));
			init_span_add(r, id, start);
			r->sum->packages++;
		}
		free(ref);
		free(from);
		free(id);
		free(what);
	}
	free(models);
}

/* ---- network policy ---- */

/* "SANDBOX/DECISION:RESOURCE" or "DECISION:RESOURCE" (kind_policy.c's names). */
static void split_rule(const char *name, char **scope, char **decision, const char **resource)
{
	const char *slash = strchr(name, '/'), *colon = strchr(name, ':');
	*scope = NULL;
	if (slash && colon && slash < colon) {
		*scope = xstrndup(name, (size_t)(slash - name));
		name = slash + 1;
		colon = strchr(name, ':');
	}
	*decision = xstrndup(name, colon ? (size_t)(colon - name) : strlen(name));
	*resource = colon ? colon + 1 : "";
}

/*
 * The rules of one scope (NULL: global) and decision as a YAML list at indent;
 * returns how many. Refused ones are said in notes, which the caller places.
 */
size_t init_render_rules(struct render *r, const char *scope, const char *decision, int indent, struct strbuf *notes)
{
	size_t nr, n = 0;
	struct resource **rules = init_of_kind(r->h->observed, "policy_rule", &nr);
	for (size_t i = 0; i < nr; i++) {
		char *s, *d;
		const char *res;
		split_rule(rules[i]->name, &s, &d, &res);
		/* an allow beside the deny of it (an sbx before v0.42 adds both): deny wins, and sbx now refuses the pair */
		char *deny = !strcmp(d, "allow") ? (s ? xasprintf("%s/deny:%s", s, res) : xasprintf("deny:%s", res)) : NULL;
		bool denied = deny && init_find(r->h->observed, "policy_rule", deny);
		free(deny);
		if (denied && !strcmp(d, decision) && ((!s && !scope) || (s && scope && !strcmp(s, scope)))) {
			strbuf_addf(notes, "# left out: the rule allow %s%s%s, beside a deny of it, which wins\n", res,
				    s ? " of sandbox " : "", s ? s : "");
			r->sum->left_out++;
		} else if (!strcmp(d, decision) && ((!s && !scope) || (s && scope && !strcmp(s, scope)))) {
			char *id = xasprintf("rule/%s", rules[i]->name), *what = xasprintf("the rule %s %s", d, res);
			struct strbuf *out = r->out;
			r->out = notes;
			const char *why = init_refused(r, id, "", what);
			r->out = out;
			if (!why) {
				if (!n++)
					strbuf_addf(r->out, "%*s%s:\n", indent, "", decision);
				size_t start = r->out->len;
				strbuf_addf(r->out, "%*s- ", indent + 2, "");
				init_yaml_scalar(r->out, res, true);
				strbuf_addstr(r->out, "    # sbx policy ls: ");
				const char *rid = rules[i]->identity;
				strbuf_addstr(r->out, rid ? rid + (str_starts_with(rid, "id:") ? 3 : 0) : "added by hand");
				strbuf_addch(r->out, '\n');
				init_span_add(r, id, start);
			}
			free(id);
			free(what);
		}
		free(s);
		free(d);
	}
	free(rules);
	return n;
}

const struct sbx_sandbox *init_listed(const struct init_host *h, const char *name)
{
	for (size_t i = 0; i < h->nr_sandboxes; i++)
		if (!strcmp(h->sandboxes[i].name, name))
			return &h->sandboxes[i];
	return NULL;
}

static void render_policy(struct render *r)
{
	size_t nr, global = 0;
	struct resource **rules = init_of_kind(r->h->observed, "policy_rule", &nr);
	for (size_t i = 0; i < nr; i++) {
		char *s, *d;
		const char *res;
		split_rule(rules[i]->name, &s, &d, &res);
		if (!s) {
			global++;
		} else if (!init_listed(r->h, s)) {
			strbuf_addf(r->out, "\n# left out: the rule %s %s of sandbox %s, which `sbx ls` does not show\n", d,
				    res, s);
			r->sum->left_out++;
		}
		free(s);
		free(d);
	}
	free(rules);
	bool initialised = init_find(r->h->observed, "policy_init", "network") != NULL;
	if (!global && !initialised)
		return;
	strbuf_addstr(r->out, "\n# Network policy: the rules added by hand (sbx policy ls); the preset's default-* "
			      "rules,\n# kits' and the organisation's are not the file's to declare.\n");
	if (initialised)
		strbuf_addstr(r->out, "# The store is initialised (its preset's rules are listed), so there is no `init:`.\n");
	if (!global)
		return;
	struct strbuf notes = STRBUF_INIT;
	size_t before = r->out->len;
	strbuf_addstr(r->out, "policy:\n");
	size_t n = init_render_rules(r, NULL, "allow", 2, &notes) + init_render_rules(r, NULL, "deny", 2, &notes);
	if (!n)
		strbuf_setlen(r->out, before);
	strbuf_addbuf(r->out, &notes);
	strbuf_release(&notes);
	r->sum->rules += n;
}

static void render_secrets(struct render *r)
{
	size_t nr;
	struct resource **secrets = init_of_kind(r->h->observed, "secret", &nr);
	if (nr)
		strbuf_addstr(r->out, "\n# Secrets sbx holds (sbx secret ls shows only that they exist), not declared: "
				      "their\n# values cannot be read back. They stay as they are; to manage one, add it "
				      "under\n# secrets: with a ${VAR} reference.\n");
	for (size_t i = 0; i < nr; i++)
		strbuf_addf(r->out, "#   %s\n", secrets[i]->display ? secrets[i]->display : secrets[i]->name);
	free(secrets);
}

static void render_header(struct strbuf *out, const struct render *r)
{
	const struct init_host *h = r->h;
	strbuf_addf(out, "# sandbox.yaml written by `sbxapply init --from-host` on %s from what this machine has:\n",
		    h->generated_at);
	if (h->runner_url)
		strbuf_addf(out, "# Docker Model Runner at %s (found via %s)%s", h->runner_url,
			    h->runner_found_via ? h->runner_found_via : "discovery", h->sbx_version ? ", " : ".\n");
	if (h->sbx_version)
		strbuf_addf(out, "%ssbx %s (%s).\n", h->runner_url ? "" : "# ", h->sbx_version, h->sbx_path ? h->sbx_path : "sbx");
	strbuf_addstr(out, "# `sbxapply diff` shows nothing to do; `sbxapply apply` adopts everything below as found:\n"
			   "# adopted things are never deleted by sbxapply, not even by `down`.\n"
			   "version: 1\n"
			   "project: ");
	init_yaml_scalar(out, h->project, true);
	strbuf_addstr(out, "    # names the inventory; the directory's name unless set\n");
	if (h->runner_url && h->runner_found_via && !strcmp(h->runner_found_via, "--runner") &&
	    !strstr(h->runner_url, "${")) {
		/* named on the command line, it is the only endpoint tried: the file keeps it so diff needs no flag */
		strbuf_addstr(out, "runner:\n  endpoint: ");
		init_yaml_scalar(out, h->runner_url, true);
		strbuf_addstr(out, "    # given to init with --runner\n");
	}
	if (!r->nr_trusted)
		return;
	strbuf_addstr(out, "\n# Workspaces and mounts outside this directory, as `sbx ls` shows them: listed so that\n"
			   "# validation accepts them (it refuses paths outside the project unless trusted).\n"
			   "trusted_paths:\n");
	for (size_t i = 0; i < r->nr_trusted; i++) {
		strbuf_addstr(out, "  - ");
		init_yaml_scalar(out, r->trusted[i], true);
		strbuf_addch(out, '\n');
	}
}

void init_render(struct strbuf *out, const struct init_host *h, struct init_summary *sum, struct init_spans *spans)
{
	memset(sum, 0, sizeof(*sum));
	struct strbuf body = STRBUF_INIT;
	struct render r = { .out = &body, .h = h, .sum = sum, .spans = spans };
	size_t first_span = spans ? spans->nr : 0;
	render_models(&r);
	render_packages(&r);
	render_policy(&r);
	init_render_sandboxes(&r);
	render_secrets(&r);
	render_header(out, &r); /* trusted_paths comes first but is known only now */
	for (size_t i = first_span; spans && i < spans->nr; i++) {
		spans->items[i].start += out->len;
		spans->items[i].end += out->len;
	}
	strbuf_addbuf(out, &body);
	strbuf_release(&body);
	for (size_t i = 0; i < r.nr_trusted; i++)
		free(r.trusted[i]);
	free(r.trusted);
}
