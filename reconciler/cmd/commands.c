#include "cmd/cli.h"

extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_diff_entry;
extern const struct cmd_entry cmd_doctor_entry;
extern const struct cmd_entry cmd_down_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_ps_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_validate_entry;
extern const struct cmd_entry cmd_verify_entry;
extern const struct cmd_entry cmd_schema_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_version_entry;
extern const struct cmd_entry cmd_watch_entry;
extern const struct cmd_entry cmd_complete_entry;
extern const struct cmd_entry cmd_gen_entry;

/* Every command sbxapply has, in the order --help lists them. */
const struct cmd_entry *const commands[] = {
	&cmd_apply_entry,
	&cmd_diff_entry,
	&cmd_plan_entry,
	&cmd_status_entry,
	&cmd_ps_entry,
	&cmd_run_entry,
	&cmd_verify_entry,
	&cmd_down_entry,
	&cmd_watch_entry,
	&cmd_init_entry,
	&cmd_import_entry,
	&cmd_validate_entry,
	&cmd_doctor_entry,
	&cmd_schema_entry,
	&cmd_version_entry,
	NULL,
};

/* Commands for shells and the build, not for people: --help does not list them. */
const struct cmd_entry *const hidden_commands[] = {
	&cmd_complete_entry,
	&cmd_gen_entry,
	NULL,
};
