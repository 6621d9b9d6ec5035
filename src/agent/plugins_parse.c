/* Plugins (plugins.h): the three JSON files a plugin and its marketplace are made of. Each
 * parser takes text (not a path), has a size cap, and says what is wrong the way
 * upstream does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/plugins.h"
#include "base/file.h"
#include "base/json.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

bool plugin_segment_valid(const char *s)
{
	size_t n = 0;

	if (!s || !*s)
		return false;
	for (; s[n]; n++) {
		char c = s[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return n <= 64;
}

/* Components "" (a doubled slash), "." and ".." are not normal; a backslash could be a
 * separator on Windows, so it is refused too. */
char *plugin_rel_path(const char *p)
{
	const char *s;

	if (!p || strncmp(p, "./", 2) != 0 || !p[2] || strlen(p) > 1024 || strchr(p, '\\'))
		return NULL;
	s = p + 2;
	for (const char *c = s; *c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return NULL;
		c += n;
		if (*c == '/') {
			c++;
			if (!*c)
				return NULL;
		}
	}
	return strdup(s);
}

static cJSON *parse_capped(const char *text, size_t len, const char *what, struct err *e)
{
	if (len > PLUGIN_JSON_MAX_BYTES) {
		err_set(e, "%s: larger than %u bytes", what, PLUGIN_JSON_MAX_BYTES);
		return NULL;
	}
	return json_parse(text, len, what, e);
}

static const char *str_field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

void plugin_market_free(struct plugin_market *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].path);
		free(m->v[i].category);
	}
	free(m->v);
	free(m->name);
	free(m->display_name);
	memset(m, 0, sizeof *m);
}

static int market_entry(const cJSON *p, struct plugin_market_entry *out, struct err *e)
{
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(p, "source");
	const cJSON *policy = cJSON_GetObjectItemCaseSensitive(p, "policy");
	const char *name = str_field(p, "name"), *kind, *path, *inst = NULL;

	if (!cJSON_IsObject(p) || !name)
		return err_set(e, "invalid marketplace file: a plugin needs a string `name`");
	if (!plugin_segment_valid(name))
		return err_set(e, "invalid marketplace file: invalid plugin name `%.64s`: only ASCII "
			       "letters, digits, `_`, and `-` are allowed", name);
	if (!cJSON_IsObject(src) || !(kind = str_field(src, "source")) || strcmp(kind, "local") ||
	    !(path = str_field(src, "path")))
		return err_set(e, "invalid marketplace file: plugin `%s` needs a source "
			       "{\"source\": \"local\", \"path\": \"./...\"}", name);
	if (strncmp(path, "./", 2) != 0)
		return err_set(e, "invalid marketplace file: local plugin source path must start "
			       "with `./`");
	if (!path[2])
		return err_set(e, "invalid marketplace file: local plugin source path must not be "
			       "empty");
	if (cJSON_IsObject(policy))
		inst = str_field(policy, "installation");
	if (inst && strcmp(inst, "NOT_AVAILABLE") && strcmp(inst, "AVAILABLE") &&
	    strcmp(inst, "INSTALLED_BY_DEFAULT"))
		return err_set(e, "invalid marketplace file: unknown installation policy `%.64s`",
			       inst);
	memset(out, 0, sizeof *out);
	if (!(out->path = plugin_rel_path(path)))
		return err_set(e, "invalid marketplace file: local plugin source path must stay "
			       "within the marketplace root");
	out->installable = !inst || strcmp(inst, "NOT_AVAILABLE") != 0;
	out->by_default = inst && strcmp(inst, "INSTALLED_BY_DEFAULT") == 0;
	if (!(out->name = strdup(name)) ||
	    (str_field(p, "category") && !(out->category = strdup(str_field(p, "category"))))) {
		free(out->path);
		free(out->name);
		return err_set(e, "out of memory");
	}
	return 0;
}

int plugin_market_parse(const char *text, size_t len, struct plugin_market *out,
			struct err *e)
{
	cJSON *root = parse_capped(text, len, "invalid marketplace file", e);
	const cJSON *plugins, *iface, *p;
	const char *name;
	int n;

	memset(out, 0, sizeof *out);
	if (!root)
		return -1;
	plugins = cJSON_GetObjectItemCaseSensitive(root, "plugins");
	if (!cJSON_IsObject(root) || !(name = str_field(root, "name"))) {
		err_set(e, "invalid marketplace file: missing field `name`");
		goto fail;
	}
	if (!cJSON_IsArray(plugins)) {
		err_set(e, "invalid marketplace file: missing field `plugins`");
		goto fail;
	}
	if (!plugin_segment_valid(name)) {
		err_set(e, "invalid marketplace file: invalid marketplace name: only ASCII letters, "
			"digits, `_`, and `-` are allowed");
		goto fail;
	}
	n = cJSON_GetArraySize(plugins);
	if (n > (int)PLUGIN_MAX_PER_MARKETPLACE) {
		err_set(e, "invalid marketplace file: more than %u plugins",
			PLUGIN_MAX_PER_MARKETPLACE);
		goto fail;
	}
	iface = cJSON_GetObjectItemCaseSensitive(root, "interface");
	if (!(out->name = strdup(name)) ||
	    (cJSON_IsObject(iface) && str_field(iface, "displayName") &&
	     !(out->display_name = strdup(str_field(iface, "displayName"))))) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (n > 0 && !(out->v = calloc((size_t)n, sizeof *out->v))) {
		err_set(e, "out of memory");
		goto fail;
	}
	cJSON_ArrayForEach(p, plugins) {
		if (market_entry(p, &out->v[out->n], e) < 0)
			goto fail;
		out->n++;
	}
	cJSON_Delete(root);
	return 0;
fail:
	cJSON_Delete(root);
	plugin_market_free(out);
	return -1;
}

void plugin_manifest_free(struct plugin_manifest *m)
{
	free(m->name);
	free(m->description);
	free(m->display_name);
	free(m->short_description);
	free(m->long_description);
	free(m->skills);
	free(m->mcp_servers);
	free(m->apps);
	memset(m, 0, sizeof *m);
}

int plugin_manifest_parse(const char *text, size_t len, struct plugin_manifest *out,
			  struct err *e)
{
	cJSON *root = parse_capped(text, len, "invalid plugin manifest", e);
	const cJSON *iface;
	bool oom = false;

	memset(out, 0, sizeof *out);
	if (!root)
		return -1;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return err_set(e, "invalid plugin manifest: expected an object");
	}
	iface = cJSON_GetObjectItemCaseSensitive(root, "interface");
	if (!cJSON_IsObject(iface))
		iface = NULL;
	out->name = strdup(str_field(root, "name") ? str_field(root, "name") : "");
	oom |= !out->name;
#define TAKE(field, obj, key) \
	oom |= (obj) && str_field(obj, key) && !(out->field = dup_or_null(str_field(obj, key)))
	TAKE(description, root, "description");
	TAKE(display_name, iface, "displayName");
	TAKE(short_description, iface, "shortDescription");
	TAKE(long_description, iface, "longDescription");
#undef TAKE
	/* An invalid path is ignored, not an error (upstream warns and goes on). */
	out->skills = plugin_rel_path(str_field(root, "skills"));
	out->mcp_servers = plugin_rel_path(str_field(root, "mcpServers"));
	out->apps = plugin_rel_path(str_field(root, "apps"));
	cJSON_Delete(root);
	if (oom) {
		plugin_manifest_free(out);
		return err_set(e, "out of memory");
	}
	return 0;
}

static int mcp_server(const char *name, const cJSON *s, const char *root,
		      struct config_mcp_server *out, struct err *e)
{
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(s, "args");
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(s, "env");
	const cJSON *it;
	const char *cwd = str_field(s, "cwd");
	bool oom = false;

	memset(out, 0, sizeof *out);
	out->enabled = true;
	out->startup_timeout_sec = 30;
	out->tool_timeout_sec = 120;
	if (!(out->name = strdup(name)))
		return err_set(e, "out of memory");
	if (str_field(s, "command"))
		oom |= !(out->command = strdup(str_field(s, "command")));
	else if (str_field(s, "url"))
		oom |= !(out->url = strdup(str_field(s, "url")));
	else {
		config_mcp_server_free(out);
		return err_set(e, "invalid MCP server `%.64s`: needs a command or a url", name);
	}
	if (out->command)
		oom |= !(out->cwd = cwd && path_is_absolute(cwd) ? strdup(cwd)
				   : cwd ? path_join(root, cwd) : strdup(root));
	if (cJSON_IsArray(args))
		cJSON_ArrayForEach(it, args)
			if (cJSON_IsString(it))
				oom |= strv_push(&out->args, it->valuestring) < 0;
	if (cJSON_IsObject(env))
		cJSON_ArrayForEach(it, env)
			if (cJSON_IsString(it))
				oom |= config_map_add(&out->env, it->string, it->valuestring) < 0;
	if (str_field(s, "bearer_token_env_var"))
		oom |= !(out->bearer_token_env_var = strdup(str_field(s, "bearer_token_env_var")));
	if (oom) {
		config_mcp_server_free(out);
		return err_set(e, "out of memory");
	}
	return 0;
}

int plugin_mcp_parse(const char *text, size_t len, const char *plugin_root,
		     struct config_mcp_server **out, size_t *n, struct err *e)
{
	cJSON *root = parse_capped(text, len, "invalid MCP config", e);
	const cJSON *servers, *s;
	int count;

	*out = NULL;
	*n = 0;
	if (!root)
		return -1;
	servers = cJSON_GetObjectItemCaseSensitive(root, "mcpServers");
	if (!cJSON_IsObject(servers)) {
		cJSON_Delete(root);
		return 0;
	}
	count = cJSON_GetArraySize(servers);
	if (count > (int)PLUGIN_MAX_MCP_SERVERS) {
		cJSON_Delete(root);
		return err_set(e, "invalid MCP config: more than %u servers", PLUGIN_MAX_MCP_SERVERS);
	}
	if (count > 0 && !(*out = calloc((size_t)count, sizeof **out))) {
		cJSON_Delete(root);
		return err_set(e, "out of memory");
	}
	cJSON_ArrayForEach(s, servers) {
		if (!cJSON_IsObject(s) || !s->string || !*s->string)
			continue;
		if (mcp_server(s->string, s, plugin_root, &(*out)[*n], e) < 0) {
			for (size_t i = 0; i < *n; i++)
				config_mcp_server_free(&(*out)[i]);
			free(*out);
			*out = NULL;
			*n = 0;
			cJSON_Delete(root);
			return -1;
		}
		(*n)++;
	}
	cJSON_Delete(root);
	return 0;
}

/* ---- the curated checkout's commit id ------------------------------------------------ */

/* `git ls-remote <url> HEAD` prints "<sha>\t<ref>" lines; .tmp/plugins.sha and `git
 * rev-parse HEAD` print "<sha>\n". Only the first line is read, and only a commit id (40
 * hex digits, or 64 for a SHA-256 repository) is accepted: it names folders and is
 * compared, so nothing else may pass. */
int plugin_sha_parse(const char *text, size_t len, char out[PLUGIN_SHA_MAX + 1])
{
	size_t n = 0;

	if (!text || len > PLUGIN_SHA_TEXT_MAX)
		return -1;
	while (n < len && n <= PLUGIN_SHA_MAX &&
	       ((text[n] >= '0' && text[n] <= '9') || (text[n] >= 'a' && text[n] <= 'f')))
		n++;
	if (n != 40 && n != 64)
		return -1;
	if (n < len && text[n] != '\t' && text[n] != '\n' && text[n] != ' ' && text[n] != '\r')
		return -1;
	memcpy(out, text, n);
	out[n] = '\0';
	return 0;
}
