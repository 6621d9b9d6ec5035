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

int win_marker_parse(const char *json, size_t len, struct win_marker *out, struct err *e)
{
	cJSON *root;
	const cJSON *ports, *bind;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (len > WIN_MARKER_MAX_BYTES)
		return err_set(e, "setup marker: larger than %d bytes", WIN_MARKER_MAX_BYTES);
	root = json_parse(json, len, "setup marker", e);
	if (!root)
		return -1;
	if (!cJSON_IsObject(root)) {
		err_set(e, "setup marker: not a JSON object");
		goto out;
	}
	if (json_get_int64(root, "version", &out->version) < 0) {
		err_set(e, "setup marker: version is missing or not an integer");
		goto out;
	}
	/* Both fields came with proxy support: older markers mean [] and false. */
	ports = cJSON_GetObjectItemCaseSensitive(root, "proxy_ports");
	if (ports && !cJSON_IsNull(ports) && parse_ports(ports, &out->net, e) < 0)
		goto out;
	bind = cJSON_GetObjectItemCaseSensitive(root, "allow_local_binding");
	if (bind && !cJSON_IsNull(bind)) {
		if (!cJSON_IsBool(bind)) {
			err_set(e, "setup marker: allow_local_binding is not true or false");
			goto out;
		}
		out->net.allow_local_binding = cJSON_IsTrue(bind);
	}
	rc = 0;
out:
	if (rc < 0)
		memset(out, 0, sizeof *out);
	cJSON_Delete(root);
	return rc;
}

char *win_marker_json(const struct win_net_settings *s, const char *created_at)
{
	cJSON *o = cJSON_CreateObject(), *ports = cJSON_CreateArray();
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
	    !cJSON_AddArrayToObject(o, "read_roots") || !cJSON_AddArrayToObject(o, "write_roots"))
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
