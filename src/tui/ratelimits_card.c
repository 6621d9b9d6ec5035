/* The usage limits' rows of /status, as upstream's card draws them: every limit family
 * known (ratelimits.c), in the order of their limit ids. The codex family's windows
 * are "5h limit" and "Weekly limit" rows (bars of what is left, the reset time); another
 * family is labelled by its limit name (else its id): one window is one row
 * ("GPT-5.3-Codex-Spark 5h limit"), more sit under a "<name> limit:" heading row. Each
 * family with credits adds a Credits row. A warning follows when a snapshot is older
 * than 15 minutes; "data not available yet" stands in for no rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tui/internal.h"

/* Upstream's figures: bar length, staleness. */
#define BAR_SEGMENTS 20
#define STALE_AFTER_S (15 * 60)

/* "[███████████░░░░░░░░░]" for the share left. */
static void bar(double left, char *out, size_t n)
{
	int filled = (int)lround(left / 100.0 * BAR_SEGMENTS);
	size_t len = 0;

	filled = filled < 0 ? 0 : filled > BAR_SEGMENTS ? BAR_SEGMENTS : filled;
	len += (size_t)snprintf(out + len, n - len, "[");
	for (int i = 0; i < BAR_SEGMENTS && len + 4 < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s",
					i < filled ? "\xE2\x96\x88" : "\xE2\x96\x91");
	snprintf(out + len, n - len, "]");
}

/* "09:25", or "09:25 on 7 Dec" when the reset is another day than the snapshot's. */
static void reset_time(time_t at, time_t captured, char *out, size_t n)
{
	struct tm t, c;
	char day[32];

	if (!localtime_r(&at, &t) || !localtime_r(&captured, &c)) {
		out[0] = '\0';
		return;
	}
	strftime(out, n, "%H:%M", &t);
	if (t.tm_year != c.tm_year || t.tm_yday != c.tm_yday) {
		strftime(day, sizeof day, "%b", &t);
		snprintf(out + strlen(out), n - strlen(out), " on %d %s", t.tm_mday, day);
	}
}

/* One window's row: "5h limit", or "<family> 5h limit" when family is set. */
static void window_row(struct rl_card *c, const struct rl_window *w, bool primary,
		       time_t captured, const char *family)
{
	char name[16], label[MODEL_RATE_LIMIT_NAME_MAX * 4 + 32], b[128], when[48], v[256];
	double left = 100.0 - w->used;

	left = left < 0 ? 0 : left > 100 ? 100 : left;
	ratelimits_window_name(w, primary, name, sizeof name);
	if (name[0] >= 'a' && name[0] <= 'z')
		name[0] = (char)(name[0] - 'a' + 'A');
	if (family)
		snprintf(label, sizeof label, "%s %s limit", family, name);
	else
		snprintf(label, sizeof label, "%s limit", name);
	bar(left, b, sizeof b);
	if (!w->has_reset) {
		snprintf(v, sizeof v, "%s %.0f%% left", b, left);
		c->field(c->arg, label, v, NULL);
		return;
	}
	reset_time((time_t)w->resets_at, captured, when, sizeof when);
	snprintf(v, sizeof v, "%s %.0f%% left", b, left);
	snprintf(b, sizeof b, "(resets %s)", when);
	c->field(c->arg, label, v, b);
}

/* Upstream's credit balance: a positive number, rounded; nothing for 0 or junk. */
static bool credit_text(const struct rate_limits *r, char *out, size_t n)
{
	char *end;
	double v;

	if (!r->credits_set || !r->has_credits)
		return false;
	if (r->unlimited) {
		snprintf(out, n, "Unlimited");
		return true;
	}
	v = strtod(r->balance, &end);
	while (*end == ' ')
		end++;
	if (end == r->balance || *end || !(v > 0) || v > 1e15)
		return false;
	snprintf(out, n, "%.0f credits", round(v));
	return true;
}

/* One family's rows; false when it has none. Its label is the server's name for it,
 * made inert (it comes from the network), else its id; upstream leaves the label out
 * only when it reads "codex". */
static bool family_rows(struct rl_card *c, const struct rate_limits *r)
{
	char *inert = cell_inert(r->name[0] ? r->name : r->id, false);
	const char *label = inert ? inert : "";
	char head[MODEL_RATE_LIMIT_NAME_MAX * 4 + 16], v[64];
	bool named = strcasecmp(label, "codex") != 0, rows = false;
	int windows = r->primary.set + r->secondary.set;

	if (named && windows != 1) {
		snprintf(head, sizeof head, "%s limit", label);
		c->field(c->arg, head, "", NULL);
		rows = true;
	}
	if (r->primary.set) {
		window_row(c, &r->primary, true, r->captured, named && windows == 1 ? label : NULL);
		rows = true;
	}
	if (r->secondary.set) {
		window_row(c, &r->secondary, false, r->captured, named && windows == 1 ? label : NULL);
		rows = true;
	}
	if (credit_text(r, v, sizeof v)) {
		c->field(c->arg, "Credits", v, NULL);
		rows = true;
	}
	free(inert);
	return rows;
}

void ratelimits_card(const struct app *a, struct rl_card *c)
{
	const struct rate_limits *codex = a->limits.have ? &a->limits : NULL;
	time_t now = time(NULL);
	bool rows = false, known = false, stale = false;

	/* upstream keeps them by limit id: the codex one among the others in that order */
	for (size_t i = 0; i <= a->n_limit_families; i++) {
		const struct rate_limits *r = i < a->n_limit_families ? &a->limit_families[i] : NULL;
		if (codex && (!r || strcmp("codex", r->id) < 0)) {
			rows |= family_rows(c, codex);
			stale |= now - codex->captured > STALE_AFTER_S;
			known = true;
			codex = NULL;
		}
		if (r && r->have) {
			rows |= family_rows(c, r);
			stale |= now - r->captured > STALE_AFTER_S;
			known = true;
		}
	}
	if (!rows)
		c->field(c->arg, "Limits",
			 !a->limits_refreshing ? ST_DIM "data not available yet"
			 : known ? ST_DIM "refreshing cached limits..."
				 : ST_DIM "refreshing limits...", NULL);
	else if (stale)
		c->field(c->arg, "Warning",
			 a->limits_refreshing ? ST_DIM "limits may be stale - refreshing in background..."
					      : ST_DIM "limits may be stale - start new turn to refresh.",
			 NULL);
	else if (a->limits_refreshing)
		c->field(c->arg, "Notice", ST_DIM "refreshing limits in background...", NULL);
}
