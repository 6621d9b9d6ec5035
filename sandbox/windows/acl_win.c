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

/* Records the DACL before the change (write-ahead: a change that fails half-way is
 * still put back) and, once set, the DACL this run left, which rollback compares with
 * the current one so as not to undo someone else's later change. */
int win_acl_grant_j(const char *path, const char *who, DWORD mask, bool deny,
		    struct win_journal *j, struct err *e)
{
	wchar_t *before = NULL, *after = NULL;
	char *before8 = NULL, *after8 = NULL;
	size_t at = j ? j->n : 0;
	wchar_t *wpath = win_wide(path), *wwho = win_wide(who);
	PSECURITY_DESCRIPTOR sd = NULL;
	PACL old = NULL, acl = NULL;
	PSID sid = NULL;
	EXPLICIT_ACCESS_W ea;
	DWORD st;
	int rc = -1;

	if (!wpath || !wwho) {
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
	memset(&ea, 0, sizeof ea);
	ea.grfAccessPermissions = mask;
	ea.grfAccessMode = deny ? DENY_ACCESS : GRANT_ACCESS;
	ea.grfInheritance = OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE;
	/* A string SID ("S-1-...") is a SID; anything else is an account name. */
	if (wcsncmp(wwho, L"S-1-", 4) == 0) {
		if (!ConvertStringSidToSidW(wwho, &sid)) {
			win_fail(e, who, "ConvertStringSidToSidW", GetLastError());
			goto out;
		}
		ea.Trustee.TrusteeForm = TRUSTEE_IS_SID;
		ea.Trustee.ptstrName = (LPWSTR)sid;
	} else {
		ea.Trustee.TrusteeForm = TRUSTEE_IS_NAME;
		ea.Trustee.ptstrName = wwho;
	}
	ea.Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
	st = SetEntriesInAclW(1, &ea, old, &acl);
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
	if (sid)
		LocalFree(sid);
	free(wpath);
	free(wwho);
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
