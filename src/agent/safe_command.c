/* is_known_safe_command and command_might_be_dangerous (rules in safe_command.h). */
#include "agent/safe_command.h"

#include <string.h>

static const char *const always_safe[] = {
	"cat", "cd", "cut", "echo", "expr", "false", "grep", "head", "id", "ls", "nl",
	"paste", "pwd", "rev", "seq", "stat", "tail", "tr", "true", "uname", "uniq", "wc",
	"which", "whoami", "numfmt", "tac", NULL,
};

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *base_name(const char *s)
{
	const char *slash = strrchr(s, '/');
	return slash ? slash + 1 : s;
}

static bool base64_safe(const char *const *argv, size_t argc)
{
	for (size_t i = 1; i < argc; i++)
		if (starts_with(argv[i], "-o") || starts_with(argv[i], "--output"))
			return false;
	return true;
}

static bool find_safe(const char *const *argv, size_t argc)
{
	static const char *const writers[] = {"-exec", "-execdir", "-ok", "-okdir", "-delete",
					      "-fls", "-fprint", "-fprint0", "-fprintf", NULL};

	for (size_t i = 1; i < argc; i++)
		if (in_list(argv[i], writers))
			return false;
	return true;
}

static bool rg_safe(const char *const *argv, size_t argc)
{
	for (size_t i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--pre") == 0 || starts_with(a, "--pre=") ||
		    strcmp(a, "--hostname-bin") == 0 || starts_with(a, "--hostname-bin=") ||
		    strcmp(a, "--search-zip") == 0)
			return false;
		/* -z, also inside a cluster such as -zn (it runs decompressors). */
		if (a[0] == '-' && a[1] != '-' && strchr(a, 'z'))
			return false;
	}
	return true;
}

static bool git_arg_safe(const char *a)
{
	return !(strcmp(a, "--output") == 0 || starts_with(a, "--output=") ||
		 strcmp(a, "--ext-diff") == 0 || strcmp(a, "--textconv") == 0 ||
		 strcmp(a, "--exec") == 0 || starts_with(a, "--exec=") ||
		 strcmp(a, "--paginate") == 0);
}

static bool git_branch_safe(const char *const *argv, size_t from, size_t argc)
{
	static const char *const read_only[] = {"--list", "-l", "--show-current", "-a", "--all",
						"-r", "--remotes", "-v", "-vv", "--verbose",
						NULL};

	for (size_t i = from; i < argc; i++)
		if (!in_list(argv[i], read_only) && !starts_with(argv[i], "--format="))
			return false;
	return true;
}

static bool git_safe(const char *const *argv, size_t argc)
{
	static const char *const subcommands[] = {"status", "log", "diff", "show", "branch", NULL};
	size_t i = 1;

	/* Global options that only choose where git looks; anything else (-c, --config-env,
	 * -p/--paginate, --exec-path, ...) is not known safe. */
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];
		if ((strcmp(a, "-C") == 0 || strcmp(a, "--git-dir") == 0 ||
		     strcmp(a, "--work-tree") == 0) && i + 1 < argc)
			i += 2;
		else if (starts_with(a, "--git-dir=") || starts_with(a, "--work-tree=") ||
			 strcmp(a, "--no-pager") == 0 || strcmp(a, "-P") == 0)
			i++;
		else
			return false;
	}
	if (i >= argc || !in_list(argv[i], subcommands))
		return false;
	for (size_t k = i + 1; k < argc; k++)
		if (!git_arg_safe(argv[k]))
			return false;
	if (strcmp(argv[i], "branch") == 0)
		return git_branch_safe(argv, i + 1, argc);
	return true;
}

/* "N" or "M,N" followed by 'p'. */
static bool sed_print_range(const char *s)
{
	size_t i = 0, digits = 0;

	for (; s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (!digits)
		return false;
	if (s[i] == ',') {
		size_t d2 = 0;
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			d2++;
		if (!d2)
			return false;
	}
	return s[i] == 'p' && s[i + 1] == '\0';
}

static bool sed_safe(const char *const *argv, size_t argc)
{
	return (argc == 3 || argc == 4) && strcmp(argv[1], "-n") == 0 && sed_print_range(argv[2]);
}

/* One command, not a shell: is it known to only read? */
static bool exec_safe(const char *const *argv, size_t argc)
{
	const char *cmd;

	if (argc == 0)
		return false;
	cmd = base_name(argv[0]);
	if (in_list(cmd, always_safe))
		return true;
	if (strcmp(cmd, "base64") == 0)
		return base64_safe(argv, argc);
	if (strcmp(cmd, "find") == 0)
		return find_safe(argv, argc);
	if (strcmp(cmd, "rg") == 0)
		return rg_safe(argv, argc);
	if (strcmp(cmd, "git") == 0)
		return git_safe(argv, argc);
	if (strcmp(cmd, "sed") == 0)
		return sed_safe(argv, argc);
	return false;
}

/* argv as `bash -lc SCRIPT` / `bash -c SCRIPT` (zsh counts as bash; with any_sh also
 * sh and dash): the script, or NULL. */
static const char *shell_script(const char *const *argv, size_t argc, bool any_sh)
{
	const char *sh;

	if (argc != 3)
		return NULL;
	sh = base_name(argv[0]);
	if (strcmp(sh, "bash") != 0 && strcmp(sh, "zsh") != 0 &&
	    !(any_sh && (strcmp(sh, "sh") == 0 || strcmp(sh, "dash") == 0)))
		return NULL;
	if (strcmp(argv[1], "-lc") != 0 && strcmp(argv[1], "-c") != 0)
		return NULL;
	return argv[2];
}

bool safe_command_is_known_safe(const char *const *argv, size_t argc)
{
	const char *script = shell_script(argv, argc, false);
	struct safe_script s;
	bool safe = true;

	if (!script)
		return exec_safe(argv, argc);
	if (safe_script_parse(script, strlen(script), &s) < 0)
		return false;
	for (size_t i = 0; i < s.n && safe; i++)
		safe = exec_safe((const char *const *)s.cmds[i].v, s.cmds[i].n);
	safe_script_free(&s);
	return safe;
}

/* ---- might be dangerous ------------------------------------------------------------ */

/* A short-option cluster ("-rf") or long option naming one of the flags. */
static bool has_flag(const char *const *argv, size_t argc, const char *shorts,
		     const char *const *longs)
{
	for (size_t i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] == '-' && a[1] == '-') {
			if (longs && in_list(a, longs))
				return true;
		} else if (a[0] == '-' && a[1]) {
			for (const char *p = a + 1; *p; p++)
				if (strchr(shorts, *p))
					return true;
		}
	}
	return false;
}

static bool has_arg(const char *const *argv, size_t argc, const char *what)
{
	for (size_t i = 1; i < argc; i++)
		if (strcmp(argv[i], what) == 0)
			return true;
	return false;
}

static bool git_dangerous(const char *const *argv, size_t argc)
{
	static const char *const force[] = {"--force", "--force-with-lease", NULL};
	static const char *const del[] = {"--delete", NULL};
	size_t i = 1;
	const char *sub;

	while (i < argc && argv[i][0] == '-')
		i += (strcmp(argv[i], "-C") == 0 || strcmp(argv[i], "-c") == 0) ? 2 : 1;
	if (i >= argc)
		return false;
	sub = argv[i];
	argv += i;
	argc -= i;
	if (strcmp(sub, "reset") == 0)
		return has_arg(argv, argc, "--hard") || has_arg(argv, argc, "--merge") ||
		       has_arg(argv, argc, "--keep");
	if (strcmp(sub, "clean") == 0)
		return has_flag(argv, argc, "f", force);
	if (strcmp(sub, "push") == 0)
		return has_flag(argv, argc, "f", force) || has_flag(argv, argc, "d", del) ||
		       has_arg(argv, argc, "--mirror");
	if (strcmp(sub, "branch") == 0)
		return has_flag(argv, argc, "D", NULL) ||
		       (has_flag(argv, argc, "d", del) && has_flag(argv, argc, "f", force));
	if (strcmp(sub, "checkout") == 0)
		return has_arg(argv, argc, "--") || has_flag(argv, argc, "f", force) ||
		       has_arg(argv, argc, ".");
	if (strcmp(sub, "restore") == 0)
		return !has_arg(argv, argc, "--staged") || has_arg(argv, argc, "--worktree");
	if (strcmp(sub, "stash") == 0)
		return argc > 1 && (strcmp(argv[1], "drop") == 0 || strcmp(argv[1], "clear") == 0);
	if (strcmp(sub, "rm") == 0)
		return true;
	return false;
}

static bool exec_dangerous(const char *const *argv, size_t argc)
{
	static const char *const rm_long[] = {"--recursive", "--force", NULL};
	static const char *const escalators[] = {"sudo", "doas", "su", "pkexec", NULL};
	const char *cmd;

	if (argc == 0)
		return false;
	cmd = base_name(argv[0]);
	if (in_list(cmd, escalators))
		return true;
	if (strcmp(cmd, "rm") == 0)
		return has_flag(argv, argc, "rRf", rm_long);
	if (strcmp(cmd, "git") == 0)
		return git_dangerous(argv, argc);
	if (strcmp(cmd, "find") == 0)
		return has_arg(argv, argc, "-delete") || has_arg(argv, argc, "-exec") ||
		       has_arg(argv, argc, "-execdir");
	if (strcmp(cmd, "dd") == 0 || strcmp(cmd, "shred") == 0 || starts_with(cmd, "mkfs") ||
	    strcmp(cmd, "wipefs") == 0)
		return true;
	/* Wrappers run what follows them. */
	if ((strcmp(cmd, "env") == 0 || strcmp(cmd, "nohup") == 0 || strcmp(cmd, "xargs") == 0 ||
	     strcmp(cmd, "time") == 0 || strcmp(cmd, "nice") == 0) && argc > 1) {
		size_t i = 1;
		while (i < argc && (argv[i][0] == '-' || strchr(argv[i], '=')))
			i++;
		return i < argc && exec_dangerous(argv + i, argc - i);
	}
	return false;
}

/* Splits a script that is not plain into rough commands at shell operators and
 * checks each: a false alarm only costs a question. */
static bool rough_script_dangerous(const char *script)
{
	static const char *const keywords[] = {"do", "then", "else", "elif", "if", "while",
					       "until", "exec", "command", "builtin", NULL};
	struct strv words = STRV_INIT;
	const char *p = script;
	bool danger = false;
	char word[4096];
	size_t wl = 0;

	for (size_t n = 0; !danger && n < SAFE_SCRIPT_MAX_BYTES; p++, n++) {
		char ch = *p;
		bool sep = ch == '\0' || strchr(";&|()`\n{}!", ch) != NULL ||
			   (ch == '$' && p[1] == '(');
		bool blank = ch == ' ' || ch == '\t' || ch == '\'' || ch == '"' || ch == '\\' ||
			     ch == '<' || ch == '>';
		if (!sep && !blank && wl + 1 < sizeof word) {
			word[wl++] = ch;
			continue;
		}
		if (wl) {
			word[wl] = '\0';
			if (strv_push(&words, word) < 0)
				break;
			wl = 0;
		}
		if (sep) {
			/* Keywords lead into the command they govern. */
			size_t k = 0;
			while (k < words.n && in_list(words.v[k], keywords))
				k++;
			if (k < words.n)
				danger = exec_dangerous((const char *const *)words.v + k, words.n - k);
			strv_free(&words);
		}
		if (ch == '\0')
			break;
	}
	strv_free(&words);
	return danger;
}

bool safe_command_might_be_dangerous(const char *const *argv, size_t argc)
{
	const char *script = shell_script(argv, argc, true);
	struct safe_script s;
	bool danger = false;

	if (exec_dangerous(argv, argc))
		return true;
	if (!script)
		return false;
	if (safe_script_parse(script, strlen(script), &s) < 0)
		return rough_script_dangerous(script);
	for (size_t i = 0; i < s.n && !danger; i++)
		danger = exec_dangerous((const char *const *)s.cmds[i].v, s.cmds[i].n);
	safe_script_free(&s);
	return danger;
}
