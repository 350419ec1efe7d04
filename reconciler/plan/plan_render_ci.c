#include "plan_render_ci.h"

#include <string.h>

#include "util/gha.h"

static const char *verb(const struct action *a)
{
	return a->type == ACTION_NOOP ? "adopt" : action_type_name(a->type);
}

/* A value as CI may show it: never a sensitive one. */
static void add_value(struct strbuf *out, const char *v, bool sensitive, const char *absent)
{
	if (!v)
		strbuf_addstr(out, absent);
	else if (sensitive)
		strbuf_addstr(out, "(sensitive)");
	else
		strbuf_add_json_string(out, v, strlen(v));
}

/* The changed fields, the reason and why it is blocked, one per line, each after `indent`. */
static void add_details(struct strbuf *out, const struct action *a, const char *indent)
{
	for (size_t j = 0; j < a->nr_changes; j++) {
		const struct field_change *ch = &a->changes[j];
		strbuf_addf(out, "%s%s: ", indent, ch->name);
		if (a->type != ACTION_CREATE) {
			add_value(out, ch->unobservable ? NULL : ch->before, ch->sensitive,
				  ch->unobservable ? "unknown: not read" : "not set");
			strbuf_addstr(out, " -> ");
		}
		add_value(out, ch->after, ch->sensitive, "not set");
		if (ch->forces_replacement && a->type == ACTION_REPLACE)
			strbuf_addstr(out, "  # forces replacement");
		strbuf_addch(out, '\n');
	}
	strbuf_addf(out, "%s%s\n", indent, a->reason);
	if (a->blocked)
		strbuf_addf(out, "%sblocked: %s\n", indent, a->blocked);
}

static bool listed(const struct action *a)
{
	return a->type != ACTION_NOOP || a->adopt;
}

void plan_render_github(const struct plan *plan, const char *file, struct strbuf *out)
{
	for (size_t i = 0; i < plan->nr; i++) {
		const struct action *a = &plan->actions[i];
		if (!listed(a))
			continue;
		struct strbuf title = STRBUF_INIT, msg = STRBUF_INIT;
		strbuf_addf(&title, "sbxapply: %s %s %s%s", verb(a), a->kind->noun, a->display,
			    a->origin == ORIGIN_DRIFT ? " (drift)" : "");
		add_details(&msg, a, "");
		if (msg.len && msg.buf[msg.len - 1] == '\n')
			strbuf_setlen(&msg, msg.len - 1);
		int line = a->desired ? a->desired->line : 0;
		gha_annotation(out, a->blocked ? "warning" : "notice", file, line, 0, title.buf, msg.buf);
		strbuf_release(&title);
		strbuf_release(&msg);
	}
}

/* The diff block's first column: GitHub colours + green, - red, ! orange. */
static char marker(const struct action *a)
{
	switch (a->type) {
	case ACTION_CREATE: return '+';
	case ACTION_DELETE: return '-';
	case ACTION_UPDATE:
	case ACTION_REPLACE: return '!';
	default: return ' ';
	}
}

/* A fence longer than any run of backticks in the text, so no value can close the block. */
static size_t fence_length(const char *text)
{
	size_t longest = 0, run = 0;
	for (const char *p = text; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest < 3 ? 3 : longest + 1;
}

void plan_render_markdown(const struct plan *plan, const struct render_options *o, struct strbuf *out)
{
	const char *project = o->project ? o->project : "";
	size_t changes = plan_count_changes(plan), shown = 0;
	strbuf_addf(out, "<!-- sbxapply-plan project=%s -->\n### sbxapply plan: project `%s`\n\n", project, project);
	if (!changes) {
		strbuf_addf(out, "**No changes.** %zu %s in sync.\n", plan->in_sync + plan->nr,
			    plan->in_sync + plan->nr == 1 ? "resource" : "resources");
	} else {
		strbuf_addf(out, "**Plan: %zu to create, %zu to update, %zu to replace, %zu to delete.**",
			    plan_count(plan, ACTION_CREATE), plan_count(plan, ACTION_UPDATE),
			    plan_count(plan, ACTION_REPLACE), plan_count(plan, ACTION_DELETE));
		size_t blocked = plan_count_blocked(plan);
		if (blocked)
			strbuf_addf(out, " %zu blocked: they need a flag or a confirmation.", blocked);
		strbuf_addch(out, '\n');
	}
	struct strbuf body = STRBUF_INIT;
	for (size_t i = 0; i < plan->nr; i++) {
		const struct action *a = &plan->actions[i];
		if (!listed(a))
			continue;
		strbuf_addf(&body, "%c %s %s %s%s\n", marker(a), verb(a), a->kind->noun, a->display,
			    a->origin == ORIGIN_DRIFT ? " (drift)" : "");
		add_details(&body, a, "      ");
		shown++;
	}
	if (shown) {
		size_t n = fence_length(body.buf);
		strbuf_addf(out, "\n<details><summary>%zu %s</summary>\n\n", shown, shown == 1 ? "action" : "actions");
		strbuf_addchars(out, '`', n);
		strbuf_addf(out, "diff\n%s", body.buf);
		strbuf_addchars(out, '`', n);
		strbuf_addstr(out, "\n\n</details>\n");
	}
	strbuf_release(&body);
	for (size_t i = 0; i < plan->nr_notes; i++) {
		strbuf_addstr(out, i ? "" : "\n");
		strbuf_addstr(out, "> ");
		/* a note is plain text: keep Markdown from reading its characters */
		for (const char *p = plan->notes[i]; *p; p++) {
			if (strchr("\\`*_[]<>#|", *p))
				strbuf_addch(out, '\\');
			strbuf_addch(out, *p == '\n' ? ' ' : *p);
		}
		strbuf_addstr(out, "\n>\n");
	}
}
