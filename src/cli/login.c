/* codex login [--device-auth | --with-api-key] | login status | logout: upstream 0.118's
 * messages and exit codes (reference codex-login.md §2, §5, §6, §12). The sign-in flows
 * themselves live in src/auth/.
 *
 * Hidden flags for a test (or private) issuer: --experimental_issuer URL and
 * --experimental_client-id ID, as upstream names them, honoured by the browser flow too
 * (upstream: device code only), and --experimental_port N (ours) for the callback port. */
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/rfc3339.h"
#include "cli/cli.h"
#include "config/config.h"

#define PIPE_HINT "`printenv OPENAI_API_KEY | codex login --with-api-key`"

static void login_usage(const char *prog)
{
	printf("Usage: %s login [OPTIONS] [COMMAND]\n\n", prog);
	printf("Store credentials in $CODEX_HOME/auth.json (mode 0600).\n\n");
	printf("Sign in with ChatGPT in a browser (default), with a device code, or store an API\n"
	       "key.\n\n");
	printf("Commands:\n");
	printf("  status                    Show how you are logged in (exit 1 when not)\n\n");
	printf("Options:\n");
	printf("  --with-api-key            Read an API key from stdin and store it, e.g.\n"
	       "                            " PIPE_HINT "\n");
	printf("  --device-auth             Sign in with a one-time code entered in a browser\n"
	       "                            elsewhere (for remote or headless machines)\n");
	printf("  -c, --config <key=value>  Override a config value (TOML value)\n");
	printf("  -p, --profile <name>      Use [profiles.<name>]\n");
	printf("  -h, --help                Print this help\n");
}

static void logout_usage(const char *prog)
{
	printf("Usage: %s logout [OPTIONS]\n\n", prog);
	printf("Remove the stored credentials ($CODEX_HOME/auth.json).\n\n");
	printf("Options:\n");
	printf("  -c, --config <key=value>  Override a config value (TOML value)\n");
	printf("  -p, --profile <name>      Use [profiles.<name>]\n");
	printf("  -h, --help                Print this help\n");
}

static int load_config(struct cli_ctx *ctx, struct config **cfg)
{
	struct config_load_opts opts = {NULL, &ctx->overrides, ctx->profile};
	struct err e = {{0}};

	if (config_load(&opts, cfg, &e) < 0) {
		err_print(ctx->prog, &e);
		return -1;
	}
	return 0;
}

/* Reads the key from stdin: the key (malloc'ed, trimmed, maybe empty) or NULL with e. */
static char *read_key(struct err *e)
{
	struct buf in;
	char *key, *start, *end;

	buf_init(&in, AUTH_API_KEY_MAX_BYTES);
	if (fd_read_all(STDIN_FILENO, &in, "stdin", e) < 0) {
		buf_free(&in);
		return NULL;
	}
	key = buf_take(&in);
	if (!key) {
		err_set(e, "out of memory");
		return NULL;
	}
	for (start = key; *start && strchr(" \t\r\n\v\f", *start); start++)
		;
	end = start + strlen(start);
	while (end > start && strchr(" \t\r\n\v\f", end[-1]))
		end--;
	memmove(key, start, (size_t)(end - start));
	key[end - start] = '\0';
	return key;
}

static int login_with_api_key(const struct config *cfg)
{
	struct err e = {{0}};
	char *key;
	int rc;

	if (cfg->forced_login_method && strcmp(cfg->forced_login_method, "chatgpt") == 0) {
		fprintf(stderr, "API key login is disabled. Use ChatGPT login instead.\n");
		return EXIT_FAILURE_GENERIC;
	}
	if (isatty(STDIN_FILENO)) {
		fprintf(stderr, "--with-api-key expects the API key on stdin. Try piping it, e.g. "
				PIPE_HINT ".\n");
		return EXIT_FAILURE_GENERIC;
	}
	fprintf(stderr, "Reading API key from stdin...\n");
	key = read_key(&e);
	if (!key) {
		fprintf(stderr, "Failed to read API key from stdin: %s\n", e.msg);
		return EXIT_FAILURE_GENERIC;
	}
	if (!*key) {
		fprintf(stderr, "No API key provided via stdin.\n");
		rc = EXIT_FAILURE_GENERIC;
	} else if (auth_save_api_key(cfg->codex_home, key, &e) < 0) {
		fprintf(stderr, "Error logging in: %s\n", e.msg);
		rc = EXIT_FAILURE_GENERIC;
	} else {
		fprintf(stderr, "Successfully logged in\n");
		rc = EXIT_OK;
	}
	/* The key is a secret: do not leave it in freed memory. */
	memset(key, 0, strlen(key));
	free(key);
	return rc;
}

/* ---- ChatGPT sign-in -------------------------------------------------------------- */

static void print_url(void *arg, const char *url, int port)
{
	fprintf(stderr, "Starting local login server on http://localhost:%d.\n"
			"If your browser did not open, navigate to this URL to authenticate:\n\n"
			"%s\n\n"
			"On a remote or headless machine? Use `codex login --device-auth` instead.\n",
		port, url);
}

static void print_device_code(void *arg, const char *verification_url, const char *user_code)
{
	/* Upstream's text and colours (gray, blue), on stdout. */
	printf("\nWelcome to Codex [v%s]\n\033[90mOpenAI's command-line coding agent\033[0m\n\n"
	       "Follow these steps to sign in with ChatGPT using device code authorization:\n\n"
	       "1. Open this link in your browser and sign in to your account\n"
	       "   \033[94m%s\033[0m\n\n"
	       "2. Enter this one-time code \033[90m(expires in 15 minutes)\033[0m\n"
	       "   \033[94m%s\033[0m\n\n"
	       "\033[90mDevice codes are a common phishing target. Never share this code.\033[0m\n\n",
	       CODEX_VERSION, verification_url, user_code);
	fflush(stdout);
}

/* "--name VALUE" or "--name=VALUE" at argv[*i] (as cli_option_value, without a short
 * form): 1 with *value (and *i on the last argument used), 0 when it is another
 * argument, -1 when the value is missing. */
static int long_value(int argc, char **argv, int *i, const char *name, const char **value)
{
	size_t n = strlen(name);

	if (strcmp(argv[*i], name) == 0) {
		if (*i + 1 >= argc)
			return -1;
		*value = argv[++*i];
		return 1;
	}
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
		*value = argv[*i] + n + 1;
		return 1;
	}
	return 0;
}

/* Appends one line to $CODEX_HOME/log/codex-login.log (0600), where upstream keeps its
 * login trace: when and how a sign-in started and how it ended, never a token. A log
 * that cannot be written is skipped: it must not stop a login. */
static void login_log(const char *codex_home, const char *fmt, const char *a, const char *b)
{
	char *dir = path_join(codex_home, "log"), *path = dir ? path_join(dir, "codex-login.log")
							      : NULL;
	char ts[RFC3339_MAX];
	struct timespec now = rfc3339_now();
	int fd = -1;

	if (!path)
		goto out;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		goto out;
	rfc3339_format(&now, 6, ts);
	dprintf(fd, "%s INFO codex_login: ", ts);
	dprintf(fd, fmt, a, b);
	dprintf(fd, "\n");
out:
	if (fd >= 0)
		close(fd);
	free(path);
	free(dir);
}

struct signin_flags {
	const char *issuer, *client_id;
	int port;
};

static int login_chatgpt(const struct config *cfg, const struct signin_flags *f, bool device)
{
	struct auth_login_opts o;
	struct err e = {{0}};

	if (cfg->forced_login_method && strcmp(cfg->forced_login_method, "api") == 0) {
		fprintf(stderr, "ChatGPT login is disabled. Use API key login instead.\n");
		return EXIT_FAILURE_GENERIC;
	}
	memset(&o, 0, sizeof o);
	o.codex_home = cfg->codex_home;
	o.issuer = f->issuer;
	o.client_id = f->client_id;
	o.port = f->port;
	o.originator = "codex_cli_rs";
	o.forced_workspace_id = cfg->forced_chatgpt_workspace_id;
	o.open_browser = true;
	o.on_url = print_url;
	o.on_device_code = print_device_code;
	login_log(cfg->codex_home, "%s login started (issuer %s)",
		  device ? "device code" : "browser", f->issuer ? f->issuer : AUTH_ISSUER_DEFAULT);
	if ((device ? auth_login_device(&o, &e) : auth_login_browser(&o, &e)) < 0) {
		fprintf(stderr, "%s: %s\n",
			device ? "Error logging in with device code" : "Error logging in", e.msg);
		login_log(cfg->codex_home, "%s login failed: %s", device ? "device code" : "browser",
			  e.msg);
		return EXIT_FAILURE_GENERIC;
	}
	login_log(cfg->codex_home, "%s login succeeded%s", device ? "device code" : "browser", "");
	fprintf(stderr, "Successfully logged in\n");
	return EXIT_OK;
}

static int login_status(const struct config *cfg)
{
	struct auth_file f = AUTH_FILE_INIT;
	struct err e = {{0}};
	char *masked;
	int r = auth_file_load(cfg->codex_home, &f, &e);

	if (r < 0) {
		fprintf(stderr, "Error checking login status: %s\n", e.msg);
		return EXIT_FAILURE_GENERIC;
	}
	if (r == 0) {
		fprintf(stderr, "Not logged in\n");
		return EXIT_FAILURE_GENERIC;
	}
	if (f.mode == AUTH_MODE_APIKEY) {
		masked = auth_mask_api_key(f.api_key);
		fprintf(stderr, "Logged in using an API key - %s\n", masked ? masked : "***");
		free(masked);
	} else {
		fprintf(stderr, "Logged in using ChatGPT\n");
	}
	auth_file_free(&f);
	return EXIT_OK;
}

/* Takes -c/-p and --help; anything else is a usage error. Returns -1 to go on, else an
 * exit code. */
static int take_common(struct cli_ctx *ctx, int argc, char **argv, int *i,
		       void (*usage)(const char *))
{
	const char *a = argv[*i];
	int r;

	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
		usage(ctx->prog);
		return EXIT_OK;
	}
	r = cli_take_config_option(ctx, argc, argv, i);
	if (r < 0)
		return EXIT_USAGE;
	if (r > 0)
		return -1;
	return cli_usage_error(ctx->prog, "unexpected argument '%s'", a);
}

int cli_login_main(struct cli_ctx *ctx, int argc, char **argv)
{
	bool with_api_key = false, device_auth = false, status = false, api_key_flag = false;
	struct signin_flags sf = {NULL, NULL, 0};
	struct config *cfg = NULL;
	const char *v;
	int i = 1, rc, r;

	while (i < argc) {
		const char *a = argv[i];

		if ((r = long_value(argc, argv, &i, "--experimental_issuer", &v)) ||
		    (r = long_value(argc, argv, &i, "--experimental_client-id", &v)) ||
		    (r = long_value(argc, argv, &i, "--experimental_port", &v))) {
			if (r < 0)
				return cli_usage_error(ctx->prog, "%s needs a value", a);
			if (strncmp(a, "--experimental_issuer", 21) == 0) {
				sf.issuer = v;
			} else if (strncmp(a, "--experimental_client-id", 24) == 0) {
				sf.client_id = v;
			} else {
				char *end;
				long p;
				errno = 0;
				p = strtol(v, &end, 10);
				if (errno || *end || end == v || p < 1 || p > 65535)
					return cli_usage_error(ctx->prog, "invalid port '%s'", v);
				sf.port = (int)p;
			}
			i++;
		} else if (strcmp(a, "--with-api-key") == 0) {
			with_api_key = true;
			i++;
		} else if (strcmp(a, "--device-auth") == 0) {
			device_auth = true;
			i++;
		} else if (strncmp(a, "--api-key=", 10) == 0) {
			api_key_flag = true;
			i++;
		} else if (strcmp(a, "--api-key") == 0) {
			/* As 0.118: a value is required (clap's usage error without one). */
			if (i + 1 >= argc || argv[i + 1][0] == '-')
				return cli_usage_error(ctx->prog, "--api-key needs a value");
			api_key_flag = true;
			i += 2;
		} else if (strcmp(a, "status") == 0 && !status) {
			status = true;
			i++;
		} else if ((rc = take_common(ctx, argc, argv, &i, login_usage)) >= 0) {
			return rc;
		}
	}
	if (load_config(ctx, &cfg) < 0)
		return EXIT_FAILURE_GENERIC;
	if (status)
		rc = login_status(cfg);
	else if (device_auth)
		rc = login_chatgpt(cfg, &sf, true);
	else if (api_key_flag) {
		fprintf(stderr, "The --api-key flag is no longer supported. Pipe the key instead, "
				"e.g. " PIPE_HINT ".\n");
		rc = EXIT_FAILURE_GENERIC;
	} else if (with_api_key)
		rc = login_with_api_key(cfg);
	else
		rc = login_chatgpt(cfg, &sf, false);
	config_free(cfg);
	return rc;
}

int cli_logout_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct config *cfg = NULL;
	struct err e = {{0}};
	int i = 1, rc, r;

	while (i < argc)
		if ((rc = take_common(ctx, argc, argv, &i, logout_usage)) >= 0)
			return rc;
	if (load_config(ctx, &cfg) < 0)
		return EXIT_FAILURE_GENERIC;
	r = auth_file_remove(cfg->codex_home, &e);
	if (r < 0) {
		fprintf(stderr, "Error logging out: %s\n", e.msg);
		rc = EXIT_FAILURE_GENERIC;
	} else {
		fprintf(stderr, r ? "Successfully logged out\n" : "Not logged in\n");
		rc = EXIT_OK;
	}
	config_free(cfg);
	return rc;
}

const struct cli_flag cli_login_flags[] = {
	{"--with-api-key", NULL, CLI_VALUE_NONE, NULL, "Read an API key from stdin and store it"},
	{"--device-auth", NULL, CLI_VALUE_NONE, NULL, "Sign in with a one-time device code"},
	{"--config", "-c", CLI_VALUE_TEXT, NULL, "Override a config value (key=value)"},
	{"--profile", "-p", CLI_VALUE_TEXT, NULL, "Use [profiles.<name>]"},
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};
const char *const cli_login_subcommands[] = {"status", NULL};

const struct cli_flag cli_logout_flags[] = {
	{"--config", "-c", CLI_VALUE_TEXT, NULL, "Override a config value (key=value)"},
	{"--profile", "-p", CLI_VALUE_TEXT, NULL, "Use [profiles.<name>]"},
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};
