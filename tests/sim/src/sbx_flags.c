/*
 * sbx_flags: the command tree lookups and a pflag-like parser.
 *
 * Parsing follows spf13/pflag: "--name=value", "--name value", bool
 * flags take no value unless "=", shorthands combine ("-it", "-uroot",
 * "-m=4g"), "--" ends the flags, and with interspersing off (exec) the
 * first argument ends them.  Errors use pflag's words, which sbx prints
 * after "ERROR: " (error-unknown-flag-json@unknown-i290.txt: no usage).
 */
#include "sbx_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool gate(const struct sbx_ctx *ctx, enum sbx_feature feat, enum sbx_feature unless)
{
	return sbx_has(ctx, feat) && (unless == F_ALWAYS || !sbx_has(ctx, unless));
}

bool sbx_flag_on(const struct sbx_ctx *ctx, const struct sbx_flagdef *f)
{
	return gate(ctx, f->feat, f->unless);
}

const char *sbx_cmd_name(const struct sbx_cmd *cmd)
{
	const char *sp = strrchr(cmd->path, ' ');
	return !*cmd->path ? "sbx" : sp ? sp + 1
					: cmd->path;
}

/* Whether child's path is parent's path plus one word. */
static bool is_child(const struct sbx_cmd *parent, const struct sbx_cmd *child)
{
	size_t pl = strlen(parent->path), cl = strlen(child->path);
	if (!cl || cl <= pl)
		return false;
	if (pl && (strncmp(child->path, parent->path, pl) != 0 || child->path[pl] != ' '))
		return false;
	return strchr(child->path + (pl ? pl + 1 : 0), ' ') == NULL;
}

static bool has_alias(const struct sbx_cmd *cmd, const char *word)
{
	if (!cmd->aliases)
		return false;
	size_t n = strlen(word);
	for (const char *a = cmd->aliases; *a;) {
		size_t len = strcspn(a, ",");
		if (len == n && strncmp(a, word, n) == 0)
			return true;
		a += len;
		a += *a == ',';
	}
	return false;
}

const struct sbx_cmd *sbx_cmd_find(const struct sbx_ctx *ctx, const char *path)
{
	int n;
	const struct sbx_cmd *const *all = sbx_cmd_all(&n);
	for (int i = 0; i < n; i++)
		if (strcmp(all[i]->path, path) == 0 && gate(ctx, all[i]->feat, all[i]->unless))
			return all[i];
	return NULL;
}

const struct sbx_cmd *sbx_cmd_child(const struct sbx_ctx *ctx, const struct sbx_cmd *cmd, const char *word)
{
	int n;
	const struct sbx_cmd *const *all = sbx_cmd_all(&n);
	for (int i = 0; i < n; i++) {
		const struct sbx_cmd *c = all[i];
		if (is_child(cmd, c) && gate(ctx, c->feat, c->unless) &&
		    (strcmp(sbx_cmd_name(c), word) == 0 || has_alias(c, word)))
			return c;
	}
	return NULL;
}

bool sbx_cmd_has_children(const struct sbx_ctx *ctx, const struct sbx_cmd *cmd)
{
	int n;
	const struct sbx_cmd *const *all = sbx_cmd_all(&n);
	for (int i = 0; i < n; i++)
		if (is_child(cmd, all[i]) && gate(ctx, all[i]->feat, all[i]->unless) && !all[i]->hidden &&
		    !all[i]->deprecated)
			return true;
	return false;
}

/* cobra adds -h/--help to every command, "help for <name>". */
static struct sbx_flagdef help_flag = { .name = "help", .shorthand = 'h' };
static char help_usage[64];

int sbx_cmd_flags(const struct sbx_ctx *ctx, const struct sbx_cmd *cmd, bool local, const struct sbx_flagdef **out,
		  int max)
{
	int n = 0;
	bool root = !*cmd->path;
	if (local) {
		for (const struct sbx_flagdef *f = cmd->flags; f && f->name; f++)
			if (sbx_flag_on(ctx, f) && n < max)
				out[n++] = f;
		snprintf(help_usage, sizeof(help_usage), "help for %s", sbx_cmd_name(cmd));
		help_flag.usage = help_usage;
		if (n < max)
			out[n++] = &help_flag;
	}
	/* The root's persistent flags are its own; its children inherit them. */
	if (local == root)
		for (const struct sbx_flagdef *f = sbx_global_flags; f->name; f++)
			if (sbx_flag_on(ctx, f) && n < max)
				out[n++] = f;
	return n;
}

static int find_long(const struct args *a, const char *name, size_t len)
{
	for (int i = 0; i < a->ndefs; i++)
		if (strlen(a->defs[i]->name) == len && strncmp(a->defs[i]->name, name, len) == 0)
			return i;
	return -1;
}

static int find_short(const struct args *a, char c)
{
	for (int i = 0; i < a->ndefs; i++)
		if (a->defs[i]->shorthand == c)
			return i;
	return -1;
}

static bool is_bool(const struct sbx_flagdef *f)
{
	return !f->type || !*f->type;
}

static bool is_list(const struct sbx_flagdef *f)
{
	return f->type && (strcmp(f->type, "strings") == 0 || strcmp(f->type, "stringArray") == 0);
}

static int set_flag(struct sbx_ctx *ctx, struct args *a, int idx, const char *value)
{
	const struct sbx_flagdef *f = a->defs[idx];
	char fname[64];
	if (f->shorthand)
		snprintf(fname, sizeof(fname), "-%c, --%s", f->shorthand, f->name);
	else
		snprintf(fname, sizeof(fname), "--%s", f->name);
	if (is_bool(f)) {
		static const char *yes[] = { "1", "t", "T", "TRUE", "true", "True" };
		static const char *no[] = { "0", "f", "F", "FALSE", "false", "False" };
		bool ok = false, v = false;
		for (int i = 0; i < 6; i++) {
			if (strcmp(value, yes[i]) == 0)
				ok = v = true;
			if (strcmp(value, no[i]) == 0)
				ok = true;
		}
		if (!ok)
			return sbx_error(ctx, "invalid argument \"%s\" for \"%s\" flag: strconv.ParseBool: parsing \"%s\": invalid syntax",
					 value, fname, value);
		value = v ? "true" : "false";
	} else if (strcmp(f->type, "int") == 0) {
		char *end;
		errno = 0;
		(void)strtol(value, &end, 0);
		if (!*value || *end || errno)
			return sbx_error(ctx, "invalid argument \"%s\" for \"%s\" flag: strconv.ParseInt: parsing \"%s\": invalid syntax",
					 value, fname, value);
	}
	if (f->deprecated)
		fprintf(ctx->err, "Flag --%s has been deprecated, %s\n", f->name, f->deprecated);
	a->set[idx] = true;
	a->value[idx] = value;
	if (is_list(f)) {
		/* "strings" also splits on commas. */
		bool csv = strcmp(f->type, "strings") == 0;
		const char *p = value;
		do {
			size_t len = csv ? strcspn(p, ",") : strlen(p);
			a->multi[idx] = xrealloc(a->multi[idx], sizeof(char *) * (size_t)(a->nmulti[idx] + 1));
			a->multi[idx][a->nmulti[idx]++] = xstrndup(p, len);
			p += len;
			p += *p == ',';
		} while (*p);
	}
	if (f == &help_flag)
		a->help = true;
	return 0;
}

static int parse(struct sbx_ctx *ctx, const struct sbx_cmd *cmd, int argc, char **argv, struct args *a)
{
	a->ndefs = sbx_cmd_flags(ctx, cmd, true, a->defs, SBX_MAX_FLAGS);
	a->ndefs += sbx_cmd_flags(ctx, cmd, false, a->defs + a->ndefs, SBX_MAX_FLAGS - a->ndefs);
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		if (strcmp(s, "--") == 0) {
			a->dash_at = a->npos;
			for (i++; i < argc; i++)
				a->pos[a->npos++] = argv[i];
			break;
		}
		if (s[0] != '-' || s[1] == '\0') {
			a->pos[a->npos++] = s;
			if (cmd->no_interspersed)
				for (i++; i < argc; i++)
					a->pos[a->npos++] = argv[i];
			continue;
		}
		if (s[1] == '-') {
			const char *name = s + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int idx = find_long(a, name, len);
			if (idx < 0)
				return sbx_error(ctx, "unknown flag: --%.*s", (int)len, name);
			const char *value;
			if (eq)
				value = eq + 1;
			else if (is_bool(a->defs[idx]))
				value = "true";
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return sbx_error(ctx, "flag needs an argument: --%s", a->defs[idx]->name);
			if (set_flag(ctx, a, idx, value))
				return 1;
			continue;
		}
		for (const char *c = s + 1; *c; c++) {
			int idx = find_short(a, *c);
			if (idx < 0)
				return sbx_error(ctx, "unknown shorthand flag: '%c' in %s", *c, s);
			const char *value = "true";
			bool rest = true; /* the value used up the rest of this argument */
			if (c[1] == '=')
				value = c + 2;
			else if (is_bool(a->defs[idx]))
				rest = false;
			else if (c[1])
				value = c + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return sbx_error(ctx, "flag needs an argument: '%c' in -%c", *c, *c);
			if (set_flag(ctx, a, idx, value))
				return 1;
			if (rest)
				break;
		}
	}
	return 0;
}

int args_parse(struct sbx_ctx *ctx, const struct sbx_cmd *cmd, int argc, char **argv, struct args *out)
{
	memset(out, 0, sizeof(*out));
	out->cmd = cmd;
	out->dash_at = -1;
	out->pos = xcalloc((size_t)argc + 1, sizeof(char *));
	if (parse(ctx, cmd, argc, argv, out)) {
		args_release(out);
		return -1;
	}
	return 0;
}

void args_release(struct args *a)
{
	for (int i = 0; i < SBX_MAX_FLAGS; i++) {
		for (int k = 0; k < a->nmulti[i]; k++)
			free((char *)a->multi[i][k]);
		free(a->multi[i]);
	}
	free(a->pos);
	memset(a, 0, sizeof(*a));
}

static int index_of(const struct args *a, const char *name)
{
	for (int i = 0; i < a->ndefs; i++)
		if (strcmp(a->defs[i]->name, name) == 0)
			return i;
	return -1;
}

bool arg_set(const struct args *a, const char *name)
{
	int i = index_of(a, name);
	if (i < 0 || !a->set[i])
		return false;
	return !is_bool(a->defs[i]) || strcmp(a->value[i], "true") == 0;
}

const char *arg_str(const struct args *a, const char *name)
{
	int i = index_of(a, name);
	return i >= 0 && a->set[i] ? a->value[i] : NULL;
}

int arg_list(const struct args *a, const char *name, const char ***out)
{
	int i = index_of(a, name);
	*out = i >= 0 ? a->multi[i] : NULL;
	return i >= 0 ? a->nmulti[i] : 0;
}

int args_check_count(struct sbx_ctx *ctx, const struct sbx_cmd *cmd, int n)
{
	if (!cmd->args)
		return 0;
	int lo = atoi(cmd->args), hi = lo;
	const char *rest = cmd->args + strspn(cmd->args, "0123456789");
	if (*rest == '+')
		hi = -1;
	else if (*rest == '-')
		hi = atoi(rest + 1);
	/* cobra's ExactArgs, MinimumNArgs, RangeArgs messages. */
	if (hi == lo && n != lo)
		return sbx_error(ctx, "accepts %d arg(s), received %d", lo, n);
	if (hi < 0 && n < lo)
		return sbx_error(ctx, "requires at least %d arg(s), only received %d", lo, n);
	if (hi > lo && (n < lo || n > hi))
		return sbx_error(ctx, "accepts between %d and %d arg(s), received %d", lo, hi, n);
	return 0;
}
