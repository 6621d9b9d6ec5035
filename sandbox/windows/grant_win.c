/* One resolved ACL grant applied (win.h, win_grant_apply): its rule (win_acl_rule)
 * says who gets which rights and how; this file only turns that into access entries. */
#include "sandbox/windows/win.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"

#define READ_MASK (FILE_GENERIC_READ | FILE_GENERIC_EXECUTE)

static DWORD rights_mask(enum win_acl_rights r)
{
	switch (r) {
	case WIN_RIGHTS_RWXD:
		return WIN_WRITE_MASK;
	case WIN_RIGHTS_RX:
		return READ_MASK;
	case WIN_RIGHTS_WRITE:
		return FILE_GENERIC_WRITE | DELETE;
	}
	return 0;
}

static bool debug_on(void)
{
	const char *v = getenv("SBX_DEBUG");

	return v && strcmp(v, "1") == 0;
}

int win_grant_apply(const struct win_grant *g, const struct win_grant_ids *ids,
		    struct win_journal *j, struct err *e)
{
	const struct win_acl_rule *r = &g->rule;
	DWORD mask = rights_mask(r->rights);
	struct win_ace aces[WIN_ACES_MAX];
	size_t n = 0;

	if (r->create && file_mkdir_parents(g->path, e) < 0)
		return -1;
	if (r->create && _mkdir(g->path) < 0 && errno != EEXIST)
		return err_sys(e, errno, "cannot create %s", g->path);
	if (r->only_if_exists && file_exists(g->path) != 1)
		return 0;
	if (r->how == WIN_HOW_READ_UNLESS_READABLE) {
		bool readable;
		if (win_acl_readable(g->path, WIN_SANDBOX_GROUP, mask, &readable, e) < 0)
			return -1;
		if (readable)
			return 0;
	}
	if (r->who & WIN_WHO_GROUP)
		aces[n++] = (struct win_ace){WIN_SANDBOX_GROUP, mask, r->deny};
	if (r->who & WIN_WHO_CWD_SID)
		aces[n++] = (struct win_ace){ids->cwd_sid, mask, r->deny};
	if (r->who & WIN_WHO_WORKSPACE_SID)
		aces[n++] = (struct win_ace){ids->workspace_sid, mask, r->deny};
	if (r->how == WIN_HOW_REPLACE) {
		/* What keeps working when the explicit entries are replaced: the system,
		 * administrators (full) and the user who runs codex (reference §3.2 step 6,
		 * 7). */
		DWORD user = g->target == WIN_ACL_SANDBOX_BIN ? WIN_WRITE_MASK
							      : FILE_GENERIC_READ | FILE_GENERIC_WRITE |
									FILE_GENERIC_EXECUTE;
		aces[n++] = (struct win_ace){"S-1-5-18", FILE_ALL_ACCESS, false};
		aces[n++] = (struct win_ace){"S-1-5-32-544", FILE_ALL_ACCESS, false};
		if (ids->real_user && *ids->real_user)
			aces[n++] = (struct win_ace){ids->real_user, user, false};
	}
	for (size_t i = 0; i < n; i++)
		if (!aces[i].who || !*aces[i].who)
			return err_set(e, "%s: no SID for the %s grant", g->path,
				       win_acl_target_name(g->target));
	if (debug_on())
		fprintf(stderr, "codex: sandbox: DEBUG: acl %s %s %s mask=0x%lx entries=%zu%s\n",
			win_acl_target_name(g->target), g->path, r->deny ? "deny" : "allow",
			(unsigned long)mask, n, r->how == WIN_HOW_REPLACE ? " replace" : "");
	return win_acl_set_j(g->path, aces, n, r->how == WIN_HOW_REPLACE, j, e);
}
