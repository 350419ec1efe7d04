/*
 * http: the request/reply model shared by the runner's handlers.
 *
 * A handler reads a fully received struct http_req and fills a
 * struct http_reply (status, content type, malloc'd body), or hands over a
 * ready MHD response in reply->stream for streamed answers (pulls).  The
 * server applies faults, logging, latency and the Docker Desktop prefix
 * around the handlers, so handlers only implement DMR behaviour.
 */
#ifndef SBXSIM_HTTP_H
#define SBXSIM_HTTP_H

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#define DD_PREFIX "/exp/vDD4.40"

struct http_req {
	struct MHD_Connection *conn;
	const char *method;
	const char *path; /* unescaped, Docker Desktop prefix removed */
	const char *body;
	size_t body_len;
	bool is_unix;
	bool truncate; /* a truncate fault is active for this request */
};

struct http_reply {
	int status;
	const char *content_type;
	char *body;
	size_t len;
	struct MHD_Response *stream;
};

/* Set while the runner shuts down; long-running handlers poll it. */
extern volatile bool g_http_stopping;

/* Go's http.Error: text/plain, message plus "\n". */
void reply_text(struct http_reply *r, int status, const char *msg);
/* Takes ownership of doc; body is the compact JSON plus "\n" as Go's
 * json.Encoder writes it.  status 0 means 200. */
void reply_json(struct http_reply *r, int status, cJSON *doc);
void reply_empty(struct http_reply *r, int status);
const char *req_query(const struct http_req *req, const char *key);
const char *req_header(const struct http_req *req, const char *key);
const char *http_status_text(int status);

/* Each returns true when it answered the request. */
bool http_models_route(struct http_req *req, struct http_reply *reply);
bool http_engines_route(struct http_req *req, struct http_reply *reply);
/* POST /models/create. */
void pull_handle(struct http_req *req, struct http_reply *reply);
/* GET /models/{ref}?remote=true: what the registry holds under ref, as the
 * runner lists a model but without tags (model-runner's ToModelFromArtifact). */
void pull_remote_model(const char *ref, struct http_reply *reply);
struct cat_model;
/* A model as GET /models lists it (with_tags: an empty "tags" the store fills). */
cJSON *pull_model_object(const struct cat_model *cm, const char *digest, bool with_tags);
/* Drop runtime configs of a model id (deleted, or its tag moved away). */
void engines_forget(const char *id);

/* `sbxsim runner [--listen HOST:PORT] [--unix PATH] [--addr-file PATH]` */
int runner_main(int argc, char **argv);

#endif
