/* The sandbox accounts (reference codex-windows-sandbox.md §3.3, §3.4): the group
 * CodexSandboxUsers, the accounts CodexSandboxOffline and CodexSandboxOnline with fresh
 * random passwords, stored DPAPI-protected for the user running the setup in
 * <codex_home>/.sandbox-secrets/sandbox_users.json, and hidden from the logon screen. */
#include "sandbox/windows/win.h"

#include <lm.h>
#include <dpapi.h>
#include <sddl.h>

#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/file.h"
#include "base/json.h"

static const char *const accounts[2] = {WIN_OFFLINE_USER, WIN_ONLINE_USER};

static int ensure_group(struct err *e)
{
	LOCALGROUP_INFO_1 g = {(LPWSTR)L"" WIN_SANDBOX_GROUP, (LPWSTR)L"" WIN_SANDBOX_GROUP_COMMENT};
	NET_API_STATUS st = NetLocalGroupAdd(NULL, 1, (LPBYTE)&g, NULL);

	if (st != NERR_Success && st != ERROR_ALIAS_EXISTS && st != NERR_GroupExists)
		return win_fail(e, "group " WIN_SANDBOX_GROUP, "NetLocalGroupAdd", st);
	return 0;
}

/* The local Users group's name in this system's language (S-1-5-32-545). */
static void users_group_name(wchar_t *out, DWORD cap)
{
	PSID sid = NULL;
	wchar_t domain[256];
	DWORD dlen = 256;
	SID_NAME_USE use;

	wcscpy(out, L"Users");
	if (ConvertStringSidToSidW(L"S-1-5-32-545", &sid)) {
		if (!LookupAccountSidW(NULL, sid, out, &cap, domain, &dlen, &use))
			wcscpy(out, L"Users"); /* the English name is the best remaining guess */
		LocalFree(sid);
	}
}

static int ensure_account(const char *name, const char *password, struct err *e)
{
	wchar_t *wname = win_wide(name), *wpass = win_wide(password), users[256];
	USER_INFO_1 u;
	USER_INFO_1003 p;
	LOCALGROUP_MEMBERS_INFO_3 m;
	NET_API_STATUS st;
	int rc = -1;

	if (!wname || !wpass) {
		err_set(e, "out of memory");
		goto out;
	}
	memset(&u, 0, sizeof u);
	u.usri1_name = wname;
	u.usri1_password = wpass;
	u.usri1_priv = USER_PRIV_USER;
	u.usri1_flags = UF_SCRIPT | UF_DONT_EXPIRE_PASSWD;
	st = NetUserAdd(NULL, 1, (LPBYTE)&u, NULL);
	if (st != NERR_Success) {
		/* It exists already (a re-run): the new password replaces the old one. */
		p.usri1003_password = wpass;
		st = NetUserSetInfo(NULL, wname, 1003, (LPBYTE)&p, NULL);
		if (st != NERR_Success) {
			win_fail(e, name, "NetUserSetInfo", st);
			goto out;
		}
	}
	m.lgrmi3_domainandname = wname;
	/* Memberships that exist already fail with ERROR_MEMBER_IN_ALIAS: fine. */
	(void)NetLocalGroupAddMembers(NULL, L"" WIN_SANDBOX_GROUP, 3, (LPBYTE)&m, 1);
	users_group_name(users, 256);
	(void)NetLocalGroupAddMembers(NULL, users, 3, (LPBYTE)&m, 1);
	rc = 0;
out:
	if (wpass)
		SecureZeroMemory(wpass, wcslen(wpass) * sizeof *wpass);
	free(wpass);
	free(wname);
	return rc;
}

/* Best effort, as upstream: the accounts still work when they show at logon. */
static void hide_accounts(void)
{
	HKEY k;

	if (RegCreateKeyExW(HKEY_LOCAL_MACHINE,
			    L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\"
			    L"SpecialAccounts\\UserList",
			    0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL) != ERROR_SUCCESS)
		return;
	for (size_t i = 0; i < 2; i++) {
		DWORD zero = 0;
		wchar_t *w = win_wide(accounts[i]);
		if (w)
			(void)RegSetValueExW(k, w, 0, REG_DWORD, (const BYTE *)&zero, sizeof zero);
		free(w);
	}
	RegCloseKey(k);
}

/* DPAPI for the current user, base64 (caller frees). */
static char *protect(const char *password, struct err *e)
{
	DATA_BLOB in = {(DWORD)strlen(password), (BYTE *)password}, out = {0, NULL};
	char *b64;

	if (!CryptProtectData(&in, L"codex sandbox", NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN,
			      &out)) {
		win_fail(e, "sandbox password", "CryptProtectData", GetLastError());
		return NULL;
	}
	b64 = base64_encode(out.pbData, out.cbData, false);
	LocalFree(out.pbData);
	if (!b64)
		err_set(e, "out of memory");
	return b64;
}

static char *secrets_path(const char *codex_home)
{
	return path_join(codex_home, ".sandbox-secrets/sandbox_users.json");
}

int win_provision_users(const char *codex_home, struct err *e)
{
	cJSON *root = cJSON_CreateObject();
	char *path = secrets_path(codex_home), *text = NULL;
	int rc = -1;

	if (!root || !path || json_add_int(root, "version", WIN_SETUP_VERSION) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (ensure_group(e) < 0)
		goto out;
	for (size_t i = 0; i < 2; i++) {
		char password[WIN_PASSWORD_LEN + 1], *blob;
		cJSON *o;
		if (win_random_password(password, e) < 0)
			goto out;
		if (ensure_account(accounts[i], password, e) < 0 ||
		    !(blob = protect(password, e))) {
			SecureZeroMemory(password, sizeof password);
			goto out;
		}
		SecureZeroMemory(password, sizeof password);
		o = cJSON_AddObjectToObject(root, i == 0 ? "offline" : "online");
		if (!o || json_add_str(o, "username", accounts[i]) < 0 ||
		    json_add_str(o, "password", blob) < 0) {
			free(blob);
			err_set(e, "out of memory");
			goto out;
		}
		free(blob);
	}
	hide_accounts();
	if (!(text = json_print(root, true))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (file_mkdir_parents(path, e) < 0 ||
	    file_write_atomic_mode(path, text, strlen(text), 0600, e) < 0)
		goto out;
	rc = 0;
out:
	free(text);
	free(path);
	cJSON_Delete(root);
	return rc;
}

char *win_load_password(const char *codex_home, const char *user, struct err *e)
{
	char *path = secrets_path(codex_home), *out = NULL;
	struct buf text, blob;
	cJSON *root = NULL;
	const cJSON *o;
	const char *b64;
	int64_t version;
	DATA_BLOB in, plain = {0, NULL};

	buf_init(&text, 65536);
	buf_init(&blob, 65536);
	if (!path || file_read_regular(path, &text, e) < 0 ||
	    !(root = json_parse(text.data, text.len, "sandbox_users.json", e)))
		goto out;
	o = cJSON_GetObjectItemCaseSensitive(root, strcmp(user, WIN_OFFLINE_USER) == 0 ? "offline"
										      : "online");
	if (json_get_int64(root, "version", &version) < 0 || version != WIN_SETUP_VERSION ||
	    !(b64 = json_get_str(o, "password")) || base64_decode(b64, strlen(b64), &blob) < 0) {
		err_set(e, "sandbox users missing or incompatible with marker version");
		goto out;
	}
	in.cbData = (DWORD)blob.len;
	in.pbData = (BYTE *)blob.data;
	if (!CryptUnprotectData(&in, NULL, NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &plain)) {
		win_fail(e, "sandbox password", "CryptUnprotectData", GetLastError());
		goto out;
	}
	if ((out = malloc(plain.cbData + 1))) {
		memcpy(out, plain.pbData, plain.cbData);
		out[plain.cbData] = '\0';
	} else {
		err_set(e, "out of memory");
	}
	SecureZeroMemory(plain.pbData, plain.cbData);
	LocalFree(plain.pbData);
out:
	cJSON_Delete(root);
	buf_free(&text);
	buf_free(&blob);
	free(path);
	return out;
}
