#include "sbx_help.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

enum section {
	S_NONE,
	S_USAGE,
	S_COMMANDS,
	S_FLAGS,
	S_OTHER,
};

static void push(char ***v, size_t *nr, size_t *alloc, const char *s, size_t n)
{
	xgrow((void **)v, alloc, *nr + 1, sizeof(**v));
	(*v)[(*nr)++] = xstrndup(s, n);
}

/* A section title is a line at column 0 ending in ':' ("Flags:", "Available Commands:"). */
static enum section section_of(const char *line, size_t n, bool *is_title)
{
	*is_title = n > 1 && !isspace((unsigned char)line[0]) && line[n - 1] == ':';
	if (!*is_title)
		return S_NONE;
	if (n == 6 && !memcmp(line, "Usage:", 6))
		return S_USAGE;
	if (n >= 9 && !memcmp(line + n - 9, "Commands:", 9))
		return S_COMMANDS; /* "Available Commands:", "Additional Commands:" */
	if (n >= 6 && !memcmp(line + n - 6, "Flags:", 6))
		return S_FLAGS; /* "Flags:", "Global Flags:" */
	return S_OTHER;
}

/*
 * "  -g, --global   Use ..." or "      --sandbox string   Scope ...": the
 * flag column ends at the first run of two spaces after the first '-'.
 */
static void read_flags(struct sbx_help *h, const char *line, size_t n)
{
	size_t i = 0;
	while (i < n && line[i] == ' ')
		i++;
	if (i >= n || line[i] != '-')
		return;
	size_t end = i;
	while (end < n && !(line[end] == ' ' && end + 1 < n && line[end + 1] == ' '))
		end++;
	while (i < end) {
		while (i < end && (line[i] == ' ' || line[i] == ','))
			i++;
		size_t b = i;
		while (i < end && line[i] != ' ' && line[i] != ',' && line[i] != '=')
			i++;
		if (i > b && line[b] == '-')
			push(&h->flags, &h->nr_flags, &h->alloc_flags, line + b, i - b);
		while (i < end && line[i] != ' ' && line[i] != ',')
			i++; /* "=value" or a value type */
	}
}

static void read_command(struct sbx_help *h, const char *line, size_t n)
{
	size_t i = 0;
	while (i < n && line[i] == ' ')
		i++;
	size_t b = i;
	while (i < n && !isspace((unsigned char)line[i]))
		i++;
	if (i > b && line[b] != '-')
		push(&h->commands, &h->nr_commands, &h->alloc_commands, line + b, i - b);
}

int sbx_help_parse(const char *text, size_t len, struct sbx_help *h)
{
	memset(h, 0, sizeof(*h));
	enum section s = S_NONE;
	bool usage_seen = false, global_seen = false, use_line = false;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		bool title;
		enum section t = section_of(p, n, &title);
		if (title) {
			s = t;
			usage_seen |= t == S_USAGE;
			global_seen |= n >= 13 && !memcmp(p, "Global Flags:", 13);
		} else if (n && !isspace((unsigned char)p[0])) {
			s = S_NONE; /* prose at column 0 ends a section */
			use_line |= n > 5 && !memcmp(p, "Use \"", 5);
		} else if (n) {
			if (s == S_USAGE) {
				size_t i = 0;
				while (i < n && p[i] == ' ')
					i++;
				push(&h->usage, &h->nr_usage, &h->alloc_usage, p + i, n - i);
			} else if (s == S_COMMANDS) {
				read_command(h, p, n);
			} else if (s == S_FLAGS) {
				read_flags(h, p, n);
			}
		}
		p = nl ? nl + 1 : end;
	}
	/*
	 * cobra ends a page with "Global Flags:" (a subcommand) or the "Use \"sbx
	 * [command] --help\"" line (the root), and lists -h/--help: a page cut
	 * short (a truncated answer) lacks them, and must not be believed.
	 */
	bool complete = usage_seen && (global_seen || use_line) && sbx_help_has_flag(h, "--help");
	if (!complete) {
		sbx_help_release(h);
		return -1;
	}
	return 0;
}

static void free_all(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void sbx_help_release(struct sbx_help *h)
{
	free_all(h->usage, h->nr_usage);
	free_all(h->commands, h->nr_commands);
	free_all(h->flags, h->nr_flags);
	memset(h, 0, sizeof(*h));
}

static bool in(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

bool sbx_help_has_flag(const struct sbx_help *h, const char *flag)
{
	return in(h->flags, h->nr_flags, flag);
}

bool sbx_help_has_command(const struct sbx_help *h, const char *name)
{
	return in(h->commands, h->nr_commands, name);
}

bool sbx_help_usage_has(const struct sbx_help *h, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i < h->nr_usage; i++) {
		const char *u = h->usage[i];
		for (const char *p = strstr(u, word); p; p = strstr(p + 1, word)) {
			bool start = p == u || strchr(" [(|", p[-1]);
			bool stop = !p[w] || strchr(" ])|", p[w]);
			if (start && stop)
				return true;
		}
	}
	return false;
}
