/* Where sandboxes look: workspaces, mounts, trusted_paths and the project's name from its directory (config_build_parts.h). */
#include "config_build_parts.h"

#include <ctype.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/strbuf.h"

/* Joins a path written in the file onto the file's directory, then resolves symlinks if it exists. */
static char *resolve_path(const char *dir, const char *rel)
{
	char *joined = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", dir, rel);
	char *real = realpath(joined, NULL);
	if (real) {
		free(joined);
		return real;
	}
	return joined;
}

static bool is_directory(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* path is dir or inside it (both absolute, symlinks resolved). */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/*
 * Where a workspace or mount may be: in the project directory, or outside it
 * when the sandbox says allow_outside_project or a trusted path holds it; never
 * the home directory, /, or a directory that holds home, read-write. `abs` is
 * the resolved directory; `what` names it for messages ("workspace", "mount").
 */
static void check_location(struct builder *b, const struct ynode *box, const char *what, const char *text,
			   const char *abs, bool ro, struct ymark at, const char *sandbox)
{
	if (str_ends_with(abs, ":ro")) {
		error_at(b, at,
			 "%s '%s' resolves to %s, whose name ends in ':ro': sbx would read it as a read-only mount of "
			 "%.*s; rename the directory (or mount it through a symlink of another name)",
			 what, text, abs, (int)(strlen(abs) - 3), abs);
		return;
	}
	if (!ro && b->home && path_under(b->home, abs)) {
		error_at(b, at,
			 "%s '%s' resolves to %s, %s: it is never given to a sandbox read-write, even when trusted; "
			 "%s",
			 what, text, abs, !strcmp(abs, b->home) ? "the home directory" : "which holds the home directory",
			 *what == 'w' ? "use a project directory as the workspace" : "mount a subdirectory, or add :ro");
		return;
	}
	if (!ro && !strcmp(abs, "/")) {
		error_at(b, at, "%s '%s' resolves to /: it is never given to a sandbox read-write, even when trusted; %s",
			 what, text, *what == 'w' ? "use a project directory as the workspace" : "mount a subdirectory, or add :ro");
		return;
	}
	if (path_under(abs, b->root))
		return;
	const struct ynode *flag = field(box, "allow_outside_project");
	if (flag && text_of(flag) && tolower((unsigned char)text_of(flag)[0]) == 't')
		return;
	/* abs or one of its parents is trusted: one lookup per component, however many are listed */
	if (strmap_get(&b->trusted, "/"))
		return;
	char *prefix = xstrdup(abs);
	bool trusted = false;
	for (size_t n = strlen(prefix); n > 1 && !trusted;) {
		prefix[n] = '\0';
		trusted = strmap_get(&b->trusted, prefix) != NULL;
		while (n > 0 && prefix[n - 1] != '/')
			n--;
		while (n > 1 && prefix[n - 1] == '/')
			n--;
	}
	free(prefix);
	if (trusted)
		return;
	error_at(b, at,
		 "%s '%s' is outside the project directory: it resolves to %s; if the sandbox should see it, add "
		 "allow_outside_project: true to sandbox '%s', or list %s (or a parent) under trusted_paths",
		 what, text, abs, sandbox, abs);
}

void build_mounts(struct builder *b, const struct ynode *box, const struct ynode *seq, struct cfg_sandbox *sb)
{
	if (!seq || seq->kind != YNODE_SEQ)
		return;
	for (size_t i = 0; i < seq->nr_items; i++) {
		const char *text = text_of(seq->items[i]);
		if (!text)
			continue;
		bool ro = str_ends_with(text, ":ro");
		char *rel = xstrndup(text, strlen(text) - (ro ? 3 : 0));
		char *abs = resolve_path(b->cfg->dir, rel);
		if (!is_directory(abs))
			local_problem_at(b, seq->items[i]->mark, "mount '%s' is not a directory (%s)%s", rel, abs,
					 OFFLINE_NOTE(b));
		else
			check_location(b, box, "mount", rel, abs, ro, seq->items[i]->mark, sb->name);
		add_string(&sb->mounts, ro ? xasprintf("%s:ro", abs) : xstrdup(abs));
		free(abs);
		free(rel);
	}
}

void build_workspace(struct builder *b, const struct ypair *p, struct cfg_sandbox *sb)
{
	const struct ynode *v = p->value;
	const char *ws = field(v, "workspace") ? text_of(field(v, "workspace")) : ".";
	if (!ws)
		return;
	sb->workspace = resolve_path(b->cfg->dir, ws);
	struct ymark at = field_mark(v, "workspace", p->key->mark);
	const char *base = strrchr(sb->workspace, '/');
	if (!is_directory(sb->workspace))
		local_problem_at(b, at, "workspace '%s' is not a directory (%s)%s", ws, sb->workspace, OFFLINE_NOTE(b));
	else
		check_location(b, v, "workspace", ws, sb->workspace, false, at, sb->name);
	if (is_directory(sb->workspace) && base && base[1] == '.')
		warning_at(b, at, "workspace directory '%s' starts with a dot: sbx fails to create such sandboxes (https://github.com/docker/sbx-releases/issues/602)",
			   base + 1);
}

/* Compose's rule: lowercase, keep only [a-z0-9_-]. */
char *project_from_dir(const char *dir)
{
	const char *base = strrchr(dir, '/');
	base = base ? base + 1 : dir;
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = base; *p; p++) {
		int c = tolower((unsigned char)*p);
		if (isalnum(c) || ((c == '-' || c == '_') && sb.len))
			strbuf_addch(&sb, c);
	}
	return strbuf_detach(&sb, NULL);
}

/* The home directory, symlinks resolved: $HOME, else the password database's; NULL if neither. */
static char *home_dir(void)
{
	const char *home = getenv("HOME");
	if (!home || home[0] != '/') {
		const struct passwd *pw = getpwuid(getuid());
		home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
	}
	if (!home)
		return NULL;
	char *real = realpath(home, NULL);
	return real ? real : xstrdup(home);
}

void builder_paths(struct builder *b, const struct ynode *root)
{
	char *real = realpath(b->cfg->dir, NULL);
	b->root = real ? real : xstrdup(b->cfg->dir);
	b->home = home_dir();
	const struct ynode *list = field(root, "trusted_paths");
	if (!list || list->kind != YNODE_SEQ)
		return;
	for (size_t i = 0; i < list->nr_items; i++) {
		const char *t = text_of(list->items[i]);
		if (!t)
			continue;
		real = realpath(t, NULL);
		char *path = real ? real : xstrdup(t);
		size_t n = strlen(path);
		while (n > 1 && path[n - 1] == '/')
			path[--n] = '\0';
		strmap_put(&b->trusted, path, list->items[i]);
		free(path);
	}
}

void builder_release(struct builder *b)
{
	free(b->root);
	free(b->home);
	strmap_release(&b->trusted);
}
