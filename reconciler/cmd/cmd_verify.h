#ifndef SBXAPPLY_CMD_CMD_VERIFY_H
#define SBXAPPLY_CMD_CMD_VERIFY_H
/*
 * verify's own header (cmd_verify.c, cmd_verify_inside.c): the state one run
 * shares. The checks from the host live in cmd_verify.c, those made inside a
 * sandbox through one `sbx exec` in cmd_verify_inside.c; each adds its lines
 * to a report (cmd_verify_report.h). The listings are read-only once the host
 * checks are done, so sandboxes are checked from several threads, each into
 * a report of its own.
 */
#include <stdbool.h>
#include <stddef.h>

#include "backends/dmr/dmr_session.h"
#include "backends/sbx/sbx.h"
#include "backends/sbx/sbx_parse.h"
#include "cmd/cli.h"
#include "cmd/cmd_verify_report.h"
#include "lang/config.h"

#define GUIDE_BASE_URL "http://host.docker.internal:12434"
#define ENABLE_RUNNER "docker desktop enable model-runner --tcp 12434"

/*
 * Everything here is borrowed, so a copy shares the backends (which lock
 * themselves) and differs only in the report it writes to.
 */
struct verify {
	const struct cli_options *opts;
	const struct config *cfg;
	struct report *report;
	struct dmr_session *dmr;
	struct dmr *runner; /* NULL: does not answer */
	const struct dmr_model *models;
	size_t nr_models;
	struct sbx_client *sbx;
	bool sbx_ok;
	struct sbx_sandbox *sandboxes;
	size_t nr_sandboxes;
};

/* The fix for a model the runner lacks, from what the file declares (malloc'd). */
char *verify_model_fix(const struct config *cfg, const char *model);
/* Adds the in-sandbox checks as not checked, saying why. */
void verify_skip_inside(struct verify *v, const struct cfg_sandbox *s, const char *why);
/* The checks inside a sandbox that exists (live: its `sbx ls` row). */
void verify_check_inside(struct verify *v, const struct cfg_sandbox *s, const struct sbx_sandbox *live);

#endif
