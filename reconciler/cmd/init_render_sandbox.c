/* init --from-host: the sandboxes `sbx ls` shows, with their scoped rules and their sbxapply env block. */
#include "cmd/init_render_parts.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "backends/sbx/sbx_env.h"
#include "lang/interpolate.h"
#include "util/strutil.h"
#include "util/xalloc.h"

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

/* The path as the file writes it: relative inside the project, else absolute (and then trusted). */
static void add_path(struct render *r, const char *path, bool ro)
{
	char *rel = relative_to(path, r->h->project_dir);
	bool known = false;
	for (size_t i = 0; !rel && i < r->nr_trusted && !known; i++)
		known = !strcmp(r->trusted[i], path);
	if (!rel && !known) {
		XGROW(r->trusted, r->alloc_trusted, r->nr_trusted + 1);
		r->trusted[r->nr_trusted++] = xstrdup(path);
	}
	char *text = xasprintf("%s%s", rel ? rel : path, ro ? ":ro" : "");
	init_yaml_scalar(r->out, text, true);
	free(text);
	free(rel);
}

/* Whether KEY names a secret service sbx holds (GITHUB_TOKEN with a github secret). */
static bool from_secret_store(const struct init_host *h, const char *sandbox, const char *key)
{
	size_t nr;
	struct resource **secrets = init_of_kind(h->observed, "secret", &nr);
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

static void render_env(struct render *r, const struct sbx_sandbox *s)
{
	const struct resource *env = init_find(r->h->observed, "env", s->name);
	bool running = s->status && !strcmp(s->status, "running");
	if (!env || env->unknown) {
		if (env)
			strbuf_addf(r->out, "    # env: not read: %s\n", env->unknown);
		else if (!running && !r->h->refresh)
			strbuf_addstr(r->out, "    # env: not read: the sandbox is stopped and `sbx exec` would start it "
					      "(init --from-host --refresh reads it)\n");
		else
			strbuf_addstr(r->out, "    # env: none: /etc/sandbox-persistent.sh holds no sbxapply block (lines "
					      "written there by hand,\n    # as the guide's step 4 does, stay as they are "
					      "and are not declared)\n");
		return;
	}
	bool header = false;
	for (size_t i = 0; i < env->nr_fields; i++) {
		const struct res_field *f = &env->fields[i];
		if (!f->value)
			continue;
		if (!sbx_env_key_valid(f->name)) {
			strbuf_addstr(r->out, "    # env: lines inside the sbxapply block that it did not write are left out\n");
			r->sum->left_out++;
			continue;
		}
		char *id = xasprintf("env/%s/%s", s->name, f->name), *what = xasprintf("env %s", f->name);
		if (!init_refused(r, id, "    ", what)) {
			if (!header)
				strbuf_addstr(r->out, "    # the sbxapply block of /etc/sandbox-persistent.sh (read with sbx "
						      "exec)\n    env:\n");
			header = true;
			size_t start = r->out->len;
			bool secret = name_looks_secret(f->name) || init_value_looks_secret(f->value) ||
				      from_secret_store(r->h, s->name, f->name);
			if (secret) {
				strbuf_addf(r->out, "      %s: {value: \"${%s}\", sensitive: true}    # a secret: not copied; set "
						    "%s in the environment or .env before diff or apply\n",
					    f->name, f->name, f->name);
				r->sum->secret_refs++;
			} else {
				strbuf_addf(r->out, "      %s: ", f->name);
				init_yaml_scalar(r->out, f->value, true);
				strbuf_addch(r->out, '\n');
			}
			init_span_add(r, id, start);
		}
		free(id);
		free(what);
	}
	r->sum->envs += header;
}

/* Why sandbox s cannot be declared, or NULL; *what names the path at fault. */
static const char *sandbox_problem(const struct init_host *h, const struct sbx_sandbox *s, const char **what)
{
	*what = NULL;
	if (!s || !s->nr_workspaces)
		return "`sbx ls` shows no workspace for it";
	if (str_ends_with(s->workspaces[0], ":ro"))
		return "its workspace is read-only, which sandbox.yaml cannot declare";
	if (!s->agent)
		return "`sbx ls` shows no agent for it";
	const char *problem = NULL;
	for (size_t w = 0; w < s->nr_workspaces && !problem; w++) {
		bool ro = w && str_ends_with(s->workspaces[w], ":ro");
		char *path = xstrndup(s->workspaces[w], strlen(s->workspaces[w]) - (ro ? 3 : 0));
		*what = w ? "a mount" : "the workspace";
		problem = path_problem(h, path, ro);
		free(path);
	}
	return problem;
}

static void render_sandbox(struct render *r, const struct sbx_sandbox *s)
{
	strbuf_addf(r->out, "  %s:    # sbx ls: %s", s->name, s->status ? s->status : "status unknown");
	if (s->id)
		strbuf_addf(r->out, ", id %s", s->id);
	strbuf_addstr(r->out, "\n    agent: ");
	init_yaml_scalar(r->out, s->agent, true);
	strbuf_addstr(r->out, "\n    workspace: ");
	add_path(r, s->workspaces[0], false);
	strbuf_addch(r->out, '\n');
	if (s->nr_workspaces > 1) {
		strbuf_addstr(r->out, "    mounts: [");
		for (size_t w = 1; w < s->nr_workspaces; w++) {
			bool ro = str_ends_with(s->workspaces[w], ":ro");
			char *path = xstrndup(s->workspaces[w], strlen(s->workspaces[w]) - (ro ? 3 : 0));
			strbuf_addstr(r->out, w > 1 ? ", " : "");
			add_path(r, path, ro);
			free(path);
		}
		strbuf_addstr(r->out, "]\n");
	}
	if (s->cpus || s->memory)
		strbuf_addf(r->out, "    # sbx ls shows cpus %s, memory %s: left out, as they may be sbx's defaults\n",
			    s->cpus ? s->cpus : "-", s->memory ? s->memory : "-");
	struct strbuf notes = STRBUF_INIT;
	size_t before = r->out->len;
	strbuf_addstr(r->out, "    policy:\n");
	size_t rules = init_render_rules(r, s->name, "allow", 6, &notes) + init_render_rules(r, s->name, "deny", 6, &notes);
	if (!rules)
		strbuf_setlen(r->out, before);
	r->sum->rules += rules;
	strbuf_addbuf(r->out, &notes);
	strbuf_release(&notes);
	render_env(r, s);
}

void init_render_sandboxes(struct render *r)
{
	size_t nr;
	struct resource **boxes = init_of_kind(r->h->observed, "sandbox", &nr);
	bool header = false;
	for (size_t i = 0; i < nr; i++) {
		const struct sbx_sandbox *s = init_listed(r->h, boxes[i]->name);
		const char *what, *problem = sandbox_problem(r->h, s, &what);
		char *id = xasprintf("sandbox/%s", boxes[i]->name), *noun = xasprintf("sandbox %s", boxes[i]->name);
		if (problem) {
			strbuf_addf(r->out, "\n# left out: sandbox %s (and its rules and env), because %s%s%s\n",
				    boxes[i]->name, what ? what : "", what ? ": " : "", problem);
			r->sum->left_out++;
		} else if (!init_refused(r, id, "", noun)) {
			if (!header)
				strbuf_addstr(r->out, "\n# Sandboxes (sbx ls). sbx does not record the model an agent is run "
						      "with:\n# add `model:` to let `sbxapply run` and verify use it.\n"
						      "sandboxes:\n");
			header = true;
			size_t start = r->out->len;
			render_sandbox(r, s);
			init_span_add(r, id, start);
			r->sum->sandboxes++;
		}
		free(id);
		free(noun);
	}
	free(boxes);
}
