/* Human log lines ("codex-network-proxy: ..."): info to log_fd when one is set, warnings
 * to stderr otherwise. Best effort: a full or closed log must not stop the proxy. */
#include "proxy/conn.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/file.h"

static void vlog(int fd, const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "codex-network-proxy: ");

	n += vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	(void)fd_write_all(fd, line, (size_t)n);
}

void proxy_log(struct proxy *px, const char *fmt, ...)
{
	va_list ap;

	if (px->log_fd < 0)
		return;
	va_start(ap, fmt);
	vlog(px->log_fd, fmt, ap);
	va_end(ap);
}

void proxy_warn(struct proxy *px, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(px->log_fd >= 0 ? px->log_fd : 2, fmt, ap);
	va_end(ap);
}
