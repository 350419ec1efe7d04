/*
 * refs: Docker Model Runner reference normalisation (docs/backends.md §4).
 *
 * The canonical form used inside sbxsim drops "docker.io/" and
 * "index.docker.io/", so "gpt-oss", "ai/gpt-oss:latest" and
 * "docker.io/ai/gpt-oss:latest" all canonicalise to "ai/gpt-oss:latest".
 * Stored tags add the prefix back according to SBXSIM_TAG_FORM.
 * Ids ("sha256:<64 hex>", 64 or 12 hex) are not names: ref_is_id() says so
 * and the model store resolves them.
 */
#ifndef SBXSIM_REFS_H
#define SBXSIM_REFS_H

#include <stdbool.h>

enum tag_form {
	TAG_FORM_DOCKER_IO,
	TAG_FORM_SHORT,
};

bool ref_is_id(const char *ref);
/* Canonical name, caller frees; NULL when ref is not a valid reference. */
char *ref_normalize(const char *ref);
/* Tag as the store writes it: "docker.io/ai/x:latest" or "ai/x:latest". */
char *ref_stored_form(const char *canonical, enum tag_form form);
/* SBXSIM_TAG_FORM=docker.io (default) or short. */
enum tag_form ref_tag_form(void);
/* True when both sides name the same thing after normalisation. */
bool ref_same(const char *a, const char *b);

#endif
