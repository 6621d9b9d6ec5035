/* Policy changes: proxy_set_policy (proxy.h) and the reload callback behind SIGHUP and
 * the admin API's POST /reload. Requests already checked keep their decision (an open
 * tunnel stays open); every new request is checked under the new policy, and a pooled
 * connection is only reused when the new policy answers its request the same way
 * (pool.h). */
#include "proxy/conn.h"

#include <string.h>

int proxy_set_policy(struct proxy *px, const struct proxy_policy_spec *spec, struct err *e)
{
	struct policy *p;

	if (policy_new(spec, &p, e) < 0)
		return -1;
	policy_free(px->policy);
	px->policy = p;
	return 0;
}

int proxy_reload_now(struct proxy *px, struct err *e)
{
	struct proxy_policy_spec spec;

	if (!px->reload)
		return err_set(e, "no configuration to reload from");
	memset(&spec, 0, sizeof spec);
	if (px->reload(px->reload_arg, &spec, e) < 0 || proxy_set_policy(px, &spec, e) < 0) {
		proxy_log(px, "failed to reload config: %s; keeping previous config", e->msg);
		return -1;
	}
	proxy_log(px, "reloaded config (mode=%s)", network_mode_str(spec.mode));
	return 0;
}
