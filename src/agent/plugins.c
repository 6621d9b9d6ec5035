/* Plugins (agent.h, plugins.h): finding marketplaces, the cache of installed plugins
 * ($CODEX_HOME/plugins/cache/<marketplace>/<plugin>/local), config.toml's
 * [plugins."<id>"] entries, and what an enabled plugin adds to a session. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/plugins.h"
#include "agent/skills.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/limits.h"
#include "config/toml.h"

#define MARKETPLACE_REL ".agents/plugins/marketplace.json"
#define PLUGIN_VERSION "local"

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int read_json_file(const char *path, struct buf *b, struct err *e)
{
	buf_init(b, PLUGIN_JSON_MAX_BYTES);
	return file_read_regular(path, b, e);
}

/* <codex_home>/plugins/cache/<marketplace>/<plugin>, and with version its active copy:
 * "local", or (the curated marketplace's, as upstream names them) the folder named after
 * the curated commit it came from; "local" when there is none (callers check it exists). */
static char *cache_dir(const char *codex_home, const char *market, const char *name,
		       bool version)
{
	size_t n = strlen(codex_home) + strlen(market) + strlen(name) + 40;
	char *p = malloc(n), *local;
	DIR *d;
	struct dirent *de;

	if (!p)
		return NULL;
	snprintf(p, n, "%s/plugins/cache/%s/%s", codex_home, market, name);
	if (!version)
		return p;
	local = path_join(p, PLUGIN_VERSION);
	if (!local || is_dir(local) || !(d = opendir(p))) {
		free(p);
		return local;
	}
	while ((de = readdir(d))) {
		char sha[PLUGIN_SHA_MAX + 1], *v;
		if (plugin_sha_parse(de->d_name, strlen(de->d_name), sha) < 0 ||
		    strcmp(sha, de->d_name) != 0 || !(v = path_join(p, de->d_name)))
			continue;
		if (is_dir(v)) {
			closedir(d);
			free(p);
			free(local);
			return v;
		}
		free(v);
	}
	closedir(d);
	free(p);
	return local;
}

/* The commit id in $CODEX_HOME/.tmp/plugins.sha, or "" when it cannot be read. */
static void curated_sha(const char *codex_home, char sha[PLUGIN_SHA_MAX + 1])
{
	struct buf b;
	struct err e = {0};
	char *path = path_join(codex_home, ".tmp/plugins.sha");

	sha[0] = '\0';
	buf_init(&b, PLUGIN_SHA_TEXT_MAX);
	if (!path || file_read_regular(path, &b, &e) < 0 ||
	    plugin_sha_parse(b.data ? b.data : "", b.len, sha) < 0)
		sha[0] = '\0';
	buf_free(&b);
	free(path);
}

/* The ids config.toml enables as it is on disk now (not as the session loaded it: the
 * list must show an install made since). A missing or broken file gives none. */
static void config_plugins_now(const char *config_path, struct strv *on)
{
	struct buf text;
	struct err e = {0};
	struct toml_value *root;
	const struct toml_value *t;

	buf_init(&text, LIMIT_CONFIG_FILE_BYTES);
	if (file_read_all(config_path, &text, &e) < 0 ||
	    !(root = toml_parse(text.data ? text.data : "", text.len, &e))) {
		buf_free(&text);
		return;
	}
	t = toml_table_get(root, "plugins");
	for (size_t i = 0; t && t->type == TOML_TABLE && i < t->u.table.n; i++) {
		const struct toml_entry *ent = &t->u.table.entries[i];
		const struct toml_value *en;
		char *id = strndup(ent->key, ent->key_len);
		if (!id)
			break;
		en = ent->value->type == TOML_TABLE ? toml_table_get(ent->value, "enabled") : NULL;
		if (en && en->type == TOML_BOOL && !en->u.boolean) {
			free(id);
			continue;
		}
		if (strv_take(on, id) < 0)
			break;
	}
	toml_free(root);
	buf_free(&text);
}

/* ---- listing ---------------------------------------------------------------------- */

/* Upstream's order: $HOME's marketplace, then each root's (the curated checkout, the
 * repository of the cwd), each file once. */
static int market_paths(const struct config *cfg, const char *cwd, struct strv *out)
{
	const char *home = getenv("HOME");
	char *curated = path_join(cfg->codex_home, ".tmp/plugins");
	char *repo = NULL, *p;
	int rc = -1;

	if (!curated)
		return -1;
	/* The repository root: the nearest ancestor of cwd holding .git. */
	if (cwd && (repo = strdup(cwd))) {
		for (;;) {
			char *git = path_join(repo, ".git");
			bool found = git && file_exists(git);
			char *slash;
			free(git);
			if (found)
				break;
			slash = strrchr(repo, '/');
			if (!slash || slash == repo) {
				free(repo);
				repo = NULL;
				break;
			}
			*slash = '\0';
		}
	}
	const char *roots[3] = {home, curated, repo};
	for (size_t i = 0; i < 3; i++) {
		if (!roots[i])
			continue;
		if (!(p = path_join(roots[i], MARKETPLACE_REL)))
			goto out;
		if (!is_file(p) || strv_find(out, p) >= 0) {
			free(p);
			continue;
		}
		if (strv_take(out, p) < 0)
			goto out;
	}
	rc = 0;
out:
	free(curated);
	free(repo);
	return rc;
}

/* The marketplace's root: the folder holding .agents/plugins/marketplace.json. */
static char *market_root(const char *market_path)
{
	size_t n = strlen(market_path), k = strlen("/" MARKETPLACE_REL);

	if (n <= k || strcmp(market_path + n - k, "/" MARKETPLACE_REL) != 0)
		return NULL;
	return strndup(market_path, n - k);
}

static int load_manifest(const char *root, struct plugin_manifest *m)
{
	struct buf b;
	struct err e = {0};
	char *path = path_join(root, ".codex-plugin/plugin.json");
	int rc = -1;

	if (path && read_json_file(path, &b, &e) == 0)
		rc = plugin_manifest_parse(b.data ? b.data : "", b.len, m, &e);
	if (path)
		buf_free(&b);
	free(path);
	return rc;
}

static void skill_names(const char *root, struct strv *out)
{
	struct strv roots = STRV_INIT;
	struct skill_root sr[8];
	struct agent_skills s;
	struct err e = {0};
	size_t n = 0;

	if (plugins_skill_roots(root, &roots, &e) < 0)
		goto out;
	for (; n < roots.n && n < 8; n++)
		sr[n] = (struct skill_root){roots.v[n], AGENT_SKILL_USER};
	if (skills_discover(sr, n, &s, &e) == 0) {
		for (size_t i = 0; i < s.n; i++)
			if (strv_push(out, s.v[i].name) < 0)
				break;
		agent_skills_free(&s);
	}
out:
	strv_free(&roots);
}

static char *mcp_path(const char *root, const struct plugin_manifest *m)
{
	return path_join(root, m->mcp_servers ? m->mcp_servers : ".mcp.json");
}

static void mcp_names(const char *root, const struct plugin_manifest *m, struct strv *out)
{
	struct config_mcp_server *v;
	struct buf b;
	struct err e = {0};
	size_t n;
	char *p = mcp_path(root, m);

	if (p && read_json_file(p, &b, &e) == 0 &&
	    plugin_mcp_parse(b.data ? b.data : "", b.len, root, &v, &n, &e) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (strv_push(out, v[i].name) < 0) {}
			config_mcp_server_free(&v[i]);
		}
		free(v);
	}
	if (p)
		buf_free(&b);
	free(p);
}

/* .app.json: {"apps": {"<key>": {"id": "..."}}}; only listed. */
static void app_ids(const char *root, const struct plugin_manifest *m, struct strv *out)
{
	struct buf b;
	struct err e = {0};
	char *p = path_join(root, m->apps ? m->apps : ".app.json");
	cJSON *j, *apps, *it;

	if (p && read_json_file(p, &b, &e) == 0 && b.len <= PLUGIN_JSON_MAX_BYTES &&
	    (j = cJSON_ParseWithLength(b.data ? b.data : "", b.len))) {
		apps = cJSON_GetObjectItemCaseSensitive(j, "apps");
		if (!cJSON_IsObject(apps))
			apps = NULL;
		for (it = apps ? apps->child : NULL; it; it = it->next) {
			cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
			if (cJSON_IsString(id) && *id->valuestring && strv_push(out, id->valuestring) < 0)
				break;
		}
		cJSON_Delete(j);
	}
	if (p)
		buf_free(&b);
	free(p);
}

static char *one_line(const char *s)
{
	return s ? skill_one_line(s) : NULL;
}

static void plugin_clear(struct agent_plugin *p)
{
	free(p->name);
	free(p->marketplace);
	free(p->marketplace_label);
	free(p->marketplace_path);
	free(p->source);
	free(p->display_name);
	free(p->description);
	free(p->long_description);
	strv_free(&p->skills);
	strv_free(&p->mcp_servers);
	strv_free(&p->apps);
}

static int add_plugin(struct agent_plugins *out, size_t *cap, const struct config *cfg,
		      const char *mpath, const struct plugin_market *m,
		      const struct plugin_market_entry *pe, const struct strv *on)
{
	struct agent_plugin p = {0};
	struct plugin_manifest man = {0};
	char *mroot = market_root(mpath), *inst, id[160];
	bool have_man;

	memset(&p, 0, sizeof p);
	if (!mroot)
		return 0;
	p.source = path_join(mroot, pe->path);
	free(mroot);
	if (!p.source)
		return -1;
	have_man = load_manifest(p.source, &man) == 0;
	p.name = strdup(pe->name);
	p.marketplace = strdup(m->name);
	/* Upstream names the curated marketplace itself, whatever its file says. */
	if (strcmp(m->name, "openai-curated") == 0)
		p.marketplace_label = strdup("OpenAI Curated");
	else
		p.marketplace_label = one_line(m->display_name && *m->display_name
						       ? m->display_name
						       : m->name);
	p.marketplace_path = strdup(mpath);
	/* Upstream's list: interface.displayName, else the marketplace's name for it; the
	 * short description, else the long one; the details prefer the manifest's
	 * description. */
	p.display_name = one_line(have_man && man.display_name && *man.display_name
					  ? man.display_name : pe->name);
	p.description = one_line(man.short_description ? man.short_description
						      : man.long_description);
	p.long_description = one_line(man.description ? man.description
				      : man.long_description ? man.long_description
							     : man.short_description);
	p.installable = pe->installable;
	p.by_default = pe->by_default;
	inst = cache_dir(cfg->codex_home, m->name, pe->name, true);
	p.installed = inst && is_dir(inst);
	snprintf(id, sizeof id, "%s@%s", pe->name, m->name);
	p.enabled = p.installed && strv_find(on, id) >= 0;
	/* What it bundles: from the installed copy when there is one, else the source. */
	{
		const char *root = p.installed ? inst : p.source;
		struct plugin_manifest im = {0};
		bool ok = root == p.source ? have_man : load_manifest(root, &im) == 0;
		if (ok) {
			const struct plugin_manifest *mm = root == p.source ? &man : &im;
			skill_names(root, &p.skills);
			mcp_names(root, mm, &p.mcp_servers);
			app_ids(root, mm, &p.apps);
		}
		plugin_manifest_free(&im);
	}
	free(inst);
	plugin_manifest_free(&man);
	if (!p.name || !p.marketplace || !p.marketplace_label || !p.marketplace_path ||
	    !p.display_name)
		goto oom;
	if (out->n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct agent_plugin *g = realloc(out->v, c * sizeof *g);
		if (!g)
			goto oom;
		out->v = g;
		*cap = c;
	}
	out->v[out->n++] = p;
	return 0;
oom:
	plugin_clear(&p);
	return -1;
}

int agent_plugins_list(const struct config *cfg, const char *cwd, struct agent_plugins *out,
		       struct err *e)
{
	struct strv paths = STRV_INIT, on = STRV_INIT;
	size_t cap = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (market_paths(cfg, cwd, &paths) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	config_plugins_now(cfg->config_path, &on);
	for (size_t i = 0; i < paths.n; i++) {
		struct plugin_market m;
		struct buf b;
		struct err pe = {0};
		int r = read_json_file(paths.v[i], &b, &pe);
		if (r == 0)
			r = plugin_market_parse(b.data ? b.data : "", b.len, &m, &pe);
		buf_free(&b);
		if (r < 0) {
			if (strv_pushf(&out->errors, "%s: %s", paths.v[i], pe.msg) < 0) {
				err_set(e, "out of memory");
				goto out;
			}
			continue;
		}
		for (size_t k = 0; k < m.n; k++)
			if (add_plugin(out, &cap, cfg, paths.v[i], &m, &m.v[k], &on) < 0) {
				plugin_market_free(&m);
				err_set(e, "out of memory");
				goto out;
			}
		plugin_market_free(&m);
	}
	rc = 0;
out:
	if (rc < 0)
		agent_plugins_free(out);
	strv_free(&paths);
	strv_free(&on);
	return rc;
}

void agent_plugins_free(struct agent_plugins *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		plugin_clear(&ps->v[i]);
	free(ps->v);
	strv_free(&ps->errors);
	memset(ps, 0, sizeof *ps);
}

/* ---- the store -------------------------------------------------------------------- */

struct copy {
	size_t files;
	unsigned long long bytes;
};

static int copy_file(const char *from, const char *to, mode_t mode, struct copy *c,
		     struct err *e)
{
	char data[65536];
	int in, out;
	ssize_t r;
	int rc = -1;

	in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return err_sys(e, errno, "cannot read %s", from);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 0755);
	if (out < 0) {
		close(in);
		return err_sys(e, errno, "cannot write %s", to);
	}
	while ((r = read(in, data, sizeof data)) > 0) {
		c->bytes += (unsigned long long)r;
		if (c->bytes > PLUGIN_COPY_MAX_BYTES) {
			err_set(e, "the plugin is larger than %llu bytes", PLUGIN_COPY_MAX_BYTES);
			goto out;
		}
		if (fd_write_all(out, data, (size_t)r) < 0) {
			err_sys(e, errno, "cannot write %s", to);
			goto out;
		}
	}
	if (r < 0) {
		err_sys(e, errno, "cannot read %s", from);
		goto out;
	}
	rc = 0;
out:
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = err_sys(e, errno, "cannot write %s", to);
	return rc;
}

/* Regular files and folders only: a symlink in the source is not followed (it could
 * point anywhere on the machine) and not copied. */
static int copy_tree(const char *from, const char *to, int depth, struct copy *c,
		     struct err *e)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > PLUGIN_COPY_MAX_DEPTH)
		return err_set(e, "the plugin's folders are nested more than %d deep",
			       PLUGIN_COPY_MAX_DEPTH);
	if (mkdir(to, 0755) < 0)
		return err_sys(e, errno, "cannot create %s", to);
	if (!(d = opendir(from)))
		return err_sys(e, errno, "cannot read %s", from);
	while (rc == 0 && (de = readdir(d))) {
		char *sf, *st;
		struct stat s;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sf = path_join(from, de->d_name);
		st = path_join(to, de->d_name);
		if (!sf || !st)
			rc = err_set(e, "out of memory");
		else if (lstat(sf, &s) < 0)
			rc = err_sys(e, errno, "cannot read %s", sf);
		else if (++c->files > PLUGIN_COPY_MAX_FILES)
			rc = err_set(e, "the plugin has more than %d files", PLUGIN_COPY_MAX_FILES);
		else if (S_ISDIR(s.st_mode))
			rc = copy_tree(sf, st, depth + 1, c, e);
		else if (S_ISREG(s.st_mode))
			rc = copy_file(sf, st, s.st_mode, c, e);
		free(sf);
		free(st);
	}
	closedir(d);
	return rc;
}

int plugins_remove_tree(const char *path)
{
	struct stat s;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (lstat(path, &s) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(s.st_mode))
		return unlink(path);
	if (!(d = opendir(path)))
		return -1;
	while ((de = readdir(d))) {
		char *p;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!(p = path_join(path, de->d_name)) || plugins_remove_tree(p) < 0)
			rc = -1;
		free(p);
	}
	closedir(d);
	return rmdir(path) < 0 ? -1 : rc;
}

static int write_config_entry(const struct config *cfg, const char *id, bool remove, bool on,
			      struct err *e)
{
	struct buf text, out;
	char table[200], block[300];
	bool found;
	int rc = -1;

	snprintf(table, sizeof table, "plugins.%s", id);
	snprintf(block, sizeof block, "[plugins.\"%s\"]\nenabled = %s\n", id,
		 on ? "true" : "false");
	buf_init(&text, LIMIT_CONFIG_FILE_BYTES);
	buf_init(&out, LIMIT_CONFIG_FILE_BYTES);
	if (file_read_all(cfg->config_path, &text, e) < 0) {
		if (e->errnum != ENOENT)
			goto out;
		buf_reset(&text);
		memset(e, 0, sizeof *e);
	}
	if ((remove ? config_edit_remove_table(text.data ? text.data : "", text.len, table, &out,
						&found, e)
		    : config_edit_put_table(text.data ? text.data : "", text.len, table, block, &out,
					    e)) < 0)
		goto out;
	if (file_mkdir_parents(cfg->config_path, e) < 0 ||
	    file_write_atomic(cfg->config_path, out.data ? out.data : "", out.len, 0600, e) < 0)
		goto out;
	rc = 0;
out:
	buf_free(&text);
	buf_free(&out);
	return rc;
}

static int check_ids(const struct agent_plugin *p, char *id, size_t n, struct err *e)
{
	if (!plugin_segment_valid(p->name) || !plugin_segment_valid(p->marketplace))
		return err_set(e, "invalid plugin id `%s@%s`", p->name, p->marketplace);
	snprintf(id, n, "%s@%s", p->name, p->marketplace);
	return 0;
}

/* Copies source into the cache as <market>/<name>/<version>: "local", or for the curated
 * marketplace the commit in .tmp/plugins.sha (upstream's install_with_version). The copy
 * is made beside the target and swapped in with renames, so a reader sees the old copy or
 * the new one, never half of one; copies of other versions go afterwards. */
static int store_copy(const char *codex_home, const char *market, const char *name,
		      const char *source, struct err *e)
{
	char sha[PLUGIN_SHA_MAX + 1], *base, *dst = NULL, *tmp = NULL, *old = NULL;
	const char *version = PLUGIN_VERSION;
	struct copy c = {0, 0};
	int rc = -1;

	if (strcmp(market, "openai-curated") == 0) {
		curated_sha(codex_home, sha);
		if (!sha[0])
			return err_set(e, "local curated marketplace sha is not available");
		version = sha;
	}
	base = cache_dir(codex_home, market, name, false);
	dst = base ? path_join(base, version) : NULL;
	tmp = base ? path_join(base, ".installing") : NULL;
	old = base ? path_join(base, ".replaced") : NULL;
	if (!base || !dst || !tmp || !old) {
		err_set(e, "out of memory");
		goto out;
	}
	if (file_mkdir_parents(tmp, e) < 0)
		goto out;
	plugins_remove_tree(tmp);
	plugins_remove_tree(old);
	if (copy_tree(source, tmp, 0, &c, e) < 0) {
		plugins_remove_tree(tmp);
		goto out;
	}
	if (is_dir(dst) && rename(dst, old) < 0) {
		err_sys(e, errno, "cannot replace %s", dst);
		plugins_remove_tree(tmp);
		goto out;
	}
	if (rename(tmp, dst) < 0) {
		err_sys(e, errno, "cannot install into %s", dst);
		plugins_remove_tree(tmp);
		goto out;
	}
	plugins_remove_tree(old);
	{
		DIR *d = opendir(base);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			char *other;
			if (de->d_name[0] == '.' || strcmp(de->d_name, version) == 0 ||
			    !(other = path_join(base, de->d_name)))
				continue;
			plugins_remove_tree(other);
			free(other);
		}
		if (d)
			closedir(d);
	}
	rc = 0;
out:
	free(base);
	free(dst);
	free(tmp);
	free(old);
	return rc;
}

int agent_plugin_install(const struct config *cfg, const struct agent_plugin *p, struct err *e)
{
	char id[160];
	struct stat s;

	if (check_ids(p, id, sizeof id, e) < 0)
		return -1;
	if (!p->installable)
		return err_set(e, "plugin `%s` is not available for install in marketplace `%s`",
			       p->name, p->marketplace);
	if (lstat(p->source, &s) < 0 || !S_ISDIR(s.st_mode))
		return err_set(e, "plugin source path is not a directory: %s", p->source);
	/* The manifest's path has only normal components, but one of them could be a
	 * symlink leading out of the marketplace's root: the real folder must be inside. */
	{
		char *mroot = market_root(p->marketplace_path);
		char *rroot = mroot ? realpath(mroot, NULL) : NULL;
		char *rsrc = realpath(p->source, NULL);
		bool inside = rroot && rsrc && path_is_under(rsrc, rroot) && strcmp(rsrc, rroot);
		free(mroot);
		free(rroot);
		free(rsrc);
		if (!inside)
			return err_set(e, "local plugin source path must stay within the marketplace "
				       "root");
	}
	if (store_copy(cfg->codex_home, p->marketplace, p->name, p->source, e) < 0)
		return -1;
	return write_config_entry(cfg, id, false, true, e);
}

int agent_plugin_uninstall(const struct config *cfg, const struct agent_plugin *p,
			   struct err *e)
{
	char id[160], *base;

	if (check_ids(p, id, sizeof id, e) < 0)
		return -1;
	if (!(base = cache_dir(cfg->codex_home, p->marketplace, p->name, false)))
		return err_set(e, "out of memory");
	if (plugins_remove_tree(base) < 0) {
		err_sys(e, errno, "failed to remove plugin cache entry %s", base);
		free(base);
		return -1;
	}
	free(base);
	return write_config_entry(cfg, id, true, false, e);
}

int agent_plugin_set_enabled(const struct config *cfg, const struct agent_plugin *p, bool on,
			     struct err *e)
{
	char id[160];

	if (check_ids(p, id, sizeof id, e) < 0)
		return -1;
	return write_config_entry(cfg, id, false, on, e);
}

/* ---- what a session gets ---------------------------------------------------------- */

int plugins_enabled_roots(const struct config *cfg, struct strv *roots, struct err *e)
{
	if (!config_feature(cfg, "plugins", true))
		return 0;
	for (size_t i = 0; i < cfg->n_plugins; i++) {
		const char *id = cfg->plugins[i].id, *at = strchr(id, '@');
		char name[80], market[80], *dir;
		if (!cfg->plugins[i].enabled || !at || (size_t)(at - id) >= sizeof name ||
		    strlen(at + 1) >= sizeof market)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(at - id), id);
		snprintf(market, sizeof market, "%s", at + 1);
		if (!plugin_segment_valid(name) || !plugin_segment_valid(market))
			continue;
		if (!(dir = cache_dir(cfg->codex_home, market, name, true)))
			return err_set(e, "out of memory");
		if (!is_dir(dir)) {
			free(dir);
			continue;
		}
		if (strv_take(roots, dir) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

int plugins_skill_roots(const char *root, struct strv *out, struct err *e)
{
	struct plugin_manifest m = {0};
	char *p;

	if ((p = path_join(root, "skills")) && is_dir(p)) {
		if (strv_take(out, p) < 0)
			return err_set(e, "out of memory");
	} else
		free(p);
	if (load_manifest(root, &m) == 0 && m.skills && strcmp(m.skills, "skills") != 0 &&
	    (p = path_join(root, m.skills))) {
		if (is_dir(p) && strv_take(out, p) < 0) {
			plugin_manifest_free(&m);
			return err_set(e, "out of memory");
		} else if (!is_dir(p))
			free(p);
	}
	plugin_manifest_free(&m);
	return 0;
}

int plugins_mcp_servers(const struct config *cfg, struct config_mcp_server **out, size_t *n,
			struct err *e)
{
	struct strv roots = STRV_INIT;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (plugins_enabled_roots(cfg, &roots, e) < 0)
		return -1;
	for (size_t r = 0; r < roots.n; r++) {
		struct plugin_manifest m = {0};
		struct config_mcp_server *v = NULL;
		struct buf b;
		struct err pe = {0};
		size_t k = 0;
		char *p;
		if (load_manifest(roots.v[r], &m) < 0)
			continue;
		p = mcp_path(roots.v[r], &m);
		plugin_manifest_free(&m);
		if (!p)
			continue;
		if (read_json_file(p, &b, &pe) == 0)
			plugin_mcp_parse(b.data ? b.data : "", b.len, roots.v[r], &v, &k, &pe);
		buf_free(&b);
		free(p);
		for (size_t i = 0; i < k; i++) {
			bool dup = false;
			for (size_t j = 0; j < cfg->n_mcp_servers && !dup; j++)
				dup = strcmp(cfg->mcp_servers[j].name, v[i].name) == 0;
			for (size_t j = 0; j < *n && !dup; j++)
				dup = strcmp((*out)[j].name, v[i].name) == 0;
			if (!dup && *n == cap) {
				size_t c = cap ? cap * 2 : 4;
				struct config_mcp_server *g = realloc(*out, c * sizeof *g);
				if (g) {
					*out = g;
					cap = c;
				}
			}
			if (dup || *n == cap)
				config_mcp_server_free(&v[i]);
			else
				(*out)[(*n)++] = v[i];
		}
		free(v);
	}
	strv_free(&roots);
	return 0;
}

/* ---- what the session says about them ----------------------------------------------- */

/* Upstream's prompt_safe_plugin_description: whitespace runs become one space, at most
 * 1024 characters (UTF-8 sequences kept whole). */
static char *prompt_safe(const char *s)
{
	size_t n = 0, chars = 0, len = s ? strlen(s) : 0;
	char *out;
	bool space = false;

	if (!s || !(out = malloc(len + 1)))
		return NULL;
	for (const char *c = s; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (u == ' ' || (u >= '\t' && u <= '\r')) {
			space = n > 0;
			continue;
		}
		if ((u & 0xC0) != 0x80) {
			if (chars + (space ? 1 : 0) >= 1024)
				break;
			if (space) {
				out[n++] = ' ';
				chars++;
			}
			chars++;
		}
		space = false;
		out[n++] = (char)u;
	}
	out[n] = '\0';
	if (!n) {
		free(out);
		return NULL;
	}
	return out;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

void plugins_summaries_free(struct agent_plugin_summary *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].config_name);
		free(v[i].display_name);
		free(v[i].description);
		strv_free(&v[i].mcp_servers);
		strv_free(&v[i].apps);
	}
	free(v);
}

int plugins_summaries(const struct config *cfg, const struct agent_skills *skills,
		      struct agent_plugin_summary **out, size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	if (!config_feature(cfg, "plugins", true) || !cfg->n_plugins)
		return 0;
	if (!(*out = calloc(cfg->n_plugins, sizeof **out)))
		return err_set(e, "out of memory");
	for (size_t i = 0; i < cfg->n_plugins; i++) {
		const char *id = cfg->plugins[i].id, *at = strchr(id, '@');
		struct agent_plugin_summary *s = &(*out)[*n];
		struct plugin_manifest m = {0};
		char name[80], market[80], *dir, *real;
		if (!cfg->plugins[i].enabled || !at || (size_t)(at - id) >= sizeof name ||
		    strlen(at + 1) >= sizeof market)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(at - id), id);
		snprintf(market, sizeof market, "%s", at + 1);
		if (!plugin_segment_valid(name) || !plugin_segment_valid(market))
			continue;
		if (!(dir = cache_dir(cfg->codex_home, market, name, true)))
			return err_set(e, "out of memory");
		if (!is_dir(dir) || load_manifest(dir, &m) < 0) {
			free(dir);
			continue;
		}
		s->config_name = strdup(id);
		s->display_name = strdup(m.name && *m.name ? m.name : id);
		s->description = prompt_safe(m.description);
		mcp_names(dir, &m, &s->mcp_servers);
		app_ids(dir, &m, &s->apps);
		plugin_manifest_free(&m);
		if (s->mcp_servers.n > 1)
			qsort(s->mcp_servers.v, s->mcp_servers.n, sizeof *s->mcp_servers.v, cmp_str);
		/* Skill paths are canonical: compare with the real folder. */
		real = realpath(dir, NULL);
		for (size_t k = 0; real && skills && k < skills->n && !s->has_skills; k++)
			s->has_skills = skills->v[k].enabled && path_is_under(skills->v[k].path, real);
		free(real);
		free(dir);
		if (!s->config_name || !s->display_name) {
			(*n)++;
			return err_set(e, "out of memory");
		}
		if (!s->has_skills && !s->mcp_servers.n && !s->apps.n) {
			free(s->config_name);
			free(s->display_name);
			free(s->description);
			strv_free(&s->mcp_servers);
			strv_free(&s->apps);
			memset(s, 0, sizeof *s);
			continue;
		}
		(*n)++;
	}
	return 0;
}

/* ---- after a curated sync ------------------------------------------------------------ */

int agent_plugins_refresh_curated(const char *codex_home, struct err *e)
{
	char sha[PLUGIN_SHA_MAX + 1], *cfg_path = path_join(codex_home, "config.toml");
	char *root = path_join(codex_home, ".tmp/plugins");
	char *mpath = root ? path_join(root, MARKETPLACE_REL) : NULL, *rroot = NULL;
	struct strv on = STRV_INIT;
	struct plugin_market m = {0};
	struct buf b;
	int rc = -1, n = 0;
	bool have_m = false;

	buf_init(&b, PLUGIN_JSON_MAX_BYTES);
	if (!cfg_path || !root || !mpath) {
		err_set(e, "out of memory");
		goto out;
	}
	curated_sha(codex_home, sha);
	if (!sha[0]) {
		err_set(e, "local curated marketplace sha is not available");
		goto out;
	}
	config_plugins_now(cfg_path, &on);
	for (size_t i = 0; i < on.n; i++) {
		const char *at = strchr(on.v[i], '@');
		char name[80], *dir, *src, *rsrc;
		const char *base;
		size_t k;
		if (!at || strcmp(at + 1, "openai-curated") != 0 ||
		    (size_t)(at - on.v[i]) >= sizeof name)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(at - on.v[i]), on.v[i]);
		if (!plugin_segment_valid(name) ||
		    !(dir = cache_dir(codex_home, "openai-curated", name, true)))
			continue;
		base = strrchr(dir, '/');
		if (base && strcmp(base + 1, sha) == 0 && is_dir(dir)) {
			free(dir);
			continue; /* already this commit's */
		}
		free(dir);
		if (!have_m) {
			if (file_read_regular(mpath, &b, e) < 0 ||
			    plugin_market_parse(b.data ? b.data : "", b.len, &m, e) < 0)
				goto out;
			have_m = true;
			rroot = realpath(root, NULL);
		}
		for (k = 0; k < m.n && strcmp(m.v[k].name, name) != 0; k++) {
		}
		if (k == m.n)
			continue; /* no longer offered: the old copy stays, as upstream */
		if (!(src = path_join(root, m.v[k].path))) {
			err_set(e, "out of memory");
			goto out;
		}
		rsrc = realpath(src, NULL);
		if (rroot && rsrc && path_is_under(rsrc, rroot) && strcmp(rsrc, rroot) &&
		    store_copy(codex_home, "openai-curated", name, src, e) < 0) {
			char why[sizeof e->msg];
			snprintf(why, sizeof why, "%s", e->msg);
			err_set(e, "failed to refresh curated plugin cache for %s: %s", on.v[i], why);
			free(src);
			free(rsrc);
			goto out;
		}
		n++;
		free(src);
		free(rsrc);
	}
	rc = n;
out:
	if (have_m)
		plugin_market_free(&m);
	buf_free(&b);
	strv_free(&on);
	free(rroot);
	free(cfg_path);
	free(root);
	free(mpath);
	return rc;
}
