#include "calllog.h"

#include "state.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void append_line(cJSON *obj)
{
	char *text = cJSON_PrintUnformatted(obj);
	if (!text)
		return;
	size_t len = strlen(text);
	text = xrealloc(text, len + 2);
	text[len++] = '\n';
	char *path = state_path("calls.log");
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		flock(fd, LOCK_EX);
		ssize_t n = write(fd, text, len);
		(void)n; /* a lost log line must not change the simulated call */
		close(fd);
	}
	free(path);
	free(text);
}

static cJSON *header(const char *kind)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "ts", (double)(int64_t)(now_s() * 1000) / 1000.0);
	cJSON_AddNumberToObject(o, "pid", (double)getpid());
	cJSON_AddStringToObject(o, "kind", kind);
	return o;
}

void calllog_other(const char *kind, int argc, char **argv)
{
	cJSON *o = header(kind);
	cJSON *a = cJSON_AddArrayToObject(o, "argv");
	for (int i = 0; i < argc; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(argv[i]));
	append_line(o);
	cJSON_Delete(o);
}

/* This process's file under <state>/inflight while it runs (removed at exit, by this process only: forks do not). */
static char *g_inflight;
static pid_t g_inflight_pid;

static void inflight_leave(void)
{
	if (g_inflight && getpid() == g_inflight_pid)
		unlink(g_inflight);
}

/* Registers this call of `command` as in flight; returns how many others of it are. */
static int inflight_enter(const char *command)
{
	char *dir = state_path("inflight");
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		free(dir);
		return 0;
	}
	g_inflight_pid = getpid();
	g_inflight = xasprintf("%s/%ld-%s", dir, (long)g_inflight_pid, command);
	int fd = open(g_inflight, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	atexit(inflight_leave);
	int others = 0;
	DIR *d = opendir(dir);
	const struct dirent *de;
	while (d && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end != '-' || strcmp(end + 1, command) || pid == (long)g_inflight_pid)
			continue;
		/* a killed call leaves its file: counted only while its process lives */
		if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
			others++;
	}
	if (d)
		closedir(d);
	free(dir);
	return others;
}

void calllog_sbx(int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-')
		i++;
	int others = i < argc && !strchr(argv[i], '/') ? inflight_enter(argv[i]) : 0;
	cJSON *o = header("sbx");
	cJSON *a = cJSON_AddArrayToObject(o, "argv");
	for (int k = 0; k < argc; k++)
		cJSON_AddItemToArray(a, cJSON_CreateString(argv[k]));
	cJSON_AddNumberToObject(o, "concurrent", others);
	append_line(o);
	cJSON_Delete(o);
}

void calllog_pull(const char *ref, int active)
{
	cJSON *o = header("pull");
	cJSON *a = cJSON_AddArrayToObject(o, "argv");
	cJSON_AddItemToArray(a, cJSON_CreateString(ref));
	cJSON_AddNumberToObject(o, "active", active);
	append_line(o);
	cJSON_Delete(o);
}

void calllog_http(const char *method, const char *path, const char *query, const char *transport)
{
	cJSON *o = header("http");
	cJSON_AddStringToObject(o, "method", method);
	cJSON_AddStringToObject(o, "path", path);
	if (query && *query)
		cJSON_AddStringToObject(o, "query", query);
	cJSON_AddStringToObject(o, "transport", transport);
	append_line(o);
	cJSON_Delete(o);
}

void calllog_proxy(const char *sandbox, const char *request, const char *target, const char *decision,
		   const char *rule)
{
	cJSON *o = header("proxy");
	cJSON_AddStringToObject(o, "sandbox", sandbox);
	cJSON_AddStringToObject(o, "request", request);
	cJSON_AddStringToObject(o, "target", target);
	cJSON_AddStringToObject(o, "decision", decision);
	if (rule)
		cJSON_AddStringToObject(o, "rule", rule);
	else
		cJSON_AddNullToObject(o, "rule");
	append_line(o);
	cJSON_Delete(o);
}
