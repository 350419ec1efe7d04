/*
 * sbxapply __complete sandboxes|models [-f FILE]: the names the file declares,
 * one per line, for the shell completions (cmd_gen_shell.c). Only the YAML is
 * read: no interpolation, no validation, no backend, so a file with an unset
 * ${VAR} still completes. Prints nothing, and exits 0, when the file cannot be
 * read or parsed: a completion must never put an error on the user's prompt.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "io/yaml_doc.h"
#include "os/fileio.h"
#include "util/diag.h"
#include "util/strbuf.h"

#define COMPLETE_MAX_FILE (4 << 20)

/* Prints the keys of the top-level mapping `section`, skipping what a shell word cannot hold. */
static void print_keys(const struct ydoc *doc, const char *section)
{
	const struct ypair *p = doc->root && doc->root->kind == YNODE_MAP ? ynode_find(doc->root, section) : NULL;
	if (!p || p->value->kind != YNODE_MAP)
		return;
	for (size_t i = 0; i < p->value->nr_pairs; i++) {
		const struct ynode *key = p->value->pairs[i].key;
		if (key->len && strlen(key->value) == key->len && !strpbrk(key->value, " \t\r\n"))
			printf("%s\n", key->value);
	}
}

static int complete_exec(const struct cli_options *opts)
{
	if (opts->nr_args != 1 || (strcmp(opts->args[0], "sandboxes") && strcmp(opts->args[0], "models")))
		return EXIT_USAGE;
	if (!strcmp(opts->file, "-"))
		return EXIT_OK; /* stdin belongs to the shell */
	struct strbuf text = STRBUF_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	struct ydoc doc;
	if (read_file(opts->file, &text, COMPLETE_MAX_FILE) == 0) {
		if (ydoc_load(&doc, opts->file, text.buf, text.len, &diags) == 0) {
			if (!strcmp(opts->args[0], "sandboxes")) {
				print_keys(&doc, "sandboxes");
			} else {
				print_keys(&doc, "models"); /* a sandbox's model: may name a package too */
				print_keys(&doc, "packages");
			}
		}
		ydoc_release(&doc); /* the loader leaves a releasable doc after a failure too */
	}
	diag_list_release(&diags);
	strbuf_release(&text);
	return EXIT_OK;
}

const struct cmd_entry cmd_complete_entry = {
	.name = "__complete",
	.summary = "print the sandbox or model names the file declares (for shell completion)",
	.usage = "sbxapply __complete sandboxes|models [-f FILE]",
	.help = "Prints one name per line; nothing when the file cannot be read. Touches no backend.\n",
	.options = OPT_FILE,
	.exec = complete_exec,
};
