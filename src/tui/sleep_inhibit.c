/* features.prevent_idle_sleep (/experimental: "Prevent sleep while running"): while a
 * turn runs, the machine is kept from idling into sleep, as upstream does on Linux: by
 * holding `systemd-inhibit --what=idle ...` (else `gnome-session-inhibit`) for the
 * turn's length. The holder runs in its own process group, so that ending it ends its
 * command too and the lock goes with them. That command is `cat` reading a pipe only
 * we write to: were codex killed outright (SIGKILL, a crash), the kernel closes our end,
 * cat sees end-of-file and the holder ends with it, where upstream's `sleep` would keep
 * the machine awake for good. Where neither tool exists nothing happens (upstream only
 * logs it). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui/internal.h"

extern char **environ;

#define INHIBIT_WHY "Codex is running an active turn"
/* argv with its stdin the read end of a pipe whose write end (close-on-exec, kept by
 * us in *keep) is the holder's lifeline. */
static pid_t spawn_held(char *const argv[], int *keep)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	pid_t pid = -1;
	int rc, p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if (posix_spawn_file_actions_init(&fa) != 0)
		goto close_pipe;
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		goto close_pipe;
	}
	if (posix_spawn_file_actions_adddup2(&fa, p[0], 0) == 0 &&
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) == 0 &&
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) == 0 &&
	    sigemptyset(&none) == 0 && posix_spawnattr_setsigmask(&at, &none) == 0 &&
	    posix_spawnattr_setpgroup(&at, 0) == 0 &&
	    /* its own group (see above), and not the TUI's blocked signals */
	    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK) == 0) {
		rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
		if (rc != 0)
			pid = -1;
	}
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	if (pid > 0) {
		*keep = p[1];
		return pid;
	}
	close(p[1]);
	return -1;
close_pipe:
	close(p[0]);
	close(p[1]);
	return -1;
}

static void start(struct app *a)
{
	char *systemd[] = {"systemd-inhibit", "--what=idle", "--mode=block", "--who", "codex",
			   "--why", INHIBIT_WHY, "--", "cat", NULL};
	char *gnome[] = {"gnome-session-inhibit", "--inhibit", "idle", "--reason", INHIBIT_WHY,
			 "cat", NULL};

	a->inhibit_pid = spawn_held(systemd, &a->inhibit_fd);
	if (a->inhibit_pid < 0)
		a->inhibit_pid = spawn_held(gnome, &a->inhibit_fd);
}

static void stop(struct app *a)
{
	/* SIGKILL: nothing of the holder's needs to run, and the wait below is then
	 * bounded. */
	kill(-a->inhibit_pid, SIGKILL);
	close(a->inhibit_fd);
	a->inhibit_fd = -1;
	while (waitpid(a->inhibit_pid, NULL, 0) < 0 && errno == EINTR) {
	}
	a->inhibit_pid = -1;
}

void sleep_inhibit_sync(struct app *a)
{
	bool want = a->prevent_sleep && a->busy && a->agent;

	if (want && a->inhibit_pid <= 0)
		start(a);
	else if (!want && a->inhibit_pid > 0)
		stop(a);
}
