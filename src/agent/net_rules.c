/* Network policy amendments (reference codex-network-proxy.md §10.2, codex-tui.md §8):
 * a network approval answered "Yes, and allow this host in the future" (p) or "No, and
 * block this host in the future" (d). The host goes into config.toml's [network]
 * allowed_domains or denied_domains (and out of the other list, as upstream's
 * add_allowed_domain / add_denied_domain), edited in place so that every other byte of
 * the file stays; and into the session's policy at once, so that later commands' proxies
 * and the questions of those already running follow it without asking. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/internal.h"
#include "base/file.h"
#include "config/toml.h"

static long find_host(const struct strv *l, const char *host)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], host) == 0)
			return (long)i;
	return -1;
}

static void drop_host(struct strv *l, const char *host)
{
	long i;

	while ((i = find_host(l, host)) >= 0) {
		free(l->v[i]);
		memmove(l->v + i, l->v + i + 1, (l->n - (size_t)i - 1) * sizeof *l->v);
		l->n--;
	}
}

/* The file's own list at network.<key> (not the merged config: -c overrides and
 * profiles are not written back). */
static int file_list(const struct toml_value *root, const char *key, struct strv *out,
		     bool *present, struct err *e)
{
	const struct toml_value *v = toml_table_get(toml_table_get(root, "network"), key);

	*present = v != NULL;
	if (!v)
		return 0;
	if (v->type != TOML_ARRAY)
		return err_set(e, "network.%s in config.toml is not an array", key);
	for (size_t i = 0; i < v->u.array.n; i++) {
		const struct toml_value *it = v->u.array.items[i];
		if (it->type != TOML_STRING)
			return err_set(e, "network.%s in config.toml holds a non-string", key);
		if (strv_push(out, it->u.str.ptr) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

static int toml_list(const struct strv *l, struct buf *out)
{
	if (buf_putc(out, '[') < 0)
		return -1;
	for (size_t i = 0; i < l->n; i++)
		if ((i && buf_puts(out, ", ") < 0) || config_edit_quote(out, l->v[i]) < 0)
			return -1;
	return buf_putc(out, ']');
}

/* Rewrites one key of [network] in text into out. */
static int set_list(const struct buf *text, const char *key, const struct strv *l,
		    struct buf *out, struct err *e)
{
	struct buf v;
	int rc;

	buf_init(&v, LIMIT_CONFIG_FILE_BYTES);
	if (toml_list(l, &v) < 0) {
		buf_free(&v);
		return err_set(e, "the domain list does not fit in config.toml");
	}
	rc = config_edit_set_key(text->data ? text->data : "", text->len, "network", key, v.data,
				 out, e);
	buf_free(&v);
	return rc;
}

int net_rule_persist(const char *config_path, const char *host, bool allow, struct err *e)
{
	const char *add_key = allow ? "allowed_domains" : "denied_domains";
	const char *drop_key = allow ? "denied_domains" : "allowed_domains";
	struct buf text, mid, out;
	struct strv add = STRV_INIT, drop = STRV_INIT;
	struct toml_value *root = NULL;
	bool add_present, drop_present;
	int rc = -1;

	buf_init(&text, LIMIT_CONFIG_FILE_BYTES);
	buf_init(&mid, LIMIT_CONFIG_FILE_BYTES);
	buf_init(&out, LIMIT_CONFIG_FILE_BYTES);
	if (file_read_all(config_path, &text, e) < 0) {
		if (e->errnum != ENOENT)
			goto out;
		buf_reset(&text);
	}
	if (!(root = toml_parse(text.data ? text.data : "", text.len, e)) ||
	    file_list(root, add_key, &add, &add_present, e) < 0 ||
	    file_list(root, drop_key, &drop, &drop_present, e) < 0)
		goto out;
	if (find_host(&add, host) < 0 && strv_push(&add, host) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (set_list(&text, add_key, &add, &mid, e) < 0)
		goto out;
	if (drop_present && find_host(&drop, host) >= 0) {
		drop_host(&drop, host);
		if (set_list(&mid, drop_key, &drop, &out, e) < 0)
			goto out;
	} else {
		struct buf t = mid;
		mid = out;
		out = t;
	}
	if (file_write_atomic(config_path, out.data ? out.data : "", out.len, 0600, e) < 0)
		goto out;
	rc = 0;
out:
	toml_free(root);
	strv_free(&add);
	strv_free(&drop);
	buf_free(&text);
	buf_free(&mid);
	buf_free(&out);
	return rc;
}

int net_rule_apply(struct agent *a, const char *host, bool allow)
{
	struct strv *to = allow ? &a->net.cfg.allow : &a->net.cfg.deny;

	drop_host(allow ? &a->net.cfg.deny : &a->net.cfg.allow, host);
	if (find_host(to, host) >= 0)
		return 0;
	return strv_push(to, host);
}

enum net_cached net_rule_get(const struct agent *a, const char *host)
{
	/* Only exact hosts: the patterns of the config are the proxy's to match, and a
	 * request they cover never reaches a question. */
	if (find_host(&a->net.cfg.deny, host) >= 0)
		return NET_DENIED;
	if (find_host(&a->net.cfg.allow, host) >= 0)
		return NET_ALLOWED;
	return NET_UNKNOWN;
}

int agent_decide_network_rule(struct agent *a, const char *call_id, bool allow, struct err *e)
{
	return net_approval_decide_rule(a, call_id, allow, e);
}
