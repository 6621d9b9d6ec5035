/* ACL grants for the sandbox (reference codex-windows-sandbox.md §3.5): one inherited
 * allow or deny entry for an account or SID, merged into a path's existing DACL; for
 * the setup, journalled with the DACL before and after, so that a failed setup can put
 * it back. */
#include "sandbox/windows/win.h"

#include <aclapi.h>
#include <sddl.h>

#include <stdlib.h>
#include <string.h>

/* The DACL of path as SDDL (caller LocalFrees), for the journal. */
static wchar_t *dacl_sddl(const wchar_t *wpath, const char *path, struct err *e)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	wchar_t *text = NULL;
	DWORD st = GetNamedSecurityInfoW(wpath, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL,
					 NULL, NULL, NULL, &sd);

	if (st != ERROR_SUCCESS) {
		win_fail(e, path, "GetNamedSecurityInfoW", st);
		return NULL;
	}
	if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1,
								  DACL_SECURITY_INFORMATION, &text,
								  NULL)) {
		win_fail(e, path, "ConvertSecurityDescriptorToStringSecurityDescriptorW",
			 GetLastError());
		text = NULL;
	}
	LocalFree(sd);
	return text;
}

int win_acl_grant(const char *path, const char *who, DWORD mask, bool deny, struct err *e)
{
	return win_acl_grant_j(path, who, mask, deny, NULL, e);
}

int win_acl_grant_j(const char *path, const char *who, DWORD mask, bool deny,
		    struct win_journal *j, struct err *e)
{
	struct win_ace ace = {who, mask, deny};

	return win_acl_set_j(path, &ace, 1, false, j, e);
}

/* One EXPLICIT_ACCESS_W for an account name or a string SID ("S-1-..."); *sid gets
 * the converted SID to LocalFree, *wname the wide name to free. */
static int fill_ea(const struct win_ace *a, EXPLICIT_ACCESS_W *ea, PSID *sid, wchar_t **wname,
		   struct err *e)
{
	memset(ea, 0, sizeof *ea);
	ea->grfAccessPermissions = a->mask;
	ea->grfAccessMode = a->deny ? DENY_ACCESS : GRANT_ACCESS;
	ea->grfInheritance = OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE;
	ea->Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
	if (!(*wname = win_wide(a->who)))
		return err_set(e, "out of memory");
	if (wcsncmp(*wname, L"S-1-", 4) == 0) {
		if (!ConvertStringSidToSidW(*wname, sid))
			return win_fail(e, a->who, "ConvertStringSidToSidW", GetLastError());
		ea->Trustee.TrusteeForm = TRUSTEE_IS_SID;
		ea->Trustee.ptstrName = (LPWSTR)*sid;
	} else {
		ea->Trustee.TrusteeForm = TRUSTEE_IS_NAME;
		ea->Trustee.ptstrName = *wname;
	}
	return 0;
}

/* Records the DACL before the change (write-ahead: a change that fails half-way is
 * still put back) and, once set, the DACL this run left, which rollback compares with
 * the current one so as not to undo someone else's later change. */
int win_acl_set_j(const char *path, const struct win_ace *aces, size_t n, bool replace,
		  struct win_journal *j, struct err *e)
{
	wchar_t *before = NULL, *after = NULL;
	char *before8 = NULL, *after8 = NULL;
	size_t at = j ? j->n : 0;
	wchar_t *wpath = win_wide(path), *wnames[WIN_ACES_MAX] = {0};
	PSECURITY_DESCRIPTOR sd = NULL;
	PACL old = NULL, acl = NULL;
	PSID sids[WIN_ACES_MAX] = {0};
	EXPLICIT_ACCESS_W ea[WIN_ACES_MAX];
	DWORD st;
	int rc = -1;

	if (n == 0 || n > WIN_ACES_MAX) {
		err_set(e, "%s: %zu access entries (1..%d)", path, n, WIN_ACES_MAX);
		goto out;
	}
	if (!wpath) {
		err_set(e, "out of memory");
		goto out;
	}
	if (j) {
		if (!(before = dacl_sddl(wpath, path, e)))
			goto out;
		if (!(before8 = win_utf8(before))) {
			err_set(e, "out of memory");
			goto out;
		}
		if (win_journal_add(j, WIN_CHANGE_DACL_CHANGED, path, NULL, before8, strlen(before8),
				    e) < 0)
			goto out;
	}
	st = GetNamedSecurityInfoW(wpath, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
				   &old, NULL, &sd);
	if (st != ERROR_SUCCESS) {
		win_fail(e, path, "GetNamedSecurityInfoW", st);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (fill_ea(&aces[i], &ea[i], &sids[i], &wnames[i], e) < 0)
			goto out;
	/* replace: the explicit entries become exactly these (the inherited ones stay,
	 * as the DACL is not protected). */
	st = SetEntriesInAclW((ULONG)n, ea, replace ? NULL : old, &acl);
	if (st != ERROR_SUCCESS) {
		win_fail(e, path, "SetEntriesInAclW", st);
		goto out;
	}
	st = SetNamedSecurityInfoW(wpath, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
				   acl, NULL);
	if (st != ERROR_SUCCESS) {
		win_fail(e, path, "SetNamedSecurityInfoW", st);
		goto out;
	}
	if (j) {
		struct win_change *c = &j->v[at];
		if (!(after = dacl_sddl(wpath, path, e)))
			goto out;
		if (!(after8 = win_utf8(after))) {
			err_set(e, "out of memory");
			goto out;
		}
		/* Nothing changed (the entry was there already): nothing to undo. */
		if (strcmp(before8, after8) == 0) {
			free(c->target);
			free(c->saved);
			j->n--;
		} else {
			c->detail = after8;
			after8 = NULL;
		}
	}
	rc = 0;
out:
	if (before)
		LocalFree(before);
	if (after)
		LocalFree(after);
	free(before8);
	free(after8);
	if (acl)
		LocalFree(acl);
	if (sd)
		LocalFree(sd);
	for (size_t i = 0; i < WIN_ACES_MAX; i++) {
		if (sids[i])
			LocalFree(sids[i]);
		free(wnames[i]);
	}
	free(wpath);
	return rc;
}

/* Puts back the DACL a run found (saved as SDDL), if the DACL is still the one that run
 * left: a later change by someone else is not overwritten. */
int win_acl_restore(const char *path, const char *before, const char *after, struct err *e)
{
	wchar_t *wpath = win_wide(path), *wbefore = win_wide(before), *now = NULL;
	char *now8 = NULL;
	PSECURITY_DESCRIPTOR sd = NULL;
	PACL dacl = NULL;
	BOOL present = FALSE, defaulted = FALSE;
	SECURITY_DESCRIPTOR_CONTROL control = 0;
	DWORD revision, st, info = DACL_SECURITY_INFORMATION;
	int rc = -1;

	if (!wpath || !wbefore) {
		err_set(e, "out of memory");
		goto out;
	}
	if (!(now = dacl_sddl(wpath, path, e)))
		goto out;
	if (!(now8 = win_utf8(now))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (after && strcmp(now8, after) != 0) {
		err_set(e, "%s: its access control list changed after the setup's change; left as "
			   "it is", path);
		goto out;
	}
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(wbefore, SDDL_REVISION_1, &sd,
								  NULL)) {
		win_fail(e, path, "ConvertStringSecurityDescriptorToSecurityDescriptorW",
			 GetLastError());
		goto out;
	}
	if (!GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted)) {
		win_fail(e, path, "GetSecurityDescriptorDacl", GetLastError());
		goto out;
	}
	/* Keep whether the DACL inherited from the parent, as it did before. */
	if (GetSecurityDescriptorControl(sd, &control, &revision))
		info |= (control & SE_DACL_PROTECTED) ? PROTECTED_DACL_SECURITY_INFORMATION
						     : UNPROTECTED_DACL_SECURITY_INFORMATION;
	st = SetNamedSecurityInfoW(wpath, SE_FILE_OBJECT, info, NULL, NULL, present ? dacl : NULL,
				   NULL);
	if (st != ERROR_SUCCESS) {
		win_fail(e, path, "SetNamedSecurityInfoW", st);
		goto out;
	}
	rc = 0;
out:
	if (sd)
		LocalFree(sd);
	if (now)
		LocalFree(now);
	free(now8);
	free(wpath);
	free(wbefore);
	return rc;
}

/* Whether an allow entry that applies to the object itself gives sid every right of
 * want (generic rights mapped to file rights). Deny entries are not weighed: this
 * only decides whether a read grant is worth adding (as upstream). */
static bool acl_allows(PACL dacl, PSID sid, DWORD want)
{
	GENERIC_MAPPING map = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
			       FILE_ALL_ACCESS};
	ACL_SIZE_INFORMATION info;

	if (!dacl || !GetAclInformation(dacl, &info, sizeof info, AclSizeInformation))
		return false;
	for (DWORD i = 0; i < info.AceCount; i++) {
		ACCESS_ALLOWED_ACE *ace;
		DWORD mask;
		if (!GetAce(dacl, i, (void **)&ace) || ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE ||
		    (ace->Header.AceFlags & INHERIT_ONLY_ACE) || !EqualSid(&ace->SidStart, sid))
			continue;
		mask = ace->Mask;
		MapGenericMask(&mask, &map);
		if ((mask & want) == want)
			return true;
	}
	return false;
}

int win_acl_readable(const char *path, const char *group, DWORD want, bool *out, struct err *e)
{
	static const WELL_KNOWN_SID_TYPE world[] = {WinBuiltinUsersSid, WinAuthenticatedUserSid,
						    WinWorldSid};
	wchar_t *wpath = win_wide(path);
	PSECURITY_DESCRIPTOR sd = NULL;
	PACL dacl = NULL;
	BYTE buf[SECURITY_MAX_SID_SIZE];
	char *gsid = NULL;
	struct err ignored;
	PSID g = NULL;
	DWORD st;
	int rc = -1;

	*out = false;
	if (!wpath) {
		err_set(e, "out of memory");
		goto out;
	}
	st = GetNamedSecurityInfoW(wpath, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
				   &dacl, NULL, &sd);
	if (st != ERROR_SUCCESS) {
		win_fail(e, path, "GetNamedSecurityInfoW", st);
		goto out;
	}
	for (size_t i = 0; i < 3 && !*out; i++) {
		DWORD len = sizeof buf;
		if (CreateWellKnownSid(world[i], NULL, buf, &len))
			*out = acl_allows(dacl, buf, want);
	}
	/* The group's own earlier grant counts too; a group that does not resolve has
	 * none. */
	if (!*out && group && (gsid = win_account_sid(group, &ignored)) &&
	    ConvertStringSidToSidA(gsid, &g))
		*out = acl_allows(dacl, g, want);
	rc = 0;
out:
	if (g)
		LocalFree(g);
	free(gsid);
	if (sd)
		LocalFree(sd);
	free(wpath);
	return rc;
}
