/*
 * catalogue: the simulated registry (Docker Hub's ai/ namespace and a
 * private repository), with the guide's models at realistic sizes.
 *
 * A digest depends on the entry and on the repository's revision in
 * "<state>/registry.json"; `sbxsim registry bump REPO` raises it to simulate
 * a new upload, so a re-pull yields a new id.  ai/smollm2 at revision 0
 * has the id quoted in docs/backends.md §2.
 */
#ifndef SBXSIM_CATALOGUE_H
#define SBXSIM_CATALOGUE_H

#include <stdint.h>

struct cat_layer {
	const char *media_type;
	uint64_t size;
};

struct cat_model {
	const char *repo;    /* canonical repository, "ai/smollm2" */
	const char *tag;     /* "latest" */
	const char *variant; /* entries sharing a variant share a digest */
	const char *parameters, *quantization, *architecture, *context_length;
	int64_t created;
	int http_status; /* 0 when pullable; 401 for the private repository */
	int nlayers;
	struct cat_layer layers[3];
};

/* Entry for a canonical "repo:tag" ref, NULL when the registry lacks it. */
const struct cat_model *catalogue_find(const char *canonical);
uint64_t catalogue_total_size(const struct cat_model *m);
int catalogue_rev(const char *repo);
/* Raise a repository's revision under the state lock; returns the new one. */
int catalogue_bump(const char *repo);
/* Model id at the repository's current revision. */
void catalogue_digest(const struct cat_model *m, char out[72]);
void catalogue_layer_digest(const struct cat_model *m, int layer, char out[72]);

#endif
