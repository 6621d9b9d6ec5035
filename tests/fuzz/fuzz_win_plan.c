/* The Windows sandbox plan's parsers (sandbox/windows): the input as a proxy URL, as an
 * environment entry and as a setup marker. Any bytes give a port of 1..65535 or none,
 * settings whose ports are ascending and distinct, and a marker that either parses
 * (then its re-serialised form parses back to the same settings) or is refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/windows/windows_sandbox.h"

static void check_sorted(const struct win_net_settings *s)
{
	if (s->n_ports > WIN_PROXY_PORTS_MAX)
		abort();
	for (size_t i = 0; i < s->n_ports; i++)
		if (s->ports[i] == 0 || (i && s->ports[i - 1] >= s->ports[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 16), *env[3];
	struct win_net_settings s;
	struct win_marker m, again;
	struct win_fw_op ops[WIN_FW_OPS_MAX];
	char reason[WIN_REASON_MAX];
	struct err e;
	unsigned port;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	port = win_loopback_proxy_port(text);
	if (port > 65535)
		abort();
	memcpy(text, "ALL_PROXY=", 10);
	memcpy(text + 10, data, size);
	text[size + 10] = '\0';
	env[0] = text;
	env[1] = "CODEX_NETWORK_ALLOW_LOCAL_BINDING=1";
	env[2] = NULL;
	win_net_settings_from_env(env, WIN_IDENTITY_OFFLINE, &s);
	check_sorted(&s);
	if (s.n_ports > 1 || win_fw_plan(&s, ops) > WIN_FW_OPS_MAX)
		abort();
	if (win_marker_parse((const char *)data, size, &m, &e) == 0) {
		char *json;
		check_sorted(&m.net);
		json = win_marker_json(&m.net, "2026-01-01T00:00:00Z", &m.write_roots);
		if (json) {
			if (win_marker_parse(json, strlen(json), &again, &e) < 0 ||
			    again.net.n_ports != m.net.n_ports ||
			    again.net.allow_local_binding != m.net.allow_local_binding ||
			    memcmp(again.net.ports, m.net.ports, m.net.n_ports * sizeof m.net.ports[0]) ||
			    again.write_roots.n != m.write_roots.n)
				abort();
			win_marker_free(&again);
			free(json);
		}
		m.net.allow_local_binding = false;
		if (win_fw_plan(&m.net, ops) > WIN_FW_OPS_MAX)
			abort();
		(void)win_setup_needed(&m, WIN_IDENTITY_OFFLINE, &s, reason);
		(void)win_readiness_for(&m, WIN_IDENTITY_OFFLINE, &s, true, &m.write_roots, reason);
	}
	win_marker_free(&m);
	free(text);
	return 0;
}
