#include "docker_model.h"

#include "calllog.h"
#include "state.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLUGIN_VERSION "v1.2.6"
#define MOBY_PORT_SUFFIX ":12434"

struct body {
	char *data;
	size_t len;
};

static size_t collect(char *ptr, size_t size, size_t n, void *userdata)
{
	struct body *b = userdata;
	size_t add = size * n;
	if (b->len + add > (1u << 20))
		return 0;
	b->data = xrealloc(b->data, b->len + add + 1);
	memcpy(b->data + b->len, ptr, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

/* GET base+path; the body on 200, else NULL. */
static char *get(const char *base, const char *path)
{
	CURL *c = curl_easy_init();
	if (!c)
		return NULL;
	char *url = xasprintf("%s%s", base, path);
	struct body b = { 0 };
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROXY, ""); /* libcurl honours http_proxy even for 127.0.0.1 */
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 3000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	long code = 0;
	if (curl_easy_perform(c) != CURLE_OK ||
	    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK || code != 200) {
		free(b.data);
		b.data = NULL;
	}
	curl_easy_cleanup(c);
	free(url);
	return b.data ? b.data : NULL;
}

/* The runner's base URL, without a trailing slash; *manual when it came
 * from MODEL_RUNNER_HOST or a non-default port. */
static char *runner_base(bool *manual)
{
	const char *env = getenv("MODEL_RUNNER_HOST");
	if (env && *env) {
		*manual = true;
		char *b = xstrdup(env);
		size_t n = strlen(b);
		while (n && b[n - 1] == '/')
			b[--n] = '\0';
		return b;
	}
	char *p = state_path("runner.addr");
	char *addr = read_file(p, NULL);
	free(p);
	if (!addr)
		return xstrdup("http://localhost:12434");
	addr[strcspn(addr, "\n")] = '\0';
	*manual = !str_ends(addr, MOBY_PORT_SUFFIX);
	char *b = xasprintf("http://%s", addr);
	free(addr);
	return b;
}

/*
 * ensureStandaloneRunnerAvailable (cmd/cli/commands/install-runner.go), which
 * status runs first: on Docker Engine (not a manual install), unless
 * MODEL_RUNNER_NO_AUTO_INSTALL is set, a missing runner container is pulled
 * and started. Here no runner answering stands for no container, and the
 * install is only written to the call log (as "standalone-runner install"):
 * enough for a test to see whether a command would have started one.
 */
static void ensure_standalone_runner(bool manual, bool running)
{
	const char *no_auto = getenv("MODEL_RUNNER_NO_AUTO_INSTALL");
	if (manual || running || (no_auto && *no_auto))
		return;
	char *argv[] = { "install", NULL };
	calllog_other("standalone-runner", 1, argv);
}

static int status(int argc, char **argv)
{
	bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
	bool manual = false;
	char *base = runner_base(&manual);
	char *models = get(base, "/models");
	ensure_standalone_runner(manual, models != NULL);
	char *backends = models ? get(base, "/engines/status") : NULL;
	bool running = backends != NULL;
	int rc = 0;
	if (json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "running", running);
		cJSON *b = backends ? cJSON_Parse(backends) : NULL;
		cJSON_AddItemToObject(o, "backends", b ? b : cJSON_CreateObject());
		/* As cmd/cli/commands/status.go: a custom host is the manual
		 * install kind, with the same endpoint for containers and host. */
		cJSON_AddStringToObject(o, "kind", manual ? "Docker Engine (Manual Install)" : "Docker Engine");
		char *ep = manual ? xasprintf("%s/v1/", base) : xstrdup("http://host.docker.internal:12434/v1/");
		char *eph = manual ? xasprintf("%s/v1/", base) : xstrdup("http://127.0.0.1:12434/v1/");
		cJSON_AddStringToObject(o, "endpoint", ep);
		cJSON_AddStringToObject(o, "endpointHost", eph);
		free(ep);
		free(eph);
		char *text = cJSON_PrintUnformatted(o);
		puts(text);
		free(text);
		cJSON_Delete(o);
	} else if (running) {
		printf("Docker Model Runner is running\n\nStatus:\n");
		cJSON *b = cJSON_Parse(backends);
		const cJSON *kv;
		cJSON_ArrayForEach(kv, b) {
			if (cJSON_IsString(kv) && strcmp(kv->valuestring, "not running") != 0)
				printf("%s: %s\n", kv->string, kv->valuestring);
		}
		cJSON_Delete(b);
	} else {
		printf("Docker Model Runner is not running\n");
		rc = 1;
	}
	free(models);
	free(backends);
	free(base);
	return rc;
}

int docker_model_main(int argc, char **argv)
{
	calllog_other("docker-model", argc, argv);
	if (argc >= 2 && strcmp(argv[1], "docker-cli-plugin-metadata") == 0) {
		printf("{\"SchemaVersion\":\"0.1.0\",\"Vendor\":\"Docker Inc.\",\"Version\":\"%s\","
		       "\"ShortDescription\":\"Docker Model Runner\"}\n",
		       PLUGIN_VERSION);
		return 0;
	}
	/* The docker client passes the plugin's own name first. */
	int i = argc >= 2 && strcmp(argv[1], "model") == 0 ? 2 : 1;
	if (i >= argc) {
		fputs("Usage:  docker model COMMAND\n", stderr);
		return 1;
	}
	if (strcmp(argv[i], "status") == 0) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		int rc = status(argc - i, argv + i);
		curl_global_cleanup();
		return rc;
	}
	if (strcmp(argv[i], "version") == 0) {
		printf("Docker Model Runner version %s\n", PLUGIN_VERSION);
		return 0;
	}
	fprintf(stderr, "sbxsim: 'docker model %s' is not simulated\n", argv[i]);
	return 1;
}
