#include "cmd/cmd_requires.h"

#include <stdio.h>
#include <stdlib.h>

#include "plan/inventory.h"
#include "util/diag.h"
#include "util/verreq.h"
#include "util/xalloc.h"

enum requires_outcome cmd_requires_sbx(const struct config *cfg, struct sbx_client *c, struct strbuf *why)
{
	struct verreq req;
	const char *bad = NULL;
	if (!cfg->requires_sbx)
		return REQUIRES_NONE;
	if (verreq_parse(&req, cfg->requires_sbx, &bad) < 0) {
		/* validation refuses such a file; kept for a config built some other way */
		strbuf_addf(why, "requires sbx '%s', which is not a version requirement: %s", cfg->requires_sbx, bad);
		return REQUIRES_UNAVAILABLE;
	}
	struct strbuf err = STRBUF_INIT;
	enum requires_outcome rc;
	if (sbx_client_detect(c, &err) < 0) {
		strbuf_addf(why, "requires sbx %s, but no sbx can be asked its version: %s", cfg->requires_sbx, err.buf);
		rc = REQUIRES_UNAVAILABLE;
	} else if (!verreq_match(&req, c->caps.major, c->caps.minor, c->caps.patch)) {
		strbuf_addf(why, "requires sbx %s, but the installed sbx is %s (%s)", cfg->requires_sbx, c->version,
			    c->path);
		rc = REQUIRES_NOT_MET;
	} else {
		strbuf_addf(why, "requires sbx %s: the installed sbx is %s (%s)", cfg->requires_sbx, c->version, c->path);
		rc = REQUIRES_MET;
	}
	strbuf_release(&err);
	return rc;
}

char *cmd_requires_fix(const struct config *cfg)
{
	return xasprintf("install an sbx release that meets \"%s\" (https://docs.docker.com/ai/sandboxes/get-started/), "
			 "or set SBXAPPLY_SBX to one; requires.sbx in %s says which releases this file needs",
			 cfg->requires_sbx, cfg->display_name);
}

int cmd_check_requires(const struct cli_options *opts, const struct config *cfg)
{
	if (!cfg->requires_sbx)
		return EXIT_OK;
	struct sbx_client c;
	struct strbuf why = STRBUF_INIT;
	char *cache = inventory_dir(opts->state_dir);
	sbx_client_init(&c, -1, NULL);
	sbx_client_set_cache_dir(&c, cache);
	enum requires_outcome outcome = cmd_requires_sbx(cfg, &c, &why);
	int rc = EXIT_OK;
	if (outcome == REQUIRES_NOT_MET || outcome == REQUIRES_UNAVAILABLE) {
		struct diag_list diags = DIAG_LIST_INIT;
		char *fix = outcome == REQUIRES_NOT_MET ? cmd_requires_fix(cfg) : NULL;
		diag_add(&diags, DIAG_ERROR, &cfg->doc.source, cfg->requires_sbx_mark.line, cfg->requires_sbx_mark.col,
			 "%s%s%s", why.buf, fix ? ": " : "", fix ? fix : "");
		free(fix);
		diag_list_print(&diags, stderr, opts->color);
		diag_list_release(&diags);
		fprintf(stderr, "%s: nothing was done\n", cfg->display_name);
		rc = EXIT_BACKEND;
	}
	sbx_client_release(&c);
	strbuf_release(&why);
	free(cache);
	return rc;
}
