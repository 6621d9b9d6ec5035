/* The Linux plan is a pure function of the resolved roots: these cases build roots by
 * hand (no filesystem) and check the operations and their order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/linux/linux_sandbox.h"
#include "test.h"

static struct sandbox_protected prot(const char *path, enum sandbox_protect_kind kind,
				     ino_t ino)
{
	struct sandbox_protected p = {(char *)path, kind, 1, ino};
	return p;
}

static char *printed(const struct lx_plan *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	lx_plan_print(p, f);
	fclose(f);
	return text;
}

/* /w (with .git, a symlinked .codex, a missing .agents that needs nothing) and a
 * shallower /tmp listed after it. */
static void sample_roots(struct sandbox_roots *r, struct sandbox_root *v,
			 struct sandbox_protected *pw)
{
	pw[0] = prot("/w/.git", SANDBOX_PROTECT_EXISTING, 11);
	pw[1] = prot("/w/.codex", SANDBOX_PROTECT_SYMLINK, 12);
	pw[2] = prot("/w/sub/.git", SANDBOX_PROTECT_EXISTING, 13);
	pw[3] = prot("/w/.missing", SANDBOX_PROTECT_MISSING, 0); /* no placeholder made */
	v[0] = (struct sandbox_root){(char *)"/w", 1, 10, pw, 4, 0};
	v[1] = (struct sandbox_root){(char *)"/tmp", 1, 20, NULL, 0, 0};
	r->v = v;
	r->n = 2;
}

TEST(plan_userns_mount_order)
{
	struct sandbox_root v[2];
	struct sandbox_protected pw[4];
	struct sandbox_roots r;
	struct lx_plan p;
	struct err e;
	char *text;

	sample_roots(&r, v, pw);
	REQUIRE(lx_plan_build(&r, SANDBOX_NET_OFF, true, NULL, &p, &e) == 0);
	text = printed(&p);
	/* Copies first (roots by depth, input order at equal depth, then protected paths
	 * by depth), then the read-only view, /proc, /dev, then the copies are attached
	 * in the same order. */
	CHECK_STR(text, "namespaces user pid ipc mount net\n"
			"mount private /\n"
			"mount clone-rw /w\n"
			"mount clone-rw /tmp\n"
			"mount clone-ro /w/.git\n"
			"mount clone-mask /w/.codex\n"
			"mount clone-ro /w/sub/.git\n"
			"mount read-only /\n"
			"mount proc /proc\n"
			"mount dev /dev\n"
			"mount attach /w\n"
			"mount attach /tmp\n"
			"mount attach /w/.git\n"
			"mount attach /w/.codex\n"
			"mount attach /w/sub/.git\n"
			"landlock read /\n"
			"landlock all /dev\n"
			"landlock all /w\n"
			"landlock all /tmp\n"
			"landlock network tcp bind/connect denied\n"
			"landlock scope signal abstract-unix-socket\n"
			"processes not capped\n"
			"seccomp network off\n");
	/* Identity travels with each copy, for the checks before and after. */
	CHECK_INT(p.mounts[1].ino, 10);
	CHECK_INT(p.mounts[4].ino, 12);
	CHECK_INT(p.mounts[p.n_mounts - 1].source, 5);
	free(text);
	lx_plan_free(&p);
}

TEST(plan_pins_come_before_what_they_lead_to)
{
	struct sandbox_protected pw[4] = {
		prot("/w/a/b/repo.git", SANDBOX_PROTECT_EXISTING, 11),
		prot("/w/.git", SANDBOX_PROTECT_EXISTING, 12),
		prot("/w/a/b", SANDBOX_PROTECT_PIN, 13),
		prot("/w/a", SANDBOX_PROTECT_PIN, 14),
	};
	struct sandbox_root v[2] = {{(char *)"/w", 1, 10, pw, 4, 0},
				    {(char *)"/w/a/c", 1, 20, NULL, 0, 0}};
	struct sandbox_roots r = {v, 2, 0, STRV_INIT};
	struct lx_plan p;
	struct err e;
	char *text;

	REQUIRE(lx_plan_build(&r, SANDBOX_NET_FULL, true, NULL, &p, &e) == 0);
	text = printed(&p);
	/* Pins have no copy of their own: they copy the view when their turn comes, after
	 * the roots (a root below a pin is part of its copy), in depth order with the
	 * protected paths. */
	CHECK_CONTAINS(text, "mount clone-rw /w/a/c\n"
			     "mount clone-ro /w/.git\n"
			     "mount clone-ro /w/a/b/repo.git\n"
			     "mount read-only /\n");
	CHECK_CONTAINS(text, "mount attach /w\n"
			     "mount attach /w/a/c\n"
			     "mount attach /w/.git\n"
			     "mount pin /w/a\n"
			     "mount pin /w/a/b\n"
			     "mount attach /w/a/b/repo.git\n"
			     "landlock read /\n");
	CHECK_INT(p.mounts[p.n_mounts - 2].ino, 13);
	free(text);
	lx_plan_free(&p);
	/* Without user namespaces the directories on the way get no rule anyway. */
	REQUIRE(lx_plan_build(&r, SANDBOX_NET_FULL, false, NULL, &p, &e) == 0);
	text = printed(&p);
	CHECK_CONTAINS(text, "landlock all /w except /w/a/b/repo.git /w/.git\n");
	free(text);
	lx_plan_free(&p);
}

TEST(plan_placeholder_is_mounted_once_made)
{
	struct sandbox_protected pw[1] = {prot("/w/.codex", SANDBOX_PROTECT_MISSING, 0)};
	struct sandbox_root v[1] = {{(char *)"/w", 1, 10, pw, 1, 0}};
	struct sandbox_roots r = {v, 1, 0, STRV_INIT};
	struct lx_plan p;
	struct err e;
	char *text;

	REQUIRE(lx_plan_build(&r, SANDBOX_NET_FULL, true, NULL, &p, &e) == 0);
	text = printed(&p);
	CHECK(strstr(text, ".codex") == NULL);
	CHECK_CONTAINS(text, "namespaces user pid ipc mount\n");
	CHECK_CONTAINS(text, "landlock network unrestricted");
	free(text);
	lx_plan_free(&p);
	pw[0].ino = 99; /* the launcher made the placeholder */
	REQUIRE(lx_plan_build(&r, SANDBOX_NET_FULL, true, NULL, &p, &e) == 0);
	text = printed(&p);
	CHECK_CONTAINS(text, "mount clone-ro /w/.codex\n");
	CHECK_CONTAINS(text, "mount attach /w/.codex\n");
	free(text);
	lx_plan_free(&p);
}

TEST(plan_without_userns_uses_landlock_exceptions)
{
	struct sandbox_root v[2];
	struct sandbox_protected pw[4];
	struct sandbox_roots r;
	struct strv hidden = STRV_INIT;
	struct lx_plan p;
	struct err e;
	char *text;

	sample_roots(&r, v, pw);
	/* The terminals: /dev, and a chroot's devpts inside the workspace. */
	REQUIRE(strv_push(&hidden, "/dev") == 0 && strv_push(&hidden, "/w/chroot/dev/pts") == 0);
	REQUIRE(lx_plan_build(&r, SANDBOX_NET_OFF, false, &hidden, &p, &e) == 0);
	CHECK_INT(p.n_mounts, 0);
	CHECK_INT(p.own_tty_fd, -1);
	text = printed(&p);
	CHECK_STR(text, "namespaces none (Landlock and seccomp only)\n"
			"landlock list /\n"
			"landlock read-files / except /dev /w/chroot/dev/pts\n"
			"landlock device /dev/null\n"
			"landlock device /dev/zero\n"
			"landlock device /dev/full\n"
			"landlock device /dev/random\n"
			"landlock device /dev/urandom\n"
			"landlock device /dev/tty\n"
			"landlock device /dev/ptmx\n"
			"landlock device /dev/pts/ptmx\n"
			"landlock all /w except /w/.git /w/.codex /w/sub/.git /w/.missing "
			"/w/chroot/dev/pts\n"
			"landlock all /tmp\n"
			"landlock device the command's own pty\n"
			"landlock network tcp bind/connect denied\n"
			"landlock scope signal abstract-unix-socket\n"
			"processes not capped\n"
			"seccomp network off\n");
	free(text);
	strv_free(&hidden);
	lx_plan_free(&p);
}

TEST(plan_read_only_has_no_roots)
{
	struct sandbox_roots r = {NULL, 0, 0, STRV_INIT};
	struct lx_plan p;
	struct err e;

	REQUIRE(lx_plan_build(&r, SANDBOX_NET_OFF, true, NULL, &p, &e) == 0);
	CHECK_INT(p.n_mounts, 4); /* private, read-only, proc, dev */
	CHECK_INT(p.n_rules, 2);  /* read /, all /dev */
	lx_plan_free(&p);
}

TEST(plan_survives_allocation_failures)
{
	struct sandbox_root v[2];
	struct sandbox_protected pw[4];
	struct sandbox_roots r;

	sample_roots(&r, v, pw);
	for (int userns = 0; userns <= 1; userns++)
		FOR_EACH_ALLOC_FAILURE(100, {
			struct lx_plan p;
			struct err e;
			if (lx_plan_build(&r, SANDBOX_NET_OFF, userns, NULL, &p, &e) == 0)
				CHECK(p.n_rules >= 4);
			lx_plan_free(&p);
		});
}

TEST(plan_without_userns_covers_nested_roots)
{
	/* The workspace inside /tmp: /tmp's own rule must not cover /tmp/ws/.git. */
	struct sandbox_protected pw[1] = {prot("/tmp/ws/.git", SANDBOX_PROTECT_EXISTING, 5)};
	struct sandbox_root v[2] = {{(char *)"/tmp/ws", 1, 4, pw, 1, 0},
				    {(char *)"/tmp", 1, 3, NULL, 0, 0}};
	struct sandbox_roots r = {v, 2, 0, STRV_INIT};
	struct lx_plan p;
	struct err e;
	char *text;

	REQUIRE(lx_plan_build(&r, SANDBOX_NET_FULL, false, NULL, &p, &e) == 0);
	text = printed(&p);
	CHECK_CONTAINS(text, "landlock all /tmp/ws except /tmp/ws/.git\n");
	CHECK_CONTAINS(text, "landlock all /tmp except /tmp/ws/.git\n");
	free(text);
	lx_plan_free(&p);
}

TEST(plan_proxy_network)
{
	struct sandbox_root v[2];
	struct sandbox_protected pw[4];
	struct sandbox_roots r;
	struct lx_plan p;
	struct err e;
	char *text;

	sample_roots(&r, v, pw);
	REQUIRE(lx_plan_build(&r, SANDBOX_NET_PROXY, true, NULL, &p, &e) == 0);
	p.proxy_ports[p.n_proxy_ports++] = 3128;
	p.proxy_ports[p.n_proxy_ports++] = 1080;
	text = printed(&p);
	CHECK_CONTAINS(text, "namespaces user pid ipc mount net\n");
	CHECK_CONTAINS(text, "landlock all /w\n");
	CHECK_CONTAINS(text, "landlock network tcp bind denied, connect to the proxy only 3128 "
			     "1080\n");
	CHECK_CONTAINS(text, "seccomp network proxy\n");
	free(text);
	p.allow_local_binding = true;
	text = printed(&p);
	CHECK_CONTAINS(text, "landlock network own loopback (local binding)\n");
	CHECK_CONTAINS(text, "seccomp network proxy (local binding)\n");
	free(text);
	lx_plan_free(&p);
}

/* danger-full-access with the proxy: no filesystem rules, only a /proc of its own. */
TEST(plan_full_disk_with_proxy)
{
	struct lx_plan p;
	struct err e;
	char *text;

	REQUIRE(lx_plan_build(NULL, SANDBOX_NET_PROXY, true, NULL, &p, &e) == 0);
	CHECK(p.full_disk);
	CHECK_INT(p.n_rules, 0);
	text = printed(&p);
	CHECK_STR(text, "namespaces user pid ipc mount net\n"
			"mount private /\n"
			"mount proc /proc\n"
			"landlock filesystem unrestricted\n"
			"landlock network tcp bind denied, connect to the proxy only\n"
			"landlock scope signal abstract-unix-socket\n"
			"processes not capped\n"
			"seccomp network proxy\n");
	free(text);
	lx_plan_free(&p);
}
