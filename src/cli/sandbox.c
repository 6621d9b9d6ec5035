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
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "cli/cli.h"
#include "config/config.h"
#include "sandbox/sandbox.h"

struct sandbox_flags {
	bool full_auto;
	bool have_mode;
	enum sandbox_mode mode;
	struct strv add_dirs;
	const char *cd;
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
	       "read-only (read anything, write nothing, no network).\n\n");
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
	else if (i < argc && (strcmp(argv[i], "macos") == 0 || strcmp(argv[i], "seatbelt") == 0 ||
			      strcmp(argv[i], "windows") == 0))
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
		if (strcmp(a, "--full-auto") == 0) {
			f->full_auto = true;
			continue;
		}
		if (strcmp(a, "--print-plan") == 0) {
			f->print_plan = true;
			continue;
		}
		r = cli_take_config_option(ctx, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0) {
			i--; /* it advanced past the option; the loop advances again */
			continue;
		}
		if ((r = cli_option_value(argc, argv, &i, "-s", "--sandbox", &v)) != 0) {
			if (r < 0)
				return cli_usage_error(ctx->prog, "%s needs a policy", a);
			if (sandbox_mode_parse(v, &f->mode) < 0)
				return cli_usage_error(ctx->prog,
						       "invalid sandbox policy '%s' (read-only, "
						       "workspace-write, danger-full-access)", v);
			f->have_mode = true;
			continue;
		}
		if ((r = cli_option_value(argc, argv, &i, "--add-dir", "--add-dir", &v)) != 0) {
			if (r < 0)
				return cli_usage_error(ctx->prog, "--add-dir needs a directory");
			if (strv_push(&f->add_dirs, v) < 0)
				return cli_usage_error(ctx->prog, "out of memory");
			continue;
		}
		if ((r = cli_option_value(argc, argv, &i, "-C", "--cd", &v)) != 0) {
			if (r < 0)
				return cli_usage_error(ctx->prog, "%s needs a directory", a);
			f->cd = v;
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
	if (f->full_auto && f->have_mode)
		return cli_usage_error(ctx->prog, "--full-auto cannot be combined with --sandbox");
	if (!f->command[0] && !f->print_plan)
		return cli_usage_error(ctx->prog, "no command given (codex sandbox -- COMMAND)");
	return -1;
}

/* Builds the policy from the flags and the configuration; relative roots (config or
 * --add-dir) are relative to the workspace. */
static int build_policy(const struct sandbox_flags *f, const struct config *cfg, const char *cwd,
			struct sandbox_policy *p, struct err *e)
{
	const struct config_sandbox_workspace_write *w = &cfg->sandbox_workspace_write;
	enum sandbox_mode mode = f->full_auto   ? SANDBOX_MODE_WORKSPACE_WRITE
				 : f->have_mode ? f->mode
						: cfg->sandbox_mode;

	sandbox_policy_init(p, mode);
	if (mode != SANDBOX_MODE_WORKSPACE_WRITE) {
		if (f->add_dirs.n)
			fprintf(stderr, "codex: warning: --add-dir is ignored with the %s policy\n",
				sandbox_mode_str(mode));
		return 0;
	}
	p->network_access = w->network_access;
	p->exclude_tmpdir_env_var = w->exclude_tmpdir_env_var;
	p->exclude_slash_tmp = w->exclude_slash_tmp;
	for (size_t i = 0; i < w->writable_roots.n; i++)
		if (strv_take(&p->writable_roots, path_join(cwd, w->writable_roots.v[i])) < 0)
			return err_set(e, "out of memory");
	for (size_t i = 0; i < f->add_dirs.n; i++)
		if (strv_take(&p->writable_roots, path_join(cwd, f->add_dirs.v[i])) < 0)
			return err_set(e, "out of memory");
	return 0;
}

static int copy_list(struct strv *dst, const struct strv *a, const struct strv *b)
{
	for (size_t k = 0; k < a->n; k++)
		if (strv_push(dst, a->v[k]) < 0)
			return -1;
	for (size_t k = 0; k < b->n; k++)
		if (strv_push(dst, b->v[k]) < 0)
			return -1;
	return 0;
}

/* The proxy's settings from [network] and the flags; 0 when the proxy is off. */
static int build_net(const struct sandbox_flags *f, const struct config *cfg,
		     struct cli_sandbox_net *n, struct err *e)
{
	const struct config_network *c = &cfg->network;

	if (!c->enabled && !f->net_flag)
		return 0;
	n->mode = f->have_net_mode ? f->net_mode : c->mode;
	n->allow_local_binding = f->allow_local_binding || c->allow_local_binding;
	n->socks = c->enable_socks5;
	n->audit_path = f->audit;
	if (copy_list(&n->allowed, &c->allowed_domains, &f->allow_domains) < 0 ||
	    copy_list(&n->denied, &c->denied_domains, &f->deny_domains) < 0)
		return err_set(e, "out of memory");
	return 1;
}

int cli_sandbox_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct sandbox_flags f;
	struct cli_sandbox_net net;
	struct sandbox_proxy proxy;
	int on;
	struct config_load_opts opts;
	struct config *cfg = NULL;
	struct sandbox_policy policy;
	struct sandbox_command cmd;
	struct err e;
	char *cwd = NULL;
	int rc;

	memset(&f, 0, sizeof f);
	memset(&net, 0, sizeof net);
	proxy.channel = -1;
	sandbox_policy_init(&policy, SANDBOX_MODE_READ_ONLY);
	err_clear(&e);
	rc = parse_flags(ctx, argc, argv, &f);
	if (rc >= 0)
		goto out;
	rc = EXIT_FAILURE_GENERIC;
	if (f.cd && chdir(f.cd) < 0) {
		err_sys(&e, errno, "cannot change to %s", f.cd);
		goto fail;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd) {
		err_sys(&e, errno, "cannot determine the working directory");
		goto fail;
	}
	/* After the flags: -c and -p may follow the subcommand. config_load names the
	 * file or -c override that is wrong (line and column). */
	opts.codex_home = NULL;
	opts.overrides = &ctx->overrides;
	opts.profile = ctx->profile;
	if (config_load(&opts, &cfg, &e) < 0 || build_policy(&f, cfg, cwd, &policy, &e) < 0 ||
	    (on = build_net(&f, cfg, &net, &e)) < 0)
		goto fail;
	memset(&cmd, 0, sizeof cmd);
	cmd.policy = &policy;
	cmd.cwd = cwd;
	cmd.argv = f.command;
	cmd.print_plan = f.print_plan;
	rc = EXIT_SANDBOX_SETUP; /* fail closed: no proxy, no command */
	if (on) {
		pid_t pid; /* our child: after the exec, the launcher's */
		if (cli_sandbox_net_start(&net, f.print_plan, &proxy.channel, &pid, &e) < 0)
			goto fail;
		proxy.socks = net.socks;
		proxy.allow_local_binding = net.allow_local_binding;
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
	cli_sandbox_net_free(&net);
	if (proxy.channel >= 0)
		close(proxy.channel); /* the proxy sees end of file and stops */
	return rc;
}
