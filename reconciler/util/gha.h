#ifndef SBXAPPLY_UTIL_GHA_H
#define SBXAPPLY_UTIL_GHA_H
/*
 * GitHub Actions workflow commands that annotate a file's lines:
 *   ::error file=F,line=L,col=C,title=T::MESSAGE
 * (https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions).
 * The runner reads them from a step's standard output, one per line, so the
 * message escapes '%', CR and LF (%25, %0D, %0A), and a property value also
 * ':' and ',' (%3A, %2C), as actions/toolkit's command.ts does. Appends to a
 * strbuf; never fails.
 */
#include "util/strbuf.h"

void gha_escape_data(struct strbuf *out, const char *text);
void gha_escape_property(struct strbuf *out, const char *text);

/*
 * One annotation line, '\n' included. level: "error", "warning" or "notice".
 * A NULL file or title, and a line or col of 0, are left out.
 */
void gha_annotation(struct strbuf *out, const char *level, const char *file, int line, int col, const char *title,
		    const char *message);

#endif
