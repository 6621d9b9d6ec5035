/* Private to the *_win.c files of sandbox/windows: the Win32 side of applying a plan.
 * Every failure becomes one line naming the API and the error in words, through
 * win_fail / win_fail_hr. Nothing here is built into the Linux binary. */
#ifndef CODEX_SANDBOX_WINDOWS_WIN_H
#define CODEX_SANDBOX_WINDOWS_WIN_H

#include <windows.h>

#include <stdbool.h>

#include "base/err.h"
#include "base/strv.h"
#include "sandbox/windows/windows_sandbox.h"

/* "<what>: <api> failed: <the system's message> (error N)"; returns -1. */
int win_fail(struct err *e, const char *what, const char *api, DWORD code);
/* The same for an HRESULT: "... (HRESULT 0x80070005)". */
int win_fail_hr(struct err *e, const char *what, const char *api, HRESULT hr);

/* UTF-8 <-> UTF-16; the caller frees; NULL when memory runs out or s is invalid. */
wchar_t *win_wide(const char *s);
char *win_utf8(const wchar_t *s);

/* A password of WIN_PASSWORD_LEN characters from upstream's alphabet, drawn from
 * BCryptGenRandom with rejection sampling (no modulo bias). */
#define WIN_PASSWORD_LEN 24
int win_random_password(char out[WIN_PASSWORD_LEN + 1], struct err *e);

/* The string SID of an account ("S-1-5-21-..."), caller frees. */
char *win_account_sid(const char *name, struct err *e);

/* ---- setup (setup_win.c, users_win.c, acl_win.c, firewall_win.c) ------------------ */

/* The group and both accounts, with fresh passwords, DPAPI-protected into
 * <codex_home>/.sandbox-secrets/sandbox_users.json. Records in j what it created (a
 * group or account that existed is not), the passwords it changed (with the previous
 * ones as the secrets file held them) and the secrets file's previous content. */
int win_provision_users(const char *codex_home, struct win_journal *j, struct err *e);
/* Hides both accounts from the logon screen (best effort, as upstream: the accounts
 * work when shown), recording the registry values it added or changed. */
void win_hide_users(struct win_journal *j);
/* The undo of a change made by the two above (users_win.c). */
int win_users_undo(const char *codex_home, const struct win_change *c, struct err *e);
/* The password of one account, read back and DPAPI-decrypted (caller frees). */
char *win_load_password(const char *codex_home, const char *user, struct err *e);

/* One access entry: an account name or a string SID ("S-1-..."). */
struct win_ace {
	const char *who;
	DWORD mask;
	bool deny;
};
#define WIN_ACES_MAX 8
/* Sets the entries on path, inherited by files and subdirectories: merged into the
 * DACL, or (replace) as its only explicit entries; recorded in j (NULL: not) with the
 * DACL before and after. */
int win_acl_set_j(const char *path, const struct win_ace *aces, size_t n, bool replace,
		  struct win_journal *j, struct err *e);
/* *out: whether Users, Authenticated Users, Everyone or the group (NULL: not looked
 * at) may already do all of want on path itself. */
int win_acl_readable(const char *path, const char *group, DWORD want, bool *out,
		     struct err *e);

/* What the roles of a grant's trustees are on this machine. */
struct win_grant_ids {
	const char *cwd_sid, *workspace_sid; /* capability SIDs */
	const char *real_user;               /* for replaced DACLs; NULL: none */
};
/* Applies one resolved grant (windows_sandbox.h, "ACL grants"; grant_win.c), recording
 * in j (NULL: not). A read-root grant that is not needed is skipped; with SBX_DEBUG=1
 * every grant applied is printed to stderr as "codex: sandbox: DEBUG: acl ...". */
int win_grant_apply(const struct win_grant *g, const struct win_grant_ids *ids,
		    struct win_journal *j, struct err *e);

/* Grants (or denies, with deny) mask to the account or SID `who` on path, inherited by
 * files and subdirectories, keeping the DACL's other entries. */
int win_acl_grant(const char *path, const char *who, DWORD mask, bool deny, struct err *e);
/* The same, recording the DACL before and after in j (NULL: not recorded). */
int win_acl_grant_j(const char *path, const char *who, DWORD mask, bool deny,
		    struct win_journal *j, struct err *e);
/* Puts back the DACL `before` (SDDL) if the current one is still `after` (NULL: in any
 * case). */
int win_acl_restore(const char *path, const char *before, const char *after, struct err *e);

/* Applies the firewall operations of win_fw_plan for the offline account's SID, after
 * checking that local rules take effect (Group Policy may override them). */
int win_firewall_apply(const struct win_net_settings *s, const char *offline_sid,
		       struct win_journal *j, struct err *e);
/* The undo of a firewall change: removes a rule this run added, puts back the saved
 * properties of one it changed, re-creates one it removed. */
int win_firewall_undo(const struct win_change *c, struct err *e);

/* The setup helper's steps and undos as an ops table for win_setup_run
 * (setup_steps_win.c); ctx is the request. */
void win_setup_ops_for(const struct win_setup_request *r, struct win_setup_ops *out);

/* ---- the unelevated backend (apply_win.c) ----------------------------------------- */

/* What a restricted command may do to its writable roots. */
#define WIN_WRITE_MASK (FILE_GENERIC_READ | FILE_GENERIC_WRITE | FILE_GENERIC_EXECUTE | DELETE | \
			FILE_DELETE_CHILD)

/* The capability SIDs of this CODEX_HOME (<codex_home>/cap_sid, cap_sids.c) with the
 * ones a run in cwd needs created (BCryptGenRandom) and the file written back when it
 * changed; cwd_sid gets cwd's own. The caller frees s with win_cap_sids_free. */
int win_capability_sids(const char *codex_home, const char *cwd, struct win_cap_sids *s,
			char cwd_sid[WIN_CAP_SID_MAX], struct err *e);

/* The unelevated backend's ACL grants (win_acl_entries, not elevated): for
 * workspace-write, write access to cwd for cwd_sid and to the policy's writable roots
 * and %TEMP%/%TMP% (from env, "K=V"; NULL: ours) for the workspace SID, and cwd_sid
 * denied writing cwd's .codex and .agents where they exist (as the real user, who owns
 * them). Nothing for other policies. */
int win_grant_writable_roots(const struct sandbox_policy *p, const char *cwd, char *const *env,
			     const struct win_cap_sids *s, const char *cwd_sid, struct err *e);

/* ---- running (token_win.c) -------------------------------------------------------- */

/* Runs the command line under a write-restricted token made from the current process's
 * token (restricting SIDs: the capability SIDs, the logon SID and Everyone), in a job
 * object that kills the whole tree when closed; stdio is inherited. Returns the exit
 * code, or -1 with e filled when it could not start. */
#define WIN_CAPS_MAX 4
int win_run_restricted(const wchar_t *cmdline, const wchar_t *cwd, const char *const *caps,
		       size_t n_caps, struct err *e);

/* win_env_block and win_command_line: in windows_sandbox.h (src/agent uses them too). */

#endif
