/*
 * init --from-host: the observed set written as sandbox.yaml. Kinds are told
 * apart by name (plan/kind.h ids are stable: they are stored in inventories).
 */
#include "cmd/init_render.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backends/sbx/sbx_env.h"
#include "lang/interpolate.h"
#include "plan/kind.h"
#include "util/strutil.h"
#include "util/xalloc.h"

/* ---- scalars ---- */

static bool plain_ok(const char *s)
{
	static const char *const ambiguous[] = { "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", NULL };
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return true;
	if (!*s || !(isalpha((unsigned char)s[0]) || s[0] == '/' || str_starts_with(s, "./") || str_starts_with(s, "../")))
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_./@+-", *p) && !(*p == ':' && p[1] != ' ' && p[1]))
			return false;
	for (size_t i = 0; ambiguous[i]; i++)
		if (!strcasecmp(s, ambiguous[i]))
			return false;
	return true;
}

void init_yaml_scalar(struct strbuf *out, const char *s, bool literal)
{
	if (plain_ok(s) && !strchr(s, '$')) {
		strbuf_addstr(out, s);
		return;
	}
	strbuf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addf(out, "\\%c", *p);
		else if (*p == '$' && literal)
			strbuf_addstr(out, "$$"); /* sandbox.yaml interpolates as Compose does: $$ is a literal $ */
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(out, "\\x%02x", *p);
		else
			strbuf_addch(out, *p);
	}
	strbuf_addch(out, '"');
}

static bool has_prefix_word(const char *v, const char *const *prefixes)
{
	for (size_t i = 0; prefixes[i]; i++)
		if (str_starts_with(v, prefixes[i]))
			return true;
	return false;
}

bool init_value_looks_secret(const char *v)
{
	/* GitHub, GitLab, Slack, Hugging Face, AWS, Google, OpenAI/Anthropic-style keys, JWTs */
	static const char *const prefixes[] = { "sk-", "sk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
						"glpat-", "xoxb-", "xoxp-", "xoxa-", "hf_", "AKIA", "AIza", "eyJ",
						NULL };
	if (has_prefix_word(v, prefixes))
		return true;
	/* a password in a URL: scheme://user:password@host */
	const char *scheme = strstr(v, "://");
	if (scheme) {
		const char *at = strchr(scheme + 3, '@'), *slash = strchr(scheme + 3, '/');
		const char *colon = strchr(scheme + 3, ':');
		if (at && colon && colon < at && (!slash || at < slash))
			return true;
	}
	/* a long word of letters and digits (no '.', '/' or ':', so no host, path or URL) */
	size_t len = strlen(v), letters = 0, digits = 0;
	if (len < 20)
		return false;
	for (const char *p = v; *p; p++) {
		if (isalpha((unsigned char)*p))
			letters++;
		else if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr("_-+=", *p))
			return false;
	}
	return letters && digits;
}

/* ---- the observed set, by kind ---- */

static int compare_resources(const void *a, const void *b)
{
	return strcmp((*(struct resource *const *)a)->name, (*(struct resource *const *)b)->name);
}

/* The observed resources of one kind, sorted by name; the array is malloc'd, the resources borrowed. */
static struct resource **of_kind(const struct resource_set *set, const char *kind, size_t *nr)
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

static const struct resource *find(const struct resource_set *set, const char *kind, const char *name)
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
	const struct resource *p = find(set, "package", name);
	return p && resource_value(p, "context_size");
}

/*
 * The runner does not record which model a packaged variant was made from:
 * the base is taken to be a model of the same repository that is not itself a
 * package (its :latest tag first). NULL when there is none.
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

/* Appends a JSON array of strings (GET /engines/_configure's runtime flags) as a YAML flow sequence. */
static bool flags_yaml(struct strbuf *out, const char *json)
{
	/* the runner's text is compact JSON from cJSON: ["a","b"] with \" and \\ escapes */
	const char *p = json;
	while (isspace((unsigned char)*p))
		p++;
	if (*p++ != '[')
		return false;
	struct strbuf item = STRBUF_INIT;
	size_t n = 0;
	strbuf_addch(out, '[');
	for (;;) {
		while (isspace((unsigned char)*p) || *p == ',')
			p++;
		if (*p == ']')
			break;
		if (*p++ != '"')
			goto bad;
		strbuf_reset(&item);
		while (*p && *p != '"') {
			if (*p == '\\') {
				p++;
				if (*p == 'n' || *p == 'r' || *p == 't' || *p == 'u' || !*p)
					goto bad; /* never in a runtime flag sbxapply can declare */
			}
			strbuf_addch(&item, *p++);
		}
		if (*p++ != '"')
			goto bad;
		strbuf_addstr(out, n++ ? ", " : "");
		init_yaml_scalar(out, item.buf, true);
	}
	strbuf_addch(out, ']');
	strbuf_release(&item);
	return true;
bad:
	strbuf_release(&item);
	return false;
}

/* ---- sections ---- */

static void render_models(struct strbuf *out, const struct init_host *h, struct init_summary *sum)
{
	size_t nr;
	struct resource **models = of_kind(h->observed, "model", &nr);
	bool header = false;
	for (size_t i = 0; i < nr; i++) {
		const struct resource *m = models[i];
		size_t candidates;
		if (is_package(h->observed, m->name) && guess_base(h->observed, models, nr, m->name, &candidates))
			continue; /* under packages: */
		if (!header) {
			strbuf_addstr(out, "\n# Models in Docker Model Runner (GET /models).\nmodels:\n");
			header = true;
		}
		char *ref = written_ref(m->name);
		strbuf_addstr(out, "  ");
		init_yaml_scalar(out, ref, true);
		strbuf_addstr(out, ":");
		strbuf_addstr(out, "    # in the runner as ");
		short_id(out, m->observed_id);
		const struct resource *p = find(h->observed, "package", m->name);
		if (p && resource_value(p, "context_size"))
			strbuf_addf(out, "; it stores context size %s, but no model of its name is there to be its base, "
					 "so it is declared as a model",
				    resource_value(p, "context_size"));
		strbuf_addch(out, '\n');
		const struct resource *rt = find(h->observed, "runtime", m->name);
		const char *size = rt ? resource_value(rt, "context_size") : NULL;
		const char *flags = rt ? resource_value(rt, "runtime_flags") : NULL;
		if (size || flags)
			strbuf_addstr(out, "    # runtime settings (GET /engines/_configure): in the runner's memory only\n");
		if (size)
			strbuf_addf(out, "    context_size: %s\n", size);
		if (flags) {
			struct strbuf list = STRBUF_INIT;
			if (flags_yaml(&list, flags)) {
				strbuf_addf(out, "    runtime_flags: %s\n", list.buf);
			} else {
				strbuf_addstr(out, "    # runtime_flags left out: the runner's list could not be read back\n");
				sum->left_out++;
			}
			strbuf_release(&list);
		}
		sum->models++;
		free(ref);
	}
	free(models);
}

static void render_packages(struct strbuf *out, const struct init_host *h, struct init_summary *sum)
{
	size_t nr;
	struct resource **models = of_kind(h->observed, "model", &nr);
	bool header = false;
	for (size_t i = 0; i < nr; i++) {
		size_t candidates;
		const struct resource *base = is_package(h->observed, models[i]->name)
						      ? guess_base(h->observed, models, nr, models[i]->name, &candidates)
						      : NULL;
		if (!base)
			continue;
		if (!header) {
			strbuf_addstr(out, "\n# Packaged variants: tags whose config.context_size the runner reports (GET "
					   "/models).\n# The runner does not record the base a variant was made from: `from` "
					   "is the model of\n# the same name, and only a rebuild would use it.\npackages:\n");
			header = true;
		}
		const struct resource *p = find(h->observed, "package", models[i]->name);
		char *ref = written_ref(models[i]->name), *from = written_ref(base->name);
		strbuf_addstr(out, "  ");
		init_yaml_scalar(out, ref, true);
		strbuf_addstr(out, ":    # in the runner as ");
		short_id(out, models[i]->observed_id);
		strbuf_addstr(out, "\n    from: ");
		init_yaml_scalar(out, from, true);
		if (candidates > 1)
			strbuf_addf(out, "    # one of %zu models of that name: check it", candidates);
		strbuf_addf(out, "\n    context_size: %s\n", resource_value(p, "context_size"));
		sum->packages++;
		free(ref);
		free(from);
	}
	free(models);
}

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

/* The rules of one scope (NULL: global) and decision as a YAML list at indent; returns how many. */
static size_t render_rules(struct strbuf *out, const struct init_host *h, const char *scope, const char *decision,
			   int indent)
{
	size_t nr, n = 0;
	struct resource **rules = of_kind(h->observed, "policy_rule", &nr);
	for (size_t i = 0; i < nr; i++) {
		char *s, *d;
		const char *res;
		split_rule(rules[i]->name, &s, &d, &res);
		if (!strcmp(d, decision) && ((!s && !scope) || (s && scope && !strcmp(s, scope)))) {
			if (!n++)
				strbuf_addf(out, "%*s%s:\n", indent, "", decision);
			strbuf_addf(out, "%*s- ", indent + 2, "");
			init_yaml_scalar(out, res, true);
			strbuf_addstr(out, "    # sbx policy ls: ");
			strbuf_addstr(out, rules[i]->identity ? rules[i]->identity + (str_starts_with(rules[i]->identity, "id:") ? 3 : 0)
							      : "added by hand");
			strbuf_addch(out, '\n');
		}
		free(s);
		free(d);
	}
	free(rules);
	return n;
}

static const struct sbx_sandbox *listed(const struct init_host *h, const char *name)
{
	for (size_t i = 0; i < h->nr_sandboxes; i++)
		if (!strcmp(h->sandboxes[i].name, name))
			return &h->sandboxes[i];
	return NULL;
}

static void render_policy(struct strbuf *out, const struct init_host *h, struct init_summary *sum)
{
	size_t nr;
	struct resource **rules = of_kind(h->observed, "policy_rule", &nr);
	size_t global = 0;
	for (size_t i = 0; i < nr; i++) {
		char *s, *d;
		const char *res;
		split_rule(rules[i]->name, &s, &d, &res);
		if (!s) {
			global++;
		} else if (!listed(h, s)) {
			strbuf_addf(out, "\n# left out: the rule %s %s of sandbox %s, which `sbx ls` does not show\n", d, res, s);
			sum->left_out++;
		}
		free(s);
		free(d);
	}
	free(rules);
	bool initialised = find(h->observed, "policy_init", "network") != NULL;
	if (!global && !initialised)
		return;
	strbuf_addstr(out, "\n# Network policy: the rules added by hand (sbx policy ls); the preset's default-* rules,\n"
			   "# kits' and the organisation's are not the file's to declare.\n");
	if (initialised)
		strbuf_addstr(out, "# The store is initialised (its preset's rules are listed), so there is no `init:`.\n");
	if (!global)
		return;
	strbuf_addstr(out, "policy:\n");
	sum->rules += render_rules(out, h, NULL, "allow", 2);
	sum->rules += render_rules(out, h, NULL, "deny", 2);
}

/* "dir" relative to the project directory when inside it, else NULL. */
static char *relative_to(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (!strcmp(path, dir))
		return xstrdup(".");
	if (!strncmp(path, dir, n) && path[n] == '/')
		return xstrdup(path + n + 1);
	if (!strcmp(dir, "/") && path[0] == '/')
		return xstrdup(path + 1);
	return NULL;
}

static bool holds(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	return !strcmp(dir, "/") || (!strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/'));
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Why a sandbox's path cannot be declared here, or NULL (validation's rules: README "Workspaces and mounts"). */
static const char *path_problem(const struct init_host *h, const char *path, bool ro)
{
	if (path[0] != '/')
		return "it is not an absolute path";
	if (!is_dir(path))
		return "it is not a directory on this machine";
	if (!ro && h->home && holds(path, h->home))
		return "it is or holds the home directory, which a sandbox is never given read-write";
	if (!ro && !strcmp(path, "/"))
		return "it is /, which a sandbox is never given read-write";
	return NULL;
}

static void add_trusted(char ***trusted, size_t *nr, size_t *alloc, const char *path)
{
	for (size_t i = 0; i < *nr; i++)
		if (!strcmp((*trusted)[i], path))
			return;
	XGROW(*trusted, *alloc, *nr + 1);
	(*trusted)[(*nr)++] = xstrdup(path);
}

/* The path as the file writes it: relative inside the project, else absolute (and then trusted). */
static void add_path(struct strbuf *out, const struct init_host *h, const char *path, bool ro, char ***trusted,
		     size_t *nr_trusted, size_t *alloc_trusted)
{
	char *rel = relative_to(path, h->project_dir);
	if (!rel)
		add_trusted(trusted, nr_trusted, alloc_trusted, path);
	char *text = xasprintf("%s%s", rel ? rel : path, ro ? ":ro" : "");
	init_yaml_scalar(out, text, true);
	free(text);
	free(rel);
}

/* Whether KEY names a secret service sbx holds (GITHUB_TOKEN with a github secret). */
static bool from_secret_store(const struct init_host *h, const char *sandbox, const char *key)
{
	size_t nr;
	struct resource **secrets = of_kind(h->observed, "secret", &nr);
	bool found = false;
	for (size_t i = 0; i < nr && !found; i++) {
		const char *name = secrets[i]->name, *slash = strchr(name, '/');
		if (slash && (strlen(sandbox) != (size_t)(slash - name) || strncmp(name, sandbox, strlen(sandbox))))
			continue;
		const char *service = slash ? slash + 1 : name;
		size_t n = strlen(service);
		found = !strncasecmp(key, service, n) && key[n] == '_';
	}
	free(secrets);
	return found;
}

static void render_env(struct strbuf *out, const struct init_host *h, const struct sbx_sandbox *s,
		       struct init_summary *sum)
{
	const struct resource *env = find(h->observed, "env", s->name);
	bool running = s->status && !strcmp(s->status, "running");
	if (!env) {
		if (!running && !h->refresh)
			strbuf_addstr(out, "    # env: not read: the sandbox is stopped and `sbx exec` would start it "
					   "(init --from-host --refresh reads it)\n");
		else
			strbuf_addstr(out, "    # env: none: /etc/sandbox-persistent.sh holds no sbxapply block (lines "
					   "written there by hand,\n    # as the guide's step 4 does, stay as they are and "
					   "are not declared)\n");
		return;
	}
	if (env->unknown) {
		strbuf_addf(out, "    # env: not read: %s\n", env->unknown);
		return;
	}
	bool header = false;
	for (size_t i = 0; i < env->nr_fields; i++) {
		const struct res_field *f = &env->fields[i];
		if (!f->value)
			continue;
		if (!sbx_env_key_valid(f->name)) {
			strbuf_addf(out, "    # env: lines inside the sbxapply block that it did not write are left out\n");
			sum->left_out++;
			continue;
		}
		if (!header) {
			strbuf_addstr(out, "    # the sbxapply block of /etc/sandbox-persistent.sh (read with sbx exec)\n"
					   "    env:\n");
			header = true;
		}
		bool secret = name_looks_secret(f->name) || init_value_looks_secret(f->value) ||
			      from_secret_store(h, s->name, f->name);
		if (secret) {
			strbuf_addf(out, "      %s: {value: \"${%s}\", sensitive: true}    # a secret: not copied; set %s in "
					 "the environment or .env before diff or apply\n",
				    f->name, f->name, f->name);
			sum->secret_refs++;
		} else {
			strbuf_addf(out, "      %s: ", f->name);
			init_yaml_scalar(out, f->value, true);
			strbuf_addch(out, '\n');
		}
	}
	if (header)
		sum->envs++;
}

static void render_sandboxes(struct strbuf *out, const struct init_host *h, char ***trusted, size_t *nr_trusted,
			     size_t *alloc_trusted, struct init_summary *sum)
{
	size_t nr;
	struct resource **boxes = of_kind(h->observed, "sandbox", &nr);
	bool header = false;
	for (size_t i = 0; i < nr; i++) {
		const struct sbx_sandbox *s = listed(h, boxes[i]->name);
		const char *problem = NULL, *what = NULL;
		if (!s || !s->nr_workspaces) {
			problem = "`sbx ls` shows no workspace for it";
		} else if (str_ends_with(s->workspaces[0], ":ro")) {
			problem = "its workspace is read-only, which sandbox.yaml cannot declare";
		} else if (!s->agent) {
			problem = "`sbx ls` shows no agent for it";
		} else {
			for (size_t w = 0; w < s->nr_workspaces && !problem; w++) {
				bool ro = w && str_ends_with(s->workspaces[w], ":ro");
				char *path = xstrndup(s->workspaces[w], strlen(s->workspaces[w]) - (ro ? 3 : 0));
				what = w ? "a mount" : "the workspace";
				problem = path_problem(h, path, ro);
				free(path);
			}
		}
		if (problem) {
			strbuf_addf(out, "\n# left out: sandbox %s (and its rules and env), because %s%s%s\n", boxes[i]->name,
				    what ? what : "", what ? ": " : "", problem);
			sum->left_out++;
			continue;
		}
		if (!header) {
			strbuf_addstr(out, "\n# Sandboxes (sbx ls). sbx does not record the model an agent is run with:\n"
					   "# add `model:` to let `sbxapply run` and verify use it.\nsandboxes:\n");
			header = true;
		}
		strbuf_addf(out, "  %s:    # sbx ls: %s", s->name, s->status ? s->status : "status unknown");
		if (s->id)
			strbuf_addf(out, ", id %s", s->id);
		strbuf_addstr(out, "\n    agent: ");
		init_yaml_scalar(out, s->agent, true);
		strbuf_addstr(out, "\n    workspace: ");
		add_path(out, h, s->workspaces[0], false, trusted, nr_trusted, alloc_trusted);
		strbuf_addch(out, '\n');
		if (s->nr_workspaces > 1) {
			strbuf_addstr(out, "    mounts: [");
			for (size_t w = 1; w < s->nr_workspaces; w++) {
				bool ro = str_ends_with(s->workspaces[w], ":ro");
				char *path = xstrndup(s->workspaces[w], strlen(s->workspaces[w]) - (ro ? 3 : 0));
				strbuf_addstr(out, w > 1 ? ", " : "");
				add_path(out, h, path, ro, trusted, nr_trusted, alloc_trusted);
				free(path);
			}
			strbuf_addstr(out, "]\n");
		}
		if (s->cpus || s->memory)
			strbuf_addf(out, "    # sbx ls shows cpus %s, memory %s: left out, as they may be sbx's defaults\n",
				    s->cpus ? s->cpus : "-", s->memory ? s->memory : "-");
		size_t before = out->len;
		strbuf_addstr(out, "    policy:\n");
		size_t rules = render_rules(out, h, s->name, "allow", 6) + render_rules(out, h, s->name, "deny", 6);
		if (!rules)
			strbuf_setlen(out, before);
		sum->rules += rules;
		render_env(out, h, s, sum);
		sum->sandboxes++;
	}
	free(boxes);
}

static void render_secrets(struct strbuf *out, const struct init_host *h)
{
	size_t nr;
	struct resource **secrets = of_kind(h->observed, "secret", &nr);
	if (nr) {
		strbuf_addstr(out, "\n# Secrets sbx holds (sbx secret ls shows only that they exist), not declared: their\n"
				   "# values cannot be read back. They stay as they are; to manage one, add it under\n"
				   "# secrets: with a ${VAR} reference.\n");
		for (size_t i = 0; i < nr; i++)
			strbuf_addf(out, "#   %s\n", secrets[i]->display ? secrets[i]->display : secrets[i]->name);
	}
	free(secrets);
}

void init_render(struct strbuf *out, const struct init_host *h, struct init_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	struct strbuf body = STRBUF_INIT;
	char **trusted = NULL;
	size_t nr_trusted = 0, alloc_trusted = 0;
	render_models(&body, h, sum);
	render_packages(&body, h, sum);
	render_policy(&body, h, sum);
	render_sandboxes(&body, h, &trusted, &nr_trusted, &alloc_trusted, sum);
	render_secrets(&body, h);

	strbuf_addf(out, "# sandbox.yaml written by `sbxapply init --from-host` on %s from what this machine has:\n",
		    h->generated_at);
	if (h->runner_url)
		strbuf_addf(out, "# Docker Model Runner at %s (found via %s)", h->runner_url,
			    h->runner_found_via ? h->runner_found_via : "discovery");
	if (h->sbx_version)
		strbuf_addf(out, "%ssbx %s (%s)", h->runner_url ? ", " : "# ", h->sbx_version,
			    h->sbx_path ? h->sbx_path : "sbx");
	strbuf_addstr(out, ".\n# `sbxapply diff` shows nothing to do; `sbxapply apply` adopts everything below as found:\n"
			   "# adopted things are never deleted by sbxapply, not even by `down`.\n"
			   "version: 1\n"
			   "project: ");
	init_yaml_scalar(out, h->project, true);
	strbuf_addstr(out, "    # names the inventory; the directory's name unless set\n");
	if (nr_trusted) {
		strbuf_addstr(out, "\n# Workspaces and mounts outside this directory, as `sbx ls` shows them: listed so that\n"
				   "# validation accepts them (it refuses paths outside the project unless trusted).\n"
				   "trusted_paths:\n");
		for (size_t i = 0; i < nr_trusted; i++) {
			strbuf_addstr(out, "  - ");
			init_yaml_scalar(out, trusted[i], true);
			strbuf_addch(out, '\n');
			free(trusted[i]);
		}
	}
	free(trusted);
	strbuf_addbuf(out, &body);
	strbuf_release(&body);
}
