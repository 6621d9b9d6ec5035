/* MCP's stdio transport on Windows: not ported yet (stdio.c forks and execs the server
 * with pipes on the loop; Windows would need proc_win.c's relays). A configured stdio
 * server fails to start with one line saying so; HTTP servers work as on Linux. */
#include "mcp/internal.h"

int stdio_start(struct mcp_server *s, struct err *e)
{
	return err_set(e, "MCP servers started as commands (stdio) are not available in the "
			  "Windows build yet; use an HTTP server (url = ...)");
}

int stdio_send(struct mcp_server *s, const char *text, struct err *e)
{
	return err_set(e, "MCP stdio transport is not available in the Windows build");
}

void stdio_stop(struct mcp_server *s)
{
}
