#ifndef SBXAPPLY_BACKENDS_SBX_SBX_HELP_H
#define SBXAPPLY_BACKENDS_SBX_SBX_HELP_H
/*
 * What a cobra `--help` page says a command accepts (docs/backends.md §6):
 * the usage lines, the subcommands under "Available Commands:" and every
 * flag under "Flags:" and "Global Flags:", short and long forms alike.
 *
 * The reader is tolerant: sections may come in any order and lines it does
 * not know are ignored. But a page without a "Usage:" line, or cut short
 * (no -h/--help flag, no "Global Flags:" section nor the root's closing
 * "Use \"sbx [command] --help\"" line) is not believed (sbx_help_parse()
 * returns -1), so a caller falls back to what it knew before. A help owns its strings; release it with sbx_help_release().
 */
#include <stdbool.h>
#include <stddef.h>

struct sbx_help {
	char **usage; /* "sbx policy allow network [-g | SANDBOX] RESOURCES [flags]" */
	size_t nr_usage, alloc_usage;
	char **commands; /* "init", "ls", ... */
	size_t nr_commands, alloc_commands;
	char **flags; /* "--sandbox", "-g", "--global", ... (local and global) */
	size_t nr_flags, alloc_flags;
};

int sbx_help_parse(const char *text, size_t len, struct sbx_help *h);
void sbx_help_release(struct sbx_help *h);
/* Whether the page lists the flag ("--json" or "-g") or the subcommand. */
bool sbx_help_has_flag(const struct sbx_help *h, const char *flag);
bool sbx_help_has_command(const struct sbx_help *h, const char *name);
/* Whether a usage line holds `word` as a whole token ("-g" in "[-g | SANDBOX]"). */
bool sbx_help_usage_has(const struct sbx_help *h, const char *word);

#endif
