/* The model family table: what upstream 0.118's bundled model catalog says of each slug
 * it knows (context window, reasoning, verbosity and their defaults, parallel tool
 * calls, the apply_patch tool), plus older slugs. The shell tool is exec_command for
 * every family: 0.118 turns unified exec on by default, whatever the catalog's
 * shell_type. */
#include <string.h>

#include "model/model.h"

#define FAMILY(prefix, window, reasoning, verbosity, parallel, patch, dverb, dsum, persona)  \
	{prefix, window, 95, reasoning, verbosity, parallel, reasoning ? "medium" : NULL,   \
	 MODEL_SHELL_EXEC_COMMAND, patch, dverb, dsum, persona}
#define F(prefix, window, reasoning, verbosity, parallel, patch, dverb, dsum)               \
	FAMILY(prefix, window, reasoning, verbosity, parallel, patch, dverb, dsum, false)
/* The families whose catalog entry has personality texts (0.118's bundled catalog). */
#define FP(prefix, window, reasoning, verbosity, parallel, patch, dverb, dsum)              \
	FAMILY(prefix, window, reasoning, verbosity, parallel, patch, dverb, dsum, true)

/* Most specific first: the first prefix that matches wins. */
static const struct model_family families[] = {
	FP("gpt-5.4", 272000, true, true, true, MODEL_PATCH_FREEFORM, "low", "none"),
	FP("gpt-5.3-codex", 272000, true, true, true, MODEL_PATCH_FREEFORM, "low", "none"),
	FP("gpt-5.2-codex", 272000, true, false, true, MODEL_PATCH_FREEFORM, NULL, "auto"),
	F("gpt-5.2", 272000, true, true, true, MODEL_PATCH_FREEFORM, "low", "auto"),
	F("gpt-5.1-codex-max", 272000, true, false, false, MODEL_PATCH_FREEFORM, NULL, "auto"),
	F("gpt-5.1-codex-mini", 272000, true, false, false, MODEL_PATCH_FREEFORM, NULL, "auto"),
	F("gpt-5.1-codex", 272000, true, false, false, MODEL_PATCH_FREEFORM, NULL, "auto"),
	F("gpt-5.1", 272000, true, true, true, MODEL_PATCH_FREEFORM, "low", "auto"),
	F("gpt-5-codex-mini", 272000, true, false, false, MODEL_PATCH_FREEFORM, NULL, "auto"),
	F("gpt-5-codex", 272000, true, false, false, MODEL_PATCH_FREEFORM, NULL, "auto"),
	F("gpt-5", 272000, true, true, false, MODEL_PATCH_NONE, NULL, "auto"),
	/* gpt-oss-120b, gpt-oss-20b, and Ollama's gpt-oss:20b. */
	F("gpt-oss", 128000, true, true, false, MODEL_PATCH_FREEFORM, NULL, "auto"),
	/* Earlier reasoning models: no default effort, as upstream's older table. */
	{"codex-mini-latest", 200000, 95, true, false, false, NULL, MODEL_SHELL_EXEC_COMMAND,
	 MODEL_PATCH_NONE, NULL, "auto", false},
	{"o3", 200000, 95, true, false, false, NULL, MODEL_SHELL_EXEC_COMMAND, MODEL_PATCH_NONE,
	 NULL, "auto", false},
	{"o4-mini", 200000, 95, true, false, false, NULL, MODEL_SHELL_EXEC_COMMAND,
	 MODEL_PATCH_NONE, NULL, "auto", false},
	F("gpt-4.1", 1047576, false, false, false, MODEL_PATCH_NONE, NULL, NULL),
	F("gpt-4o", 128000, false, false, false, MODEL_PATCH_NONE, NULL, NULL),
};

/* Anything else (local models, other providers'): nothing assumed, as upstream's
 * fallback (its requests for "llama3" carry "reasoning": null and no apply_patch tool). */
static const struct model_family unknown =
	F("", 0, false, false, false, MODEL_PATCH_NONE, NULL, NULL);

const struct model_family *model_family_find(const char *slug)
{
	if (!slug)
		return &unknown;
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
		if (strncmp(slug, families[i].slug_prefix, strlen(families[i].slug_prefix)) == 0)
			return &families[i];
	return &unknown;
}
