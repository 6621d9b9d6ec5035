/* The command-line front end: global options, the subcommand table's shape, and the
 * entry point of every subcommand. Only src/main.c and src/cli/ include this. */
#ifndef CODEX_CLI_CLI_H
#define CODEX_CLI_CLI_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/strv.h"
#include "config/config.h"

/* What the global options collected before the subcommand; subcommands add their own
 * -c / -p occurrences to the same lists (later ones win). */
struct cli_ctx {
	const char *prog;        /* "codex", for messages */
	struct strv overrides;   /* -c key=value, in command-line order */
	const char *profile;     /* -p/--profile, or NULL */
};

struct cli_command {
	const char *name;
	const char *alias;       /* or NULL */
	int (*main)(struct cli_ctx *ctx, int argc, char **argv); /* argv[0] = the name */
	const char *summary;     /* one line for --help */
};

/* The codex CLI: global options, then the subcommand from `commands` (a table ended
 * by an entry whose name is NULL). */
int cli_main(int argc, char **argv, const struct cli_command *commands);

/* Prints "<prog>: error: <fmt...>" and a hint to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *prog, const char *fmt, ...) ERR_PRINTF(2, 3);

/* Matches "-x VALUE", "-xVALUE", "--long VALUE" and "--long=VALUE" at argv[*i]:
 * returns 1 with *value set and *i on the last argument used (the caller steps past
 * it), 0 when argv[*i] is another argument, -1 when the value is missing. */
int cli_option_value(int argc, char **argv, int *i, const char *shortopt,
		     const char *longopt, const char **value);

/* Shared by subcommands: if argv[*i] is -c/--config or -p/--profile (with its value
 * attached or in the next argument), records it in ctx, advances *i past it and
 * returns 1; returns 0 when argv[*i] is something else, and -1 (after printing a usage
 * error) when the value is missing. */
int cli_take_config_option(struct cli_ctx *ctx, int argc, char **argv, int *i);

/* Subcommand entry points (one file each in src/cli/). */
int cli_debug_main(struct cli_ctx *ctx, int argc, char **argv); /* debug.c */
/* `codex proxy` (src/cli/proxy.c) and its argv[0] role `codex-network-proxy`. */
int cli_proxy_main(struct cli_ctx *ctx, int argc, char **argv);
int cli_network_proxy_role(int argc, char **argv);
int cli_apply_patch_main(struct cli_ctx *ctx, int argc, char **argv); /* apply_patch.c */
int cli_sandbox_main(struct cli_ctx *ctx, int argc, char **argv);     /* sandbox.c */

/* The network proxy of a `codex sandbox` run (sandbox_proxy.c). */
struct cli_sandbox_net {
	enum network_mode mode;
	struct strv allowed;          /* domain patterns (owned) */
	struct strv denied;
	bool allow_local_binding;
	bool socks;                   /* a SOCKS5 listener too */
	const char *audit_path;       /* JSON audit lines appended here, or NULL (borrowed) */
};
void cli_sandbox_net_free(struct cli_sandbox_net *n);
/* Forks the proxy (outside the sandbox, with the caller's network) and returns in
 * *channel the launcher's end of the channel to it (O_CLOEXEC; sandbox_exec and
 * sandbox_run pass it on) and in *pid the proxy's process, which exits once the
 * launcher is done with it (the caller reaps it, unless it becomes the launcher
 * itself) and dies with the calling thread (PR_SET_PDEATHSIG). With print_plan no
 * proxy starts (*pid = 0): the launcher only prints its plan. */
int cli_sandbox_net_start(const struct cli_sandbox_net *n, bool print_plan, int *channel,
			  pid_t *pid, struct err *e);

#endif
