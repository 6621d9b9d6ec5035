/* The command-line front end: global options, the subcommand table's shape, and the
 * entry point of every subcommand. Only src/main.c and src/cli/ include this. */
#ifndef CODEX_CLI_CLI_H
#define CODEX_CLI_CLI_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/strv.h"
#include "config/config.h"
#include "proxy/proxy.h"

/* What the global options collected before the subcommand; subcommands add their own
 * -c / -p occurrences to the same lists (later ones win). */
struct cli_command;

struct cli_ctx {
	const char *prog;        /* "codex", for messages */
	struct strv overrides;   /* -c key=value, in command-line order */
	const char *profile;     /* -p/--profile, or NULL */
	const struct cli_command *commands; /* main.c's table (for `codex completion`) */
};

/* What a flag's value is, for shell completion. */
enum cli_value {
	CLI_VALUE_NONE,   /* a switch */
	CLI_VALUE_TEXT,   /* free text: nothing to complete */
	CLI_VALUE_FILE,
	CLI_VALUE_DIR,
	CLI_VALUE_CHOICE  /* one of choices */
};

/* One option of a command, as its --help lists it (tests/integration/completion.sh
 * checks that every long option a command's --help shows is in its table). */
struct cli_flag {
	const char *long_name;        /* "--with-api-key" */
	const char *short_name;       /* "-c", or NULL */
	enum cli_value value;
	const char *const *choices;   /* CLI_VALUE_CHOICE: NULL-terminated */
	const char *help;             /* one line */
};

struct cli_command {
	const char *name;
	const char *alias;       /* or NULL */
	int (*main)(struct cli_ctx *ctx, int argc, char **argv); /* argv[0] = the name */
	const char *summary;     /* one line for --help */
	const struct cli_flag *flags;      /* ended by a NULL long_name; NULL: none */
	const char *const *subcommands;    /* words that may follow (NULL-terminated), or NULL */
};

/* The table rows of what cli_take_config_option takes, for a command that lists them
 * all in its --help. */
#define CLI_CONFIG_FLAGS                                                                    \
	{"--config", "-c", CLI_VALUE_TEXT, NULL, "Override a config value (key=value)"},    \
	{"--profile", "-p", CLI_VALUE_TEXT, NULL, "Use [profiles.<name>]"},                 \
	{"--enable", NULL, CLI_VALUE_TEXT, NULL, "Turn a feature on"},                      \
	{"--disable", NULL, CLI_VALUE_TEXT, NULL, "Turn a feature off"}

/* -c, -p, -h, -V: accepted before any command (ended by a NULL long_name). */
extern const struct cli_flag cli_global_flags[];

/* The codex CLI: global options, then the subcommand from `commands` (a table ended
 * by an entry whose name is NULL). */
int cli_main(int argc, char **argv, const struct cli_command *commands);

/* Prints "<prog>: error: <fmt...>" and a hint to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *prog, const char *fmt, ...) ERR_PRINTF(2, 3);

/* Matches "-x VALUE", "-xVALUE", "--long VALUE" and "--long=VALUE" at argv[*i]:
 * returns 1 with *value set and *i on the last argument used (the caller steps past
 * it), 0 when argv[*i] is another argument, -1 when the value is missing (a following
 * "--" is no value: it ends the options). */
int cli_option_value(int argc, char **argv, int *i, const char *shortopt,
		     const char *longopt, const char **value);

/* Shared by subcommands: if argv[*i] is -c/--config or -p/--profile (with its value
 * attached or in the next argument), records it in ctx, advances *i past it and
 * returns 1; returns 0 when argv[*i] is something else, and -1 (after printing a usage
 * error) when the value is missing. */
int cli_take_config_option(struct cli_ctx *ctx, int argc, char **argv, int *i);

/* The options `codex exec` and the interactive UI share (agent_options.c): -m, -s,
 * -C, -i, --add-dir, --full-auto, --dangerously-bypass-approvals-and-sandbox (--yolo),
 * --oss, those of cli_take_config_option, and the ones `accept` adds. */
struct cli_agent_options {
	const char *model, *cd, *local_provider;
	bool have_sandbox, have_approval, full_auto, yolo, oss;
	enum sandbox_mode sandbox;
	enum approval_policy approval;
	struct strv add_dirs, images; /* cli_agent_options_free releases them */
};
#define CLI_AGENT_APPROVAL 1u       /* -a/--ask-for-approval (the interactive UI) */
#define CLI_AGENT_LOCAL_PROVIDER 2u /* --local-provider (exec) */

/* If argv[*i] is one of those options, records it in o (or ctx), leaves *i on the last
 * argument used (the caller steps past it) and returns 1; returns 0 when argv[*i] is
 * something else; else prints a usage error and returns minus the exit status. */
int cli_take_agent_option(struct cli_ctx *ctx, int argc, char **argv, int *i, unsigned accept,
			  struct cli_agent_options *o);
void cli_agent_options_free(struct cli_agent_options *o);
/* Enters the workspace (-C), reads it into cwd and loads config.toml with ctx's
 * overrides (and --local-provider's): 0, or -1 with e set ("Error loading
 * config.toml: ..." for the configuration). */
int cli_agent_enter(struct cli_ctx *ctx, const struct cli_agent_options *o, char *cwd,
		    size_t cwd_size, struct config **cfg, struct err *e);

/* The options `codex sandbox` and `codex sandbox windows` share (sandbox_options.c):
 * --full-auto, -s/--sandbox, -C/--cd and those of cli_take_config_option. */
struct cli_sandbox_options {
	bool full_auto, have_mode;
	enum sandbox_mode mode;
	const char *cd;
};

/* As cli_take_agent_option: 1 taken (*i on its last argument), 0 something else, else
 * minus the exit status after a usage error. */
int cli_take_sandbox_option(struct cli_ctx *ctx, int argc, char **argv, int *i,
			    struct cli_sandbox_options *o);
/* 0, or the usage error's exit status when --full-auto and --sandbox are both given. */
int cli_sandbox_options_check(struct cli_ctx *ctx, const struct cli_sandbox_options *o);
/* The policy's mode: --full-auto, else --sandbox, else the configured one. */
enum sandbox_mode cli_sandbox_options_mode(const struct cli_sandbox_options *o,
					   enum sandbox_mode configured);

/* The policy from the flags and config.toml; relative roots (config or add_dirs, which
 * may be NULL) are relative to cwd, the workspace. 0, or -1 with e set. */
struct sandbox_policy;
int cli_sandbox_build_policy(const struct cli_sandbox_options *o, const struct strv *add_dirs,
			     const struct config *cfg, const char *cwd, struct sandbox_policy *p,
			     struct err *e);

/* Subcommand entry points (one file each in src/cli/). */
int cli_debug_main(struct cli_ctx *ctx, int argc, char **argv); /* debug.c */
/* `codex proxy` (src/cli/proxy.c) and its argv[0] role `codex-network-proxy`. */
int cli_proxy_main(struct cli_ctx *ctx, int argc, char **argv);
int cli_network_proxy_role(int argc, char **argv);
/* argv[0] codex-plugins-sync (internal): the curated plugins sync, see plugins_sync.c. */
int cli_plugins_sync_role(int argc, char **argv);
int cli_apply_patch_main(struct cli_ctx *ctx, int argc, char **argv); /* apply_patch.c */
int cli_sandbox_main(struct cli_ctx *ctx, int argc, char **argv);     /* sandbox.c */
/* `codex sandbox windows ...` (argv[0] = "sandbox"), in both builds: sandbox_windows.c */
int cli_sandbox_windows_main(struct cli_ctx *ctx, int argc, char **argv);
int cli_exec_main(struct cli_ctx *ctx, int argc, char **argv);        /* exec.c */
int cli_login_main(struct cli_ctx *ctx, int argc, char **argv);       /* login.c */
int cli_logout_main(struct cli_ctx *ctx, int argc, char **argv);      /* login.c */
int cli_completion_main(struct cli_ctx *ctx, int argc, char **argv);  /* completion.c */
int cli_mcp_main(struct cli_ctx *ctx, int argc, char **argv);         /* mcp.c */
int cli_mcp_server_main(struct cli_ctx *ctx, int argc, char **argv);  /* mcp_server.c */
extern const struct cli_flag cli_mcp_flags[], cli_mcp_server_flags[];
extern const char *const cli_mcp_subcommands[];
/* The interactive agent (tui.c): `codex [OPTIONS] [PROMPT]` (argv[0] is a placeholder)
 * and `codex resume` / `codex fork`. */
int cli_tui_main(struct cli_ctx *ctx, int argc, char **argv);
int cli_resume_main(struct cli_ctx *ctx, int argc, char **argv);
/* `codex fork`: as resume, but the session continues as a new thread (tui.c). */
int cli_fork_main(struct cli_ctx *ctx, int argc, char **argv);

/* Each command's options and the words that may follow it, for completion. */
extern const struct cli_flag cli_login_flags[], cli_logout_flags[], cli_debug_flags[],
	cli_sandbox_flags[], cli_proxy_flags[], cli_apply_patch_flags[],
	cli_completion_flags[], cli_exec_flags[], cli_tui_flags[];
extern const char *const cli_login_subcommands[];
extern const char *const cli_exec_subcommands[];
extern const char *const cli_debug_subcommands[];
extern const char *const cli_sandbox_subcommands[];
extern const char *const cli_completion_subcommands[];

#endif
