/*
 * sbx_release: the release table (see sbx_release.h).  Sources are URLs:
 * sbx-releases issues (SBXI) and release notes (SBXRN), the CLI reference
 * at a docker/docs commit (DOCS), with the tests/conformance/sbx sample
 * taken from it in parentheses, or a section of docs/backends.md.  A
 * reference commit does not name its release: the range is inferred from
 * the features it shows, so a row built on one alone is "not confirmed".
 */
#include "sbx_release.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define THROUGH(minor) SBXV(minor, 99)
#define SBXI(n) "https://github.com/docker/sbx-releases/issues/" n
#define SBXRN(v) "https://github.com/docker/sbx-releases/releases/tag/" v
#define DOCS(commit, file) "https://github.com/docker/docs/blob/" commit "/data/sbx_cli/" file
#define C2B "c2b0924002e879e259a9b045e72984bd54a37ce9"
#define C00B "00ba4d322d759865bef479ee75c1ec98c8d65a86"
#define C1A4 "1a420e15241a153988c2e9de01b7e741cf65553d"
#define C115 "115f1ded43310f06ddd4c4352eb0782003be1ec1"
#define C15A "15a77801f46de3ca752d65028d400b0a198ba628"
#define C8E9 "8e93f5b2aeeaf92f3e043b29f25cf748d294cd6a"

static const struct sbx_feature_row rows[] = {
	{ F_VERSION_ONE_LINE, "version-one-line", SBXV(32, 0), SBXV_LATEST, SBX_CONFIRMED,
	  "`sbx version` prints `sbx version: vX SHA` (with -D, and before: `Client Version:  vX SHA` + `Server Version:  vX SHA|Unavailable`)",
	  SBXI("94") " (version@v0.28.1.txt), " SBXI("258") " (version@v0.33.0-inline.txt), " SBXRN("v0.32.0") },
	{ F_VERSION_JSON, "version-json", SBXV(42, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`sbx version --json` (shape invented)",
	  DOCS(C2B, "sbx_version.yaml") " (absent at 1a420e1)" },
	{ F_GLOBAL_CLOUD, "global-cloud", SBXV(42, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "global `--cloud`, `--cloud-api-url` (cloud itself is not simulated)",
	  DOCS(C2B, "sbx.yaml") },
	{ F_GLOBAL_NO_INPUT, "global-no-input", SBXV(54, 0), SBXV_LATEST, SBX_INVENTED,
	  "global `--no-input` (backends.md §6: between v0.48 and v0.53, not confirmed; v0.54 here so probe-based clients can be tested both ways)",
	  "docs/backends.md §6; no reference shows it: " SBXI("422") },
	{ F_ROOT_USAGE_COMMAND, "root-usage-command", SBXV(42, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "root help Usage line `sbx COMMAND` (before: `sbx`)",
	  DOCS(C2B, "sbx.yaml") " vs " DOCS(C115, "sbx.yaml") },
	{ F_CMD_CP_DIAGNOSE, "cmd-cp-diagnose", SBXV(27, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`cp` and `diagnose` commands listed",
	  DOCS(C15A, "sbx.yaml") " vs " DOCS(C8E9, "sbx.yaml") },
	{ F_CMD_KIT, "cmd-kit", SBXV(29, 0), SBXV_LATEST, SBX_CONFIRMED, "`kit` command listed (unhidden)",
	  SBXRN("v0.29.0") ", https://github.com/GSA-TTS/agentic-coding-quickstart/issues/111" },
	{ F_KIT_EXPERIMENTAL, "kit-experimental", SBXV(32, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`kit` short text starts `(Experimental)`",
	  "https://github.com/docker/docs/pull/25278" },
	{ F_LOGOUT_STOPS, "logout-stops", SBXV(29, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`logout` short text `Stop all running sandboxes and sign out of Docker`",
	  DOCS(C115, "sbx.yaml") " vs " DOCS(C15A, "sbx.yaml") },
	{ F_CMDS_CLOUD_ERA, "cmds-cloud-era", SBXV(42, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "attach, daemon, env, mcp, move, prune, setup, skills, ttl, tui, volume listed (not simulated)",
	  DOCS(C2B, "sbx.yaml") },
	{ F_UNKNOWN_COMMAND_ERROR, "unknown-command-error", SBXV(39, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "unknown command: `ERROR: unknown command \"x\" for \"sbx\"`, exit 1 (before: help, exit 0)",
	  SBXRN("v0.39.0") },
	{ F_NOT_FOUND_NEW, "not-found-new", SBXV(42, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "missing sandbox: `ERROR: sandbox 'x' not found` (before: `ERROR: no sandbox named 'x'` + `To create one:` hint)",
	  SBXI("504") " (error-exec-no-sandbox@unknown-i504.txt), " SBXRN("v0.42.0") },
	{ F_LS_ID, "ls-id", SBXV(33, 0), SBXV_LATEST, SBX_NOT_CONFIRMED, "`ls --json` rows add `id`",
	  SBXI("201") " (v0.31.3 rows), docs/backends.md §6" },
	{ F_LS_LAST_USED, "ls-last-used", SBXV(43, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`ls --json` rows add `last_used_at` (key name invented)",
	  "docs/backends.md §6" },
	{ F_LS_CREATED_RESOURCES, "ls-created-resources", SBXV(45, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`ls --json` rows add `created_at`, `cpus`, `memory` (key names invented)",
	  "docs/backends.md §6" },
	{ F_POLICY_SET_DEFAULT, "policy-set-default", SBXV_ANY, THROUGH(38), SBX_CONFIRMED,
	  "`sbx policy set-default P` (from v0.34 a hidden deprecated alias of `init`)",
	  SBXI("126") ", https://github.com/docker/docs/pull/25455" },
	{ F_POLICY_SET_DEFAULT_VISIBLE, "policy-set-default-visible", SBXV_ANY, THROUGH(33), SBX_CONFIRMED,
	  "`set-default` listed in `sbx policy --help`",
	  SBXRN("v0.34.0") },
	{ F_POLICY_INIT, "policy-init", SBXV(34, 0), SBXV_LATEST, SBX_CONFIRMED, "`sbx policy init P`",
	  SBXRN("v0.34.0") ", " DOCS(C2B, "sbx_policy.yaml") },
	{ F_RULES_GLOBAL_ONLY, "rules-global-only", SBXV_ANY, THROUGH(28), SBX_CONFIRMED,
	  "`policy allow|deny network RESOURCES`: global only",
	  SBXI("126") ", " SBXRN("v0.29.0") },
	{ F_RULES_POSITIONAL_SCOPE, "rules-positional-scope", SBXV(29, 0), THROUGH(31), SBX_CONFIRMED,
	  "rule scope `[-g | SANDBOX] RESOURCES` (one of them required)",
	  DOCS(C1A4, "sbx_policy_allow_network.yaml") ", " SBXRN("v0.29.0") },
	{ F_RULES_SANDBOX_FLAG, "rules-sandbox-flag", SBXV(32, 0), SBXV_LATEST, SBX_CONFIRMED,
	  "rule scope: bare = global, `--sandbox NAME`",
	  DOCS(C2B, "sbx_policy_allow_network.yaml") ", " SBXRN("v0.32.0") },
	{ F_RULES_G_DEPRECATED, "rules-g-deprecated", SBXV(32, 0), THROUGH(37), SBX_INVENTED,
	  "`-g` still accepted, hidden, warning `Flag --global has been deprecated, ...` on stderr",
	  "docs/backends.md §6 (\"for a while\")" },
	{ F_POLICY_LS_SANDBOX_ARG, "policy-ls-sandbox-arg", SBXV(29, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`sbx policy ls [SANDBOX]`",
	  DOCS(C00B, "sbx_policy_ls.yaml") },
	{ F_POLICY_LS_OLD_TABLE, "policy-ls-old-table", SBXV_ANY, THROUGH(34), SBX_CONFIRMED,
	  "`policy ls`: `NAME TYPE ORIGIN DECISION STATUS RESOURCES`, blank line between rules",
	  SBXI("72") ", " SBXI("78") ", " SBXI("126") },
	{ F_POLICY_LS_HIDES_PRESET, "policy-ls-hides-preset", SBXV_ANY, THROUGH(28), SBX_CONFIRMED,
	  "`policy ls` hides the `default-*` rows once a user (or kit) allow rule exists",
	  SBXI("126") " (policy-ls@v0.28.3-user-rule.txt), " SBXI("72") },
	{ F_KIT_RULES_BLUEPRINT, "kit-rules-blueprint", SBXV_ANY, THROUGH(28), SBX_NOT_CONFIRMED,
	  "old table names kit rules `blueprint:POLICY` (later `kit:POLICY`)",
	  SBXI("72") },
	{ F_POLICY_V2, "policy-v2", SBXV(35, 0), SBXV_LATEST, SBX_CONFIRMED,
	  "`policy ls` = `POLICY SOURCE APPLIES TO SUMMARY`; `--wide`, `--json`, filters; `policy check`, `inspect`; filesystem rules",
	  "https://github.com/docker/docs/pull/25535, " SBXI("588") },
	{ F_POLICY_JSON_RULES, "policy-json-rules", SBXV(35, 0), THROUGH(41), SBX_INVENTED,
	  "`policy ls --json` = `{\"rules\":[...]}`",
	  "docs/backends.md §7 (shape undocumented)" },
	{ F_POLICY_JSON_POLICIES, "policy-json-policies", SBXV(42, 0), SBXV_LATEST, SBX_INVENTED,
	  "`policy ls --json` = `{\"policies\":[{\"id\",\"name\",\"source\",\"rules\":[...]}]}`",
	  "docs/backends.md §7 (shape undocumented), " SBXI("290") " (works in v0.42.1)" },
	{ F_DENY_BESIDE_ALLOW_REFUSED, "deny-beside-allow-refused", SBXV(42, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`policy deny network` of a resource that has an allow rule at the same scope fails (`conflicts with existing "
	  "allow rule`; the words around that quote are sbxsim's own)",
	  SBXI("610") " (v0.42.1 and v0.45.0; earlier releases not known)" },
	{ F_RM_CONFIRM, "rm-confirm", SBXV(29, 0), SBXV_LATEST, SBX_CONFIRMED,
	  "`rm` asks for confirmation; `-f/--force`, `--all`; no TTY and no `-f`: exit 1",
	  SBXRN("v0.29.0") ", " DOCS(C1A4, "sbx_rm.yaml") },
	{ F_RM_IN_USE, "rm-in-use", SBXV(35, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`rm` refuses a sandbox in use unless `--force`",
	  DOCS(C2B, "sbx_rm.yaml") ", docs/backends.md §6" },
	{ F_RM_DECLINE_FAILS, "rm-decline-fails", SBXV(45, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "declining the `rm` prompt exits 1 (before: 0)",
	  "docs/backends.md §6" },
	{ F_SECRET_SET_V2, "secret-set-v2", SBXV(38, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`secret set SERVICE [--sandbox S]`, global by default; `-g` and `SANDBOX SERVICE` warn",
	  SBXRN("v0.38.0") ", " DOCS(C2B, "sbx_secret_set.yaml") },
	/* rm's change is its own row: the reference pages show only the positional form */
	{ F_SECRET_RM_V2, "secret-rm-v2", SBXV(39, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`secret rm SERVICE [--sandbox S]`; asks `Delete selected secret? (y/N)`, prints `Deleted secret for service "
	  "\"S\" in scope \"C\"`",
	  SBXI("555") " (v0.39.0; the release it came in is not known)" },
	{ F_SECRET_LS_EMPTY_LINE, "secret-ls-empty-line", SBXV(39, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "`secret ls` of a scope with no secrets prints `No secrets found for scope \"S\".` (unscoped: `No secrets "
	  "found.`, invented)",
	  SBXI("518") " (v0.39.0; secret-ls-empty@v0.39.0-i518.txt)" },
	{ F_SECRET_AWS, "secret-aws", SBXV_ANY, THROUGH(37), SBX_NOT_CONFIRMED, "secret service `aws`",
	  DOCS(C00B, "sbx_secret_set.yaml") " (gone at c2b0924)" },
	{ F_SECRET_OPENROUTER, "secret-openrouter", SBXV(38, 0), SBXV_LATEST, SBX_NOT_CONFIRMED, "secret service `openrouter`",
	  DOCS(C2B, "sbx_secret_set.yaml") },
	{ F_SECRET_COPILOT_DEVIN, "secret-copilot-devin", SBXV(42, 0), SBXV_LATEST, SBX_NOT_CONFIRMED,
	  "secret services `copilot`, `devin`",
	  DOCS(C2B, "sbx_secret_set.yaml") },
	{ F_SECRET_IMPORT, "secret-import", SBXV(35, 0), SBXV_LATEST, SBX_NOT_CONFIRMED, "`secret import` listed (not simulated)",
	  "docs/backends.md §10" },
	{ F_RUN_NAME_FLAG, "run-name-flag", SBXV(33, 0), SBXV_LATEST, SBX_CONFIRMED,
	  "`run --name NAME` re-attaches; `run NAME` warns `WARN: ...deprecated...` on stderr",
	  SBXRN("v0.33.0") ", " DOCS(C2B, "sbx_run.yaml") },
	{ F_CREATE_ENV, "create-env", SBXV(39, 0), SBXV_LATEST, SBX_CONFIRMED, "`create`/`run` `-e KEY=VALUE`, `--env-file F`",
	  SBXRN("v0.39.0") ", https://github.com/GSA-TTS/agentic-coding-quickstart/issues/104" },
	{ F_CREATE_PATH_OPTIONAL, "create-path-optional", SBXV(42, 0), SBXV_LATEST, SBX_CONFIRMED, "`create AGENT` without a workspace path",
	  DOCS(C2B, "sbx_create.yaml") },
	{ F_NAME_MAX_63, "name-max-63", SBXV(43, 0), SBXV_LATEST, SBX_NOT_CONFIRMED, "sandbox names at most 63 characters",
	  SBXRN("v0.43.0") },
	{ F_CREATE_EXISTS_HINT, "create-exists-hint", SBXV(33, 0), SBXV_LATEST, SBX_CONFIRMED,
	  "name clash: `ERROR: sandbox \"X\" already exists for this workspace; use 'sbx run --name X' ...`",
	  SBXI("127") },
	{ F_BRANCH_REMOVED, "branch-removed", SBXV(31, 0), SBXV_LATEST, SBX_CONFIRMED,
	  "`--branch` fails `ERROR: --branch is no longer supported; use --clone instead`; `--clone`",
	  "https://github.com/docker/docs/blob/bff8c58e80c628a594a5fd5917d883faf6ead37e/content/manuals/ai/sandboxes/release-notes.md" },
	{ F_AGENT_DEVIN, "agent-devin", SBXV(42, 0), SBXV_LATEST, SBX_NOT_CONFIRMED, "agent `devin`",
	  DOCS(C2B, "sbx_create.yaml") },
	{ F_AGENT_GEMINI, "agent-gemini", SBXV_ANY, THROUGH(52), SBX_NOT_CONFIRMED, "agent `gemini` (retired in v0.53)",
	  "docs/backends.md §8" },
};

const int sbx_test_releases[] = { SBXV(28, 3), SBXV(31, 2), SBXV(33, 0), SBXV(35, 0), SBXV(38, 0),
				  SBXV(42, 1), SBXV(45, 1), SBXV(54, 1), 0 };

const struct sbx_feature_row *sbx_feature_rows(int *n)
{
	*n = (int)(sizeof(rows) / sizeof(rows[0]));
	return rows;
}

bool sbx_feature_on(int version, enum sbx_feature f)
{
	if (f == F_ALWAYS)
		return true;
	const struct sbx_feature_row *r = &rows[f - 1];
	return version >= r->first && version <= r->last;
}

int sbx_version_parse(const char *s)
{
	if (!s || !*s)
		return -1;
	if (strcmp(s, "old") == 0)
		return SBXV(31, 2);
	if (strcmp(s, "new") == 0)
		return SBXV(45, 1);
	if (*s == 'v')
		s++;
	int major, minor, patch = 0, used = 0;
	if (sscanf(s, "%d.%d%n", &major, &minor, &used) != 2 || major != 0 || minor < 0 || minor > 9000)
		return -1;
	s += used;
	if (*s == '.') {
		int more = 0;
		if (sscanf(s, ".%d%n", &patch, &more) != 1 || patch < 0 || patch > 98)
			return -1;
		s += more;
	}
	if (*s && *s != '-' && *s != '+')
		return -1;
	return SBXV(minor, patch);
}

void sbx_version_sha(int version, char out[41])
{
	/* Shas printed in samples and issues (tests/conformance/sbx, docs/backends.md §7). */
	static const struct {
		int v;
		const char *sha;
	} known[] = {
		{ SBXV(28, 1), "6b6f865a55ab14e34abc1369cb2aaefae9a59b16" },
		{ SBXV(31, 3), "8f15ed5dfabbdc512da2bbec59ff723da9390f64" },
		{ SBXV(33, 0), "d7da69cb30eb3000c4d4ef0c848ffe84f32058bf" },
		{ SBXV(35, 0), "01e01520456e4126a9653471e7072e4d9b280321" },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].v == version) {
			memcpy(out, known[i].sha, 41);
			return;
		}
	char seed[32], digest[72];
	snprintf(seed, sizeof(seed), "sbx v0.%d.%d", version / 100, version % 100);
	fake_digest(digest, seed);
	memcpy(out, digest + 7, 40);
	out[40] = '\0';
}

static void print_version(FILE *out, int v, bool first)
{
	if (first && v == SBXV_ANY)
		fputs("-", out);
	else if (!first && v == SBXV_LATEST)
		fputs("-", out);
	else if (!first && v % 100 == 99)
		fprintf(out, "v0.%d.x", v / 100);
	else
		fprintf(out, "v0.%d.%d", v / 100, v % 100);
}

/* Markdown table cells: a literal '|' must be escaped. */
static void put_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

void sbx_releases_print(FILE *out)
{
	static const char *cert[] = { "yes", "not confirmed", "**invented**" };
	fputs("| feature | first | last | confirmed | behaviour | source |\n|---|---|---|---|---|---|\n", out);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct sbx_feature_row *r = &rows[i];
		fprintf(out, "| `%s` | ", r->key);
		print_version(out, r->first, true);
		fputs(" | ", out);
		print_version(out, r->last, false);
		fprintf(out, " | %s | ", cert[r->certainty]);
		put_cell(out, r->what);
		fputs(" | ", out);
		put_cell(out, r->source);
		fputs(" |\n", out);
	}
}
