#ifndef SBXAPPLY_LANG_COMPOSE_HINT_H
#define SBXAPPLY_LANG_COMPOSE_HINT_H
/*
 * Internal to validate.c: what to say when a file uses Docker Compose's
 * spelling where sandbox.yaml has its own. Pure: writes to `out`, never fails.
 */
#include "io/yaml_doc.h"
#include "util/strbuf.h"

/*
 * Compose's `environment:` (a list of KEY=VALUE, or a map) written as the
 * `env:` map sbxapply reads, on one line: `env: {KEY: value, ...}`, at most
 * four entries, then `...`. Values are shown as written in the file (never
 * interpolated); a key that names a secret (*_KEY, *_TOKEN, ...) shows
 * `${KEY}` instead of its value, and a bare KEY (Compose's "from the
 * environment") shows `${KEY}` too.
 */
void compose_env_as_map(const struct ynode *environment, struct strbuf *out);

#endif
