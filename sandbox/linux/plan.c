/* The policy as a list of mount and Landlock operations: a pure function of the
 * resolved roots, so it can be tested and printed (codex-linux-sandbox --print-plan)
 * without any privilege.
 *
 * With user namespaces, the mount view carries the policy: everything read-only,
 * writable roots bound read-write, protected paths bound read-only on top, a
 * protected symlink covered by a read-only /dev/null (so the link can be neither
 * followed into a writable place nor replaced). Copies of the roots and protected
 * paths are taken first, from the host's view, with their identity checked; they are
 * attached after /proc and /dev are in place, so a root below /dev still works. The
 * directories leading to a protected path deeper than the top of its root are pinned
 * (each made a mount point of its own), so that none of them can be renamed to move
 * the protected mount aside.
 *
 * Landlock repeats the policy: read everywhere, full access in /dev (a private tmpfs)
 * and in each writable root. Landlock rules only ever grant, and a right granted on a
 * root holds for everything below it: whatever a new file at the top of a root may do
 * (be created, written, removed), a protected path below the root may have done to it
 * too. So with the mount view in place, protected paths are enforced by the mounts
 * (which the command cannot undo: no capabilities, no mount calls, no new user
 * namespace) and Landlock keeps the outer boundary. Without user namespaces, Landlock
 * alone must protect them: the rule goes on every sibling of the protected path
 * instead (BENEATH_EXCEPT), which means no new entry can be created in a directory
 * that leads to a protected path (in practice: at the top of the workspace). */
#include "sandbox/linux/linux_sandbox.h"

#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/limits.h"
#include "base/vec.h"


const char *lx_mount_kind_str(enum lx_mount_kind k)
{
	switch (k) {
	case LX_MOUNT_PRIVATE:
		return "private";
	case LX_MOUNT_CLONE_RW:
		return "clone-rw";
	case LX_MOUNT_CLONE_RO:
		return "clone-ro";
	case LX_MOUNT_CLONE_MASK:
		return "clone-mask";
	case LX_MOUNT_READ_ONLY:
		return "read-only";
	case LX_MOUNT_PROC:
		return "proc";
	case LX_MOUNT_DEV:
		return "dev";
	case LX_MOUNT_ATTACH:
		return "attach";
	case LX_MOUNT_PIN:
		return "pin";
	}
	return "?";
}

void lx_plan_free(struct lx_plan *p)
{
	for (size_t i = 0; i < p->n_mounts; i++)
		free(p->mounts[i].path);
	for (size_t i = 0; i < p->n_rules; i++) {
		free(p->rules[i].path);
		strv_free(&p->rules[i].except);
	}
	free(p->mounts);
	free(p->rules);
	memset(p, 0, sizeof *p);
}

static int add_mount(struct lx_plan *p, enum lx_mount_kind kind, const char *path, dev_t dev,
		     ino_t ino, size_t source, struct err *e)
{
	struct lx_mount *v = vec_grow(p->mounts, &p->cap_mounts, p->n_mounts, sizeof *v,
				      LIMIT_SANDBOX_PLAN_STEPS);

	if (!v)
		return vec_fail(e, "mounts in the sandbox plan", LIMIT_SANDBOX_PLAN_STEPS);
	p->mounts = v;
	v += p->n_mounts;
	memset(v, 0, sizeof *v);
	v->kind = kind;
	v->dev = dev;
	v->ino = ino;
	v->source = source;
	if (path && !(v->path = strdup(path)))
		return err_set(e, "out of memory");
	p->n_mounts++;
	return 0;
}

static struct lx_rule *add_rule(struct lx_plan *p, enum lx_rule_kind kind, const char *path,
				uint64_t access, bool optional, struct err *e)
{
	struct lx_rule *v = vec_grow(p->rules, &p->cap_rules, p->n_rules, sizeof *v,
				     LIMIT_SANDBOX_PLAN_STEPS);

	if (!v) {
		vec_fail(e, "Landlock rules in the sandbox plan", LIMIT_SANDBOX_PLAN_STEPS);
		return NULL;
	}
	p->rules = v;
	v += p->n_rules;
	memset(v, 0, sizeof *v);
	v->kind = kind;
	v->access = access;
	v->optional = optional;
	if (!(v->path = strdup(path))) {
		err_set(e, "out of memory");
		return NULL;
	}
	p->n_rules++;
	return v;
}

static size_t depth(const char *path)
{
	size_t d = 0;

	for (; *path; path++)
		if (*path == '/' && path[1] && path[1] != '/')
			d++;
	return d;
}

/* A protected path with its place in the mount order. */
struct prot_ref {
	const struct sandbox_protected *prot;
	size_t order;
};

static int by_depth_root(const void *a, const void *b)
{
	const struct sandbox_root *x = *(const struct sandbox_root *const *)a;
	const struct sandbox_root *y = *(const struct sandbox_root *const *)b;
	size_t dx = depth(x->path), dy = depth(y->path);

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return x < y ? -1 : x > y; /* stable: input order at equal depth */
}

static int by_depth_prot(const void *a, const void *b)
{
	const struct prot_ref *x = a, *y = b;
	size_t dx = depth(x->prot->path), dy = depth(y->prot->path);

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Whether a protected entry needs anything in the mount view. */
static bool prot_mounted(const struct sandbox_protected *pr)
{
	switch (pr->kind) {
	case SANDBOX_PROTECT_EXISTING:
	case SANDBOX_PROTECT_SYMLINK:
		return true;
	case SANDBOX_PROTECT_MISSING:
		return pr->ino != 0; /* the launcher made a placeholder to mount over */
	case SANDBOX_PROTECT_PIN:
		return true;
	}
	return false;
}

/* The copy a protected entry is mounted from; pins have none (see LX_MOUNT_PIN). */
static bool prot_cloned(const struct sandbox_protected *pr)
{
	return pr->kind != SANDBOX_PROTECT_PIN;
}

static int plan_mounts(const struct sandbox_roots *roots, struct lx_plan *p, struct err *e)
{
	const struct sandbox_root **rs = NULL;
	struct prot_ref *ps = NULL;
	size_t n_ps = 0, n_rs = 0, first_clone;
	int rc = -1;

	rs = malloc((roots->n + 1) * sizeof *rs);
	for (size_t i = 0; i < roots->n; i++)
		n_ps += roots->v[i].n_prot;
	ps = malloc((n_ps + 1) * sizeof *ps);
	if (!rs || !ps) {
		err_set(e, "out of memory");
		goto out;
	}
	n_ps = 0;
	for (size_t i = 0; i < roots->n; i++) {
		/* A root on a kernel file system is no root: the view has it read-only. */
		if (lx_root_protected_whole(&roots->v[i]))
			continue;
		rs[n_rs++] = &roots->v[i];
		for (size_t j = 0; j < roots->v[i].n_prot; j++)
			if (prot_mounted(&roots->v[i].prot[j])) {
				ps[n_ps].prot = &roots->v[i].prot[j];
				ps[n_ps].order = n_ps;
				n_ps++;
			}
	}
	qsort(rs, n_rs, sizeof *rs, by_depth_root);
	qsort(ps, n_ps, sizeof *ps, by_depth_prot);

	if (add_mount(p, LX_MOUNT_PRIVATE, "/", 0, 0, 0, e) < 0)
		goto out;
	first_clone = p->n_mounts;
	for (size_t i = 0; i < n_rs; i++)
		if (add_mount(p, LX_MOUNT_CLONE_RW, rs[i]->path, rs[i]->dev, rs[i]->ino, 0, e) < 0)
			goto out;
	for (size_t i = 0; i < n_ps; i++) {
		const struct sandbox_protected *pr = ps[i].prot;
		enum lx_mount_kind k = pr->kind == SANDBOX_PROTECT_SYMLINK ? LX_MOUNT_CLONE_MASK
									    : LX_MOUNT_CLONE_RO;
		if (prot_cloned(pr) && add_mount(p, k, pr->path, pr->dev, pr->ino, 0, e) < 0)
			goto out;
	}
	if (add_mount(p, LX_MOUNT_READ_ONLY, "/", 0, 0, 0, e) < 0 ||
	    add_mount(p, LX_MOUNT_PROC, "/proc", 0, 0, 0, e) < 0 ||
	    add_mount(p, LX_MOUNT_DEV, "/dev", 0, 0, 0, e) < 0)
		goto out;
	for (size_t i = 0; i < n_rs; i++)
		if (add_mount(p, LX_MOUNT_ATTACH, NULL, 0, 0, first_clone + i, e) < 0)
			goto out;
	/* By depth, pins among them: a pin comes before what it leads to. */
	for (size_t i = 0, clone = first_clone + n_rs; i < n_ps; i++) {
		const struct sandbox_protected *pr = ps[i].prot;
		int r = prot_cloned(pr)
				? add_mount(p, LX_MOUNT_ATTACH, NULL, 0, 0, clone++, e)
				: add_mount(p, LX_MOUNT_PIN, pr->path, pr->dev, pr->ino, 0, e);
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	free(rs);
	free(ps);
	return rc;
}

/* Adds each path of list that lies below (or at) root to rule's exceptions. */
static int except_below(struct lx_rule *rule, const char *root, const struct strv *list,
			struct err *e)
{
	for (size_t i = 0; list && i < list->n; i++)
		if (path_is_under(list->v[i], root) && strv_find(&rule->except, list->v[i]) < 0 &&
		    strv_push(&rule->except, list->v[i]) < 0)
			return err_set(e, "out of memory");
	return 0;
}

static int plan_rules(const struct sandbox_roots *roots, const struct strv *hidden,
		      struct lx_plan *p, struct err *e)
{
	/* Without the private /dev, only the harmless device nodes are usable, and new
	 * ptys (the command's own terminal is granted by descriptor, lx_plan.own_tty_fd). */
	static const char *const devices[] = {"/dev/null", "/dev/zero", "/dev/full",
					      "/dev/random", "/dev/urandom", "/dev/tty",
					      "/dev/ptmx", "/dev/pts/ptmx", NULL};
	struct lx_rule *rule;

	if (p->userns) {
		if (!add_rule(p, LX_RULE_BENEATH, "/", LX_FS_READ, false, e) ||
		    !add_rule(p, LX_RULE_BENEATH, "/dev", LX_FS_ALL, false, e))
			return -1;
	} else {
		/* Everything may be listed and read, but not the terminals: the caller's is
		 * among them (/dev/pts/N), readable by path with read on all of /. */
		if (!add_rule(p, LX_RULE_BENEATH, "/", LL_FS_READ_DIR, false, e) ||
		    !(rule = add_rule(p, LX_RULE_BENEATH, "/", LL_FS_EXECUTE | LL_FS_READ_FILE,
				      false, e)) ||
		    except_below(rule, "/", hidden, e) < 0)
			return -1;
		if (rule->except.n)
			rule->kind = LX_RULE_BENEATH_EXCEPT;
		for (size_t i = 0; devices[i]; i++)
			if (!add_rule(p, LX_RULE_BENEATH, devices[i], LX_FS_DEVICE, true, e))
				return -1;
	}
	for (size_t i = 0; i < roots->n; i++) {
		const struct sandbox_root *r = &roots->v[i];

		if (lx_root_protected_whole(r))
			continue; /* on a kernel file system: no writable root */
		if (!(rule = add_rule(p, LX_RULE_BENEATH, r->path, LX_FS_ALL, false, e)))
			return -1;
		if (p->userns)
			continue;
		/* Every protected path below this root, whichever root it belongs to: a
		 * rule on /tmp would otherwise cover /tmp/ws/.git. */
		for (size_t j = 0; j < roots->n; j++)
			for (size_t k = 0; k < roots->v[j].n_prot; k++) {
				const char *pp = roots->v[j].prot[k].path;
				/* Pins are for the mount view: here the directories leading
				 * to an excepted path get no rule anyway. */
				if (roots->v[j].prot[k].kind == SANDBOX_PROTECT_PIN)
					continue;
				if (path_is_under(pp, r->path) && strv_find(&rule->except, pp) < 0 &&
				    strv_push(&rule->except, pp) < 0)
					return err_set(e, "out of memory");
			}
		if (except_below(rule, r->path, hidden, e) < 0)
			return -1;
		if (rule->except.n)
			rule->kind = LX_RULE_BENEATH_EXCEPT;
	}
	return 0;
}

/* Danger-full-access with the proxy: the filesystem as it is, but a /proc that shows
 * only the sandbox's pid namespace. */
static int plan_full_disk(struct lx_plan *p, struct err *e)
{
	p->full_disk = true;
	if (!p->userns)
		return 0;
	if (add_mount(p, LX_MOUNT_PRIVATE, "/", 0, 0, 0, e) < 0)
		return -1;
	return add_mount(p, LX_MOUNT_PROC, "/proc", 0, 0, 0, e);
}

int lx_plan_build(const struct sandbox_roots *roots, enum sandbox_network net, bool userns,
		  const struct strv *hidden, struct lx_plan *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->userns = userns;
	out->net = net;
	out->own_tty_fd = -1;
	if (!roots)
		return plan_full_disk(out, e);
	if (userns && plan_mounts(roots, out, e) < 0)
		return -1;
	return plan_rules(roots, userns ? NULL : hidden, out, e);
}

static const char *access_str(uint64_t a)
{
	if (a == LX_FS_ALL)
		return "all";
	if (a == LX_FS_READ)
		return "read";
	if (a == LL_FS_READ_DIR)
		return "list";
	if (a == (LL_FS_EXECUTE | LL_FS_READ_FILE))
		return "read-files";
	if (a == LX_FS_DEVICE)
		return "device";
	return "custom";
}

void lx_plan_print(const struct lx_plan *p, FILE *f)
{
	fprintf(f, "namespaces %s\n",
		!p->userns ? "none (Landlock and seccomp only)"
		: p->net == SANDBOX_NET_FULL ? "user pid ipc mount"
					     : "user pid ipc mount net");
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct lx_mount *m = &p->mounts[i];
		const char *path = m->kind == LX_MOUNT_ATTACH ? p->mounts[m->source].path : m->path;
		fprintf(f, "mount %s %s\n", lx_mount_kind_str(m->kind), path);
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct lx_rule *r = &p->rules[i];
		fprintf(f, "landlock %s %s", access_str(r->access), r->path);
		if (r->kind == LX_RULE_BENEATH_EXCEPT) {
			fprintf(f, " except");
			for (size_t j = 0; j < r->except.n; j++)
				fprintf(f, " %s", r->except.v[j]);
		}
		fprintf(f, "\n");
	}
	if (!p->userns && !p->full_disk)
		fprintf(f, "landlock device the command's own pty\n");
	if (p->full_disk)
		fprintf(f, "landlock filesystem unrestricted\n");
	switch (p->net) {
	case SANDBOX_NET_FULL:
		fprintf(f, "landlock network unrestricted\n");
		break;
	case SANDBOX_NET_OFF:
		fprintf(f, "landlock network tcp bind/connect denied\n");
		break;
	case SANDBOX_NET_PROXY:
		if (p->allow_local_binding) {
			fprintf(f, "landlock network own loopback (local binding)\n");
			break;
		}
		fprintf(f, "landlock network tcp bind denied, connect to the proxy only");
		for (size_t i = 0; i < p->n_proxy_ports; i++)
			fprintf(f, " %u", p->proxy_ports[i]);
		fprintf(f, "\n");
		break;
	}
	fprintf(f, "landlock scope signal abstract-unix-socket\n");
	if (p->max_processes)
		fprintf(f, "processes at most %u\n", p->max_processes);
	else
		fprintf(f, "processes not capped\n");
	fprintf(f, "seccomp network %s%s\n", sandbox_network_str(p->net),
		p->net == SANDBOX_NET_PROXY && p->allow_local_binding ? " (local binding)" : "");
}

