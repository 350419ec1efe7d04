#ifndef SBXAPPLY_KINDS_KINDS_SBX_H
#define SBXAPPLY_KINDS_KINDS_SBX_H
/*
 * The kinds that live in Docker Sandboxes, driven through the `sbx` CLI
 * (backends/sbx/sbx.h), in plan order (kinds.c):
 *
 *   policy_init  "network"               `sbx policy init MODE`, only on a store never initialised
 *   secret       "SERVICE" | "SBX/SERVICE"   `sbx secret set`, value on stdin, compared by digest
 *   sandbox      "NAME"                  `sbx create`; every field forces replacement
 *   policy_rule  "allow:RES" | "SBX/deny:RES"  `sbx policy allow|deny network`
 *   env          "NAME"                  the sbxapply block of /etc/sandbox-persistent.sh
 *
 * Sandboxes depend on the global secrets (a global secret reaches only
 * sandboxes created after it); sandbox-scoped secrets, rules and env depend
 * on their sandbox. Observation is one `sbx ls`, one `sbx policy ls` and one
 * `sbx secret ls` per run, shared between kinds, plus one `sbx exec` per
 * running sandbox with env that the inventory cannot vouch for (kind_env.c).
 */
#include <stdbool.h>
#include <stddef.h>

#include "plan/kind.h"
#include "plan/plan.h"
#include "backends/sbx/sbx_parse.h"

struct engine;

extern const struct kind kind_policy_init;
extern const struct kind kind_secret;
extern const struct kind kind_sandbox;
extern const struct kind kind_policy_rule;
extern const struct kind kind_env;

/*
 * What tells sandbox s from another of the same name, as "id:...", "created:..."
 * or, with neither listed, "workspace:..." (weak: a sandbox re-made on the same
 * folder has it too); NULL when nothing is listed. The caller frees it.
 */
char *kinds_sbx_identity(const struct sbx_sandbox *s);

/* After the run created or replaced sandbox name (identity as listed then): its env block written in the run was written there. */
void kinds_env_sandbox_made(struct engine *e, const char *name, const char *identity);

/* kind_registry.identify for policy rules: one fresh `sbx policy ls` after the run for the ids of the ones it added. */
void kinds_policy_identify(struct engine *e, const struct action *const *made, size_t nr);

/* kind_registry.identify for sandboxes: one `sbx ls` after the run for the ones it created. */
void kinds_sbx_identify(struct engine *e, const struct action *const *made, size_t nr);

/*
 * Not in the kind table: the installed sbx as observed state. policy_rule's
 * observe adds one resource "sbx" of this kind whose observed_id is the
 * version ("v0.31.2"), so the pure refine() can tell what the version can
 * express before anything is applied.
 */
extern const struct kind kind_sbx_version;

/* The run's sbx client, detected; logs the detection warning (e.g. an unknown newer version) once. */
struct sbx_client *kinds_sbx_client(struct engine *e, struct strbuf *err);
/* Whether the plan replaces sandbox `name` (pure: its force_new fields differ). */
bool kinds_sbx_sandbox_replaced(const struct plan_context *pc, const char *name);
/* Turns an in-sync action of something living inside sandbox `name` into an update when the sandbox is replaced. */
void kinds_sbx_redo_on_replace(const struct plan_context *pc, struct action *a, const char *sandbox, const char *what);

#endif
