/*
 * sbxapply init --from-host: one round of observation, every kind and every
 * resource in it (engine option observe_all), written as a sandbox.yaml that
 * validates and that a diff finds in sync (cmd/init_render.h). The text is
 * checked with the validator before it is written; a file that exists is
 * never overwritten without --force.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd_common.h"
#include "cmd/init_render.h"
#include "os/fileio.h"
#include "util/strutil.h"
#include "util/xalloc.h"

/* The directory the file will live in, resolved: workspaces are written relative to it. */
static char *target_dir(const char *file)
{
	if (!strcmp(file, "-"))
		return realpath(".", NULL);
	char *copy = xstrdup(file);
	char *dir = realpath(dirname(copy), NULL);
	free(copy);
	return dir;
}

/* A config that declares nothing, for the kinds (they look up what the file declares): its project is the directory's. */
static int empty_config(struct config *cfg, const char *dir)
{
	static const char *const texts[] = { "version: 1\n", "version: 1\nproject: sandbox\n" };
	for (size_t i = 0; i < 2; i++) {
		struct diag_list diags = DIAG_LIST_INIT;
		int rc = config_parse(cfg, "<init>", dir, texts[i], strlen(texts[i]), NULL, &diags);
		diag_list_release(&diags);
		if (rc == 0)
			return 0;
		config_release(cfg);
	}
	return -1;
}

/* Byte offset of line:col (1-based) in text. */
static size_t offset_of(const struct strbuf *text, int line, int col)
{
	size_t at = 0;
	for (int l = 1; l < line && at < text->len; at++)
		if (text->buf[at] == '\n')
			l++;
	at += col > 0 ? (size_t)col - 1 : 0;
	return at < text->len ? at : text->len;
}

/*
 * Renders and validates until the text validates: an entry the validator
 * refuses (an agent this sbxapply does not know, a name it reserves) is
 * written as a comment on the next round, with the reason. Returns 0; -1
 * after printing the errors it cannot trace to an entry (a bug here).
 */
static int render_valid(struct strbuf *text, struct init_host *host, const char *name, const char *dir,
			struct init_summary *sum, size_t *warnings)
{
	struct strmap refused = STRMAP_INIT;
	int rc = -1;
	host->left_out = &refused;
	for (int round = 0; round < 16; round++) {
		struct init_spans spans = { 0 };
		struct diag_list diags = DIAG_LIST_INIT;
		struct config cfg;
		strbuf_reset(text);
		init_render(text, host, sum, &spans);
		int vr = config_parse(&cfg, name, dir, text->buf, text->len, NULL, &diags);
		*warnings = diags.warnings;
		size_t traced = 0, untraced = 0;
		for (size_t i = 0; vr < 0 && i < diags.nr; i++) {
			const struct diag *d = &diags.items[i];
			if (d->severity != DIAG_ERROR)
				continue;
			const struct init_span *span = init_spans_at(&spans, offset_of(text, d->line, d->col));
			if (!span) {
				untraced++;
			} else if (!strmap_get(&refused, span->id)) {
				/* an env message could quote an interpolated value: only the others are repeated */
				char *why = xstrdup(str_starts_with(span->id, "env/") ? "see 'sbxapply validate' once added" : d->message);
				for (char *p = why; *p; p++)
					if (*p == '\n' || *p == '\r')
						*p = ' ';
				strmap_put(&refused, span->id, why);
				traced++;
			}
		}
		if (vr < 0 && (untraced || !traced)) {
			diag_list_print(&diags, stderr, false);
			cli_error("the file generated from this machine does not validate (a bug in sbxapply): not written");
		}
		diag_list_release(&diags);
		config_release(&cfg);
		init_spans_release(&spans);
		if (vr == 0)
			rc = 0;
		if (vr == 0 || untraced || !traced)
			break;
	}
	host->left_out = NULL;
	strmap_release_free(&refused);
	return rc;
}

static void print_summary(const char *file, const struct init_summary *s, size_t warnings)
{
	fprintf(stderr,
		"%s: %zu model%s, %zu package%s, %zu rule%s, %zu sandbox%s (env of %zu) found and declared; "
		"%zu left out (comments in the file say why)\n",
		file, s->models, s->models == 1 ? "" : "s", s->packages, s->packages == 1 ? "" : "s", s->rules,
		s->rules == 1 ? "" : "s", s->sandboxes, s->sandboxes == 1 ? "" : "es", s->envs, s->left_out);
	if (s->secret_refs)
		fprintf(stderr, "%zu secret env value%s written as ${VAR}: set %s before diff or apply\n", s->secret_refs,
			s->secret_refs == 1 ? "" : "s", s->secret_refs == 1 ? "it" : "them");
	if (warnings)
		fprintf(stderr, "the file validates with %zu warning%s: 'sbxapply validate' shows %s\n", warnings,
			warnings == 1 ? "" : "s", warnings == 1 ? "it" : "them");
	fputs("next: 'sbxapply diff' shows nothing to do; 'sbxapply apply' adopts everything (never deleted by "
	      "sbxapply)\n",
	      stderr);
}

static int init_exec(const struct cli_options *opts)
{
	if (!opts->from_host) {
		cli_error("init needs --from-host: it writes a sandbox.yaml describing what this machine already has");
		return EXIT_USAGE;
	}
	if (opts->nr_args) {
		cli_error("init takes no argument: -f FILE names the file to write");
		return EXIT_USAGE;
	}
	bool to_stdout = !strcmp(opts->file, "-");
	if (!to_stdout && access(opts->file, F_OK) == 0 && !opts->force) {
		cli_error("'%s' exists: init never overwrites a file; --force replaces it, -f FILE writes another, -f - "
			  "prints it",
			  opts->file);
		return EXIT_USAGE;
	}
	char *dir = target_dir(opts->file);
	if (!dir) {
		cli_error("cannot write '%s': its directory: %s", opts->file, strerror(errno));
		return EXIT_USAGE;
	}
	struct config cfg;
	if (empty_config(&cfg, dir) < 0) {
		cli_error("cannot start a configuration in '%s'", dir);
		free(dir);
		return EXIT_USAGE;
	}
	int rc;
	struct engine e;
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	struct engine_options eo;
	struct kinds_options ko;
	cmd_engine_options(opts, &eo, &ko);
	eo.read_only = true;
	ko.observe_only = true;
	eo.observe_all = true;
	eo.log = NULL; /* the observation prints nothing; the summary says what was found */
	enum engine_status status = engine_open(&e, &cfg, &eo, &err);
	if (status == ENGINE_OK)
		status = engine_plan(&e, &err);
	if ((rc = cmd_exit_code(status))) {
		cli_error("%s", err.len ? err.buf : "interrupted");
		goto done;
	}
	struct backends *b = kinds_backends(&e);
	struct sbx_sandbox *list = NULL;
	size_t nr = 0;
	if (sbx_sandboxes(&b->sbx, &list, &nr, &err) < 0) { /* the listing the observation made: no new call */
		cli_error("%s", err.buf);
		rc = EXIT_BACKEND;
		goto done;
	}
	char *home = getenv("HOME") ? realpath(getenv("HOME"), NULL) : NULL;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime_r(&now, &tm));
	struct init_host host = {
		.observed = &e.observed,
		.sandboxes = list,
		.nr_sandboxes = nr,
		.project = cfg.project,
		.project_dir = dir,
		.home = home,
		.runner_url = b->dmr.state > 0 ? b->dmr.dmr.endpoint.url : NULL,
		.runner_found_via = b->dmr.state > 0 ? b->dmr.dmr.found_via : NULL,
		.sbx_path = b->sbx.state > 0 ? b->sbx.path : NULL,
		.sbx_version = b->sbx.state > 0 ? b->sbx.version : NULL,
		.generated_at = when,
		.refresh = opts->refresh,
	};
	struct init_summary sum;
	size_t warnings;
	const char *shown = to_stdout ? "<stdout>" : opts->file;
	int vr = render_valid(&text, &host, shown, dir, &sum, &warnings);
	free(home);
	sbx_sandboxes_free(list, nr);
	if (vr < 0) {
		rc = EXIT_INVALID;
		goto done;
	}
	if (to_stdout) {
		fwrite(text.buf, 1, text.len, stdout);
	} else if (write_file_atomic(opts->file, text.buf, text.len, &err) < 0) {
		cli_error("cannot write '%s': %s", opts->file, err.buf);
		rc = EXIT_STATE;
		goto done;
	}
	if (!opts->quiet)
		print_summary(shown, &sum, warnings);
done:
	engine_close(&e);
	config_release(&cfg);
	strbuf_release(&err);
	strbuf_release(&text);
	free(dir);
	return rc;
}

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.summary = "write a sandbox.yaml describing what this machine already has (--from-host)",
	.usage = "sbxapply init --from-host [-f FILE|-] [--force] [--runner URL] [--refresh] [OPTIONS]",
	.help = "Observes Docker Model Runner and sbx once, every kind at once, and writes FILE\n"
		"(default ./sandbox.yaml; - prints it) declaring what it found: models with their\n"
		"runtime settings, packaged variants with their context size, the network rules added\n"
		"by hand (not the preset's default-* rules), sandboxes with their agent, workspace and\n"
		"mounts, and the sbxapply env block of each running sandbox (--refresh reads stopped\n"
		"ones too, starting them). Comments say where each entry came from, and why anything\n"
		"found is left out. A secret value is never written: it becomes a ${VAR} reference.\n"
		"Workspaces outside the file's directory are listed under trusted_paths. The file is\n"
		"validated before it is written, and an existing one is replaced only with --force.\n"
		"The next 'sbxapply diff' shows nothing to do, and 'sbxapply apply' adopts everything:\n"
		"adopted things are never deleted by sbxapply, not even by 'down'.\n",
	.options = OPT_FILE | OPT_QUIET | OPT_ENGINE | OPT_REFRESH | OPT_INIT | OPT_FORCE,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_BACKEND) |
		      EXIT_BIT(EXIT_STATE) | EXIT_BIT(EXIT_INTERRUPTED),
	.exec = init_exec,
};
