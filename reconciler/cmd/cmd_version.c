/* sbxapply version: the version and the libraries it runs with. */
#include <stdio.h>

#include "cmd/cli.h"
#include "io/libinfo.h"
#include "util/strbuf.h"

static int version_exec(const struct cli_options *opts)
{
	struct strbuf libs = STRBUF_INIT;
	(void)opts;
	io_library_versions(&libs);
	printf("sbxapply %s (%s)\n", SBXAPPLY_VERSION, libs.buf);
	strbuf_release(&libs);
	return EXIT_OK;
}

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.summary = "show the version (same as --version)",
	.usage = "sbxapply version",
	.help = "Prints the sbxapply version and the versions of the libraries it uses.\n",
	.options = 0,
	.exec = version_exec,
};
