/* Upstream's start-up model migration prompt (reference codex-tui.md §11): when the
 * catalog names a successor for the session's model ("upgrade"), the successor is
 * offered, and the user has not answered for that pair ([notice.model_migrations]
 * "<from>" = "<to>"), a full-screen prompt shows the successor's migration text and
 * asks: 1. Try new model (the model, and the effort mapped to the nearest it offers,
 * for this session and in config.toml) or 2. Use existing model. Either answer is
 * recorded, so the prompt comes once a pair; Ctrl+C or Ctrl+D quits codex.
 *
 * The catalog is the one the session starts with (agent_startup_models: no request
 * unless signed in with ChatGPT). The wait for it is bounded: past MIGRATION_WAIT_MS
 * the chat starts and the prompt waits for another session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/toml.h"
#include "model/model.h"
#include "tui/internal.h"

#define MIGRATION_WAIT_MS 3000
#define MIGRATION_SEEN_MAX 64
#define MIGRATION_TABLE "notice.model_migrations"

void migration_load(struct app *a, const struct toml_value *root)
{
	const struct toml_value *notice = root ? toml_table_get(root, "notice") : NULL;
	const struct toml_value *seen =
		notice && notice->type == TOML_TABLE ? toml_table_get(notice, "model_migrations")
						     : NULL;

	strv_free(&a->migrations_seen);
	if (!seen || seen->type != TOML_TABLE)
		return;
	for (size_t i = 0; i < seen->u.table.n && i < MIGRATION_SEEN_MAX; i++) {
		const struct toml_value *to = seen->u.table.entries[i].value;
		if (to->type != TOML_STRING)
			continue;
		if (strv_push(&a->migrations_seen, seen->u.table.entries[i].key) < 0 ||
		    strv_push(&a->migrations_seen, to->u.str.ptr) < 0)
			return;
	}
}

static bool seen(const struct app *a, const char *from, const char *to)
{
	for (size_t i = 0; i + 1 < a->migrations_seen.n; i += 2)
		if (strcmp(a->migrations_seen.v[i], from) == 0 &&
		    strcmp(a->migrations_seen.v[i + 1], to) == 0)
			return true;
	return false;
}

static const struct model_preset *offered(const struct app *a, const char *slug)
{
	for (size_t i = 0; a->catalog && i < a->catalog->n; i++)
		if (strcmp(a->catalog->v[i].slug, slug) == 0)
			return &a->catalog->v[i];
	return NULL;
}

/* s with every {model_from} and {model_to} filled in. */
static char *fill(const char *s, const char *from, const char *to)
{
	struct buf b;

	buf_init(&b, 2 * MODEL_CATALOG_MARKDOWN_MAX + 4096);
	while (*s) {
		if (strncmp(s, "{model_from}", 12) == 0) {
			if (buf_puts(&b, from) < 0)
				goto oom;
			s += 12;
		} else if (strncmp(s, "{model_to}", 10) == 0) {
			if (buf_puts(&b, to) < 0)
				goto oom;
			s += 10;
		} else if (buf_putc(&b, *s++) < 0) {
			goto oom;
		}
	}
	if (buf_putc(&b, '\0') < 0)
		goto oom;
	return buf_take(&b);
oom:
	buf_free(&b);
	return NULL;
}

/* Upstream's words when the catalog gives no migration text. */
static char *default_text(const char *from, const char *to, const struct model_preset *p)
{
	const char *name = strcmp(p->display_name, from) == 0 ? to : p->display_name;
	char *out = NULL;
	int n;

	if (*p->description)
		n = asprintf(&out,
			     "**Codex just got an upgrade. Introducing %s.**\n\nWe recommend switching "
			     "from %s to %s.\n\n%s\n\nYou can continue using %s if you prefer.\n",
			     name, from, to, p->description, from);
	else
		n = asprintf(&out,
			     "**Codex just got an upgrade. Introducing %s.**\n\nWe recommend switching "
			     "from %s to %s.\n\n%s is recommended for better performance and "
			     "reliability.\n\nYou can continue using %s if you prefer.\n",
			     name, from, to, name, from);
	return n < 0 ? NULL : out;
}

static void finish(struct app *a)
{
	loop_timer_disarm(a->loop, &a->migration_timer);
	a->migration = MIGRATION_DONE;
}

void migration_catalog(struct app *a)
{
	const struct model_upgrade *u = NULL;
	const struct model_preset *target;
	char *text;

	if (a->migration != MIGRATION_WAITING)
		return;
	for (size_t i = 0; a->model && a->catalog && i < a->catalog->n_upgrades; i++)
		if (strcmp(a->catalog->upgrades[i].from, a->model) == 0)
			u = &a->catalog->upgrades[i];
	if (!u || seen(a, u->from, u->to) || !(target = offered(a, u->to))) {
		finish(a);
		return;
	}
	text = u->markdown ? fill(u->markdown, u->from, u->to) : default_text(u->from, u->to, target);
	if (!text || !(a->migration_to = strdup(u->to))) {
		free(text);
		finish(a);
		return;
	}
	a->migration_text = text;
	a->migration_sel = 0;
	a->migration = MIGRATION_ASKING;
	loop_timer_disarm(a->loop, &a->migration_timer);
	/* Full screen, so nothing of it stays in the scrollback. */
	a->overlay = OVERLAY_MIGRATION;
	if (a->alt_allowed)
		term_enter_alt(&a->term);
	app_dirty(a);
}

static void wait_over(struct loop *l, struct loop_timer *t)
{
	struct app *a = (struct app *)((char *)t - offsetof(struct app, migration_timer));

	(void)l;
	if (a->migration == MIGRATION_WAITING)
		a->migration = MIGRATION_DONE; /* the list comes too late for this session */
}

static bool answered(struct app *a)
{
	return a->migration == MIGRATION_DONE;
}

/* [notice.model_migrations] "<from>" = "<to>": this pair is not asked again. */
static void record(struct app *a, const char *from, const char *to)
{
	struct buf v;
	struct err e;
	char msg[ERR_MSG_MAX + 64];

	buf_init(&v, 4096);
	err_clear(&e);
	if (config_edit_quote(&v, to) < 0)
		err_set(&e, "out of memory");
	else
		(void)tui_config_set(a, MIGRATION_TABLE, from, v.data, &e);
	buf_free(&v);
	if (e.msg[0]) {
		snprintf(msg, sizeof msg, "Failed to save model migration prompt preference: %s", e.msg);
		app_error(a, msg);
	}
}

static int effort_rank(const char *effort)
{
	static const char *const order[] = {"none", "minimal", "low", "medium", "high", "xhigh"};

	for (int i = 0; i < (int)(sizeof order / sizeof order[0]); i++)
		if (strcmp(order[i], effort) == 0)
			return i;
	return -1;
}

/* The configured effort moved to the nearest the successor offers (upstream maps it
 * so); NULL when none was configured: the successor's default then. */
static const char *mapped_effort(const struct app *a, const struct model_preset *p)
{
	const char *want = a->cfg ? a->cfg->model_reasoning_effort : NULL;
	const char *best = NULL;
	int rank, best_gap = 1 << 20;

	if (!want || (rank = effort_rank(want)) < 0 || !p->n_efforts)
		return want;
	for (size_t i = 0; i < p->n_efforts; i++) {
		int r = effort_rank(p->efforts[i].effort), gap = r < rank ? rank - r : r - rank;
		if (r >= 0 && gap < best_gap) {
			best_gap = gap;
			best = p->efforts[i].effort;
		}
	}
	return best ? best : want;
}

static void try_new_model(struct app *a)
{
	const struct model_preset *p = offered(a, a->migration_to);
	const char *persisted;
	struct err e;
	char msg[ERR_MSG_MAX + 64];

	if (!p)
		return;
	persisted = mapped_effort(a, p);
	if (models_switch(a, p->slug, persisted ? persisted : p->default_effort) < 0)
		return;
	err_clear(&e);
	if (models_persist(a, persisted, &e) < 0) {
		snprintf(msg, sizeof msg, "Failed to save model selection: %s", e.msg);
		app_error(a, msg);
	}
}

/* 1 try the new model, 2 keep the current one, 3 quit codex. */
static void answer(struct app *a, int choice)
{
	char *from = a->model ? strdup(a->model) : NULL;

	input_close_overlay(a);
	if (choice == 3) {
		a->quit = true;
		a->exit_code = 0;
	} else if (from) {
		record(a, from, a->migration_to);
		if (choice == 1)
			try_new_model(a);
	}
	free(from);
	finish(a);
	app_dirty(a);
}

void migration_key(struct app *a, const struct key *k)
{
	switch (k->kind) {
	case KEY_UP:
		a->migration_sel = 0;
		break;
	case KEY_DOWN:
		a->migration_sel = 1;
		break;
	case KEY_ENTER:
	case KEY_ESC:
		answer(a, a->migration_sel == 0 ? 1 : 2);
		return;
	case KEY_CHAR:
		if (k->cp == 'k')
			a->migration_sel = 0;
		else if (k->cp == 'j')
			a->migration_sel = 1;
		else if (k->cp == '1' || k->cp == '2') {
			answer(a, k->cp == '1' ? 1 : 2);
			return;
		}
		break;
	case KEY_CTRL:
		if (k->cp == 'c' || k->cp == 'd') {
			answer(a, 3);
			return;
		}
		break;
	default:
		break;
	}
	app_dirty(a);
}

static void push_wrapped(struct tui_rows *rows, const char *line, int width)
{
	(void)!tui_wrap(line, strlen(line), width, 2, rows);
}

void migration_rows(struct app *a, int width, struct tui_rows *rows)
{
	struct md_state st = {.first_line = false}; /* "  " before each line, no bullet */
	struct tui_rows md = {0};
	const char *p = a->migration_text ? a->migration_text : "";
	char line[256];

	(void)!tui_rows_push(rows, "", 0);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (md_line(&st, p, n, &md) < 0)
			break;
		p += n + (nl ? 1 : 0);
	}
	for (size_t i = 0; i < md.n; i++)
		push_wrapped(rows, md.v[i], width);
	tui_rows_free(&md);
	(void)!tui_rows_push(rows, "", 0);
	push_wrapped(rows, "  Choose how you'd like Codex to proceed.", width);
	(void)!tui_rows_push(rows, "", 0);
	snprintf(line, sizeof line, "%s1. Try new model",
		 a->migration_sel == 0 ? ST_CYAN "\xE2\x80\xBA " : "  ");
	push_wrapped(rows, line, width);
	snprintf(line, sizeof line, "%s2. Use existing model",
		 a->migration_sel == 1 ? ST_CYAN "\xE2\x80\xBA " : "  ");
	push_wrapped(rows, line, width);
	(void)!tui_rows_push(rows, "", 0);
	push_wrapped(rows, "  " ST_DIM "Use \xE2\x86\x91/\xE2\x86\x93 to move, press enter to confirm",
		     width);
}

int migration_run(struct app *a, struct err *e)
{
	if (!a->model || !a->agent)
		return 0;
	a->migration = MIGRATION_WAITING;
	if (loop_timer_arm(a->loop, &a->migration_timer, loop_now(a->loop) + MIGRATION_WAIT_MS,
			   wait_over) < 0 ||
	    models_fetch_startup(a) < 0) {
		finish(a);
		return 0;
	}
	if (app_run_until(a, answered, e) < 0)
		return -1;
	return a->quit ? 1 : 0;
}

void migration_free(struct app *a)
{
	strv_free(&a->migrations_seen);
	free(a->migration_to);
	free(a->migration_text);
	a->migration_to = a->migration_text = NULL;
}
