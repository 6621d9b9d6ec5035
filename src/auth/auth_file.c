/* auth.json: parse, serialize, load, save, remove (format in auth.h). */
#include "auth/auth.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/rfc3339.h"

/* Members this build does not know, in file order, kept for rewrites. */
struct auth_extra {
	cJSON *top;    /* an object, or NULL */
	cJSON *tokens; /* an object, or NULL */
};

static const char *const top_known[] = {"auth_mode", "OPENAI_API_KEY", "tokens",
					"last_refresh", NULL};
static const char *const tokens_known[] = {"id_token", "access_token", "refresh_token",
					   "account_id", NULL};

const char *auth_mode_str(enum auth_mode m)
{
	switch (m) {
	case AUTH_MODE_APIKEY:
		return "apikey";
	case AUTH_MODE_CHATGPT:
		return "chatgpt";
	case AUTH_MODE_CHATGPT_AUTH_TOKENS:
		return "chatgptAuthTokens";
	}
	return "apikey";
}

char *auth_file_path(const char *codex_home)
{
	return path_join(codex_home, "auth.json");
}

void auth_file_free(struct auth_file *f)
{
	if (!f)
		return;
	free(f->api_key);
	free(f->tokens.id_token);
	free(f->tokens.access_token);
	free(f->tokens.refresh_token);
	free(f->tokens.account_id);
	auth_id_claims_free(&f->tokens.id_claims);
	free(f->last_refresh);
	if (f->extra) {
		cJSON_Delete(f->extra->top);
		cJSON_Delete(f->extra->tokens);
		free(f->extra);
	}
	*f = (struct auth_file)AUTH_FILE_INIT;
}

static bool is_known(const char *key, const char *const *known)
{
	for (; *known; known++)
		if (strcmp(key, *known) == 0)
			return true;
	return false;
}

/* Moves the members of obj not in known to a new object in *dst (NULL when none). */
static int keep_unknown(cJSON *obj, const char *const *known, cJSON **dst)
{
	cJSON *c = obj->child, *next;

	for (; c; c = next) {
		next = c->next;
		if (is_known(c->string, known))
			continue;
		if (!*dst && !(*dst = cJSON_CreateObject()))
			return -1;
		cJSON_DetachItemViaPointer(obj, c);
		if (!cJSON_AddItemToObject(*dst, c->string, c)) {
			cJSON_Delete(c);
			return -1;
		}
	}
	return 0;
}

/* obj[key] as a string copy: 1 copied, 0 absent or null, -1 wrong type or no memory
 * (e says which). */
static int opt_str(const char *name, const cJSON *obj, const char *where, const char *key,
		   char **dst, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return err_set(e, "%s: %s%s must be a string", name, where, key);
	*dst = strdup(v->valuestring);
	if (!*dst)
		return err_set(e, "out of memory");
	return 1;
}

static int parse_tokens(const char *name, cJSON *tok, struct auth_file *out, struct err *e)
{
	struct auth_tokens *t = &out->tokens;
	struct err je = {{0}};
	int64_t unused;

	if (!cJSON_IsObject(tok))
		return err_set(e, "%s: tokens must be an object", name);
	if (opt_str(name, tok, "tokens.", "id_token", &t->id_token, e) < 0 ||
	    opt_str(name, tok, "tokens.", "access_token", &t->access_token, e) < 0 ||
	    opt_str(name, tok, "tokens.", "refresh_token", &t->refresh_token, e) < 0 ||
	    opt_str(name, tok, "tokens.", "account_id", &t->account_id, e) < 0)
		return -1;
	if (!t->id_token || !t->access_token || !t->refresh_token)
		return err_set(e, "%s: tokens needs id_token, access_token and refresh_token",
			       name);
	if (auth_jwt_claims(t->id_token, &t->id_claims, &unused, &je) < 0)
		return err_set(e, "%s: tokens.id_token: %s", name, je.msg);
	/* The access token's expiry only steers refreshes; an opaque one is allowed. */
	{
		struct auth_id_claims ac = {0};
		if (auth_jwt_claims(t->access_token, &ac, &t->access_token_exp, &je) < 0)
			t->access_token_exp = 0;
		auth_id_claims_free(&ac);
	}
	out->has_tokens = true;
	return 0;
}

static int parse_mode(const char *name, const cJSON *root, struct auth_file *out,
		      struct err *e)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "auth_mode");

	if (!m || cJSON_IsNull(m))
		return 0;
	if (!cJSON_IsString(m))
		return err_set(e, "%s: auth_mode must be a string", name);
	if (strcmp(m->valuestring, "apikey") == 0)
		out->mode = AUTH_MODE_APIKEY;
	else if (strcmp(m->valuestring, "chatgpt") == 0)
		out->mode = AUTH_MODE_CHATGPT;
	else if (strcmp(m->valuestring, "chatgptAuthTokens") == 0)
		out->mode = AUTH_MODE_CHATGPT_AUTH_TOKENS;
	else
		return err_set(e, "%s: unknown auth_mode \"%.64s\" (expected apikey or chatgpt)",
			       name, m->valuestring);
	out->has_mode = true;
	return 0;
}

static int parse_named(const char *name, const char *text, size_t len, struct auth_file *out,
		       struct err *e)
{
	struct auth_file f = AUTH_FILE_INIT;
	cJSON *root, *tok;
	struct timespec ts;

	if (len > AUTH_FILE_MAX_BYTES)
		return err_set(e, "%s is too large (limit %u bytes)", name, AUTH_FILE_MAX_BYTES);
	root = json_parse(text, len, name, e);
	if (!root)
		return -1;
	if (!cJSON_IsObject(root)) {
		err_set(e, "%s: expected a JSON object", name);
		goto fail;
	}
	f.extra = calloc(1, sizeof *f.extra);
	if (!f.extra) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (parse_mode(name, root, &f, e) < 0 ||
	    opt_str(name, root, "", "OPENAI_API_KEY", &f.api_key, e) < 0 ||
	    opt_str(name, root, "", "last_refresh", &f.last_refresh, e) < 0)
		goto fail;
	if (f.last_refresh && rfc3339_parse(f.last_refresh, &ts) < 0) {
		err_set(e, "%s: last_refresh is not an RFC 3339 time", name);
		goto fail;
	}
	tok = cJSON_GetObjectItemCaseSensitive(root, "tokens");
	if (tok && !cJSON_IsNull(tok)) {
		if (parse_tokens(name, tok, &f, e) < 0)
			goto fail;
		if (keep_unknown(tok, tokens_known, &f.extra->tokens) < 0) {
			err_set(e, "out of memory");
			goto fail;
		}
	}
	if (keep_unknown(root, top_known, &f.extra->top) < 0) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (!f.has_mode)
		f.mode = f.api_key ? AUTH_MODE_APIKEY : AUTH_MODE_CHATGPT;
	if (f.mode == AUTH_MODE_APIKEY && !f.api_key) {
		err_set(e, "%s: auth_mode is \"apikey\" but OPENAI_API_KEY is missing", name);
		goto fail;
	}
	cJSON_Delete(root);
	*out = f;
	return 1;
fail:
	cJSON_Delete(root);
	auth_file_free(&f);
	return -1;
}

int auth_file_parse(const char *text, size_t len, struct auth_file *out, struct err *e)
{
	return parse_named("auth.json", text, len, out, e);
}

int auth_file_load(const char *codex_home, struct auth_file *out, struct err *e)
{
	char *path = auth_file_path(codex_home);
	struct buf text;
	int rc = -1;

	if (!path)
		return err_set(e, "out of memory");
	buf_init(&text, AUTH_FILE_MAX_BYTES);
	if (file_read_all(path, &text, e) < 0) {
		if (file_exists(path) == 0)
			rc = 0;
		goto out;
	}
	rc = parse_named(path, text.data ? text.data : "", text.len, out, e);
out:
	buf_free(&text);
	free(path);
	return rc;
}

/* Adds a copy of every member of extra (an object or NULL) to obj. */
static int add_extra(cJSON *obj, const cJSON *extra)
{
	for (const cJSON *c = extra ? extra->child : NULL; c; c = c->next) {
		cJSON *dup = cJSON_Duplicate(c, 1);
		if (!dup)
			return -1;
		if (!cJSON_AddItemToObject(obj, c->string, dup)) {
			cJSON_Delete(dup);
			return -1;
		}
	}
	return 0;
}

static cJSON *build_tokens(const struct auth_file *f)
{
	cJSON *t = cJSON_CreateObject();

	if (!t || json_add_str(t, "id_token", f->tokens.id_token ? f->tokens.id_token : "") < 0 ||
	    json_add_str(t, "access_token",
			 f->tokens.access_token ? f->tokens.access_token : "") < 0 ||
	    json_add_str(t, "refresh_token",
			 f->tokens.refresh_token ? f->tokens.refresh_token : "") < 0 ||
	    json_add_str(t, "account_id", f->tokens.account_id) < 0 ||
	    add_extra(t, f->extra ? f->extra->tokens : NULL) < 0) {
		cJSON_Delete(t);
		return NULL;
	}
	return t;
}

char *auth_file_serialize(const struct auth_file *f)
{
	cJSON *root = cJSON_CreateObject(), *tok;
	char *text = NULL;

	if (!root)
		return NULL;
	if (f->has_mode && json_add_str(root, "auth_mode", auth_mode_str(f->mode)) < 0)
		goto out;
	if (json_add_str(root, "OPENAI_API_KEY", f->api_key) < 0)
		goto out;
	if (f->has_tokens) {
		tok = build_tokens(f);
		if (!tok)
			goto out;
		if (!cJSON_AddItemToObject(root, "tokens", tok)) {
			cJSON_Delete(tok);
			goto out;
		}
	}
	if (f->last_refresh && json_add_str(root, "last_refresh", f->last_refresh) < 0)
		goto out;
	if (add_extra(root, f->extra ? f->extra->top : NULL) < 0)
		goto out;
	text = json_print(root, true);
out:
	cJSON_Delete(root);
	return text;
}

/* Where to write: through a symlink to its target, so a user's link survives. */
static char *write_target(const char *path)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		real = realpath(path, NULL);
		if (real)
			return real;
		/* A dangling link: replace the link itself, as a fresh login would. */
	}
	return strdup(path);
}

int auth_file_save(const char *codex_home, const struct auth_file *f, struct err *e)
{
	char *path = NULL, *target = NULL, *text = NULL;
	int rc = -1;

	if (mkdir(codex_home, 0700) < 0 && errno != EEXIST)
		return err_sys(e, errno, "cannot create %s", codex_home);
	path = auth_file_path(codex_home);
	text = auth_file_serialize(f);
	target = path ? write_target(path) : NULL;
	if (!path || !text || !target) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = file_write_atomic_mode(target, text, strlen(text), 0600, e);
out:
	free(text);
	free(target);
	free(path);
	return rc;
}

int auth_file_remove(const char *codex_home, struct err *e)
{
	char *path = auth_file_path(codex_home);
	int rc;

	if (!path)
		return err_set(e, "out of memory");
	if (unlink(path) == 0)
		rc = 1;
	else if (errno == ENOENT)
		rc = 0;
	else
		rc = err_sys(e, errno, "cannot remove %s", path);
	free(path);
	return rc;
}

int auth_save_api_key(const char *codex_home, const char *key, struct err *e)
{
	struct auth_file f = AUTH_FILE_INIT;
	int rc;

	f.has_mode = true;
	f.mode = AUTH_MODE_APIKEY;
	f.api_key = strdup(key);
	if (!f.api_key)
		return err_set(e, "out of memory");
	rc = auth_file_save(codex_home, &f, e);
	auth_file_free(&f);
	return rc;
}

char *auth_mask_api_key(const char *key)
{
	size_t n = strlen(key);
	char *out;

	if (n <= 13)
		return strdup("***");
	out = malloc(8 + 3 + 5 + 1);
	if (!out)
		return NULL;
	memcpy(out, key, 8);
	memcpy(out + 8, "***", 3);
	memcpy(out + 11, key + n - 5, 6);
	return out;
}
