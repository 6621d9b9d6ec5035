/* Usage limits as upstream's TUI shows them (reference codex-agent-exec.md §1.8): the
 * latest snapshot of a token_count event (the x-codex-* headers of the last response)
 * is kept; /status draws its windows as bars of what is left, with the reset time,
 * the credits, and a warning when the snapshot is older than 15 minutes; the status
 * line's five-hour-limit and weekly-limit items read it; and crossing 75, 90 or 95 %
 * used of a window says so once, in the conversation.
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
#include <time.h>

#include "tui/internal.h"

/* Upstream's figures: bar length, staleness, warning thresholds. */
#define BAR_SEGMENTS 20
#define STALE_AFTER_S (15 * 60)
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

void ratelimits_update(struct app *a, const cJSON *snapshot)
{
	struct rate_limits *r = &a->limits;
	const cJSON *credits = cJSON_GetObjectItemCaseSensitive(snapshot, "credits");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(snapshot, "limit_id");

	/* only the codex family's limits are shown so far */
	if (cJSON_IsString(v) && strcmp(v->valuestring, "codex") != 0)
		return;

	read_window(cJSON_GetObjectItemCaseSensitive(snapshot, "primary"), &r->primary);
	read_window(cJSON_GetObjectItemCaseSensitive(snapshot, "secondary"), &r->secondary);
	/* A snapshot without credits keeps the ones known (upstream does the same). */
	if (cJSON_IsObject(credits)) {
		r->credits_set = true;
		r->has_credits = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(credits, "has_credits"));
		r->unlimited = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(credits, "unlimited"));
		v = cJSON_GetObjectItemCaseSensitive(credits, "balance");
		snprintf(r->balance, sizeof r->balance, "%s", cJSON_IsString(v) ? v->valuestring : "");
	}
	r->have = true;
	r->captured = time(NULL);
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

static void window_row(struct rl_card *c, const struct rl_window *w, bool primary,
		       time_t captured)
{
	char name[16], label[32], b[128], when[48], v[256];
	double left = 100.0 - w->used;

	left = left < 0 ? 0 : left > 100 ? 100 : left;
	ratelimits_window_name(w, primary, name, sizeof name);
	if (name[0] >= 'a' && name[0] <= 'z')
		name[0] = (char)(name[0] - 'a' + 'A');
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

void ratelimits_card(const struct app *a, struct rl_card *c)
{
	const struct rate_limits *r = &a->limits;
	char v[64];
	bool rows = false;

	if (r->have && r->primary.set) {
		window_row(c, &r->primary, true, r->captured);
		rows = true;
	}
	if (r->have && r->secondary.set) {
		window_row(c, &r->secondary, false, r->captured);
		rows = true;
	}
	if (r->have && credit_text(r, v, sizeof v)) {
		c->field(c->arg, "Credits", v, NULL);
		rows = true;
	}
	if (!rows)
		c->field(c->arg, "Limits",
			 a->limits_refreshing ? ST_DIM "refreshing limits..."
					      : ST_DIM "data not available yet", NULL);
	else if (time(NULL) - r->captured > STALE_AFTER_S)
		c->field(c->arg, "Warning",
			 a->limits_refreshing ? ST_DIM "limits may be stale - refreshing in background..."
					      : ST_DIM "limits may be stale - start new turn to refresh.",
			 NULL);
	else if (a->limits_refreshing)
		c->field(c->arg, "Notice", ST_DIM "refreshing limits in background...", NULL);
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

	(void)e; /* what the headers said stays; upstream only logs a failed refresh */
	a->limits_refreshing = false;
	/* the codex family's snapshot comes first */
	if (cJSON_GetArraySize(snapshots) > 0)
		ratelimits_update(a, cJSON_GetArrayItem(snapshots, 0));
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
