/*
 * Tests for the pure parts of the sbx adapter (backends/sbx/sbx_parse.h,
 * backends/sbx/sbx_env.h) against docs/backends.md §6, §7 and §11: the version
 * line and the capability table, `sbx ls` JSON behind a banner, `sbx policy ls`
 * in its three formats (the §7 --wide sample included, blank lines and
 * "APPLIES TO"), `sbx secret ls`, and the env block: quoting, building and
 * reading back. The plans the sbx kinds make are in check_sbx_plan.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "backends/sbx/sbx_env.h"
#include "backends/sbx/sbx_help.h"
#include "backends/sbx/sbx_parse.h"

/* ---- version and capabilities ---- */

START_TEST(version_lines)
{
	int a, b, c;
	ck_assert_int_eq(sbx_parse_version("Client Version:  v0.26.1 4f1c2e9\n", &a, &b, &c), 0);
	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(b, 26);
	ck_assert_int_eq(c, 1);
	ck_assert_int_eq(sbx_parse_version("Starting sandboxd daemon...\nClient Version:  v0.45.1 9b3d7a0\n", &a, &b, &c), 0);
	ck_assert_int_eq(b, 45);
	ck_assert_int_eq(c, 1);
	/* the sha after the version never counts, even when it starts with digits */
	ck_assert_int_eq(sbx_parse_version("Client Version:  v0.31.2 1234567\n", &a, &b, &c), 0);
	ck_assert_int_eq(b, 31);
	ck_assert_int_eq(c, 2);
	ck_assert_int_eq(sbx_parse_version("sbx 1.2\n", &a, &b, &c), 0);
	ck_assert_int_eq(a, 1);
	ck_assert_int_eq(b, 2);
	ck_assert_int_eq(c, 0);
	ck_assert_int_eq(sbx_parse_version("sbx version: v0.45.1 9b3d7a0\n", &a, &b, &c), 0);
	ck_assert_int_eq(b, 45);
	ck_assert_int_eq(c, 1);
	/* a line before the labelled one (a warning naming another version) is not taken */
	ck_assert_int_eq(sbx_parse_version("WARNING: config 2.1 is deprecated\nsbx version: v0.45.1 9b3d7a0\n", &a, &b, &c), 0);
	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(b, 45);
	ck_assert_int_eq(sbx_parse_version("command not found\n", &a, &b, &c), -1);
	ck_assert_int_eq(sbx_parse_version("", &a, &b, &c), -1);
}
END_TEST

static struct sbx_caps table(int minor)
{
	struct sbx_caps caps;
	sbx_caps_from_table(&caps, 0, minor, 0);
	return caps;
}

/* The dated table (docs/backends.md §6): what a release is taken to accept when its help says nothing. */
START_TEST(release_table)
{
	struct sbx_caps c = table(28);
	ck_assert_int_eq(c.rule_scope, SBX_SCOPE_GLOBAL_ONLY);
	ck_assert(!c.rm_force && !c.policy_init && c.ls_json && !c.no_input);
	ck_assert_int_eq(c.policy_list, SBX_POLICY_TABLE_OLD);
	c = table(29);
	ck_assert_int_eq(c.rule_scope, SBX_SCOPE_POSITIONAL);
	ck_assert(c.rm_force);
	c = table(32);
	ck_assert_int_eq(c.rule_scope, SBX_SCOPE_FLAG);
	ck_assert(!c.run_name && !c.policy_init);
	c = table(33);
	ck_assert(c.run_name && !c.policy_init);
	c = table(34);
	ck_assert(c.policy_init);
	ck_assert_int_eq(c.policy_list, SBX_POLICY_TABLE_OLD);
	c = table(35);
	ck_assert_int_eq(c.policy_list, SBX_POLICY_WIDE); /* real samples, where the JSON has no documented shape */
	ck_assert(c.policy_ls_wide);
	ck_assert_int_eq(c.secret_scope, SBX_SECRET_POSITIONAL);
	c = table(38);
	ck_assert_int_eq(c.secret_scope, SBX_SECRET_FLAG);
	ck_assert_int_eq(c.secret_rm_scope, SBX_SECRET_POSITIONAL); /* rm's --sandbox: seen in v0.39.0 */
	c = table(39);
	ck_assert_int_eq(c.secret_rm_scope, SBX_SECRET_FLAG);
	/* --no-input is in no release the public reference shows: only a help page turns it on */
	for (int m = 26; m <= 60; m++)
		ck_assert(!table(m).no_input);
	struct sbx_caps future;
	sbx_caps_from_table(&future, 1, 0, 0);
	ck_assert_int_eq(future.rule_scope, SBX_SCOPE_FLAG);
	ck_assert_int_eq(future.major, 1);
}
END_TEST

/* The cache's one-line form reads back to the same capabilities, and nonsense is refused. */
START_TEST(caps_encode_round_trip)
{
	struct sbx_caps c = table(31), back;
	c.no_input = true;
	c.from_help = 0x1a5;
	c.patch = 7;
	struct strbuf sb = STRBUF_INIT;
	sbx_caps_encode(&c, &sb);
	ck_assert_int_eq(sbx_caps_decode(&back, sb.buf), 0);
	ck_assert_mem_eq(&c, &back, sizeof(c));
	ck_assert_int_eq(sbx_caps_decode(&back, "version=0.31.0"), -1);
	strbuf_reset(&sb);
	sbx_caps_encode(&c, &sb);
	char *bad = strstr(sb.buf, "rule_scope=");
	bad[strlen("rule_scope=")] = '9';
	ck_assert_int_eq(sbx_caps_decode(&back, sb.buf), -1);
	/* a cache from before --wide was preferred over --json reads as --wide where the release has it */
	c = table(45);
	c.policy_list = SBX_POLICY_JSON;
	strbuf_reset(&sb);
	sbx_caps_encode(&c, &sb);
	ck_assert_int_eq(sbx_caps_decode(&back, sb.buf), 0);
	ck_assert_int_eq(back.policy_list, SBX_POLICY_WIDE);
	c.policy_ls_wide = false; /* a --json-only sbx (none known) keeps it */
	strbuf_reset(&sb);
	sbx_caps_encode(&c, &sb);
	ck_assert_int_eq(sbx_caps_decode(&back, sb.buf), 0);
	ck_assert_int_eq(back.policy_list, SBX_POLICY_JSON);
	strbuf_release(&sb);
}
END_TEST

/* ---- help pages ---- */

/* cobra's layout, read tolerantly: sections in any order, short and long forms, prose and unknown lines ignored */
START_TEST(help_pages_read_tolerantly)
{
	const char *page = "Some prose: with a colon.\n"
			   "Flags:\n"
			   "      --sandbox string   Scope the rule (default: all sandboxes)\n"
			   "  -g, --global   Apply globally\n"
			   "  -f             only a short form\n"
			   "  -h, --help     help for network\n"
			   "      --env=KEY=VALUE   written with =\n"
			   "\n"
			   "Examples:\n"
			   "  sbx policy allow network --not-a-flag x\n"
			   "\n"
			   "Usage:\n"
			   "  sbx policy allow network [-g | SANDBOX] RESOURCES [flags]\n"
			   "\n"
			   "Available Commands:\n"
			   "  init        Initialize the global network policy\n"
			   "  ls          List\n"
			   "\n"
			   "Global Flags:\n"
			   "  -D, --debug   Enable debug logging\n"
			   "      --no-input   Never prompt\n";
	struct sbx_help h;
	ck_assert_int_eq(sbx_help_parse(page, strlen(page), &h), 0);
	ck_assert(sbx_help_has_flag(&h, "--sandbox") && sbx_help_has_flag(&h, "-g") && sbx_help_has_flag(&h, "--global"));
	ck_assert(sbx_help_has_flag(&h, "-f") && sbx_help_has_flag(&h, "--env"));
	ck_assert(sbx_help_has_flag(&h, "--no-input") && sbx_help_has_flag(&h, "-D"));
	ck_assert(!sbx_help_has_flag(&h, "--not-a-flag")); /* an example is not a flag */
	ck_assert(!sbx_help_has_flag(&h, "string"));
	ck_assert(sbx_help_has_command(&h, "init") && sbx_help_has_command(&h, "ls"));
	ck_assert(!sbx_help_has_command(&h, "Initialize"));
	ck_assert(sbx_help_usage_has(&h, "-g") && sbx_help_usage_has(&h, "SANDBOX"));
	ck_assert(!sbx_help_usage_has(&h, "SAND"));
	struct sbx_caps c;
	sbx_caps_from_table(&c, 0, 45, 0);
	sbx_caps_apply_help(&c, SBX_PROBE_ALLOW, &h);
	ck_assert_int_eq(c.rule_scope, SBX_SCOPE_FLAG); /* --sandbox wins over the -g it also lists */
	sbx_caps_apply_help(&c, SBX_PROBE_ROOT, &h);
	ck_assert(c.no_input);
	ck_assert_uint_eq(c.from_help, (1u << SBX_PROBE_ALLOW) | (1u << SBX_PROBE_ROOT));
	sbx_help_release(&h);
	/* cut short (no Global Flags:, no closing Use line, no --help): not believed */
	const char *cut = "Usage:\n  sbx policy ls [flags]\n\nFlags:\n      --json   Output as JSON\n";
	ck_assert_int_eq(sbx_help_parse(cut, strlen(cut), &h), -1);
	/* no Usage: line, no help: an error page or another program entirely */
	const char *error = "ERROR: unknown flag: --help\nFlags:\n  --json\n";
	ck_assert_int_eq(sbx_help_parse(error, strlen(error), &h), -1);
	ck_assert_int_eq(sbx_help_parse("", 0, &h), -1);
}
END_TEST

/* A deprecation warning first on stderr is not the reason; the ERROR line is. */
START_TEST(error_reason_skips_warnings)
{
	struct strbuf r = STRBUF_INIT;
	sbx_error_reason("WARN: 'sbx run NAME' is deprecated; use 'sbx run --name NAME'\nERROR: no sandbox named 'x'\n\nTo create one:\n", &r);
	ck_assert_str_eq(r.buf, "ERROR: no sandbox named 'x'");
	strbuf_reset(&r);
	sbx_error_reason("\n  something went wrong\nmore\n", &r);
	ck_assert_str_eq(r.buf, "something went wrong");
	strbuf_reset(&r);
	sbx_error_reason("Flag --global has been deprecated, use --sandbox\n", &r);
	ck_assert_str_eq(r.buf, "Flag --global has been deprecated, use --sandbox");
	strbuf_release(&r);
	struct spawn_result res = SPAWN_RESULT_INIT;
	strbuf_addstr(&res.err, "ERROR: sandbox 'box1' not found\n");
	ck_assert(sbx_no_such_sandbox(&res));
	strbuf_reset(&res.err);
	strbuf_addstr(&res.err, "ERROR: sandbox \"x\" already exists for this workspace\n");
	ck_assert(!sbx_no_such_sandbox(&res));
	spawn_result_release(&res);
}
END_TEST

/* A page that says nothing about a capability leaves the table's answer for it. */
START_TEST(silent_help_keeps_the_table)
{
	const char *page = "Usage:\n  sbx policy [command]\n\nAvailable Commands:\n  ls   List\n\n"
			   "Flags:\n  -h, --help   help for policy\n\nGlobal Flags:\n  -D, --debug   Enable debug logging\n";
	struct sbx_help h;
	ck_assert_int_eq(sbx_help_parse(page, strlen(page), &h), 0);
	struct sbx_caps c;
	sbx_caps_from_table(&c, 0, 31, 0);
	sbx_caps_apply_help(&c, SBX_PROBE_POLICY, &h); /* neither init nor set-default listed */
	ck_assert(!c.policy_init);
	ck_assert_uint_eq(c.from_help, 0);
	sbx_caps_from_table(&c, 0, 40, 0);
	sbx_caps_apply_help(&c, SBX_PROBE_POLICY, &h);
	ck_assert(c.policy_init);
	sbx_help_release(&h);
}
END_TEST

/* secret rm's scope comes from rm's own page: a release whose set moved to --sandbox while rm kept -g|SANDBOX is read as such */
START_TEST(secret_rm_scope_is_its_own)
{
	const char *old_rm = "Remove a secret\n\nUsage:\n  sbx secret rm [-g | SANDBOX] [SERVICE] [flags]\n\n"
			     "Flags:\n  -f, --force    Delete without confirmation prompt\n"
			     "  -g, --global   Use global secret scope\n  -h, --help     help for rm\n\n"
			     "Global Flags:\n  -D, --debug   Enable debug logging\n";
	const char *new_rm = "Remove a secret\n\nUsage:\n  sbx secret rm [SERVICE] [flags]\n\n"
			     "Flags:\n  -f, --force            Delete without confirmation prompt\n"
			     "      --sandbox string   Remove the secret scoped to one sandbox\n  -h, --help   help for rm\n\n"
			     "Global Flags:\n  -D, --debug   Enable debug logging\n";
	struct sbx_help h;
	struct sbx_caps c = table(40);
	ck_assert_int_eq(c.secret_rm_scope, SBX_SECRET_FLAG); /* the table's guess, seen in v0.39 (sbx-releases#555) */
	ck_assert_int_eq(sbx_help_parse(old_rm, strlen(old_rm), &h), 0);
	sbx_caps_apply_help(&c, SBX_PROBE_SECRET_RM, &h);
	sbx_help_release(&h);
	ck_assert_int_eq(c.secret_rm_scope, SBX_SECRET_POSITIONAL);
	ck_assert_int_eq(c.secret_scope, SBX_SECRET_FLAG); /* set's is untouched */
	ck_assert(c.secret_rm_force);
	c = table(31);
	ck_assert_int_eq(c.secret_rm_scope, SBX_SECRET_POSITIONAL);
	ck_assert_int_eq(sbx_help_parse(new_rm, strlen(new_rm), &h), 0);
	sbx_caps_apply_help(&c, SBX_PROBE_SECRET_RM, &h);
	sbx_help_release(&h);
	ck_assert_int_eq(c.secret_rm_scope, SBX_SECRET_FLAG);
	/* and it survives the cache */
	struct strbuf sb = STRBUF_INIT;
	struct sbx_caps back;
	sbx_caps_encode(&c, &sb);
	ck_assert_int_eq(sbx_caps_decode(&back, sb.buf), 0);
	ck_assert_int_eq(back.secret_rm_scope, SBX_SECRET_FLAG);
	strbuf_release(&sb);
}
END_TEST

/* ---- sbx ls ---- */

START_TEST(sandboxes_behind_banner)
{
	const char *text = "Starting sandboxd daemon...\n"
			   "{\"sandboxes\":[{\"id\":\"u1\",\"name\":\"claude-dmr\",\"agent\":\"claude\",\"status\":\"stopped\","
			   "\"workspaces\":[\"/home/me/p\",\"/home/me/docs:ro\"],\"created_at\":\"x\"},"
			   "{\"name\":\"b2\",\"agent\":\"shell\",\"status\":\"running\",\"workspaces\":[{\"path\":\"/w\",\"read_only\":true}]}]}\n";
	struct sbx_sandbox *list;
	size_t nr;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(sbx_parse_sandboxes(text, strlen(text), &list, &nr, &err), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_str_eq(list[0].name, "claude-dmr");
	ck_assert_str_eq(list[0].status, "stopped");
	ck_assert_str_eq(list[0].id, "u1");
	ck_assert_uint_eq(list[0].nr_workspaces, 2);
	ck_assert_str_eq(list[0].workspaces[1], "/home/me/docs:ro");
	ck_assert_ptr_null(list[0].cpus);
	ck_assert_str_eq(list[1].workspaces[0], "/w:ro");
	sbx_sandboxes_free(list, nr);
	strbuf_release(&err);
}
END_TEST

START_TEST(sandboxes_unreadable_is_an_error_not_empty)
{
	struct sbx_sandbox *list;
	size_t nr;
	struct strbuf err = STRBUF_INIT;
	const char *garbage = "\x1b[31mpanic: runtime error\n{\"sandboxes\": [{\"na";
	ck_assert_int_eq(sbx_parse_sandboxes(garbage, strlen(garbage), &list, &nr, &err), -1);
	ck_assert_uint_gt(err.len, 0);
	ck_assert_int_eq(sbx_parse_sandboxes("", 0, &list, &nr, &err), -1);
	const char *empty = "{\"sandboxes\":[]}";
	ck_assert_int_eq(sbx_parse_sandboxes(empty, strlen(empty), &list, &nr, &err), 0);
	ck_assert_uint_eq(nr, 0);
	sbx_sandboxes_free(list, nr);
	strbuf_release(&err);
}
END_TEST

/* ---- policy ls ---- */

/* The --wide sample from docs/backends.md §7, plus a user rule, a sandbox rule and a kit rule. */
static const char wide_sample[] =
	"Starting sandboxd daemon...\n"
	"SOURCE   APPLIES TO   POLICY             POLICY_ID      RULE   RULE_ID                      TYPE               DECISION   RESOURCES\n"
	"local    all          -                  local-policy   -      default-fs-read-allow-all    filesystem:read    allow      **\n"
	"\n"
	"local    all          -                  local-policy   -      default-fs-write-allow-all   filesystem:write   allow      **\n"
	"\n"
	"local    all          default-deny-all   -              -      default-deny-all             network            deny       **\n"
	"\n"
	"local    all          -                  local-policy   -      r-1                          network            allow      localhost:12434,127.0.0.1:12434\n"
	"\n"
	"local    my box       -                  local-policy   -      r-2                          network            deny       api.example.com\n"
	"\n"
	"kit      box1         corp-kit           corp-kit       -      r-3                          network            allow      **.corp.example\n";

START_TEST(policy_wide_table)
{
	struct sbx_rule *r;
	size_t nr;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(sbx_parse_rules(wide_sample, strlen(wide_sample), SBX_POLICY_WIDE, &r, &nr, &err), 0);
	ck_assert_uint_eq(nr, 7);
	ck_assert_str_eq(r[0].id, "default-fs-read-allow-all");
	ck_assert_str_eq(r[0].type, "filesystem:read");
	ck_assert(!r[0].user);
	ck_assert_ptr_null(r[0].scope);
	ck_assert_str_eq(r[2].id, "default-deny-all");
	ck_assert_str_eq(r[2].policy, "default-deny-all");
	ck_assert(!r[2].user);
	ck_assert_str_eq(r[3].resource, "localhost:12434");
	ck_assert_str_eq(r[4].resource, "127.0.0.1:12434");
	ck_assert(r[3].user && r[4].user);
	ck_assert_uint_eq(r[3].siblings, 2);
	ck_assert_str_eq(r[3].decision, "allow");
	/* "APPLIES TO" holds a space, and so may a cell under it */
	ck_assert_str_eq(r[5].scope, "my box");
	ck_assert_str_eq(r[5].decision, "deny");
	ck_assert(r[5].user);
	ck_assert_uint_eq(r[5].siblings, 1);
	ck_assert_str_eq(r[6].source, "kit");
	ck_assert_str_eq(r[6].scope, "box1");
	ck_assert(!r[6].user);
	sbx_rules_free(r, nr);
	strbuf_release(&err);
}
END_TEST

START_TEST(policy_table_cut_by_characters)
{
	/* a multi-byte character before a column must not shift the cut (tabwriter pads by characters) */
	const char *text = "SOURCE   APPLIES TO   DECISION   RESOURCES\n"
			   "local    bôx          allow      a.example\n";
	struct sbx_table t;
	ck_assert_int_eq(sbx_table_parse(text, strlen(text), "RESOURCES", &t), 0);
	ck_assert_uint_eq(t.nrows, 1);
	ck_assert_str_eq(sbx_table_cell(&t, 0, "APPLIES TO"), "bôx");
	ck_assert_str_eq(sbx_table_cell(&t, 0, "DECISION"), "allow");
	ck_assert_str_eq(sbx_table_cell(&t, 0, "RESOURCES"), "a.example");
	ck_assert_ptr_null(sbx_table_cell(&t, 0, "NOPE"));
	sbx_table_release(&t);
	ck_assert_int_eq(sbx_table_parse("no header here\n", 15, "RESOURCES", &t), -1);
	sbx_table_release(&t);
}
END_TEST

START_TEST(policy_old_table)
{
	const char *text =
		"NAME                                   TYPE               ORIGIN         DECISION   STATUS   RESOURCES\n"
		"default-fs-read-allow-all              filesystem:read    global         allow      active   **\n"
		"default-balanced-allow                 network            global         allow      active   api.anthropic.com,pypi.org\n"
		"db2c393e-f764-48c9-abd6-b449d8da402b   network            global         allow      active   localhost:12434\n"
		"31184a9c-2d5b-4bad-ae88-1ba9bfa6d77a   network            sandbox:box1   deny       active   127.0.0.1:12434\n"
		"9e2b                                   network            org:corp       deny       active   **.evil.example\n";
	struct sbx_rule *r;
	size_t nr;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(sbx_parse_rules(text, strlen(text), SBX_POLICY_TABLE_OLD, &r, &nr, &err), 0);
	ck_assert_uint_eq(nr, 6);
	ck_assert(!r[0].user);
	ck_assert(!r[1].user && !r[2].user); /* the init defaults */
	ck_assert_str_eq(r[3].resource, "localhost:12434");
	ck_assert(r[3].user);
	ck_assert_ptr_null(r[3].scope);
	ck_assert_str_eq(r[3].id, "db2c393e-f764-48c9-abd6-b449d8da402b");
	ck_assert_str_eq(r[4].scope, "box1");
	ck_assert(r[4].user);
	ck_assert_str_eq(r[5].source, "org");
	ck_assert_str_eq(r[5].policy, "corp");
	ck_assert(!r[5].user);
	sbx_rules_free(r, nr);
	strbuf_release(&err);
}
END_TEST

START_TEST(policy_json_tolerant)
{
	const char *sim = "Starting sandboxd daemon...\n{\"rules\":[{\"rule_id\":\"r1\",\"policy\":\"-\",\"policy_id\":\"local-policy\","
			  "\"rule\":\"-\",\"source\":\"local\",\"applies_to\":\"claude-dmr\",\"type\":\"network\",\"decision\":\"allow\","
			  "\"resources\":[\"localhost:12434\"]},{\"rule_id\":\"k\",\"policy\":\"corp\",\"policy_id\":\"corp\",\"source\":\"kit\","
			  "\"applies_to\":\"all\",\"type\":\"network\",\"decision\":\"allow\",\"resources\":[\"a\",\"b\"]}]}\n";
	struct sbx_rule *r;
	size_t nr;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(sbx_parse_rules(sim, strlen(sim), SBX_POLICY_JSON, &r, &nr, &err), 0);
	ck_assert_uint_eq(nr, 3);
	ck_assert(r[0].user);
	ck_assert_str_eq(r[0].scope, "claude-dmr");
	ck_assert_str_eq(r[0].id, "r1");
	ck_assert(!r[1].user && !r[2].user);
	ck_assert_ptr_null(r[1].scope);
	ck_assert_uint_eq(r[2].siblings, 2);
	sbx_rules_free(r, nr);
	/* another plausible shape: a bare array, other key names, resources as text */
	const char *other = "[{\"id\":\"x\",\"sandbox\":\"sandbox:box1\",\"action\":\"deny\",\"resources\":\"a.example, b.example\"}]";
	ck_assert_int_eq(sbx_parse_rules(other, strlen(other), SBX_POLICY_JSON, &r, &nr, &err), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_str_eq(r[1].resource, "b.example");
	ck_assert_str_eq(r[0].scope, "box1");
	ck_assert_str_eq(r[0].decision, "deny");
	ck_assert(r[0].user);
	sbx_rules_free(r, nr);
	ck_assert_int_eq(sbx_parse_rules("unknown flag: --json", 20, SBX_POLICY_JSON, &r, &nr, &err), -1);
	strbuf_release(&err);
}
END_TEST

/* A fuzzing finding: a header whose RESOURCES word is glued to a \r and NULs is not a rule table. */
START_TEST(policy_table_with_control_bytes_in_its_header)
{
	static const char text[] = "PE  (   $  DECISION   RESOURCES\r\0\0\0\0\0\0\0\n"
				   "local            U  DECOOOOOOISION   RESOURCES\nlocal            U _ID_IDA=\n";
	struct sbx_rule *r = NULL;
	size_t nr = 0;
	struct strbuf err = STRBUF_INIT;
	int rc = sbx_parse_rules(text, sizeof(text) - 1, SBX_POLICY_WIDE, &r, &nr, &err);
	/* the \r and NULs end the header word: RESOURCES is a column, and every rule read has a resource */
	ck_assert_int_eq(rc, 0);
	for (size_t i = 0; i < nr; i++)
		ck_assert_ptr_nonnull(r[i].resource);
	sbx_rules_free(r, nr);
	strbuf_release(&err);
}
END_TEST

/* ---- secret ls ---- */

START_TEST(secrets_table)
{
	const char *text = "SERVICE     SCOPE        SECRET\n"
			   "github      global       ghp_****wxyz\n"
			   "anthropic   claude-dmr   ****\n";
	struct sbx_secret *s;
	size_t nr;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(sbx_parse_secrets(text, strlen(text), &s, &nr, &err), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_str_eq(s[0].service, "github");
	ck_assert_ptr_null(s[0].scope);
	ck_assert_str_eq(s[1].scope, "claude-dmr");
	sbx_secrets_free(s, nr);
	ck_assert_int_eq(sbx_parse_secrets("\n", 1, &s, &nr, &err), 0);
	ck_assert_uint_eq(nr, 0);
	sbx_secrets_free(s, nr);
	ck_assert_int_eq(sbx_parse_secrets("boom", 4, &s, &nr, &err), -1);
	strbuf_release(&err);
}
END_TEST

/* ---- env block ---- */

#define WEIRD "it's $(touch pwned) `id` \"quoted\" \\ ${HOME} \xf0\x9f\x98\x80"

START_TEST(env_quote_and_line)
{
	struct strbuf sb = STRBUF_INIT;
	sbx_env_quote(&sb, "it's");
	ck_assert_str_eq(sb.buf, "'it'\\''s'");
	strbuf_release(&sb);
	char *line = sbx_env_line("A_1", WEIRD);
	ck_assert_str_eq(line, "export A_1='it'\\''s $(touch pwned) `id` \"quoted\" \\ ${HOME} \xf0\x9f\x98\x80'");
	free(line);
	line = sbx_env_line("E", "");
	ck_assert_str_eq(line, "export E=''");
	free(line);
	ck_assert_ptr_null(sbx_env_line("1BAD", "x"));
	ck_assert_ptr_null(sbx_env_line("BAD-NAME", "x"));
	ck_assert_ptr_null(sbx_env_line("A; rm -rf /", "x"));
	ck_assert_ptr_null(sbx_env_line("A", "one\ntwo"));
	ck_assert_ptr_null(sbx_env_line("A", "cr\r"));
}
END_TEST

START_TEST(env_block_round_trip)
{
	char *l1 = sbx_env_line("WEIRD", WEIRD), *l2 = sbx_env_line("QUOTES", "''''"), *l3 = sbx_env_line("EMPTY", "");
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	fprintf(f, "Starting sandboxd daemon...\n%s (managed)\n%s\n%s\n%s\n%s\n", SBX_ENV_BEGIN, l1, l2, l3, SBX_ENV_END);
	fclose(f);
	struct sbx_env_var *v;
	size_t nr, bad;
	ck_assert_int_eq(sbx_env_parse_block(text, len, &v, &nr, &bad), 1);
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(nr, 3);
	ck_assert_str_eq(v[0].key, "WEIRD");
	ck_assert_str_eq(v[0].value, WEIRD);
	ck_assert_str_eq(v[1].value, "''''");
	ck_assert_str_eq(v[2].value, "");
	sbx_env_vars_free(v, nr);
	free(text);
	free(l1);
	free(l2);
	free(l3);
}
END_TEST

START_TEST(env_block_hand_edits_are_malformed)
{
	const char *text = "export OUTSIDE='ignored'\n" SBX_ENV_BEGIN "\n"
			   "export A=plain.value-1\n"
			   "export B=\"double quoted\"\n"
			   "echo hello\n"
			   "export C='unterminated\n"
			   "export A='second'\n" SBX_ENV_END "\n"
			   "export AFTER=x\n";
	struct sbx_env_var *v;
	size_t nr, bad;
	ck_assert_int_eq(sbx_env_parse_block(text, strlen(text), &v, &nr, &bad), 1);
	ck_assert_uint_eq(nr, 1);
	ck_assert_str_eq(v[0].key, "A");
	ck_assert_str_eq(v[0].value, "second"); /* the later line wins, as in the shell */
	ck_assert_uint_eq(bad, 4);		/* B, echo, C, the duplicate A */
	sbx_env_vars_free(v, nr);
	ck_assert_int_eq(sbx_env_parse_block("", 0, &v, &nr, &bad), 0); /* no block: never written */
	ck_assert_uint_eq(nr, 0);
	sbx_env_vars_free(v, nr);
}
END_TEST

START_TEST(env_script_is_constant)
{
	/* the script never holds a key or a value: both travel as arguments */
	ck_assert_ptr_nonnull(strstr(sbx_env_script, "\"$@\""));
	ck_assert_ptr_null(strstr(sbx_env_script, "eval"));
	ck_assert_ptr_nonnull(strstr(sbx_env_script, "read -r -d ''"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sbx");
	TCase *tc = tcase_create("version");
	tcase_add_test(tc, version_lines);
	tcase_add_test(tc, release_table);
	tcase_add_test(tc, caps_encode_round_trip);
	tcase_add_test(tc, help_pages_read_tolerantly);
	tcase_add_test(tc, silent_help_keeps_the_table);
	tcase_add_test(tc, secret_rm_scope_is_its_own);
	tcase_add_test(tc, error_reason_skips_warnings);
	suite_add_tcase(s, tc);

	tc = tcase_create("listings");
	tcase_add_test(tc, sandboxes_behind_banner);
	tcase_add_test(tc, sandboxes_unreadable_is_an_error_not_empty);
	tcase_add_test(tc, policy_wide_table);
	tcase_add_test(tc, policy_table_cut_by_characters);
	tcase_add_test(tc, policy_old_table);
	tcase_add_test(tc, policy_json_tolerant);
	tcase_add_test(tc, policy_table_with_control_bytes_in_its_header);
	tcase_add_test(tc, secrets_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("env");
	tcase_add_test(tc, env_quote_and_line);
	tcase_add_test(tc, env_block_round_trip);
	tcase_add_test(tc, env_block_hand_edits_are_malformed);
	tcase_add_test(tc, env_script_is_constant);
	suite_add_tcase(s, tc);

	return check_run_suite(s);
}
