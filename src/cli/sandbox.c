/* codex sandbox [linux|landlock] [OPTIONS] [--] COMMAND [ARGS...]
 *
 * Runs COMMAND under the sandbox policy and exits with its status. The policy comes
 * from, in increasing precedence: the built-in default (read-only), config.toml's
 * `sandbox_mode` and `[sandbox_workspace_write]` (with the profile and -c overrides),
 * then --full-auto / -s. --add-dir adds writable roots to the configured ones.
 *
 * The network proxy is on when config says `[network] enabled = true` or any of the
 * network flags is given; the command's network is then the proxy only, whatever the
 * policy says (sandbox/sandbox.h). The proxy's policy: [network] (lists, mode, local
 * binding, SOCKS5), the flags' domains added to the lists, the flags' mode and local
 * binding winning. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "cli/cli.h"
#include "config/config.h"
#include "sandbox/sandbox.h"

struct sandbox_flags {
	struct cli_sandbox_options common;
	struct strv add_dirs;
	bool print_plan;
	char **command;
	/* Network proxy flags; any of them turns the proxy on. */
	bool net_flag;
	struct strv allow_domains, deny_domains;
	bool have_net_mode;
	enum network_mode net_mode;
	bool allow_local_binding;
	const char *audit;
};

static void sandbox_usage(const char *prog)
{
	printf("Usage: %s sandbox [linux] [OPTIONS] [--] COMMAND [ARGS...]\n\n", prog);
	printf("Run COMMAND under the sandbox and exit with its status. Default policy:\n"
	       "read-only (read anything, write nothing, no network).\n"
	       "The Windows sandbox's plan, on any system: codex sandbox windows --help.\n\n");
	printf("Options:\n");
	printf("      --full-auto               Workspace-write: write the working directory,\n"
	       "                                /tmp and $TMPDIR; network off unless\n"
	       "                                sandbox_workspace_write.network_access is set\n");
	printf("  -s, --sandbox <policy>        read-only, workspace-write or "
	       "danger-full-access\n");
	printf("      --add-dir <DIR>           Another writable directory (workspace-write; "
	       "repeatable)\n");
	printf("  -C, --cd <DIR>                Run in DIR (the workspace)\n");
	printf("  -c, --config <key=value>      Override a config value, e.g.\n"
	       "                                -c sandbox_workspace_write.network_access=true\n");
	printf("  -p, --profile <name>          Use [profiles.<name>] of config.toml\n");
	printf("  -h, --help                    Print this help\n");
	printf("\nNetwork proxy (any of these, or [network] enabled = true, turns it on: the\n"
	       "command then reaches the network only through the proxy):\n");
	printf("      --allow-domain <DOMAIN>   Allow a domain pattern (example.com, *.x.com,\n"
	       "                                **.x.com, *); repeatable\n");
	printf("      --deny-domain <DOMAIN>    Deny a domain pattern; repeatable\n");
	printf("      --network-mode <MODE>     full, or limited (GET/HEAD/OPTIONS only)\n");
	printf("      --allow-local-binding     The command may listen on and connect to its\n"
	       "                                own loopback; the proxy may reach local and\n"
	       "                                private addresses\n");
	printf("      --audit <FILE>            Append the proxy's JSON audit lines to FILE\n");
	printf("\nInside writable directories, .git, .agents and .codex stay read-only. When the\n"
	       "proxy blocked anything, one line on stderr says what, after the command.\n"
	       "Exit status: the command's (killed by signal N: 128+N); 125 the sandbox or the\n"
	       "proxy could not be set up; 126 not executable; 127 command not found.\n");
}

/* The network proxy's flags at argv[*i]: 0 when it is none of them, -1 when it was
 * taken, or an exit code. */
static int parse_net_flag(struct cli_ctx *ctx, int argc, char **argv, int *i,
			  struct sandbox_flags *f)
{
	enum { ALLOW, DENY, MODE, AUDIT, N_VALUED };
	static const char *const valued[N_VALUED] = {"--allow-domain", "--deny-domain",
						     "--network-mode", "--audit"};
	const char *a = argv[*i], *v = NULL;
	int k, r = 0;

	if (strcmp(a, "--allow-local-binding") == 0) {
		f->net_flag = f->allow_local_binding = true;
		return -1;
	}
	for (k = 0; k < N_VALUED && r == 0; k++)
		r = cli_option_value(argc, argv, i, valued[k], valued[k], &v);
	if (r == 0)
		return 0;
	if (r < 0)
		return cli_usage_error(ctx->prog, "%s needs a value", a);
	f->net_flag = true;
	switch (k - 1) {
	case ALLOW:
	case DENY:
		if (strv_push(k - 1 == ALLOW ? &f->allow_domains : &f->deny_domains, v) < 0)
			return cli_usage_error(ctx->prog, "out of memory");
		break;
	case MODE:
		if (network_mode_parse(v, &f->net_mode) < 0)
			return cli_usage_error(ctx->prog, "--network-mode must be full or limited, "
							  "got '%s'", v);
		f->have_net_mode = true;
		break;
	case AUDIT:
		f->audit = v;
		break;
	}
	return -1;
}

/* Returns -1 to go on, or an exit code. */
static int parse_flags(struct cli_ctx *ctx, int argc, char **argv, struct sandbox_flags *f)
{
	int i = 1, r;

	/* The platform word is optional; on Linux only Linux's is accepted. */
	if (i < argc && (strcmp(argv[i], "linux") == 0 || strcmp(argv[i], "landlock") == 0))
		i++;
	else if (i < argc && (strcmp(argv[i], "macos") == 0 || strcmp(argv[i], "seatbelt") == 0))
		return cli_usage_error(ctx->prog, "'sandbox %s' is not available on Linux",
				       argv[i]);
	for (; i < argc; i++) {
		const char *a = argv[i], *v;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			sandbox_usage(ctx->prog);
			return EXIT_OK;
		}
		if (strcmp(a, "--print-plan") == 0) {
			f->print_plan = true;
			continue;
		}
		if ((r = cli_take_sandbox_option(ctx, argc, argv, &i, &f->common)) != 0) {
			if (r < 0)
				return -r;
			continue;
		}
		if ((r = cli_option_value(argc, argv, &i, "--add-dir", "--add-dir", &v)) != 0) {
			if (r < 0)
				return cli_usage_error(ctx->prog, "--add-dir needs a directory");
			if (strv_push(&f->add_dirs, v) < 0)
				return cli_usage_error(ctx->prog, "out of memory");
			continue;
		}
		if ((r = parse_net_flag(ctx, argc, argv, &i, f)) != 0) {
			if (r > 0)
				return r;
			continue;
		}
		if (a[0] == '-' && a[1])
			return cli_usage_error(ctx->prog, "unexpected argument '%s' (use -- before "
							  "a command that starts with '-')", a);
		break;
	}
	f->command = argv + i;
	if ((r = cli_sandbox_options_check(ctx, &f->common)) != 0)
		return r;
	if (!f->command[0] && !f->print_plan)
		return cli_usage_error(ctx->prog, "no command given (codex sandbox -- COMMAND)");
	return -1;
}

/* --add-dir names a directory that exists (relative to the workspace): a typo would
 * otherwise leave the command without the root it was meant to have. -1 to go on, or
 * the exit code. */
static int check_add_dirs(struct cli_ctx *ctx, const struct sandbox_flags *f, const char *cwd)
{
	for (size_t i = 0; i < f->add_dirs.n; i++) {
		char *path = path_join(cwd, f->add_dirs.v[i]);
		struct stat st;
		int why = !path ? ENOMEM : stat(path, &st) < 0 ? errno
					 : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;

		free(path);
		if (why)
			return cli_usage_error(ctx->prog, "--add-dir %s: %s", f->add_dirs.v[i],
					       strerror(why));
	}
	return -1;
}


/* The proxy's settings from [network] and the flags; 0 when the proxy is off. */
static int build_net(const struct sandbox_flags *f, const struct config *cfg,
		     struct sandbox_net *n, struct err *e)
{
	const struct config_network *c = &cfg->network;

	if (!c->enabled && !f->net_flag)
		return 0;
	struct proxy_config_extra x = {&f->allow_domains, &f->deny_domains, f->have_net_mode,
				       f->net_mode, f->allow_local_binding, false};

	n->socks = c->enable_socks5;
	n->audit_path = f->audit;
	if (proxy_config_from_network(&n->cfg, c, &x, e) < 0)
		return -1;
	return 1;
}

int cli_sandbox_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct sandbox_flags f;
	struct sandbox_net net;
	struct sandbox_proxy proxy;
	int on;
	struct config_load_opts opts;
	struct config *cfg = NULL;
	struct sandbox_policy policy;
	struct sandbox_command cmd;
	struct err e;
	char *cwd = NULL;
	int rc;

	if (argc > 1 && strcmp(argv[1], "windows") == 0)
		return cli_sandbox_windows_main(ctx, argc, argv); /* its plan, printable here */
	memset(&f, 0, sizeof f);
	memset(&net, 0, sizeof net);
	proxy.channel = -1;
	sandbox_policy_init(&policy, SANDBOX_MODE_READ_ONLY);
	err_clear(&e);
	rc = parse_flags(ctx, argc, argv, &f);
	if (rc >= 0)
		goto out;
	rc = EXIT_FAILURE_GENERIC;
	if (f.common.cd && chdir(f.common.cd) < 0) {
		err_sys(&e, errno, "cannot change to %s", f.common.cd);
		goto fail;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd) {
		err_sys(&e, errno, "cannot determine the working directory");
		goto fail;
	}
	if ((rc = check_add_dirs(ctx, &f, cwd)) >= 0)
		goto out;
	rc = EXIT_FAILURE_GENERIC;
	/* After the flags: -c and -p may follow the subcommand. config_load names the
	 * file or -c override that is wrong (line and column). */
	opts.codex_home = NULL;
	opts.overrides = &ctx->overrides;
	opts.profile = ctx->profile;
	if (config_load(&opts, &cfg, &e) < 0 ||
	    cli_sandbox_build_policy(&f.common, &f.add_dirs, cfg, cwd, &policy, &e) < 0 ||
	    (on = build_net(&f, cfg, &net, &e)) < 0)
		goto fail;
	if (cfg->sandbox_max_processes > 0 &&
	    cfg->sandbox_max_processes < SANDBOX_MAX_PROCESSES_MIN) {
		err_set(&e, "sandbox_max_processes must be 0 (no cap) or at least %d, got %lld",
			SANDBOX_MAX_PROCESSES_MIN, (long long)cfg->sandbox_max_processes);
		goto fail;
	}
	memset(&cmd, 0, sizeof cmd);
	cmd.policy = &policy;
	cmd.cwd = cwd;
	cmd.argv = f.command;
	cmd.print_plan = f.print_plan;
	cmd.max_processes = cfg->sandbox_max_processes ? (long)cfg->sandbox_max_processes : -1;
	rc = EXIT_SANDBOX_SETUP; /* fail closed: no proxy, no command */
	if (on) {
		pid_t pid; /* our child: after the exec, the launcher's */
		if (sandbox_net_start(&net, f.print_plan, &proxy.channel, &pid, &e) < 0)
			goto fail;
		proxy.socks = net.socks;
		proxy.allow_local_binding = net.cfg.policy.allow_local_binding;
		cmd.proxy = &proxy;
	}
	sandbox_exec(&cmd, &e); /* returns only on failure */
fail:
	err_print(ctx->prog, &e);
out:
	free(cwd);
	config_free(cfg);
	sandbox_policy_free(&policy);
	strv_free(&f.add_dirs);
	strv_free(&f.allow_domains);
	strv_free(&f.deny_domains);
	sandbox_net_free(&net);
	if (proxy.channel >= 0)
		close(proxy.channel); /* the proxy sees end of file and stops */
	return rc;
}

static const char *const sandbox_mode_choices[] = {"read-only", "workspace-write",
						   "danger-full-access", NULL};
static const char *const network_mode_choices[] = {"full", "limited", NULL};
const struct cli_flag cli_sandbox_flags[] = {
	{"--full-auto", NULL, CLI_VALUE_NONE, NULL, "Workspace-write: write the working directory"},
	{"--sandbox", "-s", CLI_VALUE_CHOICE, sandbox_mode_choices, "The sandbox policy"},
	{"--add-dir", NULL, CLI_VALUE_DIR, NULL, "Another writable directory"},
	{"--cd", "-C", CLI_VALUE_DIR, NULL, "Run in DIR (the workspace)"},
	{"--config", "-c", CLI_VALUE_TEXT, NULL, "Override a config value (key=value)"},
	{"--profile", "-p", CLI_VALUE_TEXT, NULL, "Use [profiles.<name>]"},
	{"--allow-domain", NULL, CLI_VALUE_TEXT, NULL, "Allow a domain pattern (proxy on)"},
	{"--deny-domain", NULL, CLI_VALUE_TEXT, NULL, "Deny a domain pattern (proxy on)"},
	{"--network-mode", NULL, CLI_VALUE_CHOICE, network_mode_choices,
	 "full, or limited (GET/HEAD/OPTIONS only)"},
	{"--allow-local-binding", NULL, CLI_VALUE_NONE, NULL, "The command may use its loopback"},
	{"--audit", NULL, CLI_VALUE_FILE, NULL, "Append the proxy's audit lines to FILE"},
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};
const char *const cli_sandbox_subcommands[] = {"linux", "windows", NULL};
