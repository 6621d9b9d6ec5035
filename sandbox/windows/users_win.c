/* The sandbox accounts (reference codex-windows-sandbox.md §3.3, §3.4): the group
 * CodexSandboxUsers, the accounts CodexSandboxOffline and CodexSandboxOnline with fresh
 * random passwords, stored DPAPI-protected for the user running the setup in
 * <codex_home>/.sandbox-secrets/sandbox_users.json, and hidden from the logon screen. */
#include "sandbox/windows/win.h"

#include <lm.h>
#include <dpapi.h>
#include <sddl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/file.h"
#include "base/json.h"

static const char *const accounts[2] = {WIN_OFFLINE_USER, WIN_ONLINE_USER};

static int ensure_group(struct win_journal *j, struct err *e)
{
	LOCALGROUP_INFO_1 g = {(LPWSTR)L"" WIN_SANDBOX_GROUP, (LPWSTR)L"" WIN_SANDBOX_GROUP_COMMENT};
	NET_API_STATUS st = NetLocalGroupAdd(NULL, 1, (LPBYTE)&g, NULL);

	if (st == NERR_Success)
		return win_journal_add(j, WIN_CHANGE_GROUP_CREATED, WIN_SANDBOX_GROUP, NULL, NULL, 0, e);
	if (st != ERROR_ALIAS_EXISTS && st != NERR_GroupExists)
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

/* Adds the account to a group, recording it when it was not a member yet. */
static int add_member(wchar_t *wname, const char *name, const wchar_t *group,
		      struct win_journal *j, struct err *e)
{
	LOCALGROUP_MEMBERS_INFO_3 m = {wname};
	char *g8;
	int rc;

	/* A membership that exists already fails with ERROR_MEMBER_IN_ALIAS: fine. Other
	 * failures are tolerated as upstream does (best effort). */
	if (NetLocalGroupAddMembers(NULL, group, 3, (LPBYTE)&m, 1) != NERR_Success)
		return 0;
	if (!(g8 = win_utf8(group)))
		return err_set(e, "out of memory");
	rc = win_journal_add(j, WIN_CHANGE_MEMBER_ADDED, name, g8, NULL, 0, e);
	free(g8);
	return rc;
}

/* old_blob: the account's previous password as the secrets file held it, or NULL. */
static int ensure_account(const char *name, const char *password, const char *old_blob,
			  struct win_journal *j, struct err *e)
{
	wchar_t *wname = win_wide(name), *wpass = win_wide(password), users[256];
	USER_INFO_1 u;
	USER_INFO_1003 p;
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
	if (st == NERR_Success) {
		if (win_journal_add(j, WIN_CHANGE_USER_CREATED, name, NULL, NULL, 0, e) < 0)
			goto out;
	} else if (st == NERR_UserExists) {
		/* A re-run: the new password replaces the old one, which rollback puts back
		 * (recorded first: a half-done change is undone too). */
		if (win_journal_add(j, WIN_CHANGE_PASSWORD_CHANGED, name, NULL, old_blob,
				    old_blob ? strlen(old_blob) : 0, e) < 0)
			goto out;
		p.usri1003_password = wpass;
		st = NetUserSetInfo(NULL, wname, 1003, (LPBYTE)&p, NULL);
		if (st != NERR_Success) {
			win_fail(e, name, "NetUserSetInfo", st);
			goto out;
		}
	} else {
		win_fail(e, name, "NetUserAdd", st);
		goto out;
	}
	users_group_name(users, 256);
	if (add_member(wname, name, L"" WIN_SANDBOX_GROUP, j, e) < 0 ||
	    add_member(wname, name, users, j, e) < 0)
		goto out;
	rc = 0;
out:
	if (wpass)
		SecureZeroMemory(wpass, wcslen(wpass) * sizeof *wpass);
	free(wpass);
	free(wname);
	return rc;
}

#define USERLIST_KEY L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\SpecialAccounts\\UserList"

void win_hide_users(struct win_journal *j)
{
	HKEY k;

	if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, USERLIST_KEY, 0, NULL, 0,
			    KEY_SET_VALUE | KEY_QUERY_VALUE, NULL, &k, NULL) != ERROR_SUCCESS)
		return;
	for (size_t i = 0; i < 2; i++) {
		DWORD zero = 0, old = 0, type = 0, size = sizeof old;
		wchar_t *w = win_wide(accounts[i]);
		LSTATUS q;
		char was[16];
		struct err ignored;
		if (!w)
			continue;
		q = RegQueryValueExW(k, w, NULL, &type, (BYTE *)&old, &size);
		if (q == ERROR_SUCCESS && type == REG_DWORD && old == 0) {
			free(w); /* hidden already */
			continue;
		}
		if (RegSetValueExW(k, w, 0, REG_DWORD, (const BYTE *)&zero, sizeof zero) ==
		    ERROR_SUCCESS) {
			snprintf(was, sizeof was, "%lu", (unsigned long)old);
			/* A value of another type is recorded as added: rollback deletes it. */
			(void)(q == ERROR_SUCCESS && type == REG_DWORD
				       ? win_journal_add(j, WIN_CHANGE_REG_VALUE_CHANGED, accounts[i],
							 NULL, was, strlen(was), &ignored)
				       : win_journal_add(j, WIN_CHANGE_REG_VALUE_ADDED, accounts[i],
							 NULL, NULL, 0, &ignored));
		}
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

/* The secrets file as it was (NULL when there was none) and its account blobs. */
static bool read_old_secrets(const char *path, struct buf *text, cJSON **root)
{
	struct err ignored;

	*root = NULL;
	if (file_read_regular(path, text, &ignored) < 0)
		return false;
	*root = json_parse(text->data ? text->data : "", text->len, "sandbox_users.json", &ignored);
	return true;
}

static const char *old_blob(const cJSON *root, size_t i)
{
	return json_get_str(cJSON_GetObjectItemCaseSensitive(root, i == 0 ? "offline" : "online"),
			    "password");
}

int win_provision_users(const char *codex_home, struct win_journal *j, struct err *e)
{
	cJSON *root = cJSON_CreateObject(), *old = NULL;
	char *path = secrets_path(codex_home), *text = NULL;
	struct buf before;
	bool existed;
	int rc = -1;

	buf_init(&before, 65536);
	if (!root || !path || json_add_int(root, "version", WIN_SETUP_VERSION) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	existed = read_old_secrets(path, &before, &old);
	if (ensure_group(j, e) < 0)
		goto out;
	for (size_t i = 0; i < 2; i++) {
		char password[WIN_PASSWORD_LEN + 1], *blob;
		cJSON *o;
		if (win_random_password(password, e) < 0)
			goto out;
		if (ensure_account(accounts[i], password, old_blob(old, i), j, e) < 0 ||
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
	if (!(text = json_print(root, true))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (win_journal_add(j, WIN_CHANGE_FILE_WRITTEN, path, NULL,
			    existed ? (before.data ? before.data : "") : NULL, existed ? before.len : 0,
			    e) < 0 ||
	    file_mkdir_parents(path, e) < 0 ||
	    file_write_atomic_mode(path, text, strlen(text), 0600, e) < 0)
		goto out;
	rc = 0;
out:
	free(text);
	free(path);
	cJSON_Delete(root);
	cJSON_Delete(old);
	buf_free(&before);
	return rc;
}

/* Sets the password an account had before this run, from the previous secrets file. */
static int restore_password(const char *name, const char *blob64, struct err *e)
{
	struct buf blob;
	DATA_BLOB in, plain = {0, NULL};
	wchar_t *wname = win_wide(name), *wpass = NULL;
	char *pass = NULL;
	USER_INFO_1003 p;
	NET_API_STATUS st;
	int rc = -1;

	buf_init(&blob, 65536);
	if (!blob64) {
		err_set(e, "%s: its previous password is not known (there was no earlier secrets "
			   "file); it keeps the new one", name);
		goto out;
	}
	if (!wname || base64_decode(blob64, strlen(blob64), &blob) < 0) {
		err_set(e, "%s: the previous secrets file's password is not base64", name);
		goto out;
	}
	in.cbData = (DWORD)blob.len;
	in.pbData = (BYTE *)blob.data;
	if (!CryptUnprotectData(&in, NULL, NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &plain)) {
		win_fail(e, name, "CryptUnprotectData", GetLastError());
		goto out;
	}
	if ((pass = malloc(plain.cbData + 1))) {
		memcpy(pass, plain.pbData, plain.cbData);
		pass[plain.cbData] = '\0';
	}
	SecureZeroMemory(plain.pbData, plain.cbData);
	LocalFree(plain.pbData);
	if (!pass || !(wpass = win_wide(pass))) {
		err_set(e, "out of memory");
		goto out;
	}
	p.usri1003_password = wpass;
	st = NetUserSetInfo(NULL, wname, 1003, (LPBYTE)&p, NULL);
	if (st != NERR_Success) {
		win_fail(e, name, "NetUserSetInfo", st);
		goto out;
	}
	rc = 0;
out:
	if (wpass)
		SecureZeroMemory(wpass, wcslen(wpass) * sizeof *wpass);
	if (pass)
		SecureZeroMemory(pass, strlen(pass));
	free(wpass);
	free(pass);
	free(wname);
	buf_free(&blob);
	return rc;
}

int win_users_undo(const char *codex_home, const struct win_change *c, struct err *e)
{
	wchar_t *t = win_wide(c->target), *g = NULL;
	NET_API_STATUS st = NERR_Success;
	const char *api = NULL;
	int rc = -1;

	if (!t)
		return err_set(e, "out of memory");
	switch (c->kind) {
	case WIN_CHANGE_GROUP_CREATED:
		api = "NetLocalGroupDel";
		st = NetLocalGroupDel(NULL, t);
		break;
	case WIN_CHANGE_USER_CREATED:
		api = "NetUserDel";
		st = NetUserDel(NULL, t);
		break;
	case WIN_CHANGE_PASSWORD_CHANGED:
		rc = restore_password(c->target, c->saved, e);
		goto out;
	case WIN_CHANGE_MEMBER_ADDED: {
		LOCALGROUP_MEMBERS_INFO_3 m = {t};
		if (!(g = win_wide(c->detail ? c->detail : ""))) {
			err_set(e, "out of memory");
			goto out;
		}
		api = "NetLocalGroupDelMembers";
		st = NetLocalGroupDelMembers(NULL, g, 3, (LPBYTE)&m, 1);
		break;
	}
	case WIN_CHANGE_REG_VALUE_ADDED:
	case WIN_CHANGE_REG_VALUE_CHANGED: {
		HKEY k;
		DWORD old = c->saved ? (DWORD)strtoul(c->saved, NULL, 10) : 0;
		api = "RegOpenKeyExW";
		st = (NET_API_STATUS)RegOpenKeyExW(HKEY_LOCAL_MACHINE, USERLIST_KEY, 0, KEY_SET_VALUE, &k);
		if (st != ERROR_SUCCESS)
			break;
		if (c->kind == WIN_CHANGE_REG_VALUE_ADDED) {
			api = "RegDeleteValueW";
			st = (NET_API_STATUS)RegDeleteValueW(k, t);
		} else {
			api = "RegSetValueExW";
			st = (NET_API_STATUS)RegSetValueExW(k, t, 0, REG_DWORD, (const BYTE *)&old,
							    sizeof old);
		}
		RegCloseKey(k);
		break;
	}
	default:
		err_set(e, "%s: not a change of the accounts", c->target);
		goto out;
	}
	rc = st == NERR_Success ? 0 : win_fail(e, c->target, api, st);
out:
	free(g);
	free(t);
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
