/* sbxapply __gen man|sandbox.yaml.5|bash|zsh|fish: one generated manual or completion script on stdout. */
#include "cmd/cmd_gen.h"

#include <errno.h>
#include <string.h>

static const struct {
	const char *what;
	void (*write)(FILE *out);
} generators[] = {
	{ "man", gen_man_sbxapply },
	{ "sandbox.yaml.5", gen_man_sandbox_yaml },
	{ "bash", gen_bash },
	{ "zsh", gen_zsh },
	{ "fish", gen_fish },
};

const char *gen_option_path(const struct option_spec *o)
{
	if (!o->metavar)
		return NULL;
	if (!strcmp(o->metavar, "FILE"))
		return "file";
	if (!strcmp(o->metavar, "DIR"))
		return "dir";
	return NULL;
}

static int gen_exec(const struct cli_options *opts)
{
	for (size_t i = 0; opts->nr_args == 1 && i < sizeof(generators) / sizeof(generators[0]); i++) {
		if (strcmp(opts->args[0], generators[i].what))
			continue;
		FILE *out = opts->out ? fopen(opts->out, "w") : stdout;
		if (!out) {
			cli_error("cannot write '%s': %s", opts->out, strerror(errno));
			return EXIT_USAGE;
		}
		generators[i].write(out);
		bool written = !ferror(out) && fflush(out) == 0;
		if (opts->out && fclose(out) != 0)
			written = false;
		if (!written)
			cli_error("writing %s failed", opts->out ? opts->out : "stdout");
		return written ? EXIT_OK : EXIT_USAGE;
	}
	cli_error("usage: sbxapply __gen man|sandbox.yaml.5|bash|zsh|fish [--out FILE]");
	return EXIT_USAGE;
}

const struct cmd_entry cmd_gen_entry = {
	.name = "__gen",
	.summary = "print a generated manual page or completion script (for the build)",
	.usage = "sbxapply __gen man|sandbox.yaml.5|bash|zsh|fish [--out FILE]",
	.help = "Writes the manual page or shell completion script, generated from the tables\n"
		"--help prints and from the schema, to stdout or FILE.\n",
	.options = OPT_OUT,
	.exec = gen_exec,
};
