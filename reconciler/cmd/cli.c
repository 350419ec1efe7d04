#include "cmd/cli.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os/find_upward.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xalloc.h"

/* The one exit-code table: the main --help prints it all, a command's --help its own rows. */
static const struct exit_row {
	int code;
	const char *meaning;
} exit_rows[] = {
	{ EXIT_OK, "success; with diff and plan: no changes pending" },
	{ EXIT_CHANGES, "diff, plan: changes pending" },
	{ EXIT_USAGE, "usage error" },
	{ EXIT_INVALID, "invalid configuration" },
	{ EXIT_BACKEND, "Docker Model Runner or sbx unavailable" },
	{ EXIT_APPLY_FAILED, "apply failed partway (the failures are listed); verify: a check failed" },
	{ EXIT_LOCKED, "locked by another run" },
	{ EXIT_STATE, "the state directory or inventory cannot be used or written (no further change is tried)" },
	{ EXIT_BLOCKED, "apply: some changes are blocked (the plan says which flag they need); the rest applied" },
	{ EXIT_INTERRUPTED, "interrupted" },
};

static void print_exit_codes(FILE *out, unsigned mask)
{
	fputs("Exit codes:\n", out);
	for (size_t i = 0; i < sizeof(exit_rows) / sizeof(exit_rows[0]); i++)
		if (!mask || (mask & EXIT_BIT(exit_rows[i].code)))
			fprintf(out, "  %-4d %s\n", exit_rows[i].code, exit_rows[i].meaning);
}

/* Every option, with the commands (flag bits) that take it. */
const struct option_spec option_specs[] = {
	{ "-f", "--file", OPT_FILE, V_STRING, offsetof(struct cli_options, file), "FILE",
	  "configuration file (default: sandbox.yaml here or in a parent directory; - reads stdin)" },
	{ "-o", "--output", OPT_OUTPUT, V_STRING, offsetof(struct cli_options, output), "FORMAT", "text (default) or json" },
	{ NULL, "--format", OPT_FORMAT, V_STRING, offsetof(struct cli_options, format), "FORMAT",
	  "text, or github: problems and changes as GitHub annotations (default under GITHUB_ACTIONS=true)" },
	{ NULL, "--offline", OPT_OFFLINE, V_NONE, offsetof(struct cli_options, offline), NULL,
	  "for CI: what only the applying machine has (secrets, variables, directories) warns" },
	{ NULL, "--project", OPT_PROJECT, V_STRING, offsetof(struct cli_options, project), "NAME",
	  "the project to take down, from its inventory, without the file" },
	{ "-q", "--quiet", OPT_QUIET, V_NONE, offsetof(struct cli_options, quiet), NULL, "print only problems" },
	{ NULL, "--state-dir", OPT_ENGINE, V_STRING, offsetof(struct cli_options, state_dir), "DIR",
	  "where inventories live (default $XDG_STATE_HOME/sbxapply)" },
	{ NULL, "--runner", OPT_ENGINE, V_STRING, offsetof(struct cli_options, runner), "URL",
	  "Docker Model Runner endpoint (http://..., unix:///...)" },
	{ NULL, "--show-secrets", OPT_SECRETS, V_NONE, offsetof(struct cli_options, show_secrets), NULL,
	  "print sensitive values instead of (sensitive)" },
	{ NULL, "--refresh", OPT_REFRESH, V_NONE, offsetof(struct cli_options, refresh), NULL,
	  "read every sandbox's env: also where the inventory vouches for it, and in stopped ones (starting them)" },
	{ NULL, "--prune", OPT_CHANGE, V_NONE, offsetof(struct cli_options, prune), NULL,
	  "delete what this project created and the file no longer declares" },
	{ NULL, "--allow-replace", OPT_CHANGE, V_NONE, offsetof(struct cli_options, allow_replace), NULL,
	  "allow replacing or deleting resources that hold work (sandboxes)" },
	{ NULL, "--parallelism", OPT_APPLY | OPT_OBSERVE, V_COUNT, offsetof(struct cli_options, parallelism), "N",
	  "actions run at once (default 4), observation reads (default 32), verify: sandboxes (default 8)" },
	{ NULL, "--lock-timeout", OPT_APPLY, V_DURATION, offsetof(struct cli_options, lock_timeout_ms), "DURATION",
	  "wait this long for another run (500ms, 30s, 2m; default 0)" },
	{ NULL, "--progress", OPT_APPLY, V_STRING, offsetof(struct cli_options, progress), "MODE",
	  "auto (live lines on a terminal), plain, tty or json (events, one per line)" },
	{ NULL, "--dry-run", OPT_APPLY, V_NONE, offsetof(struct cli_options, dry_run), NULL,
	  "print the plan and change nothing" },
	{ NULL, "--out", OPT_OUT, V_STRING, offsetof(struct cli_options, out), "FILE",
	  "save the plan for 'sbxapply apply FILE' (also -out FILE)" },
	{ "-y", "--yes", OPT_YES, V_NONE, offsetof(struct cli_options, yes), NULL,
	  "do not ask for confirmation (for CI)" },
	{ NULL, "--strict", OPT_STRICT, V_NONE, offsetof(struct cli_options, strict), NULL,
	  "treat warnings as errors (for CI)" },
	{ NULL, "--adopt", OPT_CHANGE, V_NONE, offsetof(struct cli_options, adopt), NULL,
	  "take over resources of the same name that were made elsewhere" },
	{ NULL, "--force-shared", OPT_CHANGE, V_NONE, offsetof(struct cli_options, force_shared), NULL,
	  "apply model settings even where another project declares them differently" },
	{ NULL, "--debounce", OPT_WATCH, V_DURATION, offsetof(struct cli_options, debounce_ms), "DURATION",
	  "act on a save after this much quiet (default 150ms; bursts of saves are one run)" },
	{ NULL, "--start", OPT_VERIFY, V_NONE, offsetof(struct cli_options, start), NULL,
	  "start a stopped sandbox to check inside it" },
	{ NULL, "--from-host", OPT_INIT, V_NONE, offsetof(struct cli_options, from_host), NULL,
	  "describe the models, rules and sandboxes this machine has" },
	{ NULL, "--force", OPT_FORCE, V_NONE, offsetof(struct cli_options, force), NULL,
	  "replace the file written if it exists" },
};

#define NR_OPTIONS (sizeof(option_specs) / sizeof(option_specs[0]))
const size_t nr_option_specs = NR_OPTIONS;

/* The options whose value comes from a fixed set: what it is called in errors, and the values. */
static const struct {
	const char *long_name, *noun, *values;
} option_choices[] = {
	{ "--output", "output format", "text json" },
	{ "--format", "format", "text github" },
	{ "--progress", "progress mode", "auto plain tty json" },
};

static int choices_index(const struct option_spec *o)
{
	for (size_t i = 0; i < sizeof(option_choices) / sizeof(option_choices[0]); i++)
		if (!strcmp(option_choices[i].long_name, o->long_name))
			return (int)i;
	return -1;
}

const char *cli_option_choices(const struct option_spec *o, const struct cmd_entry *c)
{
	int i = choices_index(o);
	if (i < 0)
		return NULL;
	if (o->flag == OPT_OUTPUT && c && (c->options & OPT_MARKDOWN))
		return "text json markdown";
	return option_choices[i].values;
}

/* Whether value (NULL: not given, its default) is one of o's choices as cmd takes them; else says so. */
static bool valid_choice(const struct option_spec *o, const struct cmd_entry *cmd, const char *value)
{
	const char *choices = cli_option_choices(o, cmd);
	if (!choices || !value)
		return true;
	size_t len = strlen(value);
	for (const char *p = choices; *p;) {
		size_t n = strcspn(p, " ");
		if (n == len && !strncmp(p, value, n))
			return true;
		p += n + (p[n] == ' ');
	}
	/* "use a, b or c" */
	struct strbuf use = STRBUF_INIT;
	size_t words = 0, k = 0;
	for (const char *p = choices; *p; p++)
		words += *p == ' ';
	words++;
	for (const char *p = choices; *p;) {
		size_t n = strcspn(p, " ");
		k++;
		strbuf_addf(&use, "%s%.*s", k == 1 ? "" : k == words ? " or "
								     : ", ",
			    (int)n, p);
		p += n + (p[n] == ' ');
	}
	cli_error("unknown %s '%s'; use %s", option_choices[choices_index(o)].noun, value, use.buf);
	strbuf_release(&use);
	return false;
}

const char *const cli_global_options[][2] = {
	{ "--no-color", "never colour output (NO_COLOR is honoured too)" },
	{ "--help", "show help; 'sbxapply COMMAND --help' for one command" },
	{ "--version", "show the version" },
	{ NULL, NULL },
};

const char *cli_exit_row(size_t i, int *code)
{
	if (i >= sizeof(exit_rows) / sizeof(exit_rows[0]))
		return NULL;
	*code = exit_rows[i].code;
	return exit_rows[i].meaning;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("sbxapply: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void print_main_help(FILE *out)
{
	fputs("sbxapply: declarative Docker Model Runner models and Docker Sandboxes from sandbox.yaml\n\n"
	      "Usage: sbxapply [-f FILE] COMMAND [OPTIONS]\n\nCommands:\n",
	      out);
	for (size_t i = 0; commands[i]; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nGlobal options:\n"
	      "  -f, --file FILE   configuration file (default: sandbox.yaml here or above; - is stdin)\n",
	      out);
	for (size_t i = 0; cli_global_options[i][0]; i++)
		fprintf(out, "  %s%-13s %s\n", strcmp(cli_global_options[i][0], "--help") ? "    " : "-h, ",
			cli_global_options[i][0], cli_global_options[i][1]);
	fputc('\n', out);
	print_exit_codes(out, 0);
}

void cli_print_command_help(const struct cmd_entry *cmd, FILE *out)
{
	fprintf(out, "Usage: %s\n\n%s\nOptions:\n", cmd->usage, cmd->help);
	for (size_t i = 0; i < NR_OPTIONS; i++) {
		const struct option_spec *o = &option_specs[i];
		if (!(cmd->options & o->flag))
			continue;
		char left[64];
		snprintf(left, sizeof(left), "%s%s%s%s%s", o->short_name ? o->short_name : "  ",
			 o->short_name ? ", " : "  ", o->long_name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
		const char *help = o->help;
		if (o->flag == OPT_OUTPUT && (cmd->options & OPT_MARKDOWN))
			help = "text (default), json, or markdown (for a pull-request comment)";
		fprintf(out, "  %-26s %s\n", left, help);
	}
	fprintf(out, "  %-26s %s\n\n", "-h, --help", "show this help");
	print_exit_codes(out, cmd->exit_codes);
}

static const struct cmd_entry *find_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	for (size_t i = 0; hidden_commands[i]; i++)
		if (!strcmp(hidden_commands[i]->name, name))
			return hidden_commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	const char *names[32];
	size_t n = 0;
	for (size_t i = 0; commands[i] && n < 32; i++)
		names[n++] = commands[i]->name;
	const char *hint = str_suggest(name, names, n);
	if (hint)
		cli_error("unknown command '%s'; did you mean '%s'?", name, hint);
	else
		cli_error("unknown command '%s'; see 'sbxapply --help'", name);
	return EXIT_USAGE;
}

/* "500ms", "30s", "2m", "1h", or plain seconds. */
static bool parse_duration(const char *text, long *ms)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (end == text || v < 0 || !isdigit((unsigned char)text[0]))
		return false;
	long scale = !strcmp(end, "ms") ? 1 : (!strcmp(end, "s") || !*end) ? 1000
				      : !strcmp(end, "m")		   ? 60000
				      : !strcmp(end, "h")		   ? 3600000
									   : 0;
	if (!scale || v > 86400000L / scale)
		return false;
	*ms = v * scale;
	return true;
}

/* Matches arg against one option; returns its spec and where its value starts (or NULL). */
static const struct option_spec *match_option(const char *arg, const char **inline_value)
{
	*inline_value = NULL;
	for (size_t i = 0; i < NR_OPTIONS; i++) {
		const struct option_spec *o = &option_specs[i];
		size_t n = strlen(o->long_name);
		if (!strncmp(arg, o->long_name, n) && (arg[n] == '\0' || (arg[n] == '=' && o->value != V_NONE))) {
			*inline_value = arg[n] == '=' ? arg + n + 1 : NULL;
			return o;
		}
		if (o->short_name && !strncmp(arg, o->short_name, 2) &&
		    (arg[2] == '\0' || o->value != V_NONE)) {
			*inline_value = arg[2] ? arg + 2 : NULL;
			return o;
		}
	}
	return NULL;
}

static const char *suggest_option(const char *arg)
{
	const char *names[NR_OPTIONS + sizeof(cli_global_options) / sizeof(cli_global_options[0])];
	size_t n = 0;
	for (size_t i = 0; i < NR_OPTIONS; i++)
		names[n++] = option_specs[i].long_name;
	for (size_t i = 0; cli_global_options[i][0]; i++)
		names[n++] = cli_global_options[i][0];
	char *bare = xstrndup(arg, strcspn(arg, "="));
	const char *hint = str_suggest(bare, names, n);
	free(bare);
	return hint;
}

/*
 * Without -f, sandbox.yaml is looked for in the current directory, then its
 * parents (as Compose does); one found elsewhere is named on stderr. None
 * found leaves ./sandbox.yaml, which then cannot be read (exit 3), as before.
 */
static void locate_file(struct cli_options *opts, char **found)
{
	*found = find_upward("sandbox.yaml");
	if (!*found)
		return;
	opts->file = *found;
	if (strcmp(*found, "sandbox.yaml") && !opts->quiet)
		fprintf(stderr, "sbxapply: using %s (found in a parent directory)\n", *found);
}

int cli_main(int argc, char **argv)
{
	struct cli_options opts = { .file = "sandbox.yaml", .output = "text", .debounce_ms = 150, .progress = "auto" };
	const struct cmd_entry *cmd = NULL;
	const char *verb = NULL;
	bool help = false, version = false, no_color = false;
	bool used[NR_OPTIONS] = { false };
	char *found = NULL; /* the file found upward, when -f was not given */
	int rc = EXIT_USAGE;
	opts.args = xcalloc((size_t)argc + 1, sizeof(*opts.args));

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value;
		if (!strcmp(arg, "--")) {
			while (++i < argc)
				opts.args[opts.nr_args++] = argv[i];
			break;
		}
		if (arg[0] != '-' || !arg[1]) {
			if (!verb)
				verb = arg;
			else
				opts.args[opts.nr_args++] = argv[i];
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			help = true;
			continue;
		}
		if (!strcmp(arg, "--version")) {
			version = true;
			continue;
		}
		if (!strcmp(arg, "--no-color")) {
			no_color = true;
			continue;
		}
		/* terraform's spelling, -out FILE and -out=FILE, is accepted too */
		const struct option_spec *o;
		if (!strncmp(arg, "-out=", 5)) {
			o = match_option("--out", &value);
			value = arg + 5;
		} else {
			o = match_option(strcmp(arg, "-out") ? arg : "--out", &value);
		}
		if (!o) {
			const char *hint = suggest_option(arg);
			if (hint)
				cli_error("unknown option '%s'; did you mean '%s'?", arg, hint);
			else
				cli_error("unknown option '%s'; see 'sbxapply %s%s--help'", arg, verb ? verb : "", verb ? " " : "");
			goto done;
		}
		char *field = (char *)&opts + o->offset;
		if (o->value == V_NONE) {
			*(bool *)field = true;
		} else {
			if (!value && i + 1 < argc)
				value = argv[++i];
			if (!value) {
				cli_error("option '%s' needs a value", arg);
				goto done;
			}
			if (o->value == V_STRING) {
				*(const char **)field = value;
			} else if (o->value == V_COUNT) {
				if (!str_to_long(value, 1, 1024, (long *)field)) {
					cli_error("%s takes a number from 1 to 1024, not '%s'", o->long_name, value);
					goto done;
				}
			} else if (!parse_duration(value, (long *)field)) {
				cli_error("%s takes a duration such as 500ms, 30s or 2m, not '%s'", o->long_name, value);
				goto done;
			}
		}
		used[o - option_specs] = true;
	}

	if (version)
		verb = "version";
	if (!verb && help) {
		print_main_help(stdout);
		rc = EXIT_OK;
		goto done;
	}
	if (!verb)
		verb = "apply"; /* sbxapply [-f FILE] is apply, as the README says */
	if (!(cmd = find_command(verb))) {
		rc = unknown_command(verb);
		goto done;
	}
	if (help) {
		cli_print_command_help(cmd, stdout);
		rc = EXIT_OK;
		goto done;
	}
	for (size_t i = 0; i < NR_OPTIONS; i++)
		/* -f is global: accepted anywhere, ignored by commands that read no file */
		if (used[i] && option_specs[i].flag != OPT_FILE && !(cmd->options & option_specs[i].flag)) {
			cli_error("'%s' takes no %s option; see 'sbxapply %s --help'", cmd->name, option_specs[i].long_name,
				  cmd->name);
			goto done;
		}
	for (size_t i = 0; i < NR_OPTIONS; i++)
		if (choices_index(&option_specs[i]) >= 0 &&
		    !valid_choice(&option_specs[i], cmd, *(const char **)((const char *)&opts + option_specs[i].offset)))
			goto done;
	/* annotations go to stdout, as GitHub reads them: not mixed with a JSON or Markdown document */
	if (opts.format && !strcmp(opts.format, "github") && strcmp(opts.output, "text")) {
		cli_error("--format github prints annotations on stdout; it cannot be combined with -o %s", opts.output);
		goto done;
	}
	const char *actions = getenv("GITHUB_ACTIONS");
	opts.github = opts.format ? !strcmp(opts.format, "github")
				  : (cmd->options & OPT_FORMAT) && !strcmp(opts.output, "text") && actions &&
					    !strcmp(actions, "true");
	opts.file_given = used[0]; /* option_specs[0] is -f */
	/* apply PLANFILE reads the file the plan names; down --project reads none; init and import write theirs */
	bool reads_file = (cmd->options & OPT_FILE) && !(cmd->options & OPT_FORCE) && !opts.project &&
			  !(!strcmp(cmd->name, "apply") && opts.nr_args);
	if (!opts.file_given && reads_file)
		locate_file(&opts, &found);
	opts.color = !no_color && !getenv("NO_COLOR") && isatty(STDERR_FILENO) &&
		     !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	rc = cmd->exec(&opts);
done:
	free(opts.args);
	free(found);
	return rc;
}
