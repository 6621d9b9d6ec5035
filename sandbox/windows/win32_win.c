/* Small Win32 helpers shared by the sandbox's *_win.c files (see win.h). */
#include "sandbox/windows/win.h"

#include <bcrypt.h>
#include <sddl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The system's text for an error code, on one line (FormatMessage ends it with CRLF). */
static void error_words(DWORD code, char *out, size_t cap)
{
	wchar_t *w = NULL;
	char *u;
	DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
					 FORMAT_MESSAGE_IGNORE_INSERTS,
				 NULL, code, 0, (LPWSTR)&w, 0, NULL);

	snprintf(out, cap, "unknown error");
	if (n == 0 || !w)
		return;
	u = win_utf8(w);
	LocalFree(w);
	if (!u)
		return;
	for (char *p = u; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	for (size_t len = strlen(u); len && (u[len - 1] == ' ' || u[len - 1] == '.'); len--)
		u[len - 1] = '\0';
	snprintf(out, cap, "%s", u);
	free(u);
}

int win_fail(struct err *e, const char *what, const char *api, DWORD code)
{
	char words[256];

	error_words(code, words, sizeof words);
	return err_set(e, "%s: %s failed: %s (error %lu)", what, api, words, (unsigned long)code);
}

int win_fail_hr(struct err *e, const char *what, const char *api, HRESULT hr)
{
	char words[256];

	error_words((DWORD)hr, words, sizeof words);
	return err_set(e, "%s: %s failed: %s (HRESULT 0x%08lx)", what, api, words,
		       (unsigned long)hr);
}

wchar_t *win_wide(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0 || !(w = malloc((size_t)n * sizeof *w)))
		return NULL;
	if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) <= 0) {
		free(w);
		return NULL;
	}
	return w;
}

char *win_utf8(const wchar_t *s)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL, 0, NULL, NULL);
	char *u;

	if (n <= 0 || !(u = malloc((size_t)n)))
		return NULL;
	if (WideCharToMultiByte(CP_UTF8, 0, s, -1, u, n, NULL, NULL) <= 0) {
		free(u);
		return NULL;
	}
	return u;
}

int win_random_password(char out[WIN_PASSWORD_LEN + 1], struct err *e)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789!@#$%^&*()-_=+";
	const unsigned n = sizeof alphabet - 1;
	/* The largest multiple of n below 256: bytes at or above it are drawn again. */
	const unsigned limit = 256 - 256 % n;
	size_t got = 0;

	while (got < WIN_PASSWORD_LEN) {
		unsigned char b[64];
		NTSTATUS st = BCryptGenRandom(NULL, b, sizeof b, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
		if (st != 0)
			return win_fail(e, "sandbox password", "BCryptGenRandom", (DWORD)st);
		for (size_t i = 0; i < sizeof b && got < WIN_PASSWORD_LEN; i++)
			if (b[i] < limit)
				out[got++] = alphabet[b[i] % n];
		SecureZeroMemory(b, sizeof b);
	}
	out[WIN_PASSWORD_LEN] = '\0';
	return 0;
}

char *win_account_sid(const char *name, struct err *e)
{
	wchar_t *wname = win_wide(name), domain[256], *text = NULL;
	DWORD sid_len = 0, dom_len = 256;
	SID_NAME_USE use;
	PSID sid = NULL;
	char *out = NULL;

	if (!wname) {
		err_set(e, "out of memory");
		return NULL;
	}
	/* The first call only says how large the SID is. */
	LookupAccountNameW(NULL, wname, NULL, &sid_len, domain, &dom_len, &use);
	if (sid_len == 0 || !(sid = malloc(sid_len))) {
		win_fail(e, name, "LookupAccountNameW", GetLastError());
		goto out;
	}
	dom_len = 256;
	if (!LookupAccountNameW(NULL, wname, sid, &sid_len, domain, &dom_len, &use)) {
		win_fail(e, name, "LookupAccountNameW", GetLastError());
		goto out;
	}
	if (!ConvertSidToStringSidW(sid, &text)) {
		win_fail(e, name, "ConvertSidToStringSidW", GetLastError());
		goto out;
	}
	if (!(out = win_utf8(text)))
		err_set(e, "out of memory");
out:
	if (text)
		LocalFree(text);
	free(sid);
	free(wname);
	return out;
}

/* The C runtime's rules: backslashes before a quote are doubled, a quote is escaped,
 * and an argument with spaces, tabs or quotes (or an empty one) is quoted. */
wchar_t *win_command_line(char *const *argv)
{
	size_t cap = 1, len = 0;
	wchar_t *line, **w;
	size_t n = 0;

	while (argv[n])
		n++;
	if (!(w = calloc(n + 1, sizeof *w)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!(w[i] = win_wide(argv[i])))
			goto fail;
		cap += wcslen(w[i]) * 2 + 3;
	}
	if (!(line = malloc(cap * sizeof *line)))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const wchar_t *a = w[i];
		bool quote = !*a || wcspbrk(a, L" \t\"") != NULL;
		if (i)
			line[len++] = L' ';
		if (quote)
			line[len++] = L'"';
		for (size_t k = 0;; k++) {
			size_t slashes = 0;
			while (a[k] == L'\\') {
				slashes++;
				k++;
			}
			if (!a[k]) {
				/* before the closing quote, backslashes are doubled */
				for (size_t s = 0; s < (quote ? 2 * slashes : slashes); s++)
					line[len++] = L'\\';
				break;
			}
			if (a[k] == L'"') {
				for (size_t s = 0; s < 2 * slashes + 1; s++)
					line[len++] = L'\\';
			} else {
				for (size_t s = 0; s < slashes; s++)
					line[len++] = L'\\';
			}
			line[len++] = a[k];
		}
		if (quote)
			line[len++] = L'"';
	}
	line[len] = L'\0';
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
	return line;
fail:
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
	return NULL;
}

static int compare_env(const void *a, const void *b)
{
	return _wcsicmp(*(wchar_t *const *)a, *(wchar_t *const *)b);
}

/* "K=V\0K=V\0\0" in UTF-16, sorted without regard to case as Windows expects. */
wchar_t *win_env_block(char *const *env)
{
	size_t n = 0, total = 1, len = 0;
	wchar_t **w, *block = NULL;

	while (env && env[n])
		n++;
	if (!(w = calloc(n + 1, sizeof *w)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!(w[i] = win_wide(env[i])))
			goto out;
		total += wcslen(w[i]) + 1;
	}
	qsort(w, n, sizeof *w, compare_env);
	if (!(block = malloc((total + 1) * sizeof *block)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t k = wcslen(w[i]) + 1;
		memcpy(block + len, w[i], k * sizeof *block);
		len += k;
	}
	block[len++] = L'\0';
	if (n == 0)
		block[len++] = L'\0';
out:
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
	return block;
}
