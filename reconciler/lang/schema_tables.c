/*
 * The sandbox.yaml language, version 1. Adding a key is adding a line here; the
 * validator, the typed config and `sbxapply schema` all read these tables.
 */
#include <string.h>

#include "refs/modelref.h"
#include "refs/policyrule.h"
#include "lang/schema.h"
#include "util/strutil.h"
#include "util/verreq.h"

static const char *check_endpoint(const char *text)
{
	if (str_starts_with(text, "unix://"))
		return text[7] == '/' ? NULL : "a unix:// endpoint needs an absolute socket path, as in unix:///var/run/docker.sock";
	const char *rest = str_starts_with(text, "http://") ? text + 7 : str_starts_with(text, "https://") ? text + 8
													   : NULL;
	if (!rest)
		return "the runner endpoint is an http://, https:// or unix:// URL";
	if (!*rest || *rest == '/' || *rest == ':')
		return "the runner endpoint needs a host, as in http://localhost:12434";
	return NULL;
}

static const char *check_version_requirement(const char *text)
{
	struct verreq r;
	const char *why = NULL;
	return verreq_parse(&r, text, &why) < 0 ? why : NULL;
}

static const char *check_sandbox_name(const char *text)
{
	return strcmp(text, "default") ? NULL : "'default' is reserved by sbx";
}

static const char *check_absolute(const char *text)
{
	return text[0] == '/' ? NULL : "a trusted path is absolute, as in /srv/shared";
}

static const char *check_mount(const char *text)
{
	const char *colon = strrchr(text, ':');
	if (colon && strcmp(colon, ":ro"))
		return "a mount is a path, optionally followed by :ro (read-only)";
	if (colon == text)
		return "a mount needs a path before :ro";
	return NULL;
}

static const char *const agents[] = {
	"claude",
	"codex",
	"copilot",
	"cursor",
	"devin",
	"docker-agent",
	"droid",
	"gemini",
	"kiro",
	"opencode",
	"shell",
	NULL,
};

static const char *const secret_services[] = {
	"anthropic",
	"cursor",
	"droid",
	"github",
	"google",
	"groq",
	"mistral",
	"nebius",
	"openai",
	"openrouter",
	"xai",
	"copilot", /* newer sbx releases (docs/backends.md §10) */
	"devin",
	NULL,
};

static const char *const policy_inits[] = { "allow-all", "balanced", "deny-all", NULL };

static const struct schema_type model_ref = {
	.kind = SK_STRING,
	.noun = "a model reference",
	.description = "A model reference as Docker Model Runner reads it: ai/gpt-oss, gpt-oss, "
		       "docker.io/ai/gpt-oss:latest and hf.co/org/model:tag all work.",
	.check = modelref_check,
	.positional = true,
};

static const struct schema_type context_size = {
	.kind = SK_INT,
	.noun = "a context size in tokens",
	.description = "Context window size in tokens.",
	.min = 1,
	.max = 2147483647,
};

static const struct schema_type flag = {
	.kind = SK_STRING,
	.noun = "a runtime flag",
	.description = "One argument passed to the inference engine.",
	.single_line = true,
};

static const struct schema_type runtime_flags = {
	.kind = SK_LIST,
	.noun = "a list of runtime flags",
	.description = "Extra inference engine arguments, applied with POST /engines/_configure, "
		       "as in [\"--temp\", \"0.7\"].",
	.items = &flag,
};

static const struct schema_field model_fields[] = {
	{ "context_size", &context_size, false, NULL,
	  "Runtime context size applied through the runner (as Compose's models element); "
	  "re-applied when the runner forgets it. The first configure loads the model.",
	  "32768" },
	{ "runtime_flags", &runtime_flags, false, NULL, NULL, "['--temp', '0.7']" },
	{ 0 },
};

static const struct schema_type model_options = {
	.kind = SK_OBJECT,
	.noun = "model options",
	.description = "Options for a model; leave empty to just pull it.",
	.fields = model_fields,
	.nullable = true,
};

static const struct schema_type models = {
	.kind = SK_MAP,
	.noun = "a mapping of model references to options",
	.description = "Models to pull into Docker Model Runner.",
	.key = &model_ref,
	.items = &model_options,
};

static const struct schema_field package_fields[] = {
	{ "from", &model_ref, true, NULL, "The declared model this variant is packaged from.", "ai/gpt-oss" },
	{ "context_size", &context_size, true, NULL, "Context size stored in the variant.", "32768" },
	{ 0 },
};

static const struct schema_type package = {
	.kind = SK_OBJECT,
	.noun = "a package",
	.description = "A persistent context-size variant (docker model package --from MODEL --context-size N NAME).",
	.fields = package_fields,
};

static const struct schema_type packages = {
	.kind = SK_MAP,
	.noun = "a mapping of package names to packages",
	.description = "Context-size variants of declared models, keyed by the new model name.",
	.key = &model_ref,
	.items = &package,
};

static const struct schema_type rule = {
	.kind = SK_STRING,
	.noun = "a network rule",
	.description = "A host, host:port, *.domain, **.domain, IP address or CIDR range.",
	.check = policyrule_check,
	.positional = true,
};

static const struct schema_type rules = {
	.kind = SK_LIST,
	.noun = "a list of network rules",
	.items = &rule,
};

static const struct schema_type policy_init = {
	.kind = SK_STRING,
	.noun = "a policy preset",
	.description = "Preset for `sbx policy init`, used only when the policy store was never initialised.",
	.enum_values = policy_inits,
};

static const struct schema_field policy_fields[] = {
	{ "init", &policy_init, false, NULL, NULL, "balanced" },
	{ "allow", &rules, false, NULL, "Global allow rules (sbx policy allow network).", "[localhost:12434, '*.githubusercontent.com']" },
	{ "deny", &rules, false, NULL, "Global deny rules; deny beats allow.", "[169.254.0.0/16]" },
	{ 0 },
};

static const struct schema_type policy = {
	.kind = SK_OBJECT,
	.noun = "a network policy",
	.description = "Global network policy rules for every sandbox.",
	.fields = policy_fields,
};

static const struct schema_field sandbox_policy_fields[] = {
	{ "allow", &rules, false, NULL, "Allow rules scoped to this sandbox.", "[api.example.com, '**.npmjs.org']" },
	{ "deny", &rules, false, NULL, "Deny rules scoped to this sandbox.", "[telemetry.example.com]" },
	{ 0 },
};

static const struct schema_type sandbox_policy = {
	.kind = SK_OBJECT,
	.noun = "a sandbox network policy",
	.description = "Network rules scoped to this sandbox.",
	.fields = sandbox_policy_fields,
};

static const struct schema_type env_name = {
	.kind = SK_STRING,
	.noun = "an environment variable name",
	.pattern = "^[A-Za-z_][A-Za-z0-9_]*$",
	.pattern_hint = "letters, digits and '_', not starting with a digit",
	.positional = true,
};

static const struct schema_type env_text = {
	.kind = SK_STRING,
	.noun = "an environment value",
	.description = "The value; numbers are taken as written.",
	.single_line = true,
	.may_be_sensitive = true,
};

static const struct schema_type sensitive_flag = {
	.kind = SK_BOOL,
	.noun = "true or false",
	.description = "Hide the value in plans, logs and JSON output.",
};

static const struct schema_field env_object_fields[] = {
	{ "value", &env_text, true, NULL, NULL, "'42'" },
	{ "sensitive", &sensitive_flag, false, "false, or true when the name looks secret", NULL, "false" },
	{ 0 },
};

static const struct schema_type env_object = {
	.kind = SK_OBJECT,
	.noun = "an environment value with options",
	.fields = env_object_fields,
};

static const struct schema_type env_value = {
	.kind = SK_ENV_VALUE,
	.noun = "an environment value",
	.description = "A string or number, or {value: ..., sensitive: true}. Names ending in "
		       "_KEY, _TOKEN or _SECRET, or holding PASSWORD, are sensitive by default.",
	.items = &env_object,
	.single_line = true,
	.may_be_sensitive = true,
};

static const struct schema_type env = {
	.kind = SK_MAP,
	.noun = "a mapping of variable names to values",
	.description = "Environment variables written to /etc/sandbox-persistent.sh.",
	.key = &env_name,
	.items = &env_value,
};

#define SERVICE_PATTERN "^[A-Za-z0-9][A-Za-z0-9._-]*$"
#define SERVICE_HINT \
	"letters, digits, '.', '_' and '-', starting with a letter or digit (no '/': sbx names a sandbox's secret SANDBOX/SERVICE)"

static const struct schema_type secret_service = {
	.kind = SK_STRING,
	.noun = "a secret service",
	.description = "A service sbx knows (anthropic, github, openai, ...) or one listed under custom_secret_services.",
	.enum_values = secret_services,
	.enum_open = true, /* for editors: custom_secret_services adds to the list */
	.enum_extension = "custom_secret_services",
	.pattern = SERVICE_PATTERN,
	.pattern_hint = SERVICE_HINT,
	.max_len = 64,
	.positional = true,
};

static const struct schema_type custom_secret_service = {
	.kind = SK_STRING,
	.noun = "a secret service name",
	.description = "A secret service this sbxapply does not know but the installed sbx does.",
	.pattern = SERVICE_PATTERN,
	.pattern_hint = SERVICE_HINT,
	.max_len = 64,
	.positional = true,
};

static const struct schema_type custom_secret_services = {
	.kind = SK_LIST,
	.noun = "a list of secret service names",
	.items = &custom_secret_service,
};

static const struct schema_type secret_value = {
	.kind = SK_STRING,
	.noun = "a secret value",
	.description = "Always sensitive; use ${VAR} to keep it out of the file.",
	.single_line = true,
	.may_be_sensitive = true,
};

static const struct schema_type secrets = {
	.kind = SK_MAP,
	.noun = "a mapping of services to secret values",
	.description = "Credentials stored with `sbx secret set SERVICE`, value on stdin.",
	.key = &secret_service,
	.items = &secret_value,
};

static const struct schema_type agent = {
	.kind = SK_STRING,
	.noun = "an agent",
	.description = "The agent the sandbox runs.",
	.enum_values = agents,
	.enum_open = true,
	.pattern = "^[A-Za-z0-9][A-Za-z0-9._-]*$",
	.pattern_hint = "letters, digits, '.', '_' and '-', starting with a letter or digit",
	.max_len = 64,
	.positional = true,
};

static const struct schema_type path = {
	.kind = SK_STRING,
	.noun = "a path",
	.description = "A directory, relative to this file.",
	.single_line = true,
};

static const struct schema_type mount = {
	.kind = SK_STRING,
	.noun = "a mount",
	.description = "An extra directory, relative to this file, optionally ending in :ro.",
	.single_line = true,
	.check = check_mount,
};

static const struct schema_type mounts = {
	.kind = SK_LIST,
	.noun = "a list of mounts",
	.description = "Extra directories the sandbox sees besides its workspace, relative to this file.",
	.items = &mount,
};

static const struct schema_type trusted_path = {
	.kind = SK_STRING,
	.noun = "an absolute path",
	.description = "A directory (symlinks resolved) that workspaces and mounts may be in or under, outside the project.",
	.single_line = true,
	.check = check_absolute,
};

static const struct schema_type trusted_paths = {
	.kind = SK_LIST,
	.noun = "a list of absolute paths",
	.items = &trusted_path,
};

static const struct schema_type outside_flag = {
	.kind = SK_BOOL,
	.noun = "true or false",
};

static const struct schema_type cpus = {
	.kind = SK_INT,
	.noun = "a number of CPUs",
	.description = "CPU limit of the sandbox; sbx's default when omitted.",
	.min = 1,
	.max = 1024,
};

static const struct schema_type memory = {
	.kind = SK_STRING,
	.noun = "a memory size",
	.description = "Memory limit with a binary unit, as in 8g or 1024m.",
	.pattern = "^[1-9][0-9]*[kmgtKMGT]$",
	.pattern_hint = "a whole number with a unit k, m, g or t, as in 8g",
};

static const struct schema_field sandbox_fields[] = {
	{ "agent", &agent, true, NULL, NULL, "claude" },
	{ "workspace", &path, false, "the file's directory (.)", "The workspace directory, relative to this file.", "project" },
	{ "mounts", &mounts, false, NULL, NULL, "['docs:ro', ../shared-lib]" },
	{ "allow_outside_project", &outside_flag, false, "false",
	  "Let this sandbox's workspace and mounts be outside the file's directory (never the home directory or / read-write).", "true" },
	{ "model", &model_ref, false, NULL, "A declared model or package; `sbxapply run` passes it to the agent.", "gpt-oss:32k" },
	{ "cpus", &cpus, false, NULL, NULL, "4" },
	{ "memory", &memory, false, NULL, NULL, "8g" },
	{ "env", &env, false, NULL, "Variables for this sandbox; they win over the top-level env.", "{ANTHROPIC_BASE_URL: 'http://host.docker.internal:12434', LOG_LEVEL: debug}" },
	{ "policy", &sandbox_policy, false, NULL, NULL, "{allow: [api.example.com], deny: [telemetry.example.com]}" },
	{ "secrets", &secrets, false, NULL, "Secrets scoped to this sandbox.", "{anthropic: '${ANTHROPIC_API_KEY}'}" },
	{ 0 },
};

static const struct schema_type sandbox_name = {
	.kind = SK_STRING,
	.noun = "a sandbox name",
	.pattern = "^[A-Za-z0-9][A-Za-z0-9.-]+$",
	.pattern_hint = "at least two characters: a letter or digit, then letters, digits, '-' and '.'",
	.check = check_sandbox_name,
	.max_len = 63, /* sbx v0.43+ (docs/backends.md §6) */
	.positional = true,
};

static const struct schema_type sandbox = {
	.kind = SK_OBJECT,
	.noun = "a sandbox",
	.description = "A Docker Sandbox (sbx create AGENT WORKSPACE --name NAME).",
	.fields = sandbox_fields,
};

static const struct schema_type sandboxes = {
	.kind = SK_MAP,
	.noun = "a mapping of sandbox names to sandboxes",
	.description = "Docker Sandboxes to create, keyed by sandbox name.",
	.key = &sandbox_name,
	.items = &sandbox,
};

static const struct schema_type version = {
	.kind = SK_INT,
	.noun = "the file format version",
	.description = "The sandbox.yaml format version. Only 1 exists.",
	.min = 1,
	.max = 1,
};

static const struct schema_type project = {
	.kind = SK_STRING,
	.noun = "a project name",
	.description = "Names this configuration in the inventory; defaults to the file's directory name.",
	.pattern = "^[a-z0-9][a-z0-9_-]*$",
	.pattern_hint = "lowercase letters, digits, '-' and '_', starting with a letter or digit",
	.max_len = SCHEMA_PROJECT_MAX, /* the inventory is <state>/<project>.json */
};

static const struct schema_type endpoint = {
	.kind = SK_STRING,
	.noun = "a URL",
	.description = "Docker Model Runner's endpoint: http://localhost:12434, or unix:///path/docker.sock "
		       "(Docker Desktop, /exp/vDD4.40 prefix added).",
	.format = "uri",
	.check = check_endpoint,
};

static const struct schema_field runner_fields[] = {
	{ "endpoint", &endpoint, false, NULL, NULL, "'http://localhost:12434'" },
	{ 0 },
};

static const struct schema_type runner = {
	.kind = SK_OBJECT,
	.noun = "runner settings",
	.description = "How to reach Docker Model Runner. Found automatically when omitted.",
	.fields = runner_fields,
};

static const struct schema_type sbx_requirement = {
	.kind = SK_STRING,
	.noun = "a version requirement",
	.description = "The sbx releases this file needs, checked before anything runs: >=, >, <=, < or = and a "
		       "version, comma-separated terms all holding, as in \">=0.33\" or \">=0.33, <0.50\". A partial "
		       "version names its whole range: \"<=0.40\" accepts every 0.40.x.",
	.pattern = "^ *(>=|<=|>|<|=) *v?[0-9]+(\\.[0-9]+){0,2} *(, *(>=|<=|>|<|=) *v?[0-9]+(\\.[0-9]+){0,2} *)*$",
	.pattern_hint = "operators >=, >, <=, < or = and a version, comma-separated",
	.single_line = true,
	.check = check_version_requirement,
};

static const struct schema_field requires_fields[] = {
	{ "sbx", &sbx_requirement, false, NULL, NULL, "'>=0.33, <0.60'" },
	{ 0 },
};

static const struct schema_type requires = {
	.kind = SK_OBJECT,
	.noun = "version requirements",
	.description = "The releases of the tools this file needs; a run stops before it observes anything when the "
		       "installed one does not meet them.",
	.fields = requires_fields,
};

static const struct schema_field root_fields[] = {
	{ "version", &version, true, NULL, NULL, "1" },
	{ "project", &project, false, "the directory name", NULL, "my-project" },
	{ "requires", &requires, false, NULL, NULL, "{sbx: '>=0.33'}" },
	{ "runner", &runner, false, NULL, NULL, "{endpoint: 'http://localhost:12434'}" },
	{ "models", &models, false, NULL, NULL, "{ai/gpt-oss: {context_size: 32768}, ai/qwen3-coder: null}" },
	{ "packages", &packages, false, NULL, NULL, "{'gpt-oss:32k': {from: ai/gpt-oss, context_size: 32768}}" },
	{ "policy", &policy, false, NULL, NULL, "{init: balanced, allow: ['localhost:12434'], deny: [169.254.0.0/16]}" },
	{ "env", &env, false, NULL, "Variables for every sandbox.", "{ANTHROPIC_BASE_URL: 'http://host.docker.internal:12434', EDITOR: vi}" },
	{ "secrets", &secrets, false, NULL, "Global secrets; they reach only sandboxes created after them.", "{github: '${GITHUB_TOKEN}'}" },
	{ "custom_secret_services", &custom_secret_services, false, NULL,
	  "Secret services the installed sbx knows beyond anthropic, cursor, droid, github, google, groq, "
	  "mistral, nebius, openai, openrouter, xai, copilot and devin.",
	  "[acme-llm]" },
	{ "trusted_paths", &trusted_paths, false, NULL,
	  "Absolute directories outside the file's directory that workspaces and mounts may use.", "[/srv/shared]" },
	{ "sandboxes", &sandboxes, false, NULL, NULL, "{claude-dmr: {agent: claude, workspace: ., model: 'gpt-oss:32k'}}" },
	{ 0 },
};

const struct schema_type schema_root = {
	.kind = SK_OBJECT,
	.noun = "a sandbox.yaml document",
	.description = "sbxapply configuration: Docker Model Runner models and packages, sbx network "
		       "policy, sandboxes, their environment and secrets.",
	.fields = root_fields,
};

const struct schema_field *schema_find_field(const struct schema_type *object, const char *name)
{
	for (const struct schema_field *f = object->fields; f && f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}
