#ifndef SBXAPPLY_CMD_CLI_H
#define SBXAPPLY_CMD_CLI_H
/*
 * The command line: one exit-code table for every command, the options every
 * command may take, and one `struct cmd_entry` per command (tmux's pattern),
 * each in its own cmd_*.c file and listed in commands.c. --help lists only the
 * entries in that table, so a command exists the day its entry does.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum sbx_exit {
	EXIT_OK = 0,		/* done; in sync */
	EXIT_CHANGES = 1,	/* diff/plan: changes pending */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_INVALID = 3,	/* the configuration did not validate */
	EXIT_BACKEND = 4,	/* Docker Model Runner or sbx unavailable */
	EXIT_APPLY_FAILED = 5,	/* some actions failed; the rest applied */
	EXIT_LOCKED = 6,	/* another run holds the project's lock */
	EXIT_STATE = 7,		/* the state directory or the inventory cannot be used or written: no further change is tried */
	EXIT_BLOCKED = 8,	/* apply: blocked changes were not tried (they need a flag); the rest applied */
	EXIT_INTERRUPTED = 130, /* SIGINT/SIGTERM: stopped cleanly, the next run resumes */
};

enum cli_option_flag {
	OPT_FILE = 1 << 0,	/* -f, --file */
	OPT_OUTPUT = 1 << 1,	/* -o, --output text|json */
	OPT_QUIET = 1 << 2,	/* -q, --quiet */
	OPT_ENGINE = 1 << 3,	/* --state-dir, --runner */
	OPT_CHANGE = 1 << 4,	/* --prune, --allow-replace, --adopt, --force-shared */
	OPT_APPLY = 1 << 5,	/* --parallelism, --lock-timeout, --dry-run */
	OPT_YES = 1 << 6,	/* --yes */
	OPT_OUT = 1 << 7,	/* --out / -out FILE */
	OPT_STRICT = 1 << 8,	/* --strict */
	OPT_SECRETS = 1 << 9,	/* --show-secrets: the commands that print values (plans, verify) */
	OPT_VERIFY = 1 << 10,	/* --start */
	OPT_OBSERVE = 1 << 11,	/* --parallelism on commands that observe without applying (diff, plan) */
	OPT_WATCH = 1 << 12,	/* --debounce */
	OPT_FORMAT = 1 << 13,	/* --format text|github */
	OPT_OFFLINE = 1 << 14,	/* --offline */
	OPT_PROJECT = 1 << 15,	/* --project NAME */
	OPT_MARKDOWN = 1 << 16, /* not an option: the command takes -o markdown */
	OPT_INIT = 1 << 17,	/* init: --from-host */
	OPT_FORCE = 1 << 18,	/* init, import: --force (replace the file they write) */
	OPT_REFRESH = 1 << 19,	/* --refresh: the commands whose observation reads env blocks */
};

/* The exit codes a command can return, as the bits of cmd_entry.exit_codes. */
#define EXIT_BIT(code) ((code) == EXIT_INTERRUPTED ? 1u << 9 : 1u << (code))

struct cli_options {
	const char *file;    /* default ./sandbox.yaml; "-" is stdin */
	const char *output;  /* "text", "json", or "markdown" (commands with OPT_MARKDOWN) */
	const char *format;  /* --format as given, or NULL */
	bool github;	     /* diagnostics and plan changes as GitHub workflow annotations (--format github, GITHUB_ACTIONS) */
	bool file_given;     /* -f was on the command line (else the file was looked for upward; import writes one only then) */
	bool offline;	     /* validate --offline */
	const char *project; /* down --project NAME */
	bool quiet;
	bool color; /* stderr is a terminal and NO_COLOR is unset */
	const char *state_dir;
	const char *out;      /* plan: where to save it */
	const char *progress; /* auto, plain, tty, json */
	const char *runner;
	bool show_secrets, prune, allow_replace, dry_run, refresh, yes;
	bool strict;	   /* warnings are errors */
	bool adopt;	   /* take over resources of the same name made elsewhere */
	bool force_shared; /* apply settings another project declares differently */
	bool start;	   /* verify: start a stopped sandbox to check inside it */
	bool watching;	   /* not an option: apply runs for watch (never deletes or replaces user data) */
	bool from_host;	   /* init: describe what this machine has */
	bool force;	   /* init, import: replace an existing file */
	long parallelism;
	long lock_timeout_ms;
	long debounce_ms; /* watch: quiet time after a save before acting on it */
	char **args;	  /* positional arguments after the command */
	int nr_args;
};

struct cmd_entry {
	const char *name;
	const char *summary; /* one line for the command list */
	const char *usage;   /* "sbxapply validate [-f FILE] [-o text|json]" */
	const char *help;    /* the rest of --help: what it does, exit codes */
	unsigned options;    /* enum cli_option_flag bits it accepts */
	/* What its positional arguments are, for shell completion: "sandboxes" or "models"
	 * (names from the file), "files", or NULL (none worth completing). */
	const char *complete_args;
	/* Takes "-- AGENT_ARGS": the agent's option whose value is a model ("--model"), so
	 * completion offers the file's models there and nothing of sbxapply's after "--". */
	const char *agent_model_option;
	unsigned exit_codes; /* EXIT_BIT()s of the codes it can return, for its --help; 0: the whole table */
	int (*exec)(const struct cli_options *opts);
};

extern const struct cmd_entry *const commands[];
/* Commands for tools, not people (completion scripts, the build): never listed by --help. */
extern const struct cmd_entry *const hidden_commands[];

/* One option of the table --help prints; the man page and completions read it too (cmd_gen*.c). */
enum cli_value_kind {
	V_NONE,
	V_STRING,
	V_COUNT,
	V_DURATION,
};
struct option_spec {
	const char *short_name, *long_name;
	unsigned flag; /* enum cli_option_flag: the commands that take it */
	enum cli_value_kind value;
	size_t offset; /* into struct cli_options */
	const char *metavar, *help;
};
/* o's values as c takes them ("text json", plus markdown where c has OPT_MARKDOWN), or NULL when any value goes. */
const char *cli_option_choices(const struct option_spec *o, const struct cmd_entry *c);
extern const struct option_spec option_specs[];
extern const size_t nr_option_specs;
/* Options every command takes, outside option_specs: NULL-terminated {name, help} pairs. */
extern const char *const cli_global_options[][2];
/* Row i of the exit-code table --help prints: its meaning, with its code in *code; NULL past the end. */
const char *cli_exit_row(size_t i, int *code);

int cli_main(int argc, char **argv);
void cli_print_command_help(const struct cmd_entry *cmd, FILE *out);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
