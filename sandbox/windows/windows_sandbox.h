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
/* The longest marker file read (WIN_MARKER_ROOTS_MAX keys of a few hundred bytes). */
#define WIN_MARKER_MAX_BYTES (1 << 20)

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
 * before proxy support lack proxy_ports and allow_local_binding: [] and false.
 * write_roots holds the keys (win_cwd_key) of the paths the setup (or a refresh) has
 * granted write access to, and the working directories of read-only runs
 * (win_setup_root_keys); upstream writes it empty. */
struct win_marker {
	int64_t version;
	struct win_net_settings net;
	struct strv write_roots;
};

/* At most this many write roots are remembered (the oldest are dropped first: a
 * dropped one only costs a refresh). */
#define WIN_MARKER_ROOTS_MAX 1024

/* Parses a marker; -1 with e saying why for anything malformed (not an object, a
 * version that is not an integer, ports that are not 1..65535 integers or more than
 * WIN_PROXY_PORTS_MAX of them, write_roots that are not strings or more than
 * WIN_MARKER_ROOTS_MAX, len over WIN_MARKER_MAX_BYTES). Ports come out sorted and
 * deduplicated. The caller frees out with win_marker_free (also after a failure). */
int win_marker_parse(const char *json, size_t len, struct win_marker *out, struct err *e);
/* The same on an object already parsed (the setup request shares these fields). */
struct cJSON;
int win_marker_parse_fields(const struct cJSON *root, struct win_marker *out, struct err *e);
void win_marker_free(struct win_marker *m);

/* The marker the setup writes for these settings (compact JSON, caller frees):
 * {"version":5,"offline_username":...,"online_username":...,"created_at":...,
 *  "proxy_ports":[...],"allow_local_binding":...,"read_roots":[],"write_roots":[...]}.
 * write_roots may be NULL (none). */
char *win_marker_json(const struct win_net_settings *s, const char *created_at,
		      const struct strv *write_roots);

/* Appends the keys of add that into lacks, dropping the oldest beyond
 * WIN_MARKER_ROOTS_MAX. -1 with e filled when memory runs out. */
int win_marker_roots_merge(struct strv *into, const struct strv *add, struct err *e);

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

/* What an elevated run needs first (reference §3.7): */
enum win_readiness {
	WIN_READY,        /* nothing: run the command */
	WIN_READY_REFRESH, /* the setup helper without elevation (no UAC): grant the write
			      roots the marker does not list yet */
	WIN_READY_SETUP   /* the full setup, elevated (UAC) */
};
/* The decision: the full setup when win_setup_needed says so or the accounts'
 * passwords cannot be loaded ("sandbox users missing or incompatible with marker
 * version"); else a refresh when a key of want_roots (win_cwd_key forms) is not among
 * the marker's write_roots ("sandbox access not yet granted to <key>"); else ready.
 * reason is filled for the first two. */
enum win_readiness win_readiness_for(const struct win_marker *marker, enum win_identity id,
				     const struct win_net_settings *desired, bool users_loadable,
				     const struct strv *want_roots, char reason[WIN_REASON_MAX]);

/* ---- The setup as steps that roll back (setup_txn.c, setup_error.c) ----------------
 *
 * The elevated setup helper runs a fixed list of steps (users, hiding them, firewall,
 * ACLs, marker). Each step records in a journal every change it actually made, before
 * or as it makes it: an account it created (not one that existed), a firewall rule it
 * added, or the properties of one it changed or removed, a DACL as it was before, a
 * file's previous content. When a step fails, every change of this run is undone in
 * reverse order (the failing step's own first), and only those: a pre-existing account
 * or rule is never deleted. The helper then writes setup_error.json, which says what
 * failed (step, API, error code and its words), what was rolled back and what could
 * not be; the unelevated caller reports it as one line. The engine is pure C; the
 * Win32 side plugs in through struct win_setup_ops (setup_steps_win.c), the unit tests
 * through a fake one. */

enum win_change_kind {
	WIN_CHANGE_GROUP_CREATED,     /* target: the group */
	WIN_CHANGE_USER_CREATED,      /* target: the account */
	WIN_CHANGE_PASSWORD_CHANGED,  /* target: the account; saved: its previous password
					 as the secrets file held it (DPAPI, base64), or none */
	WIN_CHANGE_MEMBER_ADDED,      /* target: the account; detail: the group */
	WIN_CHANGE_REG_VALUE_ADDED,   /* target: the value (an account hidden at logon) */
	WIN_CHANGE_REG_VALUE_CHANGED, /* the same; saved: the previous DWORD in decimal */
	WIN_CHANGE_FILE_WRITTEN,      /* target: the path; saved: its previous content, or
					 none when it did not exist */
	WIN_CHANGE_FW_RULE_ADDED,     /* target: the rule's name */
	WIN_CHANGE_FW_RULE_CHANGED,   /* the same; saved: its properties before (fw state) */
	WIN_CHANGE_FW_RULE_REMOVED,   /* the same; saved: its properties (fw state) */
	WIN_CHANGE_DACL_CHANGED       /* target: the path; saved: the DACL before (SDDL);
					 detail: the DACL this run left (SDDL) */
};

enum win_undo_state {
	WIN_UNDO_PENDING, /* not attempted (the setup succeeded) */
	WIN_UNDO_DONE,
	WIN_UNDO_FAILED   /* undo_error says why */
};

struct win_change {
	enum win_change_kind kind;
	size_t step;                  /* index of the step that made it */
	char *target, *detail;        /* detail may be NULL */
	char *saved;                  /* NULL when there is nothing saved */
	size_t saved_len;
	enum win_undo_state undo;
	char *undo_error;             /* one line, when undo is WIN_UNDO_FAILED */
};

/* At most this many changes per run (a setup makes a few dozen; a runaway step is
 * refused rather than growing without bound). */
#define WIN_JOURNAL_MAX 4096

struct win_journal {
	struct win_change *v;
	size_t n, cap;
	size_t step; /* the step now running; the engine sets it */
};

/* Records a change of the running step (copies the strings; saved may hold any bytes).
 * -1 with e filled when memory runs out or the journal is full. */
int win_journal_add(struct win_journal *j, enum win_change_kind kind, const char *target,
		    const char *detail, const void *saved, size_t saved_len, struct err *e);
void win_journal_free(struct win_journal *j);

/* What the change did, in words: "created account CodexSandboxOffline" (no newline). */
void win_change_describe(const struct win_change *c, char *out, size_t cap);

struct win_setup_step {
	const char *name; /* "users", "firewall", ...: reported, and matched by the test hook */
	const char *code; /* upstream's error code for a failure here ("helper_...") */
	int (*apply)(void *ctx, struct win_journal *j, struct err *e);
};

struct win_setup_ops {
	const struct win_setup_step *steps;
	size_t n_steps;
	/* Undoes one change; -1 with e filled (one line) when it cannot. */
	int (*undo)(void *ctx, const struct win_change *c, struct err *e);
	/* The failure a forced test failure looks like (the Win32 error `code` as the API
	 * named after the hook would report it); NULL for a plain message. */
	void (*forced_failure)(void *ctx, const char *step, unsigned long code, struct err *e);
	/* Removes the setup marker, so that the next run sets up again; called when some
	 * change could not be undone (the marker would describe a state that no longer
	 * holds). NULL when there is none. */
	int (*forget_marker)(void *ctx, struct err *e);
	void *ctx;
};

/* The test hook: CODEX_WINDOWS_SANDBOX_SETUP_FAIL_AT=STEP[:CODE] makes step STEP fail
 * after it has applied its changes, as if its last call had failed with Win32 error
 * CODE (default 1627, ERROR_FUNCTION_FAILED). For tests only (README, "Windows"). */
#define WIN_SETUP_FAIL_AT_ENV "CODEX_WINDOWS_SANDBOX_SETUP_FAIL_AT"

struct win_setup_result {
	long failed_step;          /* index of the failed step; -1 when none failed (or the
				      test hook named no step: then nothing ran) */
	struct err error;          /* the failure, one line */
	size_t n_undone, n_not_undone;
	bool marker_removed;       /* forget_marker ran and succeeded */
	struct err marker_error;   /* forget_marker failed (msg "" otherwise) */
};

/* Runs the steps in order; on a failure undoes the journal's changes newest first
 * (each attempted once, failures recorded and the rest still attempted), then calls
 * forget_marker when any could not be undone. fail_at is the test hook's value or NULL;
 * a value naming no step fails before any step runs. Returns 0 when every step
 * succeeded, else -1 with r (and the journal's undo states) filled. */
int win_setup_run(const struct win_setup_ops *ops, const char *fail_at, struct win_journal *j,
		  struct win_setup_result *r);

/* A failure line as win_fail/win_fail_hr make it, taken apart:
 * "<what>: <API> failed: <words> (error N)" or "... (HRESULT 0x8007000E)". Returns 0
 * when msg has that form. */
struct win_api_failure {
	char api[128];
	char words[256];
	unsigned long code;
	bool hresult;
};
int win_api_failure_parse(const char *msg, struct win_api_failure *out);

/* <codex_home>/.sandbox/setup_error.json for a failed run (compact JSON, caller frees):
 * {"code","message"} as upstream, then "step", "api", "error_code" (a number, or
 * "0x..." for an HRESULT), "error_words" (those three null when the failure was not a
 * Win32/COM call), "rolled_back": [what was undone, in the order undone],
 * "not_rolled_back": [{"change","error"}], "marker_removed". NULL on no memory. */
char *win_setup_error_json(const struct win_setup_ops *ops, const struct win_journal *j,
			   const struct win_setup_result *r);

/* The longest setup_error.json the caller reads. */
#define WIN_SETUP_ERROR_MAX_BYTES (1 << 20)

/* The caller's one line for a setup_error.json found at path: "Windows sandbox setup
 * failed at step firewall (helper_...): <message>; rolled back N changes[; M could not
 * be undone: <first>] (details: <path>)". -1 with e filled when json is not such a
 * file (the caller then reports the helper's exit status). */
int win_setup_error_line(const char *json, size_t len, const char *path, char *out,
			 size_t cap, struct err *e);

/* ---- Firewall rule snapshots (fw_state.c) ------------------------------------------
 * The properties of a rule as the setup manages them, saved before it changes or
 * removes one so that rollback can put them back. */
struct win_fw_state {
	char *description, *remote_addresses, *remote_ports, *local_users; /* may be NULL */
	long direction, action, protocol, profiles;
	bool enabled;
};
/* Compact JSON (caller frees; NULL on no memory). */
char *win_fw_state_json(const struct win_fw_state *s);
/* -1 with e filled for anything else than what win_fw_state_json writes. */
int win_fw_state_parse(const char *json, size_t len, struct win_fw_state *out, struct err *e);
void win_fw_state_free(struct win_fw_state *s);

/* ---- Capability SIDs (cap_sids.c) ---------------------------------------------------
 * <codex_home>/cap_sid (reference codex-windows-sandbox.md §1): random SIDs that the
 * restricted token carries as restricting SIDs, so that a command may write only where
 * an ACE grants one of them write access. {"workspace": SID, "readonly": SID,
 * "workspace_by_cwd": {cwd key: SID}}: read-only runs carry `readonly`; workspace-write
 * runs carry `workspace` and the SID of their working directory, which alone is granted
 * the working directory (and denied its .codex and .agents), so that one workspace's
 * grants and protections do not carry over to another. An older file holding a bare SID
 * string is that workspace SID. */

#define WIN_CAP_SID_MAX 64        /* "S-1-5-21-" and four u32s fit in 50 */
#define WIN_CAP_BY_CWD_MAX 4096   /* working directories remembered */
#define WIN_CAP_FILE_MAX_BYTES (1 << 20)

struct win_cap_cwd {
	char *key;                    /* win_cwd_key of the directory */
	char sid[WIN_CAP_SID_MAX];
};

struct win_cap_sids {
	char workspace[WIN_CAP_SID_MAX]; /* "" until created */
	char readonly[WIN_CAP_SID_MAX];
	struct win_cap_cwd *by_cwd;
	size_t n_cwd;
	bool changed;                 /* something was created or migrated: write it back */
};

/* Whether s is a capability SID as this file holds them: S-1-5-21- and exactly four
 * decimal sub-authorities, each 0..4294967295 without leading zeros. */
bool win_cap_sid_valid(const char *s);

/* The key of a working directory: '/' and '\' alike (as '\'), ASCII letters lower-case
 * (Windows paths compare without case), no trailing separator except after a drive
 * ("c:\"). -1 when it does not fit in cap. */
int win_cwd_key(const char *cwd, char *out, size_t cap);

/* Parses the file's text (len 0: no file yet, all empty). A bare SID string (the older
 * form, JSON or not) becomes the workspace SID and sets changed. -1 with e filled for
 * anything else malformed: invalid SIDs, keys that are not keys, more than
 * WIN_CAP_BY_CWD_MAX entries, len over WIN_CAP_FILE_MAX_BYTES. */
int win_cap_sids_parse(const char *text, size_t len, struct win_cap_sids *out, struct err *e);
/* Compact JSON, keys in the order given (caller frees; NULL on no memory). */
char *win_cap_sids_json(const struct win_cap_sids *s);
void win_cap_sids_free(struct win_cap_sids *s);

/* Fills in what a run in cwd needs and is missing (workspace, readonly, cwd's own SID),
 * each from four draws of rand32, and sets changed when it did; cwd_sid gets cwd's SID.
 * -1 with e filled when the table is full or memory runs out. */
int win_cap_sids_ensure(struct win_cap_sids *s, const char *cwd,
			uint32_t (*rand32)(void *rng), void *rng, char cwd_sid[WIN_CAP_SID_MAX],
			struct err *e);

/* The restricting SIDs of a run's token: read-only: readonly; workspace-write:
 * workspace and cwd_sid; others: none. Returns how many (at most 2) were put in out. */
size_t win_cap_sids_for_policy(enum sandbox_mode mode, const struct win_cap_sids *s,
			       const char *cwd_sid, const char *out[2]);

/* ---- ACL grants (acl_plan.c) --------------------------------------------------------
 * The one list of ACL changes a run needs (reference codex-windows-sandbox.md §2 step 5,
 * §3.2, §3.5). plan.c prints it by role ("<cwd>", "<%TEMP%>", ...); the unelevated
 * backend (apply_win.c) and the setup helper (setup_steps_win.c) apply the same list
 * resolved to paths, so that what `--plan` shows and what is applied cannot drift. */

enum win_acl_target {
	WIN_ACL_CWD,           /* "<cwd>" */
	WIN_ACL_WRITABLE_ROOT, /* one of the policy's writable roots */
	WIN_ACL_TEMP,          /* "<%TEMP%>": %TEMP% and %TMP% */
	WIN_ACL_CWD_CODEX,     /* "<cwd>\.codex", where it exists */
	WIN_ACL_CWD_AGENTS,    /* "<cwd>\.agents", where it exists */
	WIN_ACL_READ_ROOT,     /* one of the read roots (elevated) */
	WIN_ACL_SANDBOX_BIN,   /* "<codex_home>\.sandbox-bin" */
	WIN_ACL_SANDBOX_DIR,   /* "<codex_home>\.sandbox" */
	WIN_ACL_SECRETS_DIR    /* "<codex_home>\.sandbox-secrets" */
};
#define WIN_ACL_TARGETS 9

/* The name a target has in the setup request ("cwd", "temp", ...), and back (-1 for
 * none). */
const char *win_acl_target_name(enum win_acl_target t);
int win_acl_target_parse(const char *name);

enum win_acl_who {
	WIN_WHO_CWD_SID = 1,       /* the capability SID of the working directory */
	WIN_WHO_WORKSPACE_SID = 2, /* the workspace capability SID */
	WIN_WHO_GROUP = 4          /* CodexSandboxUsers (elevated only) */
};

enum win_acl_rights {
	WIN_RIGHTS_RWXD,  /* read, write, execute, delete, delete child */
	WIN_RIGHTS_RX,    /* read, execute */
	WIN_RIGHTS_WRITE  /* write and delete (what a deny entry takes away) */
};

/* How a target is changed: an entry merged into the DACL and inherited by files and
 * subdirectories; for the sandbox's own directories the explicit DACL is replaced
 * (SYSTEM, Administrators and the real user keep their access); read roots only where
 * Users, Authenticated Users, Everyone or the group cannot read already. */
enum win_acl_how {
	WIN_HOW_MERGE,
	WIN_HOW_REPLACE,
	WIN_HOW_READ_UNLESS_READABLE
};

/* Which setup helper step applies a target (setup_steps_win.c). */
enum win_acl_step {
	WIN_STEP_WRITE_ACLS,      /* cwd, writable roots, %TEMP%: the setup fails on error */
	WIN_STEP_READ_ACLS,       /* read roots: best effort */
	WIN_STEP_LOCK_DIRS,       /* the sandbox's own directories (full setup only) */
	WIN_STEP_PROTECTED_PATHS  /* cwd's .codex and .agents */
};

struct win_acl_rule {
	unsigned who;             /* enum win_acl_who bits */
	enum win_acl_rights rights;
	bool deny;
	enum win_acl_how how;
	bool only_if_exists;      /* skipped when the path does not exist */
	bool create;              /* the directory is created first */
	enum win_acl_step step;
};

/* The rule for a target in the elevated or the unelevated backend. */
void win_acl_rule(enum win_acl_target t, bool elevated, struct win_acl_rule *out);

/* One entry of the list: a target (root: which writable root) and its rule. */
struct win_acl_entry {
	enum win_acl_target target;
	size_t root;
	struct win_acl_rule rule;
};

/* Entries besides one per writable root. */
#define WIN_ACL_FIXED_ENTRIES 8

/* The ACL changes of a run with policy p in the given backend, in the order they are
 * applied: out must hold p->writable_roots.n + WIN_ACL_FIXED_ENTRIES. Returns how many. */
size_t win_acl_entries(const struct sandbox_policy *p, bool elevated, struct win_acl_entry *out);

/* What the roles stand for on this machine. */
struct win_acl_places {
	const char *cwd, *codex_home;
	const char *temp[2];               /* %TEMP% and %TMP%; NULL or "" when unset */
	const struct strv *writable_roots; /* the policy's */
	const struct strv *read_roots;     /* NULL: none */
};

/* One entry resolved to a path. */
struct win_grant {
	enum win_acl_target target;
	char *path;
	struct win_acl_rule rule;
};

#define WIN_GRANTS_MAX 8192 /* read roots are one per profile entry: thousands at most */

struct win_grants {
	struct win_grant *v;
	size_t n;
};

/* The entries resolved to paths, in order (a target with no path, such as %TEMP% when
 * it is unset, gives none; %TMP% equal to %TEMP% gives one). Appends to out; -1 with e
 * filled when memory runs out or more than WIN_GRANTS_MAX would result. */
int win_acl_resolve(const struct win_acl_entry *v, size_t n, const struct win_acl_places *pl,
		    struct win_grants *out, struct err *e);
/* Appends one grant (path copied) with target t's elevated rule. */
int win_grants_add(struct win_grants *g, enum win_acl_target t, const char *path,
		   struct err *e);
void win_grants_free(struct win_grants *g);

/* The keys (win_cwd_key) of the paths a write-step grant of g gives write access to,
 * appended to out: what the setup marker records as granted. */
int win_grants_write_keys(const struct win_grants *g, struct strv *out, struct err *e);
/* The same plus cwd's key: what the marker's write_roots record and readiness wants.
 * The working directory of a read-only run is a read root, granted by the setup too,
 * so that a new one is noticed as well. */
int win_setup_root_keys(const struct win_grants *g, const char *cwd, struct strv *out,
			struct err *e);

/* The read roots of the elevated backend (reference §3.1, "Root gathering"): codex.exe's
 * directory, <codex_home>\.sandbox-bin, C:\Windows, C:\Program Files, C:\Program Files
 * (x86), C:\ProgramData, every top-level entry of the profile but the homes of secrets
 * (win_profile_entry_is_secret; the profile itself when it could not be listed), the
 * working directory and the writable roots; without duplicates and without the paths
 * granted write access already (write_keys: win_cwd_key forms). */
struct win_read_roots_input {
	const char *exe_dir, *codex_home, *cwd;
	const char *profile;              /* %USERPROFILE%, or NULL */
	char *const *profile_entries;     /* its entries' names; NULL: could not be listed */
	const struct strv *writable_roots; /* the policy's, or NULL */
	const struct strv *write_keys;    /* or NULL */
};
bool win_profile_entry_is_secret(const char *name);
/* Appends to out; -1 with e filled when memory runs out or a path is too long. */
int win_read_roots(const struct win_read_roots_input *in, struct strv *out, struct err *e);

/* ---- The setup helper's request (setup_request.c) ----------------------------------
 * Base64 of this JSON is the helper's one argument:
 * {"version":5,"codex_home":"C:/...","cwd":"C:/...","real_user":"name",
 *  "cap_sid":"S-1-5-21-...","cwd_cap_sid":"S-1-5-21-...","refresh_only":false,
 *  "grants":[{"target":"cwd","path":"C:/..."},...],"proxy_ports":[3128],
 *  "allow_local_binding":false}. A grant's rights follow from its target
 * (win_acl_rule, elevated). Decoding checks the version and the ports as the marker
 * parser does, and refuses more than WIN_GRANTS_MAX grants or unknown targets. */
struct win_setup_request {
	char *codex_home, *cwd, *real_user;
	char *cap_sid;                /* the workspace capability SID */
	char *cwd_cap_sid;            /* cwd's own capability SID (cap_sid when absent) */
	struct win_grants grants;     /* win_acl_entries resolved by the caller */
	struct win_net_settings net;
	bool refresh_only;            /* unelevated refresh: only the ACL grants of write
					 and read roots, and the marker's roots (§3.1) */
};
/* The longest payload decoded (the grants of thousands of read roots fit). */
#define WIN_SETUP_REQUEST_MAX_BYTES (4 << 20)
void win_setup_request_free(struct win_setup_request *r);
/* Caller frees; NULL when memory runs out. */
char *win_setup_request_encode(const struct win_setup_request *r);
int win_setup_request_decode(const char *arg, struct win_setup_request *r, struct err *e);
/* codex_home from a payload that failed to decode as a whole, so that the helper can
 * still leave setup_error.json; NULL when there is none. Caller frees. */
char *win_setup_request_codex_home(const char *arg);

/* ---- The environment of an elevated run (env_fix.c) -------------------------------- */

/* A GIT_CONFIG_COUNT at or above this is refused (git itself has no lower limit; this
 * is far above any real use). */
#define WIN_GIT_CONFIG_COUNT_MAX 1000

/* What the command's environment ("K=V", names compared without case) needs when it
 * runs as a sandbox account (reference §4 step 1): values "/dev/null" become "NUL";
 * GIT_PAGER and PAGER default to more.com and LESS to "" (nothing answers a pager);
 * and with git_root, safe.directory=<git_root> is appended through
 * GIT_CONFIG_COUNT/GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n, because the repository belongs
 * to the real user. -1 with e filled when memory runs out or GIT_CONFIG_COUNT is not a
 * count below WIN_GIT_CONFIG_COUNT_MAX. */
int win_env_for_logon_user(struct strv *env, const char *git_root, struct err *e);

/* The nearest directory from cwd upwards for which has_git says it holds .git (a
 * directory or a gitfile), or NULL (caller frees). */
char *win_git_root(const char *cwd, bool (*has_git)(const char *dir, void *ctx), void *ctx);

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
 *   codex-command-runner --cap-sid=SID... [--cwd=DIR] -- COMMAND...
 *                                               started as the sandbox account: runs
 *                                               COMMAND restricted (runner_win.c)
 * Elsewhere both say that they exist only on Windows and exit 1. */
int win_setup_main(int argc, char **argv);
int win_runner_main(int argc, char **argv);

#endif
