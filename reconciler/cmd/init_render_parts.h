#ifndef SBXAPPLY_CMD_INIT_RENDER_PARTS_H
#define SBXAPPLY_CMD_INIT_RENDER_PARTS_H
/*
 * What the files of init's rendering share (init_render.c: models, packages,
 * policy, the header; init_render_sandbox.c: sandboxes and their env). Not for
 * other commands: they use init_render.h.
 */
#include "cmd/init_render.h"

/* One rendering: the text so far and what it records. */
struct render {
	struct strbuf *out;
	const struct init_host *h;
	struct init_summary *sum;
	struct init_spans *spans;
	char **trusted; /* absolute paths outside the project, for trusted_paths */
	size_t nr_trusted, alloc_trusted;
};

/* Records that the entry id occupies the text from start to now (for tracing validation errors). */
void init_span_add(struct render *r, const char *id, size_t start);
/* Why the validator refused entry id last time, or NULL; when refused, says so as a comment at indent and counts it. */
const char *init_refused(struct render *r, const char *id, const char *indent, const char *what);
/* The observed resources of one kind, sorted by name; the array is malloc'd, the resources borrowed. */
struct resource **init_of_kind(const struct resource_set *set, const char *kind, size_t *nr);
const struct resource *init_find(const struct resource_set *set, const char *kind, const char *name);
/* The `sbx ls` row of a sandbox, or NULL. */
const struct sbx_sandbox *init_listed(const struct init_host *h, const char *name);
/* The rules of one scope (NULL: global) and decision as a YAML list at indent; refused ones go to notes. */
size_t init_render_rules(struct render *r, const char *scope, const char *decision, int indent, struct strbuf *notes);
void init_render_sandboxes(struct render *r);

#endif
