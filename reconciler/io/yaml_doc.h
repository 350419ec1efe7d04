#ifndef SBXAPPLY_IO_YAML_DOC_H
#define SBXAPPLY_IO_YAML_DOC_H
/*
 * A YAML document read with libyaml into a tree of nodes that remember where
 * they came from (1-based line and column), for messages that point at the spot.
 *
 * Aliases are resolved to the anchored node itself, so the tree is a DAG: walk
 * it knowing that a node can be reached twice. Merge keys (`<<: *a`,
 * `<<: [*a, *b]`) are applied at load time, local keys winning, the merged pairs
 * flagged `merged`. The loader refuses what would make a walk unbounded: an
 * alias to a node still being defined (a cycle), and a document whose aliases
 * expand past YDOC_MAX_EXPANDED nodes (an "alias bomb").
 *
 * Ownership: every node and string belongs to the ydoc and dies with
 * ydoc_release(). Errors go to the diag list; the tree is usable for
 * validation only when ydoc_load() returned 0, which it does after errors
 * that leave the tree sound (duplicate keys), so that validation can report
 * the rest of the file too.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

#define YDOC_MAX_EXPANDED 1000000

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};
enum yscalar_style {
	YSTYLE_PLAIN,
	YSTYLE_SINGLE,
	YSTYLE_DOUBLE,
	YSTYLE_LITERAL,
	YSTYLE_FOLDED,
};

struct ymark {
	int line, col;
};

struct ynode;

struct ypair {
	struct ynode *key; /* always a scalar */
	struct ynode *value;
	struct ymark value_mark; /* where the value (or the alias to it) is written */
	bool merged;		 /* came in through a `<<` merge key */
};

struct ynode {
	enum ynode_kind kind;
	struct ymark mark; /* start of the node (of the anchor's node for aliases) */
	const char *tag;   /* explicit tag, or NULL */
	/* scalars: raw value (may hold NUL bytes) */
	char *value;
	size_t len;
	enum yscalar_style style;
	/* sequences */
	struct ynode **items;
	size_t nr_items;
	/* mappings, in document order */
	struct ypair *pairs;
	size_t nr_pairs;
	/* scratch space for later passes (interpolation results) */
	void *user;
	size_t weight; /* nodes this one expands to, aliases counted in full */
};

struct ydoc_arena;

struct ydoc {
	struct diag_source source; /* name and text; the text is owned */
	struct ynode *root;	   /* NULL for an empty document */
	struct ydoc_arena *arena;
};

/*
 * Parses text (len bytes, copied) named `name` for messages. Returns 0 when the
 * document loaded; -1 after adding at least one error to diags.
 */
int ydoc_load(struct ydoc *doc, const char *name, const char *text, size_t len, struct diag_list *diags);
void ydoc_release(struct ydoc *doc);

/* Allocates from the document's arena (zeroed); freed with the document. */
void *ydoc_alloc(struct ydoc *doc, size_t size);

/* The pair whose key is `key`, or NULL. Merged pairs are found too. */
const struct ypair *ynode_find(const struct ynode *map, const char *key);
/* True for a plain scalar that YAML reads as null: empty, ~, null, Null, NULL. */
bool ynode_is_null(const struct ynode *node);
const char *ynode_kind_name(const struct ynode *node);

#endif
