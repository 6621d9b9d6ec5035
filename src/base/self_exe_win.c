/* This executable's path on Windows (base/file.h, path_self_exe). Kept apart from
 * path_win.c, which is pure C and unit-tested on Linux too. */
#include "base/file.h"

#include <windows.h>

#include <stdlib.h>
#include <string.h>

/* UTF-8, with the system's '\\' separators (it goes to CreateProcessW as it is). */
char *path_self_exe(void)
{
	wchar_t w[MAX_PATH];
	DWORD n = GetModuleFileNameW(NULL, w, MAX_PATH);
	int len;
	char *out;

	if (n == 0 || n >= MAX_PATH)
		return _strdup("codex.exe"); /* found through PATH, as a last resort */
	len = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	if (len <= 0 || !(out = malloc((size_t)len)))
		return NULL;
	WideCharToMultiByte(CP_UTF8, 0, w, -1, out, len, NULL, NULL);
	return out;
}
