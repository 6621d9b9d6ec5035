/* detach.h on POSIX: a double fork, the middle child reaped at once. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/detach.h"

int detach_run(const char *path, char *const argv[], bool search)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int devnull;
		sigset_t none;
		if (fork() != 0)
			_exit(0); /* the grandchild (or nothing, when that fork failed) goes on */
		devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull >= 0) {
			/* codex-lint: no-cloexec: the program's stdin */
			(void)dup2(devnull, 0);
			/* codex-lint: no-cloexec: the program's stdout */
			(void)dup2(devnull, 1);
			/* codex-lint: no-cloexec: the program's stderr */
			(void)dup2(devnull, 2);
		}
		setsid();
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (search)
			execvp(path, argv);
		else
			execv(path, argv);
		_exit(127);
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
	}
	return 0;
}
