/* git commands for the turn metadata on Windows (git_run.h): CreateProcessW with a pipe
 * for stdout; a pipe cannot be waited on with the others, so their pipes are peeked at
 * in turn (PeekNamedPipe) until each reaches end of file or the deadline passes. Each
 * run is in a kill-on-close job, so a git killed at the deadline takes its helpers. */
#include "agent/git_run.h"

#include <windows.h>

#include <stdbool.h>

#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "sandbox/windows/windows_sandbox.h"

/* How long to sleep when no pipe had anything. */
#define IDLE_MS 5

struct git_run {
	HANDLE process, job, pipe; /* NULL: not started / closed */
	bool eof;
	struct buf *out;
};

static HANDLE kill_on_close_job(void)
{
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
	HANDLE job = CreateJobObjectW(NULL, NULL);

	memset(&li, 0, sizeof li);
	li.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	if (job && !SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof li)) {
		CloseHandle(job);
		job = NULL;
	}
	return job;
}

static void git_spawn(const char *dir, const char *const *args, const wchar_t *env,
		      struct git_run *r)
{
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	char *argv[12];
	wchar_t *line;
	HANDLE rd = NULL, wr = NULL, nul;
	size_t n = 0;

	argv[n++] = "git";
	argv[n++] = "-C";
	argv[n++] = (char *)dir;
	for (size_t i = 0; args[i] && n < 11; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	if (!(line = win_command_line(argv)))
		return;
	nul = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
			  &sa, OPEN_EXISTING, 0, NULL);
	if (nul == INVALID_HANDLE_VALUE || !CreatePipe(&rd, &wr, &sa, 0) ||
	    !(r->job = kill_on_close_job()))
		goto out;
	(void)SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = nul;
	si.hStdOutput = wr;
	si.hStdError = nul;
	if (!CreateProcessW(NULL, line, NULL, NULL, TRUE,
			    CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW,
			    (void *)env, NULL, &si, &pi))
		goto out;
	(void)AssignProcessToJobObject(r->job, pi.hProcess);
	ResumeThread(pi.hThread);
	CloseHandle(pi.hThread);
	r->process = pi.hProcess;
	r->pipe = rd;
	rd = NULL;
out:
	if (nul != INVALID_HANDLE_VALUE)
		CloseHandle(nul);
	if (rd)
		CloseHandle(rd);
	if (wr)
		CloseHandle(wr); /* only git holds the write end: its exit is our end of file */
	free(line);
}

/* Reads what pipe i has without blocking; false when nothing was there. */
static bool pump(struct git_run *g)
{
	char chunk[4096];
	DWORD avail = 0, got = 0;

	if (!PeekNamedPipe(g->pipe, NULL, 0, NULL, &avail, NULL)) {
		g->eof = GetLastError() == ERROR_BROKEN_PIPE;
		CloseHandle(g->pipe);
		g->pipe = NULL;
		return true;
	}
	if (avail == 0)
		return false;
	if (!ReadFile(g->pipe, chunk, avail < sizeof chunk ? avail : sizeof chunk, &got, NULL) ||
	    buf_append(g->out, chunk, got) < 0) {
		CloseHandle(g->pipe);
		g->pipe = NULL;
	}
	return true;
}

void git_run_all(const char *dir, const char *const *const *args, size_t n, struct buf *out,
		 int *rc, unsigned timeout_ms)
{
	extern char **environ;
	struct git_run runs[GIT_RUN_MAX];
	struct strv env = STRV_INIT;
	wchar_t *block = NULL;
	ULONGLONG deadline = GetTickCount64() + timeout_ms;

	if (n > GIT_RUN_MAX)
		n = GIT_RUN_MAX;
	memset(runs, 0, sizeof runs);
	for (size_t i = 0; i < n; i++) {
		rc[i] = -1;
		runs[i].out = &out[i];
	}
	for (size_t i = 0; environ && environ[i]; i++)
		if (_strnicmp(environ[i], "GIT_OPTIONAL_LOCKS=", 19) != 0 &&
		    strv_push(&env, environ[i]) < 0)
			goto out;
	if (strv_push(&env, "GIT_OPTIONAL_LOCKS=0") < 0 || !(block = win_env_block(env.v)))
		goto out;
	for (size_t i = 0; i < n; i++)
		git_spawn(dir, args[i], block, &runs[i]);
	for (;;) {
		bool open = false, busy = false;
		for (size_t i = 0; i < n; i++)
			if (runs[i].pipe) {
				busy = pump(&runs[i]) || busy;
				open = open || runs[i].pipe;
			}
		if (!open || GetTickCount64() >= deadline)
			break;
		if (!busy)
			Sleep(IDLE_MS);
	}
	for (size_t i = 0; i < n; i++) {
		DWORD code = 1;
		if (runs[i].pipe)
			CloseHandle(runs[i].pipe);
		if (runs[i].process) {
			if (!runs[i].eof)
				TerminateJobObject(runs[i].job, 1);
			WaitForSingleObject(runs[i].process, timeout_ms);
			if (runs[i].eof && GetExitCodeProcess(runs[i].process, &code) && code == 0)
				rc[i] = 0;
			CloseHandle(runs[i].process);
		}
		if (runs[i].job)
			CloseHandle(runs[i].job);
	}
out:
	free(block);
	strv_free(&env);
}
