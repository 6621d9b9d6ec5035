/* The offline identity's firewall rules as an ordered list of operations (reference
 * codex-windows-sandbox.md §3.6, with the fixes upstream needed after PR #12220: no
 * "::1" in address lists, no ports on any-protocol rules). firewall_win.c applies them. */
#include "sandbox/windows/windows_sandbox.h"

#include <stdio.h>
#include <string.h>

int win_fw_blocked_ports(const uint16_t *ports, size_t n, char *out, size_t cap)
{
	static unsigned char allowed[65536];
	size_t len = 0;
	unsigned p = 1;

	memset(allowed, 0, sizeof allowed);
	for (size_t i = 0; i < n; i++)
		allowed[ports[i]] = 1;
	if (cap == 0)
		return -1;
	out[0] = '\0';
	while (p <= 65535) {
		unsigned a, b;
		int w;
		while (p <= 65535 && allowed[p])
			p++;
		if (p > 65535)
			break;
		a = p;
		while (p <= 65535 && !allowed[p])
			p++;
		b = p - 1;
		w = a == b ? snprintf(out + len, cap - len, "%s%u", len ? "," : "", a)
			   : snprintf(out + len, cap - len, "%s%u-%u", len ? "," : "", a, b);
		if (w < 0 || (size_t)w >= cap - len) {
			out[0] = '\0';
			return -1;
		}
		len += (size_t)w;
	}
	return len ? 1 : 0;
}

static struct win_fw_op *op(struct win_fw_op *o, enum win_fw_action action, const char *name,
			    const char *description, enum win_fw_protocol protocol,
			    const char *addresses)
{
	memset(o, 0, sizeof *o);
	o->action = action;
	o->name = name;
	o->description = description;
	o->protocol = protocol;
	o->remote_addresses = addresses;
	return o;
}

static struct win_fw_op *removal(struct win_fw_op *o, const char *name,
				 enum win_fw_protocol protocol)
{
	return op(o, WIN_FW_REMOVE, name, NULL, protocol, NULL);
}

size_t win_fw_plan(const struct win_net_settings *s, struct win_fw_op out[WIN_FW_OPS_MAX])
{
	size_t n = 0;
	char ports[WIN_FW_PORTS_MAX];

	if (s->allow_local_binding) {
		removal(&out[n++], WIN_FW_RULE_LEGACY_ALLOW, WIN_FW_PROTO_TCP);
		removal(&out[n++], WIN_FW_RULE_LOOPBACK_UDP, WIN_FW_PROTO_UDP);
		removal(&out[n++], WIN_FW_RULE_LOOPBACK_TCP, WIN_FW_PROTO_TCP);
	} else {
		op(&out[n++], WIN_FW_UPSERT, WIN_FW_RULE_LOOPBACK_UDP,
		   "Codex Sandbox Offline - Block Loopback UDP", WIN_FW_PROTO_UDP,
		   WIN_FW_LOOPBACK_ADDRESSES);
		/* Every port first: should narrowing fail, the proxy is unreachable rather
		 * than loopback open. */
		op(&out[n++], WIN_FW_UPSERT, WIN_FW_RULE_LOOPBACK_TCP,
		   "Codex Sandbox Offline - Block Loopback TCP (Except Proxy)", WIN_FW_PROTO_TCP,
		   WIN_FW_LOOPBACK_ADDRESSES);
		snprintf(out[n - 1].remote_ports, WIN_FW_PORTS_MAX, "1-65535");
		/* Only now that the blocks exist: a block beats an allow anyway, but the
		 * transition must never pass through "nothing blocked". */
		removal(&out[n++], WIN_FW_RULE_LEGACY_ALLOW, WIN_FW_PROTO_TCP);
		if (s->n_ports && win_fw_blocked_ports(s->ports, s->n_ports, ports, sizeof ports) > 0) {
			op(&out[n++], WIN_FW_UPSERT, WIN_FW_RULE_LOOPBACK_TCP,
			   "Codex Sandbox Offline - Block Loopback TCP (Except Proxy)",
			   WIN_FW_PROTO_TCP, WIN_FW_LOOPBACK_ADDRESSES);
			memcpy(out[n - 1].remote_ports, ports, sizeof ports);
		}
	}
	op(&out[n++], WIN_FW_UPSERT, WIN_FW_RULE_NON_LOOPBACK,
	   "Codex Sandbox Offline - Block Non-Loopback Outbound", WIN_FW_PROTO_ANY,
	   WIN_FW_NON_LOOPBACK_ADDRESSES);
	return n;
}
