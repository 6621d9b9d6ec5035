/* Private to src/agent/: the loop's side of a command's stdio, shared by proc_posix.c
 * and proc_win.c. On both the command's output streams and its stdin are descriptors
 * the loop can watch (pipes or a pty master on Linux, the relay sockets on Windows), so
 * reading the output as it comes and writing queued input as the command reads it is
 * one piece of code; starting, reaping and killing the command are each platform's. */
#ifndef CODEX_AGENT_PROC_IO_H
#define CODEX_AGENT_PROC_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "agent/proc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/loop.h"

struct proc_io {
	struct loop *loop;
	struct proc_events ev;
	/* Called after every output or stdin event: the platform reports the end once
	 * the command is reaped and both streams are closed. */
	void (*settled)(struct proc_io *io);
	int out[2];                /* stdout, stderr (a pty: out[0] only); -1 when closed */
	int in;                    /* stdin we write, or -1 */
	bool in_is_out;            /* a pty master serves both */
	bool close_in_when_empty;
	struct buf inq;
};

void proc_io_init(struct proc_io *io, struct loop *l, const struct proc_events *ev,
		  void (*settled)(struct proc_io *io));
/* Watches both output streams (non-blocking already). */
int proc_io_watch_output(struct proc_io *io, struct err *e);
/* Reads what stream idx has; closes it at end of file (EIO on a pty whose other side
 * is gone is the same thing). */
void proc_io_drain(struct proc_io *io, int idx);
bool proc_io_output_open(const struct proc_io *io);
/* Stops watching *fd and closes it (not the pty master through io->in). */
void proc_io_close(struct proc_io *io, int *fd);
/* Queues bytes for stdin (proc_write's contract) and writes what the command takes. */
int proc_io_write(struct proc_io *io, const char *data, size_t len, struct err *e);
/* Closes stdin once what is queued is written. */
void proc_io_close_stdin_when_empty(struct proc_io *io);
/* Closes every descriptor and frees the queue. */
void proc_io_free(struct proc_io *io);

#endif
