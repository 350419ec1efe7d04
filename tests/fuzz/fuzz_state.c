/*
 * libFuzzer target: what sbxapply reads back as state or from Docker Model
 * Runner's JSON answers (docs/backends.md §2, §3; docs/INTERNALS.md §5): the
 * model list (GET /models), the runtime configs (GET /engines/_configure),
 * the pull's NDJSON progress stream (every line of the input, in order, into
 * one pull), the inventory, and a saved plan (through a temporary file, as
 * `apply FILE` reads it). The first byte picks the parser. Any crash,
 * sanitizer report or leak is a finding.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/dmr/dmr.h"
#include "engine/saved_plan.h"
#include "plan/inventory.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char plan_path[4096];

static void remove_plan_file(void)
{
	if (*plan_path)
		unlink(plan_path);
}

static const char *plan_file(const char *text, size_t len)
{
	if (!*plan_path) {
		const char *tmp = getenv("TMPDIR");
		snprintf(plan_path, sizeof(plan_path), "%s/sbxapply-fuzz-plan-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		int fd = mkstemp(plan_path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_plan_file);
	}
	FILE *f = fopen(plan_path, "wb");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
		abort();
	return plan_path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	struct strbuf err = STRBUF_INIT;
	switch (data[0] % 5) {
	case 0: {
		struct dmr_model *models;
		size_t nr;
		if (dmr_parse_models(text, len, &models, &nr, &err) == 0)
			dmr_models_free(models, nr);
		/* the same bytes as one model (GET /models/{ref}?remote=true): its config.size */
		unsigned long long bytes;
		dmr_parse_remote_size(text, len, &bytes);
		break;
	}
	case 1: {
		struct dmr_runtime_config *configs;
		size_t nr;
		if (dmr_parse_configs(text, len, &configs, &nr, &err) == 0)
			dmr_configs_free(configs, nr);
		break;
	}
	case 2: {
		/* as http_transfer.c hands them over: without "\n" or "\r\n", none empty, NUL-ended */
		struct dmr_pull_progress p;
		struct strbuf line = STRBUF_INIT;
		dmr_pull_progress_init(&p);
		for (size_t at = 0; at < len;) {
			const char *nl = memchr(text + at, '\n', len - at);
			size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
			strbuf_reset(&line);
			strbuf_add(&line, text + at, n);
			if (line.len && line.buf[line.len - 1] == '\r')
				strbuf_setlen(&line, line.len - 1);
			if (line.len)
				dmr_pull_progress_line(&p, line.buf, line.len);
			at += n + 1;
		}
		strbuf_release(&line);
		dmr_pull_progress_release(&p);
		break;
	}
	case 3: {
		struct inventory inv;
		inventory_init(&inv, "fuzz");
		inventory_parse(&inv, text, len, &err);
		inventory_release(&inv);
		break;
	}
	default: {
		struct saved_plan sp;
		if (saved_plan_read(&sp, plan_file(text, len), &err) == 0)
			saved_plan_release(&sp);
		break;
	}
	}
	strbuf_release(&err);
	return 0;
}
