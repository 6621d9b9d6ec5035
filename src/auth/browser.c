/* Opening the sign-in URL in the user's browser. Like the opener upstream uses on Linux:
 * $BROWSER first (a ':'-separated list; "%s" in an entry stands for the URL), then, when
 * there is a display, the desktop openers. The opener runs detached (a double fork, so
 * nothing is left to reap), with stdin, stdout and stderr on /dev/null so that a chatty
 * opener cannot scribble over the terminal; failures are ignored by the caller, since the
 * URL is printed anyway. */
#include "auth/internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* An executable named cmd: a path as is, else looked up in $PATH. */
static bool runnable(const char *cmd)
{
	const char *path = getenv("PATH"), *p;
	char full[4096];

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0;
	for (p = path ? path : "/usr/bin:/bin"; *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		if (n > 0 && n + 1 + strlen(cmd) < sizeof full) {
			memcpy(full, p, n);
			full[n] = '/';
			memcpy(full + n + 1, cmd, strlen(cmd) + 1);
			if (access(full, X_OK) == 0)
				return true;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	return false;
}

/* Starts argv detached; 0 when the intermediate child could fork. */
static int spawn_detached(char *const argv[])
{
	pid_t pid = fork(), grand;
	int status, fd;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		grand = fork();
		if (grand != 0)
			_exit(grand < 0 ? 1 : 0);
		setsid();
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			/* codex-lint: no-cloexec the opener's stdin is /dev/null */
			dup2(fd, 0);
			/* codex-lint: no-cloexec the opener's stdout is /dev/null */
			dup2(fd, 1);
			/* codex-lint: no-cloexec the opener's stderr is /dev/null */
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* One $BROWSER entry: "cmd" (the URL appended) or "cmd %s arg" (split on spaces). */
static int try_browser_entry(const char *entry, const char *url)
{
	char buf[1024], *argv[16], *tok, *save = NULL;
	size_t n = 0;
	bool had_url = false;

	if (strlen(entry) >= sizeof buf)
		return -1;
	memcpy(buf, entry, strlen(entry) + 1);
	for (tok = strtok_r(buf, " ", &save); tok && n < 14; tok = strtok_r(NULL, " ", &save)) {
		if (strcmp(tok, "%s") == 0) {
			argv[n++] = (char *)url;
			had_url = true;
		} else {
			argv[n++] = tok;
		}
	}
	if (n == 0 || !runnable(argv[0]))
		return -1;
	if (!had_url)
		argv[n++] = (char *)url;
	argv[n] = NULL;
	return spawn_detached(argv);
}

int auth_open_browser(const char *url)
{
	static const char *const desktop[][3] = {
		{"xdg-open", NULL, NULL},      {"gio", "open", NULL},
		{"sensible-browser", NULL, NULL}, {"x-www-browser", NULL, NULL},
		{"gnome-open", NULL, NULL},    {"kde-open", NULL, NULL},
	};
	const char *b = getenv("BROWSER");

	if (b && *b) {
		char list[4096], *entry, *save = NULL;
		if (strlen(b) < sizeof list) {
			memcpy(list, b, strlen(b) + 1);
			for (entry = strtok_r(list, ":", &save); entry;
			     entry = strtok_r(NULL, ":", &save))
				if (try_browser_entry(entry, url) == 0)
					return 0;
		}
	}
	if (auth_blank(getenv("DISPLAY")) && auth_blank(getenv("WAYLAND_DISPLAY")))
		return -1;
	for (size_t i = 0; i < sizeof desktop / sizeof desktop[0]; i++) {
		char *argv[4] = {(char *)desktop[i][0], (char *)desktop[i][1], NULL, NULL};
		if (!runnable(argv[0]))
			continue;
		argv[desktop[i][1] ? 2 : 1] = (char *)url;
		if (spawn_detached(argv) == 0)
			return 0;
	}
	return -1;
}
