/* sbxapply version: the version, the libraries it runs with, and the sbx it would drive. */
#include <stdio.h>
#include <stdlib.h>

#include "backends/sbx/sbx.h"
#include "cmd/cli.h"
#include "io/libinfo.h"
#include "plan/inventory.h"
#include "util/strbuf.h"

/* The installed sbx and what sbxapply uses of it (from the cache when it knows this binary). */
static void print_sbx(const struct cli_options *opts)
{
	struct sbx_client c;
	struct strbuf err = STRBUF_INIT, caps = STRBUF_INIT, warning = STRBUF_INIT;
	char *cache = inventory_dir(opts->state_dir);
	sbx_client_init(&c, -1, NULL);
	sbx_client_set_cache_dir(&c, cache);
	if (sbx_client_detect(&c, &err) < 0) {
		printf("sbx: not usable: %s\n", err.buf);
	} else {
		sbx_caps_describe(&c.caps, &caps);
		printf("sbx: %s (%s%s)\n%s", c.version_line, c.path, c.from_cache ? ", capabilities remembered" : "",
		       caps.buf);
		if (sbx_client_take_warning(&c, &warning))
			printf("  note: %s\n", warning.buf);
	}
	sbx_client_release(&c);
	strbuf_release(&err);
	strbuf_release(&caps);
	strbuf_release(&warning);
	free(cache);
}

static int version_exec(const struct cli_options *opts)
{
	struct strbuf libs = STRBUF_INIT;
	io_library_versions(&libs);
	printf("sbxapply %s (%s)\n", SBXAPPLY_VERSION, libs.buf);
	strbuf_release(&libs);
	print_sbx(opts);
	return EXIT_OK;
}

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.summary = "show the version, the libraries and the sbx in use",
	.usage = "sbxapply version [--state-dir DIR]",
	.help = "Prints the sbxapply version, the versions of the libraries it uses, and the\n"
		"installed sbx: its version and, for each command whose spelling changed across\n"
		"releases, the form sbxapply uses and whether the sbx's own --help said so.\n",
	.options = OPT_ENGINE,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE),
	.exec = version_exec,
};
