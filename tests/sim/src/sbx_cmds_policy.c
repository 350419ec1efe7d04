/*
 * sbx_cmds_policy: the `sbx policy` and `sbx secret` groups of the command
 * tree.  Texts are the CLI reference's (github.com/docker/docs
 * data/sbx_cli/sbx_*.yaml) at the commit each comment names; "sbxsim's own"
 * marks text no reference gave.
 */
#include "sbx_internal.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct sbx_flagdef scope_old_flags[] = {
	{ .name = "global", .shorthand = 'g', .usage = "Apply the rule globally to all sandboxes", .feat = F_RULES_POSITIONAL_SCOPE },
	{ .name = "global", .shorthand = 'g', .usage = "Apply the rule globally to all sandboxes", .deprecated = "rules are global by default; use --sandbox to scope one to a sandbox", .feat = F_RULES_G_DEPRECATED },
	{ .name = "sandbox", .type = "string", .usage = "Scope the rule to a specific sandbox (default: all sandboxes)", .feat = F_RULES_SANDBOX_FLAG },
	{ 0 },
};

static const struct sbx_flagdef rm_network_flags[] = {
	{ .name = "global", .shorthand = 'g', .usage = "Remove from the global policy", .feat = F_RULES_POSITIONAL_SCOPE },
	{ .name = "global", .shorthand = 'g', .usage = "Remove from the global policy", .deprecated = "rules are global by default; use --sandbox to scope one to a sandbox", .feat = F_RULES_G_DEPRECATED },
	{ .name = "id", .type = "string", .usage = "Remove by rule ID" },
	{ .name = "resource", .type = "string", .usage = "Remove by resource value(s), comma-separated" },
	{ .name = "sandbox", .type = "string", .usage = "Scope the removal to a specific sandbox (default: global policy)", .feat = F_RULES_SANDBOX_FLAG },
	{ 0 },
};

static const struct sbx_flagdef ls_flags[] = {
	{ .name = "decision", .type = "string", .usage = "Filter policies by decision: \"allow\" or \"deny\"", .feat = F_POLICY_V2 },
	{ .name = "include-inactive", .usage = "Show inactive policy rules hidden by remote governance", .feat = F_POLICY_V2 },
	{ .name = "json", .usage = "Output filtered policy rules as JSON", .feat = F_POLICY_V2 },
	{ .name = "source", .type = "string", .usage = "Filter policies by source: \"local\", \"org\", or \"kit\"", .feat = F_POLICY_V2 },
	{ .name = "type", .type = "string", .usage = "Filter policies by type: \"all\" or \"network\"", .def = "all", .unless = F_POLICY_V2 },
	{ .name = "type", .type = "string", .usage = "Filter policies by type: \"all\", \"network\", or \"filesystem\"", .def = "all", .feat = F_POLICY_V2 },
	{ .name = "wide", .usage = "Show detailed rule-level output with rule IDs and resources", .feat = F_POLICY_V2 },
	{ 0 },
};

static const struct sbx_flagdef force_flags[] = {
	{ .name = "force", .shorthand = 'f', .usage = "Skip confirmation prompt" },
	{ 0 },
};

static const struct sbx_flagdef check_flags[] = {
	{ .name = "json", .usage = "Output in JSON format" },
	{ .name = "sandbox", .type = "string", .usage = "Evaluate in a specific sandbox policy context" },
	{ .name = "verbose", .usage = "Show the exact policy request fields" },
	{ 0 },
};

/* help-secret-set@docs-00ba4d3.txt; from v0.38 the flags docs@c2b0924
 * lists that sbxsim simulates (no --ref/--command/--registry/...). */
static const struct sbx_flagdef secret_set_flags[] = {
	{ .name = "force", .shorthand = 'f', .usage = "Overwrite an existing secret when --token is used" },
	{ .name = "global", .shorthand = 'g', .usage = "Use global secret scope", .unless = F_SECRET_SET_V2 },
	{ .name = "global", .shorthand = 'g', .usage = "Use global secret scope", .deprecated = "secrets are global by default; use --sandbox to scope one to a sandbox", .feat = F_SECRET_SET_V2 },
	{ .name = "oauth", .usage = "Start OAuth flow and store OAuth tokens (openai/global only)" },
	{ .name = "sandbox", .type = "string", .usage = "Scope the secret to one sandbox instead of its default scope", .feat = F_SECRET_SET_V2 },
	{ .name = "token", .shorthand = 't', .type = "string", .usage = "Secret value (less secure: visible in shell history)" },
	{ 0 },
};

static const struct sbx_flagdef secret_rm_flags[] = {
	{ .name = "force", .shorthand = 'f', .usage = "Delete without confirmation prompt" },
	{ .name = "global", .shorthand = 'g', .usage = "Use global secret scope", .unless = F_SECRET_RM_V2 },
	{ .name = "global", .shorthand = 'g', .usage = "Use global secret scope", .deprecated = "secrets are global by default; use --sandbox to scope one to a sandbox", .feat = F_SECRET_RM_V2 },
	{ .name = "sandbox", .type = "string", .usage = "Remove the secret scoped to one sandbox", .feat = F_SECRET_RM_V2 },
	{ 0 },
};

static const struct sbx_flagdef secret_ls_flags[] = {
	{ .name = "global", .shorthand = 'g', .usage = "Only list global secrets" },
	{ .name = "service", .type = "string", .usage = "Filter by secret service name" },
	{ 0 },
};

#define ALLOW_LONG_OLD \
	"Allow sandbox network access to the specified hosts.\n\n" \
	"RESOURCES is a comma-separated list of hostnames, domains, or IP addresses.\n" \
	"Supports exact domains (example.com), wildcard subdomains (*.example.com),\n" \
	"and optional port suffixes (example.com:443). Use \"**\" to allow all hosts."

#define DENY_LONG_OLD \
	"Block sandbox network access to the specified hosts.\n\n" \
	"RESOURCES is a comma-separated list of hostnames, domains, or IP addresses.\n" \
	"Deny rules always take precedence over allow rules."

#define POLICY_LS_LONG_OLD \
	"List all active policies.\n\n" \
	"Displays the policy name (or ID if no name is set), type, decision\n" \
	"(allow/deny), and the associated resources for each rule."

static const struct sbx_cmd cmds[] = {
	/* docs@1a420e1 and help-policy@docs-c2b0924.txt */
	{ .path = "policy",
	  .short_ = "Manage sandbox policies",
	  .long_ = "Manage persistent access policies for sandboxes.\n\n"
		   "Policies are rules stored locally that control what sandboxes can access.\n"
		   "They apply globally across all sandboxes and persist across restarts.\n"
		   "Use subcommands to allow, deny, list, or remove policies.",
	  .use = "sbx policy COMMAND",
	  .unless = F_POLICY_V2 },
	{ .path = "policy",
	  .short_ = "Manage sandbox policies",
	  .long_ = "Manage persistent access policies for sandboxes.\n\n"
		   "Policies contain rules that control what sandboxes can access. Local rules\n"
		   "can apply globally across all sandboxes or be scoped to one sandbox. Use\n"
		   "subcommands to allow, deny, list, or remove rules.",
	  .use = "sbx policy COMMAND",
	  .feat = F_POLICY_V2 },
	/* docs@1a420e1 sbx_policy_allow.yaml; the v0.35+ and deny texts are sbxsim's own. */
	{ .path = "policy allow",
	  .short_ = "Add an allow policy for sandboxes",
	  .long_ = "Add a policy that permits sandboxes to access specified resources.\n\n"
		   "Allowed resources are accessible to all sandboxes. If a resource matches both\n"
		   "an allow and a deny rule, the deny rule takes precedence.",
	  .use = "sbx policy allow COMMAND",
	  .unless = F_POLICY_V2 },
	{ .path = "policy allow",
	  .short_ = "Add an allow rule for sandboxes",
	  .long_ = "Add a rule that permits sandboxes to access specified resources.\n\n"
		   "If a resource matches both an allow and a deny rule, the deny rule takes precedence.",
	  .use = "sbx policy allow COMMAND",
	  .feat = F_POLICY_V2 },
	/* allow network: sbxsim's own (<= v0.28), help-policy-allow-network@docs-1a420e1.txt, @docs-c2b0924.txt */
	{ .path = "policy allow network",
	  .short_ = "Allow network access to specified hosts",
	  .long_ = ALLOW_LONG_OLD "\n\nRules apply globally to all sandboxes.",
	  .use = "sbx policy allow network RESOURCES [flags]",
	  .example = "  # Allow access to a single host\n  sbx policy allow network api.example.com\n\n"
		     "  # Allow all outbound traffic\n  sbx policy allow network \"**\"",
	  .feat = F_RULES_GLOBAL_ONLY,
	  .args = "1",
	  .daemon = true,
	  .run = sbx_cmd_policy_allow },
	{ .path = "policy allow network",
	  .short_ = "Allow network access to specified hosts",
	  .long_ = ALLOW_LONG_OLD "\n\nUse -g/--global to apply the rule globally to all sandboxes, or provide\n"
				  "SANDBOX before RESOURCES to scope the rule to a specific sandbox.",
	  .use = "sbx policy allow network [-g | SANDBOX] RESOURCES [flags]",
	  .example = "  # Allow access to a single host globally\n  sbx policy allow network -g api.example.com\n\n"
		     "  # Allow access to multiple hosts globally\n"
		     "  sbx policy allow network -g \"api.example.com,cdn.example.com\"\n\n"
		     "  # Allow a host only for a specific sandbox\n  sbx policy allow network my-sandbox api.example.com\n\n"
		     "  # Allow all subdomains of a host\n  sbx policy allow network -g \"*.npmjs.org\"\n\n"
		     "  # Allow all outbound traffic globally\n  sbx policy allow network -g \"**\"",
	  .flags = scope_old_flags,
	  .feat = F_RULES_POSITIONAL_SCOPE,
	  .args = "1-2",
	  .daemon = true,
	  .run = sbx_cmd_policy_allow },
	{ .path = "policy allow network",
	  .short_ = "Allow network access to specified hosts",
	  .long_ = ALLOW_LONG_OLD "\n\nThe rule applies globally to all sandboxes by default. Use --sandbox to add\n"
				  "the rule to policy \"local\" scoped to a single sandbox instead.",
	  .use = "sbx policy allow network [--sandbox SANDBOX] RESOURCES [flags]",
	  .example = "  # Allow access to a single host (all sandboxes)\n  sbx policy allow network api.example.com\n\n"
		     "  # Allow access to multiple hosts\n  sbx policy allow network \"api.example.com,cdn.example.com\"\n\n"
		     "  # Allow a host only for a specific sandbox\n"
		     "  sbx policy allow network --sandbox my-sandbox api.example.com\n\n"
		     "  # Allow all subdomains of a host\n  sbx policy allow network \"*.npmjs.org\"\n\n"
		     "  # Allow all outbound traffic\n  sbx policy allow network \"**\"",
	  .flags = scope_old_flags,
	  .feat = F_RULES_SANDBOX_FLAG,
	  .args = "1",
	  .daemon = true,
	  .run = sbx_cmd_policy_allow },
	{ .path = "policy check", .short_ = "Check whether policy allows an access request", .use = "sbx policy check COMMAND", .feat = F_POLICY_V2 },
	/* docs@0ed7166 sbx_policy_check_network.yaml */
	{ .path = "policy check network",
	  .short_ = "Check network access to a host",
	  .long_ = "Check whether current policy allows network access to TARGET.\n\n"
		   "TARGET may be a hostname, host:port, IP literal, or URL. Bare hosts and IP\n"
		   "literals are evaluated with port 443. HTTP(S) URLs use their default ports;\n"
		   "other URL schemes must include an explicit port.",
	  .use = "sbx policy check network [--sandbox SANDBOX] TARGET [flags]",
	  .flags = check_flags,
	  .feat = F_POLICY_V2,
	  .args = "1",
	  .daemon = true,
	  .run = sbx_cmd_policy_check },
	{ .path = "policy deny", .short_ = "Add a deny policy for sandboxes", .use = "sbx policy deny COMMAND", .long_ = "Add a policy that blocks sandbox access to specified resources.\n\n"
															 "Deny rules always take precedence over allow rules.",
	  .unless = F_POLICY_V2 },
	{ .path = "policy deny", .short_ = "Add a deny rule for sandboxes", .use = "sbx policy deny COMMAND", .long_ = "Add a rule that blocks sandbox access to specified resources.\n\n"
														       "Deny rules always take precedence over allow rules.",
	  .feat = F_POLICY_V2 },
	/* deny network: sbxsim's own (<= v0.28), docs@00ba4d3, docs@c2b0924 */
	{ .path = "policy deny network",
	  .short_ = "Deny network access to specified hosts",
	  .long_ = DENY_LONG_OLD "\n\nRules apply globally to all sandboxes.",
	  .use = "sbx policy deny network RESOURCES [flags]",
	  .feat = F_RULES_GLOBAL_ONLY,
	  .args = "1",
	  .daemon = true,
	  .run = sbx_cmd_policy_deny },
	{ .path = "policy deny network",
	  .short_ = "Deny network access to specified hosts",
	  .long_ = DENY_LONG_OLD "\n\nUse -g/--global to apply the rule globally to all sandboxes, or provide\n"
				 "SANDBOX before RESOURCES to scope the rule to a specific sandbox.",
	  .use = "sbx policy deny network [-g | SANDBOX] RESOURCES [flags]",
	  .example = "  # Block access to a host globally\n  sbx policy deny network -g ads.example.com\n\n"
		     "  # Block a host only for a specific sandbox\n  sbx policy deny network my-sandbox ads.example.com\n\n"
		     "  # Block all outbound traffic globally\n  sbx policy deny network -g \"**\"",
	  .flags = scope_old_flags,
	  .feat = F_RULES_POSITIONAL_SCOPE,
	  .args = "1-2",
	  .daemon = true,
	  .run = sbx_cmd_policy_deny },
	{ .path = "policy deny network",
	  .short_ = "Deny network access to specified hosts",
	  .long_ = DENY_LONG_OLD "\n\nThe rule applies globally to all sandboxes by default. Use --sandbox to add\n"
				 "the rule to policy \"local\" scoped to a single sandbox instead.",
	  .use = "sbx policy deny network [--sandbox SANDBOX] RESOURCES [flags]",
	  .example = "  # Block access to a host (all sandboxes)\n  sbx policy deny network ads.example.com\n\n"
		     "  # Block a host only for a specific sandbox\n"
		     "  sbx policy deny network --sandbox my-sandbox ads.example.com\n\n"
		     "  # Block all outbound traffic\n  sbx policy deny network \"**\"",
	  .flags = scope_old_flags,
	  .feat = F_RULES_SANDBOX_FLAG,
	  .args = "1",
	  .daemon = true,
	  .run = sbx_cmd_policy_deny },
	/* docs@46dc0bb sbx_policy_init.yaml without its --cloud part */
	{ .path = "policy init",
	  .short_ = "Initialize the global network policy",
	  .long_ = "Initialize the global network policy that applies to all sandboxes.\n\n"
		   "This sets the initial global network policy and must be run before adding\n"
		   "custom allow/deny rules or starting a sandbox for the first time. It is a\n"
		   "one-time setup: once initialized, use \"sbx policy reset\" to start over.\n\n"
		   "Available policies:\n"
		   "  allow-all   All outbound network traffic is allowed\n"
		   "  balanced    Typical development traffic is allowed, such as AI services and package registries\n"
		   "  deny-all    All outbound network traffic is blocked\n\n"
		   "After initializing, use \"sbx policy allow/deny/rm\" to change the global policy.\n"
		   "Use \"sbx policy reset\" to clear all policies and start over.",
	  .use = "sbx policy init allow-all|balanced|deny-all [flags]",
	  .example = "  # Initialize with the balanced policy \xe2\x80\x94 recommended\n  sbx policy init balanced\n\n"
		     "  # Allow all traffic\n  sbx policy init allow-all\n\n"
		     "  # Block everything, then allow specific sites\n  sbx policy init deny-all\n"
		     "  sbx policy allow network api.example.com:443",
	  .feat = F_POLICY_INIT,
	  .args = "1",
	  .daemon = true,
	  .run = sbx_cmd_policy_init },
	{ .path = "policy inspect", .short_ = "Inspect policy or rule details", .feat = F_POLICY_V2, .run = sbx_cmd_not_simulated },
	{ .path = "policy log", .short_ = "Show sandbox policy logs", .run = sbx_cmd_not_simulated },
	/* sbxsim's own (<= v0.28), help-policy-ls@docs-00ba4d3.txt, help-policy-ls@docs-c2b0924.txt */
	{ .path = "policy ls",
	  .short_ = "List sandbox policies",
	  .long_ = POLICY_LS_LONG_OLD,
	  .use = "sbx policy ls [flags]",
	  .example = "  # List all policies\n  sbx policy ls\n\n  # List only network policies\n  sbx policy ls --type network",
	  .flags = ls_flags,
	  .unless = F_POLICY_LS_SANDBOX_ARG,
	  .args = "0",
	  .daemon = true,
	  .run = sbx_cmd_policy_ls },
	{ .path = "policy ls",
	  .short_ = "List sandbox policies",
	  .long_ = POLICY_LS_LONG_OLD "\n\nWhen SANDBOX is specified, only policies that apply to that sandbox are shown\n"
				      "(global rules plus rules scoped to that sandbox).",
	  .use = "sbx policy ls [SANDBOX] [flags]",
	  .example = "  # List all policies\n  sbx policy ls\n\n  # List only network policies\n  sbx policy ls --type network\n\n"
		     "  # List policies that apply to a specific sandbox\n  sbx policy ls my-sandbox",
	  .flags = ls_flags,
	  .feat = F_POLICY_LS_SANDBOX_ARG,
	  .unless = F_POLICY_V2,
	  .args = "0-1",
	  .daemon = true,
	  .run = sbx_cmd_policy_ls },
	{ .path = "policy ls",
	  .short_ = "List sandbox policies",
	  .long_ = "List active sandbox policies.\n\n"
		   "Without SANDBOX, the command shows one overview row per policy with its source,\n"
		   "where it applies, and a summary of decisions by resource type. With SANDBOX, it\n"
		   "summarizes active rules that apply to that sandbox.\n\n"
		   "Use --wide to show the detailed rule-level table with separate POLICY,\n"
		   "POLICY_ID, RULE, and RULE_ID columns plus resources, status, and rule\n"
		   "metadata. RULE_ID is the identifier accepted by \"sbx policy rm network --id\"\n"
		   "(local rules only). Use --json for the filtered daemon response.\n\n"
		   "When remote governance is active, inactive policy rules are hidden by default.\n"
		   "Use --include-inactive to show inactive rules for troubleshooting.\n"
		   "Use \"sbx policy inspect <policy-or-rule>\" for full detail on a selected policy or\n"
		   "rule.",
	  .use = "sbx policy ls [SANDBOX] [flags]",
	  .example = "  # List all policies\n  sbx policy ls\n\n"
		     "  # List the policies that apply to one sandbox\n  sbx policy ls my-sandbox\n\n"
		     "  # Show detailed rule-level rows with rule IDs and resources\n  sbx policy ls --wide\n\n"
		     "  # Output filtered rules as JSON\n  sbx policy ls --json\n\n"
		     "  # List only network policies\n  sbx policy ls --type network\n\n"
		     "  # List organization policies that deny access\n  sbx policy ls --source org --decision deny\n\n"
		     "  # Include inactive rules hidden by remote governance\n  sbx policy ls --include-inactive",
	  .flags = ls_flags,
	  .feat = F_POLICY_V2,
	  .args = "0-1",
	  .daemon = true,
	  .run = sbx_cmd_policy_ls },
	/* docs@00ba4d3 sbx_policy_reset.yaml */
	{ .path = "policy reset",
	  .short_ = "Reset policies to defaults",
	  .long_ = "Remove all custom policies and restart the daemon to restore defaults.\n\n"
		   "This deletes the local policy store and stops the daemon. When the daemon\n"
		   "restarts (automatically on next command), the default policy is installed.\n\n"
		   "If sandboxes are currently running, they will be stopped when the daemon\n"
		   "shuts down. You will be prompted for confirmation unless --force is used.",
	  .use = "sbx policy reset [flags]",
	  .example = "  # Reset policies (prompts if sandboxes are running)\n  sbx policy reset\n\n"
		     "  # Reset policies without confirmation\n  sbx policy reset --force",
	  .flags = force_flags,
	  .args = "0",
	  .daemon = true,
	  .run = sbx_cmd_policy_reset },
	/* docs@1a420e1 sbx_policy_rm.yaml; the v0.35+ text is sbxsim's own. */
	{ .path = "policy rm", .short_ = "Remove a policy", .long_ = "Remove a previously added allow or deny policy.", .use = "sbx policy rm COMMAND", .unless = F_POLICY_V2 },
	{ .path = "policy rm", .short_ = "Remove a policy rule", .long_ = "Remove a previously added allow or deny rule.", .use = "sbx policy rm COMMAND", .feat = F_POLICY_V2 },
	/* rm network: sbxsim's own (<= v0.28), docs@15a7780, docs@c2b0924 */
	{ .path = "policy rm network",
	  .short_ = "Remove a network policy",
	  .long_ = "Remove a network policy by rule ID, resource, or both.\n\n"
		   "Use \"sbx policy ls\" to see active policies and their IDs/resources.",
	  .use = "sbx policy rm network [flags]",
	  .flags = rm_network_flags,
	  .feat = F_RULES_GLOBAL_ONLY,
	  .args = "0",
	  .daemon = true,
	  .run = sbx_cmd_policy_rm },
	{ .path = "policy rm network",
	  .short_ = "Remove a network policy",
	  .long_ = "Remove a network policy by rule ID, resource, or both.\n\n"
		   "Use -g/--global to remove from the global policy, or provide SANDBOX to\n"
		   "remove from a sandbox-scoped policy.\n\n"
		   "Use \"sbx policy ls\" to see active policies and their IDs/resources.",
	  .use = "sbx policy rm network [-g | SANDBOX] [flags]",
	  .example = "  # List policies to find the ID or resource to remove\n  sbx policy ls\n\n"
		     "  # Remove a global rule by resource\n  sbx policy rm network -g --resource api.example.com\n\n"
		     "  # Remove a global rule by ID\n  sbx policy rm network -g --id 2d3c1f0e-4a73-4e05-bc9d-f2f9a4b50d67\n\n"
		     "  # Remove a sandbox-scoped rule by resource\n  sbx policy rm network my-sandbox --resource api.example.com",
	  .flags = rm_network_flags,
	  .feat = F_RULES_POSITIONAL_SCOPE,
	  .args = "0-1",
	  .daemon = true,
	  .run = sbx_cmd_policy_rm },
	{ .path = "policy rm network",
	  .short_ = "Remove a network rule",
	  .long_ = "Remove a network rule by rule ID, resource, or both.\n\n"
		   "The rule is removed from the global policy by default. Use --sandbox to\n"
		   "remove from policy \"local\" scoped to a single sandbox instead.",
	  .use = "sbx policy rm network [--sandbox SANDBOX] [flags]",
	  .example = "  # Remove a global rule by resource\n  sbx policy rm network --resource api.example.com\n\n"
		     "  # Remove a global rule by ID\n  sbx policy rm network --id 2d3c1f0e-4a73-4e05-bc9d-f2f9a4b50d67\n\n"
		     "  # Remove a sandbox-scoped rule by resource\n"
		     "  sbx policy rm network --sandbox my-sandbox --resource api.example.com",
	  .flags = rm_network_flags,
	  .feat = F_RULES_SANDBOX_FLAG,
	  .args = "0",
	  .daemon = true,
	  .run = sbx_cmd_policy_rm },
	/* docs@15a7780 sbx_policy_set-default.yaml; a deprecated alias of init from v0.34 */
	{ .path = "policy set-default",
	  .short_ = "Set the default network policy",
	  .long_ = "Set the default network policy for all sandboxes.\n\n"
		   "This must be run before adding custom allow/deny rules or starting a sandbox\n"
		   "for the first time. The default policy determines the baseline network access.\n\n"
		   "Available policies:\n"
		   "  allow-all   All outbound network traffic is allowed\n"
		   "  balanced    Common dev traffic allowed (AI services, package registries, etc.)\n"
		   "  deny-all    All outbound network traffic is blocked\n\n"
		   "After setting defaults, use \"sbx policy allow/deny\" to add custom rules.\n"
		   "Use \"sbx policy reset\" to clear all policies and start over.",
	  .use = "sbx policy set-default <allow-all|balanced|deny-all> [flags]",
	  .example = "  # Set balanced defaults (recommended)\n  sbx policy set-default balanced\n\n"
		     "  # Allow all traffic\n  sbx policy set-default allow-all\n\n"
		     "  # Block everything, then allow specific sites\n  sbx policy set-default deny-all",
	  .feat = F_POLICY_SET_DEFAULT_VISIBLE,
	  .args = "1",
	  .daemon = true,
	  .run = sbx_cmd_policy_set_default },
	{ .path = "policy set-default",
	  .short_ = "Set the default network policy",
	  .use = "sbx policy set-default <allow-all|balanced|deny-all> [flags]",
	  .feat = F_POLICY_SET_DEFAULT,
	  .unless = F_POLICY_SET_DEFAULT_VISIBLE,
	  .deprecated = "use \"sbx policy init\" instead",
	  .args = "1",
	  .daemon = true,
	  .run = sbx_cmd_policy_init },
	/* docs@00ba4d3 sbx_secret.yaml (a group that runs nothing itself) */
	{ .path = "secret",
	  .short_ = "Manage stored secrets",
	  .long_ = "Manage stored secrets for sandbox environments.\n\n"
		   "Secrets are stored per service name (e.g., \"github\", \"anthropic\", \"openai\").\n"
		   "When a sandbox starts, the proxy uses stored secrets to authenticate API\n"
		   "requests on behalf of the agent. The secret is never exposed directly to the\n"
		   "agent.\n\n"
		   "Secrets can be scoped globally (shared across all sandboxes) or to a\n"
		   "specific sandbox.",
	  .use = "" },
	{ .path = "secret import", .short_ = "Import secrets from the host environment", .feat = F_SECRET_IMPORT, .run = sbx_cmd_not_simulated },
	/* docs@0ed7166 sbx_secret_ls.yaml */
	{ .path = "secret ls",
	  .short_ = "List stored secrets",
	  .use = "sbx secret ls [SANDBOX] [flags]",
	  .example = "  # List all secrets\n  sbx secret ls\n\n  # List only global secrets\n  sbx secret ls -g\n\n"
		     "  # List secrets for a specific sandbox\n  sbx secret ls my-sandbox\n\n"
		     "  # Filter by service\n  sbx secret ls --service github",
	  .flags = secret_ls_flags,
	  .args = "0-1",
	  .daemon = true,
	  .run = sbx_cmd_secret_ls },
	/* docs@0ed7166 sbx_secret_rm.yaml (flags sbxsim simulates); the --sandbox form is seen in v0.39.0
	 * (sbx-releases#555), its help text is sbxsim's own. */
	{ .path = "secret rm",
	  .short_ = "Remove a secret",
	  .use = "sbx secret rm [-g | SANDBOX] [SERVICE] [flags]",
	  .flags = secret_rm_flags,
	  .unless = F_SECRET_RM_V2,
	  .args = "0-2",
	  .daemon = true,
	  .run = sbx_cmd_secret_rm },
	{ .path = "secret rm",
	  .short_ = "Remove a secret",
	  .use = "sbx secret rm [SERVICE] [flags]",
	  .flags = secret_rm_flags,
	  .feat = F_SECRET_RM_V2,
	  .args = "0-2",
	  .daemon = true,
	  .run = sbx_cmd_secret_rm },
	/* help-secret-set@docs-00ba4d3.txt; docs@c2b0924 sbx_secret_set.yaml, service secrets only */
	{ .path = "secret set",
	  .short_ = "Create or update a secret",
	  .long_ = "Create or update a secret for a service.\n\n"
		   "Available services: {SERVICES}\n\n"
		   "When no arguments are provided, an interactive prompt guides you through\n"
		   "scope and service selection.",
	  .use = "sbx secret set [-g | sandbox] [service] [flags]",
	  .example = "  # Store a GitHub token globally (available to all sandboxes)\n  sbx secret set -g github\n\n"
		     "  # Store an OpenAI key for a specific sandbox\n  sbx secret set my-sandbox openai\n\n"
		     "  # Non-interactive via stdin (e.g., from a secret manager or env var)\n"
		     "  echo \"$ANTHROPIC_API_KEY\" | sbx secret set -g anthropic\n\n"
		     "  # Start OpenAI OAuth flow and store global OAuth tokens\n  sbx secret set -g openai --oauth",
	  .flags = secret_set_flags,
	  .unless = F_SECRET_SET_V2,
	  .args = "0-2",
	  .daemon = true,
	  .run = sbx_cmd_secret_set },
	{ .path = "secret set",
	  .short_ = "Create or update a secret",
	  .long_ = "Create or update a service secret.\n\n"
		   "Available services: {SERVICES}\n\n"
		   "Service secrets apply globally by default. Use --sandbox to scope a secret to\n"
		   "one sandbox. When SERVICE is omitted, an interactive prompt selects it.",
	  .use = "sbx secret set [SERVICE] [flags]",
	  .example = "  # Store a GitHub token globally (available to all sandboxes)\n  sbx secret set github\n\n"
		     "  # Store an OpenAI key for a specific sandbox\n  sbx secret set openai --sandbox my-sandbox\n\n"
		     "  # Non-interactive via stdin (e.g., from a secret manager or env var)\n"
		     "  echo \"$ANTHROPIC_API_KEY\" | sbx secret set anthropic\n\n"
		     "  # Start OpenAI OAuth flow and store global OAuth tokens\n  sbx secret set openai --oauth",
	  .flags = secret_set_flags,
	  .feat = F_SECRET_SET_V2,
	  .args = "0-2",
	  .daemon = true,
	  .run = sbx_cmd_secret_set },
};

const struct sbx_cmd *sbx_cmds_policy(int *n);

const struct sbx_cmd *sbx_cmds_policy(int *n)
{
	*n = (int)NELEM(cmds);
	return cmds;
}
