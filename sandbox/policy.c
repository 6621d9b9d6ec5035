/* The policy model and its JSON form (upstream's legacy SandboxPolicy). */
#include "sandbox/sandbox.h"

#include <cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

void sandbox_policy_init(struct sandbox_policy *p, enum sandbox_mode type)
{
	memset(p, 0, sizeof *p);
	p->type = type;
}

void sandbox_policy_free(struct sandbox_policy *p)
{
	strv_free(&p->writable_roots);
}

const char *sandbox_network_str(enum sandbox_network n)
{
	switch (n) {
	case SANDBOX_NET_OFF:
		return "off";
	case SANDBOX_NET_FULL:
		return "full";
	case SANDBOX_NET_PROXY:
		return "proxy";
	}
	return "?";
}

enum sandbox_network sandbox_policy_network(const struct sandbox_policy *p)
{
	switch (p->type) {
	case SANDBOX_MODE_DANGER_FULL_ACCESS:
		return SANDBOX_NET_FULL;
	case SANDBOX_MODE_READ_ONLY:
	case SANDBOX_MODE_WORKSPACE_WRITE:
		break;
	}
	return p->network_access ? SANDBOX_NET_FULL : SANDBOX_NET_OFF;
}

/* ---- JSON in ---------------------------------------------------------------------- */

static int json_bool(const cJSON *item, bool *out, struct err *e)
{
	if (!cJSON_IsBool(item))
		return err_set(e, "field `%s` must be true or false", item->string);
	*out = cJSON_IsTrue(item);
	return 0;
}

/* S1's read access field: only full read access is supported (a restricted read
 * policy would need a different mount plan, and silently ignoring it would widen it). */
static int json_read_access(const cJSON *item, struct err *e)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(item, "type");

	if (!cJSON_IsObject(item) || !cJSON_IsString(t))
		return err_set(e, "field `%s` must be an object with a `type`", item->string);
	if (strcmp(t->valuestring, "full-access") != 0)
		return err_set(e, "field `%s`: only \"full-access\" is supported, not \"%s\"",
			       item->string, t->valuestring);
	return 0;
}

static int json_roots(const cJSON *item, struct strv *roots, struct err *e)
{
	const cJSON *r;

	if (!cJSON_IsArray(item))
		return err_set(e, "field `writable_roots` must be an array of paths");
	cJSON_ArrayForEach(r, item) {
		if (!cJSON_IsString(r) || r->valuestring[0] != '/')
			return err_set(e, "writable_roots: every root must be an absolute path");
		if (strlen(r->valuestring) >= PATH_MAX)
			return err_set(e, "writable_roots: a path is longer than %d bytes",
				       PATH_MAX - 1);
		if (roots->n >= LIMIT_SANDBOX_WRITABLE_ROOTS)
			return err_set(e, "writable_roots: more than %d roots",
				       LIMIT_SANDBOX_WRITABLE_ROOTS);
		if (strv_push(roots, r->valuestring) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

/* One field of the object; which fields a type accepts follows upstream's enum. A
 * field given twice is an error (as with serde), so no reader can pick another copy. */
static int json_field(const cJSON *item, struct sandbox_policy *p, unsigned *seen,
		      struct err *e)
{
	static const char *const names[] = {
		"type", "network_access", "writable_roots", "exclude_tmpdir_env_var",
		"exclude_slash_tmp", "access", "read_only_access"};
	const char *k = item->string;
	bool ws = p->type == SANDBOX_MODE_WORKSPACE_WRITE;
	bool ro = p->type == SANDBOX_MODE_READ_ONLY;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(k, names[i]) == 0)
			break;
	if (i < sizeof names / sizeof names[0]) {
		if (*seen & (1u << i))
			return err_set(e, "duplicate field `%s`", k);
		*seen |= 1u << i;
	}
	if (strcmp(k, "type") == 0)
		return 0;
	if ((ws || ro) && strcmp(k, "network_access") == 0)
		return json_bool(item, &p->network_access, e);
	if (ws && strcmp(k, "writable_roots") == 0)
		return json_roots(item, &p->writable_roots, e);
	if (ws && strcmp(k, "exclude_tmpdir_env_var") == 0)
		return json_bool(item, &p->exclude_tmpdir_env_var, e);
	if (ws && strcmp(k, "exclude_slash_tmp") == 0)
		return json_bool(item, &p->exclude_slash_tmp, e);
	if ((ro && strcmp(k, "access") == 0) || (ws && strcmp(k, "read_only_access") == 0))
		return json_read_access(item, e);
	return err_set(e, "unknown field `%.64s` for policy type \"%s\"", k,
		       sandbox_mode_str(p->type));
}

int sandbox_policy_from_json(const char *json, size_t len, struct sandbox_policy *out,
			     struct err *e)
{
	struct sandbox_policy p;
	const char *end = NULL;
	cJSON *root = NULL;
	const cJSON *t, *item;
	unsigned seen = 0;
	int rc = -1;

	sandbox_policy_init(out, SANDBOX_MODE_READ_ONLY);
	sandbox_policy_init(&p, SANDBOX_MODE_READ_ONLY);
	if (len > LIMIT_POLICY_JSON_BYTES) {
		err_set(e, "invalid sandbox policy: longer than %u bytes", LIMIT_POLICY_JSON_BYTES);
		goto out;
	}
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	/* Nothing but whitespace may follow the value. */
	while (root && end < json + len && (*end == ' ' || *end == '\t' || *end == '\n' ||
					    *end == '\r'))
		end++;
	if (root && end != json + len) {
		cJSON_Delete(root);
		root = NULL;
	}
	if (!root) {
		size_t at = end && end >= json ? (size_t)(end - json) : 0;
		/* cJSON reports an allocation failure as a parse error at some offset. */
		err_set(e, "invalid sandbox policy: malformed JSON at byte %zu", at);
		goto out;
	}
	t = cJSON_GetObjectItemCaseSensitive(root, "type");
	if (!cJSON_IsObject(root) || !cJSON_IsString(t)) {
		err_set(e, "invalid sandbox policy: expected an object with a string `type`");
		goto out;
	}
	if (sandbox_mode_parse(t->valuestring, &p.type) < 0) {
		err_set(e, "invalid sandbox policy: unsupported type \"%.64s\"", t->valuestring);
		goto out;
	}
	cJSON_ArrayForEach(item, root) {
		if (json_field(item, &p, &seen, e) < 0) {
			err_prefix(e, "invalid sandbox policy");
			goto out;
		}
	}
	*out = p;
	memset(&p, 0, sizeof p);
	rc = 0;
out:
	sandbox_policy_free(&p);
	cJSON_Delete(root);
	return rc;
}

/* ---- JSON out --------------------------------------------------------------------- */

char *sandbox_policy_to_json(const struct sandbox_policy *p, struct err *e)
{
	cJSON *o = cJSON_CreateObject(), *roots;
	char *s = NULL;
	bool ok = o && cJSON_AddStringToObject(o, "type", sandbox_mode_str(p->type));

	switch (p->type) {
	case SANDBOX_MODE_DANGER_FULL_ACCESS:
		break;
	case SANDBOX_MODE_READ_ONLY:
		/* Upstream omits the field when it is false. */
		if (ok && p->network_access)
			ok = cJSON_AddTrueToObject(o, "network_access") != NULL;
		break;
	case SANDBOX_MODE_WORKSPACE_WRITE:
		roots = ok ? cJSON_AddArrayToObject(o, "writable_roots") : NULL;
		ok = roots != NULL;
		for (size_t i = 0; ok && i < p->writable_roots.n; i++) {
			cJSON *r = cJSON_CreateString(p->writable_roots.v[i]);
			ok = r && cJSON_AddItemToArray(roots, r);
			if (!ok)
				cJSON_Delete(r);
		}
		ok = ok && cJSON_AddBoolToObject(o, "network_access", p->network_access) &&
		     cJSON_AddBoolToObject(o, "exclude_tmpdir_env_var",
					   p->exclude_tmpdir_env_var) &&
		     cJSON_AddBoolToObject(o, "exclude_slash_tmp", p->exclude_slash_tmp);
		break;
	}
	if (ok)
		s = cJSON_PrintUnformatted(o);
	if (!s)
		err_set(e, "out of memory");
	cJSON_Delete(o);
	return s;
}
