/* Private to src/agent/: short git commands whose output the turn metadata needs
 * (git_info.c), run side by side and bounded in time. git_run_posix.c spawns them with
 * posix_spawnp and polls their pipes; git_run_win.c with CreateProcessW, peeking at
 * theirs. */
#ifndef CODEX_AGENT_GIT_RUN_H
#define CODEX_AGENT_GIT_RUN_H

#include <stddef.h>

#include "base/buf.h"

/* The most runs at once. */
#define GIT_RUN_MAX 4

/* Runs `git -C dir ARGS...` for each of the n (at most GIT_RUN_MAX) NULL-terminated
 * argument lists at once, with GIT_OPTIONAL_LOCKS=0 (no index lock a command of the
 * model may want), stdin and stderr the null device, stdout appended to out[i] (up to
 * its limit; past it the run counts as failed). All of them together get timeout_ms;
 * what still runs then is killed. rc[i] = 0 when run i exited 0 with all its output,
 * else -1 (git missing included). */
void git_run_all(const char *dir, const char *const *const *args, size_t n, struct buf *out,
		 int *rc, unsigned timeout_ms);

#endif
