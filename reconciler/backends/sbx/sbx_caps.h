#ifndef SBXAPPLY_BACKENDS_SBX_SBX_CAPS_H
#define SBXAPPLY_BACKENDS_SBX_SBX_CAPS_H
/*
 * What the installed sbx can do, and how each thing is spelled
 * (docs/backends.md §6). Two sources: the dated table of releases, and the
 * `--help` pages of the installed binary. The table gives the starting
 * answer for the version; each help page that can be read overrides the
 * parts it speaks about, so a release that does not match the table (or one
 * newer than any this build knows) is driven by what it says of itself.
 *
 * Pure: no I/O. The probe that runs the help commands and the cache of its
 * answers are in sbx.c.
 */
#include <stdbool.h>

#include "backends/sbx/sbx_help.h"
#include "util/strbuf.h"

/* The format `sbx policy ls` is read in. */
enum sbx_policy_format {
	SBX_POLICY_JSON,
	SBX_POLICY_WIDE,
	SBX_POLICY_TABLE_OLD,
};

/* How a network rule names its scope. */
enum sbx_rule_scope {
	SBX_SCOPE_GLOBAL_ONLY, /* `allow network RES`: every rule is global (v0.28 and before) */
	SBX_SCOPE_POSITIONAL,  /* `allow network -g RES` | `allow network SANDBOX RES` (v0.29-v0.31) */
	SBX_SCOPE_FLAG,	       /* `allow network RES` global, `--sandbox S` scoped (v0.32+) */
};

/* How `secret set` and `secret rm` name their scope (each read from its own help page). */
enum sbx_secret_scope {
	SBX_SECRET_POSITIONAL, /* `secret set -g SERVICE` | `secret set SANDBOX SERVICE` (before v0.38) */
	SBX_SECRET_FLAG,       /* `secret set SERVICE` global, `--sandbox S` scoped (v0.38+; rm: seen in v0.39.0) */
};

/* The help pages asked for, one per command whose spelling changed. */
enum sbx_probe {
	SBX_PROBE_ROOT,	      /* sbx --help: global flags (--no-input) */
	SBX_PROBE_LS,	      /* sbx ls --help: --json or --format */
	SBX_PROBE_POLICY,     /* sbx policy --help: init or set-default */
	SBX_PROBE_POLICY_LS,  /* sbx policy ls --help: --json, --wide */
	SBX_PROBE_ALLOW,      /* sbx policy allow network --help: the rule scope syntax */
	SBX_PROBE_SECRET_SET, /* sbx secret set --help: the secret scope syntax */
	SBX_PROBE_SECRET_RM,  /* sbx secret rm --help: -f/--force, and its own scope syntax */
	SBX_PROBE_RM,	      /* sbx rm --help: -f/--force */
	SBX_NR_PROBES,
};

struct sbx_caps {
	int major, minor, patch;
	bool no_input; /* global --no-input */
	bool ls_json;  /* `ls --json`; false: `ls --format json` */
	enum sbx_policy_format policy_list;
	bool policy_ls_wide; /* `policy ls --wide` (v0.35+): the rule table, read before --json */
	bool policy_init;    /* `policy init P`; false: `policy set-default P` */
	enum sbx_rule_scope rule_scope;
	bool rm_force; /* `rm -f`: without it, rm asks on a terminal */
	enum sbx_secret_scope secret_scope;
	bool secret_rm_force;		       /* `secret rm -f`: without it, rm asks on a terminal */
	enum sbx_secret_scope secret_rm_scope; /* rm's own: never assumed to follow set's */
	bool run_name;			       /* `run --name NAME`; false: `run NAME` */
	unsigned from_help;		       /* bit (1 << probe) per help page that was read and used */
};

/* The argv (after the program, NULL-terminated) of a probe. */
const char *const *sbx_probe_args(enum sbx_probe p);
/* "sbx policy allow network --help", for messages. */
const char *sbx_probe_name(enum sbx_probe p);

/* The dated table's answer for a version. */
void sbx_caps_from_table(struct sbx_caps *caps, int major, int minor, int patch);
/* Overrides what probe p's readable help page says; the rest is left as it was. */
void sbx_caps_apply_help(struct sbx_caps *caps, enum sbx_probe p, const struct sbx_help *h);
/* One line per capability: what is used and where the answer came from. */
void sbx_caps_describe(const struct sbx_caps *caps, struct strbuf *out);

/*
 * One line per thing this release cannot do that sbxapply would use, with
 * what sbxapply does instead (docs/backends.md §6); nothing when it lacks none.
 */
void sbx_caps_lacks(const struct sbx_caps *caps, struct strbuf *out);

/* The capabilities as one line of "key=value" words (the cache's form), and back; -1 when unreadable. */
void sbx_caps_encode(const struct sbx_caps *caps, struct strbuf *out);
int sbx_caps_decode(struct sbx_caps *caps, const char *text);

#endif
