/*
 * libFuzzer target: everything sbxapply parses from the sbx CLI's output,
 * which has no documented schema and changes between versions (docs/backends.md
 * §7): version lines, sandbox lists, policy tables and JSON in every
 * format, secret lists, cobra help pages with the capabilities read from
 * them and the cache's form of those, and the env block read back from a
 * sandbox. The first
 * byte picks the parser. Any crash, sanitizer report or leak is a finding.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "backends/sbx/sbx_caps.h"
#include "backends/sbx/sbx_env.h"
#include "backends/sbx/sbx_help.h"
#include "backends/sbx/sbx_parse.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	struct strbuf err = STRBUF_INIT;
	switch (data[0] % 7) {
	case 0: {
		char *nul_ended = malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			nul_ended[i] = text[i] ? text[i] : ' ';
		nul_ended[len] = '\0';
		int major, minor, patch;
		struct sbx_caps caps;
		if (sbx_parse_version(nul_ended, &major, &minor, &patch) == 0)
			sbx_caps_from_table(&caps, major, minor, patch);
		if (sbx_caps_decode(&caps, nul_ended) == 0)
			sbx_caps_encode(&caps, &err);
		free(nul_ended);
		break;
	}
	case 1: {
		struct sbx_sandbox *list;
		size_t nr;
		if (sbx_parse_sandboxes(text, len, &list, &nr, &err) == 0)
			sbx_sandboxes_free(list, nr);
		break;
	}
	case 2:
	case 3: {
		struct sbx_rule *list;
		size_t nr;
		enum sbx_policy_format format = (enum sbx_policy_format)(data[0] / 7 % 3);
		if (sbx_parse_rules(text, len, format, &list, &nr, &err) == 0)
			sbx_rules_free(list, nr);
		break;
	}
	case 4: {
		struct sbx_secret *list;
		size_t nr;
		if (sbx_parse_secrets(text, len, &list, &nr, &err) == 0)
			sbx_secrets_free(list, nr);
		break;
	}
	case 5: {
		struct sbx_help help;
		if (sbx_help_parse(text, len, &help) == 0) {
			struct sbx_caps caps;
			sbx_caps_from_table(&caps, 0, 45, 0);
			for (int p = 0; p < SBX_NR_PROBES; p++)
				sbx_caps_apply_help(&caps, (enum sbx_probe)p, &help);
			sbx_help_release(&help);
		}
		break;
	}
	default: {
		struct sbx_env_var *vars;
		size_t nr, malformed;
		sbx_env_parse_block(text, len, &vars, &nr, &malformed);
		sbx_env_vars_free(vars, nr);
		break;
	}
	}
	strbuf_release(&err);
	return 0;
}
