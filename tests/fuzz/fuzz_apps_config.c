/* Fuzz target for [apps] in config.toml: the input is a config file; one that loads
 * has every app and tool it names asked through config_app_enabled and
 * config_app_tool_policy (by name and as a title, with each combination of hints and
 * app toggles), and each answer must be one of upstream's approval modes. Sanitizers
 * report any memory error or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "config/toml.h"

static void ask(const struct config *cfg, const char *id, const char *tool)
{
	for (int hints = 0; hints < 4; hints++)
		for (int toggle = -1; toggle <= 1; toggle++) {
			const char *approval = NULL;
			bool on;
			config_app_tool_policy(cfg, id, toggle, tool, hints & 1 ? tool : NULL,
					       hints & 1, hints & 2, &on, &approval);
			if (!approval || (strcmp(approval, "auto") != 0 &&
					  strcmp(approval, "prompt") != 0 &&
					  strcmp(approval, "approve") != 0))
				abort();
			if (toggle == 0 && on)
				abort(); /* a disabled app has no tool on */
		}
}

/* Every "<id>" and "<id>" SEP "tools" SEP "<tool>" SEP "<key>" of apps_settings. */
static void ask_all(const struct config *cfg)
{
	const struct strv *keys = &cfg->apps_settings.keys;

	for (size_t i = 0; i < keys->n; i++) {
		char *id = strdup(keys->v[i]), *sep, *tool;
		if (!id)
			return;
		(void)config_app_enabled(cfg, id);
		if ((sep = strchr(id, CONFIG_APPS_SEP[0]))) {
			*sep = '\0';
			tool = sep + 1;
			if (strncmp(tool, "tools" CONFIG_APPS_SEP, 6) == 0) {
				tool += 6;
				if ((sep = strchr(tool, CONFIG_APPS_SEP[0])))
					*sep = '\0';
				ask(cfg, id, tool);
			}
		}
		ask(cfg, id, "tool");
		free(id);
	}
	ask(cfg, "_default", "tool");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_source src = {"fuzz.toml", NULL, NULL};
	struct toml_value *doc;
	struct config *cfg;
	struct err e;

	if (!(doc = toml_parse((const char *)data, size, &e)))
		return 0;
	cfg = calloc(1, sizeof *cfg);
	if (cfg) {
		cfg->provenance = calloc(1, sizeof *cfg->provenance);
		if (cfg->provenance && config_set_defaults(cfg) == 0 &&
		    config_extract(cfg, doc, &src, &e) == 0) {
			if (cfg->apps_settings.keys.n > CONFIG_APPS_MAX_SETTINGS)
				abort();
			ask_all(cfg);
		}
		config_free(cfg);
	}
	toml_free(doc);
	return 0;
}
