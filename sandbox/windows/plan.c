/* The Windows sandbox plan: identity, backend, firewall settings and setup decision,
 * and its JSON form for `codex sandbox windows --plan` (reference
 * codex-windows-sandbox.md §3, §6). */
#include "sandbox/windows/windows_sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

const char *win_identity_str(enum win_identity id)
{
	switch (id) {
	case WIN_IDENTITY_OFFLINE:
		return "offline";
	case WIN_IDENTITY_ONLINE:
		return "online";
	}
	return "?";
}

const char *win_backend_str(enum win_backend b)
{
	switch (b) {
	case WIN_BACKEND_NONE:
		return "none";
	case WIN_BACKEND_UNELEVATED:
		return "unelevated";
	case WIN_BACKEND_ELEVATED:
		return "elevated";
	}
	return "?";
}

enum win_identity win_identity_for(const struct sandbox_policy *p, bool proxy_enforced)
{
	if (proxy_enforced || sandbox_policy_network(p) != SANDBOX_NET_FULL)
		return WIN_IDENTITY_OFFLINE;
	return WIN_IDENTITY_ONLINE;
}

enum win_backend win_backend_for(const char *configured, const struct sandbox_policy *p,
				 bool proxy_enforced, bool *forced)
{
	bool elevated = configured && strcmp(configured, "elevated") == 0;

	*forced = false;
	if (proxy_enforced) {
		/* The firewall rules bind to the logon users: only the elevated backend
		 * can enforce the proxy. */
		*forced = !elevated;
		return WIN_BACKEND_ELEVATED;
	}
	if (p->type == SANDBOX_MODE_DANGER_FULL_ACCESS)
		return WIN_BACKEND_NONE;
	return elevated ? WIN_BACKEND_ELEVATED : WIN_BACKEND_UNELEVATED;
}

void win_plan_build(const struct win_plan_input *in, struct win_plan *out)
{
	memset(out, 0, sizeof *out);
	out->backend = win_backend_for(in->configured_backend, in->policy, in->proxy_enforced,
				       &out->backend_forced);
	out->identity = win_identity_for(in->policy, in->proxy_enforced);
	if (out->backend != WIN_BACKEND_ELEVATED)
		return; /* no logon users, no firewall, no setup */
	win_net_settings_from_env(in->env, out->identity, &out->net);
	/* The setup always writes the offline account's rules: for an online run with
	 * the settings it stores ([] and false), as upstream does. */
	out->n_fw = win_fw_plan(&out->net, out->fw);
	out->setup_needed = win_setup_needed(in->marker, out->identity, &out->net,
					     out->setup_reason);
}

/* ---- JSON ---------------------------------------------------------------------------
 * Built with cJSON; every helper returns NULL (or -1) when memory runs out, and the
 * caller's one cleanup frees the tree. */

static cJSON *add_obj(cJSON *parent, const char *key)
{
	cJSON *o = cJSON_CreateObject();

	if (o && (key ? cJSON_AddItemToObject(parent, key, o) : cJSON_AddItemToArray(parent, o)))
		return o;
	cJSON_Delete(o);
	return NULL;
}

static int add_strs(cJSON *parent, const char *key, const char *const *v, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(parent, key);

	if (!a)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!v[i] || !cJSON_AddItemToArray(a, cJSON_CreateString(v[i])))
			return -1;
	return 0;
}

static int add_bool(cJSON *o, const char *key, bool v)
{
	return cJSON_AddBoolToObject(o, key, v) ? 0 : -1;
}

static int add_net(cJSON *o, const struct win_net_settings *s)
{
	cJSON *a = cJSON_AddArrayToObject(o, "proxy_ports");

	if (!a)
		return -1;
	for (size_t i = 0; i < s->n_ports; i++)
		if (!cJSON_AddItemToArray(a, cJSON_CreateNumber(s->ports[i])))
			return -1;
	return add_bool(o, "allow_local_binding", s->allow_local_binding);
}

static const char *protocol_str(enum win_fw_protocol p)
{
	switch (p) {
	case WIN_FW_PROTO_TCP:
		return "tcp";
	case WIN_FW_PROTO_UDP:
		return "udp";
	case WIN_FW_PROTO_ANY:
		return "any";
	}
	return "?";
}

static int add_firewall(cJSON *root, const struct win_plan *p)
{
	cJSON *a = cJSON_AddArrayToObject(root, "firewall");

	if (!a)
		return -1;
	for (size_t i = 0; i < p->n_fw; i++) {
		const struct win_fw_op *op = &p->fw[i];
		cJSON *o = add_obj(a, NULL);
		if (!o)
			return -1;
		if (op->action == WIN_FW_REMOVE) {
			if (json_add_str(o, "action", "remove") < 0 ||
			    json_add_str(o, "name", op->name) < 0)
				return -1;
			continue;
		}
		if (json_add_str(o, "action", "upsert") < 0 || json_add_str(o, "name", op->name) < 0 ||
		    json_add_str(o, "description", op->description) < 0 ||
		    json_add_str(o, "direction", "out") < 0 || json_add_str(o, "rule", "block") < 0 ||
		    json_add_str(o, "profiles", "all") < 0 ||
		    json_add_str(o, "protocol", protocol_str(op->protocol)) < 0 ||
		    json_add_str(o, "remote_addresses", op->remote_addresses) < 0 ||
		    json_add_str(o, "remote_ports", op->remote_ports[0] ? op->remote_ports : NULL) < 0 ||
		    json_add_str(o, "local_users", "O:LSD:(A;;CC;;;<SID of " WIN_OFFLINE_USER ">)") < 0)
			return -1;
	}
	return 0;
}

static int add_users(cJSON *root)
{
	static const char *const groups[] = {WIN_SANDBOX_GROUP, "Users (S-1-5-32-545)"};
	static const char *const names[] = {WIN_OFFLINE_USER, WIN_ONLINE_USER};
	cJSON *u = add_obj(root, "users"), *g, *a;

	if (!u || !(g = add_obj(u, "group")) || json_add_str(g, "name", WIN_SANDBOX_GROUP) < 0 ||
	    json_add_str(g, "comment", WIN_SANDBOX_GROUP_COMMENT) < 0 ||
	    !(a = cJSON_AddArrayToObject(u, "accounts")))
		return -1;
	for (size_t i = 0; i < 2; i++) {
		cJSON *o = add_obj(a, NULL);
		if (!o || json_add_str(o, "name", names[i]) < 0 || add_strs(o, "groups", groups, 2) < 0 ||
		    json_add_str(o, "password", "24 random characters (BCryptGenRandom), "
			     "DPAPI-protected for the user running the setup") < 0 ||
		    add_bool(o, "hidden_from_logon_screen", true) < 0)
			return -1;
	}
	return json_add_str(u, "secrets", "<codex_home>\\.sandbox-secrets\\sandbox_users.json");
}

/* What an entry's path stands for, by role (the same on every OS). */
static const char *acl_path(const struct win_acl_entry *en, const struct sandbox_policy *pol)
{
	switch (en->target) {
	case WIN_ACL_CWD:
		return "<cwd>";
	case WIN_ACL_WRITABLE_ROOT:
		return pol->writable_roots.v[en->root];
	case WIN_ACL_TEMP:
		return "<%TEMP%>";
	case WIN_ACL_CWD_CODEX:
		return "<cwd>\\.codex";
	case WIN_ACL_CWD_AGENTS:
		return "<cwd>\\.agents";
	case WIN_ACL_READ_ROOT:
		return "<read roots>: <codex.exe's directory>, <codex_home>\\.sandbox-bin, "
		       "C:\\Windows, C:\\Program Files, C:\\Program Files (x86), C:\\ProgramData, "
		       "<%USERPROFILE%>\\* except .ssh .gnupg .aws .azure .kube .docker .config .npm "
		       ".pki .terraform.d";
	case WIN_ACL_SANDBOX_BIN:
		return "<codex_home>\\.sandbox-bin";
	case WIN_ACL_SANDBOX_DIR:
		return "<codex_home>\\.sandbox";
	case WIN_ACL_SECRETS_DIR:
		return "<codex_home>\\.sandbox-secrets";
	}
	return "?";
}

#define RWXD "read,write,execute,delete,delete_child"

static const char *acl_rights(enum win_acl_rights r)
{
	switch (r) {
	case WIN_RIGHTS_RWXD:
		return RWXD;
	case WIN_RIGHTS_RX:
		return "read,execute";
	case WIN_RIGHTS_WRITE:
		return "write";
	}
	return "?";
}

static const char *acl_how(const struct win_acl_entry *en)
{
	switch (en->rule.how) {
	case WIN_HOW_MERGE:
		return "inherited by files and subdirectories";
	case WIN_HOW_READ_UNLESS_READABLE:
		return "unless Users, Authenticated Users or Everyone can read it already";
	case WIN_HOW_REPLACE:
		break;
	}
	return en->target == WIN_ACL_SANDBOX_BIN
		       ? "replaces the DACL; SYSTEM, Administrators and the real user keep " RWXD
		       : "replaces the DACL; the real user keeps read,write,execute";
}

/* The trustees, comma-joined. */
static void acl_trustees(unsigned who, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s%s%s", who & WIN_WHO_GROUP ? WIN_SANDBOX_GROUP : "",
		 (who & WIN_WHO_GROUP) && (who & ~(unsigned)WIN_WHO_GROUP) ? "," : "",
		 who & WIN_WHO_CWD_SID ? "capability SID of <cwd>" : "",
		 who & WIN_WHO_WORKSPACE_SID ? "workspace capability SID" : "");
}

/* The ACL changes (win_acl_entries): the list both backends apply. */
static int add_acl(cJSON *root, const struct win_plan_input *in, const struct win_plan *p)
{
	const struct sandbox_policy *pol = in->policy;
	struct win_acl_entry *v = calloc(pol->writable_roots.n + WIN_ACL_FIXED_ENTRIES, sizeof *v);
	cJSON *a = cJSON_AddArrayToObject(root, "acl");
	size_t n;
	int rc = -1;

	if (!v || !a)
		goto out;
	n = win_acl_entries(pol, p->backend == WIN_BACKEND_ELEVATED, v);
	for (size_t i = 0; i < n; i++) {
		char who[128];
		cJSON *o = add_obj(a, NULL);
		acl_trustees(v[i].rule.who, who, sizeof who);
		if (!o || json_add_str(o, "path", acl_path(&v[i], pol)) < 0 ||
		    json_add_str(o, "trustees", who) < 0 ||
		    json_add_str(o, "kind", v[i].rule.deny ? "deny" : "allow") < 0 ||
		    json_add_str(o, "rights", acl_rights(v[i].rule.rights)) < 0 ||
		    json_add_str(o, "how", acl_how(&v[i])) < 0)
			goto out;
	}
	rc = 0;
out:
	free(v);
	return rc;
}

static int add_setup(cJSON *root, const struct win_plan *p)
{
	cJSON *s = add_obj(root, "setup"), *m;

	if (!s || add_bool(s, "required", p->setup_needed) < 0 ||
	    json_add_str(s, "reason", p->setup_needed ? p->setup_reason : NULL) < 0 ||
	    json_add_str(s, "marker_path", "<codex_home>\\.sandbox\\setup_marker.json") < 0 ||
	    !(m = add_obj(s, "marker")) || json_add_int(m, "version", WIN_SETUP_VERSION) < 0 ||
	    add_net(m, &p->net) < 0)
		return -1;
	return 0;
}

char *win_plan_json(const struct win_plan_input *in, const struct win_plan *p)
{
	cJSON *root = cJSON_CreateObject(), *cmd, *net;
	struct buf out;
	char *text = NULL;
	size_t n = 0;

	buf_init(&out, 1 << 20);
	if (!root || json_add_str(root, "backend", win_backend_str(p->backend)) < 0 ||
	    json_add_str(root, "backend_note",
			 p->backend_forced ? "proxy enforcement needs the elevated backend: the "
					     "configured unelevated one is not used" : NULL) < 0 ||
	    json_add_str(root, "policy", sandbox_mode_str(in->policy->type)) < 0 ||
	    add_bool(root, "network_access", in->policy->network_access) < 0 ||
	    add_bool(root, "proxy_enforced", in->proxy_enforced) < 0 ||
	    json_add_str(root, "identity",
			 p->backend == WIN_BACKEND_ELEVATED ? win_identity_str(p->identity) : NULL) < 0 ||
	    json_add_str(root, "user", p->backend != WIN_BACKEND_ELEVATED ? NULL
				       : p->identity == WIN_IDENTITY_OFFLINE ? WIN_OFFLINE_USER
									     : WIN_ONLINE_USER) < 0)
		goto out;
	while (in->command && in->command[n])
		n++;
	if (!(cmd = cJSON_AddArrayToObject(root, "command")))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!cJSON_AddItemToArray(cmd, cJSON_CreateString(in->command[i])))
			goto out;
	if (p->backend == WIN_BACKEND_ELEVATED) {
		if (!(net = add_obj(root, "network")) || add_net(net, &p->net) < 0 ||
		    add_setup(root, p) < 0 || add_users(root) < 0 || add_firewall(root, p) < 0)
			goto out;
	} else if (p->backend == WIN_BACKEND_UNELEVATED &&
		   json_add_str(root, "network", in->policy->network_access
			   ? "the real user's network"
			   : "off by environment only (proxy variables to 127.0.0.1:9); not enforced "
			     "without the elevated backend") < 0) {
		goto out;
	}
	if (p->backend != WIN_BACKEND_NONE && add_acl(root, in, p) < 0)
		goto out;
	if (json_write(&out, root, true) < 0 || buf_append(&out, "\n", 1) < 0)
		goto out;
	text = buf_take(&out);
out:
	buf_free(&out);
	cJSON_Delete(root);
	return text;
}
