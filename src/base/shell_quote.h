/* Quoting a word for a POSIX shell as shlex does (Python's shlex.quote, the Rust
 * shlex crate upstream uses to show commands): the word unchanged when every byte is
 * one that no shell treats specially, else the word in single quotes, each ' inside
 * written as '\''. Used wherever a command is shown or keyed as one line. */
#ifndef CODEX_BASE_SHELL_QUOTE_H
#define CODEX_BASE_SHELL_QUOTE_H

#include "base/buf.h"

int shell_quote_append(struct buf *b, const char *word) WARN_UNUSED;

#endif
