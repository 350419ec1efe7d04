/*
 * The runner's answers that need no request to read: a pull's NDJSON
 * progress stream line by line (docs/backends.md §3) and config.size, of a
 * listed model or of a remote one (§2). Pure, for dmr.c, the tests and the
 * fuzzers.
 */
#include "dmr.h"

#include <ctype.h>
#include <limits.h>
#include <math.h> /* isfinite: a macro, no libm */
#include <stdlib.h>
#include <string.h>

#include "io/json.h"
#include "util/xalloc.h"

void dmr_pull_progress_init(struct dmr_pull_progress *p)
{
	memset(p, 0, sizeof(*p));
	strbuf_init(&p->error);
}

void dmr_pull_progress_release(struct dmr_pull_progress *p)
{
	for (size_t i = 0; i < p->nr_layers; i++)
		free(p->layer_ids[i]);
	free(p->layer_ids);
	free(p->layer_done);
	strbuf_release(&p->error);
}

int dmr_pull_progress_line(struct dmr_pull_progress *p, const char *line, size_t len)
{
	cJSON *ev = json_parse(line, len);
	const char *type = json_string(ev, "type");
	int progress = 0;
	if (!type) {
		cJSON_Delete(ev);
		return 0; /* tolerate lines we do not understand */
	}
	if (!strcmp(type, "error")) {
		const char *msg = json_string(ev, "message");
		strbuf_addstr(&p->error, msg ? msg : "the runner reported an error");
	} else if (!strcmp(type, "success")) {
		p->success = true;
	} else if (!strcmp(type, "progress")) {
		long long total = json_int(ev, "total", 0);
		const cJSON *layer = json_object(ev, "layer");
		const char *lid = json_string(layer, "id");
		if (total > 0)
			p->total = total;
		if (lid) {
			size_t i = 0;
			while (i < p->nr_layers && strcmp(p->layer_ids[i], lid))
				i++;
			if (i == p->nr_layers) {
				XGROW(p->layer_ids, p->alloc_ids, i + 1);
				XGROW(p->layer_done, p->alloc_done, i + 1);
				p->layer_ids[i] = xstrdup(lid);
				p->nr_layers++;
			}
			long long current = json_int(layer, "current", 0);
			p->layer_done[i] = current > 0 ? current : 0;
		}
		/* saturated: the runner's numbers could overflow the sum */
		long long done = 0;
		for (size_t i = 0; i < p->nr_layers; i++)
			done = p->layer_done[i] > LLONG_MAX - done ? LLONG_MAX : done + p->layer_done[i];
		p->done = done;
		progress = 1;
	}
	cJSON_Delete(ev);
	return progress;
}

/*
 * The runner writes sizes with go-units: BytesSize ("14.17 GiB", binary) in
 * its listings, and HumanSize ("4.1GB", decimal) in places; both read here.
 */
int dmr_parse_size(const char *text, unsigned long long *bytes)
{
	static const char prefixes[] = "kmgtp";
	char *end;
	if (!text || !isdigit((unsigned char)*text))
		return -1;
	double n = strtod(text, &end);
	while (*end == ' ')
		end++;
	double unit = 1;
	const char *p = *end ? strchr(prefixes, tolower((unsigned char)*end)) : NULL;
	if (p) {
		bool binary = end[1] == 'i';
		for (const char *q = prefixes; q <= p; q++)
			unit *= binary ? 1024 : 1000;
		end += binary ? 2 : 1;
	}
	if (*end == 'B')
		end++;
	else if (p || *end)
		return -1; /* "14 G" is not a size the runner writes; "512" is */
	if (*end || !isfinite(n) || n * unit >= 18e18)
		return -1;
	*bytes = (unsigned long long)(n * unit + 0.5);
	return 0;
}

int dmr_parse_remote_size(const char *text, size_t len, unsigned long long *bytes)
{
	cJSON *body = json_parse(text, len);
	int rc = dmr_parse_size(json_string(json_object(body, "config"), "size"), bytes);
	cJSON_Delete(body);
	return rc;
}
