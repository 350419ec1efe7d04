/*
 * sbx_help: cobra's default help, from the command tree of the release.
 *
 * cobra's help template prints Long (or Short) and the usage template:
 *
 *   Usage:\n  <UseLine>[\n  <path> [command]]
 *   [\n\nAliases:\n  <name>, <alias>...]
 *   [\n\nExamples:\n<Example>]
 *   [\n\nAvailable Commands:(\n  <rpad name NamePadding> <Short>)...]
 *   [\n\nFlags:\n<local FlagUsages, trailing space trimmed>]
 *   [\n\nGlobal Flags:\n<inherited FlagUsages, trimmed>]
 *   [\n\nUse "<path> [command] --help" for more information about a command.]\n
 *
 * NamePadding is the longest child name (hidden ones count), at least 11.
 * pflag's FlagUsages sorts flags by name and pads every usage to the
 * longest "  -x, --name type" column plus three spaces.
 */
#include "sbx_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int cmp_flag(const void *a, const void *b)
{
	const struct sbx_flagdef *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

char *sbx_flag_usages(const struct sbx_flagdef *const *flags, int n)
{
	const struct sbx_flagdef **sorted = xcalloc((size_t)n + 1, sizeof(*sorted));
	int m = 0;
	for (int i = 0; i < n; i++)
		if (!flags[i]->hidden && !flags[i]->deprecated)
			sorted[m++] = flags[i];
	qsort(sorted, (size_t)m, sizeof(*sorted), cmp_flag);
	char **left = xcalloc((size_t)m + 1, sizeof(char *));
	size_t maxlen = 0;
	for (int i = 0; i < m; i++) {
		const struct sbx_flagdef *f = sorted[i];
		bool typed = f->type && *f->type;
		if (f->shorthand)
			left[i] = xasprintf("  -%c, --%s%s%s", f->shorthand, f->name, typed ? " " : "", typed ? f->type : "");
		else
			left[i] = xasprintf("      --%s%s%s", f->name, typed ? " " : "", typed ? f->type : "");
		if (strlen(left[i]) + 1 > maxlen)
			maxlen = strlen(left[i]) + 1;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	for (int i = 0; i < m; i++) {
		const struct sbx_flagdef *f = sorted[i];
		fprintf(out, "%s %*s ", left[i], (int)(maxlen - strlen(left[i])), "");
		/* pflag indents continuation lines of a multi-line usage. */
		for (const char *u = f->usage; *u; u++) {
			fputc(*u, out);
			if (*u == '\n')
				fprintf(out, "%*s", (int)maxlen + 2, "");
		}
		if (f->def)
			fprintf(out, strcmp(f->type ? f->type : "", "string") == 0 ? " (default \"%s\")" : " (default %s)", f->def);
		fputc('\n', out);
		free(left[i]);
	}
	fclose(out);
	free(left);
	free(sorted);
	return buf;
}

/* Long texts name per-release lists as {SERVICES} and {AGENTS}. */
static char *expand(const struct sbx_ctx *ctx, const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	while (*text) {
		const char **list = NULL;
		size_t skip = 0;
		if (str_starts(text, "{SERVICES}")) {
			list = sbx_services(ctx);
			skip = 10;
		} else if (str_starts(text, "{AGENTS}")) {
			list = sbx_agents(ctx);
			skip = 8;
		}
		if (list) {
			char *joined = sbx_join(list);
			fputs(joined, out);
			free(joined);
			text += skip;
		} else {
			fputc(*text++, out);
		}
	}
	fclose(out);
	/* trimTrailingWhitespaces */
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	return buf;
}

static void put_trimmed(FILE *out, char *text)
{
	size_t len = strlen(text);
	while (len && isspace((unsigned char)text[len - 1]))
		text[--len] = '\0';
	fputs(text, out);
	free(text);
}

static int cmp_cmd(const void *a, const void *b)
{
	const struct sbx_cmd *const *x = a, *const *y = b;
	return strcmp(sbx_cmd_name(*x), sbx_cmd_name(*y));
}

/* The children of cmd in this release, sorted; *pad: cobra's NamePadding. */
static const struct sbx_cmd **children(const struct sbx_ctx *ctx, const struct sbx_cmd *cmd, int *count, int *pad)
{
	int n;
	const struct sbx_cmd *const *all = sbx_cmd_all(&n);
	const struct sbx_cmd **out = xcalloc((size_t)n + 1, sizeof(*out));
	int m = 0;
	*pad = 11;
	for (int i = 0; i < n; i++) {
		const struct sbx_cmd *c = all[i];
		/* The entry sbx_cmd_child() resolves is the one active here. */
		if (!*c->path || sbx_cmd_find(ctx, c->path) != c)
			continue;
		const char *sp = strrchr(c->path, ' ');
		size_t plen = sp ? (size_t)(sp - c->path) : 0;
		if (plen != strlen(cmd->path) || strncmp(c->path, cmd->path, plen) != 0)
			continue;
		int len = (int)strlen(sbx_cmd_name(c));
		if (len > *pad)
			*pad = len;
		if (!c->hidden && !c->deprecated)
			out[m++] = c;
	}
	qsort(out, (size_t)m, sizeof(*out), cmp_cmd);
	*count = m;
	return out;
}

void sbx_help_print(struct sbx_ctx *ctx, const struct sbx_cmd *cmd, FILE *out)
{
	bool root = !*cmd->path;
	char *path = root ? xstrdup("sbx") : xasprintf("sbx %s", cmd->path);
	const char *text = cmd->long_ ? cmd->long_ : cmd->short_;
	if (text && *text) {
		char *t = expand(ctx, text);
		fprintf(out, "%s\n\n", t);
		free(t);
	}
	int nkids, pad;
	const struct sbx_cmd **kids = children(ctx, cmd, &nkids, &pad);
	fputs("Usage:", out);
	/* use "" is a command that only groups others (cobra: not Runnable). */
	if (cmd->use && *cmd->use)
		fprintf(out, "\n  %s", cmd->use);
	else if (!cmd->use)
		fprintf(out, "\n  %s [flags]", path);
	if (nkids)
		fprintf(out, "\n  %s [command]", path);
	if (cmd->aliases) {
		fprintf(out, "\n\nAliases:\n  %s, ", sbx_cmd_name(cmd));
		for (const char *a = cmd->aliases; *a; a++) {
			if (*a == ',')
				fputs(", ", out);
			else
				fputc(*a, out);
		}
	}
	if (cmd->example)
		fprintf(out, "\n\nExamples:\n%s", cmd->example);
	if (nkids) {
		fputs("\n\nAvailable Commands:", out);
		for (int i = 0; i < nkids; i++)
			fprintf(out, "\n  %-*s %s", pad, sbx_cmd_name(kids[i]), kids[i]->short_);
	}
	const struct sbx_flagdef *flags[SBX_MAX_FLAGS];
	int n = sbx_cmd_flags(ctx, cmd, true, flags, SBX_MAX_FLAGS);
	char *usages = sbx_flag_usages(flags, n);
	if (*usages) {
		fputs("\n\nFlags:\n", out);
		put_trimmed(out, usages);
	} else {
		free(usages);
	}
	n = sbx_cmd_flags(ctx, cmd, false, flags, SBX_MAX_FLAGS);
	usages = sbx_flag_usages(flags, n);
	if (*usages) {
		fputs("\n\nGlobal Flags:\n", out);
		put_trimmed(out, usages);
	} else {
		free(usages);
	}
	if (nkids)
		fprintf(out, "\n\nUse \"%s [command] --help\" for more information about a command.", path);
	fputc('\n', out);
	free(kids);
	free(path);
}
