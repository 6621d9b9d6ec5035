/* The setup marker (CODEX_HOME\.sandbox\setup_marker.json) and the decision to run the
 * elevated setup again (reference codex-windows-sandbox.md §3.3, §3.7). */
#include "sandbox/windows/windows_sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

static int parse_ports(const cJSON *arr, struct win_net_settings *s, struct err *e)
{
	const cJSON *it;

	if (!cJSON_IsArray(arr))
		return err_set(e, "setup marker: proxy_ports is not an array");
	if (cJSON_GetArraySize(arr) > WIN_PROXY_PORTS_MAX)
		return err_set(e, "setup marker: more than %d proxy ports", WIN_PROXY_PORTS_MAX);
	cJSON_ArrayForEach(it, arr) {
		double d = cJSON_IsNumber(it) ? it->valuedouble : -1;
		size_t i = 0;
		if (!(d >= 1 && d <= 65535) || d != (double)(unsigned)d)
			return err_set(e, "setup marker: proxy port is not 1..65535");
		while (i < s->n_ports && s->ports[i] < (unsigned)d)
			i++;
		if (i < s->n_ports && s->ports[i] == (unsigned)d)
			continue;
		memmove(s->ports + i + 1, s->ports + i, (s->n_ports - i) * sizeof s->ports[0]);
		s->ports[i] = (uint16_t)d;
		s->n_ports++;
	}
	return 0;
}

static int parse_roots(const cJSON *arr, struct strv *out, struct err *e)
{
	const cJSON *it;

	if (!cJSON_IsArray(arr))
		return err_set(e, "setup marker: write_roots is not an array");
	if (cJSON_GetArraySize(arr) > WIN_MARKER_ROOTS_MAX)
		return err_set(e, "setup marker: more than %d write roots", WIN_MARKER_ROOTS_MAX);
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it) || !it->valuestring[0])
			return err_set(e, "setup marker: a write root is not a non-empty string");
		if (strv_find(out, it->valuestring) < 0 && strv_push(out, it->valuestring) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

int win_marker_parse_fields(const cJSON *root, struct win_marker *out, struct err *e)
{
	const cJSON *ports, *bind, *roots;

	win_marker_free(out);
	if (!cJSON_IsObject(root))
		return err_set(e, "setup marker: not a JSON object");
	if (json_get_int64(root, "version", &out->version) < 0)
		return err_set(e, "setup marker: version is missing or not an integer");
	/* Both fields came with proxy support: older markers mean [] and false. */
	ports = cJSON_GetObjectItemCaseSensitive(root, "proxy_ports");
	if (ports && !cJSON_IsNull(ports) && parse_ports(ports, &out->net, e) < 0)
		return -1;
	bind = cJSON_GetObjectItemCaseSensitive(root, "allow_local_binding");
	if (bind && !cJSON_IsNull(bind)) {
		if (!cJSON_IsBool(bind))
			return err_set(e, "setup marker: allow_local_binding is not true or false");
		out->net.allow_local_binding = cJSON_IsTrue(bind);
	}
	roots = cJSON_GetObjectItemCaseSensitive(root, "write_roots");
	if (roots && !cJSON_IsNull(roots) && parse_roots(roots, &out->write_roots, e) < 0)
		return -1;
	return 0;
}

int win_marker_parse(const char *json, size_t len, struct win_marker *out, struct err *e)
{
	cJSON *root;
	int rc;

	memset(out, 0, sizeof *out);
	if (len > WIN_MARKER_MAX_BYTES)
		return err_set(e, "setup marker: larger than %d bytes", WIN_MARKER_MAX_BYTES);
	root = json_parse(json, len, "setup marker", e);
	if (!root)
		return -1;
	rc = win_marker_parse_fields(root, out, e);
	if (rc < 0)
		win_marker_free(out);
	cJSON_Delete(root);
	return rc;
}

void win_marker_free(struct win_marker *m)
{
	strv_free(&m->write_roots);
	memset(m, 0, sizeof *m);
}

int win_marker_roots_merge(struct strv *into, const struct strv *add, struct err *e)
{
	for (size_t i = 0; add && i < add->n; i++)
		if (strv_find(into, add->v[i]) < 0 && strv_push(into, add->v[i]) < 0)
			return err_set(e, "out of memory");
	while (into->n > WIN_MARKER_ROOTS_MAX) {
		free(into->v[0]);
		memmove(into->v, into->v + 1, into->n * sizeof into->v[0]); /* with the NULL */
		into->n--;
	}
	return 0;
}

char *win_marker_json(const struct win_net_settings *s, const char *created_at,
		      const struct strv *write_roots)
{
	cJSON *o = cJSON_CreateObject(), *ports = cJSON_CreateArray(), *roots;
	char *text = NULL;

	if (!o || !ports)
		goto out;
	for (size_t i = 0; i < s->n_ports; i++)
		if (!cJSON_AddItemToArray(ports, cJSON_CreateNumber(s->ports[i])))
			goto out;
	if (json_add_int(o, "version", WIN_SETUP_VERSION) < 0 ||
	    json_add_str(o, "offline_username", WIN_OFFLINE_USER) < 0 ||
	    json_add_str(o, "online_username", WIN_ONLINE_USER) < 0 ||
	    json_add_str(o, "created_at", created_at) < 0 ||
	    !cJSON_AddItemToObject(o, "proxy_ports", ports))
		goto out;
	ports = NULL;
	if (!cJSON_AddBoolToObject(o, "allow_local_binding", s->allow_local_binding) ||
	    !cJSON_AddArrayToObject(o, "read_roots") ||
	    !(roots = cJSON_AddArrayToObject(o, "write_roots")))
		goto out;
	for (size_t i = 0; write_roots && i < write_roots->n; i++)
		if (!cJSON_AddItemToArray(roots, cJSON_CreateString(write_roots->v[i])))
			goto out;
	text = json_print(o, false);
out:
	cJSON_Delete(ports);
	cJSON_Delete(o);
	return text;
}

/* "[3128, 8081]" as Rust's Debug prints a list. */
static void port_list(const struct win_net_settings *s, char *out, size_t cap)
{
	size_t len = (size_t)snprintf(out, cap, "[");

	for (size_t i = 0; i < s->n_ports && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%u", i ? ", " : "",
					(unsigned)s->ports[i]);
	if (len < cap)
		snprintf(out + len, cap - len, "]");
}

static bool same_net(const struct win_net_settings *a, const struct win_net_settings *b)
{
	return a->allow_local_binding == b->allow_local_binding && a->n_ports == b->n_ports &&
	       memcmp(a->ports, b->ports, a->n_ports * sizeof a->ports[0]) == 0;
}

bool win_setup_needed(const struct win_marker *marker, enum win_identity id,
		      const struct win_net_settings *desired, char reason[WIN_REASON_MAX])
{
	char stored[80], want[80];

	reason[0] = '\0';
	if (!marker || marker->version != WIN_SETUP_VERSION) {
		snprintf(reason, WIN_REASON_MAX, "sandbox setup marker missing or incompatible");
		return true;
	}
	switch (id) {
	case WIN_IDENTITY_ONLINE:
		return false; /* the online account has no firewall rules to drift */
	case WIN_IDENTITY_OFFLINE:
		break;
	}
	if (same_net(&marker->net, desired))
		return false;
	port_list(&marker->net, stored, sizeof stored);
	port_list(desired, want, sizeof want);
	snprintf(reason, WIN_REASON_MAX,
		 "offline firewall settings changed (stored_ports=%s, desired_ports=%s, "
		 "stored_allow_local_binding=%s, desired_allow_local_binding=%s)",
		 stored, want, marker->net.allow_local_binding ? "true" : "false",
		 desired->allow_local_binding ? "true" : "false");
	return true;
}

enum win_readiness win_readiness_for(const struct win_marker *marker, enum win_identity id,
				     const struct win_net_settings *desired, bool users_loadable,
				     const struct strv *want_roots, char reason[WIN_REASON_MAX])
{
	if (win_setup_needed(marker, id, desired, reason))
		return WIN_READY_SETUP;
	if (!users_loadable) {
		snprintf(reason, WIN_REASON_MAX,
			 "sandbox users missing or incompatible with marker version");
		return WIN_READY_SETUP;
	}
	for (size_t i = 0; want_roots && i < want_roots->n; i++)
		if (strv_find(&marker->write_roots, want_roots->v[i]) < 0) {
			snprintf(reason, WIN_REASON_MAX, "sandbox access not yet granted to %.260s",
				 want_roots->v[i]);
			return WIN_READY_REFRESH;
		}
	return WIN_READY;
}
