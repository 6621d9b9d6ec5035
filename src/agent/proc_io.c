/* The loop's side of a command's stdio (proc_io.h): output read as it comes, input
 * written as the command reads it, nothing blocking. */
#include "agent/proc_io.h"

#include <errno.h>
#include <unistd.h>

#define READ_CHUNK 65536

void proc_io_init(struct proc_io *io, struct loop *l, const struct proc_events *ev,
		  void (*settled)(struct proc_io *io))
{
	io->loop = l;
	io->ev = *ev;
	io->settled = settled;
	io->out[0] = io->out[1] = io->in = -1;
	io->in_is_out = false;
	io->close_in_when_empty = false;
	buf_init(&io->inq, PROC_STDIN_MAX);
}

void proc_io_close(struct proc_io *io, int *fd)
{
	if (*fd < 0)
		return;
	loop_unwatch(io->loop, *fd);
	if (!(io->in_is_out && fd == &io->in))
		close(*fd);
	*fd = -1;
}

bool proc_io_output_open(const struct proc_io *io)
{
	return io->out[0] >= 0 || io->out[1] >= 0;
}

void proc_io_drain(struct proc_io *io, int idx)
{
	char chunk[READ_CHUNK];

	while (io->out[idx] >= 0) {
		ssize_t n = read(io->out[idx], chunk, sizeof chunk);
		if (n > 0) {
			io->ev.output(io->ev.arg, idx == 0 ? PROC_STDOUT : PROC_STDERR, chunk,
				      (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (io->in_is_out && idx == 0)
			io->in = -1; /* the master goes with it */
		proc_io_close(io, &io->out[idx]);
	}
}

static void flush_stdin(struct proc_io *io);

static void on_output(struct loop *l, int fd, void *arg, unsigned events)
{
	struct proc_io *io = arg;

	(void)l;
	if (events & (LOOP_READ | LOOP_HUP))
		proc_io_drain(io, fd == io->out[0] ? 0 : 1);
	if ((events & LOOP_WRITE) && io->in_is_out && io->in == fd)
		flush_stdin(io); /* the pty master: also our stdin */
	io->settled(io);
}

static void on_stdin(struct loop *l, int fd, void *arg, unsigned events)
{
	struct proc_io *io = arg;

	(void)l;
	(void)fd;
	(void)events;
	flush_stdin(io);
}

/* What the loop should watch stdin for: writability while bytes wait; a pty master's
 * output too, since it is the same descriptor. */
static void rewatch_stdin(struct proc_io *io)
{
	unsigned mask = io->inq.len ? LOOP_WRITE : 0;

	if (io->in_is_out) {
		if (io->out[0] >= 0 &&
		    loop_watch(io->loop, io->in, mask | LOOP_READ, on_output, io, NULL) < 0 &&
		    mask)
			buf_reset(&io->inq); /* cannot wait: what it does not read is lost */
		return;
	}
	if (loop_watch(io->loop, io->in, mask, on_stdin, io, NULL) < 0 && mask)
		buf_reset(&io->inq);
}

static void flush_stdin(struct proc_io *io)
{
	while (io->in >= 0 && io->inq.len) {
		ssize_t n = write(io->in, io->inq.data, io->inq.len);
		if (n > 0) {
			buf_consume(&io->inq, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			rewatch_stdin(io);
			return;
		}
		buf_reset(&io->inq); /* EPIPE: the command closed its stdin */
		break;
	}
	if (io->in < 0)
		return;
	if (!io->in_is_out && io->close_in_when_empty)
		proc_io_close(io, &io->in);
	else
		rewatch_stdin(io);
}

int proc_io_watch_output(struct proc_io *io, struct err *e)
{
	for (int i = 0; i < 2; i++)
		if (io->out[i] >= 0 && loop_watch(io->loop, io->out[i], LOOP_READ, on_output, io, e) < 0)
			return -1;
	return 0;
}

int proc_io_write(struct proc_io *io, const char *data, size_t len, struct err *e)
{
	if (io->in < 0 || io->close_in_when_empty)
		return err_set(e, "stdin is closed");
	if (buf_append(&io->inq, data, len) < 0)
		return err_set(e, "too much input queued for the command");
	flush_stdin(io);
	return 0;
}

void proc_io_close_stdin_when_empty(struct proc_io *io)
{
	io->close_in_when_empty = true;
	flush_stdin(io);
}

void proc_io_free(struct proc_io *io)
{
	if (io->in_is_out)
		io->in = -1;
	proc_io_close(io, &io->in);
	proc_io_close(io, &io->out[0]);
	proc_io_close(io, &io->out[1]);
	buf_free(&io->inq);
}
