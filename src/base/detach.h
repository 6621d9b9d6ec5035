/* Starting a program no one waits for (the TUI's `notify`, the curated plugins sync). */
#ifndef CODEX_BASE_DETACH_H
#define CODEX_BASE_DETACH_H

#include <stdbool.h>

/* Runs path (looked up in PATH when search) with argv (argv[0] may name something
 * else: a role of this binary) as nobody's child: twice
 * forked, so nothing here has to reap it (the agent reaps its commands by pid, so no
 * waitpid(-1) may run), in a session of its own (not in the terminal's process group:
 * Ctrl-C is the caller's), stdio on /dev/null (it must not draw on the terminal or read
 * its keys), and no blocked signals (a front end blocks some for its signalfd). How it
 * ends is never known. -1 when the first fork fails. */
int detach_run(const char *path, char *const argv[], bool search);

#endif
