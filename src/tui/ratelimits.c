/* Usage limits as upstream's TUI shows them (reference codex-agent-exec.md §1.8): the
 * latest snapshot of each limit family (token_count's rate_limits: the headers of the
 * last response, one family at a time) is kept; /status draws them (ratelimits_card.c);
 * the status line's five-hour-limit and weekly-limit items read the codex family's; and
 * crossing 75, 90 or 95 % used of one of its windows says so once, in the conversation.
 * The other families (x-<limit-id>-* headers, the usage endpoint's
 * additional_rate_limits) only show in /status, as upstream.
 *
 * Signed in with ChatGPT, the limits are also asked of the backend (agent_fetch_usage)
 * at start-up and by /status, as upstream does. Upstream draws its card at once and
 * updates it in place when the answer comes; ours goes into the terminal's scrollback,
 * where it cannot change, so /status waits for the answer (at most STATUS_WAIT_MS)
 * and then draws the card, with upstream's "refreshing" notice only if it is still
 * out. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tui/internal.h"

/* Upstream's figures: how long /status waits, warning thresholds. */
#define STATUS_WAIT_MS 5000
static const double warn_thresholds[] = {75.0, 90.0, 95.0};
#define N_THRESHOLDS (sizeof warn_thresholds / sizeof warn_thresholds[0])

static bool read_window(const cJSON *w, struct rl_window *out)
{
	const cJSON *used = cJSON_GetObjectItemCaseSensitive(w, "used_percent");
	const cJSON *mins = cJSON_GetObjectItemCaseSensitive(w, "window_minutes");
	const cJSON *reset = cJSON_GetObjectItemCaseSensitive(w, "resets_at");

	memset(out, 0, sizeof *out);
	if (!cJSON_IsNumber(used) || !isfinite(used->valuedouble))
		return false;
	out->set = true;
	out->used = used->valuedouble;
	if (cJSON_IsNumber(mins) && mins->valuedouble >= 0 && mins->valuedouble < 1e9) {
		out->has_minutes = true;
		out->minutes = (int64_t)mins->valuedouble;
	}
	if (cJSON_IsNumber(reset) && reset->valuedouble > 0 && reset->valuedouble < 1e12) {
		out->has_reset = true;
		out->resets_at = (int64_t)reset->valuedouble;
	}
	return true;
}

/* Upstream's window names: "5h" up to a day (hours, rounded with 3 minutes of bias),
 * then weekly, monthly, annual. */
void ratelimits_window_name(const struct rl_window *w, bool primary, char *out, size_t n)
{
	int64_t m = w->minutes < 0 ? 0 : w->minutes;

	if (!w->has_minutes)
		snprintf(out, n, "%s", primary ? "5h" : "weekly");
	else if (m <= 24 * 60 + 3)
		snprintf(out, n, "%lldh", (long long)((m + 3) / 60 > 1 ? (m + 3) / 60 : 1));
	else if (m <= 7 * 24 * 60 + 3)
		snprintf(out, n, "weekly");
	else if (m <= 30 * 24 * 60 + 3)
		snprintf(out, n, "monthly");
	else
		snprintf(out, n, "annual");
}

static void warn_window(struct app *a, const struct rl_window *w, bool primary, size_t *next)
{
	double highest = -1;
	char name[16], msg[256];
	struct tui_rows cell = {0};

	if (!w->set)
		return;
	while (*next < N_THRESHOLDS && w->used >= warn_thresholds[*next])
		highest = warn_thresholds[(*next)++];
	if (highest < 0)
		return;
	ratelimits_window_name(w, primary, name, sizeof name);
	snprintf(msg, sizeof msg,
		 "Heads up, you have less than %.0f%% of your %s limit left. Run /status for a "
		 "breakdown.",
		 100.0 - highest, name);
	if (cell_warning(msg, &cell) == 0)
		app_commit(a, &cell);
	tui_rows_free(&cell);
}

/* A snapshot into r: a snapshot without credits keeps the ones known (upstream does the
 * same). */
static void read_snapshot(struct rate_limits *r, const cJSON *snapshot)
{
	const cJSON *credits = cJSON_GetObjectItemCaseSensitive(snapshot, "credits");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(snapshot, "limit_name");

	snprintf(r->name, sizeof r->name, "%s", cJSON_IsString(v) ? v->valuestring : "");
	read_window(cJSON_GetObjectItemCaseSensitive(snapshot, "primary"), &r->primary);
	read_window(cJSON_GetObjectItemCaseSensitive(snapshot, "secondary"), &r->secondary);
	if (cJSON_IsObject(credits)) {
		r->credits_set = true;
		r->has_credits = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(credits, "has_credits"));
		r->unlimited = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(credits, "unlimited"));
		v = cJSON_GetObjectItemCaseSensitive(credits, "balance");
		snprintf(r->balance, sizeof r->balance, "%s", cJSON_IsString(v) ? v->valuestring : "");
	}
	r->have = true;
	r->captured = time(NULL);
}

/* The kept family with this id, a new one in its place by id, or NULL when the id does
 * not fit or TUI_LIMIT_FAMILIES_MAX are kept already. */
static struct rate_limits *family(struct app *a, const char *id)
{
	size_t at = 0;
	int cmp = 1;

	if (strlen(id) >= sizeof a->limit_families[0].id)
		return NULL;
	while (at < a->n_limit_families && (cmp = strcmp(a->limit_families[at].id, id)) < 0)
		at++;
	if (at < a->n_limit_families && cmp == 0)
		return &a->limit_families[at];
	if (a->n_limit_families == TUI_LIMIT_FAMILIES_MAX)
		return NULL;
	memmove(&a->limit_families[at + 1], &a->limit_families[at],
		(a->n_limit_families - at) * sizeof a->limit_families[0]);
	memset(&a->limit_families[at], 0, sizeof a->limit_families[0]);
	snprintf(a->limit_families[at].id, sizeof a->limit_families[at].id, "%s", id);
	a->n_limit_families++;
	return &a->limit_families[at];
}

void ratelimits_update(struct app *a, const cJSON *snapshot)
{
	struct rate_limits *r = &a->limits;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(snapshot, "limit_id");

	/* Only the codex family warns, feeds the status line and the nudge (upstream). */
	if (cJSON_IsString(id) && strcasecmp(id->valuestring, "codex") != 0) {
		if ((r = family(a, id->valuestring)))
			read_snapshot(r, snapshot);
		return;
	}
	snprintf(r->id, sizeof r->id, "%s", cJSON_IsString(id) ? id->valuestring : "codex");
	read_snapshot(r, snapshot);
	nudge_check(a);
	/* No warning once a window is used up: the limit's own error says it. */
	if ((r->primary.set && r->primary.used == 100.0) ||
	    (r->secondary.set && r->secondary.used == 100.0))
		return;
	warn_window(a, &r->secondary, false, &r->warned_secondary);
	warn_window(a, &r->primary, true, &r->warned_primary);
}

bool ratelimits_statusline(const struct app *a, bool primary, char *out, size_t n)
{
	const struct rl_window *w = primary ? &a->limits.primary : &a->limits.secondary;
	char name[16];
	double left;

	if (!a->limits.have || !w->set)
		return false;
	ratelimits_window_name(w, primary, name, sizeof name);
	left = 100.0 - w->used;
	left = left < 0 ? 0 : left > 100 ? 100 : left;
	snprintf(out, n, "%s %.0f%%", name, left);
	return true;
}

static void status_now(struct app *a)
{
	if (a->status_waiting) {
		a->status_waiting = false;
		loop_timer_disarm(a->loop, &a->status_timer);
	}
	status_card(a);
	app_dirty(a);
}

static void on_usage(void *arg, const cJSON *snapshots, const struct err *e)
{
	struct app *a = arg;
	const cJSON *snap;

	(void)e; /* what the headers said stays; upstream only logs a failed refresh */
	a->limits_refreshing = false;
	cJSON_ArrayForEach(snap, snapshots)
		ratelimits_update(a, snap);
	if (a->status_waiting)
		status_now(a);
	app_dirty(a);
}

bool ratelimits_refresh(struct app *a)
{
	struct err e;

	if (!a->limits_refreshing && a->agent &&
	    agent_fetch_usage(a->agent, on_usage, a, &e) == 0)
		a->limits_refreshing = true;
	return a->limits_refreshing;
}

static void on_status_timer(struct loop *l, struct loop_timer *t)
{
	struct app *a = (struct app *)((char *)t - offsetof(struct app, status_timer));

	(void)l;
	status_now(a);
}

void ratelimits_status(struct app *a)
{
	if (a->status_waiting)
		return; /* the card on its way answers this one too */
	if (ratelimits_refresh(a) &&
	    loop_timer_arm(a->loop, &a->status_timer, loop_now(a->loop) + STATUS_WAIT_MS,
			   on_status_timer) == 0) {
		a->status_waiting = true;
		return;
	}
	status_card(a);
}

void ratelimits_forget_fetch(struct app *a)
{
	a->limits_refreshing = false;
	if (a->status_waiting) {
		a->status_waiting = false;
		loop_timer_disarm(a->loop, &a->status_timer);
	}
}
