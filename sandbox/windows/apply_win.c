/* Applying a plan on Windows (reference codex-windows-sandbox.md §2-§4):
 *   none        danger-full-access without a proxy: the command runs as it is;
 *   unelevated  restricted token of the real user, capability-SID write grants on the
 *               writable roots; the network is off only by environment (advisory);
 *   elevated    the setup helper (UAC) when the plan says setup is needed, then the
 *               runner as CodexSandboxOffline/Online (CreateProcessWithLogonW) with the
 *               command's environment, which runs the command restricted; with the
 *               proxy on, `codex.exe proxy` runs beside it on the ports the
 *               environment names.
 * The roles are this executable under other names: copies in <codex_home>/.sandbox-bin. */
#include "sandbox/windows/win.h"

#include <bcrypt.h>
#include <shellapi.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/json.h"
#include "config/config.h"

static int run_plain(const wchar_t *line, struct err *e)
{
	STARTUPINFOW si = {.cb = sizeof si};
	PROCESS_INFORMATION pi;
	wchar_t *copy = _wcsdup(line);
	DWORD code = 1;

	if (!copy)
		return err_set(e, "out of memory");
	if (!CreateProcessW(NULL, copy, NULL, NULL, TRUE, CREATE_UNICODE_ENVIRONMENT, NULL, NULL,
			    &si, &pi)) {
		free(copy);
		return win_fail(e, "command", "CreateProcessW", GetLastError());
	}
	free(copy);
	WaitForSingleObject(pi.hProcess, INFINITE);
	GetExitCodeProcess(pi.hProcess, &code);
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
	return (int)(code & 0xff);
}

/* rand32 for win_cap_sids_ensure: BCryptGenRandom; a failure is kept for the caller. */
static uint32_t system_rand32(void *rng)
{
	NTSTATUS *st = rng;
	uint32_t v = 0;
	NTSTATUS got = BCryptGenRandom(NULL, (PUCHAR)&v, sizeof v, BCRYPT_USE_SYSTEM_PREFERRED_RNG);

	if (got != 0)
		*st = got;
	return v;
}

int win_capability_sids(const char *codex_home, const char *cwd, struct win_cap_sids *s,
			char cwd_sid[WIN_CAP_SID_MAX], struct err *e)
{
	char *path = path_join(codex_home, "cap_sid"), *json = NULL;
	struct buf b;
	struct err why;
	NTSTATUS st = 0;
	int rc = -1;

	memset(s, 0, sizeof *s);
	buf_init(&b, WIN_CAP_FILE_MAX_BYTES);
	if (!path) {
		err_set(e, "out of memory");
		goto out;
	}
	err_clear(&why);
	if (file_read_regular(path, &b, &why) < 0 && why.errnum != ENOENT) {
		err_set(e, "%s", why.msg);
		goto out;
	}
	/* A damaged file is not replaced: its SIDs hold grants on the user's folders. */
	if (win_cap_sids_parse(b.data ? b.data : "", b.len, s, e) < 0) {
		err_prefix(e, "%s (remove it to start over)", path);
		goto out;
	}
	if (win_cap_sids_ensure(s, cwd, system_rand32, &st, cwd_sid, e) < 0)
		goto out;
	if (st != 0) {
		win_fail(e, "capability SID", "BCryptGenRandom", (DWORD)st);
		goto out;
	}
	if (s->changed) {
		if (!(json = win_cap_sids_json(s))) {
			err_set(e, "out of memory");
			goto out;
		}
		if (file_write_atomic(path, json, strlen(json), 0600, e) < 0)
			goto out;
		s->changed = false;
	}
	rc = 0;
out:
	if (rc < 0)
		win_cap_sids_free(s);
	free(json);
	buf_free(&b);
	free(path);
	return rc;
}

/* The capability SIDs a run's token carries (win_cap_sids_for_policy); a policy that
 * names none (danger-full-access behind the proxy) still gets a write-restricted token,
 * with the workspace SID. */
static size_t run_caps(const struct sandbox_policy *p, const struct win_cap_sids *s,
		       const char *cwd_sid, const char *out[2])
{
	size_t n = win_cap_sids_for_policy(p->type, s, cwd_sid, out);

	if (n == 0)
		out[n++] = s->workspace;
	return n;
}

/* <codex_home>/.sandbox-bin/<role>.exe: a copy of this executable under the role's
 * name (the role is chosen by the file name). Caller frees the wide path. */
static wchar_t *materialise(const char *codex_home, const char *role, struct err *e)
{
	wchar_t self[MAX_PATH], *dst = NULL;
	char *dir = path_join(codex_home, ".sandbox-bin"), name[64], *path = NULL;
	DWORD n = GetModuleFileNameW(NULL, self, MAX_PATH);

	snprintf(name, sizeof name, "%s.exe", role);
	if (n == 0 || n >= MAX_PATH) {
		win_fail(e, role, "GetModuleFileNameW", GetLastError());
		goto out;
	}
	if (!dir || !(path = path_join(dir, name)) || !(dst = win_wide(path))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (file_mkdir_parents(path, e) < 0)
		goto out;
	if (!CopyFileW(self, dst, FALSE)) {
		win_fail(e, path, "CopyFileW", GetLastError());
		free(dst);
		dst = NULL;
	}
out:
	free(path);
	free(dir);
	return dst;
}

/* Runs the setup helper elevated (UAC) and waits; its setup_error.json explains a
 * failure. */
static int run_setup_helper(const char *codex_home, const struct win_setup_request *r,
			    struct err *e)
{
	wchar_t *exe = materialise(codex_home, "codex-windows-sandbox-setup", e), *warg = NULL;
	char *arg = win_setup_request_encode(r), *errpath = NULL;
	SHELLEXECUTEINFOW sei;
	DWORD code = 1;
	int rc = -1;

	if (!exe)
		goto out;
	if (!arg || !(warg = win_wide(arg)) ||
	    !(errpath = path_join(codex_home, ".sandbox/setup_error.json"))) {
		err_set(e, "out of memory");
		goto out;
	}
	/* An earlier run's report must not be taken for this one's (as upstream). */
	(void)remove(errpath);
	memset(&sei, 0, sizeof sei);
	sei.cbSize = sizeof sei;
	sei.fMask = SEE_MASK_NOCLOSEPROCESS;
	/* A refresh runs as ourselves: it must never prompt (reference §3.1). */
	sei.lpVerb = r->refresh_only ? NULL : L"runas";
	sei.lpFile = exe;
	sei.lpParameters = warg;
	sei.nShow = SW_HIDE;
	if (!ShellExecuteExW(&sei)) {
		DWORD w = GetLastError();
		if (w == ERROR_CANCELLED)
			err_set(e, "Windows sandbox setup was canceled at the elevation prompt");
		else
			win_fail(e, "Windows sandbox setup", "ShellExecuteExW", w);
		goto out;
	}
	WaitForSingleObject(sei.hProcess, INFINITE);
	GetExitCodeProcess(sei.hProcess, &code);
	CloseHandle(sei.hProcess);
	if (code != 0) {
		struct buf b;
		char line[ERR_MSG_MAX];
		struct err why;
		buf_init(&b, WIN_SETUP_ERROR_MAX_BYTES);
		/* One line: the step, the API and its error, what was rolled back, and the
		 * file with the details. */
		if (file_read_regular(errpath, &b, &why) == 0 &&
		    win_setup_error_line(b.data ? b.data : "", b.len, errpath, line, sizeof line,
					 &why) == 0)
			err_set(e, "%s", line);
		else
			err_set(e, "Windows sandbox setup failed with status %lu (no readable %s)",
				(unsigned long)code, errpath);
		buf_free(&b);
		goto out;
	}
	rc = 0;
out:
	free(errpath);
	free(arg);
	free(warg);
	free(exe);
	return rc;
}

/* Waits for the proxy's ready line on its stdout (the pipe's read end r): the
 * listeners are up. End of file first means it could not start (it said why on
 * stderr, which it shares with us). */
static int wait_proxy_ready(HANDLE r, struct err *e)
{
	char c;
	DWORD got;

	for (;;) {
		if (!ReadFile(r, &c, 1, &got, NULL) || got == 0)
			return err_set(e, "the network proxy did not start (see its message above); "
					  "the command did not run");
		if (c == '\n')
			return 0;
	}
}

/* `codex.exe proxy` beside the command, on the ports the plan opened (HTTP_PROXY's and
 * ALL_PROXY's), with the run's policy flags; returns once it listens (fail closed: a
 * proxy that cannot start means no command). */
static int start_proxy(const struct win_plan_input *in, HANDLE *proc, struct err *e)
{
	char http[32] = "", socks[32] = "";
	const char *args[64];
	size_t n = 0;
	wchar_t *line, self[MAX_PATH];
	STARTUPINFOW si = {.cb = sizeof si};
	PROCESS_INFORMATION pi;
	SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
	HANDLE r, w;
	unsigned hp = 0, sp = 0;

	for (size_t i = 0; in->env && in->env[i]; i++) {
		if (strncmp(in->env[i], "HTTP_PROXY=", 11) == 0)
			hp = win_loopback_proxy_port(in->env[i] + 11);
		if (strncmp(in->env[i], "ALL_PROXY=", 10) == 0)
			sp = win_loopback_proxy_port(in->env[i] + 10);
	}
	if (!hp)
		return err_set(e, "proxied run without HTTP_PROXY on loopback");
	snprintf(http, sizeof http, "127.0.0.1:%u", hp);
	args[n++] = "codex";
	args[n++] = "proxy";
	args[n++] = "--http";
	args[n++] = http;
	if (sp && sp != hp) {
		snprintf(socks, sizeof socks, "127.0.0.1:%u", sp);
		args[n++] = "--socks";
		args[n++] = socks;
	} else {
		args[n++] = "--no-socks";
	}
	for (size_t i = 0; in->proxy_args && in->proxy_args[i] && n < 63; i++)
		args[n++] = in->proxy_args[i];
	args[n] = NULL;
	if (!GetModuleFileNameW(NULL, self, MAX_PATH))
		return win_fail(e, "proxy", "GetModuleFileNameW", GetLastError());
	if (!(line = win_command_line((char *const *)args)))
		return err_set(e, "out of memory");
	if (!CreatePipe(&r, &w, &inherit, 0)) {
		free(line);
		return win_fail(e, "proxy", "CreatePipe", GetLastError());
	}
	(void)SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
	si.hStdOutput = w;
	si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
	if (!CreateProcessW(self, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
		DWORD code = GetLastError();
		free(line);
		CloseHandle(r);
		CloseHandle(w);
		return win_fail(e, "proxy", "CreateProcessW", code);
	}
	free(line);
	CloseHandle(w); /* only the proxy holds the write end now: its exit is our EOF */
	CloseHandle(pi.hThread);
	if (wait_proxy_ready(r, e) < 0) {
		TerminateProcess(pi.hProcess, 1);
		CloseHandle(pi.hProcess);
		CloseHandle(r);
		return -1;
	}
	CloseHandle(r);
	*proc = pi.hProcess;
	return 0;
}

/* The names in the user's profile directory; NULL (and no error) when it cannot be
 * listed. */
static int profile_entries(const char *profile, struct strv *out, bool *listed, struct err *e)
{
	char *pat = path_join(profile, "*");
	wchar_t *pattern = pat ? win_wide(pat) : NULL;
	WIN32_FIND_DATAW fd;
	HANDLE h;
	int rc = -1;

	*listed = false;
	if (!pattern) {
		err_set(e, "out of memory");
		goto out;
	}
	h = FindFirstFileW(pattern, &fd);
	if (h == INVALID_HANDLE_VALUE) {
		rc = 0;
		goto out;
	}
	do {
		char *name = win_utf8(fd.cFileName);
		if (!name || strv_take(out, name) < 0) {
			err_set(e, "out of memory");
			FindClose(h);
			goto out;
		}
	} while (FindNextFileW(h, &fd));
	FindClose(h);
	*listed = true;
	rc = 0;
out:
	free(pattern);
	free(pat);
	return rc;
}

/* The read roots (win_read_roots) of this machine. */
static int gather_read_roots(const struct win_plan_input *in, const char *cwd,
			     const struct strv *write_keys, struct strv *out, struct err *e)
{
	const char *profile = getenv("USERPROFILE");
	struct strv names = STRV_INIT;
	struct win_read_roots_input ri = {0};
	wchar_t self[MAX_PATH];
	char *dir = NULL;
	bool listed = false;
	int rc = -1;

	if (GetModuleFileNameW(NULL, self, MAX_PATH) > 0 && (dir = win_utf8(self))) {
		char *slash = strrchr(dir, '\\');
		if (slash)
			*slash = '\0';
	}
	if (profile && *profile && profile_entries(profile, &names, &listed, e) < 0)
		goto out;
	ri.exe_dir = dir;
	ri.codex_home = in->codex_home;
	ri.cwd = cwd;
	ri.profile = profile;
	ri.profile_entries = listed ? (names.v ? names.v : (char *[]){NULL}) : NULL;
	ri.writable_roots = &in->policy->writable_roots;
	ri.write_keys = write_keys;
	rc = win_read_roots(&ri, out, e);
out:
	strv_free(&names);
	free(dir);
	return rc;
}

/* The value of an environment variable in env ("K=V", names without regard to case,
 * as Windows has them), or in ours when env is NULL. Borrowed. */
static const char *env_value(char *const *env, const char *key)
{
	size_t n = strlen(key);

	if (!env)
		return getenv(key);
	for (size_t i = 0; env[i]; i++)
		if (_strnicmp(env[i], key, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

/* The run's ACL grants (win_acl_entries of the plan) resolved to this machine's paths. */
static int run_grants(const struct sandbox_policy *p, bool elevated, const char *cwd,
		      const char *codex_home, char *const *env, const struct strv *read_roots,
		      struct win_grants *out, struct err *e)
{
	struct win_acl_entry *v = calloc(p->writable_roots.n + WIN_ACL_FIXED_ENTRIES, sizeof *v);
	struct win_acl_places pl = {0};
	int rc;

	if (!v)
		return err_set(e, "out of memory");
	pl.cwd = cwd;
	pl.codex_home = codex_home;
	pl.temp[0] = env_value(env, "TEMP");
	pl.temp[1] = env_value(env, "TMP");
	pl.writable_roots = &p->writable_roots;
	pl.read_roots = read_roots;
	rc = win_acl_resolve(v, win_acl_entries(p, elevated, v), &pl, out, e);
	free(v);
	return rc;
}

/* Runs the setup helper: elevated (UAC) for a full setup, as ourselves for a refresh,
 * which must never prompt (reference §3.1). */
static int setup(const struct win_plan_input *in, const struct win_plan *p, const char *cwd,
		 const struct win_cap_sids *caps, const char *cwd_sid, bool refresh,
		 struct err *e)
{
	struct win_setup_request r;
	struct strv read_roots = STRV_INIT, write_keys = STRV_INIT;
	const char *user = getenv("USERNAME");
	int rc = -1;

	memset(&r, 0, sizeof r);
	r.codex_home = strdup(in->codex_home);
	r.cwd = strdup(cwd);
	r.cap_sid = strdup(caps->workspace);
	r.cwd_cap_sid = strdup(cwd_sid);
	r.real_user = strdup(user && *user ? user : "Administrators");
	r.net = p->net;
	r.refresh_only = refresh;
	if (!r.codex_home || !r.cwd || !r.cap_sid || !r.cwd_cap_sid || !r.real_user) {
		err_set(e, "out of memory");
		goto out;
	}
	/* The write grants first, to leave their paths out of the read roots. */
	if (run_grants(in->policy, true, cwd, in->codex_home, in->env, NULL, &r.grants, e) < 0 ||
	    win_grants_write_keys(&r.grants, &write_keys, e) < 0 ||
	    gather_read_roots(in, cwd, &write_keys, &read_roots, e) < 0)
		goto out;
	win_grants_free(&r.grants);
	if (run_grants(in->policy, true, cwd, in->codex_home, in->env, &read_roots, &r.grants,
		       e) < 0)
		goto out;
	rc = run_setup_helper(in->codex_home, &r, e);
out:
	strv_free(&read_roots);
	strv_free(&write_keys);
	win_setup_request_free(&r);
	return rc;
}

/* Readiness (reference §3.7, win_readiness_for): the full setup when the marker is
 * missing or drifted or the passwords cannot be loaded, a refresh when a write root is
 * not granted yet; then the password of the run's account (caller frees). */
static char *ready_password(const struct win_plan_input *in, const struct win_plan *p,
			    const char *cwd, const struct win_cap_sids *caps,
			    const char *cwd_sid, const char *user, struct err *e)
{
	struct win_grants g = {0};
	struct strv keys = STRV_INIT;
	char reason[WIN_REASON_MAX], *password = NULL;
	struct err why;
	enum win_readiness need;

	err_clear(&why);
	password = win_load_password(in->codex_home, user, &why);
	if (run_grants(in->policy, true, cwd, in->codex_home, in->env, NULL, &g, e) < 0 ||
	    win_setup_root_keys(&g, cwd, &keys, e) < 0)
		goto fail;
	need = win_readiness_for(in->marker, p->identity, &p->net, password != NULL, &keys, reason);
	switch (need) {
	case WIN_READY:
		goto out;
	case WIN_READY_REFRESH:
	case WIN_READY_SETUP:
		break;
	}
	fprintf(stderr, "codex: Windows sandbox %s needed: %s\n",
		need == WIN_READY_SETUP ? "setup" : "refresh", reason);
	if (setup(in, p, cwd, caps, cwd_sid, need == WIN_READY_REFRESH, e) < 0)
		goto fail;
	if (!password && !(password = win_load_password(in->codex_home, user, e)))
		goto fail;
	goto out;
fail:
	if (password)
		SecureZeroMemory(password, strlen(password));
	free(password);
	password = NULL;
out:
	win_grants_free(&g);
	strv_free(&keys);
	return password;
}

static bool has_git(const char *dir, void *ctx)
{
	char *p = path_join(dir, ".git");
	bool yes = p && file_exists(p) == 1;

	free(p);
	return yes;
}

/* The command's environment as the sandbox account needs it (win_env_for_logon_user),
 * as a block for CreateProcessWithLogonW; NULL with e filled. */
static wchar_t *logon_env_block(char *const *src, const char *cwd, struct err *e)
{
	struct strv env = STRV_INIT;
	char *root = win_git_root(cwd, has_git, NULL);
	wchar_t *block = NULL;

	for (size_t i = 0; src && src[i]; i++)
		if (strv_push(&env, src[i]) < 0) {
			err_set(e, "out of memory");
			goto out;
		}
	if (win_env_for_logon_user(&env, root, e) < 0)
		goto out;
	if (!(block = win_env_block(env.v ? env.v : (char *[]){NULL})))
		err_set(e, "out of memory");
out:
	strv_free(&env);
	free(root);
	return block;
}

static int run_elevated(const struct win_plan_input *in, const struct win_plan *p,
			const char *codex_home, const char *cwd, const struct win_cap_sids *caps,
			const char *cwd_sid, struct err *e)
{
	const char *user = p->identity == WIN_IDENTITY_OFFLINE ? WIN_OFFLINE_USER : WIN_ONLINE_USER;
	char *password = NULL, capflag[2][128], cwdflag[1100];
	const char *sids[2];
	size_t n_sids = run_caps(in->policy, caps, cwd_sid, sids), k = 0;
	wchar_t *runner = NULL, *line = NULL, *wuser = NULL, *wpass = NULL, *wcwd = NULL;
	wchar_t *envblock = NULL;
	const char **argv = NULL;
	size_t n = 0;
	STARTUPINFOW si = {.cb = sizeof si};
	PROCESS_INFORMATION pi = {0};
	HANDLE proxy = NULL;
	DWORD code = 1;
	int rc = -1;

	if (!(password = ready_password(in, p, cwd, caps, cwd_sid, user, e)))
		goto out;
	if (!(runner = materialise(codex_home, "codex-command-runner", e)))
		goto out;
	while (in->command[n])
		n++;
	if (!(argv = calloc(n + 6, sizeof *argv))) {
		err_set(e, "out of memory");
		goto out;
	}
	argv[k++] = "codex-command-runner";
	for (size_t i = 0; i < n_sids; i++) {
		snprintf(capflag[i], sizeof capflag[i], "--cap-sid=%s", sids[i]);
		argv[k++] = capflag[i];
	}
	snprintf(cwdflag, sizeof cwdflag, "--cwd=%s", cwd);
	argv[k++] = cwdflag;
	argv[k++] = "--";
	for (size_t i = 0; i < n; i++)
		argv[k++] = in->command[i];
	if (!(line = win_command_line((char *const *)argv)) || !(wuser = win_wide(user)) ||
	    !(wpass = win_wide(password)) || !(wcwd = win_wide(cwd))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (!(envblock = logon_env_block(in->env, cwd, e)))
		goto out;
	if (in->proxy_enforced && start_proxy(in, &proxy, e) < 0)
		goto out;
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
	si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
	si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	/* The command's environment (with the proxy's variables on a proxied run), not the
	 * account's own: upstream sends it in its spawn request. */
	if (!CreateProcessWithLogonW(wuser, L".", wpass, LOGON_WITH_PROFILE, runner, line,
				     CREATE_UNICODE_ENVIRONMENT, envblock, wcwd, &si, &pi)) {
		win_fail(e, user, "CreateProcessWithLogonW", GetLastError());
		goto out;
	}
	WaitForSingleObject(pi.hProcess, INFINITE);
	if (!GetExitCodeProcess(pi.hProcess, &code)) {
		win_fail(e, "runner", "GetExitCodeProcess", GetLastError());
		goto out;
	}
	rc = (int)(code & 0xff);
out:
	if (pi.hThread)
		CloseHandle(pi.hThread);
	if (pi.hProcess)
		CloseHandle(pi.hProcess);
	if (proxy) {
		TerminateProcess(proxy, 0);
		CloseHandle(proxy);
	}
	if (wpass)
		SecureZeroMemory(wpass, wcslen(wpass) * sizeof *wpass);
	if (password)
		SecureZeroMemory(password, strlen(password));
	free(wpass);
	free(password);
	free(wuser);
	free(wcwd);
	free(envblock);
	free(line);
	free(runner);
	free(argv);
	return rc;
}

/* The unelevated backend: capability-SID grants on the writable roots (as the real
 * user, who owns them), then the command under the restricted token. */
static int run_unelevated(const struct win_plan_input *in, const char *cwd,
			  const struct win_cap_sids *caps, const char *cwd_sid, const wchar_t *line,
			  struct err *e)
{
	const char *sids[2];
	size_t n_sids = run_caps(in->policy, caps, cwd_sid, sids);
	wchar_t *wcwd;
	int rc;

	if (win_grant_writable_roots(in->policy, cwd, in->env, caps, cwd_sid, e) < 0)
		return -1;
	if (!in->policy->network_access) {
		/* Advisory only, as upstream: without the elevated backend nothing enforces
		 * it. Existing values are kept. */
		static const char *const keys[] = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
						   "GIT_HTTP_PROXY", "GIT_HTTPS_PROXY"};
		for (size_t i = 0; i < 5; i++)
			if (!getenv(keys[i]))
				SetEnvironmentVariableA(keys[i], "http://127.0.0.1:9");
		SetEnvironmentVariableA("SBX_NONET_ACTIVE", "1");
	}
	if (!(wcwd = win_wide(cwd)))
		return err_set(e, "out of memory");
	rc = win_run_restricted(line, wcwd, sids, n_sids, e);
	if (rc < 0 && e->errnum == ENOENT)
		err_prefix(e, "%s", in->command[0]);
	free(wcwd);
	return rc;
}

int win_grant_writable_roots(const struct sandbox_policy *p, const char *cwd, char *const *env,
			     const struct win_cap_sids *s, const char *cwd_sid, struct err *e)
{
	struct win_grants g = {0};
	struct win_grant_ids ids = {cwd_sid, s->workspace, NULL};
	int rc = -1;

	/* The plan's list for the unelevated backend, applied as the real user, who owns
	 * these paths; not journalled: the entries persist, as upstream's. */
	if (run_grants(p, false, cwd, NULL, env, NULL, &g, e) < 0)
		goto out;
	for (size_t i = 0; i < g.n; i++)
		if (win_grant_apply(&g.v[i], &ids, NULL, e) < 0)
			goto out;
	rc = 0;
out:
	win_grants_free(&g);
	return rc;
}

int win_sandbox_apply(const struct win_plan_input *in, const struct win_plan *p,
		      struct err *e)
{
	char *cwd = getcwd(NULL, 0), cwd_sid[WIN_CAP_SID_MAX];
	wchar_t *line = win_command_line(in->command);
	const char *home = in->codex_home;
	struct win_cap_sids caps;
	int rc = -1;

	memset(&caps, 0, sizeof caps);
	if (!cwd || !line) {
		err_set(e, "out of memory");
		goto out;
	}
	if (p->backend_forced)
		fprintf(stderr, "codex: the proxy is enforced only by the elevated Windows sandbox: "
				"using it instead of the configured unelevated one\n");
	switch (p->backend) {
	case WIN_BACKEND_NONE:
		rc = run_plain(line, e);
		goto out;
	case WIN_BACKEND_UNELEVATED:
	case WIN_BACKEND_ELEVATED:
		break;
	}
	if (win_capability_sids(home, cwd, &caps, cwd_sid, e) < 0)
		goto out;
	rc = p->backend == WIN_BACKEND_ELEVATED ? run_elevated(in, p, home, cwd, &caps, cwd_sid, e)
						: run_unelevated(in, cwd, &caps, cwd_sid, line, e);
out:
	win_cap_sids_free(&caps);
	free(line);
	free(cwd);
	return rc;
}
