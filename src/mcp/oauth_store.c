/* Stored MCP OAuth credentials (codex-mcp.md §8): upstream's fallback file
 * $CODEX_HOME/.credentials.json, compact JSON, an object keyed by
 * "<server>|<hash of the server's URL>" (sorted, as upstream's map is), each entry
 * {server_name, server_url, client_id, access_token, expires_at, refresh_token, scopes}.
 * Written atomically with mode 0600; deleted when its last entry goes. Entries this build
 * does not read are kept as they are. There is no keyring client in this build: "auto"
 * means the file (as upstream on a machine without a keyring) and "keyring" is refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bearssl_hash.h>

#include "base/file.h"
#include "base/json.h"
#include "mcp/mcp.h"

#define STORE_NAME ".credentials.json"

void mcp_oauth_tokens_free(struct mcp_oauth_tokens *t)
{
	if (!t)
		return;
	free(t->server_name);
	free(t->server_url);
	free(t->client_id);
	free(t->access_token);
	free(t->refresh_token);
	strv_free(&t->scopes);
	memset(t, 0, sizeof *t);
}

char *mcp_oauth_store_key(const char *server, const char *url)
{
	cJSON *o = cJSON_CreateObject();
	br_sha256_context ctx;
	unsigned char d[32];
	struct buf out;
	char *text = NULL;

	if (!o || json_add_str(o, "type", "http") < 0 || json_add_str(o, "url", url) < 0 ||
	    !cJSON_AddObjectToObject(o, "headers") || !(text = json_print(o, false))) {
		cJSON_Delete(o);
		return NULL;
	}
	cJSON_Delete(o);
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, text, strlen(text));
	br_sha256_out(&ctx, d);
	free(text);
	buf_init(&out, strlen(server) + 64);
	if (buf_printf(&out, "%s|", server) < 0)
		return NULL;
	for (int i = 0; i < 8; i++)
		if (buf_printf(&out, "%02x", d[i]) < 0)
			return NULL;
	return buf_take(&out);
}

int mcp_oauth_store_usable(const char *store, struct err *e)
{
	if (store && strcmp(store, "keyring") == 0)
		return err_set(e, "mcp_oauth_credentials_store = \"keyring\" is not supported by "
				  "this build (no keyring client); use \"file\" or \"auto\"");
	return 0;
}

/* A value that goes into a header or a form: visible ASCII, bounded. */
static bool token_ok(const char *s)
{
	if (!*s || strlen(s) > MCP_OAUTH_MAX_VALUE)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127)
			return false;
	return true;
}

static int dup_member(const cJSON *o, const char *key, bool header_safe, char **out,
		      struct err *e)
{
	const char *v = json_get_str(o, key);

	if (!v)
		return err_set(e, "%s: entry has no string %s", STORE_NAME, key);
	if ((header_safe && !token_ok(v)) || strlen(v) > MCP_OAUTH_MAX_VALUE)
		return err_set(e, "%s: entry has an unusable %s", STORE_NAME, key);
	*out = strdup(v);
	return *out ? 0 : err_set(e, "out of memory");
}

static int decode_entry(const cJSON *o, struct mcp_oauth_tokens *t, struct err *e)
{
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(o, "expires_at");
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(o, "refresh_token");
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(o, "scopes"), *it;

	if (!cJSON_IsObject(o))
		return err_set(e, "%s: an entry is not an object", STORE_NAME);
	if (dup_member(o, "server_name", false, &t->server_name, e) < 0 ||
	    dup_member(o, "server_url", false, &t->server_url, e) < 0 ||
	    dup_member(o, "client_id", true, &t->client_id, e) < 0 ||
	    dup_member(o, "access_token", true, &t->access_token, e) < 0)
		return -1;
	if (exp && !cJSON_IsNull(exp)) {
		if (json_get_int64(o, "expires_at", &t->expires_at) < 0 || t->expires_at < 0)
			return err_set(e, "%s: expires_at is not a time in ms", STORE_NAME);
	}
	if (rt && !cJSON_IsNull(rt)) {
		if (!cJSON_IsString(rt) || !token_ok(rt->valuestring))
			return err_set(e, "%s: entry has an unusable refresh_token", STORE_NAME);
		if (!(t->refresh_token = strdup(rt->valuestring)))
			return err_set(e, "out of memory");
	}
	if (sc && !cJSON_IsNull(sc) && !cJSON_IsArray(sc))
		return err_set(e, "%s: scopes is not a list", STORE_NAME);
	cJSON_ArrayForEach(it, sc) {
		if (!cJSON_IsString(it))
			return err_set(e, "%s: scopes holds a non-string", STORE_NAME);
		if (t->scopes.n < MCP_OAUTH_MAX_SCOPES && strv_push(&t->scopes, it->valuestring) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

static cJSON *parse_root(const char *text, size_t len, struct err *e)
{
	cJSON *j;

	if (len > MCP_OAUTH_STORE_MAX_BYTES) {
		err_set(e, "%s is larger than %u bytes", STORE_NAME, MCP_OAUTH_STORE_MAX_BYTES);
		return NULL;
	}
	if (!(j = json_parse(text, len, STORE_NAME, e)))
		return NULL;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		err_set(e, "%s is not a JSON object", STORE_NAME);
		return NULL;
	}
	return j;
}

int mcp_oauth_store_parse(const char *text, size_t len, const char *key,
			  struct mcp_oauth_tokens *t, int *found_out, struct err *e)
{
	cJSON *j = parse_root(text, len, e);
	const cJSON *entry;
	int rc = 0;

	if (!j)
		return -1;
	if (found_out)
		*found_out = 0;
	entry = key ? cJSON_GetObjectItemCaseSensitive(j, key) : NULL;
	if (entry && found_out) {
		struct mcp_oauth_tokens tmp;
		memset(&tmp, 0, sizeof tmp);
		if (decode_entry(entry, &tmp, e) < 0) {
			mcp_oauth_tokens_free(&tmp);
			rc = -1;
		} else {
			*t = tmp;
			*found_out = 1;
		}
	}
	cJSON_Delete(j);
	return rc;
}

static char *store_path(const char *codex_home)
{
	return path_join(codex_home, STORE_NAME);
}

/* The file's object (an empty one when there is no file), or NULL with e. */
static cJSON *read_store(const char *path, struct err *e)
{
	struct buf b;
	cJSON *j;

	buf_init(&b, MCP_OAUTH_STORE_MAX_BYTES);
	if (file_read_all(path, &b, e) < 0) {
		buf_free(&b);
		if (e->errnum == ENOENT) {
			j = cJSON_CreateObject();
			if (!j)
				err_set(e, "out of memory");
			return j;
		}
		return NULL;
	}
	j = parse_root(b.data ? b.data : "", b.len, e);
	buf_free(&b);
	return j;
}

int mcp_oauth_store_load(const char *codex_home, const char *server, const char *url,
			 struct mcp_oauth_tokens *t, struct err *e)
{
	char *path = store_path(codex_home), *key = mcp_oauth_store_key(server, url);
	struct buf b;
	int found = 0, rc = -1;

	buf_init(&b, MCP_OAUTH_STORE_MAX_BYTES);
	if (!path || !key) {
		err_set(e, "out of memory");
		goto out;
	}
	if (file_read_all(path, &b, e) < 0) {
		rc = e->errnum == ENOENT ? 0 : -1;
		goto out;
	}
	if (mcp_oauth_store_parse(b.data ? b.data : "", b.len, key, t, &found, e) < 0)
		goto out;
	rc = found;
out:
	buf_free(&b);
	free(path);
	free(key);
	return rc;
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp((*(cJSON *const *)a)->string, (*(cJSON *const *)b)->string);
}

/* Members sorted by key (upstream's map is ordered), so rewrites are stable. -1 when
 * memory runs out (the object is then unchanged). */
static int sort_members(cJSON *root)
{
	int n = cJSON_GetArraySize(root);
	cJSON **v = n ? calloc((size_t)n, sizeof *v) : NULL, *it;
	int i = 0;

	if (n && !v)
		return -1;
	while ((it = root->child) && i < n)
		v[i++] = cJSON_DetachItemViaPointer(root, it);
	qsort(v, (size_t)i, sizeof *v, cmp_member);
	for (int k = 0; k < i; k++)
		cJSON_AddItemToArray(root, v[k]); /* links it; its key stays */
	free(v);
	return 0;
}

static int write_store(const char *path, cJSON *root, struct err *e)
{
	char *text;
	int rc;

	if (!root->child) {
		if (unlink(path) < 0 && errno != ENOENT)
			return err_sys(e, errno, "cannot remove %s", path);
		return 0;
	}
	if (sort_members(root) < 0 || !(text = json_print(root, false)))
		return err_set(e, "out of memory");
	rc = file_mkdir_parents(path, e) < 0
		     ? -1
		     : file_write_atomic_mode(path, text, strlen(text), 0600, e);
	free(text);
	return rc;
}

static cJSON *entry_json(const struct mcp_oauth_tokens *t)
{
	cJSON *o = cJSON_CreateObject(), *sc;

	if (!o || json_add_str(o, "server_name", t->server_name) < 0 ||
	    json_add_str(o, "server_url", t->server_url) < 0 ||
	    json_add_str(o, "client_id", t->client_id) < 0 ||
	    json_add_str(o, "access_token", t->access_token) < 0 ||
	    (t->expires_at > 0 ? json_add_int(o, "expires_at", t->expires_at) < 0
			       : !cJSON_AddNullToObject(o, "expires_at")) ||
	    json_add_str(o, "refresh_token", t->refresh_token) < 0 ||
	    !(sc = cJSON_AddArrayToObject(o, "scopes"))) {
		cJSON_Delete(o);
		return NULL;
	}
	for (size_t i = 0; i < t->scopes.n; i++) {
		cJSON *s = cJSON_CreateString(t->scopes.v[i]);
		if (!s || !cJSON_AddItemToArray(sc, s)) {
			cJSON_Delete(s);
			cJSON_Delete(o);
			return NULL;
		}
	}
	return o;
}

int mcp_oauth_store_save(const char *codex_home, const struct mcp_oauth_tokens *t,
			 struct err *e)
{
	char *path = store_path(codex_home), *key = mcp_oauth_store_key(t->server_name,
									 t->server_url);
	cJSON *root = NULL, *entry = NULL;
	int rc = -1;

	if (!path || !key) {
		err_set(e, "out of memory");
		goto out;
	}
	if (!(root = read_store(path, e)))
		goto out;
	if (!(entry = entry_json(t))) {
		err_set(e, "out of memory");
		goto out;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(root, key);
	if (!cJSON_AddItemToObject(root, key, entry)) {
		cJSON_Delete(entry);
		err_set(e, "out of memory");
		goto out;
	}
	rc = write_store(path, root, e);
out:
	cJSON_Delete(root);
	free(path);
	free(key);
	return rc;
}

int mcp_oauth_store_delete(const char *codex_home, const char *server, const char *url,
			   struct err *e)
{
	char *path = store_path(codex_home), *key = mcp_oauth_store_key(server, url);
	cJSON *root = NULL, *entry;
	int rc = -1;

	if (!path || !key) {
		err_set(e, "out of memory");
		goto out;
	}
	if (!(root = read_store(path, e)))
		goto out;
	entry = cJSON_DetachItemFromObjectCaseSensitive(root, key);
	if (!entry) {
		rc = 0;
		goto out;
	}
	cJSON_Delete(entry);
	rc = write_store(path, root, e) < 0 ? -1 : 1;
out:
	cJSON_Delete(root);
	free(path);
	free(key);
	return rc;
}
