#ifndef SBXAPPLY_PLAN_PLAN_RENDER_CI_H
#define SBXAPPLY_PLAN_PLAN_RENDER_CI_H
/*
 * The plan for CI, where what is printed is shown to everyone who can read
 * the pull request: sensitive values are always "(sensitive)", whatever
 * render_options.show_secrets says. Appends to `out`; never fails.
 */
#include "plan/plan.h"
#include "plan/plan_render.h"
#include "util/strbuf.h"

/*
 * GitHub workflow annotations (util/gha.h): one ::notice per change at the
 * line that declares the resource in `file` (a deletion, declared nowhere
 * any more, annotates the file), a ::warning for a blocked one.
 */
void plan_render_github(const struct plan *plan, const char *file, struct strbuf *out);

/*
 * Markdown for a pull-request comment: a hidden marker naming the project
 * (so a workflow can find and update its comment), a heading, the summary
 * line, then the actions in a collapsed <details> block as a diff.
 */
void plan_render_markdown(const struct plan *plan, const struct render_options *opts, struct strbuf *out);

#endif
