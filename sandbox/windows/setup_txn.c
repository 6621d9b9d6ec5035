/* The setup helper's steps, journal and rollback (windows_sandbox.h, "The setup as
 * steps that roll back"). Pure C: the Win32 steps and undos plug in through
 * struct win_setup_ops, so what is undone, in which order, is proven on Linux. */
#include "sandbox/windows/windows_sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int win_journal_add(struct win_journal *j, enum win_change_kind kind, const char *target,
		    const char *detail, const void *saved, size_t saved_len, struct err *e)
{
	struct win_change c;

	if (j->n >= WIN_JOURNAL_MAX)
		return err_set(e, "setup journal: more than %d changes", WIN_JOURNAL_MAX);
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 16;
		struct win_change *v = realloc(j->v, cap * sizeof *v);
		if (!v)
			return err_set(e, "out of memory");
		j->v = v;
		j->cap = cap;
	}
	memset(&c, 0, sizeof c);
	c.kind = kind;
	c.step = j->step;
	c.target = strdup(target ? target : "");
	c.detail = detail ? strdup(detail) : NULL;
	if (saved && (c.saved = malloc(saved_len + 1))) {
		memcpy(c.saved, saved, saved_len);
		c.saved[saved_len] = '\0';
		c.saved_len = saved_len;
	}
	if (!c.target || (detail && !c.detail) || (saved && !c.saved)) {
		free(c.target);
		free(c.detail);
		free(c.saved);
		return err_set(e, "out of memory");
	}
	j->v[j->n++] = c;
	return 0;
}

void win_journal_free(struct win_journal *j)
{
	for (size_t i = 0; i < j->n; i++) {
		struct win_change *c = &j->v[i];
		/* saved may hold a previous file's content or a password blob */
		if (c->saved)
			memset(c->saved, 0, c->saved_len);
		free(c->target);
		free(c->detail);
		free(c->saved);
		free(c->undo_error);
	}
	free(j->v);
	memset(j, 0, sizeof *j);
}

void win_change_describe(const struct win_change *c, char *out, size_t cap)
{
	const char *t = c->target;

	switch (c->kind) {
	case WIN_CHANGE_GROUP_CREATED:
		snprintf(out, cap, "created group %s", t);
		return;
	case WIN_CHANGE_USER_CREATED:
		snprintf(out, cap, "created account %s", t);
		return;
	case WIN_CHANGE_PASSWORD_CHANGED:
		snprintf(out, cap, "changed the password of existing account %s", t);
		return;
	case WIN_CHANGE_MEMBER_ADDED:
		snprintf(out, cap, "added %s to group %s", t, c->detail ? c->detail : "?");
		return;
	case WIN_CHANGE_REG_VALUE_ADDED:
		snprintf(out, cap, "hid %s from the logon screen (registry value added)", t);
		return;
	case WIN_CHANGE_REG_VALUE_CHANGED:
		snprintf(out, cap, "hid %s from the logon screen (registry value changed from %s)",
			 t, c->saved ? c->saved : "?");
		return;
	case WIN_CHANGE_FILE_WRITTEN:
		snprintf(out, cap, "%s %s", c->saved ? "replaced" : "created", t);
		return;
	case WIN_CHANGE_FW_RULE_ADDED:
		snprintf(out, cap, "added firewall rule %s", t);
		return;
	case WIN_CHANGE_FW_RULE_CHANGED:
		snprintf(out, cap, "changed existing firewall rule %s", t);
		return;
	case WIN_CHANGE_FW_RULE_REMOVED:
		snprintf(out, cap, "removed firewall rule %s", t);
		return;
	case WIN_CHANGE_DACL_CHANGED:
		snprintf(out, cap, "changed the access control list of %s", t);
		return;
	}
	snprintf(out, cap, "change %d of %s", (int)c->kind, t);
}

static char *one_line(const char *s)
{
	char *d = strdup(s);

	for (char *p = d; p && *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return d;
}

/* Finds the step fail_at ("STEP" or "STEP:CODE") names; -1 with e filled when it names
 * none or the code is not a number. */
static long forced_step(const struct win_setup_ops *ops, const char *fail_at,
			unsigned long *code, struct err *e)
{
	const char *colon = strchr(fail_at, ':');
	size_t len = colon ? (size_t)(colon - fail_at) : strlen(fail_at);

	*code = 1627; /* ERROR_FUNCTION_FAILED */
	if (colon) {
		char *end;
		*code = strtoul(colon + 1, &end, 10);
		if (end == colon + 1 || *end || *code == 0 || *code > 0xffffffffUL)
			return err_set(e, WIN_SETUP_FAIL_AT_ENV "=%s: the code after ':' is not a "
					  "Win32 error number", fail_at);
	}
	for (size_t i = 0; i < ops->n_steps; i++)
		if (strlen(ops->steps[i].name) == len && strncmp(ops->steps[i].name, fail_at, len) == 0)
			return (long)i;
	return err_set(e, WIN_SETUP_FAIL_AT_ENV "=%s names no setup step", fail_at);
}

static void rollback(const struct win_setup_ops *ops, struct win_journal *j,
		     struct win_setup_result *r)
{
	for (size_t k = j->n; k-- > 0;) {
		struct win_change *c = &j->v[k];
		struct err why;

		err_clear(&why);
		if (ops->undo(ops->ctx, c, &why) == 0) {
			c->undo = WIN_UNDO_DONE;
			r->n_undone++;
			continue;
		}
		c->undo = WIN_UNDO_FAILED;
		c->undo_error = one_line(why.msg[0] ? why.msg : "cannot be undone");
		r->n_not_undone++;
	}
	/* The marker of an earlier setup would claim a state that no longer holds. */
	if (r->n_not_undone && ops->forget_marker) {
		if (ops->forget_marker(ops->ctx, &r->marker_error) == 0)
			r->marker_removed = true;
		else if (!r->marker_error.msg[0])
			err_set(&r->marker_error, "the setup marker could not be removed");
	}
}

int win_setup_run(const struct win_setup_ops *ops, const char *fail_at, struct win_journal *j,
		  struct win_setup_result *r)
{
	unsigned long forced_code = 0;
	long forced = -1;

	memset(r, 0, sizeof *r);
	r->failed_step = -1;
	/* A hook naming no step is a broken test: nothing runs (failed_step stays -1). */
	if (fail_at && *fail_at && (forced = forced_step(ops, fail_at, &forced_code, &r->error)) < 0)
		return -1;
	for (size_t i = 0; i < ops->n_steps; i++) {
		const struct win_setup_step *s = &ops->steps[i];
		j->step = i;
		if (s->apply(ops->ctx, j, &r->error) < 0) {
			if (!r->error.msg[0])
				err_set(&r->error, "%s: failed", s->name);
			r->failed_step = (long)i;
			break;
		}
		if ((long)i == forced) {
			if (ops->forced_failure)
				ops->forced_failure(ops->ctx, s->name, forced_code, &r->error);
			else
				err_set(&r->error, "%s: " WIN_SETUP_FAIL_AT_ENV " failed: forced "
						   "failure for tests (error %lu)", s->name, forced_code);
			r->failed_step = (long)i;
			break;
		}
	}
	if (r->failed_step < 0)
		return 0;
	rollback(ops, j, r);
	return -1;
}
