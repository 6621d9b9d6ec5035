/* ChatGPT apps (connectors): the directory from chatgpt_base_url, the built-in codex_apps
 * MCP server, and [apps.<id>] enabled in config.toml (upstream 0.118's connectors.rs and
 * core/src/mcp/mod.rs, in behaviour). The directory's text comes from the network: it is
 * parsed with limits here and shown inert by the TUI. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "auth/auth.h"
#include "base/file.h"
#include "base/http.h"
#include "base/json.h"
#include "base/limits.h"
#include "mcp/mcp.h"

/* Apps upstream never lists (connectors.rs: DISALLOWED_CONNECTOR_IDS and the
 * connector_openai_ prefix, for a non-first-party originator). */
static const char *const disallowed[] = {
	"asdk_app_6938a94a61d881918ef32cb999ff937c",
	"connector_2b0a9009c9c64bf9933a3dae3f2b1254",
	"connector_3f8d1a79f27c4c7ba1a897ab13bf37dc",
	"connector_68de829bf7648191acd70a907364c67c",
	"connector_68e004f14af881919eb50893d3d9f523",
	"connector_69272cb413a081919685ec3c88d1744e",
};

static int by_list_order(const void *x, const void *y);

static bool id_allowed(const char *id)
{
	if (strncmp(id, "connector_openai_", strlen("connector_openai_")) == 0)
		return false;
	for (size_t i = 0; i < sizeof disallowed / sizeof *disallowed; i++)
		if (strcmp(id, disallowed[i]) == 0)
			return false;
	return true;
}

void agent_apps_free(struct agent_apps *l)
{
	for (size_t i = 0; l && i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].name);
		free(l->v[i].description);
		free(l->v[i].install_url);
		free(l->v[i].slug);
	}
	if (l) {
		free(l->v);
		l->v = NULL;
		l->n = 0;
	}
}

/* s trimmed, cut at AGENT_APPS_TEXT_MAX bytes (on a character boundary), or NULL when
 * blank; *oom set when memory runs out. */
static char *trimmed(const char *s, bool *oom)
{
	size_t n;
	char *out;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n > AGENT_APPS_TEXT_MAX) {
		n = AGENT_APPS_TEXT_MAX;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if (!n)
		return NULL;
	if (!(out = strndup(s, n)))
		*oom = true;
	return out;
}

static struct agent_app *find_app(struct agent_apps *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return &l->v[i];
	return NULL;
}

/* Adds an app (or merges it into the one with its id): name and description as upstream
 * merges directory entries and accessible connectors. */
int apps_add(struct agent_apps *l, const char *id, const char *name, const char *desc,
		   bool accessible, struct err *e)
{
	bool oom = false;
	char *n = trimmed(name, &oom), *d = trimmed(desc, &oom);
	struct agent_app *x = find_app(l, id), *g;

	if (oom)
		goto oom;
	if (x) {
		if (n && strcmp(x->name, x->id) == 0) {
			free(x->name);
			x->name = n;
			n = NULL;
		}
		if (d && (!x->description || !accessible)) {
			free(x->description);
			x->description = d;
			d = NULL;
		}
		x->accessible |= accessible;
		free(n);
		free(d);
		return 0;
	}
	if (l->n >= AGENT_APPS_MAX) {
		free(n);
		free(d);
		return err_set(e, "more than %d apps", AGENT_APPS_MAX);
	}
	if (!(g = realloc(l->v, (l->n + 1) * sizeof *g)))
		goto oom;
	l->v = g;
	x = &l->v[l->n];
	memset(x, 0, sizeof *x);
	x->id = strdup(id);
	x->name = n ? n : strdup(id);
	x->description = d;
	x->accessible = accessible;
	x->enabled = true;
	if (!x->id || !x->name) {
		free(x->id);
		free(x->name);
		free(x->description);
		return err_set(e, "out of memory");
	}
	l->n++;
	return 0;
oom:
	free(n);
	free(d);
	return err_set(e, "out of memory");
}

int agent_apps_directory_parse(const char *text, size_t len, struct agent_apps *out,
			       char **next_token, struct err *e)
{
	const char *end = NULL;
	cJSON *root, *apps, *it, *tok;
	size_t count = 0;
	int rc = -1;

	*next_token = NULL;
	if (len > AGENT_APPS_BODY_MAX)
		return err_set(e, "the apps directory answer is over %u bytes", AGENT_APPS_BODY_MAX);
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!root)
		return err_set(e, "the apps directory answer is not JSON (at byte %zu)",
			       end && end >= text ? (size_t)(end - text) : (size_t)0);
	apps = cJSON_GetObjectItemCaseSensitive(root, "apps");
	if (!cJSON_IsObject(root) || !cJSON_IsArray(apps)) {
		err_set(e, "the apps directory answer has no \"apps\" list");
		goto out;
	}
	cJSON_ArrayForEach(it, apps) {
		const char *id = json_get_str(it, "id"), *vis = json_get_str(it, "visibility");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
		if (++count > AGENT_APPS_PAGE_MAX) {
			err_set(e, "the apps directory answer lists more than %d apps",
				AGENT_APPS_PAGE_MAX);
			goto out;
		}
		if (!cJSON_IsObject(it) || !id || !*id || !cJSON_IsString(name)) {
			err_set(e, "an app of the directory has no id or name");
			goto out;
		}
		if (strlen(id) > AGENT_APPS_ID_MAX) {
			err_set(e, "an app id of the directory is over %d bytes", AGENT_APPS_ID_MAX);
			goto out;
		}
		if (vis && strcmp(vis, "HIDDEN") == 0)
			continue;
		if (apps_add(out, id, name->valuestring, json_get_str(it, "description"), false, e) < 0)
			goto out;
	}
	tok = cJSON_GetObjectItemCaseSensitive(root, "next_token");
	if (!tok || cJSON_IsNull(tok))
		tok = cJSON_GetObjectItemCaseSensitive(root, "nextToken");
	if (tok && !cJSON_IsNull(tok)) {
		bool oom = false;
		if (!cJSON_IsString(tok)) {
			err_set(e, "the apps directory's next_token is not a string");
			goto out;
		}
		if (strlen(tok->valuestring) > AGENT_APPS_TEXT_MAX) {
			err_set(e, "the apps directory's next_token is over %d bytes",
				AGENT_APPS_TEXT_MAX);
			goto out;
		}
		*next_token = trimmed(tok->valuestring, &oom);
		if (oom) {
			err_set(e, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

/* ---- auth ---------------------------------------------------------------------------- */

/* The ChatGPT access token and account id of auth.json: 1 with both (malloc'ed; the
 * account id may be NULL), 0 when there is no ChatGPT sign-in. */
static int chatgpt_tokens(const struct config *cfg, char **token, char **account)
{
	struct auth_file f = AUTH_FILE_INIT;
	struct err e = {0};
	int got = auth_file_load(cfg->codex_home, &f, &e), rc = 0;

	*token = *account = NULL;
	if (got > 0 && f.mode != AUTH_MODE_APIKEY && f.has_tokens && f.tokens.access_token &&
	    *f.tokens.access_token) {
		*token = strdup(f.tokens.access_token);
		*account = f.tokens.account_id ? strdup(f.tokens.account_id) : NULL;
		rc = *token && (!f.tokens.account_id || *account) ? 1 : 0;
		if (!rc) {
			free(*token);
			free(*account);
			*token = *account = NULL;
		}
	}
	if (got > 0)
		auth_file_free(&f);
	return rc;
}

bool agent_apps_available(const struct config *cfg)
{
	char *t, *acc;
	int rc;

	if (!config_feature(cfg, "apps", true))
		return false;
	rc = chatgpt_tokens(cfg, &t, &acc);
	free(t);
	free(acc);
	return rc == 1;
}

/* chatgpt_base_url without its trailing slashes, and with /backend-api added to a bare
 * chatgpt.com (upstream's normalize_codex_apps_base_url). Malloc'ed, or NULL. */
char *apps_base_url(const struct config *cfg)
{
	const char *b = config_chatgpt_base_url(cfg);
	size_t n = strlen(b);
	char *out;

	while (n && b[n - 1] == '/')
		n--;
	if (!(out = malloc(n + sizeof "/backend-api")))
		return NULL;
	memcpy(out, b, n);
	out[n] = '\0';
	if ((strncmp(out, "https://chatgpt.com", 19) == 0 ||
	     strncmp(out, "https://chat.openai.com", 23) == 0) && !strstr(out, "/backend-api"))
		memcpy(out + n, "/backend-api", sizeof "/backend-api"); /* room reserved above */
	return out;
}

/* upstream's CODEX_CONNECTORS_TOKEN: a token for the apps server alone (set and not
 * blank), which then gets no ChatGPT headers at all. */
#define CONNECTORS_TOKEN_ENV "CODEX_CONNECTORS_TOKEN"

static bool connectors_token_set(void)
{
	const char *v = getenv(CONNECTORS_TOKEN_ENV);

	for (; v && *v; v++)
		if (*v != ' ' && *v != '\t' && *v != '\n' && *v != '\r' && *v != '\v' &&
		    *v != '\f')
			return true;
	return false;
}

int agent_apps_mcp_server(const struct config *cfg, struct config_mcp_server *out,
			  struct err *e)
{
	char *token = NULL, *account = NULL, *base = NULL;
	const char *suffix;
	size_t n;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!config_feature(cfg, "apps", true) || chatgpt_tokens(cfg, &token, &account) != 1)
		return 0;
	if (!(base = apps_base_url(cfg)))
		goto oom;
	/* upstream's codex_apps_mcp_url_for_base_url */
	suffix = strstr(base, "/backend-api") ? "/wham/apps"
		 : strstr(base, "/api/codex") ? "/apps" : "/api/codex/apps";
	n = strlen(base) + strlen(suffix) + 1;
	if (!(out->url = malloc(n)) || !(out->name = strdup(MCP_CODEX_APPS_SERVER)))
		goto oom;
	snprintf(out->url, n, "%s%s", base, suffix);
	/* The ChatGPT access token is no header here: the session's sign-in hands it to
	 * the transport (mcp_manager_opts.apps_bearer), which asks again after a 401. */
	if (connectors_token_set()) {
		if (!(out->bearer_token_env_var = strdup(CONNECTORS_TOKEN_ENV)))
			goto oom;
	} else if (account && config_map_add(&out->http_headers, "ChatGPT-Account-ID",
					     account) < 0) {
		goto oom;
	}
	out->enabled = true;
	out->startup_timeout_sec = 30;
	out->tool_timeout_sec = 120;
	rc = 1;
	goto done;
oom:
	config_mcp_server_free(out);
	memset(out, 0, sizeof *out);
	err_set(e, "out of memory");
done:
	free(token);
	free(account);
	free(base);
	return rc;
}

/* ---- the list ------------------------------------------------------------------------- */

struct accessible_ctx {
	struct agent_apps *l;
	struct err *e;
	int rc;
};

static void on_connector(void *arg, const char *id, const char *name, const char *desc)
{
	struct accessible_ctx *c = arg;

	if (c->rc == 0 && apps_add(c->l, id, name, desc, true, c->e) < 0)
		c->rc = -1;
}

int agent_apps_installed(struct agent *a, struct agent_apps *out, struct err *e)
{
	struct agent_apps all = {0};
	struct accessible_ctx c = {&all, e, 0};
	size_t k = 0;

	memset(out, 0, sizeof *out);
	if (a->mcp)
		mcp_manager_connectors(a->mcp, MCP_CODEX_APPS_SERVER, on_connector, &c);
	if (c.rc < 0) {
		agent_apps_free(&all);
		return -1;
	}
	for (size_t i = 0; i < all.n; i++) {
		struct agent_app *x = &all.v[i];
		const char *v = config_map_get(&a->apps_state, x->id);
		x->enabled = v ? strcmp(v, "true") == 0 : config_app_enabled(a->cfg, x->id);
		if (x->enabled && id_allowed(x->id)) {
			all.v[k++] = *x;
			if (!(all.v[k - 1].slug = mcp_slug(x->name))) {
				for (size_t j = i + 1; j < all.n; j++)
					all.v[k++] = all.v[j];
				all.n = k;
				agent_apps_free(&all);
				return err_set(e, "out of memory");
			}
			continue;
		}
		free(x->id);
		free(x->name);
		free(x->description);
	}
	all.n = k;
	if (all.n > 1)
		qsort(all.v, all.n, sizeof *all.v, by_list_order);
	*out = all;
	return 0;
}

/* [apps.<id>] enabled as config.toml says now (a toggle made a moment ago included). */
static int enabled_state(const struct config *cfg, struct agent_apps *l, struct err *e)
{
	struct config *now = NULL;
	struct config_load_opts o = {0};
	struct err le = {0};

	o.codex_home = cfg->codex_home;
	/* A file that no longer loads keeps the session's view. */
	if (config_load(&o, &now, &le) < 0)
		now = NULL;
	for (size_t i = 0; i < l->n; i++)
		l->v[i].enabled = config_app_enabled(now ? now : cfg, l->v[i].id);
	config_free(now);
	(void)e;
	return 0;
}

static int by_list_order(const void *x, const void *y)
{
	const struct agent_app *l = x, *r = y;
	int c;

	if (l->accessible != r->accessible)
		return l->accessible ? -1 : 1;
	if ((c = strcmp(l->name, r->name)) != 0)
		return c;
	return strcmp(l->id, r->id);
}

int agent_apps_list(struct agent *a, struct agent_apps *out, struct err *e)
{
	struct agent_apps all = {0}, acc = {0};
	struct accessible_ctx c = {&acc, e, 0};
	size_t k = 0;
	int loaded;

	memset(out, 0, sizeof *out);
	if ((loaded = apps_cached_directory(a, &all, e)) < 0)
		return -1;
	if (a->mcp)
		mcp_manager_connectors(a->mcp, MCP_CODEX_APPS_SERVER, on_connector, &c);
	if (c.rc < 0)
		goto fail;
	/* upstream's merge_connectors_with_accessible: once the directory is known, an
	 * installed app it does not list is left out */
	for (size_t i = 0; i < acc.n; i++)
		if ((!loaded || find_app(&all, acc.v[i].id)) &&
		    apps_add(&all, acc.v[i].id, acc.v[i].name, acc.v[i].description, true, e) < 0)
			goto fail;
	agent_apps_free(&acc);
	if (enabled_state(a->cfg, &all, e) < 0)
		goto fail;
	for (size_t i = 0; i < all.n; i++) {
		struct agent_app *x = &all.v[i];
		char *slug, *url;
		size_t n;
		if (!id_allowed(x->id)) {
			free(x->id);
			free(x->name);
			free(x->description);
			continue;
		}
		if (!(slug = mcp_slug(x->name)))
			goto oom_at;
		n = strlen(slug) + strlen(x->id) + sizeof "https://chatgpt.com/apps//";
		if ((url = malloc(n)))
			snprintf(url, n, "https://chatgpt.com/apps/%s/%s", slug, x->id);
		free(slug);
		if (!url)
			goto oom_at;
		x->install_url = url;
		all.v[k++] = *x;
		continue;
oom_at:
		/* keep the list whole for agent_apps_free */
		for (size_t j = i; j < all.n; j++)
			all.v[k++] = all.v[j];
		all.n = k;
		err_set(e, "out of memory");
		goto fail;
	}
	all.n = k;
	if (all.n > 1)
		qsort(all.v, all.n, sizeof *all.v, by_list_order);
	*out = all;
	return loaded;
fail:
	agent_apps_free(&acc);
	agent_apps_free(&all);
	return -1;
}

/* ---- the model's instructions --------------------------------------------------------- */

/* upstream's render_apps_section (core/src/apps/render.rs), word for word */
static const char apps_instructions[] =
	"<apps_instructions>\n"
	"## Apps (Connectors)\n"
	"Apps (Connectors) can be explicitly triggered in user messages in the format "
	"`[$app-name](app://{connector_id})`. Apps can also be implicitly triggered as long as "
	"the context suggests usage of available apps.\n"
	"An app is equivalent to a set of MCP tools within the `" MCP_CODEX_APPS_SERVER "` MCP.\n"
	"An installed app's MCP tools are either provided to you already, or can be lazy-loaded "
	"through the `tool_search` tool. If `tool_search` is available, the apps that are "
	"searchable by `tools_search` will be listed by it.\n"
	"Do not additionally call list_mcp_resources or list_mcp_resource_templates for apps.\n"
	"</apps_instructions>";

void apps_context_add(struct agent *a)
{
	struct agent_apps inst = {0};
	struct err e = {0};
	cJSON *m;

	if (!a->apps_context_due)
		return;
	a->apps_context_due = false;
	/* Only when an installed app is enabled (upstream: accessible and enabled). */
	if (!a->has_apps_mcp || agent_apps_installed(a, &inst, &e) < 0 || !inst.n) {
		agent_apps_free(&inst);
		return;
	}
	agent_apps_free(&inst);
	if ((m = agent_developer_message(apps_instructions)))
		history_insert(a, a->apps_context_at, m);
}

/* ---- [apps.<id>] ------------------------------------------------------------------------ */

/* Connector ids are written as a bare TOML key: only what a bare key allows. */
static bool bare_key(const char *id)
{
	if (!*id || strlen(id) > AGENT_APPS_ID_MAX)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

int agent_app_set_enabled(const struct config *cfg, const char *id, bool on, struct err *e)
{
	struct buf text, mid, out;
	char table[AGENT_APPS_ID_MAX + 8];
	int rc = -1;

	if (!bare_key(id))
		return err_set(e, "cannot write app id `%s` to config.toml", id);
	snprintf(table, sizeof table, "apps.%s", id);
	buf_init(&text, LIMIT_CONFIG_FILE_BYTES);
	buf_init(&mid, LIMIT_CONFIG_FILE_BYTES);
	buf_init(&out, LIMIT_CONFIG_FILE_BYTES);
	if (file_read_all(cfg->config_path, &text, e) < 0) {
		if (e->errnum != ENOENT)
			goto out;
		buf_reset(&text);
		memset(e, 0, sizeof *e);
	}
	if (config_edit_set_key(text.data ? text.data : "", text.len, table, "enabled",
				on ? NULL : "false", &mid, e) < 0 ||
	    config_edit_set_key(mid.data ? mid.data : "", mid.len, table, "disabled_reason",
				on ? NULL : "\"user\"", &out, e) < 0)
		goto out;
	if (file_mkdir_parents(cfg->config_path, e) < 0 ||
	    file_write_atomic(cfg->config_path, out.data ? out.data : "", out.len, 0600, e) < 0)
		goto out;
	rc = 0;
out:
	buf_free(&text);
	buf_free(&mid);
	buf_free(&out);
	return rc;
}
