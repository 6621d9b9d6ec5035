/* Recognising apply_patch in a command (reference §5): the argv and shell forms that
 * are accepted, the ones that must not be, and the implicit-invocation guard. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch/patch.h"
#include "test.h"

#define PATCH_TEXT "*** Begin Patch\n*** Add File: foo\n+hi\n*** End Patch"
#define HEREDOC(prefix) prefix "apply_patch <<'PATCH'\n" PATCH_TEXT "\nPATCH"

static enum patch_argv_kind classify(int argc, const char **argv, const char **workdir_out)
{
	static char workdir[256];
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	char *wd = NULL;
	enum patch_argv_kind k = patch_from_argv(argc, (char *const *)argv, &p, &wd, &pe);

	if (k == PATCH_ARGV_PATCH) {
		/* Every accepted form carries the same patch. */
		CHECK(p != NULL && p->n_hunks == 1 && p->hunks[0].kind == PATCH_HUNK_ADD &&
		      p->hunks[0].contents.len == 3 && memcmp(p->hunks[0].contents.s, "hi\n", 3) == 0);
	} else {
		CHECK(p == NULL && wd == NULL);
	}
	CHECK((k == PATCH_ARGV_INVALID) == (pe.kind != PATCH_OK));
	snprintf(workdir, sizeof workdir, "%s", wd ? wd : "(none)");
	if (workdir_out)
		*workdir_out = workdir;
	free(wd);
	patch_free(p);
	patch_error_free(&pe);
	return k;
}

static enum patch_argv_kind bash(const char *script, const char **workdir)
{
	const char *argv[] = {"bash", "-lc", script};
	return classify(3, argv, workdir);
}

TEST(invocation_direct_argv)
{
	const char *a[] = {"apply_patch", PATCH_TEXT "\n"};
	const char *b[] = {"applypatch", PATCH_TEXT};
	const char *bad[] = {"apply_patch", "not a patch"};
	const char *other[] = {"ls", "-l"};

	CHECK(classify(2, a, NULL) == PATCH_ARGV_PATCH);
	CHECK(classify(2, b, NULL) == PATCH_ARGV_PATCH);
	CHECK(classify(2, bad, NULL) == PATCH_ARGV_INVALID);
	CHECK(classify(2, other, NULL) == PATCH_ARGV_NOT_APPLY_PATCH);
}

TEST(invocation_heredoc_forms)
{
	const char *wd;
	const char *sh_c[] = {"/bin/sh", "-c", HEREDOC("")};
	const char *zsh[] = {"zsh", "-lc", HEREDOC("")};
	const char *ps[] = {"powershell.exe", "-Command", HEREDOC("")};
	const char *ps_np[] = {"powershell.exe", "-NoProfile", "-Command", HEREDOC("")};
	const char *pwsh[] = {"pwsh", "-noprofile", "-command", HEREDOC("")};
	const char *cmd[] = {"C:\\Windows\\cmd.exe", "/C", HEREDOC("cd foo && ")};

	CHECK(bash(HEREDOC(""), &wd) == PATCH_ARGV_PATCH);
	CHECK_STR(wd, "(none)");
	CHECK(bash("applypatch <<'PATCH'\n" PATCH_TEXT "\nPATCH", NULL) == PATCH_ARGV_PATCH);
	CHECK(bash("apply_patch <<EOF\n" PATCH_TEXT "\nEOF\n\n", NULL) == PATCH_ARGV_PATCH);
	CHECK(bash("  apply_patch<<\"EOF\"\n" PATCH_TEXT "\n\nEOF", NULL) == PATCH_ARGV_PATCH);
	CHECK(classify(3, sh_c, NULL) == PATCH_ARGV_PATCH);
	CHECK(classify(3, zsh, NULL) == PATCH_ARGV_PATCH);
	CHECK(classify(3, ps, NULL) == PATCH_ARGV_PATCH);
	CHECK(classify(4, ps_np, NULL) == PATCH_ARGV_PATCH);
	CHECK(classify(4, pwsh, NULL) == PATCH_ARGV_PATCH);
	CHECK(classify(3, cmd, &wd) == PATCH_ARGV_PATCH);
	CHECK_STR(wd, "foo");
}

TEST(invocation_cd_forms)
{
	const char *wd;

	CHECK(bash(HEREDOC("cd foo && "), &wd) == PATCH_ARGV_PATCH);
	CHECK_STR(wd, "foo");
	CHECK(bash(HEREDOC("cd 'foo bar' && "), &wd) == PATCH_ARGV_PATCH);
	CHECK_STR(wd, "foo bar");
	CHECK(bash(HEREDOC("cd \"foo bar\" && "), &wd) == PATCH_ARGV_PATCH);
	CHECK_STR(wd, "foo bar");
	CHECK(bash(HEREDOC("cd \"$HOME\" && "), NULL) == PATCH_ARGV_NOT_APPLY_PATCH);
}

TEST(invocation_rejected_scripts)
{
	static const char *const scripts[] = {
		HEREDOC("cd foo; "),
		HEREDOC("cd bar || "),
		HEREDOC("cd bar | "),
		HEREDOC("echo foo && "),
		HEREDOC("cd foo && cd bar && "),
		HEREDOC("cd foo bar && "),
		HEREDOC("echo foo; cd bar && "),
		HEREDOC("cd bar && ") " && echo done",
		HEREDOC("") "\necho after",
		"apply_patch foo <<'PATCH'\n" PATCH_TEXT "\nPATCH",
		"apply_patch <<'PATCH'\n" PATCH_TEXT "\n",        /* no terminator */
		"apply_patch <<-'PATCH'\n" PATCH_TEXT "\nPATCH",
		"apply_patch <<< 'x'",
		"echo hi",
	};

	for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++)
		if (bash(scripts[i], NULL) != PATCH_ARGV_NOT_APPLY_PATCH)
			test_fail(__FILE__, __LINE__, "accepted: %s", scripts[i]);
	/* Unknown shells and flags are not looked into. */
	{
		const char *fish[] = {"fish", "-c", HEREDOC("")};
		const char *bash_x[] = {"bash", "-x", HEREDOC("")};
		CHECK(classify(3, fish, NULL) == PATCH_ARGV_NOT_APPLY_PATCH);
		CHECK(classify(3, bash_x, NULL) == PATCH_ARGV_NOT_APPLY_PATCH);
	}
	/* apply_patch with a heredoc that is not a patch. */
	CHECK(bash("apply_patch <<'PATCH'\nnot a patch\nPATCH", NULL) == PATCH_ARGV_INVALID);
}

TEST(invocation_implicit_patch_is_refused)
{
	const char *bare[] = {PATCH_TEXT};
	const char *notpatch[] = {"ls"};

	CHECK(classify(1, bare, NULL) == PATCH_ARGV_IMPLICIT);
	CHECK(bash(PATCH_TEXT, NULL) == PATCH_ARGV_IMPLICIT);
	CHECK(classify(1, notpatch, NULL) == PATCH_ARGV_NOT_APPLY_PATCH);
	CHECK_STR(PATCH_IMPLICIT_INVOCATION_MSG,
		  "patch detected without explicit call to apply_patch. Rerun as "
		  "[\"apply_patch\", \"<patch>\"]");
}
