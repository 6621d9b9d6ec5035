/* Skills (agent.h, skills.h): finding SKILL.md files under the roots, the rules of
 * config.toml, the list the model is given and the files a prompt's `$name` brings in. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "agent/plugins.h"
#include "agent/skills.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/file.h"
#include "config/toml.h"

/* ---- discovery -------------------------------------------------------------------- */

struct scan {
	struct agent_skills *out;
	size_t cap;
	struct strv seen_files;        /* canonical SKILL.md paths already read */
	struct strv seen_roots;        /* canonical roots already scanned */
};

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int add_skill(struct scan *sc, const char *file, enum agent_skill_scope scope,
		     struct err *e)
{
	struct agent_skills *out = sc->out;
	struct agent_skill sk;
	struct buf text;
	struct err pe = {0};
	char *real = realpath(file, NULL);
	int rc = 0;

	if (!real)
		return 0;
	if (strv_find(&sc->seen_files, real) >= 0 || out->n >= SKILL_MAX_COUNT) {
		free(real);
		return 0;
	}
	buf_init(&text, SKILL_FILE_MAX_BYTES);
	if (file_read_regular(real, &text, &pe) < 0 ||
	    skill_from_text(real, text.data ? text.data : "", text.len, scope, &sk, &pe) < 0) {
		/* A bad file of a system root is Codex's own business, not the user's. */
		if ((scope != AGENT_SKILL_SYSTEM &&
		     strv_pushf(&out->errors, "%s: %s", real, pe.msg) < 0) ||
		    strv_push(&sc->seen_files, real) < 0)
			rc = err_set(e, "out of memory");
		goto out;
	}
	if (out->n == sc->cap) {
		size_t c = sc->cap ? sc->cap * 2 : 16;
		struct agent_skill *g = realloc(out->v, c * sizeof *g);
		if (!g) {
			skill_clear(&sk);
			rc = err_set(e, "out of memory");
			goto out;
		}
		out->v = g;
		sc->cap = c;
	}
	if (strv_push(&sc->seen_files, real) < 0) {
		skill_clear(&sk);
		rc = err_set(e, "out of memory");
		goto out;
	}
	out->v[out->n++] = sk;
out:
	buf_free(&text);
	free(real);
	return rc;
}

/* Breadth first, as upstream: a folder is visited once (by its canonical path), at most
 * SKILL_SCAN_MAX_DIRS per root, at most SKILL_SCAN_MAX_DEPTH below it. */
static int scan_root(struct scan *sc, const char *root_path, enum agent_skill_scope scope,
		     struct err *e)
{
	struct strv queue = STRV_INIT;
	size_t *depth = NULL, head = 0;
	bool follow = scope != AGENT_SKILL_SYSTEM;
	char *root = realpath(root_path, NULL);
	int rc = -1;

	if (!root || !is_dir(root) || strv_find(&sc->seen_roots, root) >= 0) {
		free(root);
		return 0;
	}
	if (strv_push(&sc->seen_roots, root) < 0) {
		free(root);
		return err_set(e, "out of memory");
	}
	if (strv_take(&queue, root) < 0 || !(depth = calloc(SKILL_SCAN_MAX_DIRS, sizeof *depth)))
		goto oom;
	while (head < queue.n) {
		const char *dir = queue.v[head];
		size_t d = depth[head++];
		DIR *dp = opendir(dir);
		struct dirent *de;
		if (!dp)
			continue;
		while ((de = readdir(dp))) {
			char path[PATH_MAX], *real;
			struct stat st;
			if (de->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
				continue;
			if (lstat(path, &st) < 0)
				continue;
			if (S_ISLNK(st.st_mode)) {
				if (!follow || stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
					continue;
			}
			if (S_ISREG(st.st_mode) && strcmp(de->d_name, "SKILL.md") == 0) {
				if (add_skill(sc, path, scope, e) < 0) {
					closedir(dp);
					goto out;
				}
				continue;
			}
			if (!S_ISDIR(st.st_mode) || d + 1 > SKILL_SCAN_MAX_DEPTH ||
			    queue.n >= SKILL_SCAN_MAX_DIRS)
				continue;
			if (!(real = realpath(path, NULL)))
				continue;
			if (strv_find(&queue, real) >= 0) {
				free(real);
				continue;
			}
			depth[queue.n] = d + 1;
			if (strv_take(&queue, real) < 0) {
				closedir(dp);
				goto oom;
			}
		}
		closedir(dp);
	}
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	strv_free(&queue);
	free(depth);
	return rc;
}

static int rank(enum agent_skill_scope s)
{
	switch (s) {
	case AGENT_SKILL_REPO:
		return 0;
	case AGENT_SKILL_USER:
		return 1;
	case AGENT_SKILL_SYSTEM:
		return 2;
	case AGENT_SKILL_ADMIN:
		return 3;
	}
	return 4;
}

static int by_scope_name_path(const void *x, const void *y)
{
	const struct agent_skill *a = x, *b = y;
	int c = rank(a->scope) - rank(b->scope);

	if (c)
		return c;
	if ((c = strcmp(a->name, b->name)))
		return c;
	return strcmp(a->path, b->path);
}

/* Upstream's plugin_namespace_for_skill_path: the nearest folder above the SKILL.md that
 * holds .codex-plugin/plugin.json names the plugin (its manifest's name, else the
 * folder's); NULL when there is none or it cannot be read. Malloc'ed. */
static char *plugin_namespace(const char *skill_path)
{
	char *dir = strdup(skill_path), *slash;

	while (dir && (slash = strrchr(dir, '/')) && slash != dir) {
		char *mp;
		struct stat st;
		*slash = '\0';
		if (!(mp = path_join(dir, ".codex-plugin/plugin.json")))
			break;
		if (stat(mp, &st) == 0 && S_ISREG(st.st_mode)) {
			struct buf b;
			struct err e = {0};
			struct plugin_manifest m = {0};
			char *name = NULL;
			buf_init(&b, PLUGIN_JSON_MAX_BYTES);
			if (file_read_regular(mp, &b, &e) == 0 &&
			    plugin_manifest_parse(b.data ? b.data : "", b.len, &m, &e) == 0) {
				const char *base = strrchr(dir, '/');
				name = strdup(m.name && *m.name ? m.name : base ? base + 1 : dir);
				plugin_manifest_free(&m);
			}
			buf_free(&b);
			free(mp);
			free(dir);
			return name;
		}
		free(mp);
	}
	free(dir);
	return NULL;
}

/* A plugin's skills are "<plugin>:<skill>", so two plugins' skills never clash. */
static int namespace_plugin_skills(struct agent_skills *s, struct err *e)
{
	for (size_t i = 0; i < s->n; i++) {
		char *ns = plugin_namespace(s->v[i].path), *full;
		if (!ns)
			continue;
		if (asprintf(&full, "%s:%s", ns, s->v[i].name) < 0) {
			free(ns);
			return err_set(e, "out of memory");
		}
		free(ns);
		free(s->v[i].name);
		s->v[i].name = full;
	}
	return 0;
}

int skills_discover(const struct skill_root *roots, size_t n, struct agent_skills *out,
		    struct err *e)
{
	struct scan sc = {out, 0, STRV_INIT, STRV_INIT};

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++)
		if (scan_root(&sc, roots[i].path, roots[i].scope, e) < 0) {
			strv_free(&sc.seen_files);
			strv_free(&sc.seen_roots);
			agent_skills_free(out);
			return -1;
		}
	strv_free(&sc.seen_files);
	strv_free(&sc.seen_roots);
	if (namespace_plugin_skills(out, e) < 0) {
		agent_skills_free(out);
		return -1;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, by_scope_name_path);
	return 0;
}

static int push_root(struct strv *paths, enum agent_skill_scope *scopes, size_t max, size_t *n,
		     enum agent_skill_scope scope, struct err *e, const char *fmt, const char *a,
		     const char *b)
{
	if (*n >= max)
		return 0;
	if (strv_pushf(paths, fmt, a, b) < 0)
		return err_set(e, "out of memory");
	/* The same folder named twice is scanned once, where it first came. */
	if (strv_find(paths, paths->v[paths->n - 1]) != (long)paths->n - 1) {
		free(paths->v[--paths->n]);
		paths->v[paths->n] = NULL;
		return 0;
	}
	scopes[(*n)++] = scope;
	return 0;
}

int skills_roots(const char *codex_home, const char *home, const char *cwd, struct strv *paths,
		 enum agent_skill_scope *scopes, size_t max, size_t *n, struct err *e)
{
	char *real = cwd ? realpath(cwd, NULL) : NULL;
	size_t root_len = 0, len;
	int rc = 0;

	*n = 0;
	if (codex_home)
		rc |= push_root(paths, scopes, max, n, AGENT_SKILL_USER, e, "%s/skills%s", codex_home, "");
	if (home && *home)
		rc |= push_root(paths, scopes, max, n, AGENT_SKILL_USER, e, "%s/.agents/skills%s", home, "");
	if (codex_home)
		rc |= push_root(paths, scopes, max, n, AGENT_SKILL_SYSTEM, e, "%s/skills/.system%s",
				codex_home, "");
	rc |= push_root(paths, scopes, max, n, AGENT_SKILL_ADMIN, e, "%s%s", "/etc/codex/skills", "");
	if (rc < 0 || !real) {
		free(real);
		return rc < 0 ? -1 : 0;
	}
	/* The project root: the nearest folder at or above the cwd holding .git (upstream's
	 * default project_root_markers); without one, the cwd alone. */
	len = strlen(real);
	for (size_t l = len; l > 0; l--) {
		char probe[PATH_MAX];
		struct stat st;
		if (l != len && real[l] != '/')
			continue;
		if ((size_t)snprintf(probe, sizeof probe, "%.*s/.git", (int)l, real) < sizeof probe &&
		    lstat(probe, &st) == 0) {
			root_len = l;
			break;
		}
	}
	if (!root_len)
		root_len = len;
	/* From the root down to the cwd, each folder's .agents/skills. */
	for (size_t l = root_len; l <= len; l++) {
		char dir[PATH_MAX];
		if (l != len && real[l] != '/')
			continue;
		if ((size_t)snprintf(dir, sizeof dir, "%.*s/.agents/skills", (int)l, real) >= sizeof dir ||
		    !is_dir(dir))
			continue;
		if (push_root(paths, scopes, max, n, AGENT_SKILL_REPO, e, "%s%s", dir, "") < 0) {
			free(real);
			return -1;
		}
	}
	free(real);
	return 0;
}

void skills_apply_rules(struct agent_skills *s, const struct config_skill_rule *rules, size_t n)
{
	for (size_t r = 0; r < n; r++) {
		char *want = rules[r].path ? realpath(rules[r].path, NULL) : NULL;
		const char *path = want ? want : rules[r].path;
		for (size_t i = 0; i < s->n; i++) {
			bool hit = path ? strcmp(s->v[i].path, path) == 0
					: rules[r].name && strcmp(s->v[i].name, rules[r].name) == 0;
			if (hit)
				s->v[i].enabled = rules[r].enabled;
		}
		free(want);
	}
}

int agent_skills_load(const struct config *cfg, const char *cwd, struct agent_skills *out,
		      struct err *e)
{
	struct strv paths = STRV_INIT, plugin_roots = STRV_INIT;
	enum agent_skill_scope scopes[64];
	struct skill_root roots[64 + SKILL_MAX_PLUGIN_ROOTS];
	size_t n = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (skills_roots(cfg->codex_home, getenv("HOME"), cwd, &paths, scopes, 64, &n, e) < 0)
		goto out;
	/* Installed, enabled plugins' skills folders: user scope, after the user's own (as
	 * upstream, which loads them as extra user roots). */
	{
		struct strv proots = STRV_INIT;
		if (plugins_enabled_roots(cfg, &proots, e) < 0) {
			strv_free(&proots);
			goto out;
		}
		for (size_t i = 0; i < proots.n; i++)
			if (plugins_skill_roots(proots.v[i], &plugin_roots, e) < 0) {
				strv_free(&proots);
				goto out;
			}
		strv_free(&proots);
	}
	/* Repository roots come first: they take precedence (and their order is the scan's). */
	{
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (scopes[i] == AGENT_SKILL_REPO)
				roots[k++] = (struct skill_root){paths.v[i], scopes[i]};
		for (size_t i = 0; i < n; i++)
			if (scopes[i] != AGENT_SKILL_REPO)
				roots[k++] = (struct skill_root){paths.v[i], scopes[i]};
	}
	for (size_t i = 0; i < plugin_roots.n && i < SKILL_MAX_PLUGIN_ROOTS; i++)
		roots[n++] = (struct skill_root){plugin_roots.v[i], AGENT_SKILL_USER};
	if (skills_discover(roots, n, out, e) < 0)
		goto out;
	skills_apply_rules(out, cfg->skill_rules, cfg->n_skill_rules);
	rc = 0;
out:
	strv_free(&paths);
	strv_free(&plugin_roots);
	return rc;
}

void agent_skills_free(struct agent_skills *s)
{
	for (size_t i = 0; i < s->n; i++)
		skill_clear(&s->v[i]);
	free(s->v);
	strv_free(&s->errors);
	memset(s, 0, sizeof *s);
}

/* ---- what the model is told ------------------------------------------------------- */

char *skills_instructions_text(const struct agent_skills *s, bool *oom)
{
	struct buf b;
	bool any = false;
	int bad = 0;

	*oom = false;
	for (size_t i = 0; i < s->n; i++)
		any = any || s->v[i].enabled;
	if (!any)
		return NULL;
	buf_init(&b, 4u << 20);
	bad |= buf_puts(&b,
		"<skills_instructions>\n## Skills\n"
		"Skills are sets of local instructions, each kept in a `SKILL.md` file. These "
		"are the skills available in this session, with a name, a description and the "
		"path of the file that holds the full instructions.\n### Available skills\n");
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].enabled)
			bad |= buf_printf(&b, "- %s: %s (file: %s)\n", s->v[i].name,
					  s->v[i].description, s->v[i].path);
	bad |= buf_puts(&b,
		"### How to use skills\n"
		"- When to use one: the user names it (as `$name` or in plain words), or the "
		"task plainly fits its description. Use every skill that is named; a skill "
		"applies to the turn it was asked for, not to later ones unless named again.\n"
		"- If a named skill is not listed or its file cannot be read, say so in a few "
		"words and carry on as well as you can without it.\n"
		"- Read only what you need: open the skill's `SKILL.md` and follow its "
		"workflow. Paths it mentions (such as `scripts/` or `references/`) are relative "
		"to the skill's folder; open only the files the task needs, prefer running or "
		"adapting its scripts to retyping them, and reuse its templates and assets.\n"
		"- With several skills, pick the fewest that cover the request, say which ones "
		"you use and in what order (one short line), and why you skip an obvious one.\n"
		"- Keep the context small: summarize rather than paste long sections, and do not "
		"chase references beyond the files the skill points to.\n"
		"- If a skill cannot be applied cleanly, say what is wrong and continue with the "
		"next best approach.\n"
		"</skills_instructions>");
	if (bad) {
		buf_free(&b);
		*oom = true;
		return NULL;
	}
	return buf_take(&b);
}

/* ---- mentions ------------------------------------------------------------------------ */

static bool name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == ':';
}

static bool common_env_var(const char *p, size_t n)
{
	static const char *const vars[] = {"PATH", "HOME", "USER", "SHELL", "PWD", "TMPDIR",
					   "TEMP", "TMP", "LANG", "TERM", "XDG_CONFIG_HOME", NULL};

	for (size_t i = 0; vars[i]; i++)
		if (strlen(vars[i]) == n && strncasecmp(vars[i], p, n) == 0)
			return true;
	return false;
}

struct mention {
	const char *p;
	size_t n;
	bool linked;          /* [$name](path): p/n is the path */
};

static size_t parse_mentions(const char *t, struct mention *m, size_t max)
{
	size_t len = strlen(t), i = 0, n = 0;

	while (i < len && n < max) {
		if (t[i] == '[' && i + 2 < len && t[i + 1] == '$' && name_char((unsigned char)t[i + 2])) {
			size_t ne = i + 3, ps, pe;
			while (ne < len && name_char((unsigned char)t[ne]))
				ne++;
			ps = ne + 1;
			if (ne < len && t[ne] == ']') {
				while (ps < len && (t[ps] == ' ' || t[ps] == '\t' || t[ps] == '\n' ||
						    t[ps] == '\r'))
					ps++;
				if (ps < len && t[ps] == '(' && (pe = ps + 1) <= len) {
					const char *close = memchr(t + pe, ')', len - pe);
					if (close) {
						const char *a = t + pe, *b = close;
						while (a < b && (*a == ' ' || *a == '\t'))
							a++;
						while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
							b--;
						if (b > a && !common_env_var(t + i + 2, ne - i - 2)) {
							if (strncmp(a, "skill://", 8) == 0)
								a += 8;
							m[n++] = (struct mention){a, (size_t)(b - a), true};
							if (n < max)
								m[n++] = (struct mention){t + i + 2,
											  ne - i - 2, false};
						}
						i = (size_t)(close - t) + 1;
						continue;
					}
				}
			}
		}
		if (t[i] != '$' || i + 1 >= len || !name_char((unsigned char)t[i + 1])) {
			i++;
			continue;
		}
		{
			size_t s = i + 1, e = s + 1;
			while (e < len && name_char((unsigned char)t[e]))
				e++;
			if (!common_env_var(t + s, e - s))
				m[n++] = (struct mention){t + s, e - s, false};
			i = e;
		}
	}
	return n;
}

static bool mentioned(const struct mention *m, size_t n, const char *s, bool linked)
{
	size_t l = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (m[i].linked == linked && m[i].n == l && memcmp(m[i].p, s, l) == 0)
			return true;
	return false;
}

size_t skills_mentioned(const struct agent_skills *s, const char *text, size_t *out, size_t max)
{
	struct mention m[SKILL_MAX_MENTIONS];
	size_t nm = parse_mentions(text, m, SKILL_MAX_MENTIONS), n = 0;
	bool *taken;

	if (!nm || !s->n || !(taken = calloc(s->n, sizeof *taken)))
		return 0;
	/* Linked mentions first, by path; then plain names that name one skill only. */
	for (size_t i = 0; i < s->n && n < max; i++)
		if (s->v[i].enabled && mentioned(m, nm, s->v[i].path, true)) {
			taken[i] = true;
			out[n++] = i;
		}
	for (size_t i = 0; i < s->n && n < max; i++) {
		size_t same = 0;
		bool name_taken = false;
		if (!s->v[i].enabled || taken[i] || !mentioned(m, nm, s->v[i].name, false))
			continue;
		for (size_t j = 0; j < s->n; j++)
			if (s->v[j].enabled && strcmp(s->v[j].name, s->v[i].name) == 0) {
				same++;
				name_taken = name_taken || taken[j];
			}
		if (same != 1 || name_taken)
			continue;
		taken[i] = true;
		out[n++] = i;
	}
	/* Keep the list's order. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
			size_t t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	free(taken);
	return n;
}

cJSON *skills_injection_message(const char *name, const char *path, const char *contents)
{
	struct buf b;
	cJSON *m = NULL, *content, *part;
	char *text;

	buf_init(&b, SKILL_FILE_MAX_BYTES + 4096);
	if (buf_printf(&b, "<skill>\n<name>%s</name>\n<path>%s</path>\n%s\n</skill>", name, path,
		       contents) < 0 ||
	    !(text = buf_take(&b))) {
		buf_free(&b);
		return NULL;
	}
	if ((m = cJSON_CreateObject()) && cJSON_AddStringToObject(m, "type", "message") &&
	    cJSON_AddStringToObject(m, "role", "user") &&
	    (content = cJSON_AddArrayToObject(m, "content")) && (part = cJSON_CreateObject()) &&
	    cJSON_AddItemToArray(content, part) && cJSON_AddStringToObject(part, "type", "input_text") &&
	    cJSON_AddStringToObject(part, "text", text)) {
		free(text);
		return m;
	}
	free(text);
	cJSON_Delete(m);
	return NULL;
}

/* ---- [[skills.config]] in config.toml --------------------------------------------- */

static int entry_block(struct buf *b, const struct toml_value *t)
{
	const struct toml_value *p = toml_table_get(t, "path"), *n = toml_table_get(t, "name");
	const struct toml_value *on = toml_table_get(t, "enabled");

	if (buf_puts(b, "[[skills.config]]\n") < 0)
		return -1;
	if (p && p->type == TOML_STRING &&
	    (buf_puts(b, "path = ") < 0 || config_edit_quote(b, p->u.str.ptr) < 0 || buf_putc(b, '\n') < 0))
		return -1;
	if (n && n->type == TOML_STRING &&
	    (buf_puts(b, "name = ") < 0 || config_edit_quote(b, n->u.str.ptr) < 0 || buf_putc(b, '\n') < 0))
		return -1;
	if (on && on->type == TOML_BOOL &&
	    buf_printf(b, "enabled = %s\n", on->u.boolean ? "true" : "false") < 0)
		return -1;
	return 0;
}

int skills_persist_enabled(const char *config_path, const char *path, bool enabled,
			   struct err *e)
{
	struct buf text, block, out;
	struct toml_value *root = NULL;
	const struct toml_value *skills, *list = NULL;
	int rc = -1, bad = 0;
	bool any = false;

	buf_init(&text, LIMIT_CONFIG_FILE_BYTES);
	buf_init(&block, LIMIT_CONFIG_FILE_BYTES);
	buf_init(&out, LIMIT_CONFIG_FILE_BYTES);
	if (file_read_all(config_path, &text, e) < 0) {
		if (e->errnum != ENOENT)
			goto out;
		buf_reset(&text);
	}
	if (!(root = toml_parse(text.data ? text.data : "", text.len, e)))
		goto out;
	skills = toml_table_get(root, "skills");
	if (skills && skills->type == TOML_TABLE)
		list = toml_table_get(skills, "config");
	if (list && list->type != TOML_ARRAY) {
		err_set(e, "skills.config in config.toml is not an array of tables");
		goto out;
	}
	/* Every entry is kept but the path's own, which goes (enable) or is written anew
	 * in the same place (disable), as upstream's set_skill_config. */
	for (size_t i = 0; list && i < list->u.array.n; i++) {
		const struct toml_value *t = list->u.array.items[i], *p;
		if (t->type != TOML_TABLE)
			continue;
		p = toml_table_get(t, "path");
		if (p && p->type == TOML_STRING && strcmp(p->u.str.ptr, path) == 0 &&
		    !toml_table_get(t, "name")) {
			if (enabled || any)
				continue;
			any = true;
			bad |= buf_puts(&block, "[[skills.config]]\npath = ") < 0 ||
			       config_edit_quote(&block, path) < 0 ||
			       buf_puts(&block, "\nenabled = false\n") < 0;
			continue;
		}
		bad |= entry_block(&block, t);
	}
	if (!enabled && !any)
		bad |= buf_puts(&block, "[[skills.config]]\npath = ") < 0 ||
		       config_edit_quote(&block, path) < 0 || buf_puts(&block, "\nenabled = false\n") < 0;
	if (bad) {
		err_set(e, "config.toml would be too large");
		goto out;
	}
	if (config_edit_put_array(text.data ? text.data : "", text.len, "skills.config",
				  block.data ? block.data : "", &out, e) < 0)
		goto out;
	if (file_write_atomic(config_path, out.data ? out.data : "", out.len, 0600, e) < 0)
		goto out;
	rc = 0;
out:
	toml_free(root);
	buf_free(&text);
	buf_free(&block);
	buf_free(&out);
	return rc;
}
