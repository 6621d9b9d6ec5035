/* codex sandbox windows [--full-auto] [-s POLICY] [-c key=value] [--allow-domain D]
 *                       [--plan] [--] COMMAND [ARGS...]
 *
 * The Windows sandbox's front end, in both builds. The policy comes from config.toml's
 * sandbox_mode and [sandbox_workspace_write], then --full-auto / -s, as on Linux; the
 * network proxy is on when [network] enabled = true or a network flag is given, and then
 * the command's environment carries the proxy's URLs (sandbox/proxy_env.c) on the ports
 * of [network] proxy_url and socks_url. From those, sandbox/windows/plan.c decides the
 * backend, the identity, the firewall rules and whether setup must run; --plan prints
 * that as JSON and applies nothing, on any OS. Applying it exists only in codex.exe
 * (the *_win.c files of sandbox/windows, through win_sandbox_apply). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "cli/cli.h"
#include "config/config.h"
#include "sandbox/sandbox.h"
#include "sandbox/windows/windows_sandbox.h"

extern char **environ;

struct win_flags {
	struct cli_sandbox_options common;
	bool plan, net_flag, allow_local_binding;
	char **command;
	struct strv proxy_args; /* the network flags as `codex proxy` takes them */
};

static void usage(const char *prog)
{
	printf("Usage: %s sandbox windows [OPTIONS] [--] COMMAND [ARGS...]\n\n", prog);
	printf("Run COMMAND under the Windows sandbox (codex.exe), or print its plan (any OS).\n"
	       "Default policy: read-only.\n\n");
	printf("Options:\n");
	printf("      --full-auto               Workspace-write: write the working directory\n");
	printf("  -s, --sandbox <policy>        read-only, workspace-write or "
	       "danger-full-access\n");
	printf("  -C, --cd <DIR>                Run in DIR (the workspace)\n");
	printf("  -c, --config <key=value>      Override a config value\n");
	printf("  -p, --profile <name>          Use [profiles.<name>] of config.toml\n");
	printf("      --plan                    Print the plan as JSON; apply nothing\n");
	printf("  -h, --help                    Print this help\n");
	printf("\nNetwork proxy (any of these, or [network] enabled = true, turns it on: the\n"
	       "command runs as the offline identity and reaches the network only through it):\n");
	printf("      --allow-domain <DOMAIN>   Allow a domain pattern; repeatable\n");
	printf("      --deny-domain <DOMAIN>    Deny a domain pattern; repeatable\n");
	printf("      --network-mode <MODE>     full, or limited (GET/HEAD/OPTIONS only)\n");
	printf("      --allow-local-binding     Leave the command's loopback open\n");
}

/* -1 to go on, or an exit code. */
static int parse(struct cli_ctx *ctx, int argc, char **argv, struct win_flags *f)
{
	int i = 1, r;

	if (i < argc && strcmp(argv[i], "windows") == 0)
		i++;
	for (; i < argc; i++) {
		const char *a = argv[i], *v;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(ctx->prog);
			return EXIT_OK;
		}
		if (strcmp(a, "--plan") == 0 || strcmp(a, "--allow-local-binding") == 0) {
			if (a[2] == 'p')
				f->plan = true;
			else if (strv_push(&f->proxy_args, "--allow-local-binding") < 0)
				return cli_usage_error(ctx->prog, "out of memory");
			else
				f->net_flag = f->allow_local_binding = true;
			continue;
		}
		if ((r = cli_take_sandbox_option(ctx, argc, argv, &i, &f->common)) != 0) {
			if (r < 0)
				return -r;
			continue;
		}
		/* The proxy's policy flags: here they only turn the proxy on (the plan
		 * holds no domain lists); their values are checked as on Linux. */
		if ((r = cli_option_value(argc, argv, &i, "--allow-domain", "--allow-domain", &v)) ||
		    (r = cli_option_value(argc, argv, &i, "--deny-domain", "--deny-domain", &v))) {
			if (r < 0)
				return cli_usage_error(ctx->prog, "%s needs a value", a);
			if (strv_push(&f->proxy_args, a[2] == 'a' ? "--allow" : "--deny") < 0 ||
			    strv_push(&f->proxy_args, v) < 0)
				return cli_usage_error(ctx->prog, "out of memory");
			f->net_flag = true;
			continue;
		}
		if ((r = cli_option_value(argc, argv, &i, "--network-mode", "--network-mode", &v))) {
			enum network_mode m;
			if (r < 0 || network_mode_parse(v, &m) < 0)
				return cli_usage_error(ctx->prog, "--network-mode must be full or "
								  "limited");
			if (strv_push(&f->proxy_args, "--mode") < 0 ||
			    strv_push(&f->proxy_args, v) < 0)
				return cli_usage_error(ctx->prog, "out of memory");
			f->net_flag = true;
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
	if (!f->command[0])
		return cli_usage_error(ctx->prog, "no command given (codex sandbox windows -- "
						  "COMMAND)");
	return -1;
}


/* The command's environment: ours, with the proxy's variables when it is on (on the
 * ports of [network] proxy_url and socks_url, which must be loopback URLs). */
static int build_env(const struct win_flags *f, const struct config *cfg, bool proxy,
		     struct strv *env, struct err *e)
{
	const struct config_network *c = &cfg->network;
	struct sandbox_proxy_ports ports = {0, 0, false};

	for (size_t i = 0; environ && environ[i]; i++)
		if (strv_push(env, environ[i]) < 0)
			return err_set(e, "out of memory");
	if (!proxy)
		return 0;
	ports.http = win_loopback_proxy_port(c->proxy_url);
	if (!ports.http)
		return err_set(e, "[network] proxy_url must be a loopback URL with a port "
				  "(http://127.0.0.1:PORT) for the Windows sandbox, got '%s'",
			       c->proxy_url ? c->proxy_url : "");
	if (c->enable_socks5 && !(ports.socks = win_loopback_proxy_port(c->socks_url)))
		return err_set(e, "[network] socks_url must be a loopback URL with a port "
				  "(http://127.0.0.1:PORT) for the Windows sandbox, got '%s'",
			       c->socks_url ? c->socks_url : "");
	ports.allow_local_binding = f->allow_local_binding || c->allow_local_binding;
	return sandbox_proxy_env(env, &ports, e);
}

/* The marker in CODEX_HOME/.sandbox; *have false when there is none (or it is
 * unreadable: the setup then runs and rewrites it). */
static void read_marker(const char *codex_home, struct win_marker *m, bool *have)
{
	char *path = path_join(codex_home, ".sandbox/setup_marker.json");
	struct buf b;
	struct err e;

	*have = false;
	memset(m, 0, sizeof *m);
	buf_init(&b, WIN_MARKER_MAX_BYTES);
	if (path && file_read_regular(path, &b, &e) == 0 &&
	    win_marker_parse(b.data ? b.data : "", b.len, m, &e) == 0)
		*have = true;
	buf_free(&b);
	free(path);
}

/* [windows] sandbox, else upstream's legacy feature flags: elevated_windows_sandbox wins
 * over experimental_windows_sandbox (reference codex-windows-sandbox.md §7). */
static const char *configured_backend(const struct config *cfg)
{
	const char *elevated = config_map_get(&cfg->features, "elevated_windows_sandbox");

	if (cfg->windows_sandbox)
		return cfg->windows_sandbox;
	if (elevated && strcmp(elevated, "true") == 0)
		return "elevated";
	return NULL;
}

int cli_sandbox_windows_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct win_flags f;
	struct config_load_opts opts;
	struct config *cfg = NULL;
	struct sandbox_policy policy;
	struct strv env = STRV_INIT;
	struct win_marker marker = {0};
	struct win_plan_input in;
	struct win_plan plan;
	bool have_marker, proxy;
	char *cwd = NULL, *json = NULL;
	struct err e;
	int rc;

	memset(&f, 0, sizeof f);
	sandbox_policy_init(&policy, SANDBOX_MODE_READ_ONLY);
	err_clear(&e);
	rc = parse(ctx, argc, argv, &f);
	if (rc >= 0)
		goto out;
	rc = EXIT_FAILURE_GENERIC;
	if (f.common.cd && chdir(f.common.cd) < 0) {
		err_sys(&e, errno, "cannot change to %s", f.common.cd);
		goto fail;
	}
	if (!(cwd = getcwd(NULL, 0))) {
		err_sys(&e, errno, "cannot determine the working directory");
		goto fail;
	}
	opts.codex_home = NULL;
	opts.overrides = &ctx->overrides;
	opts.profile = ctx->profile;
	if (config_load(&opts, &cfg, &e) < 0 ||
	    cli_sandbox_build_policy(&f.common, NULL, cfg, cwd, &policy, &e) < 0)
		goto fail;
	proxy = cfg->network.enabled || f.net_flag;
	if (build_env(&f, cfg, proxy, &env, &e) < 0)
		goto fail;
	read_marker(cfg->codex_home, &marker, &have_marker);
	in.policy = &policy;
	in.proxy_enforced = proxy;
	in.configured_backend = configured_backend(cfg);
	in.env = env.v;
	in.marker = have_marker ? &marker : NULL;
	in.command = f.command;
	in.codex_home = cfg->codex_home;
	in.proxy_args = f.proxy_args.v;
	win_plan_build(&in, &plan);
	if (f.plan) {
		if (!(json = win_plan_json(&in, &plan))) {
			err_set(&e, "out of memory");
			goto fail;
		}
		fputs(json, stdout);
		rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_GENERIC;
		goto out;
	}
	rc = win_sandbox_apply(&in, &plan, &e);
	if (rc >= 0)
		goto out;
	rc = EXIT_SANDBOX_SETUP;
fail:
	err_print(ctx->prog, &e);
out:
	win_marker_free(&marker);
	free(json);
	free(cwd);
	strv_free(&f.proxy_args);
	strv_free(&env);
	config_free(cfg);
	sandbox_policy_free(&policy);
	return rc;
}
