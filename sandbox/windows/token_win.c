/* Running a command under a write-restricted token in a kill-on-close job object
 * (reference codex-windows-sandbox.md §1 "Capability-SID model", §4 runner, §11.3):
 * restricting SIDs are the capability SIDs, the logon SID and Everyone, so the command
 * may write only where an ACE grants one of the capability SIDs write access. */
#include "sandbox/windows/win.h"

#include <aclapi.h>
#include <sddl.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The logon SID among the token's groups (a copy the caller frees), or NULL. */
static PSID logon_sid(HANDLE token)
{
	DWORD len = 0;
	TOKEN_GROUPS *g;
	PSID out = NULL;

	GetTokenInformation(token, TokenGroups, NULL, 0, &len);
	if (!len || !(g = malloc(len)))
		return NULL;
	if (GetTokenInformation(token, TokenGroups, g, len, &len))
		for (DWORD i = 0; i < g->GroupCount; i++)
			if ((g->Groups[i].Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID) {
				DWORD n = GetLengthSid(g->Groups[i].Sid);
				if ((out = malloc(n)))
					CopySid(n, out, g->Groups[i].Sid);
				break;
			}
	free(g);
	return out;
}

/* Objects the command creates (pipes, its own threads' handles) get a default DACL the
 * restricting SIDs pass: without it a write-restricted process is denied write access
 * to what it just created (upstream learnt this after the PR). */
static int set_default_dacl(HANDLE token, SID_AND_ATTRIBUTES *sids, DWORD n, struct err *e)
{
	EXPLICIT_ACCESS_W ea[WIN_CAPS_MAX + 2];
	TOKEN_DEFAULT_DACL dd;
	PACL acl = NULL;
	DWORD st;

	memset(ea, 0, sizeof ea);
	for (DWORD i = 0; i < n; i++) {
		ea[i].grfAccessPermissions = GENERIC_ALL;
		ea[i].grfAccessMode = GRANT_ACCESS;
		ea[i].Trustee.TrusteeForm = TRUSTEE_IS_SID;
		ea[i].Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
		ea[i].Trustee.ptstrName = (LPWSTR)sids[i].Sid;
	}
	st = SetEntriesInAclW(n, ea, NULL, &acl);
	if (st != ERROR_SUCCESS)
		return win_fail(e, "sandbox token", "SetEntriesInAclW", st);
	dd.DefaultDacl = acl;
	if (!SetTokenInformation(token, TokenDefaultDacl, &dd, sizeof dd)) {
		st = GetLastError();
		LocalFree(acl);
		return win_fail(e, "sandbox token", "SetTokenInformation(TokenDefaultDacl)", st);
	}
	LocalFree(acl);
	return 0;
}

static int restricted_token(const char *const *caps, size_t n_caps, HANDLE *out,
			    struct err *e)
{
	HANDLE base = NULL;
	PSID cap[WIN_CAPS_MAX] = {NULL}, logon = NULL, everyone = NULL;
	SID_AND_ATTRIBUTES restrict_sids[WIN_CAPS_MAX + 2];
	DWORD n = 0, everyone_len = SECURITY_MAX_SID_SIZE;
	int rc = -1;

	*out = NULL;
	if (n_caps == 0 || n_caps > WIN_CAPS_MAX) {
		err_set(e, "sandbox token: %zu capability SIDs (1 to %d)", n_caps, WIN_CAPS_MAX);
		goto out;
	}
	if (!OpenProcessToken(GetCurrentProcess(),
			      TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ASSIGN_PRIMARY |
				      TOKEN_ADJUST_DEFAULT | TOKEN_ADJUST_SESSIONID,
			      &base)) {
		win_fail(e, "sandbox token", "OpenProcessToken", GetLastError());
		goto out;
	}
	for (size_t i = 0; i < n_caps; i++) {
		wchar_t *w = win_wide(caps[i]);
		if (!w) {
			err_set(e, "out of memory");
			goto out;
		}
		if (!ConvertStringSidToSidW(w, &cap[i])) {
			win_fail(e, caps[i], "ConvertStringSidToSidW", GetLastError());
			free(w);
			goto out;
		}
		free(w);
		restrict_sids[n++] = (SID_AND_ATTRIBUTES){cap[i], 0};
	}
	if (!(everyone = malloc(everyone_len)) ||
	    !CreateWellKnownSid(WinWorldSid, NULL, everyone, &everyone_len)) {
		win_fail(e, "sandbox token", "CreateWellKnownSid", GetLastError());
		goto out;
	}
	if ((logon = logon_sid(base)))
		restrict_sids[n++] = (SID_AND_ATTRIBUTES){logon, 0};
	restrict_sids[n++] = (SID_AND_ATTRIBUTES){everyone, 0};
	if (!CreateRestrictedToken(base, DISABLE_MAX_PRIVILEGE | LUA_TOKEN | WRITE_RESTRICTED, 0,
				   NULL, 0, NULL, n, restrict_sids, out)) {
		win_fail(e, "sandbox token", "CreateRestrictedToken", GetLastError());
		goto out;
	}
	if (set_default_dacl(*out, restrict_sids, n, e) < 0) {
		CloseHandle(*out);
		*out = NULL;
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < WIN_CAPS_MAX; i++)
		if (cap[i])
			LocalFree(cap[i]);
	free(logon);
	free(everyone);
	if (base)
		CloseHandle(base);
	return rc;
}

int win_run_restricted(const wchar_t *cmdline, const wchar_t *cwd, const char *const *caps,
		       size_t n_caps, struct err *e)
{
	HANDLE token = NULL, job = NULL;
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION limit;
	STARTUPINFOW si;
	PROCESS_INFORMATION pi = {0};
	wchar_t *line = NULL;
	DWORD code = 0;
	int rc = -1;

	if (restricted_token(caps, n_caps, &token, e) < 0)
		goto out;
	if (!(job = CreateJobObjectW(NULL, NULL))) {
		win_fail(e, "sandbox job", "CreateJobObjectW", GetLastError());
		goto out;
	}
	memset(&limit, 0, sizeof limit);
	limit.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limit, sizeof limit)) {
		win_fail(e, "sandbox job", "SetInformationJobObject", GetLastError());
		goto out;
	}
	/* CreateProcess may write into the command line. */
	if (!(line = _wcsdup(cmdline))) {
		err_set(e, "out of memory");
		goto out;
	}
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
	si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
	si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
	si.lpDesktop = (LPWSTR)L"winsta0\\default";
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	/* Suspended until it is in the job: nothing it starts can escape the job. */
	if (!CreateProcessAsUserW(token, NULL, line, NULL, NULL, TRUE,
				  CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT, NULL, cwd, &si, &pi)) {
		DWORD w = GetLastError();
		if (w == ERROR_FILE_NOT_FOUND || w == ERROR_PATH_NOT_FOUND) {
			/* Not the sandbox's doing: reported as the shell would (runner: 127). */
			err_set(e, "command not found");
			e->errnum = ENOENT;
		} else {
			win_fail(e, "sandboxed command", "CreateProcessAsUserW", w);
		}
		goto out;
	}
	if (!AssignProcessToJobObject(job, pi.hProcess)) {
		win_fail(e, "sandboxed command", "AssignProcessToJobObject", GetLastError());
		TerminateProcess(pi.hProcess, 1);
		goto out;
	}
	if (ResumeThread(pi.hThread) == (DWORD)-1) {
		win_fail(e, "sandboxed command", "ResumeThread", GetLastError());
		TerminateProcess(pi.hProcess, 1);
		goto out;
	}
	WaitForSingleObject(pi.hProcess, INFINITE);
	if (!GetExitCodeProcess(pi.hProcess, &code)) {
		win_fail(e, "sandboxed command", "GetExitCodeProcess", GetLastError());
		goto out;
	}
	rc = (int)(code & 0xff);
out:
	if (pi.hThread)
		CloseHandle(pi.hThread);
	if (pi.hProcess)
		CloseHandle(pi.hProcess);
	if (job)
		CloseHandle(job); /* kill-on-close: whatever the command left running ends */
	if (token)
		CloseHandle(token);
	free(line);
	return rc;
}
