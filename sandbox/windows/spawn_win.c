/* The agent's commands on Windows (windows_sandbox.h, "The agent's commands"): the
 * command, or this executable as codex-command-runner around it, started suspended,
 * put in a kill-on-close job object, then resumed, so that nothing it starts can escape
 * the job before it is in it. Only the three stdio handles are inherited
 * (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), not whatever else happens to be inheritable. */
#include "sandbox/windows/win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What upstream's unelevated backend sets for a run without network: advisory only (a
 * proxy nobody listens on), existing values kept. */
static const char *const nonet_keys[] = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
					 "GIT_HTTP_PROXY", "GIT_HTTPS_PROXY", NULL};

static bool env_has(const struct strv *env, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < env->n; i++)
		if (_strnicmp(env->v[i], key, n) == 0 && env->v[i][n] == '=')
			return true;
	return false;
}

/* The command's environment: the caller's (or ours), plus the sandbox's markers. */
static int command_env(const struct sandbox_command *c, bool restricted, struct strv *env)
{
	extern char **environ;
	char *const *src = c->envp ? c->envp : environ;
	char buf[64];

	for (size_t i = 0; src && src[i]; i++)
		if (strv_push(env, src[i]) < 0)
			return -1;
	if (sandbox_policy_network(c->policy) == SANDBOX_NET_FULL || !restricted)
		return 0;
	for (size_t i = 0; nonet_keys[i]; i++) {
		if (env_has(env, nonet_keys[i]))
			continue;
		snprintf(buf, sizeof buf, "%s=http://127.0.0.1:9", nonet_keys[i]);
		if (strv_push(env, buf) < 0)
			return -1;
	}
	if ((!env_has(env, "SBX_NONET_ACTIVE") && strv_push(env, "SBX_NONET_ACTIVE=1") < 0) ||
	    (!env_has(env, "CODEX_SANDBOX_NETWORK_DISABLED") &&
	     strv_push(env, "CODEX_SANDBOX_NETWORK_DISABLED=1") < 0))
		return -1;
	return 0;
}

/* argv for the runner: codex-command-runner --cap-sid=SID... --cwd=DIR -- COMMAND... */
static int runner_argv(const char *const *caps, size_t n_caps, const char *cwd,
		       char *const *argv, struct strv *out)
{
	if (strv_push(out, "codex-command-runner") < 0)
		return -1;
	for (size_t i = 0; i < n_caps; i++)
		if (strv_pushf(out, "--cap-sid=%s", caps[i]) < 0)
			return -1;
	if (strv_pushf(out, "--cwd=%s", cwd) < 0 || strv_push(out, "--") < 0)
		return -1;
	for (size_t i = 0; argv[i]; i++)
		if (strv_push(out, argv[i]) < 0)
			return -1;
	return 0;
}

static void not_run(struct sandbox_result *r, enum sandbox_outcome o, int code)
{
	r->outcome = o;
	r->exit_code = code;
}

/* CreateProcessW's failure as what happened to the command. */
static void spawn_failure(const char *cmd, DWORD w, struct sandbox_result *r)
{
	switch (w) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_NAME:
		not_run(r, SANDBOX_NOT_FOUND, EXIT_NOT_FOUND);
		err_set(&r->detail, "%s: command not found", cmd);
		return;
	case ERROR_DIRECTORY:
		not_run(r, SANDBOX_SETUP_FAILED, EXIT_SANDBOX_SETUP);
		win_fail(&r->detail, "working directory", "CreateProcessW", w);
		return;
	default:
		not_run(r, SANDBOX_CANNOT_EXEC, EXIT_CANNOT_EXEC);
		win_fail(&r->detail, cmd, "CreateProcessW", w);
	}
}

/* This executable's path; false when it does not fit (the runner is started by path). */
static bool self_path(wchar_t self[MAX_PATH])
{
	DWORD n = GetModuleFileNameW(NULL, self, MAX_PATH);

	return n > 0 && n < MAX_PATH;
}

/* A job that ends every process in it when its last handle is closed. */
static HANDLE new_job(struct err *e)
{
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
	HANDLE job = CreateJobObjectW(NULL, NULL);

	if (!job) {
		win_fail(e, "command", "CreateJobObjectW", GetLastError());
		return NULL;
	}
	memset(&li, 0, sizeof li);
	li.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof li)) {
		win_fail(e, "command", "SetInformationJobObject", GetLastError());
		CloseHandle(job);
		return NULL;
	}
	return job;
}

int win_sandbox_spawn(const struct sandbox_command *c, const char *codex_home,
		      void *const stdio[3], struct win_started *out, struct sandbox_result *r,
		      struct err *e)
{
	bool restricted = c->policy->type != SANDBOX_MODE_DANGER_FULL_ACCESS;
	struct strv argv = STRV_INIT, env = STRV_INIT;
	wchar_t self[MAX_PATH], *line = NULL, *block = NULL, *wcwd = NULL;
	STARTUPINFOEXW si;
	PROCESS_INFORMATION pi;
	LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
	HANDLE inherit[3], job = NULL;
	SIZE_T attr_len = 0;
	DWORD nh = 0;
	struct win_cap_sids caps;
	char cwd_sid[WIN_CAP_SID_MAX];
	const char *sids[2];
	size_t n_sids = 0;
	int rc = -1;

	memset(r, 0, sizeof *r);
	memset(out, 0, sizeof *out);
	memset(&caps, 0, sizeof caps);
	if (c->proxy) {
		/* Not reached today: sandbox_net_start refuses first (sandbox/net_win.c). */
		not_run(r, SANDBOX_SETUP_FAILED, EXIT_SANDBOX_SETUP);
		err_set(&r->detail, "the network proxy needs the elevated Windows sandbox, which "
				    "the agent's commands cannot use yet");
		return 1;
	}
	if (restricted) {
		struct err why;
		err_clear(&why);
		if (!codex_home || win_capability_sids(codex_home, c->cwd, &caps, cwd_sid, &why) < 0 ||
		    win_grant_writable_roots(c->policy, c->cwd, c->envp, &caps, cwd_sid, &why) < 0 ||
		    !self_path(self)) {
			not_run(r, SANDBOX_SETUP_FAILED, EXIT_SANDBOX_SETUP);
			err_set(&r->detail, "Windows sandbox: %s",
				why.msg[0] ? why.msg : "no CODEX_HOME or no path to codex.exe");
			rc = 1;
			goto out;
		}
		n_sids = win_cap_sids_for_policy(c->policy->type, &caps, cwd_sid, sids);
		if (runner_argv(sids, n_sids, c->cwd, c->argv, &argv) < 0)
			goto oom;
	} else {
		for (size_t i = 0; c->argv[i]; i++)
			if (strv_push(&argv, c->argv[i]) < 0)
				goto oom;
	}
	if (command_env(c, restricted, &env) < 0 || !(line = win_command_line(argv.v)) ||
	    !(block = win_env_block(env.v)) || !(wcwd = win_wide(c->cwd)))
		goto oom;
	if (!(job = new_job(e)))
		goto out;
	for (int i = 0; i < 3; i++) {
		bool dup = false;
		for (DWORD k = 0; k < nh; k++)
			dup = dup || inherit[k] == stdio[i];
		if (!dup)
			inherit[nh++] = stdio[i];
	}
	(void)InitializeProcThreadAttributeList(NULL, 1, 0, &attr_len);
	if (!(attrs = malloc(attr_len)))
		goto oom;
	if (!InitializeProcThreadAttributeList(attrs, 1, 0, &attr_len)) {
		free(attrs);
		attrs = NULL;
		win_fail(e, "command", "InitializeProcThreadAttributeList", GetLastError());
		goto out;
	}
	if (!UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit,
				       nh * sizeof *inherit, NULL, NULL)) {
		win_fail(e, "command", "UpdateProcThreadAttribute", GetLastError());
		goto out;
	}
	memset(&si, 0, sizeof si);
	si.StartupInfo.cb = sizeof si;
	si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
	si.StartupInfo.hStdInput = stdio[0];
	si.StartupInfo.hStdOutput = stdio[1];
	si.StartupInfo.hStdError = stdio[2];
	si.lpAttributeList = attrs;
	/* CREATE_NO_WINDOW: a console program gets a hidden console of its own when we
	 * have none, instead of a window popping up. */
	if (!CreateProcessW(restricted ? self : NULL, line, NULL, NULL, TRUE,
			    CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW |
				    EXTENDED_STARTUPINFO_PRESENT,
			    block, wcwd, &si.StartupInfo, &pi)) {
		spawn_failure(c->argv[0], GetLastError(), r);
		rc = 1;
		goto out;
	}
	if (!AssignProcessToJobObject(job, pi.hProcess)) {
		win_fail(e, "command", "AssignProcessToJobObject", GetLastError());
		TerminateProcess(pi.hProcess, EXIT_SANDBOX_SETUP);
		CloseHandle(pi.hThread);
		CloseHandle(pi.hProcess);
		goto out;
	}
	ResumeThread(pi.hThread);
	CloseHandle(pi.hThread);
	out->process = pi.hProcess;
	out->job = job;
	job = NULL;
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	if (attrs) {
		DeleteProcThreadAttributeList(attrs);
		free(attrs);
	}
	if (job)
		CloseHandle(job);
	win_cap_sids_free(&caps);
	free(line);
	free(block);
	free(wcwd);
	strv_free(&argv);
	strv_free(&env);
	return rc;
}
