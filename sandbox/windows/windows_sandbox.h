/* The Windows sandbox as data (reference codex-windows-sandbox.md, DESIGN §6): from a
 * policy, the command's environment and the configuration, plan.c computes which
 * sandbox identity runs the command (`offline`: no direct egress; `online`: direct
 * network), whether the elevated logon-user backend is required, the proxy ports the
 * offline firewall must leave open, the firewall operations in their fail-closed order,
 * and whether the one-time elevated setup must run again. It is pure C (no windows.h),
 * built into both binaries and unit-tested on Linux; `codex sandbox windows --plan`
 * prints it on any OS. The *_win.c files next to it apply a plan with Win32/COM. */
#ifndef CODEX_SANDBOX_WINDOWS_SANDBOX_H
#define CODEX_SANDBOX_WINDOWS_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "sandbox/sandbox.h"

/* Upstream's names, which users see in `net user` and the firewall UI. */
#define WIN_OFFLINE_USER "CodexSandboxOffline"
#define WIN_ONLINE_USER "CodexSandboxOnline"
#define WIN_SANDBOX_GROUP "CodexSandboxUsers"
#define WIN_SANDBOX_GROUP_COMMENT "Codex sandbox internal group (managed)"
/* The setup marker's version (upstream's SETUP_VERSION of PR #12220). */
#define WIN_SETUP_VERSION 5

/* At most one port per proxy variable: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, WS_PROXY,
 * WSS_PROXY and their lower-case forms. A marker listing more is refused. */
#define WIN_PROXY_PORTS_MAX 10
/* The longest marker file read (a real one is a few hundred bytes). */
#define WIN_MARKER_MAX_BYTES 65536

enum win_identity {
	WIN_IDENTITY_OFFLINE, /* "offline": CodexSandboxOffline, firewall-confined */
	WIN_IDENTITY_ONLINE   /* "online": CodexSandboxOnline, no firewall rules */
};
const char *win_identity_str(enum win_identity id);

/* Which Windows backend runs the command. */
enum win_backend {
	WIN_BACKEND_NONE,       /* "none": danger-full-access without a proxy runs as is */
	WIN_BACKEND_UNELEVATED, /* "unelevated": restricted token as the real user */
	WIN_BACKEND_ELEVATED    /* "elevated": logon user (offline/online identity) */
};
const char *win_backend_str(enum win_backend b);

/* The offline identity's network settings: the loopback ports the firewall leaves open
 * (ascending, no duplicates, none 0) and whether loopback is left alone entirely. */
struct win_net_settings {
	uint16_t ports[WIN_PROXY_PORTS_MAX];
	size_t n_ports;
	bool allow_local_binding;
};

/* The port of a loopback proxy URL, or 0 when value is not one: a scheme is required
 * (any scheme), userinfo is dropped at the last '@', the host must be localhost (any
 * case), 127.0.0.1 or [::1], and the port must follow the host's last ':' and be all
 * digits, 1..65535, with nothing after it ("http://127.0.0.1:8080/" or "...?x" is not
 * one). Surrounding whitespace is ignored. */
unsigned win_loopback_proxy_port(const char *value);

/* The settings a run of identity `id` needs, from the command's environment ("K=V"
 * entries, NULL-terminated; keys match case-sensitively): online gets no ports and no
 * local binding whatever the environment says; offline gets the ports of the ten proxy
 * keys that hold loopback proxy URLs and allow_local_binding when
 * CODEX_NETWORK_ALLOW_LOCAL_BINDING is exactly "1". */
void win_net_settings_from_env(char *const *env, enum win_identity id,
			       struct win_net_settings *out);

/* offline when the proxy is enforced or the policy lacks full network access. */
enum win_identity win_identity_for(const struct sandbox_policy *p, bool proxy_enforced);

/* The backend for a policy: `configured` is [windows] sandbox ("elevated",
 * "unelevated", or NULL for the unelevated default). Proxy enforcement always takes the
 * elevated backend (the firewall binds to the logon users), also when "unelevated" was
 * configured; *forced says that it overrode the configuration. */
enum win_backend win_backend_for(const char *configured, const struct sandbox_policy *p,
				 bool proxy_enforced, bool *forced);

/* ---- Firewall --------------------------------------------------------------------- */

/* Upstream's rule names (the Name shown by the firewall UI and netsh). */
#define WIN_FW_RULE_NON_LOOPBACK "codex_sandbox_offline_block_outbound"
#define WIN_FW_RULE_LOOPBACK_UDP "codex_sandbox_offline_block_loopback_udp"
#define WIN_FW_RULE_LOOPBACK_TCP "codex_sandbox_offline_block_loopback_tcp"
#define WIN_FW_RULE_LEGACY_ALLOW "codex_sandbox_offline_allow_loopback_proxy"
/* Address lists in the forms the firewall accepts: "::1" makes SetRemoteAddresses fail
 * (HRESULT 0xD000000D), so IPv6 loopback is the range ::/127 (:: and ::1), and the
 * non-loopback list starts after it. */
#define WIN_FW_LOOPBACK_ADDRESSES "127.0.0.0/8,::/127"
#define WIN_FW_NON_LOOPBACK_ADDRESSES \
	"0.0.0.0-126.255.255.255,128.0.0.0-255.255.255.255," \
	"::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"

enum win_fw_protocol {
	WIN_FW_PROTO_TCP = 6,
	WIN_FW_PROTO_UDP = 17,
	WIN_FW_PROTO_ANY = 256
};

enum win_fw_action {
	WIN_FW_UPSERT, /* create or update the outbound block rule with these properties */
	WIN_FW_REMOVE  /* remove the rule by name; a missing rule is fine */
};

/* Room for the complement of WIN_PROXY_PORTS_MAX ports: 11 ranges "a-b," of at most 12
 * characters, and the NUL. */
#define WIN_FW_PORTS_MAX 160
#define WIN_FW_OPS_MAX 6

/* One step of the firewall plan. Every upserted rule is outbound, action block,
 * enabled, in all profiles, and applies only to the offline account
 * (LocalUserAuthorizedList "O:LSD:(A;;CC;;;<offline SID>)"). */
struct win_fw_op {
	enum win_fw_action action;
	const char *name;             /* static */
	const char *description;      /* static; NULL for removals */
	enum win_fw_protocol protocol;
	const char *remote_addresses; /* static; NULL for removals */
	char remote_ports[WIN_FW_PORTS_MAX]; /* "" = not set (never set on ANY, which
				       the firewall refuses, nor when every port is meant) */
};

/* The loopback TCP ports to block: 1..65535 minus ports[] (port 0 ignored, any order,
 * duplicates allowed), as ranges "a-b" or single ports, comma-joined, ascending.
 * Returns 1 with out filled, 0 when nothing is left to block (out ""), -1 when cap is
 * too small. */
int win_fw_blocked_ports(const uint16_t *ports, size_t n, char *out, size_t cap);

/* The ordered operations for the offline identity's rules; returns how many (at most
 * WIN_FW_OPS_MAX). Without local binding, fail closed: block loopback UDP, block all
 * loopback TCP, only then remove the legacy allow rule, then narrow the TCP block to
 * the complement of the proxy ports, then block everything non-loopback. With local
 * binding: remove the legacy allow rule and both loopback blocks, then block everything
 * non-loopback. */
size_t win_fw_plan(const struct win_net_settings *s, struct win_fw_op out[WIN_FW_OPS_MAX]);

/* ---- Setup marker ----------------------------------------------------------------- */

/* CODEX_HOME\.sandbox\setup_marker.json as far as the decision needs it. Markers from
 * before proxy support lack proxy_ports and allow_local_binding: [] and false. */
struct win_marker {
	int64_t version;
	struct win_net_settings net;
};

/* Parses a marker; -1 with e saying why for anything malformed (not an object, a
 * version that is not an integer, ports that are not 1..65535 integers or more than
 * WIN_PROXY_PORTS_MAX of them, len over WIN_MARKER_MAX_BYTES). Ports come out sorted
 * and deduplicated. */
int win_marker_parse(const char *json, size_t len, struct win_marker *out, struct err *e);

/* The marker the setup writes for these settings (compact JSON, caller frees):
 * {"version":5,"offline_username":...,"online_username":...,"created_at":...,
 *  "proxy_ports":[...],"allow_local_binding":...,"read_roots":[],"write_roots":[]}. */
char *win_marker_json(const struct win_net_settings *s, const char *created_at);

/* Whether the elevated setup must (re)run before a run of identity id with the desired
 * settings: marker NULL (missing or unreadable) or of another version: "sandbox setup
 * marker missing or incompatible"; for the offline identity only, stored ports or local
 * binding differing from the desired ones: upstream's "offline firewall settings changed
 * (stored_ports=[3128], desired_ports=[1081, 8080], stored_allow_local_binding=false,
 * desired_allow_local_binding=true)". Returns true with reason filled, else false
 * (reason ""). */
#define WIN_REASON_MAX 320
bool win_setup_needed(const struct win_marker *marker, enum win_identity id,
		      const struct win_net_settings *desired, char reason[WIN_REASON_MAX]);

/* ---- The whole plan ---------------------------------------------------------------- */

struct win_plan_input {
	const struct sandbox_policy *policy;
	bool proxy_enforced;            /* the network proxy is on for this run */
	const char *configured_backend; /* [windows] sandbox, or NULL */
	char *const *env;               /* the command's environment (with the proxy's
					   variables when the proxy is on) */
	const struct win_marker *marker; /* the current marker, or NULL when missing */
	char *const *command;           /* argv, for the record */
	const char *codex_home;         /* where the marker, secrets and helpers live */
	char *const *proxy_args;        /* `codex proxy` policy flags for a proxied run
					   (--allow D, --deny D, ...), or NULL; not part of
					   the plan, only of applying it */
};

struct win_plan {
	enum win_backend backend;
	bool backend_forced;            /* proxy enforcement overrode "unelevated" */
	enum win_identity identity;
	struct win_net_settings net;    /* the desired firewall settings */
	struct win_fw_op fw[WIN_FW_OPS_MAX];
	size_t n_fw;
	bool setup_needed;
	char setup_reason[WIN_REASON_MAX];
};

void win_plan_build(const struct win_plan_input *in, struct win_plan *out);

/* The plan as pretty JSON with a final newline (caller frees), the same bytes on every
 * OS for the same inputs: paths are named by role ("<cwd>", "<codex_home>\\.sandbox",
 * ...), never as one machine spells them. NULL when memory runs out. */
char *win_plan_json(const struct win_plan_input *in, const struct win_plan *p);

/* Applies the plan and runs the command: on Windows, sandbox/windows/apply_win.c; on
 * other systems (apply_posix.c) it only says that it cannot. Returns the command's exit
 * status, or -1 with e filled when the command did not run. */
int win_sandbox_apply(const struct win_plan_input *in, const struct win_plan *p,
		      struct err *e);

/* ---- The agent's commands (spawn_win.c, Windows only) ------------------------------
 *
 * What src/agent/proc_win.c starts for one command, without waiting for it, with the
 * given stdio (HANDLEs, inheritable; the caller closes its copies). danger-full-access
 * runs the command itself; read-only and workspace-write run it through this executable
 * as codex-command-runner (the unelevated backend: a write-restricted token with the
 * capability SID of codex_home, granted write access to the writable roots first, in a
 * kill-on-close job; the network is off only by environment, as upstream's unelevated
 * backend). Either way the started process is put in a new kill-on-close job object
 * (*job), so that ending the job ends the command and everything it started. */
struct win_started {
	void *process;  /* HANDLE of the process started */
	void *job;      /* HANDLE of its job object */
};
/* Returns 0 when it started; 1 with *r filled when the command did not run (not found:
 * EXIT_NOT_FOUND, cannot execute, sandbox setup failed), -1 with e filled when nothing
 * could even be tried (out of memory). */
int win_sandbox_spawn(const struct sandbox_command *c, const char *codex_home,
		      void *const stdio[3], struct win_started *out, struct sandbox_result *r,
		      struct err *e);

/* Windows only, for CreateProcess* (win32_win.c): an environment block from "K=V"
 * entries, and a command line from argv quoted by the C runtime's rules (caller frees;
 * NULL when memory runs out). */
wchar_t *win_env_block(char *const *env);
wchar_t *win_command_line(char *const *argv);

/* The roles codex.exe takes under other names (src/main.c), from <codex_home>/.sandbox-bin:
 *   codex-windows-sandbox-setup <base64 JSON>   the elevated setup (setup_win.c)
 *   codex-command-runner --cap-sid=SID [--cwd=DIR] -- COMMAND...
 *                                               started as the sandbox account: runs
 *                                               COMMAND restricted (runner_win.c)
 * Elsewhere both say that they exist only on Windows and exit 1. */
int win_setup_main(int argc, char **argv);
int win_runner_main(int argc, char **argv);

#endif
