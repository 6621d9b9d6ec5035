/* src/agent/context: AGENTS.md discovery over real directory trees, and the initial
 * context messages in the form upstream 0.118 sends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/context.h"
#include "base/json.h"
#include "test.h"

static char *dir_of(const char *rel)
{
	static char p[8][4200];
	static int k;
	char *out = p[k++ % 8];

	snprintf(out, sizeof p[0], "%s/%s", test_tmpdir(), rel);
	mkdir(out, 0755);
	return out;
}

static char *instructions(const char *home, const char *cwd, int64_t max,
			  const struct strv *fallbacks)
{
	struct context_docs_opts o = {home, cwd, max, fallbacks};
	struct err e;
	char *text = NULL;
	int r = context_user_instructions(&o, &text, &e);

	if (r < 0) {
		test_fail(__FILE__, __LINE__, "context_user_instructions: %s", e.msg);
		return NULL;
	}
	return r ? text : strdup("(none)");
}

TEST(context_matches_upstreams_observed_message)
{
	char *home = dir_of("home"), *repo = dir_of("repo"), *sub = dir_of("repo/sub");
	char *text, *msg;
	cJSON *m;

	(void)repo;
	dir_of("repo/.git");
	test_write_file("home/AGENTS.md", "Global rule.\n");
	test_write_file("repo/AGENTS.md", "Root rule.\n");
	test_write_file("repo/sub/AGENTS.md", "  \n\t\n");
	text = instructions(home, sub, 32768, NULL);
	CHECK_STR(text, "Global rule.\n\n--- project-doc ---\n\nRoot rule.\n");
	m = context_user_instructions_message(sub, text);
	msg = json_print(m, false);
	/* What 0.118 sent for the same tree (codex-0.118-wire.md's run, repeated). */
	char want[8192];
	snprintf(want, sizeof want,
		 "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
		 "\"text\":\"# AGENTS.md instructions for %s\\n\\n<INSTRUCTIONS>\\nGlobal rule.\\n"
		 "\\n--- project-doc ---\\n\\nRoot rule.\\n\\n</INSTRUCTIONS>\"}]}",
		 sub);
	CHECK_STR(msg, want);
	free(msg);
	cJSON_Delete(m);
	free(text);
}

TEST(context_overrides_and_fallbacks)
{
	char *home = dir_of("home"), *cwd;
	struct strv fb = STRV_INIT;
	char *text;

	dir_of("r");
	test_write_file("r/.git", "gitdir: /elsewhere/.git/worktrees/r\n"); /* a worktree */
	dir_of("r/a");
	cwd = dir_of("r/a/b");
	test_write_file("home/AGENTS.override.md", "   \n");
	test_write_file("home/AGENTS.md", "\n  global  \n");
	test_write_file("r/AGENTS.override.md", "root override");
	test_write_file("r/AGENTS.md", "root plain (shadowed)");
	test_write_file("r/a/CLAUDE.md", "from fallback");
	test_write_file("r/a/b/TEAM.md", "team");
	test_write_file("r/a/b/CLAUDE.md", "claude in b");
	REQUIRE(strv_push(&fb, "CLAUDE.md") == 0 && strv_push(&fb, "TEAM.md") == 0);
	REQUIRE(strv_push(&fb, "../r/AGENTS.md") == 0); /* a path, not a name: ignored */
	text = instructions(home, cwd, 32768, &fb);
	/* One file per directory, root first; a blank global override falls back. */
	CHECK_STR(text, "global\n\n--- project-doc ---\n\nroot override\n\nfrom fallback\n\n"
			"claude in b");
	free(text);
	strv_free(&fb);
}

TEST(context_without_a_repository_reads_only_cwd)
{
	char *home = dir_of("home"), *cwd;

	dir_of("plain");
	cwd = dir_of("plain/inner");
	test_write_file("plain/AGENTS.md", "parent (not read)");
	test_write_file("plain/inner/AGENTS.md", "inner");
	char *text = instructions(home, cwd, 32768, NULL);
	CHECK_STR(text, "inner");
	free(text);
	/* Nothing anywhere. */
	test_write_file("plain/inner/AGENTS.md", "");
	text = instructions(home, cwd, 32768, NULL);
	CHECK_STR(text, "(none)");
	free(text);
}

TEST(context_budget_and_disabling)
{
	char *home = dir_of("home"), *cwd;

	dir_of("r");
	dir_of("r/.git");
	cwd = dir_of("r/x");
	test_write_file("home/AGENTS.md", "G");
	test_write_file("r/AGENTS.md", "0123456789abcdef");
	test_write_file("r/x/AGENTS.md", "never reached");
	char *text = instructions(home, cwd, 10, NULL);
	CHECK_STR(text, "G\n\n--- project-doc ---\n\n0123456789");
	free(text);
	text = instructions(home, cwd, 20, NULL);
	CHECK_STR(text, "G\n\n--- project-doc ---\n\n0123456789abcdef\n\nneve");
	free(text);
	/* project_doc_max_bytes = 0: no project docs, the global file still counts. */
	text = instructions(home, cwd, 0, NULL);
	CHECK_STR(text, "G");
	free(text);
}

TEST(context_symlinks_directories_and_bad_utf8)
{
	char *home = dir_of("home"), *cwd, target[4200];

	dir_of("r");
	dir_of("r/.git");
	cwd = dir_of("r/d");
	test_write_file("shared/rules.md", "linked \xff rules");
	snprintf(target, sizeof target, "%s/shared/rules.md", test_tmpdir());
	char link[4200];
	snprintf(link, sizeof link, "%s/r/AGENTS.md", test_tmpdir());
	REQUIRE(symlink(target, link) == 0);
	dir_of("r/d/AGENTS.md"); /* a directory of that name is not a doc */
	test_write_file("r/d/AGENTS.override.md", "");
	char *text = instructions(home, cwd, 32768, NULL);
	/* The empty override is the doc of r/d (skipped), not a fall-through to the dir. */
	CHECK_STR(text, "linked \xEF\xBF\xBD rules");
	free(text);
}

TEST(context_environment_message_as_0_118)
{
	struct strv allow = STRV_INIT, deny = STRV_INIT;
	struct context_env env = {"/work/p", "bash", "2026-12-04", "Etc/UTC", false, NULL, NULL};
	char *t = context_environment_text(&env);

	CHECK_STR(t, "<environment_context>\n  <cwd>/work/p</cwd>\n  <shell>bash</shell>\n"
		     "  <current_date>2026-12-04</current_date>\n  <timezone>Etc/UTC</timezone>\n"
		     "</environment_context>");
	free(t);
	REQUIRE(strv_push(&allow, "example.com") == 0 && strv_push(&deny, "evil.com") == 0);
	env.network = true;
	env.allowed_domains = &allow;
	env.denied_domains = &deny;
	t = context_environment_text(&env);
	CHECK_CONTAINS(t, "  <timezone>Etc/UTC</timezone>\n  <network enabled=\"true\">\n"
			  "    <allowed>example.com</allowed>\n    <denied>evil.com</denied>\n"
			  "  </network>\n</environment_context>");
	free(t);
	cJSON *m = context_environment_message(&env);
	CHECK_STR(json_get_str(m, "role"), "user");
	cJSON_Delete(m);
	strv_free(&allow);
	strv_free(&deny);
}

TEST(context_timezone_and_date)
{
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL, *tz, date[11];

	setenv("TZ", "Europe/Paris", 1);
	tz = context_timezone();
	CHECK_STR(tz, "Europe/Paris");
	free(tz);
	setenv("TZ", ":America/New_York", 1);
	tz = context_timezone();
	CHECK_STR(tz, "America/New_York");
	free(tz);
	setenv("TZ", "/usr/share/zoneinfo/Asia/Tokyo", 1);
	tz = context_timezone();
	CHECK_STR(tz, "Asia/Tokyo");
	free(tz);
	setenv("TZ", "CET-1CEST", 1); /* a POSIX rule, not a name: the system's zone */
	tz = context_timezone();
	CHECK(tz && strcmp(tz, "CET-1CEST") != 0 && strchr(tz, '/'));
	free(tz);
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	free(old);
	context_current_date(date);
	CHECK(strlen(date) == 10 && date[4] == '-' && date[7] == '-');
}

TEST(context_permissions_say_what_the_sandbox_does)
{
	struct strv roots = STRV_INIT, allow = STRV_INIT;
	struct context_permissions p = {SANDBOX_MODE_WORKSPACE_WRITE, &roots, false, false, NULL,
					NULL, APPROVAL_NEVER, false};
	char *t;

	REQUIRE(strv_push(&roots, "/work/p") == 0 && strv_push(&roots, "/tmp") == 0);
	t = context_permissions_text(&p);
	CHECK(strncmp(t, "<permissions instructions>\n", 27) == 0);
	CHECK(strcmp(t + strlen(t) - 28, "\n</permissions instructions>") == 0);
	CHECK_CONTAINS(t, "`workspace-write`");
	CHECK_CONTAINS(t, "`/work/p`, `/tmp`");
	CHECK_CONTAINS(t, "`.git`, `.agents`, `.codex` stay read-only");
	CHECK_CONTAINS(t, "Network: off");
	CHECK_CONTAINS(t, "Approvals: `never`");
	CHECK_CONTAINS(t, "is refused");
	/* Our words, not upstream's. */
	CHECK(strstr(t, "Filesystem sandboxing defines") == NULL);
	free(t);

	p.network_proxy = true;
	REQUIRE(strv_push(&allow, "*.github.com") == 0);
	p.allowed_domains = &allow;
	p.approval = APPROVAL_ON_REQUEST;
	t = context_permissions_text(&p);
	CHECK_CONTAINS(t, "only through a filtering proxy");
	CHECK_CONTAINS(t, "Allowed: `*.github.com`.");
	CHECK_CONTAINS(t, "\"require_escalated\"");
	CHECK(strstr(t, "guardian_subagent") == NULL);
	free(t);
	/* With the automatic reviewer the model learns who decides and what a refusal
	 * means (upstream's guardian suffix, word for word, after a blank line); never
	 * under `never`. */
	p.guardian = true;
	t = context_permissions_text(&p);
	CHECK_CONTAINS(t, "\n\n`approvals_reviewer` is `guardian_subagent`: Sandbox escalations "
			  "with require_escalated will be reviewed for compliance with the policy. "
			  "If a rejection happens, you should proceed only with a materially safer "
			  "alternative, or inform the user of the risk and send a final message to "
			  "ask for approval.\n</permissions instructions>");
	free(t);
	p.approval = APPROVAL_NEVER;
	t = context_permissions_text(&p);
	CHECK(strstr(t, "guardian_subagent") == NULL);
	free(t);
	p.guardian = false;

	p.mode = SANDBOX_MODE_READ_ONLY;
	p.network_proxy = false;
	p.approval = APPROVAL_UNTRUSTED;
	t = context_permissions_text(&p);
	CHECK_CONTAINS(t, "`read-only`");
	CHECK(strstr(t, "/work/p") == NULL);
	CHECK_CONTAINS(t, "Approvals: `untrusted`");
	free(t);

	p.mode = SANDBOX_MODE_DANGER_FULL_ACCESS;
	p.approval = APPROVAL_ON_FAILURE;
	t = context_permissions_text(&p);
	CHECK_CONTAINS(t, "Sandbox: none");
	CHECK(strstr(t, "Network: off") == NULL);
	CHECK_CONTAINS(t, "`on-failure`");
	free(t);

	cJSON *m = context_permissions_message(&p);
	CHECK_STR(json_get_str(m, "role"), "developer");
	cJSON_Delete(m);
	strv_free(&roots);
	strv_free(&allow);
}
