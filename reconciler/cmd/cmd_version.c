/* sbxapply version: the version, the libraries it runs with, and the sbx it would drive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/dmr/dmr.h"
#include "backends/sbx/sbx.h"
#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "io/libinfo.h"
#include "lang/config.h"
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

/*
 * The runner found as apply finds it (--runner, the file's runner.endpoint
 * when the file loads, MODEL_RUNNER_HOST, then discovery), and its version
 * from GET /version. Unreachable is said, never an error.
 */
static void print_runner(const struct cli_options *opts)
{
	struct config cfg;
	struct diag_list ignored = DIAG_LIST_INIT;
	bool have_cfg = strcmp(opts->file, "-") && access(opts->file, R_OK) == 0 &&
			config_load(&cfg, opts->file, NULL, &ignored) == 0;
	diag_list_release(&ignored);
	struct dmr_discovery where = dmr_discovery_of(opts->runner, have_cfg ? cfg.runner_endpoint : NULL, true);
	struct dmr d;
	struct strbuf err = STRBUF_INIT;
	char *version = NULL;
	dmr_init(&d);
	if (dmr_connect(&d, &where, &err) < 0) {
		struct strbuf line = STRBUF_INIT;
		cmd_runner_error_line(err.buf, &line);
		printf("runner: not reachable: %s\n", line.buf);
		strbuf_release(&line);
	} else {
		int rc = dmr_version(&d, &version, &err);
		if (rc > 0)
			printf("runner: Docker Model Runner %s at %s (found via %s)\n", version, d.endpoint.url, d.found_via);
		else if (rc == 0)
			printf("runner: Docker Model Runner at %s (found via %s); it reports no version (no GET /version: an "
			       "older release)\n",
			       d.endpoint.url, d.found_via);
		else
			printf("runner: Docker Model Runner at %s (found via %s); version unknown: %s\n", d.endpoint.url,
			       d.found_via, err.buf);
	}
	free(version);
	strbuf_release(&err);
	dmr_release(&d);
	if (have_cfg)
		config_release(&cfg);
}

static int version_exec(const struct cli_options *opts)
{
	struct strbuf libs = STRBUF_INIT;
	io_library_versions(&libs);
	printf("sbxapply %s (%s)\n", SBXAPPLY_VERSION, libs.buf);
	strbuf_release(&libs);
	print_sbx(opts);
	print_runner(opts);
	return EXIT_OK;
}

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.summary = "show the version, the libraries, the sbx and the runner in use",
	.usage = "sbxapply version [--state-dir DIR] [--runner URL]",
	.help = "Prints the sbxapply version, the versions of the libraries it uses, the\n"
		"installed sbx: its version and, for each command whose spelling changed across\n"
		"releases, the form sbxapply uses and whether the sbx's own --help said so; and\n"
		"Docker Model Runner, found as apply finds it, with the version it reports\n"
		"(GET /version). An unreachable runner or sbx is said; the exit code is still 0.\n",
	.options = OPT_ENGINE,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE),
	.exec = version_exec,
};
