#include "dmr.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "io/json.h"
#include "os/spawn.h"
#include "util/strutil.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

#define DEFAULT_TCP "http://localhost:12434"
#define DESKTOP_SOCKET "unix:///var/run/docker.sock"
#define PULL_STALL_S 120

struct dmr_discovery dmr_discovery_of(const char *flag_url, const char *config_url, bool observe_only)
{
	const char *env_url = getenv("MODEL_RUNNER_HOST");
	return (struct dmr_discovery){ .flag_url = flag_url,
				       .config_url = config_url,
				       .env_url = env_url && *env_url ? env_url : NULL,
				       .observe_only = observe_only };
}

void dmr_init(struct dmr *d)
{
	memset(d, 0, sizeof(*d));
	http_endpoint_init(&d->endpoint);
	d->cancel_fd = -1;
	strbuf_init(&d->connect_body);
	pthread_mutex_init(&d->pull_lock, NULL);
	pthread_cond_init(&d->pull_slot, NULL);
}

void dmr_release(struct dmr *d)
{
	http_endpoint_release(&d->endpoint);
	free(d->found_via);
	strbuf_release(&d->connect_body);
	pthread_mutex_destroy(&d->pull_lock);
	pthread_cond_destroy(&d->pull_slot);
}

static void request_init(const struct dmr *d, struct http_request *req, const char *method, const char *path)
{
	http_request_init(req);
	req->method = method;
	req->path = path;
	req->cancel_fd = d->cancel_fd;
	req->counter = d->counter;
}

/* One request with the usual retries; 0 with res filled, -1 with err. */
static int call(struct dmr *d, struct http_request *req, struct http_response *res, struct strbuf *err)
{
	struct http_retry retry;
	http_retry_init(&retry);
	if (http_do_with_retry(&d->endpoint, req, &retry, res) < 0) {
		http_describe_error(res, err);
		return -1;
	}
	return 0;
}

static int expect_status(const struct http_response *res, long want, struct strbuf *err)
{
	if (res->status == want || (want == 200 && res->status >= 200 && res->status < 300))
		return 0;
	http_describe_error(res, err);
	return -1;
}

static int try_endpoint(struct dmr *d, const char *url, const char *via, struct strbuf *tried)
{
	struct strbuf why = STRBUF_INIT;
	struct http_endpoint ep = HTTP_ENDPOINT_INIT;
	if (http_endpoint_parse(&ep, url, &why) < 0) {
		strbuf_addf(tried, "\n  %s (%s): %s", url, via, why.buf);
		strbuf_release(&why);
		return -1;
	}
	struct http_request req;
	struct http_response res = HTTP_RESPONSE_INIT;
	request_init(d, &req, "GET", "/models");
	req.connect_timeout_ms = 2000;
	req.timeout_ms = 10000;
	int rc = http_do(&ep, &req, &res);
	if (rc == 0 && res.status == 200) {
		http_endpoint_release(&d->endpoint);
		d->endpoint = ep;
		free(d->found_via);
		d->found_via = xstrdup(via);
		strbuf_reset(&d->connect_body);
		strbuf_addbuf(&d->connect_body, &res.body);
		d->connect_body_fresh = true;
		http_response_release(&res);
		return 0;
	}
	http_describe_error(&res, &why);
	strbuf_addf(tried, "\n  %s (%s): %s", url, via, why.buf);
	strbuf_release(&why);
	http_response_release(&res);
	http_endpoint_release(&ep);
	return -1;
}

/*
 * The endpoint `docker model status --json` reports for the host
 * (endpointHost, as cmd/cli/commands/status.go prints it: the OpenAI base,
 * ".../v1/"), when the docker client and its model plugin are installed.
 * NULL when there is no answer; *why says what happened.
 */
static char *endpoint_from_docker(struct dmr *d, bool observe_only, struct strbuf *why)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	static const char *const argv[] = { "docker", "model", "status", "--json", NULL };
	char *url = NULL;
	spawn_request_args(&req, argv);
	if (observe_only)
		spawn_request_setenv(&req, "MODEL_RUNNER_NO_AUTO_INSTALL", "1");
	req.timeout_ms = 15000;
	req.cancel_fd = d->cancel_fd;
	req.counter = d->process_counter;
	if (spawn_run(&req, &res) < 0 || !spawn_result_ok(&res)) {
		if (spawn_result_not_found(&res))
			strbuf_addstr(why, "the docker command is not installed");
		else
			spawn_result_describe(&res, "docker model status --json", why);
		goto done;
	}
	cJSON *status = json_parse_embedded(res.out.buf, res.out.len);
	const char *ep = json_string(status, "endpointHost");
	if (!ep)
		ep = json_string(status, "endpoint");
	if (ep) {
		url = xstrdup(ep);
		/* the base of the OpenAI API, not the runner's: strip the API suffix */
		for (const char *suffix = "/engines/v1/"; suffix; suffix = !strcmp(suffix, "/engines/v1/") ? "/v1/" : NULL)
			if (str_ends_with(url, suffix)) {
				url[strlen(url) - strlen(suffix)] = '\0';
				break;
			}
		while (*url && url[strlen(url) - 1] == '/')
			url[strlen(url) - 1] = '\0';
	} else {
		strbuf_addstr(why, "it reported no endpoint");
	}
	cJSON_Delete(status);
done:
	spawn_result_release(&res);
	spawn_request_release(&req);
	return url;
}

int dmr_connect(struct dmr *d, const struct dmr_discovery *where, struct strbuf *err)
{
	struct strbuf tried = STRBUF_INIT;
	/* an endpoint the user named is the only one tried: falling back would hide a typo */
	const char *named = where->flag_url ? where->flag_url : where->config_url ? where->config_url
										  : where->env_url;
	const char *via = where->flag_url ? "--runner" : where->config_url ? "runner.endpoint"
									   : "MODEL_RUNNER_HOST";
	int rc;
	if (named) {
		rc = try_endpoint(d, named, via, &tried);
	} else {
		struct strbuf why = STRBUF_INIT;
		char *reported = endpoint_from_docker(d, where->observe_only, &why);
		rc = reported ? try_endpoint(d, reported, "docker model status", &tried) : -1;
		if (!reported)
			strbuf_addf(&tried, "\n  docker model status --json: %s", why.buf);
		free(reported);
		strbuf_release(&why);
		if (rc < 0)
			rc = try_endpoint(d, DEFAULT_TCP, "default", &tried);
		if (rc < 0)
			rc = try_endpoint(d, DESKTOP_SOCKET, "Docker Desktop socket", &tried);
	}
	if (rc < 0)
		strbuf_addf(err, "Docker Model Runner does not answer; tried:%s\n"
				 "Enable it with 'docker desktop enable model-runner --tcp 12434' (Docker Desktop) or install "
				 "docker-model-plugin (Docker Engine), or name it with --runner URL, runner.endpoint or "
				 "MODEL_RUNNER_HOST",
			    tried.buf);
	strbuf_release(&tried);
	return rc;
}

void dmr_models_free(struct dmr_model *models, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(models[i].id);
		free(models[i].size);
		for (size_t j = 0; j < models[i].nr_tags; j++)
			free(models[i].tags[j]);
		free(models[i].tags);
	}
	free(models);
}

/* The JSON list an answer to 'GET path' holds; NULL with err when it is something else. */
static cJSON *parse_list(const char *path, const char *text, size_t len, struct strbuf *err)
{
	cJSON *list = json_parse(text, len);
	if (!cJSON_IsArray(list)) {
		strbuf_addf(err, "'GET %s' answered something that is not a JSON list: %.*s", path,
			    (int)(len < 80 ? len : 80), text);
		cJSON_Delete(list);
		list = NULL;
	}
	return list;
}

/*
 * GET path and parse a JSON list; NULL with err on any failure. The models
 * list may come from the liveness check made while connecting.
 */
static cJSON *get_list(struct dmr *d, const char *path, struct strbuf *err)
{
	struct http_request req;
	struct http_response res = HTTP_RESPONSE_INIT;
	request_init(d, &req, "GET", path);
	int rc = 0;
	if (!strcmp(path, "/models") && d->connect_body_fresh) {
		/* the answer to the liveness check is the list: no second request */
		d->connect_body_fresh = false;
		strbuf_addbuf(&res.body, &d->connect_body);
		res.status = 200;
	} else {
		rc = call(d, &req, &res, err);
		if (!rc)
			rc = expect_status(&res, 200, err);
	}
	cJSON *list = rc ? NULL : parse_list(path, res.body.buf, res.body.len, err);
	http_response_release(&res);
	return list;
}

static void models_from_list(const cJSON *list, struct dmr_model **out, size_t *nr)
{
	size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
	*out = xcalloc(n + 1, sizeof(**out));
	const cJSON *m;
	cJSON_ArrayForEach(m, list) {
		const char *id = json_string(m, "id");
		if (!id)
			continue;
		struct dmr_model *dm = &(*out)[i++];
		dm->id = xstrdup(id);
		const cJSON *tags = json_array(m, "tags"), *t;
		dm->tags = xcalloc((size_t)cJSON_GetArraySize(tags) + 1, sizeof(*dm->tags));
		cJSON_ArrayForEach(t, tags)
			if (cJSON_IsString(t))
				dm->tags[dm->nr_tags++] = xstrdup(t->valuestring);
		dm->context_size = (long)json_int(json_object(m, "config"), "context_size", 0);
		const char *size = json_string(json_object(m, "config"), "size");
		dm->size = size ? xstrdup(size) : NULL;
	}
	*nr = i;
}

int dmr_version(struct dmr *d, char **out, struct strbuf *err)
{
	struct http_request req;
	struct http_response res = HTTP_RESPONSE_INIT;
	request_init(d, &req, "GET", "/version");
	req.timeout_ms = 10000;
	*out = NULL;
	int rc = call(d, &req, &res, err);
	if (!rc && res.status == 404) {
		rc = 0;
	} else if (!rc && !(rc = expect_status(&res, 200, err))) {
		cJSON *body = json_parse(res.body.buf, res.body.len);
		const char *v = json_string(body, "version");
		if (v && *v) {
			*out = xstrdup(v);
			rc = 1;
		} else {
			strbuf_addstr(err, "'GET /version' answered without a version");
			rc = -1;
		}
		cJSON_Delete(body);
	}
	http_response_release(&res);
	return rc;
}

int dmr_list(struct dmr *d, struct dmr_model **out, size_t *nr, struct strbuf *err)
{
	*out = NULL;
	*nr = 0;
	cJSON *list = get_list(d, "/models", err);
	int rc = list ? 0 : -1;
	if (!rc)
		models_from_list(list, out, nr);
	cJSON_Delete(list);
	return rc;
}

int dmr_parse_models(const char *text, size_t len, struct dmr_model **out, size_t *nr, struct strbuf *err)
{
	*out = NULL;
	*nr = 0;
	cJSON *list = parse_list("/models", text, len, err);
	if (!list)
		return -1;
	models_from_list(list, out, nr);
	cJSON_Delete(list);
	return 0;
}

struct pull_state {
	struct dmr *d;
	const char *ref;
	struct dmr_pull_progress p;
};

static int on_pull_line(const char *line, size_t len, void *data)
{
	struct pull_state *ps = data;
	if (dmr_pull_progress_line(&ps->p, line, len) && ps->d->progress)
		ps->d->progress(ps->d->progress_ctx, ps->ref, ps->p.done, ps->p.total, 0);
	return 0;
}

int dmr_pull(struct dmr *d, const char *ref, struct strbuf *err)
{
	pthread_mutex_lock(&d->pull_lock);
	while (d->pulls_running >= DMR_PULL_SLOTS)
		pthread_cond_wait(&d->pull_slot, &d->pull_lock);
	d->pulls_running++;
	pthread_mutex_unlock(&d->pull_lock);

	struct strbuf body = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &body, false);
	jsonw_begin_object(&w);
	jsonw_kv_string(&w, "from", ref);
	jsonw_end_object(&w);
	struct pull_state ps = { .d = d, .ref = ref };
	dmr_pull_progress_init(&ps.p);
	struct http_request req;
	struct http_response res = HTTP_RESPONSE_INIT;
	request_init(d, &req, "POST", "/models/create");
	req.body = body.buf;
	req.timeout_ms = 0;	 /* a pull takes as long as it takes ... */
	req.low_speed_limit = 1; /* ... while bytes keep coming */
	req.low_speed_time_s = PULL_STALL_S;
	req.on_line = on_pull_line;
	req.line_data = &ps;
	struct http_retry retry;
	http_retry_init(&retry);
	retry.after_lines = true; /* the runner resumes a pull: replayed progress is harmless */
	int rc = http_do_with_retry(&d->endpoint, &req, &retry, &res);
	if (rc < 0 || res.status != 200) {
		strbuf_addf(err, "pulling '%s' failed: ", ref);
		http_describe_error(&res, err);
		rc = -1;
	} else if (ps.p.error.len) {
		strbuf_addf(err, "pulling '%s' failed: %s", ref, ps.p.error.buf);
		rc = -1;
	} else if (!ps.p.success) {
		strbuf_addf(err, "pulling '%s' failed: the stream ended without success", ref);
		rc = -1;
	}
	if (d->progress)
		d->progress(d->progress_ctx, ref, rc == 0 ? ps.p.total : -1, ps.p.total, rc == 0 ? 1 : -1);
	dmr_pull_progress_release(&ps.p);
	http_response_release(&res);
	strbuf_release(&body);

	pthread_mutex_lock(&d->pull_lock);
	d->pulls_running--;
	pthread_cond_signal(&d->pull_slot);
	pthread_mutex_unlock(&d->pull_lock);
	return rc;
}

int dmr_remote_size(struct dmr *d, const char *ref, int cancel_fd, unsigned long long *bytes, struct strbuf *err)
{
	char *path = xasprintf("/models/%s", ref);
	struct http_request req;
	struct http_response res = HTTP_RESPONSE_INIT;
	request_init(d, &req, "GET", path);
	req.query = "remote=true";
	req.cancel_fd = cancel_fd;
	req.timeout_ms = 10000; /* the runner asks the registry: a lookup, never a download */
	struct http_retry once = { .attempts = 1 };
	int rc = 0;
	if (http_do_with_retry(&d->endpoint, &req, &once, &res) < 0) {
		http_describe_error(&res, err);
		rc = -1;
	}
	if (!rc)
		rc = expect_status(&res, 200, err);
	if (!rc && dmr_parse_remote_size(res.body.buf, res.body.len, bytes) < 0) {
		strbuf_addf(err, "'GET %s?remote=true' gave no size", path);
		rc = -1;
	}
	http_response_release(&res);
	free(path);
	return rc;
}

int dmr_delete(struct dmr *d, const char *ref, struct strbuf *err)
{
	char *path = xasprintf("/models/%s", ref);
	struct http_request req;
	struct http_response res = HTTP_RESPONSE_INIT;
	request_init(d, &req, "DELETE", path);
	int rc = call(d, &req, &res, err);
	if (!rc && res.status != 404) /* already gone is what we wanted */
		rc = expect_status(&res, 200, err);
	http_response_release(&res);
	free(path);
	return rc;
}

int dmr_repackage(struct dmr *d, const char *from, const char *target, long context_size, struct strbuf *err)
{
	char *path = xasprintf("/models/%s/repackage", from);
	struct strbuf body = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &body, false);
	jsonw_begin_object(&w);
	jsonw_kv_string(&w, "target", target);
	jsonw_kv_int(&w, "context_size", context_size);
	jsonw_end_object(&w);
	struct http_request req;
	struct http_response res = HTTP_RESPONSE_INIT;
	request_init(d, &req, "POST", path);
	req.body = body.buf;
	req.timeout_ms = 600000; /* repackaging copies no weights, but stay generous */
	int rc = call(d, &req, &res, err);
	if (!rc)
		rc = expect_status(&res, 201, err);
	http_response_release(&res);
	strbuf_release(&body);
	free(path);
	return rc;
}

static int unload(struct dmr *d, const char *model, struct strbuf *err)
{
	struct strbuf body = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &body, false);
	jsonw_begin_object(&w);
	jsonw_key(&w, "models");
	jsonw_begin_array(&w);
	jsonw_string(&w, model);
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	struct http_request req;
	struct http_response res = HTTP_RESPONSE_INIT;
	request_init(d, &req, "POST", "/engines/unload");
	req.body = body.buf;
	int rc = call(d, &req, &res, err);
	if (!rc)
		rc = expect_status(&res, 200, err);
	http_response_release(&res);
	strbuf_release(&body);
	return rc;
}

int dmr_configure(struct dmr *d, const char *model, long context_size, const char *const *flags, size_t nr_flags,
		  struct strbuf *err)
{
	struct strbuf body = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &body, false);
	jsonw_begin_object(&w);
	jsonw_kv_string(&w, "model", model);
	if (context_size > 0)
		jsonw_kv_int(&w, "context-size", context_size);
	if (flags) {
		jsonw_key(&w, "runtime-flags");
		jsonw_begin_array(&w);
		for (size_t i = 0; i < nr_flags; i++)
			jsonw_string(&w, flags[i]);
		jsonw_end_array(&w);
	}
	jsonw_end_object(&w);
	struct http_request req;
	struct http_response res = HTTP_RESPONSE_INIT;
	request_init(d, &req, "POST", "/engines/_configure");
	req.body = body.buf;
	req.timeout_ms = 600000; /* the first configure loads the model into memory */
	int rc = call(d, &req, &res, err);
	if (!rc && res.status == 409) {
		/* a loaded model keeps its settings ("runner already active"): unload, then configure */
		rc = unload(d, model, err);
		if (!rc)
			rc = call(d, &req, &res, err);
	}
	if (!rc)
		rc = expect_status(&res, 202, err);
	http_response_release(&res);
	strbuf_release(&body);
	return rc;
}

void dmr_configs_free(struct dmr_runtime_config *configs, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(configs[i].model);
		free(configs[i].model_id);
		free(configs[i].runtime_flags);
	}
	free(configs);
}

static void configs_from_list(const cJSON *list, struct dmr_runtime_config **out, size_t *nr)
{
	*out = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(**out));
	const cJSON *c;
	cJSON_ArrayForEach(c, list) {
		const char *model = json_string(c, "Model");
		if (!model)
			continue;
		struct dmr_runtime_config *rc_out = &(*out)[(*nr)++];
		const char *id = json_string(c, "ModelID");
		rc_out->model = xstrdup(model);
		rc_out->model_id = id ? xstrdup(id) : NULL;
		const cJSON *cfg = json_object(c, "Config");
		rc_out->context_size = (long)json_int(cfg, "context-size", 0);
		const cJSON *flags = cJSON_GetObjectItemCaseSensitive(cfg, "runtime-flags");
		if (cJSON_IsArray(flags) && cJSON_GetArraySize(flags) > 0)
			rc_out->runtime_flags = cJSON_PrintUnformatted(flags);
	}
}

int dmr_list_configs(struct dmr *d, struct dmr_runtime_config **out, size_t *nr, struct strbuf *err)
{
	*out = NULL;
	*nr = 0;
	cJSON *list = get_list(d, "/engines/_configure", err);
	int rc = list ? 0 : -1;
	if (!rc)
		configs_from_list(list, out, nr);
	cJSON_Delete(list);
	return rc;
}

int dmr_parse_configs(const char *text, size_t len, struct dmr_runtime_config **out, size_t *nr, struct strbuf *err)
{
	*out = NULL;
	*nr = 0;
	cJSON *list = parse_list("/engines/_configure", text, len, err);
	if (!list)
		return -1;
	configs_from_list(list, out, nr);
	cJSON_Delete(list);
	return 0;
}
