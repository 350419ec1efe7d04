/*
 * libFuzzer target: the whole front end (libyaml loader, merge keys and aliases,
 * interpolation, validation, config building, diagnostic printing) on
 * arbitrary bytes. Any crash, sanitizer report, leak or hang is a finding.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lang/config.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fixed_env(void *ctx, const char *name)
{
	(void)ctx;
	if (!strcmp(name, "SET"))
		return "value";
	if (!strcmp(name, "EMPTY"))
		return "";
	if (!strcmp(name, "NUM"))
		return "4096";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct config cfg;
	struct diag_list diags = DIAG_LIST_INIT;
	struct config_options opts = { .getenv = fixed_env };
	if (!sink)
		sink = fopen("/dev/null", "w");
	config_parse(&cfg, "fuzz.yaml", "/nonexistent-sbxapply-fuzz", (const char *)data, size, &opts, &diags);
	if (sink)
		diag_list_print(&diags, sink, false);
	diag_list_release(&diags);
	config_release(&cfg);
	return 0;
}
