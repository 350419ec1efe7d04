/* sbxapply schema: the JSON Schema of sandbox.yaml, generated from the validator's tables. */
#include <stdio.h>

#include "cmd/cli.h"
#include "lang/schema.h"
#include "util/strbuf.h"

static int schema_exec(const struct cli_options *opts)
{
	struct strbuf out = STRBUF_INIT;
	if (opts->nr_args) {
		cli_error("schema takes no arguments");
		return EXIT_USAGE;
	}
	schema_to_json(&out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	return EXIT_OK;
}

const struct cmd_entry cmd_schema_entry = {
	.name = "schema",
	.summary = "print the JSON Schema of sandbox.yaml (for editors)",
	.usage = "sbxapply schema",
	.help = "Prints the JSON Schema (2020-12) that the validator itself enforces. Point\n"
		"yaml-language-server at it for completion and hover:\n"
		"  # yaml-language-server: $schema=path/to/sandbox.schema.json\n",
	.options = 0,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE),
	.exec = schema_exec,
};
