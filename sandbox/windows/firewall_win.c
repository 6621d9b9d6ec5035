/* The offline account's firewall rules through the firewall's COM API (reference
 * codex-windows-sandbox.md §3.6, §11.2): the operations of win_fw_plan, in its order,
 * each rule scoped to the offline account (LocalUserAuthorizedList) and read back. */
#include "sandbox/windows/win.h"

#include <initguid.h>
#include <netfw.h>
#include <oleauto.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "O:LSD:(A;;CC;;;<sid>)": the rule applies to that account's traffic only. */
static BSTR user_scope(const char *sid)
{
	char text[256];
	wchar_t *w;
	BSTR b;

	snprintf(text, sizeof text, "O:LSD:(A;;CC;;;%s)", sid);
	if (!(w = win_wide(text)))
		return NULL;
	b = SysAllocString(w);
	free(w);
	return b;
}

static BSTR bstr(const char *s)
{
	wchar_t *w = win_wide(s);
	BSTR b = w ? SysAllocString(w) : NULL;

	free(w);
	return b;
}

/* The managed properties of a rule (see fw_state.c). */
static int snapshot(INetFwRule3 *r, const char *name, struct win_fw_state *st, struct err *e)
{
	BSTR b = NULL;
	NET_FW_RULE_DIRECTION dir;
	NET_FW_ACTION act;
	VARIANT_BOOL on;
	LONG v;
	HRESULT hr;
	const char *api;

	memset(st, 0, sizeof *st);
#define GET_STR(getter, field)                                         \
	api = #getter;                                                 \
	if (FAILED(hr = INetFwRule3_##getter(r, &b)))                  \
		goto fail;                                             \
	if (b && !(st->field = win_utf8(b))) {                         \
		SysFreeString(b);                                      \
		win_fw_state_free(st);                                 \
		return err_set(e, "out of memory");                    \
	}                                                              \
	SysFreeString(b);                                              \
	b = NULL;
	GET_STR(get_Description, description)
	GET_STR(get_RemoteAddresses, remote_addresses)
	GET_STR(get_RemotePorts, remote_ports)
	GET_STR(get_LocalUserAuthorizedList, local_users)
#undef GET_STR
	api = "get_Direction";
	if (FAILED(hr = INetFwRule3_get_Direction(r, &dir)))
		goto fail;
	st->direction = dir;
	api = "get_Action";
	if (FAILED(hr = INetFwRule3_get_Action(r, &act)))
		goto fail;
	st->action = act;
	api = "get_Enabled";
	if (FAILED(hr = INetFwRule3_get_Enabled(r, &on)))
		goto fail;
	st->enabled = on != VARIANT_FALSE;
	api = "get_Profiles";
	if (FAILED(hr = INetFwRule3_get_Profiles(r, &v)))
		goto fail;
	st->profiles = v;
	api = "get_Protocol";
	if (FAILED(hr = INetFwRule3_get_Protocol(r, &v)))
		goto fail;
	st->protocol = v;
	return 0;
fail:
	win_fw_state_free(st);
	{
		char full[64];
		snprintf(full, sizeof full, "INetFwRule::%s", api);
		return win_fail_hr(e, name, full, hr);
	}
}

/* Journals a rule's properties before it is changed or removed. */
static int record(struct win_journal *j, enum win_change_kind kind, const char *name,
		  INetFwRule3 *r, struct err *e)
{
	struct win_fw_state st;
	char *json;
	int rc;

	if (!j)
		return 0;
	if (snapshot(r, name, &st, e) < 0)
		return -1;
	json = win_fw_state_json(&st);
	win_fw_state_free(&st);
	if (!json)
		return err_set(e, "out of memory");
	rc = win_journal_add(j, kind, name, NULL, json, strlen(json), e);
	free(json);
	return rc;
}

/* Puts saved properties back on a rule. */
static int apply_state(INetFwRule3 *r, const char *name, const struct win_fw_state *st,
		       struct err *e)
{
	BSTR desc = st->description ? bstr(st->description) : NULL;
	BSTR addrs = st->remote_addresses ? bstr(st->remote_addresses) : NULL;
	BSTR ports = st->remote_ports ? bstr(st->remote_ports) : NULL;
	BSTR users = st->local_users ? bstr(st->local_users) : NULL;
	const char *api = "INetFwRule::put_Description";
	HRESULT hr = S_OK;
	int rc = -1;

	if ((st->description && !desc) || (st->remote_addresses && !addrs) ||
	    (st->remote_ports && !ports) || (st->local_users && !users)) {
		err_set(e, "out of memory");
		goto out;
	}
	if (desc && FAILED(hr = INetFwRule3_put_Description(r, desc)))
		goto fail;
	api = "INetFwRule::put_Direction";
	if (FAILED(hr = INetFwRule3_put_Direction(r, (NET_FW_RULE_DIRECTION)st->direction)))
		goto fail;
	api = "INetFwRule::put_Action";
	if (FAILED(hr = INetFwRule3_put_Action(r, (NET_FW_ACTION)st->action)))
		goto fail;
	api = "INetFwRule::put_Enabled";
	if (FAILED(hr = INetFwRule3_put_Enabled(r, st->enabled ? VARIANT_TRUE : VARIANT_FALSE)))
		goto fail;
	api = "INetFwRule::put_Profiles";
	if (FAILED(hr = INetFwRule3_put_Profiles(r, st->profiles)))
		goto fail;
	api = "INetFwRule::put_Protocol";
	if (FAILED(hr = INetFwRule3_put_Protocol(r, st->protocol)))
		goto fail;
	api = "INetFwRule::put_RemoteAddresses";
	if (addrs && FAILED(hr = INetFwRule3_put_RemoteAddresses(r, addrs)))
		goto fail;
	/* Ports only on TCP and UDP rules: others refuse even "*". */
	api = "INetFwRule::put_RemotePorts";
	if (ports && (st->protocol == WIN_FW_PROTO_TCP || st->protocol == WIN_FW_PROTO_UDP) &&
	    FAILED(hr = INetFwRule3_put_RemotePorts(r, ports)))
		goto fail;
	api = "INetFwRule3::put_LocalUserAuthorizedList";
	if (users && FAILED(hr = INetFwRule3_put_LocalUserAuthorizedList(r, users)))
		goto fail;
	rc = 0;
	goto out;
fail:
	win_fail_hr(e, name, api, hr);
out:
	SysFreeString(desc);
	SysFreeString(addrs);
	SysFreeString(ports);
	SysFreeString(users);
	return rc;
}

/* Sets every property (a rule found from an earlier run is brought up to date too). */
static int configure(INetFwRule3 *r, const struct win_fw_op *op, BSTR scope, struct err *e)
{
	BSTR desc = bstr(op->description), addrs = bstr(op->remote_addresses);
	BSTR ports = op->remote_ports[0] ? bstr(op->remote_ports) : NULL;
	HRESULT hr;
	const char *api = "INetFwRule::put_Description";
	int rc = -1;

	if (!desc || !addrs || (op->remote_ports[0] && !ports)) {
		err_set(e, "out of memory");
		goto out;
	}
	if (FAILED(hr = INetFwRule3_put_Description(r, desc)))
		goto fail;
	api = "INetFwRule::put_Direction";
	if (FAILED(hr = INetFwRule3_put_Direction(r, NET_FW_RULE_DIR_OUT)))
		goto fail;
	api = "INetFwRule::put_Action";
	if (FAILED(hr = INetFwRule3_put_Action(r, NET_FW_ACTION_BLOCK)))
		goto fail;
	api = "INetFwRule::put_Enabled";
	if (FAILED(hr = INetFwRule3_put_Enabled(r, VARIANT_TRUE)))
		goto fail;
	api = "INetFwRule::put_Profiles";
	if (FAILED(hr = INetFwRule3_put_Profiles(r, NET_FW_PROFILE2_ALL)))
		goto fail;
	api = "INetFwRule::put_Protocol";
	if (FAILED(hr = INetFwRule3_put_Protocol(r, (LONG)op->protocol)))
		goto fail;
	api = "INetFwRule::put_RemoteAddresses";
	if (FAILED(hr = INetFwRule3_put_RemoteAddresses(r, addrs)))
		goto fail;
	/* Only TCP and UDP rules take ports (an any-protocol rule refuses even "*"). */
	api = "INetFwRule::put_RemotePorts";
	if (ports && FAILED(hr = INetFwRule3_put_RemotePorts(r, ports)))
		goto fail;
	api = "INetFwRule3::put_LocalUserAuthorizedList";
	if (FAILED(hr = INetFwRule3_put_LocalUserAuthorizedList(r, scope)))
		goto fail;
	rc = 0;
	goto out;
fail:
	win_fail_hr(e, op->name, api, hr);
out:
	SysFreeString(desc);
	SysFreeString(addrs);
	SysFreeString(ports);
	return rc;
}

static int upsert(INetFwRules *rules, const struct win_fw_op *op, BSTR scope, const char *sid,
		  struct win_journal *j, struct err *e)
{
	BSTR name = bstr(op->name), got = NULL;
	INetFwRule *old = NULL;
	INetFwRule3 *r = NULL;
	HRESULT hr;
	bool fresh = false;
	int rc = -1;

	if (!name)
		return err_set(e, "out of memory");
	if (SUCCEEDED(INetFwRules_Item(rules, name, &old))) {
		hr = INetFwRule_QueryInterface(old, &IID_INetFwRule3, (void **)&r);
		if (FAILED(hr)) {
			win_fail_hr(e, op->name, "QueryInterface(INetFwRule3)", hr);
			goto out;
		}
		/* Its properties before, for rollback; recorded before any is changed. */
		if (record(j, WIN_CHANGE_FW_RULE_CHANGED, op->name, r, e) < 0)
			goto out;
	} else {
		hr = CoCreateInstance(&CLSID_NetFwRule, NULL, CLSCTX_INPROC_SERVER, &IID_INetFwRule3,
				      (void **)&r);
		if (FAILED(hr)) {
			win_fail_hr(e, op->name, "CoCreateInstance(NetFwRule)", hr);
			goto out;
		}
		if (FAILED(hr = INetFwRule3_put_Name(r, name))) {
			win_fail_hr(e, op->name, "INetFwRule::put_Name", hr);
			goto out;
		}
		fresh = true;
	}
	/* A new rule is added only once fully configured. */
	if (configure(r, op, scope, e) < 0)
		goto out;
	if (fresh) {
		if (FAILED(hr = INetFwRules_Add(rules, (INetFwRule *)r))) {
			win_fail_hr(e, op->name, "INetFwRules::Add", hr);
			goto out;
		}
		if (win_journal_add(j, WIN_CHANGE_FW_RULE_ADDED, op->name, NULL, NULL, 0, e) < 0)
			goto out;
	}
	if (FAILED(hr = INetFwRule3_get_LocalUserAuthorizedList(r, &got))) {
		win_fail_hr(e, op->name, "INetFwRule3::get_LocalUserAuthorizedList", hr);
		goto out;
	}
	{
		char *text = win_utf8(got ? got : L"");
		if (!text || !strstr(text, sid)) {
			err_set(e, "%s: offline firewall rule user scope mismatch: expected SID %s, "
				   "got %s", op->name, sid, text ? text : "?");
			free(text);
			goto out;
		}
		free(text);
	}
	rc = 0;
out:
	SysFreeString(got);
	SysFreeString(name);
	if (r)
		INetFwRule3_Release(r);
	if (old)
		INetFwRule_Release(old);
	return rc;
}

/* COM, the firewall policy (checked to take effect) and its rules. *init is what
 * CoInitializeEx returned, for close_rules. */
static int open_rules(INetFwPolicy2 **policy, INetFwRules **rules, HRESULT *init, struct err *e)
{
	NET_FW_MODIFY_STATE state;
	HRESULT hr;

	*policy = NULL;
	*rules = NULL;
	*init = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
	if (FAILED(*init) && *init != RPC_E_CHANGED_MODE)
		return win_fail_hr(e, "firewall", "CoInitializeEx", *init);
	hr = CoCreateInstance(&CLSID_NetFwPolicy2, NULL, CLSCTX_INPROC_SERVER, &IID_INetFwPolicy2,
			      (void **)policy);
	if (FAILED(hr))
		return win_fail_hr(e, "firewall", "CoCreateInstance(NetFwPolicy2)", hr);
	/* Group Policy can make local rules ineffective; setup must not report success then. */
	hr = INetFwPolicy2_get_LocalPolicyModifyState(*policy, &state);
	if (hr != S_OK || state != NET_FW_MODIFY_STATE_OK) {
		if (FAILED(hr))
			return win_fail_hr(e, "firewall", "INetFwPolicy2::get_LocalPolicyModifyState",
					   hr);
		return err_set(e, "firewall: local firewall rules are not in effect (Group Policy "
				  "overrides them, state %d); the offline identity cannot be confined",
			       (int)state);
	}
	if (FAILED(hr = INetFwPolicy2_get_Rules(*policy, rules)))
		return win_fail_hr(e, "firewall", "INetFwPolicy2::get_Rules", hr);
	return 0;
}

static void close_rules(INetFwPolicy2 *policy, INetFwRules *rules, HRESULT init)
{
	if (rules)
		INetFwRules_Release(rules);
	if (policy)
		INetFwPolicy2_Release(policy);
	if (SUCCEEDED(init))
		CoUninitialize();
}

/* Removes a rule by name, journalling its properties first; a missing rule is removed
 * already. */
static int remove_rule(INetFwRules *rules, const char *name, struct win_journal *j,
		       struct err *e)
{
	BSTR b = bstr(name);
	INetFwRule *old = NULL;
	INetFwRule3 *r = NULL;
	HRESULT hr;
	int rc = -1;

	if (!b)
		return err_set(e, "out of memory");
	if (FAILED(INetFwRules_Item(rules, b, &old))) {
		rc = 0;
		goto out;
	}
	if (FAILED(hr = INetFwRule_QueryInterface(old, &IID_INetFwRule3, (void **)&r))) {
		win_fail_hr(e, name, "QueryInterface(INetFwRule3)", hr);
		goto out;
	}
	{
		size_t before = j ? j->n : 0;
		if (record(j, WIN_CHANGE_FW_RULE_REMOVED, name, r, e) < 0)
			goto out;
		if (FAILED(hr = INetFwRules_Remove(rules, b))) {
			/* Still there: nothing to re-create. */
			if (j && j->n > before) {
				free(j->v[--j->n].target);
				free(j->v[j->n].saved);
			}
			win_fail_hr(e, name, "INetFwRules::Remove", hr);
			goto out;
		}
	}
	rc = 0;
out:
	if (r)
		INetFwRule3_Release(r);
	if (old)
		INetFwRule_Release(old);
	SysFreeString(b);
	return rc;
}

int win_firewall_apply(const struct win_net_settings *s, const char *offline_sid,
		       struct win_journal *j, struct err *e)
{
	struct win_fw_op ops[WIN_FW_OPS_MAX];
	size_t n = win_fw_plan(s, ops);
	INetFwPolicy2 *policy = NULL;
	INetFwRules *rules = NULL;
	BSTR scope = user_scope(offline_sid);
	HRESULT init = E_FAIL;
	int rc = -1;

	if (!scope) {
		err_set(e, "out of memory");
		goto out;
	}
	if (open_rules(&policy, &rules, &init, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (ops[i].action == WIN_FW_REMOVE ? remove_rule(rules, ops[i].name, j, e) < 0
						   : upsert(rules, &ops[i], scope, offline_sid, j, e) < 0)
			goto out;
	}
	rc = 0;
out:
	close_rules(policy, rules, init);
	SysFreeString(scope);
	return rc;
}

int win_firewall_undo(const struct win_change *c, struct err *e)
{
	INetFwPolicy2 *policy = NULL;
	INetFwRules *rules = NULL;
	INetFwRule *old = NULL;
	INetFwRule3 *r = NULL;
	struct win_fw_state st;
	BSTR name = bstr(c->target);
	HRESULT init = E_FAIL, hr;
	int rc = -1;

	memset(&st, 0, sizeof st);
	if (!name) {
		err_set(e, "out of memory");
		goto out;
	}
	if (c->kind != WIN_CHANGE_FW_RULE_ADDED &&
	    (!c->saved || win_fw_state_parse(c->saved, c->saved_len, &st, e) < 0))
		goto out;
	if (open_rules(&policy, &rules, &init, e) < 0)
		goto out;
	switch (c->kind) {
	case WIN_CHANGE_FW_RULE_ADDED:
		if (FAILED(hr = INetFwRules_Remove(rules, name))) {
			win_fail_hr(e, c->target, "INetFwRules::Remove", hr);
			goto out;
		}
		break;
	case WIN_CHANGE_FW_RULE_CHANGED:
		if (FAILED(hr = INetFwRules_Item(rules, name, &old))) {
			win_fail_hr(e, c->target, "INetFwRules::Item", hr);
			goto out;
		}
		if (FAILED(hr = INetFwRule_QueryInterface(old, &IID_INetFwRule3, (void **)&r))) {
			win_fail_hr(e, c->target, "QueryInterface(INetFwRule3)", hr);
			goto out;
		}
		if (apply_state(r, c->target, &st, e) < 0)
			goto out;
		break;
	case WIN_CHANGE_FW_RULE_REMOVED:
		hr = CoCreateInstance(&CLSID_NetFwRule, NULL, CLSCTX_INPROC_SERVER, &IID_INetFwRule3,
				      (void **)&r);
		if (FAILED(hr)) {
			win_fail_hr(e, c->target, "CoCreateInstance(NetFwRule)", hr);
			goto out;
		}
		if (FAILED(hr = INetFwRule3_put_Name(r, name))) {
			win_fail_hr(e, c->target, "INetFwRule::put_Name", hr);
			goto out;
		}
		if (apply_state(r, c->target, &st, e) < 0)
			goto out;
		if (FAILED(hr = INetFwRules_Add(rules, (INetFwRule *)r))) {
			win_fail_hr(e, c->target, "INetFwRules::Add", hr);
			goto out;
		}
		break;
	default:
		err_set(e, "%s: not a firewall change", c->target);
		goto out;
	}
	rc = 0;
out:
	if (r)
		INetFwRule3_Release(r);
	if (old)
		INetFwRule_Release(old);
	close_rules(policy, rules, init);
	win_fw_state_free(&st);
	SysFreeString(name);
	return rc;
}
