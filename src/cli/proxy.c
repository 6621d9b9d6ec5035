/* `codex proxy [OPTIONS]` and the argv[0] role `codex-network-proxy`: the network proxy as
 * a standalone server. Settings come from [network] in config.toml (plus -c), then flags.
 * Prints one JSON line with the actual addresses when ready; SIGHUP reloads the policy;
 * SIGTERM/SIGINT stop it (exit 0). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "base/strv.h"
#include "cli/cli.h"
#include "config/config.h"
#include "proxy/proxy.h"

/* The admin API's default address: upstream always ran it; here it runs only when asked
 * for (--admin, or an admin_url other than this default in the config). */
#define DEFAULT_ADMIN_URL "http://127.0.0.1:8080"

/* The listeners [network] names, copied out of the loaded config. */
struct proxy_cli_listeners {
	char *proxy_url, *socks_url, *admin_url;
	bool enable_socks5, dangerously_allow_non_loopback_proxy;
};

static void listeners_free(struct proxy_cli_listeners *l)
{
	free(l->proxy_url);
	free(l->socks_url);
	free(l->admin_url);
	memset(l, 0, sizeof *l);
}

struct proxy_cli {
	struct cli_ctx *ctx;
	const char *http, *socks, *unix_path, *admin, *audit, *mode;
	bool no_socks, no_socks_udp, allow_local, dangerous, verbose;
	struct strv allow, deny;       /* from flags; added to the config's lists */
	unsigned long max_conns, header_ms, idle_ms, connect_ms, dns_ms, drain_ms;
	struct proxy_config_extra extra; /* the flags' part of the policy */
	struct proxy_cli_listeners listeners;
	struct proxy_config cfg;       /* the policy in force, rebuilt on reload */
};

static void usage(const char *prog)
{
	printf("Usage: %s proxy [OPTIONS]\n\n", prog);
	printf("Runs the network proxy: an HTTP/1.1 proxy (absolute-form and CONNECT) and a\n"
	       "SOCKS5 proxy sharing one domain policy. Settings come from [network] in\n"
	       "config.toml and -c overrides; flags win. When the listeners are up it prints one\n"
	       "JSON line with their addresses: {\"http\":\"127.0.0.1:PORT\",\"socks\":...}.\n\n");
	printf("Listeners (given any of --http/--socks/--unix, only those start):\n"
	       "      --http ADDR               HTTP proxy address (HOST:PORT; port 0 = any)\n"
	       "      --socks ADDR              SOCKS5 proxy address\n"
	       "      --unix PATH               HTTP proxy on a unix socket, mode 0600\n"
	       "      --no-socks                No SOCKS5 listener\n"
	       "      --admin ADDR              Admin API: GET /health, GET /blocked, POST /reload\n"
	       "      --dangerously-allow-non-loopback-proxy\n"
	       "                                Bind non-loopback addresses as given\n");
	printf("Policy:\n"
	       "      --allow DOMAIN            Allow a domain pattern (example.com, *.x.com,\n"
	       "                                **.x.com, *); repeatable\n"
	       "      --deny DOMAIN             Deny a domain pattern (no *); repeatable\n"
	       "      --mode full|limited       limited: GET/HEAD/OPTIONS only, no CONNECT/SOCKS5\n"
	       "      --allow-local-binding     Permit loopback/private/link-local destinations\n"
	       "      --no-socks-udp            Refuse SOCKS5 UDP ASSOCIATE\n");
	printf("Operation:\n"
	       "      --audit FILE              Append one JSON line per decision to FILE\n"
	       "      --max-connections N       Client connections at once (default 4096)\n"
	       "      --header-timeout-ms N     Time to send a request head (default 10000)\n"
	       "      --idle-timeout-ms N       Idle tunnel / keep-alive timeout (default 300000)\n"
	       "      --connect-timeout-ms N    Upstream connect timeout (default 10000)\n"
	       "      --dns-timeout-ms N        Name resolution timeout (default 2000)\n"
	       "      --drain-timeout-ms N      On SIGTERM, time for open tunnels (default 2000)\n"
	       "  -v, --verbose                 Log decisions to stderr\n"
	       "  -c, --config key=value        Override a config.toml value\n"
	       "  -h, --help                    Print this help\n\n");
	printf("Exit status: 0 after SIGTERM/SIGINT, 1 when the proxy cannot start (bad\n"
	       "config, address in use), 2 for usage errors.\n");
}

/* Loads config.toml (+ -c, -p): the policy (with the flags on top) into pc->cfg, and
 * the listener settings when `listeners` is not NULL. */
static int load(struct proxy_cli *pc, struct proxy_cli_listeners *listeners, struct err *e)
{
	struct config_load_opts lo = {NULL, &pc->ctx->overrides, pc->ctx->profile};
	struct config *cfg = NULL;
	struct proxy_config next;

	if (config_load(&lo, &cfg, e) < 0)
		return -1;
	const struct config_network *n = &cfg->network;
	if (proxy_config_from_network(&next, n, &pc->extra, e) < 0) {
		config_free(cfg);
		return -1;
	}
	if (listeners) {
		bool admin = n->admin_url && strcmp(n->admin_url, DEFAULT_ADMIN_URL) != 0;
		listeners->proxy_url = strdup(n->proxy_url ? n->proxy_url : "http://127.0.0.1:3128");
		listeners->socks_url = strdup(n->socks_url ? n->socks_url : "http://127.0.0.1:8081");
		listeners->admin_url = admin ? strdup(n->admin_url) : NULL;
		listeners->enable_socks5 = n->enable_socks5;
		listeners->dangerously_allow_non_loopback_proxy = n->dangerously_allow_non_loopback_proxy;
		if (!listeners->proxy_url || !listeners->socks_url || (admin && !listeners->admin_url)) {
			config_free(cfg);
			proxy_config_free(&next);
			return err_set(e, "out of memory");
		}
	}
	config_free(cfg);
	proxy_config_free(&pc->cfg);
	pc->cfg = next;
	/* The spec points at the lists it was built with: follow them to their new home. */
	pc->cfg.policy.allowed_domains = &pc->cfg.allow;
	pc->cfg.policy.denied_domains = &pc->cfg.deny;
	return 0;
}

/* SIGHUP / POST /reload: read the config again; the flags still apply on top. */
static int reload(void *arg, struct proxy_policy_spec *spec, struct err *e)
{
	struct proxy_cli *pc = arg;

	if (load(pc, NULL, e) < 0)
		return -1;
	*spec = pc->cfg.policy;
	return 0;
}

static int parse_ulong(const char *prog, const char *flag, const char *v, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || *out > 86400000UL)
		return cli_usage_error(prog, "%s needs a whole number, got '%s'", flag, v);
	return 0;
}

/* "--flag VALUE" or "--flag=VALUE" (long form only): cli_option_value's answers. */
static int flag_value(int argc, char **argv, int *i, const char *flag, const char **value)
{
	return cli_option_value(argc, argv, i, flag, flag, value);
}

static int parse_args(struct proxy_cli *pc, int argc, char **argv)
{
	const char *prog = pc->ctx->prog;
	static const struct {
		const char *flag;
		size_t off;
	} strs[] = {
		{"--http", offsetof(struct proxy_cli, http)},
		{"--socks", offsetof(struct proxy_cli, socks)},
		{"--unix", offsetof(struct proxy_cli, unix_path)},
		{"--admin", offsetof(struct proxy_cli, admin)},
		{"--audit", offsetof(struct proxy_cli, audit)},
		{"--mode", offsetof(struct proxy_cli, mode)},
	};
	static const struct {
		const char *flag;
		size_t off;
	} nums[] = {
		{"--max-connections", offsetof(struct proxy_cli, max_conns)},
		{"--header-timeout-ms", offsetof(struct proxy_cli, header_ms)},
		{"--idle-timeout-ms", offsetof(struct proxy_cli, idle_ms)},
		{"--connect-timeout-ms", offsetof(struct proxy_cli, connect_ms)},
		{"--dns-timeout-ms", offsetof(struct proxy_cli, dns_ms)},
		{"--drain-timeout-ms", offsetof(struct proxy_cli, drain_ms)},
	};
	static const struct {
		const char *flag;
		size_t off;
	} bools[] = {
		{"--no-socks", offsetof(struct proxy_cli, no_socks)},
		{"--no-socks-udp", offsetof(struct proxy_cli, no_socks_udp)},
		{"--allow-local-binding", offsetof(struct proxy_cli, allow_local)},
		{"--dangerously-allow-non-loopback-proxy", offsetof(struct proxy_cli, dangerous)},
		{"--verbose", offsetof(struct proxy_cli, verbose)},
		{"-v", offsetof(struct proxy_cli, verbose)},
	};

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		int r = cli_take_config_option(pc->ctx, argc, argv, &i);
		bool done = false;

		if (r < 0)
			return -1;
		if (r > 0) {
			i--; /* cli_take_config_option moved past the option */
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(prog);
			return 1;
		}
		for (size_t k = 0; k < sizeof bools / sizeof bools[0] && !done; k++)
			if (strcmp(a, bools[k].flag) == 0) {
				*(bool *)((char *)pc + bools[k].off) = true;
				done = true;
			}
		for (size_t k = 0; k < sizeof strs / sizeof strs[0] && !done; k++) {
			r = flag_value(argc, argv, &i, strs[k].flag, &v);
			if (r < 0)
				return cli_usage_error(prog, "%s needs a value", strs[k].flag), -1;
			if (r > 0) {
				*(const char **)((char *)pc + strs[k].off) = v;
				done = true;
			}
		}
		for (size_t k = 0; k < sizeof nums / sizeof nums[0] && !done; k++) {
			r = flag_value(argc, argv, &i, nums[k].flag, &v);
			if (r < 0)
				return cli_usage_error(prog, "%s needs a value", nums[k].flag), -1;
			if (r > 0) {
				if (parse_ulong(prog, nums[k].flag, v,
						(unsigned long *)((char *)pc + nums[k].off)) != 0)
					return -1;
				done = true;
			}
		}
		if (!done && ((r = flag_value(argc, argv, &i, "--allow", &v)) != 0 ||
			      (r = flag_value(argc, argv, &i, "--deny", &v)) != 0)) {
			if (r < 0)
				return cli_usage_error(prog, "%s needs a domain", a), -1;
			if (strv_push(strncmp(a, "--allow", 7) == 0 ? &pc->allow : &pc->deny, v) < 0) {
				fprintf(stderr, "%s: error: out of memory\n", prog);
				return -1;
			}
			done = true;
		}
		if (!done)
			return cli_usage_error(prog, "unexpected argument '%s'", a), -1;
	}
	if (pc->mode) {
		if (network_mode_parse(pc->mode, &pc->extra.mode) < 0)
			return cli_usage_error(prog, "--mode must be full or limited, got '%s'", pc->mode),
			       -1;
		pc->extra.have_mode = true;
	}
	const char *addrs[] = {pc->http, pc->socks, pc->admin};
	const char *names[] = {"--http", "--socks", "--admin"};
	for (size_t k = 0; k < 3; k++) {
		struct err e;
		if (addrs[k] && proxy_check_listen_addr(addrs[k], &e) < 0)
			return cli_usage_error(prog, "%s: %s", names[k], e.msg), -1;
	}
	pc->extra.allow = &pc->allow;
	pc->extra.deny = &pc->deny;
	pc->extra.allow_local_binding = pc->allow_local;
	pc->extra.no_socks5_udp = pc->no_socks_udp;
	return 0;
}

static int run(struct proxy_cli *pc)
{
	struct proxy_options o;
	struct proxy *px = NULL;
	struct buf ready;
	struct err e;
	int audit_fd = -1, rc = EXIT_FAILURE_GENERIC;
	bool explicit = pc->http || pc->socks || pc->unix_path;

	err_clear(&e);
	buf_init(&ready, 4096);
	if (load(pc, &pc->listeners, &e) < 0)
		goto out;
	proxy_options_init(&o);
	o.policy = pc->cfg.policy;
	o.upstream = pc->cfg.upstream;
	o.http_addr = explicit ? pc->http : pc->listeners.proxy_url;
	o.socks_addr = explicit ? pc->socks
				: (pc->listeners.enable_socks5 ? pc->listeners.socks_url : NULL);
	if (pc->no_socks)
		o.socks_addr = NULL;
	o.unix_path = pc->unix_path;
	o.admin_addr = pc->admin ? pc->admin : pc->listeners.admin_url;
	o.dangerously_allow_non_loopback_proxy =
		pc->dangerous || pc->listeners.dangerously_allow_non_loopback_proxy;
	o.reload = reload;
	o.reload_arg = pc;
	o.handle_signals = true;
	o.log_fd = pc->verbose ? 2 : -1;
	if (pc->max_conns)
		o.max_connections = (unsigned)pc->max_conns;
	if (pc->header_ms)
		o.header_timeout_ms = (unsigned)pc->header_ms;
	if (pc->idle_ms)
		o.idle_timeout_ms = (unsigned)pc->idle_ms;
	if (pc->connect_ms)
		o.connect_timeout_ms = (unsigned)pc->connect_ms;
	if (pc->dns_ms)
		o.dns_timeout_ms = (unsigned)pc->dns_ms;
	if (pc->drain_ms)
		o.drain_timeout_ms = (unsigned)pc->drain_ms;
	if (pc->audit) {
		audit_fd = open(pc->audit, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (audit_fd < 0) {
			err_sys(&e, errno, "cannot open audit file %s", pc->audit);
			goto out;
		}
		o.audit_fd = audit_fd;
	}
	if (proxy_new(&o, &px, &e) < 0)
		goto out;
	if (proxy_ready_json(px, &ready) < 0 || buf_putc(&ready, '\n') < 0 ||
	    fd_write_all(1, ready.data, ready.len) < 0) {
		err_set(&e, "cannot write the ready line to stdout");
		goto out;
	}
	if (proxy_run(px, -1, &e) < 0)
		goto out;
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		err_print(pc->ctx->prog, &e);
	proxy_free(px);
	if (audit_fd >= 0)
		close(audit_fd);
	buf_free(&ready);
	return rc;
}

int cli_proxy_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct proxy_cli pc;
	int r, rc;

	memset(&pc, 0, sizeof pc);
	pc.ctx = ctx;
	r = parse_args(&pc, argc, argv);
	if (r != 0) {
		rc = r > 0 ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	rc = run(&pc);
out:
	strv_free(&pc.allow);
	strv_free(&pc.deny);
	proxy_config_free(&pc.cfg);
	listeners_free(&pc.listeners);
	return rc;
}

/* argv[0] role: `codex-network-proxy [OPTIONS]`. */
int cli_network_proxy_role(int argc, char **argv)
{
	struct cli_ctx ctx = {"codex-network-proxy", STRV_INIT, NULL, NULL};
	int rc = cli_proxy_main(&ctx, argc, argv);

	strv_free(&ctx.overrides);
	return rc;
}

static const char *const proxy_mode_choices[] = {"full", "limited", NULL};
const struct cli_flag cli_proxy_flags[] = {
	{"--http", NULL, CLI_VALUE_TEXT, NULL, "HTTP proxy address (HOST:PORT)"},
	{"--socks", NULL, CLI_VALUE_TEXT, NULL, "SOCKS5 proxy address"},
	{"--unix", NULL, CLI_VALUE_FILE, NULL, "HTTP proxy on a unix socket"},
	{"--no-socks", NULL, CLI_VALUE_NONE, NULL, "No SOCKS5 listener"},
	{"--admin", NULL, CLI_VALUE_TEXT, NULL, "Admin API address"},
	{"--dangerously-allow-non-loopback-proxy", NULL, CLI_VALUE_NONE, NULL,
	 "Bind non-loopback addresses as given"},
	{"--allow", NULL, CLI_VALUE_TEXT, NULL, "Allow a domain pattern"},
	{"--deny", NULL, CLI_VALUE_TEXT, NULL, "Deny a domain pattern"},
	{"--mode", NULL, CLI_VALUE_CHOICE, proxy_mode_choices, "full or limited"},
	{"--allow-local-binding", NULL, CLI_VALUE_NONE, NULL, "Permit local destinations"},
	{"--no-socks-udp", NULL, CLI_VALUE_NONE, NULL, "Refuse SOCKS5 UDP ASSOCIATE"},
	{"--audit", NULL, CLI_VALUE_FILE, NULL, "Append one JSON line per decision to FILE"},
	{"--max-connections", NULL, CLI_VALUE_TEXT, NULL, "Client connections at once"},
	{"--header-timeout-ms", NULL, CLI_VALUE_TEXT, NULL, "Time to send a request head"},
	{"--idle-timeout-ms", NULL, CLI_VALUE_TEXT, NULL, "Idle timeout"},
	{"--connect-timeout-ms", NULL, CLI_VALUE_TEXT, NULL, "Upstream connect timeout"},
	{"--dns-timeout-ms", NULL, CLI_VALUE_TEXT, NULL, "Name resolution timeout"},
	{"--drain-timeout-ms", NULL, CLI_VALUE_TEXT, NULL, "Drain time on SIGTERM"},
	{"--verbose", "-v", CLI_VALUE_NONE, NULL, "Log decisions to stderr"},
	{"--config", "-c", CLI_VALUE_TEXT, NULL, "Override a config value (key=value)"},
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};
