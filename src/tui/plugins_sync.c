/* The curated marketplace's sync at start-up (upstream's start_curated_repo_sync): a
 * process of its own (this binary as `codex-plugins-sync`, see src/cli/plugins_sync.c),
 * started once and never waited for, so neither git nor the network can hold up the UI.
 * Twice forked: nobody has to reap it (the agent reaps its commands by pid, so no
 * waitpid(-1) may run here). It writes only under $CODEX_HOME/.tmp, atomically; /plugins
 * reads the marketplaces from disk each time it opens, so a finished sync shows there. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>

#include "base/file.h"
#include "tui/internal.h"

void plugins_start_curated_sync(struct app *a)
{
	const char *url = agent_curated_plugins_url();
	char *self;
	pid_t pid;

	if (!a->cfg || !a->cfg->codex_home || !url || !config_feature(a->cfg, "plugins", true))
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
		char *argv[] = {"codex-plugins-sync", a->cfg->codex_home, (char *)url, NULL};
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		sigset_t none;
		/* Not on our terminal, not in its process group (Ctrl-C is ours), and without
		 * the signal mask the TUI keeps for its signalfd. */
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
