/* The curated marketplace's sync as a session starts (agent.h,
 * agent_plugins_start_curated_sync; upstream's start_curated_repo_sync, run by the TUI
 * and by `codex exec`): a process of its own (this binary as `codex-plugins-sync`, see
 * src/cli/plugins_sync.c), started once and never waited for, so neither git nor the
 * network can hold up the session. Twice forked: nobody has to reap it (the agent reaps
 * its commands by pid, so no waitpid(-1) may run here). It writes only under
 * $CODEX_HOME/.tmp, atomically, one sync at a time (the role's lock); /plugins reads
 * the marketplaces from disk each time it opens, so a finished sync shows there. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/agent.h"
#include "base/file.h"
#include "config/config.h"

void agent_plugins_start_curated_sync(const struct config *cfg)
{
	const char *url = agent_curated_plugins_url();
	char *self;
	pid_t pid;

	if (!cfg || !cfg->codex_home || !url || !config_feature(cfg, "plugins", true))
		return;
	if (!(self = path_self_exe()))
		return;
	pid = fork();
	if (pid == 0) {
		pid_t grandchild = fork();
		if (grandchild != 0)
			_exit(grandchild < 0 ? 1 : 0);
	}
	if (pid == 0) {
		char *argv[] = {"codex-plugins-sync", cfg->codex_home, (char *)url, NULL};
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		sigset_t none;
		/* Not on the terminal, not in its process group (Ctrl-C is the session's),
		 * and without the signal mask a front end may keep for its signalfd. */
		if (devnull >= 0) {
			/* codex-lint: no-cloexec: the sync's stdin */
			(void)dup2(devnull, 0);
			/* codex-lint: no-cloexec: the sync's stdout */
			(void)dup2(devnull, 1);
			/* codex-lint: no-cloexec: the sync's stderr */
			(void)dup2(devnull, 2);
		}
		setsid();
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(self, argv);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
		}
	free(self);
}
