/*
 * sbx_release: the one table of sbx releases.  Every behaviour of the
 * simulated sbx that changes between releases is a feature here, with the
 * first release that has it and, when it went away, the last one.  The
 * command tree (sbx_cmds_*.c), the flag parser, the help printer and the
 * command handlers only ever ask sbx_has(); no other code compares
 * version numbers.  `sbxsim sbx-releases` prints the table (README.md
 * carries that output).
 */
#ifndef SBXSIM_SBX_RELEASE_H
#define SBXSIM_SBX_RELEASE_H

#include <stdbool.h>
#include <stdio.h>

/* Versions are minor*100+patch: every sbx release is 0.x.y. */
#define SBXV(minor, patch) ((minor)*100 + (patch))
#define SBXV_ANY 0	   /* first: since the oldest release */
#define SBXV_LATEST 999999 /* last: still present */

enum sbx_feature {
	F_ALWAYS = 0, /* no gate */
	F_VERSION_ONE_LINE,
	F_VERSION_JSON,
	F_GLOBAL_CLOUD,
	F_GLOBAL_NO_INPUT,
	F_ROOT_USAGE_COMMAND,
	F_CMD_CP_DIAGNOSE,
	F_CMD_KIT,
	F_KIT_EXPERIMENTAL,
	F_LOGOUT_STOPS,
	F_CMDS_CLOUD_ERA,
	F_UNKNOWN_COMMAND_ERROR,
	F_NOT_FOUND_NEW,
	F_LS_ID,
	F_LS_LAST_USED,
	F_LS_CREATED_RESOURCES,
	F_POLICY_SET_DEFAULT,
	F_POLICY_SET_DEFAULT_VISIBLE,
	F_POLICY_INIT,
	F_RULES_GLOBAL_ONLY,
	F_RULES_POSITIONAL_SCOPE,
	F_RULES_SANDBOX_FLAG,
	F_RULES_G_DEPRECATED,
	F_POLICY_LS_SANDBOX_ARG,
	F_POLICY_LS_OLD_TABLE,
	F_POLICY_LS_HIDES_PRESET,
	F_KIT_RULES_BLUEPRINT,
	F_POLICY_V2,
	F_POLICY_JSON_RULES,
	F_POLICY_JSON_POLICIES,
	F_DENY_BESIDE_ALLOW_REFUSED,
	F_RM_CONFIRM,
	F_RM_IN_USE,
	F_RM_DECLINE_FAILS,
	F_SECRET_SET_V2,
	F_SECRET_RM_V2,
	F_SECRET_LS_EMPTY_LINE,
	F_SECRET_AWS,
	F_SECRET_OPENROUTER,
	F_SECRET_COPILOT_DEVIN,
	F_SECRET_IMPORT,
	F_RUN_NAME_FLAG,
	F_CREATE_ENV,
	F_CREATE_PATH_OPTIONAL,
	F_NAME_MAX_63,
	F_CREATE_EXISTS_HINT,
	F_BRANCH_REMOVED,
	F_AGENT_DEVIN,
	F_AGENT_GEMINI,
	F_FEATURE_COUNT
};

/* How sure the row is: seen in a sample or release note, a range guessed
 * from a reference whose release is inferred, or made up for testing. */
enum sbx_certainty {
	SBX_CONFIRMED,
	SBX_NOT_CONFIRMED,
	SBX_INVENTED,
};

struct sbx_feature_row {
	enum sbx_feature id;
	const char *key;
	int first; /* SBXV(); SBXV_ANY: since the oldest release */
	int last;  /* SBXV(minor, 99) for "through v0.minor.x"; SBXV_LATEST */
	enum sbx_certainty certainty;
	const char *what;
	const char *source;
};

/* The table, in enum order (row i has id i+1). */
const struct sbx_feature_row *sbx_feature_rows(int *n);
bool sbx_feature_on(int version, enum sbx_feature f);

/* "0.N.M", "v0.N.M", "0.N", "v0.N.M-rc3", "old" (v0.31.2), "new" (v0.45.1).
 * Returns the version, or -1 when s is none of these. */
int sbx_version_parse(const char *s);
/* The commit sha sbx prints after its version: the real one where a
 * sample shows it, else 40 hex digits derived from the version. */
void sbx_version_sha(int version, char out[41]);

/* The releases the tests walk through (the brief's matrix), ending in 0. */
extern const int sbx_test_releases[];

/* `sbxsim sbx-releases`: the table as markdown. */
void sbx_releases_print(FILE *out);

#endif
