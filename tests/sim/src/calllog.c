#include "calllog.h"

#include "state.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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

void calllog_sbx(int argc, char **argv)
{
	calllog_other("sbx", argc, argv);
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
