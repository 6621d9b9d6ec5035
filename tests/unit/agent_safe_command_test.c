/* src/agent/safe_command: known-safe and might-be-dangerous, table-driven, and the
 * plain-script parser. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/safe_command.h"
#include "test.h"

/* Splits on single spaces into argv (the cases below never need a space in a word,
 * except shell scripts, which use the `sh:` form). */
static size_t split(char *s, const char **argv, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(s, " ", &save); t && n < max; t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	return n;
}

/* "sh:bash -lc:SCRIPT" is the three-word argv {bash, -lc, SCRIPT}. */
static size_t parse_case(const char *spec, char *buf, size_t cap, const char **argv)
{
	snprintf(buf, cap, "%s", spec);
	if (strncmp(buf, "sh:", 3) == 0) {
		char *a = buf + 3, *b = strchr(a, ':');
		char *sp = strchr(a, ' ');
		*b = '\0';
		*sp = '\0';
		argv[0] = a;
		argv[1] = sp + 1;
		argv[2] = b + 1;
		return 3;
	}
	return split(buf, argv, 64);
}

static void check_safe(const char *spec, bool want, int line)
{
	char buf[1024];
	const char *argv[64];
	size_t n = parse_case(spec, buf, sizeof buf, argv);

	if (safe_command_is_known_safe(argv, n) != want)
		test_fail(__FILE__, line, "known_safe(%s) should be %s", spec, want ? "true" : "false");
}

static void check_danger(const char *spec, bool want, int line)
{
	char buf[1024];
	const char *argv[64];
	size_t n = parse_case(spec, buf, sizeof buf, argv);

	if (safe_command_might_be_dangerous(argv, n) != want)
		test_fail(__FILE__, line, "might_be_dangerous(%s) should be %s", spec,
			  want ? "true" : "false");
}

#define SAFE(s) check_safe(s, true, __LINE__)
#define UNSAFE(s) check_safe(s, false, __LINE__)
#define DANGER(s) check_danger(s, true, __LINE__)
#define HARMLESS(s) check_danger(s, false, __LINE__)

TEST(known_safe_programs)
{
	const char *always[] = {"cat", "cd", "cut", "echo", "expr", "false", "grep", "head",
				"id", "ls", "nl", "paste", "pwd", "rev", "seq", "stat", "tail",
				"tr", "true", "uname", "uniq", "wc", "which", "whoami", "numfmt",
				"tac"};
	for (size_t i = 0; i < sizeof always / sizeof *always; i++)
		check_safe(always[i], true, __LINE__);
	SAFE("ls -la /etc");
	SAFE("/bin/ls -la");
	SAFE("grep -rn TODO src");
	UNSAFE("cargo check");
	UNSAFE("python3 x.py");
	UNSAFE("rm x");
	UNSAFE("cp a b");
	UNSAFE("bash");
	UNSAFE("");
}

TEST(known_safe_conditional_rules)
{
	SAFE("base64 file");
	SAFE("base64 -d file");
	UNSAFE("base64 -o out file");
	UNSAFE("base64 -oout file");
	UNSAFE("base64 --output out");
	UNSAFE("base64 --output=out");

	SAFE("find . -name *.c -type f");
	SAFE("find . -print");
	for (const char *const *w = (const char *const[]){"-exec", "-execdir", "-ok", "-okdir",
							    "-delete", "-fls", "-fprint",
							    "-fprint0", "-fprintf", NULL};
	     *w; w++) {
		char spec[64];
		snprintf(spec, sizeof spec, "find . %s x", *w);
		check_safe(spec, false, __LINE__);
	}

	SAFE("rg -n foo");
	SAFE("rg --files");
	UNSAFE("rg --pre cat foo");
	UNSAFE("rg --pre=cat foo");
	UNSAFE("rg --hostname-bin x foo");
	UNSAFE("rg --hostname-bin=x foo");
	UNSAFE("rg --search-zip foo");
	UNSAFE("rg -z foo");
	UNSAFE("rg -nz foo");

	SAFE("git status");
	SAFE("git log --oneline -5");
	SAFE("git diff HEAD~1");
	SAFE("git show HEAD:README.md");
	SAFE("git -C /repo status");
	SAFE("git --git-dir=/r/.git log");
	SAFE("git --no-pager diff");
	SAFE("git branch");
	SAFE("git branch --show-current");
	SAFE("git branch -a -vv");
	SAFE("git branch --format=%(refname)");
	UNSAFE("git branch newbranch");
	UNSAFE("git branch -d old");
	UNSAFE("git branch -D old");
	UNSAFE("git commit -m x");
	UNSAFE("git checkout main");
	UNSAFE("git push");
	UNSAFE("git -c core.pager=evil log");
	UNSAFE("git -ccore.pager=evil log");
	UNSAFE("git --config-env=core.pager=X log");
	UNSAFE("git -p log");
	UNSAFE("git --paginate log");
	UNSAFE("git log --output=/tmp/x");
	UNSAFE("git log --output /tmp/x");
	UNSAFE("git diff --ext-diff");
	UNSAFE("git diff --textconv");
	UNSAFE("git log --exec=x");
	UNSAFE("git");
	UNSAFE("git -C");

	SAFE("sed -n 10p file.txt");
	SAFE("sed -n 1,20p file.txt");
	SAFE("sed -n 5p");
	UNSAFE("sed -i s/a/b/ file");
	UNSAFE("sed -n 1,20p a b");
	UNSAFE("sed -n 1,p file");
	UNSAFE("sed -n p file");
	UNSAFE("sed -n 1,2w file");
	UNSAFE("sed 10p file");
}

TEST(known_safe_shell_scripts)
{
	SAFE("sh:bash -lc:ls -la");
	SAFE("sh:bash -c:ls && pwd");
	SAFE("sh:zsh -lc:git status || git log -1");
	SAFE("sh:/bin/bash -lc:cat a.txt | grep -n 'foo bar' | head -5");
	SAFE("sh:bash -lc:echo \"hello world\"; echo 'x'");
	SAFE("sh:bash -lc:ls\npwd\n");
	SAFE("sh:bash -lc:  ls ;  ");
	SAFE("sh:bash -lc:sed -n 1,5p README.md");
	SAFE("sh:bash -lc:grep -rn \"a|b\" src");
	SAFE("sh:bash -lc:echo ''");
	UNSAFE("sh:bash -lc:ls > out.txt");
	UNSAFE("sh:bash -lc:ls 2>/dev/null");
	UNSAFE("sh:bash -lc:cat < in");
	UNSAFE("sh:bash -lc:echo $(rm -rf x)");
	UNSAFE("sh:bash -lc:echo `id`");
	UNSAFE("sh:bash -lc:echo $HOME");
	UNSAFE("sh:bash -lc:echo \"$HOME\"");
	UNSAFE("sh:bash -lc:echo \"a\\\"b\"");
	UNSAFE("sh:bash -lc:ls *.c");
	UNSAFE("sh:bash -lc:ls file?");
	UNSAFE("sh:bash -lc:ls [ab]");
	UNSAFE("sh:bash -lc:echo {a,b}");
	UNSAFE("sh:bash -lc:ls ~");
	UNSAFE("sh:bash -lc:(ls)");
	UNSAFE("sh:bash -lc:ls &");
	UNSAFE("sh:bash -lc:ls & pwd");
	UNSAFE("sh:bash -lc:ls |& cat");
	UNSAFE("sh:bash -lc:ls ;; pwd");
	UNSAFE("sh:bash -lc:FOO=1 ls");
	UNSAFE("sh:bash -lc:ls # comment");
	UNSAFE("sh:bash -lc:! ls");
	UNSAFE("sh:bash -lc:ls \\; pwd");
	UNSAFE("sh:bash -lc:ls &&");
	UNSAFE("sh:bash -lc:&& ls");
	UNSAFE("sh:bash -lc:ls | ");
	UNSAFE("sh:bash -lc:'unterminated");
	UNSAFE("sh:bash -lc:");
	UNSAFE("sh:bash -lc:ls && rm -rf x");
	UNSAFE("sh:bash -lc:git status && git push");
	UNSAFE("sh:bash -x:ls");
	UNSAFE("sh:sh -c:ls");          /* only bash and zsh scripts are judged */
	UNSAFE("sh:bash -lc:find . -delete");
}

TEST(script_parser_words_and_limits)
{
	struct safe_script s;
	const char *in = "echo 'a b'\"c\"d && ls -l\n\npwd; ";
	char *big;

	REQUIRE(safe_script_parse(in, strlen(in), &s) == 0);
	REQUIRE(s.n == 3);
	CHECK_INT(s.cmds[0].n, 2);
	CHECK_STR(s.cmds[0].v[1], "a bcd");
	CHECK_STR(s.cmds[1].v[1], "-l");
	CHECK_STR(s.cmds[2].v[0], "pwd");
	safe_script_free(&s);
	/* An embedded NUL is never plain. */
	CHECK(safe_script_parse("ls\0 -la", 7, &s) < 0);
	/* Over the byte limit. */
	big = malloc(SAFE_SCRIPT_MAX_BYTES + 2);
	memset(big, 'a', SAFE_SCRIPT_MAX_BYTES + 1);
	big[SAFE_SCRIPT_MAX_BYTES + 1] = '\0';
	CHECK(safe_script_parse(big, strlen(big), &s) < 0);
	/* Over the word limit: "a a a ..." */
	for (size_t i = 0; i < SAFE_SCRIPT_MAX_BYTES; i += 2) {
		big[i] = 'a';
		big[i + 1] = ' ';
	}
	big[SAFE_SCRIPT_MAX_BYTES] = '\0';
	CHECK(safe_script_parse(big, strlen(big), &s) < 0);
	free(big);
	FOR_EACH_ALLOC_FAILURE(200, {
		struct safe_script t;
		if (safe_script_parse(in, strlen(in), &t) == 0) {
			CHECK_INT(t.n, 3);
			safe_script_free(&t);
		}
	});
}

TEST(might_be_dangerous)
{
	DANGER("rm -rf build");
	DANGER("rm -fr build");
	DANGER("rm -r dir");
	DANGER("rm -f file");
	DANGER("rm --recursive dir");
	DANGER("/bin/rm -Rf /");
	HARMLESS("rm file.txt");
	HARMLESS("rm -- -rf");
	DANGER("git reset --hard");
	DANGER("git reset --hard HEAD~3");
	HARMLESS("git reset HEAD file");
	DANGER("git clean -fd");
	DANGER("git clean -xf");
	HARMLESS("git clean -n");
	DANGER("git push --force");
	DANGER("git push -f origin main");
	DANGER("git push --force-with-lease");
	DANGER("git push origin --delete branch");
	HARMLESS("git push origin main");
	DANGER("git branch -D old");
	HARMLESS("git branch -d merged");
	DANGER("git checkout -- file.c");
	DANGER("git checkout .");
	HARMLESS("git checkout -b feature");
	DANGER("git restore file.c");
	HARMLESS("git restore --staged file.c");
	DANGER("git stash drop");
	HARMLESS("git stash");
	DANGER("git -C repo reset --hard");
	DANGER("sudo ls");
	DANGER("doas apt-get install x");
	DANGER("dd if=/dev/zero of=/dev/sda");
	DANGER("mkfs.ext4 /dev/sdb1");
	DANGER("shred secret");
	DANGER("find . -name *.o -delete");
	DANGER("env FOO=1 rm -rf x");
	DANGER("xargs rm -rf");
	HARMLESS("ls -la");
	HARMLESS("git status");
	HARMLESS("make test");
	HARMLESS("");
	/* Scripts, plain or not. */
	DANGER("sh:bash -lc:ls && rm -rf build");
	DANGER("sh:bash -lc:cd x; git reset --hard");
	DANGER("sh:bash -lc:rm -rf \"$HOME/tmp\" > /dev/null 2>&1");
	DANGER("sh:sh -c:echo hi; sudo reboot");
	DANGER("sh:bash -lc:for f in *; do rm -f \"$f\"; done");
	DANGER("sh:bash -lc:echo $(git clean -fdx)");
	HARMLESS("sh:bash -lc:ls > out.txt");
	HARMLESS("sh:bash -lc:echo 'rm -rf /'");
}
