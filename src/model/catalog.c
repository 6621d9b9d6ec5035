/* The model catalog /model offers (model.h): a /models body parsed into presets, or
 * the list built in when the server has none to give. The parser is pure (a fuzz
 * target drives it) and bounded: at most MODEL_CATALOG_MAX_MODELS models of
 * MODEL_CATALOG_MAX_EFFORTS efforts each, names and descriptions cut to
 * MODEL_CATALOG_TEXT_MAX bytes. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/utf8.h"
#include "model/internal.h"

static void preset_free(struct model_preset *m)
{
	free(m->slug);
	free(m->display_name);
	free(m->description);
	free(m->default_effort);
	for (size_t i = 0; i < m->n_efforts; i++) {
		free(m->efforts[i].effort);
		free(m->efforts[i].description);
	}
	free(m->efforts);
}

void model_catalog_free(struct model_catalog *c)
{
	for (size_t i = 0; i < c->n; i++)
		preset_free(&c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
	for (size_t i = 0; i < c->n_upgrades; i++) {
		free(c->upgrades[i].from);
		free(c->upgrades[i].to);
		free(c->upgrades[i].markdown);
	}
	free(c->upgrades);
	c->upgrades = NULL;
	c->n_upgrades = 0;
}

/* A copy of s cut to max bytes on a character boundary; control characters become
 * spaces (the TUI shows these strings), newlines too unless keep_newlines. */
static char *inert_copy(const char *s, size_t max, bool keep_newlines)
{
	size_t n = strlen(s);
	char *out;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	out = strndup(s, n);
	if (!out)
		return NULL;
	for (char *p = out; *p; p++)
		if (((unsigned char)*p < 0x20 || *p == 0x7f) && !(keep_newlines && *p == '\n'))
			*p = ' ';
	return out;
}

static char *text_copy(const char *s)
{
	return inert_copy(s, MODEL_CATALOG_TEXT_MAX, false);
}

const char *model_effort_label(const char *effort)
{
	static const char *const names[][2] = {
		{"none", "None"},   {"minimal", "Minimal"}, {"low", "Low"},
		{"medium", "Medium"}, {"high", "High"},     {"xhigh", "Extra high"}};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(effort, names[i][0]) == 0)
			return names[i][1];
	return effort;
}

/* An effort name is a short lowercase word: anything else is not one. */
static bool effort_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_' || *p == '-'))
			return false;
	return true;
}

static int parse_efforts(const cJSON *arr, struct model_preset *m)
{
	const cJSON *it;
	size_t cap;

	if (!cJSON_IsArray(arr))
		return 0;
	cap = (size_t)cJSON_GetArraySize(arr);
	if (cap > MODEL_CATALOG_MAX_EFFORTS)
		cap = MODEL_CATALOG_MAX_EFFORTS;
	if (!cap)
		return 0;
	m->efforts = calloc(cap, sizeof *m->efforts);
	if (!m->efforts)
		return -1;
	cJSON_ArrayForEach(it, arr) {
		const char *eff = json_get_str(it, "effort"), *d = json_get_str(it, "description");
		struct model_effort_preset *ep;
		if (m->n_efforts == cap)
			break;
		if (!eff && cJSON_IsString(it))
			eff = it->valuestring; /* a bare list of names */
		if (!eff || !effort_ok(eff))
			continue;
		ep = &m->efforts[m->n_efforts];
		if (!(ep->effort = strdup(eff)) || !(ep->description = text_copy(d ? d : ""))) {
			free(ep->effort);
			return -1;
		}
		m->n_efforts++;
	}
	return 0;
}

static bool listed(const cJSON *model)
{
	const char *vis = json_get_str(model, "visibility");

	return !vis || strcmp(vis, "list") == 0;
}

static int64_t priority(const cJSON *model)
{
	int64_t p;

	return json_get_int64(model, "priority", &p) == 0 ? p : INT64_MAX;
}

/* slug's "upgrade" ({"model", "migration_markdown"}), kept when it names a model. */
static int parse_upgrade(const cJSON *model, const char *slug, struct model_catalog *out)
{
	const cJSON *up = cJSON_GetObjectItemCaseSensitive(model, "upgrade");
	const char *to = json_get_str(up, "model"), *md = json_get_str(up, "migration_markdown");
	struct model_upgrade *u;

	if (!to || !*to || strlen(to) > 256)
		return 0;
	u = &out->upgrades[out->n_upgrades];
	if (!(u->from = text_copy(slug)) || !(u->to = text_copy(to)) ||
	    (md && *md && !(u->markdown = inert_copy(md, MODEL_CATALOG_MARKDOWN_MAX, true)))) {
		free(u->from);
		free(u->to);
		memset(u, 0, sizeof *u);
		return -1;
	}
	if (strcmp(u->from, u->to) == 0) { /* its own successor: nothing to move to */
		free(u->from);
		free(u->to);
		free(u->markdown);
		memset(u, 0, sizeof *u);
		return 0;
	}
	out->n_upgrades++;
	return 0;
}

struct ranked {
	const cJSON *model;
	int64_t priority;
	size_t index;
};

static int by_priority(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

int model_catalog_parse(const char *json, size_t len, struct model_catalog *out,
			struct err *e)
{
	cJSON *root;
	const cJSON *models, *it;
	struct ranked *r = NULL;
	size_t n = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (len > MODEL_CATALOG_MAX_BYTES)
		return err_set(e, "the model list is larger than %u bytes",
			       (unsigned)MODEL_CATALOG_MAX_BYTES);
	root = json_parse(json, len, "the model list", e);
	if (!root)
		return -1;
	models = cJSON_GetObjectItemCaseSensitive(root, "models");
	if (!cJSON_IsArray(models)) {
		err_set(e, "the model list has no \"models\" array");
		goto out;
	}
	r = calloc(MODEL_CATALOG_MAX_MODELS, sizeof *r);
	out->upgrades = calloc(MODEL_CATALOG_MAX_MODELS, sizeof *out->upgrades);
	if (!r || !out->upgrades) {
		err_set(e, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(it, models) {
		const char *slug = json_get_str(it, "slug");
		if (n == MODEL_CATALOG_MAX_MODELS)
			break;
		if (!slug || !*slug || strlen(slug) > 256)
			continue;
		/* Hidden models too: a user may still be on one. */
		if (out->n_upgrades < MODEL_CATALOG_MAX_MODELS && parse_upgrade(it, slug, out) < 0) {
			err_set(e, "out of memory");
			goto out;
		}
		if (!listed(it))
			continue;
		r[n].model = it;
		r[n].priority = priority(it);
		r[n].index = n;
		n++;
	}
	if (!n) {
		err_set(e, "the model list offers no model");
		goto out;
	}
	qsort(r, n, sizeof *r, by_priority);
	out->v = calloc(n, sizeof *out->v);
	if (!out->v) {
		err_set(e, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const cJSON *m = r[i].model;
		const char *dn = json_get_str(m, "display_name"), *d = json_get_str(m, "description");
		const char *def = json_get_str(m, "default_reasoning_level");
		struct model_preset *p = &out->v[out->n++];
		if (!(p->slug = text_copy(json_get_str(m, "slug"))) ||
		    !(p->display_name = text_copy(dn && *dn ? dn : p->slug)) ||
		    !(p->description = text_copy(d ? d : "")) ||
		    (def && effort_ok(def) && !(p->default_effort = strdup(def))) ||
		    parse_efforts(cJSON_GetObjectItemCaseSensitive(m, "supported_reasoning_levels"),
				  p) < 0) {
			err_set(e, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		model_catalog_free(out);
	free(r);
	cJSON_Delete(root);
	return rc;
}

/* The built-in list: upstream 0.118's presets for when no list can be fetched. */
static const char *const builtin_efforts[][2] = {
	{"low", "Fast responses with lighter reasoning"},
	{"medium", "Balances speed and reasoning depth for everyday tasks"},
	{"high", "Greater reasoning depth for complex problems"},
	{"xhigh", "Extra high reasoning depth for complex problems"}};
static const struct {
	const char *slug, *description;
	unsigned first_effort, n_efforts;
} builtin_models[] = {
	{"gpt-5.3-codex", "Latest frontier agentic coding model.", 0, 4},
	{"gpt-5.4", "Latest frontier model with improvements across knowledge, reasoning and coding.",
	 0, 4},
	{"gpt-5.2-codex", "Frontier agentic coding model.", 0, 4},
	{"gpt-5.1-codex-max", "Codex-optimized flagship for deep and fast reasoning.", 0, 4},
	{"gpt-5.1-codex-mini", "Optimized for codex. Cheaper, faster, but less capable.", 1, 2}};

/* Upstream 0.118's bundled successors: the listed models move to gpt-5.4, the older
 * hidden ones to gpt-5.3-codex, each with the text upstream shows. */
#define GPT_5_4_MIGRATION                                                                      \
	"Introducing GPT-5.4\n\nCodex just got an upgrade with GPT-5.4, our most capable model " \
	"for professional work. It outperforms prior models while being more token efficient, "   \
	"with notable improvements on long-running tasks, tool calling, computer use, and "        \
	"frontend development.\n\nLearn more: https://openai.com/index/introducing-gpt-5-4\n\n"  \
	"You can always keep using GPT-5.3-Codex if you prefer.\n"
#define GPT_5_3_CODEX_MIGRATION                                                                \
	"**Codex just got an upgrade. Introducing {model_to}.**\n\nCodex is now powered by "      \
	"{model_to}, our most capable agentic coding model yet. It's built for long-running, "     \
	"project-scale work, with mid-turn steering + frequent progress updates so you can "       \
	"collaborate while it runs (and it's faster too).\n\nLearn more: "                       \
	"https://openai.com/index/introducing-gpt-5-3-codex/\n\nYou can keep using {model_from} " \
	"if you prefer.\n"
static const struct {
	const char *from, *to, *markdown;
} builtin_upgrades[] = {
	{"gpt-5.3-codex", "gpt-5.4", GPT_5_4_MIGRATION},
	{"gpt-5.2-codex", "gpt-5.4", GPT_5_4_MIGRATION},
	{"gpt-5.1-codex-max", "gpt-5.4", GPT_5_4_MIGRATION},
	{"gpt-5.2", "gpt-5.4", GPT_5_4_MIGRATION},
	{"gpt-5.1-codex-mini", "gpt-5.4", GPT_5_4_MIGRATION},
	{"gpt-5.1-codex", "gpt-5.3-codex", GPT_5_3_CODEX_MIGRATION},
	{"gpt-5.1", "gpt-5.3-codex", GPT_5_3_CODEX_MIGRATION},
	{"gpt-5-codex", "gpt-5.3-codex", GPT_5_3_CODEX_MIGRATION},
	{"gpt-5", "gpt-5.3-codex", GPT_5_3_CODEX_MIGRATION},
	{"gpt-5-codex-mini", "gpt-5.3-codex", GPT_5_3_CODEX_MIGRATION}};

int model_catalog_builtin(struct model_catalog *out, struct err *e)
{
	size_t n = sizeof builtin_models / sizeof builtin_models[0];
	size_t nu = sizeof builtin_upgrades / sizeof builtin_upgrades[0];

	memset(out, 0, sizeof *out);
	out->builtin = true;
	if (!(out->v = calloc(n, sizeof *out->v)) ||
	    !(out->upgrades = calloc(nu, sizeof *out->upgrades)))
		goto oom;
	for (size_t i = 0; i < nu; i++) {
		struct model_upgrade *u = &out->upgrades[out->n_upgrades++];
		if (!(u->from = strdup(builtin_upgrades[i].from)) ||
		    !(u->to = strdup(builtin_upgrades[i].to)) ||
		    !(u->markdown = strdup(builtin_upgrades[i].markdown)))
			goto oom;
	}
	for (size_t i = 0; i < n; i++) {
		struct model_preset *p = &out->v[out->n++];
		if (!(p->slug = strdup(builtin_models[i].slug)) ||
		    !(p->display_name = strdup(builtin_models[i].slug)) ||
		    !(p->description = strdup(builtin_models[i].description)) ||
		    !(p->default_effort = strdup("medium")) ||
		    !(p->efforts = calloc(builtin_models[i].n_efforts, sizeof *p->efforts)))
			goto oom;
		for (unsigned k = 0; k < builtin_models[i].n_efforts; k++) {
			const char *const *be = builtin_efforts[builtin_models[i].first_effort + k];
			struct model_effort_preset *ep = &p->efforts[p->n_efforts];
			if (!(ep->effort = strdup(be[0])) || !(ep->description = strdup(be[1]))) {
				free(ep->effort);
				goto oom;
			}
			p->n_efforts++;
		}
	}
	return 0;
oom:
	model_catalog_free(out);
	return err_set(e, "out of memory");
}

char *model_catalog_url(const struct model_provider *p, struct err *e)
{
	/* The /responses URL with its query, with the path and client_version changed:
	 * the same escaping of query_params, written once (request.c). */
	struct model_provider q = *p;
	char *u, *qm, *out;
	struct buf b;

	q.wire = MODEL_WIRE_RESPONSES;
	u = model_request_url(&q, e);
	if (!u)
		return NULL;
	qm = strchr(u + strlen(p->base_url), '?');
	buf_init(&b, 64 * 1024);
	if (buf_printf(&b, "%s/models?client_version=%s", p->base_url, CODEX_VERSION) < 0 ||
	    (qm && buf_printf(&b, "&%s", qm + 1) < 0)) {
		buf_free(&b);
		free(u);
		err_set(e, "the provider's URL is too long (or memory ran out)");
		return NULL;
	}
	free(u);
	out = buf_take(&b);
	if (!out)
		err_set(e, "out of memory");
	return out;
}
