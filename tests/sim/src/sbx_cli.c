/*
 * sbx_cli: the entry point of the simulated sbx: the release played, call
 * log, latency and faults, then what cobra does: find the command from the
 * words that are not flags, parse the flags (an unknown one fails before
 * anything else happens), answer -h/--help, check the argument count,
 * start sandboxd (the banner) and run the command.
 */
#include "calllog.h"
#include "faults.h"
#include "sbx.h"
#include "sbx_internal.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void profile(struct sbx_ctx *ctx)
{
	const char *v = getenv("SBXSIM_SBX_VERSION");
	ctx->version = sbx_version_parse(v && *v ? v : "new");
	if (ctx->version < 0)
		die("SBXSIM_SBX_VERSION: want old, new, 0.N.M or v0.N.M, got '%s'", v);
	sbx_version_sha(ctx->version, ctx->sha);
}

void sbx_daemon_stop(void)
{
	int fd = state_lock();
	cJSON *doc = sandboxes_load();
	cJSON *sb;
	cJSON_ArrayForEach(sb, cJSON_GetObjectItemCaseSensitive(doc, "sandboxes"))
		json_set(sb, "status", cJSON_CreateString("stopped"));
	sandboxes_save(doc);
	cJSON_Delete(doc);
	state_flag_set("daemon.stopped", 1);
	state_unlock(fd);
}

/* Any command that talks to sandboxd starts it first; the banner goes to
 * stdout, ahead of JSON (ls-json@v0.31.3.txt, ls-error-daemon-start@v0.35.0.txt). */
void sbx_daemon_ensure(struct sbx_ctx *ctx)
{
	if (!state_flag_get("daemon.stopped"))
		return;
	fprintf(ctx->out,
		"Starting sandboxd daemon...\n"
		"Daemon started (PID: %ld, socket: %s/sandboxd/sandboxd.sock)\n"
		"Logs: %s/sandboxd/daemon.log\n",
		(long)getpid() + 7, state_dir(), state_dir());
	fflush(ctx->out);
	state_flag_set("daemon.stopped", 0);
}

int sbx_cmd_version(struct sbx_ctx *ctx, const struct args *a)
{
	char v[24];
	snprintf(v, sizeof(v), "v0.%d.%d", ctx->version / 100, ctx->version % 100);
	bool up = !state_flag_get("daemon.stopped");
	if (arg_set(a, "json")) {
		/* Shape not confirmed: no sample of `sbx version --json` exists. */
		cJSON *doc = cJSON_CreateObject();
		cJSON *client = cJSON_AddObjectToObject(doc, "client");
		cJSON_AddStringToObject(client, "version", v);
		cJSON_AddStringToObject(client, "commit", ctx->sha);
		if (up) {
			cJSON *server = cJSON_AddObjectToObject(doc, "server");
			cJSON_AddStringToObject(server, "version", v);
			cJSON_AddStringToObject(server, "commit", ctx->sha);
		} else {
			cJSON_AddNullToObject(doc, "server");
		}
		json_print_go(ctx->out, doc);
		cJSON_Delete(doc);
		return 0;
	}
	if (sbx_has(ctx, F_VERSION_ONE_LINE) && !ctx->debug) {
		fprintf(ctx->out, "sbx version: %s %s\n", v, ctx->sha);
		return 0;
	}
	/* version@v0.28.1.txt: two spaces after each colon. */
	fprintf(ctx->out, "Client Version:  %s %s\n", v, ctx->sha);
	if (up)
		fprintf(ctx->out, "Server Version:  %s %s\n", v, ctx->sha);
	else
		fputs("Server Version:  Unavailable\n", ctx->out);
	return 0;
}

int sbx_cmd_help(struct sbx_ctx *ctx, const struct args *a)
{
	const struct sbx_cmd *cmd = sbx_cmd_find(ctx, "");
	for (int i = 0; i < a->npos; i++) {
		const struct sbx_cmd *next = sbx_cmd_child(ctx, cmd, a->pos[i]);
		if (!next) {
			fprintf(ctx->err, "Unknown help topic [`%s`]\n", a->pos[i]);
			break;
		}
		cmd = next;
	}
	sbx_help_print(ctx, cmd, ctx->out);
	return 0;
}

int sbx_cmd_not_simulated(struct sbx_ctx *ctx, const struct args *a)
{
	return sbx_error(ctx, "sbxsim does not simulate \"sbx %s\"", a->cmd->path);
}

/* Whether --name / -n takes no value for cmd (cobra's stripFlags). */
static bool bool_flag(const struct sbx_ctx *ctx, const struct sbx_cmd *cmd, const char *s)
{
	const struct sbx_flagdef *flags[SBX_MAX_FLAGS];
	int n = sbx_cmd_flags(ctx, cmd, true, flags, SBX_MAX_FLAGS);
	n += sbx_cmd_flags(ctx, cmd, false, flags + n, SBX_MAX_FLAGS - n);
	for (int i = 0; i < n; i++) {
		bool match = s[1] == '-' ? strcmp(flags[i]->name, s + 2) == 0 : flags[i]->shorthand == s[1];
		if (match)
			return !flags[i]->type || !*flags[i]->type;
	}
	return false;
}

/* cobra's Find: the first word that is not a flag (or a flag's value)
 * names a subcommand, level by level; those words leave the arguments. */
static const struct sbx_cmd *resolve(const struct sbx_ctx *ctx, int argc, char **argv, bool *used)
{
	const struct sbx_cmd *cmd = sbx_cmd_find(ctx, "");
	for (;;) {
		int word = -1;
		for (int i = 0; i < argc; i++) {
			if (used[i])
				continue;
			const char *s = argv[i];
			if (strcmp(s, "--") == 0)
				break;
			if (s[0] != '-') {
				word = i;
				break;
			}
			bool takes_value = !strchr(s, '=') && !bool_flag(ctx, cmd, s) &&
					   (s[1] == '-' ? s[2] != '\0' : strlen(s) == 2);
			if (takes_value)
				while (++i < argc && used[i])
					;
		}
		const struct sbx_cmd *child = word >= 0 ? sbx_cmd_child(ctx, cmd, argv[word]) : NULL;
		if (!child)
			return cmd;
		used[word] = true;
		cmd = child;
	}
}

static int dispatch(struct sbx_ctx *ctx, int argc, char **argv)
{
	bool *used = xcalloc((size_t)argc + 1, sizeof(bool));
	const struct sbx_cmd *cmd = resolve(ctx, argc, argv, used);
	char **rest = xcalloc((size_t)argc + 1, sizeof(char *));
	int nrest = 0;
	for (int i = 0; i < argc; i++)
		if (!used[i])
			rest[nrest++] = argv[i];
	free(used);
	if (cmd->deprecated)
		fprintf(ctx->err, "Command \"%s\" is deprecated, %s\n", sbx_cmd_name(cmd), cmd->deprecated);
	struct args a;
	int rc = 1;
	if (args_parse(ctx, cmd, nrest, rest, &a) < 0) {
		free(rest);
		return 1;
	}
	ctx->debug = arg_set(&a, "debug");
	ctx->no_input = arg_set(&a, "no-input");
	if (a.help) {
		sbx_help_print(ctx, cmd, ctx->out);
		rc = 0;
	} else if (arg_set(&a, "cloud")) {
		rc = sbx_error(ctx, "sbxsim does not simulate --cloud");
	} else if (!cmd->run) {
		/* A group: cobra shows its help; from v0.39 an unknown word is an error. */
		if (a.npos > 0 && sbx_has(ctx, F_UNKNOWN_COMMAND_ERROR)) {
			rc = sbx_error(ctx, "unknown command \"%s\" for \"%s%s%s\"", a.pos[0], "sbx", *cmd->path ? " " : "",
				       cmd->path);
		} else {
			sbx_help_print(ctx, cmd, ctx->out);
			rc = 0;
		}
	} else if (args_check_count(ctx, cmd, a.npos) == 0) {
		if (cmd->daemon)
			sbx_daemon_ensure(ctx);
		rc = cmd->run(ctx, &a);
	}
	args_release(&a);
	free(rest);
	return rc;
}

/* The fault operation name: "sbx.ls", "sbx.policy.allow". */
static char *op_name(int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-')
		i++;
	if (i >= argc)
		return xstrdup("sbx");
	bool group = strcmp(argv[i], "policy") == 0 || strcmp(argv[i], "secret") == 0;
	if (group && i + 1 < argc && argv[i + 1][0] != '-')
		return xasprintf("sbx.%s.%s", argv[i], argv[i + 1]);
	return xasprintf("sbx.%s", argv[i]);
}

int sbx_main(int argc, char **argv)
{
	struct sbx_ctx ctx = { .out = stdout, .err = stderr };
	profile(&ctx);
	char **logged = xcalloc((size_t)argc + 1, sizeof(char *));
	logged[0] = "sbx";
	for (int i = 1; i < argc; i++)
		logged[i] = argv[i];
	calllog_sbx(argc, logged);
	free(logged);
	faults_latency();

	char *op = op_name(argc, argv);
	struct fault f;
	bool faulted = faults_check(op, &f);
	free(op);
	if (faulted) {
		switch (f.action) {
		case FAULT_EXIT:
		case FAULT_STATUS:
			if (f.message[0])
				fprintf(stderr, "%s\n", f.message);
			return (int)f.arg;
		case FAULT_HANG:
			faults_hang(NULL);
			return 1;
		case FAULT_GARBAGE:
			fputs("\x1b[31m\xe2\x9c\x97 panic: runtime error: invalid memory address\n{\"sandboxes\": [{\"na", stdout);
			return 0;
		default:
			break;
		}
	}
	char *buf = NULL;
	size_t buflen = 0;
	bool truncate = faulted && f.action == FAULT_TRUNCATE;
	if (truncate)
		ctx.out = open_memstream(&buf, &buflen);
	int rc = dispatch(&ctx, argc - 1, argv + 1);
	fflush(ctx.out);
	if (truncate) {
		fclose(ctx.out);
		fwrite(buf, 1, buflen / 2, stdout);
		free(buf);
	}
	return rc;
}
