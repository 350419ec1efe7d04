/*
 * pull: POST /models/create, the streamed pull over simulated time.
 *
 * At most two pulls run at once; a third request waits for a slot before
 * anything is written (no status line), as DMR's pull semaphore does.
 * Layers download in parallel sharing SBXSIM_BANDWIDTH bytes/s (default
 * 10 GB/s, so the guide's 12-18 GB models take under two seconds), or all
 * pulls take SBXSIM_PULL_MS when that is set.  The model enters the store
 * only when the stream reaches its success line.
 */
#include "calllog.h"
#include "catalogue.h"
#include "faults.h"
#include "http.h"
#include "refs.h"
#include "store.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PULLS 2

static pthread_mutex_t g_slot_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_slot_cv = PTHREAD_COND_INITIALIZER;
static int g_active;

/*
 * A request that finds both slots taken waits, and the call log says so
 * ("pull-queued", with the reference asked); each pull that gets a slot is
 * logged with how many run then ("pull", "active").
 */
static void slot_acquire(const char *ref)
{
	pthread_mutex_lock(&g_slot_mu);
	if (g_active >= MAX_PULLS) {
		char *argv[] = { (char *)(ref ? ref : ""), NULL };
		calllog_other("pull-queued", 1, argv);
	}
	while (g_active >= MAX_PULLS && !g_http_stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g_slot_cv, &g_slot_mu, &ts);
	}
	g_active++;
	if (!g_http_stopping)
		calllog_pull(ref ? ref : "", g_active);
	pthread_mutex_unlock(&g_slot_mu);
}

static void slot_release(void)
{
	pthread_mutex_lock(&g_slot_mu);
	g_active--;
	pthread_cond_signal(&g_slot_cv);
	pthread_mutex_unlock(&g_slot_mu);
}

struct layer {
	char id[72];
	uint64_t size;
	double current;
};

enum phase {
	STREAMING,
	CACHED,
	FINISHED,
	ENDED,
	DROPPED,
};

struct pull {
	const struct cat_model *cm;
	char *canonical;
	char digest[72];
	struct layer layers[3];
	int nlayers;
	uint64_t total;
	bool json;
	double bytes_per_ms;
	long tick_ms;
	int64_t last_ms;
	struct fault fault;
	enum phase phase;
	char cached_size[32];
	char *pending;
	size_t plen, poff;
	bool slot_held; /* released as the last line is queued (sbxsim's choice: when DMR frees its slot is not known) */
};

static void pull_slot_done(struct pull *p)
{
	if (p->slot_held) {
		p->slot_held = false;
		slot_release();
	}
}

static void emit(struct pull *p, const char *line)
{
	size_t add = strlen(line);
	char *escaped = NULL;
	if (!p->json) {
		/* html.EscapeString, as DMR does for clients that did not ask for JSON. */
		size_t cap = add * 5 + 1, n = 0;
		escaped = xmalloc(cap);
		for (const char *c = line; *c; c++) {
			const char *rep = *c == '<' ? "&lt;" : *c == '>' ? "&gt;"
						       : *c == '&'	 ? "&amp;"
						       : *c == '\''	 ? "&#39;"
						       : *c == '"'	 ? "&#34;"
									 : NULL;
			if (rep) {
				memcpy(escaped + n, rep, strlen(rep));
				n += strlen(rep);
			} else {
				escaped[n++] = *c;
			}
		}
		escaped[n] = '\0';
		line = escaped;
		add = n;
	}
	p->pending = xrealloc(p->pending, p->plen + add + 1);
	memcpy(p->pending + p->plen, line, add + 1);
	p->plen += add;
	free(escaped);
}

static void emit_final(struct pull *p, const char *type, const char *message)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "message", message);
	cJSON_AddNumberToObject(o, "total", 0);
	cJSON *layer = cJSON_AddObjectToObject(o, "layer");
	cJSON_AddNumberToObject(layer, "size", 0);
	cJSON_AddNumberToObject(layer, "current", 0);
	cJSON_AddStringToObject(o, "mode", "pull");
	char *text = cJSON_PrintUnformatted(o);
	char *line = xasprintf("%s\n", text);
	emit(p, line);
	free(line);
	free(text);
	cJSON_Delete(o);
}

static double downloaded(const struct pull *p)
{
	double sum = 0;
	for (int i = 0; i < p->nlayers; i++)
		sum += p->layers[i].current;
	return sum;
}

cJSON *pull_model_object(const struct cat_model *cm, const char *digest, bool with_tags)
{
	char size[32];
	format_binary_size(size, catalogue_total_size(cm));
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "id", digest);
	if (with_tags)
		cJSON_AddArrayToObject(m, "tags");
	cJSON_AddNumberToObject(m, "created", (double)cm->created);
	cJSON *cfg = cJSON_AddObjectToObject(m, "config");
	cJSON_AddStringToObject(cfg, "format", "gguf");
	cJSON_AddStringToObject(cfg, "quantization", cm->quantization);
	cJSON_AddStringToObject(cfg, "parameters", cm->parameters);
	cJSON_AddStringToObject(cfg, "architecture", cm->architecture);
	cJSON_AddStringToObject(cfg, "size", size);
	cJSON *gguf = cJSON_AddObjectToObject(cfg, "gguf");
	cJSON_AddStringToObject(gguf, "general.architecture", cm->architecture);
	char *key = xasprintf("%s.context_length", cm->architecture);
	cJSON_AddStringToObject(gguf, key, cm->context_length);
	free(key);
	return m;
}

/* Put the pulled model in the store; a tag that moves to the new digest
 * takes the old digest's runtime configs with it. */
static void commit(struct pull *p)
{
	store_lock();
	cJSON *m = store_find(p->digest);
	if (!m) {
		m = pull_model_object(p->cm, p->digest, true);
		cJSON_AddItemToArray(store_models(), m);
		store_mark_dirty();
	}
	char *lost = store_add_tag(m, p->canonical);
	store_unlock();
	if (lost)
		engines_forget(lost);
	free(lost);
}

static void advance(struct pull *p)
{
	int64_t now = now_ms();
	double budget = (double)(now - p->last_ms) * p->bytes_per_ms;
	p->last_ms = now;
	/* Equal shares of the bandwidth; what a finished layer leaves over
	 * goes to the others in the next round. */
	for (int round = 0; round < 3 && budget > 0.5; round++) {
		int active = 0;
		for (int i = 0; i < p->nlayers; i++)
			active += p->layers[i].current < (double)p->layers[i].size;
		if (!active)
			break;
		double share = budget / active;
		for (int i = 0; i < p->nlayers; i++) {
			struct layer *l = &p->layers[i];
			double left = (double)l->size - l->current;
			if (left <= 0)
				continue;
			double take = share < left ? share : left;
			l->current += take;
			budget -= take;
		}
	}
}

static void produce(struct pull *p)
{
	if (p->phase == CACHED) {
		char *msg = xasprintf("Using cached model: %s", p->cached_size);
		emit_final(p, "success", msg);
		free(msg);
		p->phase = ENDED;
		return;
	}
	sleep_ms(p->tick_ms);
	double before[3];
	for (int i = 0; i < p->nlayers; i++)
		before[i] = p->layers[i].current;
	advance(p);
	double done = downloaded(p);
	for (int i = 0; i < p->nlayers; i++) {
		if (p->layers[i].current == before[i])
			continue;
		char line[512];
		snprintf(line, sizeof(line),
			 "{\"type\":\"progress\",\"message\":\"Downloaded: %.2f MB\",\"total\":%llu,"
			 "\"layer\":{\"id\":\"%s\",\"size\":%llu,\"current\":%llu},\"mode\":\"pull\"}\n",
			 done / 1024.0 / 1024.0, (unsigned long long)p->total, p->layers[i].id,
			 (unsigned long long)p->layers[i].size, (unsigned long long)p->layers[i].current);
		emit(p, line);
	}
	enum fault_action a = p->fault.action;
	if ((a == FAULT_CUT || a == FAULT_DROP || a == FAULT_ERROR) &&
	    done * 100.0 >= (double)p->fault.arg * (double)p->total) {
		if (a == FAULT_ERROR)
			emit_final(p, "error", p->fault.message[0] ? p->fault.message : "error while pulling model: unexpected EOF");
		p->phase = a == FAULT_DROP ? DROPPED : ENDED;
		return;
	}
	if (done >= (double)p->total) {
		commit(p);
		emit_final(p, "success", "Model pulled successfully");
		p->phase = ENDED;
	}
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct pull *p = cls;
	while (p->poff == p->plen) {
		free(p->pending);
		p->pending = NULL;
		p->plen = p->poff = 0;
		if (p->phase == DROPPED || g_http_stopping)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (p->phase == ENDED)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (p->fault.action == FAULT_HANG) {
			faults_hang(&g_http_stopping);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		produce(p);
		if (p->phase == ENDED)
			pull_slot_done(p); /* before the client can read the last line and ask for the next pull */
	}
	size_t n = p->plen - p->poff < max ? p->plen - p->poff : max;
	memcpy(buf, p->pending + p->poff, n);
	p->poff += n;
	return (ssize_t)n;
}

static void pull_free(void *cls)
{
	struct pull *p = cls;
	free(p->pending);
	free(p->canonical);
	pull_slot_done(p);
	free(p);
}

void pull_remote_model(const char *ref, struct http_reply *reply)
{
	char *canonical = ref_normalize(ref);
	const struct cat_model *cm = canonical ? catalogue_find(canonical) : NULL;
	bool parsed = canonical != NULL;
	free(canonical);
	/* only not-found has a status of its own (writeModelError); the rest come back as a 500 */
	if (!parsed) {
		reply_text(reply, 500, "invalid reference format");
	} else if (!cm) {
		reply_text(reply, 404, "model not found");
	} else if (cm->http_status) {
		reply_text(reply, 500, "unauthorized: authentication required");
	} else {
		char digest[72];
		catalogue_digest(cm, digest);
		reply_json(reply, 200, pull_model_object(cm, digest, false));
	}
}

void pull_handle(struct http_req *req, struct http_reply *reply)
{
	cJSON *body = cJSON_ParseWithLength(req->body, req->body_len);
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		reply_text(reply, 400, "invalid request body");
		return;
	}
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(body, "from");
	char *canonical = cJSON_IsString(from) ? ref_normalize(from->valuestring) : NULL;
	cJSON_Delete(body);

	slot_acquire(canonical);
	const struct cat_model *cm = canonical ? catalogue_find(canonical) : NULL;
	struct fault fault;
	bool faulted = faults_check("pull", &fault);
	int status = !canonical ? 400 : !cm	  ? 404
				: cm->http_status ? cm->http_status
						  : 0;
	if (faulted && (fault.action == FAULT_STATUS || fault.action == FAULT_EXIT))
		status = (int)fault.arg;
	if (status) {
		slot_release();
		free(canonical);
		if (faulted && fault.message[0])
			reply_text(reply, status, fault.message);
		else
			reply_text(reply, status, status == 400 ? "Invalid model reference" : status == 401 ? "Unauthorized"
										      : status == 404	    ? "Model not found"
													    : http_status_text(status));
		return;
	}

	struct pull *p = xcalloc(1, sizeof(*p));
	p->slot_held = true;
	p->cm = cm;
	p->canonical = canonical;
	catalogue_digest(cm, p->digest);
	p->nlayers = cm->nlayers;
	for (int i = 0; i < cm->nlayers; i++) {
		catalogue_layer_digest(cm, i, p->layers[i].id);
		p->layers[i].size = cm->layers[i].size;
	}
	p->total = catalogue_total_size(cm);
	const char *accept = req_header(req, "Accept");
	p->json = accept && strstr(accept, "application/json");
	if (faulted)
		p->fault = fault;
	if (req->truncate && !faulted) {
		p->fault.action = FAULT_CUT;
		p->fault.arg = 50;
	}
	long pull_ms = env_long("SBXSIM_PULL_MS", 0);
	double bw = (double)env_long("SBXSIM_BANDWIDTH", 10000000000L);
	double duration_ms = pull_ms > 0 ? (double)pull_ms : (double)p->total / (bw > 0 ? bw : 1) * 1000.0;
	if (duration_ms < 1)
		duration_ms = 1;
	p->bytes_per_ms = (double)p->total / duration_ms;
	p->tick_ms = (long)(duration_ms / 10);
	p->tick_ms = p->tick_ms < 5 ? 5 : p->tick_ms > 100 ? 100
							   : p->tick_ms;

	/* A pull always asks the registry; the store only saves the download. */
	store_lock();
	cJSON *have = store_find(p->digest);
	if (have) {
		const cJSON *size = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(have, "config"), "size");
		snprintf(p->cached_size, sizeof(p->cached_size), "%s", cJSON_IsString(size) ? size->valuestring : "");
		p->phase = CACHED;
	}
	store_unlock();
	if (have)
		commit(p); /* the same digest under another tag gains this tag */
	p->last_ms = now_ms();

	reply->stream = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, p, pull_free);
	MHD_add_response_header(reply->stream, "Content-Type",
				p->json ? "application/json" : "text/plain; charset=utf-8");
	reply->status = 200;
}
