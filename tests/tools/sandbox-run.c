/* Drives sandbox_run (the API the agent uses) for the integration tests:
 *
 *   sandbox-run [--allow-domain D]... [--deny-domain D]... POLICY_JSON CWD -- COMMAND [ARGS...]
 *
 * prints "outcome=<outcome> exit=<code> errno=<n>" and, unless the command ran, a
 * line "detail=<message>"; exits 0 when sandbox_run returned, 1 when it failed. With
 * a domain flag, the network is the proxy (started as `codex sandbox` starts it, and
 * reaped here). sandbox_run re-executes /proc/self/exe as `codex-linux-sandbox`, so
 * this tool, like codex, answers to that name too. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

int main(int argc, char **argv)
{
	struct sandbox_policy p;
	struct sandbox_command c;
	struct sandbox_result r;
	struct sandbox_proxy proxy = {-1, true, false};
	struct sandbox_net net;
	struct err e;
	pid_t pid = 0;
	int i = 1, rc = 1;

	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	if (strcmp(name, "codex-linux-sandbox") == 0)
		return sandbox_launcher_main(argc, argv);
	memset(&net, 0, sizeof net);
	net.socks = true;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]; i += 2)
		if (strv_push(strcmp(argv[i], "--deny-domain") == 0 ? &net.cfg.deny : &net.cfg.allow,
			      argv[i + 1]) < 0)
			return 1;
	net.cfg.policy.allowed_domains = &net.cfg.allow;
	net.cfg.policy.denied_domains = &net.cfg.deny;
	if (argc - i < 4 || strcmp(argv[i + 2], "--") != 0) {
		fprintf(stderr, "usage: sandbox-run [--allow-domain D] [--deny-domain D] "
				"POLICY_JSON CWD -- COMMAND [ARGS...]\n");
		return 2;
	}
	if (sandbox_policy_from_json(argv[i], strlen(argv[i]), &p, &e) < 0) {
		fprintf(stderr, "sandbox-run: %s\n", e.msg);
		return 1;
	}
	memset(&c, 0, sizeof c);
	c.policy = &p;
	c.cwd = argv[i + 1];
	c.argv = argv + i + 3;
	if (i > 1) {
		if (sandbox_net_start(&net, false, &proxy.channel, &pid, &e) < 0)
			goto out;
		c.proxy = &proxy;
	}
	if (sandbox_run(&c, &r, &e) < 0)
		goto out;
	printf("outcome=%s exit=%d errno=%d\n", sandbox_outcome_str(r.outcome), r.exit_code,
	       r.errnum);
	if (r.outcome != SANDBOX_RAN)
		printf("detail=%s\n", r.detail.msg);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "sandbox-run: %s\n", e.msg);
	if (proxy.channel >= 0)
		close(proxy.channel);
	if (pid > 0 && waitpid(pid, NULL, 0) != pid)
		rc = 1;
	sandbox_net_free(&net);
	sandbox_policy_free(&p);
	return rc;
}
