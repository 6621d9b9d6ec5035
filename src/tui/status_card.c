/* /status (reference codex-tui.md §9): upstream's card, boxed, its fields in its order
 * and its number format: Model (with reasoning and summaries), Model provider (when not
 * the built-in OpenAI one), Directory, Permissions (Default, Full Access or Custom),
 * Agents.md, Account, Thread name, Collaboration mode, Session, then Token usage and
 * Context window, and the usage limits (ratelimits.c) under upstream's note on where to
 * see them up to date. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/internal.h"

/* The card's labels line up on the longest one's colon, plus this. */
#define STATUS_LABEL_GAP 3

static const char *permissions(const struct app *a, char *out, size_t n)
{
	if (a->approval == APPROVAL_ON_REQUEST && a->sandbox == SANDBOX_MODE_WORKSPACE_WRITE)
		return "Default";
	if (a->approval == APPROVAL_NEVER && a->sandbox == SANDBOX_MODE_DANGER_FULL_ACCESS)
		return "Full Access";
	snprintf(out, n, "Custom (%s, %s)", sandbox_mode_str(a->sandbox),
		 approval_policy_str(a->approval));
	return out;
}

/* "name - base_url" as upstream shows a provider other than the built-in OpenAI one
 * (that one too when its URL was changed); false for the plain built-in one. */
static bool provider_line(const struct app *a, const char *id, char *out, size_t n)
{
	for (size_t i = 0; i < a->cfg->n_providers; i++) {
		const struct config_model_provider *p = &a->cfg->providers[i];
		const char *name = p->name && *p->name ? p->name : p->id;
		if (strcmp(p->id, id) != 0)
			continue;
		if (strcmp(id, "openai") == 0 && !p->base_url)
			return false;
		if (p->base_url)
			snprintf(out, n, "%s - %s", name, p->base_url);
		else
			snprintf(out, n, "%s", name);
		return true;
	}
	snprintf(out, n, "%s", id);
	return strcmp(id, "openai") != 0;
}

struct card {
	struct tui_rows lines;
	int label_w;
	int max_inner;                 /* the widest the box can be, inside */
};

static void field(struct card *c, const char *label, const char *value)
{
	char line[4096], lab[512];
	int pad;

	snprintf(lab, sizeof lab, "%s:", label);
	/* padded by width on screen: a limit family's name need not be ASCII */
	pad = c->label_w - (int)tui_text_width(lab, strlen(lab));
	snprintf(line, sizeof line, " " ST_DIM "%s%*s" ST_RESET "%s", lab, pad > 0 ? pad : 0, "",
		 value);
	(void)!tui_rows_push(&c->lines, line, strlen(line));
}

/* The limits' labels widen the label column as upstream's do (a family's name). */
static void measure(void *arg, const char *label, const char *value, const char *tail)
{
	struct card *c = arg;
	int w = (int)tui_text_width(label, strlen(label)) + 1 + STATUS_LABEL_GAP;

	(void)value;
	(void)tail;
	if (w > c->label_w)
		c->label_w = w;
}

/* A field whose dim tail goes on the same line when the box has room, else on the next,
 * under the value (upstream's "(resets 09:25)"). */
static void field_tail(void *arg, const char *label, const char *value, const char *tail)
{
	struct card *c = arg;
	char v[4096];

	if (!tail) {
		field(c, label, value);
		return;
	}
	snprintf(v, sizeof v, "%s " ST_DIM "%s", value, tail);
	if (1 + c->label_w + (int)tui_text_width(v, strlen(v)) <= c->max_inner) {
		field(c, label, v);
		return;
	}
	field(c, label, value);
	snprintf(v, sizeof v, " %*s" ST_DIM "%s", c->label_w, "", tail);
	(void)!tui_rows_push(&c->lines, v, strlen(v));
}

void status_card(struct app *a)
{
	static const char *const labels[] = {"Model", "Model provider", "Directory", "Permissions",
					     "Agents.md", "Account", "Thread name", "Collaboration mode",
					     "Session", "Token usage",
					     "Context window", NULL};
	struct card c = {{0}, 0, a->term.cols - 4};
	struct rl_card limits = {field_tail, &c}, widths = {measure, &c};
	struct agent_info ai;
	enum tui_account account;
	struct tui_rows out = {0};
	char v[2048], perm[128], agents[4096], n1[16], n2[16], n3[16];
	char *dir = tui_home_short(a->o->cwd), *shown;
	int inner = 0, max_inner = a->term.cols - 4;

	agent_info(a->agent, &ai);
	for (const char *const *l = labels; *l; l++)
		if ((int)strlen(*l) + 1 + STATUS_LABEL_GAP > c.label_w)
			c.label_w = (int)strlen(*l) + 1 + STATUS_LABEL_GAP;
	ratelimits_card(a, &widths);
	snprintf(v, sizeof v, " " ST_BOLD ">_ OpenAI Codex" ST_RESET ST_DIM " (v%s)", CODEX_VERSION);
	(void)!tui_rows_push(&c.lines, v, strlen(v));
	(void)!tui_rows_push(&c.lines, "", 0);
	snprintf(v, sizeof v, ST_CYAN "Visit " ST_UNDER "https://chatgpt.com/codex/settings/usage"
		 ST_RESET ST_CYAN " for up-to-date");
	(void)!tui_wrap(v, strlen(v), max_inner > 10 ? max_inner : 10, 0, &c.lines);
	snprintf(v, sizeof v, ST_CYAN "information on rate limits and credits");
	(void)!tui_wrap(v, strlen(v), max_inner > 10 ? max_inner : 10, 0, &c.lines);
	(void)!tui_rows_push(&c.lines, "", 0);
	snprintf(v, sizeof v, "%s" ST_DIM " (reasoning %s, summaries %s)", ai.model ? ai.model : "",
		 ai.reasoning_effort ? ai.reasoning_effort : "none",
		 ai.reasoning_summary ? ai.reasoning_summary : "auto");
	field(&c, "Model", v);
	if (ai.provider && provider_line(a, ai.provider, v, sizeof v)) {
		shown = cell_inert(v, false);
		field(&c, "Model provider", shown ? shown : "");
		free(shown);
	}
	shown = cell_inert(dir ? dir : a->o->cwd, false);
	field(&c, "Directory", shown ? shown : "");
	free(shown);
	field(&c, "Permissions", permissions(a, perm, sizeof perm));
	snprintf(agents, sizeof agents, "%s/AGENTS.md", a->o->cwd);
	field(&c, "Agents.md", access(agents, R_OK) == 0 ? "AGENTS.md" : "<none>");
	if ((account = tui_account(a, v, sizeof v)) != TUI_ACCOUNT_NONE) {
		shown = cell_inert(v, false);
		field(&c, "Account", shown ? shown : "");
		free(shown);
	}
	if (a->thread_name) {
		shown = cell_inert(a->thread_name, false);
		field(&c, "Thread name", shown ? shown : "");
		free(shown);
	}
	field(&c, "Collaboration mode", agent_mode_display(a->mode));
	if (a->thread_id)
		field(&c, "Session", a->thread_id);
	(void)!tui_rows_push(&c.lines, "", 0);
	/* upstream leaves the count out for ChatGPT plans (their limits matter instead) */
	if (account != TUI_ACCOUNT_CHATGPT) {
		tui_format_tokens(a->total_tokens, n1, sizeof n1);
		tui_format_tokens(a->input_tokens - a->cached_tokens, n2, sizeof n2);
		tui_format_tokens(a->output_tokens, n3, sizeof n3);
		snprintf(v, sizeof v, "%s total " ST_DIM " (%s input + %s output)", n1, n2, n3);
		field(&c, "Token usage", v);
	}
	if (a->context_window) {
		tui_format_tokens(a->last_tokens, n1, sizeof n1);
		tui_format_tokens(a->context_window, n2, sizeof n2);
		snprintf(v, sizeof v, "%d%% left" ST_DIM " (%s used / %s)",
			 statusline_context_left(a), n1, n2);
		field(&c, "Context window", v);
	}
	ratelimits_card(a, &limits);
	/* The box fits the widest line, within the terminal. */
	for (size_t i = 0; i < c.lines.n; i++) {
		int w = (int)tui_text_width(c.lines.v[i], strlen(c.lines.v[i]));
		if (w > inner)
			inner = w;
	}
	if (inner > max_inner)
		inner = max_inner > 10 ? max_inner : 10;
	tui_card(&c.lines, inner, &out);
	app_commit(a, &out);
	tui_rows_free(&out);
	tui_rows_free(&c.lines);
	free(dir);
}
