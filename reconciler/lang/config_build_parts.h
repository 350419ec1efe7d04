#ifndef SBXAPPLY_LANG_CONFIG_BUILD_PARTS_H
#define SBXAPPLY_LANG_CONFIG_BUILD_PARTS_H
/*
 * Internal to config_build.c and config_paths.c: the builder both fill, its
 * diagnostics, the few accessors of the validated document they share, and
 * the path checks (workspaces, mounts, trusted_paths, the project's name
 * from its directory) that config_paths.c holds. Nothing here is for other
 * files; memory the functions return is the caller's.
 */
#include <stdbool.h>

#include "lang/config.h"
#include "lang/validate.h"
#include "util/strmap.h"
#include "util/strutil.h"
#include "util/xalloc.h"

struct builder {
	struct config *cfg;
	struct diag_list *diags;
	char *root;	       /* the project directory (the file's), symlinks resolved */
	char *home;	       /* the home directory, symlinks resolved; NULL if unknown */
	struct strmap trusted; /* trusted_paths, symlinks resolved, without trailing '/' */
	bool offline;	       /* validate --offline: what only the applying machine has is a warning */
};

/* Diagnostics at a mark of the document being read. */
#define error_at(b, m, ...) \
	diag_add((b)->diags, DIAG_ERROR, &(b)->cfg->doc.source, (m).line, (m).col, __VA_ARGS__)
#define warning_at(b, m, ...) \
	diag_add((b)->diags, DIAG_WARNING, &(b)->cfg->doc.source, (m).line, (m).col, __VA_ARGS__)
/* What only the machine that applies has (a directory, a secret): an error, a warning --offline. */
#define local_problem_at(b, m, ...) \
	diag_add((b)->diags, (b)->offline ? DIAG_WARNING : DIAG_ERROR, &(b)->cfg->doc.source, (m).line, (m).col, \
		 __VA_ARGS__)
#define OFFLINE_NOTE(b) ((b)->offline ? "; it must exist where the file is applied (--offline: a warning)" : "")

static inline const char *text_of(const struct ynode *n)
{
	const struct yvalue *v = yvalue_of(n);
	return v ? v->text : NULL;
}

static inline const struct ynode *field(const struct ynode *map, const char *key)
{
	const struct ypair *p = ynode_find(map, key);
	return p ? p->value : NULL;
}

static inline struct ymark field_mark(const struct ynode *map, const char *key, struct ymark fallback)
{
	const struct ypair *p = ynode_find(map, key);
	return p ? p->value_mark : fallback;
}

static inline void add_string(struct cfg_strings *list, char *s)
{
	XGROW(list->items, list->alloc, list->nr + 1);
	list->items[list->nr++] = s;
}

/* config_paths.c: the project directory (resolved), home and trusted_paths, into b; released with builder_release(). */
void builder_paths(struct builder *b, const struct ynode *root);
void builder_release(struct builder *b);
/* A sandbox's workspace (default "."), resolved and checked, into sb->workspace. */
void build_workspace(struct builder *b, const struct ypair *p, struct cfg_sandbox *sb);
/* A sandbox's mounts, resolved and checked, into sb->mounts. */
void build_mounts(struct builder *b, const struct ynode *box, const struct ynode *seq, struct cfg_sandbox *sb);
/* Compose's project name for a directory: its base name lowercased, [a-z0-9_-] kept (malloc'd; may be ""). */
char *project_from_dir(const char *dir);

#endif
