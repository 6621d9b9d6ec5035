/* The model catalog for a front end's /model picker (agent.h, agent_fetch_models) and
 * the account's usage limits for its /status (agent_fetch_usage): fetched through the
 * session's model client, so with its provider, credentials and headers. */
#include "agent/internal.h"

int agent_fetch_models(struct agent *a, void (*done)(void *arg, struct model_catalog *cat,
						     const struct err *e),
		       void *arg, struct err *e)
{
	credentials_before_request(a);
	return model_client_fetch_catalog(a->client, done, arg, e);
}

int agent_startup_models(struct agent *a, void (*done)(void *arg, struct model_catalog *cat,
						       const struct err *e),
			 void *arg, struct err *e)
{
	if (a->chatgpt)
		return agent_fetch_models(a, done, arg, e);
	return model_client_cached_catalog(a->client, done, arg, e);
}

int agent_fetch_usage(struct agent *a,
		      void (*done)(void *arg, const cJSON *snapshot, const struct err *e),
		      void *arg, struct err *e)
{
	if (!a->chatgpt)
		return err_set(e, "not signed in with ChatGPT");
	credentials_before_request(a);
	return model_client_fetch_usage(a->client, config_chatgpt_base_url(a->cfg), done, arg, e);
}
