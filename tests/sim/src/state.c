#include "state.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char *g_dir;

const char *state_dir(void)
{
	if (g_dir)
		return g_dir;
	const char *env = getenv("SBXSIM_STATE_DIR");
	if (env && *env) {
		g_dir = xstrdup(env);
	} else {
		const char *tmp = getenv("TMPDIR");
		g_dir = xasprintf("%s/sbxsim-%ld", tmp && *tmp ? tmp : "/tmp", (long)getuid());
	}
	if (mkdir_p(g_dir, 0755) < 0)
		die("cannot create state directory '%s': %s", g_dir, strerror(errno));
	return g_dir;
}

char *state_path(const char *name)
{
	return xasprintf("%s/%s", state_dir(), name);
}

int state_lock(void)
{
	char *p = state_path("lock");
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die("cannot open '%s': %s", p, strerror(errno));
	free(p);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			die("cannot lock state: %s", strerror(errno));
	}
	return fd;
}

void state_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing drops the flock */
}

cJSON *state_load(const char *name, const char *default_json)
{
	char *p = state_path(name);
	char *text = read_file(p, NULL);
	free(p);
	cJSON *doc = text ? cJSON_Parse(text) : NULL;
	free(text);
	if (!doc)
		doc = cJSON_Parse(default_json);
	if (!doc)
		die("internal error: bad default for '%s'", name);
	return doc;
}

int state_save(const char *name, const cJSON *doc)
{
	char *text = cJSON_Print(doc);
	if (!text)
		die("out of memory");
	size_t len = strlen(text);
	text = xrealloc(text, len + 2);
	text[len++] = '\n';
	text[len] = '\0';
	char *p = state_path(name);
	int rc = write_file_atomic(p, text, len);
	if (rc < 0)
		fprintf(stderr, "sbxsim: cannot write '%s': %s\n", p, strerror(errno));
	free(p);
	free(text);
	return rc;
}

int state_flag_get(const char *name)
{
	char *p = state_path(name);
	struct stat st;
	int on = stat(p, &st) == 0;
	free(p);
	return on;
}

void state_flag_set(const char *name, int on)
{
	char *p = state_path(name);
	if (on) {
		int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	} else {
		unlink(p);
	}
	free(p);
}
