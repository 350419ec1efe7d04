#ifndef SBXAPPLY_REFS_MODELREF_H
#define SBXAPPLY_REFS_MODELREF_H
/*
 * Model references the way Docker Model Runner reads them (docs/backends.md §4,
 * MR: pkg/distribution/distribution/client.go normalizeModelName), so that
 * `gpt-oss`, `ai/gpt-oss:latest` and `docker.io/ai/gpt-oss:latest` compare
 * equal whichever tag form a store uses.
 *
 * The canonical form drops `docker.io/` and `index.docker.io/` (equivalent to
 * no registry), adds `ai/` to a bare name and `:latest` to an untagged one, and
 * lowercases the name part but not the tag. Returned strings are malloc'd and
 * belong to the caller.
 */
#include <stdbool.h>

/* Canonical form of ref, for comparisons and map keys. */
char *modelref_normalize(const char *ref);
/* The short form the docker CLI displays: no docker.io/, no ai/, no :latest. */
char *modelref_display(const char *ref);
/* True when the two refs name the same model once normalised. */
bool modelref_equal(const char *a, const char *b);
/* A 12- or 64-hex id, or a sha256: digest: refers to a stored model, cannot be pulled. */
bool modelref_is_id(const char *ref);
/*
 * Checks ref against the reference grammar ([registry/]name[:tag][@digest]).
 * Returns NULL when valid, else a static explanation.
 */
const char *modelref_check(const char *ref);

#endif
