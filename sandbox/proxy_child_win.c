/* The network proxy of one proxy-enforced run, on Windows (sandbox.h, sandbox_net_start):
 * on Linux a forked child serving listeners made inside the command's network namespace
 * (proxy_child.c). Windows has neither the fork nor the namespace: there the proxy is
 * only enforced by the elevated sandbox's firewall rules, which `codex sandbox windows`
 * applies but the agent's commands do not use yet (sandbox/windows/spawn_win.c). So an
 * agent run with [network] enabled refuses each command with one line saying so,
 * rather than running it with an unfiltered network. */
#include <string.h>

#include "proxy/proxy.h"
#include "sandbox/sandbox.h"

void sandbox_net_free(struct sandbox_net *n)
{
	proxy_config_free(&n->cfg);
	memset(n, 0, sizeof *n);
}

int sandbox_net_start(const struct sandbox_net *n, bool print_plan, int *channel, pid_t *pid,
		      struct err *e)
{
	*channel = -1;
	*pid = 0;
	return err_set(e, "the network proxy ([network] enabled) needs the elevated Windows "
			  "sandbox, which the agent's commands cannot use yet; the command did "
			  "not run");
}

/* With a decider for network approvals: refused the same way (no proxy to ask from). */
int sandbox_net_start_asking(const struct sandbox_net *n, int ask_fd, int *channel, pid_t *pid,
			     struct err *e)
{
	(void)ask_fd;
	return sandbox_net_start(n, false, channel, pid, e);
}
