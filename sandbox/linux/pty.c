/* The command's own terminal: a pty pair whose master the launcher relays. The
 * command never holds the caller's terminal, so nothing it does (TIOCSTI, changing
 * modes, becoming its foreground job) reaches the caller's shell. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int lx_pty_open(const char *ptmx_path, int tty_fd, int *master, int *slave, struct err *e)
{
	struct termios tio;
	struct winsize ws;
	int m, s, unlock = 0;

	m = open(ptmx_path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (m < 0)
		return err_sys(e, errno, "cannot open %s", ptmx_path);
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0) {
		err_sys(e, errno, "cannot unlock a pty from %s", ptmx_path);
		close(m);
		return -1;
	}
	/* The peer by descriptor, not by a path that could be raced. */
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		err_sys(e, errno, "cannot open the pty peer");
		close(m);
		return -1;
	}
	/* Start with the caller's modes and size, as ssh does. */
	if (tcgetattr(tty_fd, &tio) == 0)
		(void)tcsetattr(s, TCSANOW, &tio); /* cosmetic: defaults are usable */
	if (ioctl(tty_fd, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(m, TIOCSWINSZ, &ws);
	*master = m;
	*slave = s;
	return 0;
}
