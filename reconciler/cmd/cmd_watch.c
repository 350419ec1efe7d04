/*
 * sbxapply watch: apply, then apply again whenever sandbox.yaml or the .env
 * beside it changes, until Ctrl-C. A file that does not validate is reported
 * and not applied; the next save is tried again. A save is acted on after
 * --debounce of quiet; saves made while a run is in progress wait for it to
 * finish and are then covered by one more run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "os/signals.h"
#include "io/watch.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static int watch_exec(const struct cli_options *opts)
{
	if (opts->nr_args) {
		cli_error("watch takes no arguments; use -f FILE to name the file");
		return EXIT_USAGE;
	}
	if (!strcmp(opts->file, "-")) {
		cli_error("watch needs a file to watch: name it with -f");
		return EXIT_USAGE;
	}
	int cancel_fd = signals_install();
	const char *slash = strrchr(opts->file, '/');
	char *dotenv = slash ? xasprintf("%.*s/.env", (int)(slash - opts->file), opts->file) : xstrdup(".env");
	const char *paths[] = { opts->file, dotenv };
	struct file_watch w;
	struct strbuf err = STRBUF_INIT;
	int rc = EXIT_OK;
	if (file_watch_open(&w, paths, 2, &err) < 0) {
		cli_error("%s", err.buf);
		strbuf_release(&err);
		free(dotenv);
		return EXIT_USAGE;
	}
	struct cli_options each = *opts;
	each.watching = true;
	for (;;) {
		rc = cmd_apply_run(&each);
		if (rc == EXIT_INTERRUPTED || signals_received())
			break;
		if (!opts->quiet)
			fprintf(stderr, "watching %s for changes (Ctrl-C stops)\n", opts->file);
		int changed = file_watch_wait(&w, cancel_fd, opts->debounce_ms);
		if (changed < 0) {
			cli_error("watching '%s' failed", opts->file);
			rc = EXIT_USAGE;
			break;
		}
		if (!changed) {
			rc = EXIT_OK; /* stopped while idle: nothing was cut short */
			break;
		}
		if (!opts->quiet)
			fprintf(stderr, "%s changed: applying\n", opts->file);
	}
	file_watch_close(&w);
	strbuf_release(&err);
	free(dotenv);
	return rc;
}

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.summary = "apply, then apply again whenever the file or its .env changes",
	.usage = "sbxapply watch [-f FILE] [--prune] [--allow-replace] [OPTIONS]",
	.help = "Applies the file, then waits for it (or the .env beside it) to change and applies\n"
		"again, until Ctrl-C. A save that does not validate is reported and not applied.\n"
		"A save is acted on after --debounce of quiet (default 150ms), so an editor's burst of\n"
		"writes is one run; saves made during a run are covered by one more run after it.\n"
		"Ctrl-C while waiting exits 0; during an apply it stops it as apply does (130).\n",
	.options = OPT_FILE | OPT_QUIET | OPT_ENGINE | OPT_CHANGE | OPT_APPLY | OPT_YES | OPT_STRICT | OPT_SECRETS | OPT_REFRESH |
		   OPT_WATCH,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INTERRUPTED),
	.exec = watch_exec,
};
