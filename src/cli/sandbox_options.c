/* The options `codex sandbox` (Linux) and `codex sandbox windows` share: one parser, so
 * both accept the same spellings and print the same messages; each keeps its own
 * platform and network flags. Part of both builds (see WIN_PORTABLE in the Makefile). */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/file.h"
#include "sandbox/sandbox.h"

int cli_take_sandbox_option(struct cli_ctx *ctx, int argc, char **argv, int *i,
			    struct cli_sandbox_options *o)
{
	const char *a = argv[*i], *v;
	int r;

	if (strcmp(a, "--full-auto") == 0) {
		o->full_auto = true;
		return 1;
	}
	r = cli_take_config_option(ctx, argc, argv, i);
	if (r < 0)
		return -EXIT_USAGE;
	if (r > 0) {
		--*i; /* it stepped past the option; we stop on its last argument */
		return 1;
	}
	if ((r = cli_option_value(argc, argv, i, "-s", "--sandbox", &v)) != 0) {
		if (r < 0)
			return -cli_usage_error(ctx->prog, "%s needs a policy", a);
		if (sandbox_mode_parse(v, &o->mode) < 0)
			return -cli_usage_error(ctx->prog, "invalid sandbox policy '%s' (read-only, "
						"workspace-write, danger-full-access)", v);
		o->have_mode = true;
		return 1;
	}
	if ((r = cli_option_value(argc, argv, i, "-C", "--cd", &v)) != 0) {
		if (r < 0)
			return -cli_usage_error(ctx->prog, "%s needs a directory", a);
		o->cd = v;
		return 1;
	}
	return 0;
}

int cli_sandbox_options_check(struct cli_ctx *ctx, const struct cli_sandbox_options *o)
{
	if (o->full_auto && o->have_mode)
		return cli_usage_error(ctx->prog, "--full-auto cannot be combined with --sandbox");
	return 0;
}

enum sandbox_mode cli_sandbox_options_mode(const struct cli_sandbox_options *o,
					   enum sandbox_mode configured)
{
	if (o->full_auto)
		return SANDBOX_MODE_WORKSPACE_WRITE;
	return o->have_mode ? o->mode : configured;
}

int cli_sandbox_build_policy(const struct cli_sandbox_options *o, const struct strv *add_dirs,
			     const struct config *cfg, const char *cwd, struct sandbox_policy *p,
			     struct err *e)
{
	const struct config_sandbox_workspace_write *w = &cfg->sandbox_workspace_write;
	enum sandbox_mode mode = cli_sandbox_options_mode(o, cfg->sandbox_mode);

	sandbox_policy_init(p, mode);
	if (mode != SANDBOX_MODE_WORKSPACE_WRITE) {
		if (add_dirs && add_dirs->n)
			fprintf(stderr, "codex: warning: --add-dir is ignored with the %s policy\n",
				sandbox_mode_str(mode));
		return 0;
	}
	p->network_access = w->network_access;
	p->exclude_tmpdir_env_var = w->exclude_tmpdir_env_var;
	p->exclude_slash_tmp = w->exclude_slash_tmp;
	for (size_t i = 0; i < w->writable_roots.n; i++)
		if (strv_take(&p->writable_roots, path_join(cwd, w->writable_roots.v[i])) < 0)
			return err_set(e, "out of memory");
	for (size_t i = 0; add_dirs && i < add_dirs->n; i++)
		if (strv_take(&p->writable_roots, path_join(cwd, add_dirs->v[i])) < 0)
			return err_set(e, "out of memory");
	return 0;
}
