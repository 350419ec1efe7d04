#ifndef SBXAPPLY_BACKENDS_SBX_SBX_ENV_H
#define SBXAPPLY_BACKENDS_SBX_SBX_ENV_H
/*
 * The env block sbxapply owns in a sandbox's /etc/sandbox-persistent.sh
 * (docs/backends.md §11, the guide's step 4 made safe and idempotent):
 *
 *   # BEGIN sbxapply (managed by sbxapply: edit sandbox.yaml, not this block)
 *   export KEY='value with '\'' quotes'
 *   # END sbxapply
 *
 * Only the lines between the markers are ever rewritten; the rest of the file
 * and its mode stay as they were. The shell script that reads and rewrites
 * the file is the constant sbx_env_script: it never contains a key or a value.
 * The export lines are built here (keys checked, values in POSIX single
 * quotes) and travel as positional arguments, or on stdin (NUL-terminated,
 * `exec -i`) when sensitive, so no value is ever shell code and no secret is
 * ever in an argv that `ps` shows. Reading back parses the quoted text in C:
 * nothing inside the sandbox evaluates it.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define SBX_ENV_FILE "/etc/sandbox-persistent.sh"
#define SBX_ENV_BEGIN "# BEGIN sbxapply"
#define SBX_ENV_END "# END sbxapply"

/*
 * `bash -c sbx_env_script sbxapply read FILE` prints the block (markers
 * included) or nothing; `... write FILE LINE...` replaces the block with
 * the lines (in place of the old block, else at the end; no lines: the block
 * is removed), where a LINE of "-" is read from stdin up to a NUL byte.
 * The file is rewritten in place (`cat > FILE`), which keeps its mode and owner.
 */
extern const char sbx_env_script[];

/* KEY names a shell variable: [A-Za-z_][A-Za-z0-9_]* */
bool sbx_env_key_valid(const char *key);
/* Appends value in POSIX single quotes: ' becomes '\'' (every other byte is literal). */
void sbx_env_quote(struct strbuf *out, const char *value);
/* "export KEY='value'"; NULL when the key is invalid or the value holds CR or LF. */
char *sbx_env_line(const char *key, const char *value);

struct sbx_env_var {
	char *key, *value;
};

/*
 * Parses what the read mode printed (anything before the BEGIN marker, such
 * as a daemon banner, is skipped). *malformed counts lines inside the block
 * that are not an export sbxapply would write (edited by hand): the caller
 * treats them as drift. Returns 1 when the file holds sbxapply's block, 0
 * when it holds none (nothing was ever written there); the variables belong
 * to the caller either way.
 */
int sbx_env_parse_block(const char *text, size_t len, struct sbx_env_var **out, size_t *nr, size_t *malformed);
void sbx_env_vars_free(struct sbx_env_var *vars, size_t nr);

#endif
