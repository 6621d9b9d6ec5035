/* The user's shell on Windows (user_shell.h), as upstream picks it: PowerShell when it
 * is installed (pwsh.exe, the cross-platform one, before Windows PowerShell), found
 * the way CreateProcess would find it (SearchPathW: PATH and the system directories);
 * else the command interpreter, %COMSPEC% or cmd.exe. */
#include "agent/user_shell.h"

#include <windows.h>

#include <stdlib.h>
#include <string.h>

/* The full path of exe, UTF-8 (caller frees), or NULL when it is not found. */
static char *search(const wchar_t *exe)
{
	wchar_t path[MAX_PATH];
	DWORD n = SearchPathW(NULL, exe, NULL, MAX_PATH, path, NULL);
	char *out;
	int len;

	if (n == 0 || n >= MAX_PATH)
		return NULL;
	len = WideCharToMultiByte(CP_UTF8, 0, path, -1, NULL, 0, NULL, NULL);
	if (len <= 0 || !(out = malloc((size_t)len)))
		return NULL;
	WideCharToMultiByte(CP_UTF8, 0, path, -1, out, len, NULL, NULL);
	return out;
}

char *user_shell_default(void)
{
	const char *comspec = getenv("COMSPEC");
	char *p = search(L"pwsh.exe");

	if (!p)
		p = search(L"powershell.exe");
	if (p)
		return p;
	return strdup(comspec && *comspec ? comspec : "cmd.exe");
}

char *user_shell_name(void)
{
	char *p = user_shell_default(), *base, *dot;

	if (!p)
		return NULL;
	base = p;
	for (char *q = p; *q; q++)
		if (*q == '/' || *q == '\\')
			base = q + 1;
	dot = strrchr(base, '.');
	if (dot && _stricmp(dot, ".exe") == 0)
		*dot = '\0';
	for (char *q = base; *q; q++)
		*q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
	memmove(p, base, strlen(base) + 1);
	return p;
}
