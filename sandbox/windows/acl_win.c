/* ACL grants for the sandbox (reference codex-windows-sandbox.md §3.5): one inherited
 * allow or deny entry for an account or SID, merged into a path's existing DACL. */
#include "sandbox/windows/win.h"

#include <aclapi.h>
#include <sddl.h>

#include <stdlib.h>

int win_acl_grant(const char *path, const char *who, DWORD mask, bool deny, struct err *e)
{
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
	rc = 0;
out:
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
