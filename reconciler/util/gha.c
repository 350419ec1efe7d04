#include "gha.h"

#include <stdbool.h>

static void escape(struct strbuf *out, const char *text, bool property)
{
	for (const char *p = text; *p; p++) {
		if (*p == '%')
			strbuf_addstr(out, "%25");
		else if (*p == '\r')
			strbuf_addstr(out, "%0D");
		else if (*p == '\n')
			strbuf_addstr(out, "%0A");
		else if (property && *p == ':')
			strbuf_addstr(out, "%3A");
		else if (property && *p == ',')
			strbuf_addstr(out, "%2C");
		else
			strbuf_addch(out, *p);
	}
}

void gha_escape_data(struct strbuf *out, const char *text) { escape(out, text, false); }
void gha_escape_property(struct strbuf *out, const char *text) { escape(out, text, true); }

void gha_annotation(struct strbuf *out, const char *level, const char *file, int line, int col, const char *title,
		    const char *message)
{
	const char *sep = " ";
	strbuf_addf(out, "::%s", level);
	if (file) {
		strbuf_addf(out, "%sfile=", sep);
		gha_escape_property(out, file);
		sep = ",";
	}
	if (line > 0) {
		strbuf_addf(out, "%sline=%d", sep, line);
		sep = ",";
	}
	if (line > 0 && col > 0) {
		strbuf_addf(out, "%scol=%d", sep, col);
		sep = ",";
	}
	if (title) {
		strbuf_addf(out, "%stitle=", sep);
		gha_escape_property(out, title);
	}
	strbuf_addstr(out, "::");
	gha_escape_data(out, message);
	strbuf_addch(out, '\n');
}
