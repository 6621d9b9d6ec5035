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
		  struct err *e)
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
	if (fresh && FAILED(hr = INetFwRules_Add(rules, (INetFwRule *)r))) {
		win_fail_hr(e, op->name, "INetFwRules::Add", hr);
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

int win_firewall_apply(const struct win_net_settings *s, const char *offline_sid,
		       struct err *e)
{
	struct win_fw_op ops[WIN_FW_OPS_MAX];
	size_t n = win_fw_plan(s, ops);
	INetFwPolicy2 *policy = NULL;
	INetFwRules *rules = NULL;
	NET_FW_MODIFY_STATE state;
	BSTR scope = user_scope(offline_sid);
	HRESULT hr, init = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
	int rc = -1;

	if (!scope) {
		err_set(e, "out of memory");
		goto out;
	}
	if (FAILED(init) && init != RPC_E_CHANGED_MODE) {
		win_fail_hr(e, "firewall", "CoInitializeEx", init);
		goto out;
	}
	hr = CoCreateInstance(&CLSID_NetFwPolicy2, NULL, CLSCTX_INPROC_SERVER, &IID_INetFwPolicy2,
			      (void **)&policy);
	if (FAILED(hr)) {
		win_fail_hr(e, "firewall", "CoCreateInstance(NetFwPolicy2)", hr);
		goto out;
	}
	/* Group Policy can make local rules ineffective; setup must not report success then. */
	hr = INetFwPolicy2_get_LocalPolicyModifyState(policy, &state);
	if (hr != S_OK || state != NET_FW_MODIFY_STATE_OK) {
		if (FAILED(hr))
			win_fail_hr(e, "firewall", "INetFwPolicy2::get_LocalPolicyModifyState", hr);
		else
			err_set(e, "firewall: local firewall rules are not in effect (Group Policy "
				   "overrides them, state %d); the offline identity cannot be confined",
				(int)state);
		goto out;
	}
	if (FAILED(hr = INetFwPolicy2_get_Rules(policy, &rules))) {
		win_fail_hr(e, "firewall", "INetFwPolicy2::get_Rules", hr);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (ops[i].action == WIN_FW_REMOVE) {
			BSTR name = bstr(ops[i].name);
			/* A rule that is not there is removed already. */
			if (name)
				(void)INetFwRules_Remove(rules, name);
			SysFreeString(name);
			continue;
		}
		if (upsert(rules, &ops[i], scope, offline_sid, e) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rules)
		INetFwRules_Release(rules);
	if (policy)
		INetFwPolicy2_Release(policy);
	SysFreeString(scope);
	if (SUCCEEDED(init))
		CoUninitialize();
	return rc;
}
