#ifndef SBXAPPLY_PLAN_PLAN_RENDER_H
#define SBXAPPLY_PLAN_PLAN_RENDER_H
/*
 * A plan for people (terraform-style: + create, ~ update, -/+ replace,
 * - delete, with changed fields and the reason) and for machines (JSON with a
 * format_version). Sensitive values print as "(sensitive)" in both unless
 * show_secrets is set.
 */
#include <stdbool.h>

#include "plan/plan.h"
#include "util/strbuf.h"

struct render_options {
	bool color;
	bool show_secrets;
	const char *project;
};

void plan_render_text(const struct plan *plan, const struct render_options *opts, struct strbuf *out);
void plan_render_json(const struct plan *plan, const struct render_options *opts, struct strbuf *out);

#endif
