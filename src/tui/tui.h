/* The interactive agent (`codex`, `codex "PROMPT"`, `codex resume`): a terminal UI that
 * is the second front end of the agent core (agent/agent.h), as `codex exec` is the
 * first. It subscribes to the agent's events and answers its approval requests.
 *
 * As upstream 0.118 the chat is drawn inline: finished history is written once into
 * the terminal's own scrollback and only a small live area at the bottom (the
 * streaming tail, running commands, the composer or an approval, the footer) is
 * redrawn. The alternate screen is used for full-screen overlays only (Ctrl+T
 * transcript, /diff, the resume picker), never with --no-alt-screen or
 * [tui] alternate_screen = "never".
 *
 * This is the module's only public header; src/cli/tui.c parses the command line. */
#ifndef CODEX_TUI_TUI_H
#define CODEX_TUI_TUI_H

#include <stdbool.h>

#include "base/err.h"
#include "base/strv.h"
#include "config/config.h"

struct tui_options {
	struct config *cfg;          /* borrowed; the TUI may change sandbox/approval */
	const char *cwd;             /* absolute */
	const char *prompt;          /* submitted as the first turn, or NULL */
	struct strv images;          /* -i files for the first prompt (borrowed) */
	struct strv add_dirs;        /* --add-dir (borrowed) */
	bool oss;
	bool flags_set_policy;       /* -s/-a/--full-auto given: trust does not change them */
	bool no_alt_screen;
	/* Resume: a rollout path, or the picker (resume_picker), or neither (new). */
	const char *resume_path;
	bool resume_picker;
	/* `codex fork`: the rollout to fork into a new thread (fork_path), or with
	 * resume_picker the picker's choice is forked rather than resumed. */
	const char *fork_path;
	bool fork;
	bool resume_all;             /* picker: sessions of every directory */
	/* The login screen's sign-in: a test issuer and callback port (hidden flags
	 * --experimental_issuer / --experimental_port, as `codex login`), or NULL / 0. */
	const char *login_issuer;
	int login_port;
};

/* Runs the UI until the user quits. Checks that stdin and stdout are terminals first
 * ("stdin is not a terminal" in e, 1). Returns the process exit status (0 normal, 1 a
 * fatal error with e set). Prints the token usage and the resume hint after the
 * terminal is restored. */
int tui_run(const struct tui_options *o, struct err *e);

#endif
