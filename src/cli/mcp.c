/* codex mcp list | get | add | remove | login | logout (reference codex-mcp.md §9):
 * upstream 0.118's output and messages. add and remove edit $CODEX_HOME/config.toml in
 * place (config_edit): only the server's own sections change, every other byte stays.
 * Errors: "Error: <message>" on stderr, exit 1; usage errors exit 2. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "cli/cli.h"
#include "config/config.h"
#include "mcp/mcp.h"

/* How long `list` waits for each HTTP server's OAuth metadata (upstream's 5 s). */
#define DISCOVERY_TIMEOUT_MS 5000

const struct cli_flag cli_mcp_flags[] = {
	{"--json", NULL, CLI_VALUE_NONE, NULL, "list/get: JSON output"},
	{"--env", NULL, CLI_VALUE_TEXT, NULL, "add: KEY=VALUE for a stdio server (repeatable)"},
	{"--url", NULL, CLI_VALUE_TEXT, NULL, "add: a streamable HTTP server"},
	{"--bearer-token-env-var", NULL, CLI_VALUE_TEXT, NULL, "add: env var with the token"},
	{"--scopes", NULL, CLI_VALUE_TEXT, NULL, "login: OAuth scopes"},
	CLI_CONFIG_FLAGS,
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};
const char *const cli_mcp_subcommands[] = {"list", "get", "add", "remove", "login", "logout",
					   NULL};

static void usage(const char *prog)
{
	printf("Manage the MCP servers of $CODEX_HOME/config.toml.\n\n"
	       "Usage: %s mcp <COMMAND>\n\n"
	       "Commands:\n"
	       "  list [--json]                     The configured servers\n"
	       "  get NAME [--json]                 One server\n"
	       "  add NAME [--env KEY=VALUE]... -- COMMAND [ARGS]...\n"
	       "                                    Add (or replace) a stdio server\n"
	       "  add NAME --url URL [--bearer-token-env-var VAR]\n"
	       "                                    Add (or replace) a streamable HTTP server\n"
	       "  remove NAME                       Remove a server\n"
	       "  login NAME [--scopes A,B]         OAuth login to a streamable HTTP server\n"
	       "  logout NAME                       Remove stored OAuth credentials\n\n"
	       "Options: -c key=value, -p PROFILE, --enable/--disable FEATURE, -h\n", prog);
}

static int fail(const char *fmt, ...) ERR_PRINTF(1, 2);
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAILURE_GENERIC;
}

struct args {
	const char *cmd, *name, *url, *bearer_var, *scopes;
	bool json;
	struct strv env;            /* KEY=VALUE */
	int command_at;             /* argv index of COMMAND after --, or 0 */
};

/* Long options only: the long name doubles as the short one (which then never matches
 * anything else). */
static int parse(struct cli_ctx *ctx, int argc, char **argv, struct args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i], *v = NULL;
		int r;
		if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
			usage(ctx->prog);
			return 1;
		}
		if (strcmp(s, "--") == 0) {
			a->command_at = i + 1;
			return 0;
		}
		r = cli_take_config_option(ctx, argc, argv, &i);
		if (r < 0)
			return -1;
		if (r > 0) {
			i--; /* it stepped past the option: the loop steps again */
			continue;
		}
		if (strcmp(s, "--json") == 0) {
			a->json = true;
			continue;
		}
		if ((r = cli_option_value(argc, argv, &i, "--env", "--env", &v)) != 0 ||
		    (r = cli_option_value(argc, argv, &i, "--url", "--url", &a->url)) != 0 ||
		    (r = cli_option_value(argc, argv, &i, "--bearer-token-env-var",
					  "--bearer-token-env-var", &a->bearer_var)) != 0 ||
		    (r = cli_option_value(argc, argv, &i, "--scopes", "--scopes", &a->scopes)) != 0) {
			if (r < 0) {
				cli_usage_error(ctx->prog, "%s needs a value", s);
				return -1;
			}
			if (v && strv_push(&a->env, v) < 0)
				return fail("out of memory"), -1;
			continue;
		}
		if (s[0] == '-' && s[1]) {
			cli_usage_error(ctx->prog, "unexpected argument '%s'", s);
			return -1;
		}
		if (!a->cmd)
			a->cmd = s;
		else if (!a->name)
			a->name = s;
		else {
			cli_usage_error(ctx->prog, "unexpected argument '%s'", s);
			return -1;
		}
	}
	return 0;
}

/* ---- list and get ---- */

static int cmp_servers(const void *x, const void *y)
{
	const struct config_mcp_server *a = *(const struct config_mcp_server *const *)x;
	const struct config_mcp_server *b = *(const struct config_mcp_server *const *)y;
	return strcmp(a->name, b->name);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool has_auth_header(const struct config_mcp_server *s)
{
	for (size_t i = 0; i < s->http_headers.keys.n; i++)
		if (strcasecmp(s->http_headers.keys.v[i], "authorization") == 0)
			return true;
	for (size_t i = 0; i < s->env_http_headers.keys.n; i++)
		if (strcasecmp(s->env_http_headers.keys.v[i], "authorization") == 0)
			return true;
	return false;
}

/* Whether (server, url) has stored OAuth credentials; a file that cannot be read counts
 * as none (list and get still answer; login and logout say what is wrong). */
static bool has_stored_tokens(const struct config *cfg, const struct config_mcp_server *s)
{
	struct mcp_oauth_tokens t;
	struct err e;
	int r;

	memset(&t, 0, sizeof t);
	r = mcp_oauth_store_load(cfg->codex_home, s->name, s->url, &t, &e);
	mcp_oauth_tokens_free(&t);
	return r == 1;
}

/* Upstream's auth status (codex-mcp.md §8): 0 unsupported, 1 not logged in, 2 bearer
 * token, 3 OAuth (stored tokens). */
static int auth_status(const struct config *cfg, const struct config_mcp_server *s)
{
	if (s->command)
		return 0;
	if (s->bearer_token_env_var || has_auth_header(s))
		return 2;
	if (has_stored_tokens(cfg, s))
		return 3;
	return s->enabled && mcp_oauth_discover(s->url, DISCOVERY_TIMEOUT_MS) == 1 ? 1 : 0;
}

static const char *const auth_text[] = {"Unsupported", "Not logged in", "Bearer token", "OAuth"};
static const char *const auth_json[] = {"unsupported", "not_logged_in", "bearer_token", "o_auth"};

/* "K=*****, L=*****" (sorted) then the env_vars names; "-" when none. */
static char *masked_map(const struct config_map *m, const struct strv *extra, bool mask_values)
{
	const char **keys = m->keys.n ? calloc(m->keys.n, sizeof *keys) : NULL;
	struct buf b;

	buf_init(&b, 1u << 20);
	for (size_t i = 0; keys && i < m->keys.n; i++)
		keys[i] = m->keys.v[i];
	if (keys)
		qsort(keys, m->keys.n, sizeof *keys, cmp_str);
	for (size_t i = 0; keys && i < m->keys.n; i++)
		if (buf_printf(&b, "%s%s=%s", b.len ? ", " : "", keys[i],
			       mask_values ? "*****" : config_map_get(m, keys[i])) < 0)
			break;
	for (size_t i = 0; extra && i < extra->n; i++)
		if (buf_printf(&b, "%s%s", b.len ? ", " : "", extra->v[i]) < 0)
			break;
	free(keys);
	if (!b.len) {
		buf_free(&b);
		return strdup("-");
	}
	return buf_take(&b);
}

static char *joined(const struct strv *v)
{
	struct buf b;

	buf_init(&b, 1u << 20);
	for (size_t i = 0; i < v->n; i++)
		if (buf_printf(&b, "%s%s", i ? " " : "", v->v[i]) < 0)
			break;
	if (!b.len) {
		buf_free(&b);
		return strdup("-");
	}
	return buf_take(&b);
}

static cJSON *map_json(const struct config_map *m)
{
	cJSON *o;

	if (!m->keys.n)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	for (size_t i = 0; o && i < m->keys.n; i++)
		cJSON_AddStringToObject(o, m->keys.v[i], m->values.v[i]);
	return o;
}

static cJSON *strv_json(const struct strv *v, bool null_when_empty)
{
	cJSON *a;

	if (!v->n && null_when_empty)
		return cJSON_CreateNull();
	a = cJSON_CreateArray();
	for (size_t i = 0; a && i < v->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v->v[i]));
	return a;
}

/* A timeout is shown only when it differs from the default (this build does not keep
 * whether it was written). */
static cJSON *timeout_json(double v, double dflt)
{
	return v == dflt ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

static cJSON *server_json(const struct config *cfg, const struct config_mcp_server *s,
			  bool with_auth, bool with_tools)
{
	cJSON *o = cJSON_CreateObject(), *t;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddBoolToObject(o, "enabled", s->enabled);
	cJSON_AddNullToObject(o, "disabled_reason");
	t = cJSON_AddObjectToObject(o, "transport");
	if (t && s->command) {
		cJSON_AddStringToObject(t, "type", "stdio");
		cJSON_AddStringToObject(t, "command", s->command);
		cJSON_AddItemToObject(t, "args", strv_json(&s->args, false));
		cJSON_AddItemToObject(t, "env", map_json(&s->env));
		cJSON_AddItemToObject(t, "env_vars", strv_json(&s->env_vars, false));
		if (s->cwd)
			cJSON_AddStringToObject(t, "cwd", s->cwd);
		else
			cJSON_AddNullToObject(t, "cwd");
	} else if (t) {
		cJSON_AddStringToObject(t, "type", "streamable_http");
		cJSON_AddStringToObject(t, "url", s->url);
		if (s->bearer_token_env_var)
			cJSON_AddStringToObject(t, "bearer_token_env_var", s->bearer_token_env_var);
		else
			cJSON_AddNullToObject(t, "bearer_token_env_var");
		cJSON_AddItemToObject(t, "http_headers", map_json(&s->http_headers));
		cJSON_AddItemToObject(t, "env_http_headers", map_json(&s->env_http_headers));
	}
	cJSON_AddItemToObject(o, "startup_timeout_sec", timeout_json(s->startup_timeout_sec, 30));
	cJSON_AddItemToObject(o, "tool_timeout_sec", timeout_json(s->tool_timeout_sec, 120));
	if (with_auth)
		cJSON_AddStringToObject(o, "auth_status", auth_json[auth_status(cfg, s)]);
	if (with_tools) {
		cJSON_AddItemToObject(o, "enabled_tools", strv_json(&s->enabled_tools, true));
		cJSON_AddItemToObject(o, "disabled_tools", strv_json(&s->disabled_tools, true));
	}
	return o;
}

static void print_json(cJSON *o)
{
	char *s = o ? json_print(o, true) : NULL;

	if (s)
		printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
}

/* Rows of cells, printed left-aligned, padded to the widest cell, two spaces apart. */
#define MAX_COLS 7
static void table(char *rows[][MAX_COLS], size_t n_rows, size_t n_cols)
{
	size_t w[MAX_COLS] = {0};

	for (size_t r = 0; r < n_rows; r++)
		for (size_t c = 0; c < n_cols; c++)
			if (strlen(rows[r][c]) > w[c])
				w[c] = strlen(rows[r][c]);
	for (size_t r = 0; r < n_rows; r++) {
		for (size_t c = 0; c < n_cols; c++) {
			if (c + 1 == n_cols)
				printf("%s\n", rows[r][c]);
			else
				printf("%-*s  ", (int)w[c], rows[r][c]);
		}
	}
}

static int cmd_list(const struct config *cfg, bool json)
{
	size_t n = cfg->n_mcp_servers, ns = 0, nh = 0;
	const struct config_mcp_server **v = n ? calloc(n, sizeof *v) : NULL;
	char *(*stdio_rows)[MAX_COLS] = calloc(n + 1, sizeof *stdio_rows);
	char *(*http_rows)[MAX_COLS] = calloc(n + 1, sizeof *http_rows);
	cJSON *arr;

	if ((n && !v) || !stdio_rows || !http_rows) {
		free(v);
		free(stdio_rows);
		free(http_rows);
		return fail("out of memory");
	}
	for (size_t i = 0; i < n; i++)
		v[i] = &cfg->mcp_servers[i];
	if (n)
		qsort(v, n, sizeof *v, cmp_servers);
	if (json) {
		arr = cJSON_CreateArray();
		for (size_t i = 0; arr && i < n; i++)
			cJSON_AddItemToArray(arr, server_json(cfg, v[i], true, false));
		print_json(arr);
		goto out;
	}
	if (!n) {
		printf("No MCP servers configured yet. Try `codex mcp add my-tool -- my-command`.\n");
		goto out;
	}
	{
		static const char *const sh[] = {"Name", "Command", "Args", "Env", "Cwd", "Status", "Auth"};
		static const char *const hh[] = {"Name", "Url", "Bearer Token Env Var", "Status", "Auth"};
		for (size_t c = 0; c < 7; c++)
			stdio_rows[0][c] = strdup(sh[c]);
		for (size_t c = 0; c < 5; c++)
			http_rows[0][c] = strdup(hh[c]);
	}
	for (size_t i = 0; i < n; i++) {
		const struct config_mcp_server *s = v[i];
		const char *status = s->enabled ? "enabled" : "disabled";
		if (s->command) {
			char **r = stdio_rows[++ns];
			r[0] = strdup(s->name);
			r[1] = strdup(s->command);
			r[2] = joined(&s->args);
			r[3] = masked_map(&s->env, &s->env_vars, true);
			r[4] = strdup(s->cwd ? s->cwd : "-");
			r[5] = strdup(status);
			r[6] = strdup(auth_text[auth_status(cfg, s)]);
		} else {
			char **r = http_rows[++nh];
			r[0] = strdup(s->name);
			r[1] = strdup(s->url);
			r[2] = strdup(s->bearer_token_env_var ? s->bearer_token_env_var : "-");
			r[3] = strdup(status);
			r[4] = strdup(auth_text[auth_status(cfg, s)]);
		}
	}
	for (size_t r = 0; r <= n; r++)
		for (size_t c = 0; c < MAX_COLS; c++)
			if ((r <= ns && c < 7 && !stdio_rows[r][c]) || (r <= nh && c < 5 && !http_rows[r][c]))
				goto oom;
	if (ns)
		table(stdio_rows, ns + 1, 7);
	if (ns && nh)
		printf("\n");
	if (nh)
		table(http_rows, nh + 1, 5);
out:
	for (size_t r = 0; r <= n; r++)
		for (size_t c = 0; c < MAX_COLS; c++) {
			free(stdio_rows[r][c]);
			free(http_rows[r][c]);
		}
	free(stdio_rows);
	free(http_rows);
	free(v);
	return EXIT_OK;
oom:
	fail("out of memory");
	goto out;
}

static const struct config_mcp_server *find(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_mcp_servers; i++)
		if (strcmp(cfg->mcp_servers[i].name, name) == 0)
			return &cfg->mcp_servers[i];
	return NULL;
}

static void line_list(const char *key, const struct strv *v)
{
	char *s;

	if (!v->n)
		return;
	s = masked_map(&(struct config_map){STRV_INIT, STRV_INIT}, v, true);
	printf("  %s: %s\n", key, s ? s : "");
	free(s);
}

static int cmd_get(const struct config *cfg, const char *name, bool json)
{
	const struct config_mcp_server *s = find(cfg, name);
	char *x;

	if (!s)
		return fail("No MCP server named '%s' found.", name);
	if (json) {
		print_json(server_json(cfg, s, false, true));
		return EXIT_OK;
	}
	if (!s->enabled) {
		printf("%s (disabled)\n", s->name);
		return EXIT_OK;
	}
	printf("%s\n  enabled: true\n", s->name);
	if (s->command) {
		printf("  transport: stdio\n  command: %s\n", s->command);
		x = joined(&s->args);
		printf("  args: %s\n", x ? x : "-");
		free(x);
		printf("  cwd: %s\n", s->cwd ? s->cwd : "-");
		x = masked_map(&s->env, &s->env_vars, true);
		printf("  env: %s\n", x ? x : "-");
		free(x);
	} else {
		printf("  transport: streamable_http\n  url: %s\n", s->url);
		printf("  bearer_token_env_var: %s\n",
		       s->bearer_token_env_var ? s->bearer_token_env_var : "-");
		x = masked_map(&s->http_headers, NULL, true);
		printf("  http_headers: %s\n", x ? x : "-");
		free(x);
		x = masked_map(&s->env_http_headers, NULL, false);
		printf("  env_http_headers: %s\n", x ? x : "-");
		free(x);
	}
	line_list("enabled_tools", &s->enabled_tools);
	line_list("disabled_tools", &s->disabled_tools);
	if (s->startup_timeout_sec != 30)
		printf("  startup_timeout_sec: %g\n", s->startup_timeout_sec);
	if (s->tool_timeout_sec != 120)
		printf("  tool_timeout_sec: %g\n", s->tool_timeout_sec);
	printf("  remove: codex mcp remove %s\n", s->name);
	return EXIT_OK;
}

/* ---- add and remove ---- */

static int read_config_file(const char *path, struct buf *text)
{
	struct err e;

	if (file_exists(path) != 1)
		return 0;
	if (file_read_all(path, text, &e) < 0)
		return fail("cannot read %s: %s", path, e.msg), -1;
	return 0;
}

static int write_config_file(const char *path, const struct buf *text)
{
	struct err e;

	if (file_mkdir_parents(path, &e) < 0 ||
	    file_write_atomic(path, text->data ? text->data : "", text->len, 0600, &e) < 0)
		return fail("cannot write %s: %s", path, e.msg), -1;
	return 0;
}

/* The [mcp_servers.<name>] block `add` writes, as upstream lays it out. */
static char *server_block(const struct args *a, int argc, char **argv)
{
	struct buf b;
	bool ok;

	buf_init(&b, LIMIT_CONFIG_FILE_BYTES);
	ok = buf_printf(&b, "[mcp_servers.%s]\n", a->name) == 0;
	if (a->url) {
		ok = ok && buf_puts(&b, "url = ") == 0 && config_edit_quote(&b, a->url) == 0 &&
		     buf_putc(&b, '\n') == 0;
		if (a->bearer_var)
			ok = ok && buf_puts(&b, "bearer_token_env_var = ") == 0 &&
			     config_edit_quote(&b, a->bearer_var) == 0 && buf_putc(&b, '\n') == 0;
		return ok ? buf_take(&b) : (buf_free(&b), NULL);
	}
	ok = ok && buf_puts(&b, "command = ") == 0 && config_edit_quote(&b, argv[a->command_at]) == 0 &&
	     buf_puts(&b, "\nargs = [") == 0;
	for (int i = a->command_at + 1; ok && i < argc; i++)
		ok = (i > a->command_at + 1 ? buf_puts(&b, ", ") == 0 : true) &&
		     config_edit_quote(&b, argv[i]) == 0;
	ok = ok && buf_puts(&b, "]\n") == 0;
	if (a->env.n)
		ok = ok && buf_printf(&b, "\n[mcp_servers.%s.env]\n", a->name) == 0;
	for (size_t i = 0; ok && i < a->env.n; i++) {
		const char *eq = strchr(a->env.v[i], '=');
		ok = buf_printf(&b, "%.*s = ", (int)(eq - a->env.v[i]), a->env.v[i]) == 0 &&
		     config_edit_quote(&b, eq + 1) == 0 && buf_putc(&b, '\n') == 0;
	}
	return ok ? buf_take(&b) : (buf_free(&b), NULL);
}

static bool env_key_ok(const char *s, const char *eq)
{
	if (eq == s)
		return false;
	for (const char *p = s; p < eq; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			return false;
	return true;
}

static int edit(const struct config *cfg, const char *table, const char *block, bool *found)
{
	struct buf text, out;
	struct err e;
	int rc = -1;

	buf_init(&text, LIMIT_CONFIG_FILE_BYTES);
	buf_init(&out, LIMIT_CONFIG_FILE_BYTES * 2);
	if (read_config_file(cfg->config_path, &text) < 0)
		goto done;
	if ((block ? config_edit_put_table(text.data ? text.data : "", text.len, table, block, &out, &e)
		   : config_edit_remove_table(text.data ? text.data : "", text.len, table, &out, found,
					      &e)) < 0) {
		fail("cannot edit %s: %s", cfg->config_path, e.msg);
		goto done;
	}
	if ((block || *found) && write_config_file(cfg->config_path, &out) < 0)
		goto done;
	rc = 0;
done:
	buf_free(&text);
	buf_free(&out);
	return rc;
}

static int run_login(const struct config *cfg, const struct config_mcp_server *s,
		     const char *scopes_arg);

static int cmd_add(const struct config *cfg, const struct args *a, int argc, char **argv)
{
	char table[256], *block;
	int rc;

	if (!mcp_server_name_valid(a->name) || strlen(a->name) > 200)
		return fail("invalid server name '%s' (use letters, numbers, '-', '_')", a->name);
	if (a->url && a->command_at)
		return fail("specify either --url or a command after --, not both");
	if (!a->url && !(a->command_at && a->command_at < argc))
		return fail("exactly one of --url or a command (after --) is required");
	if (a->url && a->env.n)
		return fail("--env is only supported for stdio servers");
	if (!a->url && a->bearer_var)
		return fail("--bearer-token-env-var is only supported with --url");
	for (size_t i = 0; i < a->env.n; i++) {
		const char *eq = strchr(a->env.v[i], '=');
		if (!eq || !env_key_ok(a->env.v[i], eq))
			return fail("environment entries must be in KEY=VALUE form");
	}
	if (!(block = server_block(a, argc, argv)))
		return fail("out of memory");
	snprintf(table, sizeof table, "mcp_servers.%s", a->name);
	rc = edit(cfg, table, block, NULL);
	free(block);
	if (rc < 0)
		return EXIT_FAILURE_GENERIC;
	printf("Added global MCP server '%s'.\n", a->name);
	if (a->url && !a->bearer_var) {
		/* As upstream: a server that supports OAuth is logged in to right away. */
		int r = mcp_oauth_discover(a->url, DISCOVERY_TIMEOUT_MS);
		struct config_mcp_server s;
		if (r < 0) {
			printf("MCP server may or may not require login. Run `codex mcp login %s` "
			       "to login.\n", a->name);
		} else if (r > 0) {
			memset(&s, 0, sizeof s);
			s.name = (char *)a->name;
			s.url = (char *)a->url;
			s.enabled = true;
			printf("Detected OAuth support. Starting OAuth flow\xe2\x80\xa6\n");
			fflush(stdout);
			if (run_login(cfg, &s, NULL) != EXIT_OK)
				return EXIT_FAILURE_GENERIC;
			printf("Successfully logged in.\n");
		}
	}
	return EXIT_OK;
}

static int cmd_remove(const struct config *cfg, const char *name)
{
	char table[256];
	bool found = false;

	if (!mcp_server_name_valid(name) || strlen(name) > 200)
		return fail("invalid server name '%s' (use letters, numbers, '-', '_')", name);
	snprintf(table, sizeof table, "mcp_servers.%s", name);
	if (edit(cfg, table, NULL, &found) < 0)
		return EXIT_FAILURE_GENERIC;
	if (found)
		printf("Removed global MCP server '%s'.\n", name);
	else
		printf("No MCP server named '%s' found.\n", name);
	return EXIT_OK;
}

/* ---- login and logout ---- */

/* --scopes A,B: comma-separated, blanks trimmed, empty items dropped. */
static int split_scopes(const char *arg, struct strv *out)
{
	for (const char *p = arg; *p;) {
		size_t n = strcspn(p, ",");
		const char *a = p, *b = p + n;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a && strv_pushf(out, "%.*s", (int)(b - a), a) < 0)
			return -1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The flow itself (also after `add` of a server that supports OAuth). */
static int run_login(const struct config *cfg, const struct config_mcp_server *s,
		     const char *scopes_arg)
{
	struct mcp_oauth_login_opts o;
	struct strv scopes = STRV_INIT;
	struct err e;
	int rc;

	err_clear(&e);
	if (mcp_oauth_store_usable(cfg->mcp_oauth_credentials_store, &e) < 0)
		return fail("%s", e.msg);
	if (scopes_arg && split_scopes(scopes_arg, &scopes) < 0) {
		strv_free(&scopes);
		return fail("out of memory");
	}
	memset(&o, 0, sizeof o);
	o.codex_home = cfg->codex_home;
	o.server = s;
	o.scopes = scopes_arg ? &scopes : NULL;
	o.callback_port = (int)cfg->mcp_oauth_callback_port;
	o.callback_url = cfg->mcp_oauth_callback_url;
	o.open_browser = true;
	o.out = stdout;
	rc = mcp_oauth_login(&o, &e);
	strv_free(&scopes);
	if (rc < 0)
		return fail("%s", e.msg);
	return EXIT_OK;
}

static int cmd_login(const struct config *cfg, const char *name, const char *scopes_arg)
{
	const struct config_mcp_server *s = find(cfg, name);

	if (!s)
		return fail("No MCP server named '%s' found.", name);
	if (s->command)
		return fail("OAuth login is only supported for streamable HTTP servers.");
	if (run_login(cfg, s, scopes_arg) != EXIT_OK)
		return EXIT_FAILURE_GENERIC;
	printf("Successfully logged in to MCP server '%s'.\n", name);
	return EXIT_OK;
}

static int cmd_logout(const struct config *cfg, const char *name)
{
	const struct config_mcp_server *s = find(cfg, name);
	struct err e;
	int r;

	if (!s)
		return fail("No MCP server named '%s' found.", name);
	if (s->command)
		return fail("OAuth logout is only supported for streamable_http transports.");
	err_clear(&e);
	if (mcp_oauth_store_usable(cfg->mcp_oauth_credentials_store, &e) < 0)
		return fail("failed to delete OAuth credentials: %s", e.msg);
	r = mcp_oauth_store_delete(cfg->codex_home, s->name, s->url, &e);
	if (r < 0)
		return fail("failed to delete OAuth credentials: %s", e.msg);
	if (r > 0)
		printf("Removed OAuth credentials for '%s'.\n", name);
	else
		printf("No OAuth credentials stored for '%s'.\n", name);
	return EXIT_OK;
}

int cli_mcp_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct args a;
	struct config_load_opts lo;
	struct config *cfg = NULL;
	struct err e;
	int rc;

	memset(&a, 0, sizeof a);
	rc = parse(ctx, argc, argv, &a);
	if (rc != 0) {
		strv_free(&a.env);
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (!a.cmd) {
		usage(ctx->prog);
		strv_free(&a.env);
		return EXIT_USAGE;
	}
	memset(&lo, 0, sizeof lo);
	lo.overrides = &ctx->overrides;
	lo.profile = ctx->profile;
	err_clear(&e);
	if (config_load(&lo, &cfg, &e) < 0) {
		rc = fail("failed to load configuration: %s", e.msg);
		goto out;
	}
	if (strcmp(a.cmd, "list") == 0) {
		rc = cmd_list(cfg, a.json);
	} else if (strcmp(a.cmd, "get") == 0 || strcmp(a.cmd, "add") == 0 ||
		   strcmp(a.cmd, "remove") == 0 || strcmp(a.cmd, "login") == 0 ||
		   strcmp(a.cmd, "logout") == 0) {
		if (!a.name) {
			rc = cli_usage_error(ctx->prog, "mcp %s needs a server NAME", a.cmd);
			goto out;
		}
		rc = strcmp(a.cmd, "get") == 0      ? cmd_get(cfg, a.name, a.json)
		     : strcmp(a.cmd, "add") == 0    ? cmd_add(cfg, &a, argc, argv)
		     : strcmp(a.cmd, "remove") == 0 ? cmd_remove(cfg, a.name)
		     : strcmp(a.cmd, "login") == 0  ? cmd_login(cfg, a.name, a.scopes)
						    : cmd_logout(cfg, a.name);
	} else {
		rc = cli_usage_error(ctx->prog, "unrecognized subcommand '%s'", a.cmd);
	}
out:
	config_free(cfg);
	strv_free(&a.env);
	return rc;
}
