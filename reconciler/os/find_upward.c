#include "find_upward.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/strbuf.h"

char *find_upward(const char *name)
{
	char *dir = getcwd(NULL, 0);
	if (!dir)
		return NULL;
	struct strbuf rel = STRBUF_INIT; /* "../" once per level climbed */
	struct strbuf path = STRBUF_INIT;
	char *found = NULL;
	struct stat here;
	if (stat(dir, &here) < 0)
		goto done;
	for (;;) {
		struct stat st;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, name);
		if (!stat(path.buf, &st) && S_ISREG(st.st_mode)) {
			strbuf_addstr(&rel, name);
			found = strbuf_detach(&rel, NULL);
			break;
		}
		char *slash = strrchr(dir, '/');
		if (!slash || !strcmp(dir, "/"))
			break;
		if (slash == dir)
			slash[1] = '\0'; /* the parent is / */
		else
			*slash = '\0';
		struct stat parent;
		if (stat(dir, &parent) < 0 || parent.st_dev != here.st_dev)
			break;
		strbuf_addstr(&rel, "../");
	}
	if (!found)
		errno = ENOENT;
done:
	free(dir);
	strbuf_release(&rel);
	strbuf_release(&path);
	return found;
}
