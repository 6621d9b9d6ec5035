/* The options the agent front ends (`codex exec` and the interactive UI) share. One
 * parser, so that both accept the same spellings and print the same messages; each
 * front end keeps only the options that are its own. */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"

/* "a.png,b.png" becomes two entries; empty names between commas are skipped. */
static int push_list(struct strv *sv, const char *list)
{
	const char *p = list;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n && strv_take(sv, strndup(p, n)) < 0)
			return -1;
		p += n + (comma ? 1 : 0);
	}
	return 0;
}

/* The valued options: 1 taken, 0 another argument, else -(exit status). */
static int take_valued(struct cli_ctx *ctx, int argc, char **argv, int *i, unsigned accept,
		       struct cli_agent_options *o)
{
	const char *a = argv[*i], *v;
	int r;

	if ((r = cli_option_value(argc, argv, i, "-m", "--model", &v)) > 0) {
		o->model = v;
	} else if (r == 0 && (r = cli_option_value(argc, argv, i, "-s", "--sandbox", &v)) > 0) {
		if (sandbox_mode_parse(v, &o->sandbox) < 0)
			return -cli_usage_error(ctx->prog, "invalid sandbox mode '%s' (read-only, "
						"workspace-write, danger-full-access)", v);
		o->have_sandbox = true;
	} else if (r == 0 && (accept & CLI_AGENT_APPROVAL) &&
		   (r = cli_option_value(argc, argv, i, "-a", "--ask-for-approval", &v)) > 0) {
		if (approval_policy_parse(v, &o->approval) < 0)
			return -cli_usage_error(ctx->prog, "invalid approval policy '%s' (untrusted, "
						"on-failure, on-request, never)", v);
		o->have_approval = true;
	} else if (r == 0 && (r = cli_option_value(argc, argv, i, "-C", "--cd", &v)) > 0) {
		o->cd = v;
	} else if (r == 0 && (r = cli_option_value(argc, argv, i, "-i", "--image", &v)) > 0) {
		if (push_list(&o->images, v) < 0)
			return -EXIT_FAILURE_GENERIC;
	} else if (r == 0 && (r = cli_option_value(argc, argv, i, "--add-dir", "--add-dir",
						   &v)) > 0) {
		if (strv_push(&o->add_dirs, v) < 0)
			return -EXIT_FAILURE_GENERIC;
	} else if (r == 0 && (accept & CLI_AGENT_LOCAL_PROVIDER) &&
		   (r = cli_option_value(argc, argv, i, "--local-provider", "--local-provider",
					 &v)) > 0) {
		o->local_provider = v;
	}
	if (r < 0)
		return -cli_usage_error(ctx->prog, "%s needs a value", a);
	return r;
}

int cli_take_agent_option(struct cli_ctx *ctx, int argc, char **argv, int *i, unsigned accept,
			  struct cli_agent_options *o)
{
	const char *a = argv[*i];
	int r = cli_take_config_option(ctx, argc, argv, i);

	if (r < 0)
		return -EXIT_USAGE;
	if (r > 0) {
		--*i; /* it stepped past the option; we stop on its last argument */
		return 1;
	}
	if (strcmp(a, "--full-auto") == 0)
		o->full_auto = true;
	else if (strcmp(a, "--dangerously-bypass-approvals-and-sandbox") == 0 ||
		 strcmp(a, "--yolo") == 0)
		o->yolo = true;
	else if (strcmp(a, "--oss") == 0)
		o->oss = true;
	else
		return take_valued(ctx, argc, argv, i, accept, o);
	return 1;
}

void cli_agent_options_free(struct cli_agent_options *o)
{
	strv_free(&o->add_dirs);
	strv_free(&o->images);
}

int cli_agent_enter(struct cli_ctx *ctx, const struct cli_agent_options *o, char *cwd,
		    size_t cwd_size, struct config **cfg, struct err *e)
{
	struct config_load_opts lo;

	if (o->cd && chdir(o->cd) < 0)
		return err_sys(e, errno, "cannot change to %s", o->cd);
	if (!getcwd(cwd, cwd_size))
		return err_sys(e, errno, "cannot read the working directory");
	if (o->local_provider &&
	    strv_pushf(&ctx->overrides, "oss_provider=\"%s\"", o->local_provider) < 0)
		return err_set(e, "out of memory");
	memset(&lo, 0, sizeof lo);
	lo.overrides = &ctx->overrides;
	lo.profile = ctx->profile;
	if (config_load(&lo, cfg, e) < 0) {
		err_prefix(e, "Error loading config.toml");
		return -1;
	}
	return 0;
}
