/*
 * sbx_cmds_main: the root, the global flags and the sandbox commands of
 * the command tree (the policy and secret groups are in
 * sbx_cmds_policy.c).  Texts are the CLI reference's
 * (github.com/docker/docs data/sbx_cli/sbx_*.yaml) at the commit named in each
 * comment; where no reference was read the text is sbxsim's and says so.
 * Each entry is gated by release-table features (sbx_release.c).
 */
#include "sbx_internal.h"

#include <stdlib.h>
#include <string.h>

/* docs@c2b0924 sbx.yaml; --no-input is an assumption (F_GLOBAL_NO_INPUT). */
const struct sbx_flagdef sbx_global_flags[] = {
	{ .name = "cloud",
	  .usage = "Dispatch to Docker Cloud Sandboxes API instead of local sandboxd (supported by a growing set of verbs "
		   "\xe2\x80\x94 run 'sbx --cloud --help' for the current list)",
	  .feat = F_GLOBAL_CLOUD },
	/* The reference's default would add (default "https://..."): the
	 * reference-derived samples leave it out, so does sbxsim. */
	{ .name = "cloud-api-url",
	  .type = "string",
	  .usage = "Cloud Sandboxes API URL; only used with --cloud. Defaults to prod "
		   "(https://api.sandboxes-cloud.docker.com/v1). Set DOCKER_CLOUD_API_URL or pass this flag to override.",
	  .feat = F_GLOBAL_CLOUD },
	{ .name = "debug", .shorthand = 'D', .usage = "Enable debug logging" },
	{ .name = "no-input",
	  .usage = "Never prompt; commands that need an answer fail with the command to run instead",
	  .feat = F_GLOBAL_NO_INPUT },
	{ 0 },
};

/* A name some releases know: listed where the release has the feature. */
struct named_feature {
	const char *name;
	enum sbx_feature feat;
};

static const struct named_feature AGENTS[] = {
	{ "claude", F_ALWAYS },
	{ "codex", F_ALWAYS },
	{ "copilot", F_ALWAYS },
	{ "cursor", F_ALWAYS },
	{ "devin", F_AGENT_DEVIN },
	{ "docker-agent", F_ALWAYS },
	{ "droid", F_ALWAYS },
	{ "gemini", F_AGENT_GEMINI },
	{ "kiro", F_ALWAYS },
	{ "opencode", F_ALWAYS },
	{ "shell", F_ALWAYS },
};

static const struct named_feature SERVICES[] = {
	{ "anthropic", F_ALWAYS },
	{ "aws", F_SECRET_AWS },
	{ "copilot", F_SECRET_COPILOT_DEVIN },
	{ "cursor", F_ALWAYS },
	{ "devin", F_SECRET_COPILOT_DEVIN },
	{ "droid", F_ALWAYS },
	{ "github", F_ALWAYS },
	{ "google", F_ALWAYS },
	{ "groq", F_ALWAYS },
	{ "mistral", F_ALWAYS },
	{ "nebius", F_ALWAYS },
	{ "openai", F_ALWAYS },
	{ "openrouter", F_SECRET_OPENROUTER },
	{ "xai", F_ALWAYS },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The names of table that this release has, NULL-terminated, in out (room for n + 1). */
static const char **names_in(const struct sbx_ctx *ctx, const struct named_feature *table, size_t n, const char **out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (sbx_has(ctx, table[i].feat))
			out[k++] = table[i].name;
	out[k] = NULL;
	return out;
}

const char **sbx_agents(const struct sbx_ctx *ctx)
{
	static const char *out[NELEM(AGENTS) + 1];
	return names_in(ctx, AGENTS, NELEM(AGENTS), out);
}

const char **sbx_services(const struct sbx_ctx *ctx)
{
	static const char *out[NELEM(SERVICES) + 1];
	return names_in(ctx, SERVICES, NELEM(SERVICES), out);
}

char *sbx_join(const char **list)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	for (int i = 0; list[i]; i++)
		fprintf(out, "%s%s", i ? ", " : "", list[i]);
	fclose(out);
	return buf;
}

bool sbx_in_list(const char **list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

#define ROOT_LONG \
	"Docker Sandboxes creates isolated sandbox environments for AI agents, powered by Docker.\n\n" \
	"Run without a command to launch interactive mode, or pass a command for CLI usage."

/* create: docs@00ba4d3 (<= v0.41) and docs@c2b0924 (>= v0.42) sbx_create.yaml. */
static const struct sbx_flagdef create_flags[] = {
	{ .name = "branch", .type = "string", .usage = "Create a Git worktree on the given branch", .unless = F_BRANCH_REMOVED },
	{ .name = "branch", .type = "string", .usage = "removed", .feat = F_BRANCH_REMOVED, .hidden = true },
	{ .name = "clone",
	  .usage = "Run the agent on a private in-container clone of the host Git repository (mounted read-only) instead of "
		   "bind-mounting the workspace; the agent's commits are accessible via the sandbox-<name> git remote on the host",
	  .feat = F_BRANCH_REMOVED },
	{ .name = "cpus", .type = "int", .usage = "Number of CPUs to allocate to the sandbox (0 = auto: N-1 host CPUs, min 1)", .unless = F_CREATE_PATH_OPTIONAL },
	{ .name = "cpus", .type = "int", .usage = "Number of CPUs to allocate to the sandbox (0 = auto: all host CPUs)", .feat = F_CREATE_PATH_OPTIONAL },
	{ .name = "env", .shorthand = 'e', .type = "stringArray", .usage = "Set an environment variable in the sandbox (can be repeated): KEY=VALUE, or a bare KEY to take the value "
									   "from the current environment",
	  .feat = F_CREATE_ENV },
	{ .name = "env-file", .type = "stringArray", .usage = "Read environment variables from a file (can be repeated). --env wins over any file; a later file wins "
							      "over an earlier one",
	  .feat = F_CREATE_ENV },
	{ .name = "kit", .type = "strings", .usage = "Kit reference (directory, ZIP, or OCI). Can be specified multiple times", .unless = F_CREATE_PATH_OPTIONAL },
	{ .name = "kit", .type = "strings", .usage = "Additional kit reference (must be a mixin; directory, ZIP, git, or OCI). Can be specified multiple times", .feat = F_CREATE_PATH_OPTIONAL },
	{ .name = "memory", .shorthand = 'm', .type = "string", .usage = "Memory limit in binary units (e.g., 1024m, 8g). Default: 50% of host memory, max 32 GiB" },
	{ .name = "name", .type = "string", .usage = "Name for the sandbox (default: <agent>-<workdir>, letters, numbers, hyphens, periods, plus signs and "
						     "minus signs only)",
	  .unless = F_CREATE_PATH_OPTIONAL },
	{ .name = "name", .type = "string", .usage = "Name for the sandbox (defaults to <agent>-<workdir>; at least two characters, starting with a letter or "
						     "number, containing only letters, numbers, hyphens and periods; 'default' is reserved)",
	  .feat = F_CREATE_PATH_OPTIONAL },
	{ .name = "quiet", .shorthand = 'q', .usage = "Suppress verbose output" },
	{ .name = "template", .shorthand = 't', .type = "string", .usage = "Container image to use for the sandbox (default: agent-specific image)" },
	{ 0 },
};

/* run: docs@15a7780 (< v0.33) and docs@c2b0924 (>= v0.33) sbx_run.yaml;
 * -d/--detached is hidden (SBXI#479). */
static const struct sbx_flagdef run_flags[] = {
	{ .name = "branch", .type = "string", .usage = "Create a Git worktree on the given branch (use --branch auto to auto-generate)", .unless = F_BRANCH_REMOVED },
	{ .name = "branch", .type = "string", .usage = "removed", .feat = F_BRANCH_REMOVED, .hidden = true },
	{ .name = "clone",
	  .usage = "Run the agent on a private in-container clone of the host Git repository; must be set at sandbox creation "
		   "time (no-op when re-attaching to an existing clone-mode sandbox)",
	  .feat = F_BRANCH_REMOVED },
	{ .name = "cpus", .type = "int", .usage = "Number of CPUs to allocate to the sandbox (0 = auto: N-1 host CPUs, min 1)", .unless = F_CREATE_PATH_OPTIONAL },
	{ .name = "cpus", .type = "int", .usage = "Number of CPUs to allocate to the sandbox (0 = auto: all host CPUs)", .feat = F_CREATE_PATH_OPTIONAL },
	{ .name = "detached", .shorthand = 'd', .usage = "Start the sandbox without an interactive session", .hidden = true },
	{ .name = "env", .shorthand = 'e', .type = "stringArray", .usage = "Set an environment variable in the sandbox (can be repeated): KEY=VALUE, or a bare KEY to take the value "
									   "from the current environment. Applies to the agent session, so it takes effect on a re-attach too; also "
									   "baked into the sandbox when this run creates it",
	  .feat = F_CREATE_ENV },
	{ .name = "env-file", .type = "stringArray", .usage = "Read environment variables from a file (can be repeated). --env wins over any file; a later file wins "
							      "over an earlier one. Applies to the agent session, so it takes effect on a re-attach too; also baked into "
							      "the sandbox when this run creates it",
	  .feat = F_CREATE_ENV },
	{ .name = "kit", .type = "strings", .usage = "Kit reference (directory, ZIP, or OCI). Can be specified multiple times", .unless = F_CREATE_PATH_OPTIONAL },
	{ .name = "kit", .type = "strings", .usage = "Additional kit reference (must be a mixin; directory, ZIP, git, or OCI). Can be specified multiple times", .feat = F_CREATE_PATH_OPTIONAL },
	{ .name = "memory", .shorthand = 'm', .type = "string", .usage = "Memory limit in binary units (e.g., 1024m, 8g). Default: 50% of host memory, max 32 GiB" },
	{ .name = "name", .type = "string", .usage = "Name for the sandbox (default: <agent>-<workdir>)" },
	{ .name = "template", .shorthand = 't', .type = "string", .usage = "Container image to use for the sandbox (default: agent-specific image)" },
	{ 0 },
};

/* docs@00ba4d3 sbx_exec.yaml */
static const struct sbx_flagdef exec_flags[] = {
	{ .name = "detach", .shorthand = 'd', .usage = "Detached mode: run command in the background" },
	{ .name = "detach-keys", .type = "string", .usage = "Override the key sequence for detaching a container" },
	{ .name = "env", .shorthand = 'e', .type = "stringArray", .usage = "Set environment variables" },
	{ .name = "env-file", .type = "stringArray", .usage = "Read in a file of environment variables" },
	{ .name = "interactive", .shorthand = 'i', .usage = "Keep STDIN open even if not attached" },
	{ .name = "privileged", .usage = "Give extended privileges to the command" },
	{ .name = "tty", .shorthand = 't', .usage = "Allocate a pseudo-TTY" },
	{ .name = "user", .shorthand = 'u', .type = "string", .usage = "Username or UID (format: <name|uid>[:<group|gid>])" },
	{ .name = "workdir", .shorthand = 'w', .type = "string", .usage = "Working directory inside the container" },
	{ 0 },
};

static const struct sbx_flagdef version_flags[] = {
	{ .name = "json",
	  .usage = "Output in JSON format, including the server version and, when the backend reports them, the runtime "
		   "component versions",
	  .feat = F_VERSION_JSON },
	{ 0 },
};

static const struct sbx_flagdef ls_flags[] = {
	{ .name = "json", .usage = "Output in JSON format" },
	{ .name = "quiet", .shorthand = 'q', .usage = "Only display sandbox names" },
	{ 0 },
};

static const struct sbx_flagdef rm_flags[] = {
	{ .name = "all", .usage = "Remove all sandboxes" },
	{ .name = "force", .shorthand = 'f', .usage = "Skip confirmation prompts", .unless = F_RM_IN_USE },
	{ .name = "force", .shorthand = 'f', .usage = "Skip confirmation prompts and delete even if in use (e.g. an open SSH connection)", .feat = F_RM_IN_USE },
	{ 0 },
};

#define NOT_SIMULATED(p, s, f) \
	{ \
		.path = p, .short_ = s, .feat = f, .run = sbx_cmd_not_simulated \
	}

#define AGENT(a, f) \
	{ \
		.path = "create " a, .short_ = "Create a sandbox for " a, .use = "sbx create " a " [PATH...] [flags]", \
		.flags = create_flags, .feat = f, .daemon = true, .run = sbx_cmd_create \
	}

static const struct sbx_cmd cmds[] = {
	/* Root: docs@15a7780, @115f1de, @c2b0924 sbx.yaml; help@unknown-gsa111.txt is a real paste. */
	{ .path = "", .use = "sbx", .long_ = ROOT_LONG, .unless = F_ROOT_USAGE_COMMAND },
	{ .path = "", .use = "sbx COMMAND", .long_ = ROOT_LONG, .feat = F_ROOT_USAGE_COMMAND },
	NOT_SIMULATED("attach", "Attach to a running cloud sandbox", F_CMDS_CLOUD_ERA),
	/* cobra's own completion and help commands */
	{ .path = "completion",
	  .short_ = "Generate the autocompletion script for the specified shell",
	  .long_ = "Generate the autocompletion script for sbx for the specified shell.\n"
		   "See each sub-command's help for details on how to use the generated script.\n",
	  .run = sbx_cmd_not_simulated },
	NOT_SIMULATED("cp", "Copy files or directories between a sandbox and the host", F_CMD_CP_DIAGNOSE),
	{ .path = "create",
	  .short_ = "Create a sandbox for an agent",
	  .long_ = "Create a sandbox with access to a host workspace for an agent.\n\n"
		   "Use \"sbx run SANDBOX\" to attach to the agent after creation.",
	  .use = "sbx create [flags] AGENT PATH [PATH...]",
	  .example = "  # Create a sandbox for Claude in the current directory\n  sbx create claude .\n\n"
		     "  # Create a sandbox with a custom name\n  sbx create --name my-project claude /path/to/project\n\n"
		     "  # Create with additional read-only workspaces\n  sbx create claude . /path/to/docs:ro\n\n"
		     "  # Create with a Git worktree for isolated changes\n  sbx create --branch=feature/login claude .",
	  .flags = create_flags,
	  .unless = F_CREATE_PATH_OPTIONAL,
	  .args = "2+",
	  .daemon = true,
	  .run = sbx_cmd_create },
	{ .path = "create",
	  .short_ = "Create a sandbox for an agent",
	  .long_ = "Create a sandbox with access to a host workspace for an agent.\n\n"
		   "The first positional argument may be a built-in agent name or a sandbox kit\n"
		   "reference. Sandbox kit references may be local directories, ZIP files, git\n"
		   "repositories, or OCI references. Relative local references must be explicit\n"
		   "paths such as ./my-kit or ../my-kit.zip.\n\n"
		   "Omit the path to create a sandbox without a workspace bind mount: the agent\n"
		   "then works in the container's own filesystem instead of on your files.\n\n"
		   "Use \"sbx run --name SANDBOX\" to attach to the agent after creation.",
	  .use = "sbx create [flags] AGENT|SANDBOX_KIT [PATH...]",
	  .example = "  # Create a sandbox for Claude in the current directory\n  sbx create claude .\n\n"
		     "  # Create a sandbox with a custom name\n  sbx create --name my-project claude /path/to/project\n\n"
		     "  # Create with additional read-only workspaces\n  sbx create claude . /path/to/docs:ro\n\n"
		     "  # Create without a workspace bind mount\n  sbx create claude",
	  .flags = create_flags,
	  .feat = F_CREATE_PATH_OPTIONAL,
	  .args = "1+",
	  .daemon = true,
	  .run = sbx_cmd_create },
	AGENT("claude", F_ALWAYS),
	AGENT("codex", F_ALWAYS),
	AGENT("copilot", F_ALWAYS),
	AGENT("cursor", F_ALWAYS),
	AGENT("devin", F_AGENT_DEVIN),
	AGENT("docker-agent", F_ALWAYS),
	AGENT("droid", F_ALWAYS),
	AGENT("gemini", F_AGENT_GEMINI),
	AGENT("kiro", F_ALWAYS),
	AGENT("opencode", F_ALWAYS),
	AGENT("shell", F_ALWAYS),
	NOT_SIMULATED("daemon", "Manage sandboxd daemon", F_CMDS_CLOUD_ERA),
	NOT_SIMULATED("diagnose", "Diagnose common issues with your sbx installation", F_CMD_CP_DIAGNOSE),
	NOT_SIMULATED("env", "(Experimental) Manage sandboxes declaratively from an sbxenv.yaml file", F_CMDS_CLOUD_ERA),
	{ .path = "exec",
	  .short_ = "Execute a command inside a sandbox",
	  .long_ = "Execute a command in a sandbox. If the sandbox is stopped, it is started first.\n\n"
		   "Flags match the behavior of \"docker exec\".",
	  .use = "sbx exec [flags] SANDBOX COMMAND [ARG...]",
	  .example = "  # Open a shell inside a sandbox\n  sbx exec -it my-sandbox bash\n\n"
		     "  # Run a command in the background\n  sbx exec -d my-sandbox npm start\n\n"
		     "  # Run as root\n  sbx exec -u root my-sandbox apt-get update",
	  .flags = exec_flags,
	  .no_interspersed = true,
	  .args = "2+",
	  .daemon = true,
	  .run = sbx_cmd_exec },
	{ .path = "help",
	  .short_ = "Help about any command",
	  .long_ = "Help provides help for any command in the application.\n"
		   "Simply type sbx help [path to command] for full details.",
	  .use = "sbx help [command]",
	  .run = sbx_cmd_help },
	{ .path = "kit", .short_ = "Manage kit artifacts", .feat = F_CMD_KIT, .unless = F_KIT_EXPERIMENTAL, .run = sbx_cmd_not_simulated },
	NOT_SIMULATED("kit", "(Experimental) Manage kit artifacts", F_KIT_EXPERIMENTAL),
	NOT_SIMULATED("login", "Sign in to Docker", F_ALWAYS),
	{ .path = "logout", .short_ = "Sign out of Docker", .unless = F_LOGOUT_STOPS, .run = sbx_cmd_not_simulated },
	NOT_SIMULATED("logout", "Stop all running sandboxes and sign out of Docker", F_LOGOUT_STOPS),
	{ .path = "ls",
	  .aliases = "list",
	  .short_ = "List sandboxes",
	  .long_ = "List all sandboxes with their agent, status, published ports, and workspace.",
	  .use = "sbx ls [flags]",
	  .flags = ls_flags,
	  .daemon = true,
	  .run = sbx_cmd_ls },
	NOT_SIMULATED("mcp", "Manage MCP servers", F_CMDS_CLOUD_ERA),
	NOT_SIMULATED("move", "Move a sandbox between local and cloud", F_CMDS_CLOUD_ERA),
	NOT_SIMULATED("ports", "Manage sandbox port publishing", F_ALWAYS),
	NOT_SIMULATED("prune", "Remove all stopped sandboxes", F_CMDS_CLOUD_ERA),
	/* The output is reset@v0.33.0.txt; the text is sbxsim's. */
	{ .path = "reset", .short_ = "Reset all sandboxes and clean up state", .use = "sbx reset [flags]", .daemon = true, .run = sbx_cmd_reset },
	/* rm: before v0.29 no prompt and no --force (not confirmed: no reference that old was read). */
	{ .path = "rm",
	  .short_ = "Remove one or more sandboxes",
	  .long_ = "Remove one or more sandboxes and all associated resources.\n\n"
		   "Stops running sandboxes, removes their containers, cleans up any Git\n"
		   "worktrees, and deletes sandbox state. This action cannot be undone.",
	  .use = "sbx rm SANDBOX [SANDBOX...]",
	  .unless = F_RM_CONFIRM,
	  .args = "1+",
	  .daemon = true,
	  .run = sbx_cmd_rm },
	/* help-rm@docs-1a420e1.txt */
	{ .path = "rm",
	  .short_ = "Remove one or more sandboxes",
	  .long_ = "Remove one or more sandboxes and all associated resources.\n\n"
		   "Stops running sandboxes, removes their containers, cleans up any Git\n"
		   "worktrees, and deletes sandbox state. This action cannot be undone.\n\n"
		   "Use --all to remove every sandbox (requires confirmation).\n"
		   "Use --force to skip confirmation prompts (for non-interactive scripts).",
	  .use = "sbx rm [SANDBOX...] [flags]",
	  .flags = rm_flags,
	  .feat = F_RM_CONFIRM,
	  .unless = F_RM_IN_USE,
	  .daemon = true,
	  .run = sbx_cmd_rm },
	/* docs@c2b0924 sbx_rm.yaml without its --cloud sentences */
	{ .path = "rm",
	  .short_ = "Remove one or more sandboxes",
	  .long_ = "Remove one or more sandboxes and all associated resources.\n\n"
		   "Stops running sandboxes, removes their containers, cleans up any Git\n"
		   "worktrees, deletes sandbox state, and deletes secrets scoped to each removed\n"
		   "sandbox. This action cannot be undone.\n\n"
		   "Removal requires confirmation; use --force to skip confirmation prompts\n"
		   "(for non-interactive scripts) and to delete a sandbox that is in use\n"
		   "(e.g. an open SSH connection). Use --all to remove every sandbox.",
	  .use = "sbx rm [SANDBOX...] [flags]",
	  .flags = rm_flags,
	  .feat = F_RM_IN_USE,
	  .daemon = true,
	  .run = sbx_cmd_rm },
	{ .path = "run",
	  .short_ = "Run an agent in a sandbox",
	  .long_ = "Run an agent in a sandbox, creating the sandbox if it does not already exist.\n\n"
		   "Pass agent arguments after the \"--\" separator. Additional workspaces can be\n"
		   "provided as extra arguments. Append \":ro\" to mount them read-only.\n\n"
		   "To create a sandbox without attaching, use \"sbx create\" instead.\n\n"
		   "Available agents: {AGENTS}",
	  .use = "sbx run [flags] SANDBOX | AGENT [PATH...] [-- AGENT_ARGS...]",
	  .example = "  # Create and run a sandbox with claude in current directory\n  sbx run claude\n\n"
		     "  # Create and run with additional workspaces (read-only)\n  sbx run claude . /path/to/docs:ro\n\n"
		     "  # Run an existing sandbox\n  sbx run existing-sandbox\n\n"
		     "  # Run a sandbox with agent arguments\n  sbx run claude -- --continue",
	  .flags = run_flags,
	  .unless = F_RUN_NAME_FLAG,
	  .args = "1+",
	  .daemon = true,
	  .run = sbx_cmd_run },
	{ .path = "run",
	  .short_ = "Run an agent in a sandbox",
	  .long_ = "Run an agent in a sandbox, creating the sandbox if it does not already exist.\n\n"
		   "The first positional argument identifies the agent to run. To re-attach to an\n"
		   "existing sandbox by name, use --name; the agent positional is optional when the\n"
		   "named sandbox already exists and is read from its spec.\n\n"
		   "Pass agent arguments after the \"--\" separator. Additional workspaces can be\n"
		   "provided as extra arguments. Append \":ro\" to mount them read-only.\n\n"
		   "Omit the path to mount the current directory. Pass a path to mount a different\n"
		   "workspace.\n\n"
		   "To create a sandbox without attaching, use \"sbx create\" instead, or\n"
		   "pass --detached (-d) to print the sandbox ID and exit without opening an\n"
		   "interactive session.\n\n"
		   "Available agents: {AGENTS}",
	  .use = "sbx run [flags] [AGENT|SANDBOX_KIT] [PATH...] [-- AGENT_ARGS...]",
	  .example = "  # Create and run a sandbox with claude in the current directory\n  sbx run claude\n\n"
		     "  # Create and run with additional workspaces (read-only)\n  sbx run claude . /path/to/docs:ro\n\n"
		     "  # Re-attach to an existing sandbox by name (agent read from its spec)\n"
		     "  sbx run --name existing-sandbox\n\n"
		     "  # Run a sandbox with agent arguments\n  sbx run claude -- --continue",
	  .flags = run_flags,
	  .feat = F_RUN_NAME_FLAG,
	  .daemon = true,
	  .run = sbx_cmd_run },
	NOT_SIMULATED("setup", "(Experimental) Detect host configuration and prepare Docker Sandboxes", F_CMDS_CLOUD_ERA),
	NOT_SIMULATED("skills", "(Experimental) Manage skills available in sandboxes", F_CMDS_CLOUD_ERA),
	/* docs@1a420e1 sbx_stop.yaml */
	{ .path = "stop",
	  .short_ = "Stop one or more sandboxes without removing them",
	  .long_ = "Stop one or more running sandboxes without removing them.\n\n"
		   "Stopped sandboxes retain their state and can be restarted with \"sbx run\".",
	  .use = "sbx stop SANDBOX [SANDBOX...]",
	  .args = "1+",
	  .daemon = true,
	  .run = sbx_cmd_stop },
	NOT_SIMULATED("template", "Manage sandbox templates", F_ALWAYS),
	NOT_SIMULATED("ttl", "Inspect or extend a cloud sandbox's TTL", F_CMDS_CLOUD_ERA),
	NOT_SIMULATED("tui", "Open the interactive TUI dashboard", F_CMDS_CLOUD_ERA),
	/* help-version@docs-1a420e1.txt, help-version@docs-c2b0924.txt */
	{ .path = "version",
	  .short_ = "Show Docker Sandboxes version information",
	  .use = "sbx version",
	  .flags = version_flags,
	  .run = sbx_cmd_version },
	NOT_SIMULATED("volume", "Manage persistent volumes (cloud-only)", F_CMDS_CLOUD_ERA),
};

const struct sbx_cmd *sbx_cmds_main(int *n);
const struct sbx_cmd *sbx_cmds_policy(int *n);

const struct sbx_cmd *sbx_cmds_main(int *n)
{
	*n = (int)NELEM(cmds);
	return cmds;
}

const struct sbx_cmd *const *sbx_cmd_all(int *n)
{
	static const struct sbx_cmd **all;
	static int count;
	if (!all) {
		int a, b;
		const struct sbx_cmd *m = sbx_cmds_main(&a), *p = sbx_cmds_policy(&b);
		all = xcalloc((size_t)(a + b), sizeof(*all));
		for (int i = 0; i < a; i++)
			all[count++] = &m[i];
		for (int i = 0; i < b; i++)
			all[count++] = &p[i];
	}
	*n = count;
	return all;
}
