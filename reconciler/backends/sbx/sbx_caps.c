#include "sbx_caps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const probe_argv[SBX_NR_PROBES][6] = {
	[SBX_PROBE_ROOT] = { "--help", NULL },
	[SBX_PROBE_LS] = { "ls", "--help", NULL },
	[SBX_PROBE_POLICY] = { "policy", "--help", NULL },
	[SBX_PROBE_POLICY_LS] = { "policy", "ls", "--help", NULL },
	[SBX_PROBE_ALLOW] = { "policy", "allow", "network", "--help", NULL },
	[SBX_PROBE_SECRET_SET] = { "secret", "set", "--help", NULL },
	[SBX_PROBE_SECRET_RM] = { "secret", "rm", "--help", NULL },
	[SBX_PROBE_RM] = { "rm", "--help", NULL },
};

static const char *const probe_names[SBX_NR_PROBES] = {
	[SBX_PROBE_ROOT] = "sbx --help",
	[SBX_PROBE_LS] = "sbx ls --help",
	[SBX_PROBE_POLICY] = "sbx policy --help",
	[SBX_PROBE_POLICY_LS] = "sbx policy ls --help",
	[SBX_PROBE_ALLOW] = "sbx policy allow network --help",
	[SBX_PROBE_SECRET_SET] = "sbx secret set --help",
	[SBX_PROBE_SECRET_RM] = "sbx secret rm --help",
	[SBX_PROBE_RM] = "sbx rm --help",
};

const char *const *sbx_probe_args(enum sbx_probe p)
{
	return probe_argv[p];
}

const char *sbx_probe_name(enum sbx_probe p)
{
	return probe_names[p];
}

/*
 * The dated table (docs/backends.md §6). --no-input is not in any release
 * the public reference shows: only a help page that lists it turns it on.
 */
void sbx_caps_from_table(struct sbx_caps *caps, int major, int minor, int patch)
{
	memset(caps, 0, sizeof(*caps));
	caps->major = major;
	caps->minor = minor;
	caps->patch = patch;
	int m = major > 0 ? 1000 : minor;
	caps->no_input = false;
	caps->ls_json = true; /* `ls --json` works across the whole range */
	/* --wide over --json: the rule table has real samples, the JSON no documented shape (docs/backends.md §7) */
	caps->policy_list = m >= 35 ? SBX_POLICY_WIDE : SBX_POLICY_TABLE_OLD;
	caps->policy_ls_wide = m >= 35;
	caps->policy_init = m >= 34;
	caps->rule_scope = m >= 32 ? SBX_SCOPE_FLAG : m >= 29 ? SBX_SCOPE_POSITIONAL
							      : SBX_SCOPE_GLOBAL_ONLY;
	caps->rm_force = m >= 29;
	caps->secret_scope = m >= 38 ? SBX_SECRET_FLAG : SBX_SECRET_POSITIONAL;
	caps->secret_rm_force = m >= 29; /* -f is in the oldest reference page (v0.29-v0.31) */
	/* `secret rm --sandbox S SERVICE` seen in v0.39.0 (sbx-releases#555); when it came is not known */
	caps->secret_rm_scope = m >= 39 ? SBX_SECRET_FLAG : SBX_SECRET_POSITIONAL;
	caps->run_name = m >= 33; /* only the table: no help page tells `run --name NAME` from run NAME */
}

void sbx_caps_apply_help(struct sbx_caps *caps, enum sbx_probe p, const struct sbx_help *h)
{
	switch (p) {
	case SBX_PROBE_ROOT:
		caps->no_input = sbx_help_has_flag(h, "--no-input");
		break;
	case SBX_PROBE_LS:
		/* --json first: it is the spelling every known release accepts */
		if (sbx_help_has_flag(h, "--json"))
			caps->ls_json = true;
		else if (sbx_help_has_flag(h, "--format"))
			caps->ls_json = false;
		else
			return; /* neither: keep the table's answer */
		break;
	case SBX_PROBE_POLICY:
		if (sbx_help_has_command(h, "init"))
			caps->policy_init = true;
		else if (sbx_help_has_command(h, "set-default"))
			caps->policy_init = false;
		else
			return;
		break;
	case SBX_PROBE_POLICY_LS:
		caps->policy_ls_wide = sbx_help_has_flag(h, "--wide");
		caps->policy_list = caps->policy_ls_wide	     ? SBX_POLICY_WIDE
				    : sbx_help_has_flag(h, "--json") ? SBX_POLICY_JSON
								     : SBX_POLICY_TABLE_OLD;
		break;
	case SBX_PROBE_ALLOW:
		if (sbx_help_has_flag(h, "--sandbox"))
			caps->rule_scope = SBX_SCOPE_FLAG;
		else if (sbx_help_has_flag(h, "-g") || sbx_help_has_flag(h, "--global") || sbx_help_usage_has(h, "SANDBOX"))
			caps->rule_scope = SBX_SCOPE_POSITIONAL;
		else
			caps->rule_scope = SBX_SCOPE_GLOBAL_ONLY;
		break;
	case SBX_PROBE_SECRET_SET:
		if (sbx_help_has_flag(h, "--sandbox"))
			caps->secret_scope = SBX_SECRET_FLAG;
		else if (sbx_help_has_flag(h, "-g") || sbx_help_has_flag(h, "--global"))
			caps->secret_scope = SBX_SECRET_POSITIONAL;
		else
			return;
		break;
	case SBX_PROBE_SECRET_RM:
		caps->secret_rm_force = sbx_help_has_flag(h, "--force") || sbx_help_has_flag(h, "-f");
		if (sbx_help_has_flag(h, "--sandbox"))
			caps->secret_rm_scope = SBX_SECRET_FLAG;
		else if (sbx_help_has_flag(h, "-g") || sbx_help_has_flag(h, "--global"))
			caps->secret_rm_scope = SBX_SECRET_POSITIONAL;
		break;
	case SBX_PROBE_RM:
		caps->rm_force = sbx_help_has_flag(h, "--force") || sbx_help_has_flag(h, "-f");
		break;
	default:
		return;
	}
	caps->from_help |= 1u << p;
}

static const char *origin(const struct sbx_caps *caps, enum sbx_probe p)
{
	return caps->from_help & (1u << p) ? probe_names[p] : "the release table";
}

void sbx_caps_describe(const struct sbx_caps *caps, struct strbuf *out)
{
	static const char *const list_forms[] = {
		[SBX_POLICY_JSON] = "policy ls --json",
		[SBX_POLICY_WIDE] = "policy ls --wide",
		[SBX_POLICY_TABLE_OLD] = "policy ls (the NAME TYPE ORIGIN table)",
	};
	static const char *const scope_forms[] = {
		[SBX_SCOPE_GLOBAL_ONLY] = "global only (no sandbox-scoped rules)",
		[SBX_SCOPE_POSITIONAL] = "-g | SANDBOX",
		[SBX_SCOPE_FLAG] = "--sandbox NAME",
	};
	strbuf_addf(out, "  %-20s %-40s from %s\n", "prompts", caps->no_input ? "--no-input" : "no --no-input flag",
		    origin(caps, SBX_PROBE_ROOT));
	strbuf_addf(out, "  %-20s %-40s from %s\n", "sandbox list", caps->ls_json ? "ls --json" : "ls --format json",
		    origin(caps, SBX_PROBE_LS));
	strbuf_addf(out, "  %-20s %-40s from %s\n", "policy store", caps->policy_init ? "policy init" : "policy set-default",
		    origin(caps, SBX_PROBE_POLICY));
	strbuf_addf(out, "  %-20s %-40s from %s\n", "rule list", list_forms[caps->policy_list],
		    origin(caps, SBX_PROBE_POLICY_LS));
	strbuf_addf(out, "  %-20s %-40s from %s\n", "rule scope", scope_forms[caps->rule_scope],
		    origin(caps, SBX_PROBE_ALLOW));
	strbuf_addf(out, "  %-20s %-40s from %s\n", "secret scope",
		    caps->secret_scope == SBX_SECRET_FLAG ? "secret set SERVICE --sandbox S" : "secret set -g | SANDBOX SERVICE",
		    origin(caps, SBX_PROBE_SECRET_SET));
	strbuf_addf(out, "  %-20s %-40s from %s\n", "secret removal",
		    caps->secret_rm_scope == SBX_SECRET_FLAG
			    ? (caps->secret_rm_force ? "secret rm -f SERVICE --sandbox S" : "secret rm SERVICE --sandbox S")
			    : (caps->secret_rm_force ? "secret rm -f -g | SANDBOX SERVICE" : "secret rm -g | SANDBOX SERVICE"),
		    origin(caps, SBX_PROBE_SECRET_RM));
	/* no help page tells the forms apart: `--name` names a new sandbox before v0.33 too (docs@15a7780 sbx_run.yaml) */
	strbuf_addf(out, "  %-20s %-40s from %s\n", "run", caps->run_name ? "run --name NAME" : "run NAME",
		    "the release table");
	strbuf_addf(out, "  %-20s %-40s from %s\n", "remove", caps->rm_force ? "rm -f (after stop)" : "rm",
		    origin(caps, SBX_PROBE_RM));
}

void sbx_caps_lacks(const struct sbx_caps *caps, struct strbuf *out)
{
	if (caps->rule_scope == SBX_SCOPE_GLOBAL_ONLY)
		strbuf_addstr(out, "no sandbox-scoped rules (v0.29+): a sandbox's policy.allow or policy.deny is blocked in the "
				   "plan\n");
	if (caps->policy_list == SBX_POLICY_TABLE_OLD)
		strbuf_addstr(out, "no 'policy ls --json' or '--wide' (v0.35+): rules are read from the old table\n");
	if (!caps->no_input)
		strbuf_addstr(out, "no --no-input: a command that would prompt is given -f instead, where it has one\n");
	if (!caps->rm_force)
		strbuf_addstr(out, "no 'rm -f': removing a sandbox asks on a terminal, so down and prune need one\n");
	if (!caps->secret_rm_force)
		strbuf_addstr(out, "no 'secret rm -f': removing a secret asks on a terminal\n");
	if (!caps->run_name)
		strbuf_addstr(out, "no 'run --name' (v0.33+): sbxapply run uses 'run NAME'\n");
}

void sbx_caps_encode(const struct sbx_caps *caps, struct strbuf *out)
{
	strbuf_addf(out, "version=%d.%d.%d no_input=%d ls_json=%d policy_list=%d policy_ls_wide=%d policy_init=%d "
			 "rule_scope=%d rm_force=%d secret_scope=%d secret_rm_force=%d secret_rm_scope=%d run_name=%d "
			 "from_help=%u",
		    caps->major, caps->minor, caps->patch, caps->no_input, caps->ls_json, (int)caps->policy_list,
		    caps->policy_ls_wide, caps->policy_init, (int)caps->rule_scope, caps->rm_force, (int)caps->secret_scope,
		    caps->secret_rm_force, (int)caps->secret_rm_scope, caps->run_name, caps->from_help);
}

int sbx_caps_decode(struct sbx_caps *caps, const char *text)
{
	int v[11];
	unsigned from_help;
	memset(caps, 0, sizeof(*caps));
	if (sscanf(text, "version=%d.%d.%d no_input=%d ls_json=%d policy_list=%d policy_ls_wide=%d policy_init=%d "
			 "rule_scope=%d rm_force=%d secret_scope=%d secret_rm_force=%d secret_rm_scope=%d run_name=%d "
			 "from_help=%u",
		   &caps->major, &caps->minor, &caps->patch, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
		   &v[10], &v[9], &from_help) != 15)
		return -1; /* a cache of another layout (before secret_rm_scope): asked again */
	if (v[2] < SBX_POLICY_JSON || v[2] > SBX_POLICY_TABLE_OLD || v[5] < SBX_SCOPE_GLOBAL_ONLY ||
	    v[5] > SBX_SCOPE_FLAG || v[7] < SBX_SECRET_POSITIONAL || v[7] > SBX_SECRET_FLAG ||
	    v[10] < SBX_SECRET_POSITIONAL || v[10] > SBX_SECRET_FLAG)
		return -1;
	caps->no_input = v[0];
	caps->ls_json = v[1];
	caps->policy_list = (enum sbx_policy_format)v[2];
	caps->policy_ls_wide = v[3];
	if (caps->policy_ls_wide && caps->policy_list == SBX_POLICY_JSON)
		caps->policy_list = SBX_POLICY_WIDE; /* remembered before --wide was preferred */
	caps->policy_init = v[4];
	caps->rule_scope = (enum sbx_rule_scope)v[5];
	caps->rm_force = v[6];
	caps->secret_scope = (enum sbx_secret_scope)v[7];
	caps->secret_rm_force = v[8];
	caps->secret_rm_scope = (enum sbx_secret_scope)v[10];
	caps->run_name = v[9];
	caps->from_help = from_help;
	return 0;
}
