#include "cmd/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/strutil.h"
#include "util/xalloc.h"

#define EXIT_TABLE \
	"Exit codes:\n" \
	"  0  success; with diff and plan: no changes pending\n" \
	"  1  diff, plan: changes pending\n" \
	"  2  usage error\n" \
	"  3  invalid configuration\n" \
	"  4  Docker Model Runner or sbx unavailable\n" \
	"  5  apply failed partway (the failures are listed)\n" \
	"  6  locked by another run\n" \
	"  130  interrupted\n"

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
	      "Usage: sbxapply [-f FILE] COMMAND [OPTIONS]\n\nCommands:\n", out);
	for (size_t i = 0; commands[i]; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nGlobal options:\n"
	      "  -f, --file FILE   configuration file (default ./sandbox.yaml; - reads stdin)\n"
	      "      --no-color    never colour output (NO_COLOR is honoured too)\n"
	      "  -h, --help        show help; 'sbxapply COMMAND --help' for one command\n"
	      "      --version     show the version\n\n" EXIT_TABLE, out);
}

void cli_print_command_help(const struct cmd_entry *cmd, FILE *out)
{
	fprintf(out, "Usage: %s\n\n%s\n", cmd->usage, cmd->help);
	fputs("Options:\n", out);
	if (cmd->options & OPT_FILE)
		fputs("  -f, --file FILE     configuration file (default ./sandbox.yaml; - reads stdin)\n", out);
	if (cmd->options & OPT_OUTPUT)
		fputs("  -o, --output FORMAT text (default) or json\n", out);
	if (cmd->options & OPT_QUIET)
		fputs("  -q, --quiet         print only problems\n", out);
	fputs("  -h, --help          show this help\n\n" EXIT_TABLE, out);
}

static const struct cmd_entry *find_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
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

/* Takes an option's value from "--opt=value", "-ovalue" or the next argument. */
static const char *option_value(int argc, char **argv, int *i, const char *arg, size_t name_len)
{
	if (arg[name_len] == '=')
		return arg + name_len + 1;
	if (arg[1] != '-' && arg[name_len])
		return arg + name_len;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool matches(const char *arg, const char *short_opt, const char *long_opt, size_t *len)
{
	size_t n;
	if (short_opt && !strncmp(arg, short_opt, (n = strlen(short_opt))) && arg[1] != '-') {
		*len = n;
		return true;
	}
	n = strlen(long_opt);
	if (!strncmp(arg, long_opt, n) && (arg[n] == '\0' || arg[n] == '=')) {
		*len = n;
		return true;
	}
	return false;
}

int cli_main(int argc, char **argv)
{
	struct cli_options opts = { .file = "sandbox.yaml", .output = "text" };
	const struct cmd_entry *cmd = NULL;
	const char *verb = NULL;
	bool help = false, version = false, no_color = false;
	unsigned seen = 0;
	int rc = EXIT_USAGE;
	opts.args = xcalloc((size_t)argc + 1, sizeof(*opts.args));

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		size_t len;
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
		if (matches(arg, "-h", "--help", &len) && !arg[len]) {
			help = true;
		} else if (!strcmp(arg, "--version")) {
			version = true;
		} else if (!strcmp(arg, "--no-color")) {
			no_color = true;
		} else if (matches(arg, "-f", "--file", &len)) {
			if (!(opts.file = option_value(argc, argv, &i, arg, len)))
				goto missing;
			seen |= OPT_FILE;
		} else if (matches(arg, "-o", "--output", &len)) {
			if (!(opts.output = option_value(argc, argv, &i, arg, len)))
				goto missing;
			seen |= OPT_OUTPUT;
		} else if (matches(arg, "-q", "--quiet", &len) && !arg[len]) {
			opts.quiet = true;
			seen |= OPT_QUIET;
		} else {
			cli_error("unknown option '%s'; see 'sbxapply %s--help'", arg, verb ? verb : "");
			goto done;
		}
		continue;
missing:
		cli_error("option '%s' needs a value", arg);
		goto done;
	}

	if (version)
		verb = "version";
	if (!verb) {
		print_main_help(help ? stdout : stderr);
		rc = help ? EXIT_OK : EXIT_USAGE;
		goto done;
	}
	if (!(cmd = find_command(verb))) {
		rc = unknown_command(verb);
		goto done;
	}
	if (help) {
		cli_print_command_help(cmd, stdout);
		rc = EXIT_OK;
		goto done;
	}
	/* -f is global: accepted anywhere, ignored by commands that read no file */
	unsigned unsupported = seen & ~cmd->options & ~(unsigned)OPT_FILE;
	if (unsupported) {
		cli_error("'%s' takes no %s option; see 'sbxapply %s --help'", cmd->name,
			  unsupported & OPT_OUTPUT ? "--output" : "--quiet", cmd->name);
		goto done;
	}
	if (strcmp(opts.output, "text") && strcmp(opts.output, "json")) {
		cli_error("unknown output format '%s'; use text or json", opts.output);
		goto done;
	}
	opts.color = !no_color && !getenv("NO_COLOR") && isatty(STDERR_FILENO) &&
		     !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	rc = cmd->exec(&opts);
done:
	free(opts.args);
	return rc;
}
