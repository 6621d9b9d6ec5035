/* Private to src/tui/: the application state shared by the event handler (app.c), the
 * drawing (draw.c), the keys (input.c), the slash commands (slash.c), the start-up
 * screens (start.c, login.c) and the backtrack view (backtrack.c). */
#ifndef CODEX_TUI_INTERNAL_H
#define CODEX_TUI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <cJSON.h>

#include "agent/agent.h"
#include "model/model.h"
#include "base/loop.h"
#include "tui/cells.h"
#include "tui/highlight.h"
#include "tui/composer.h"
#include "tui/keys.h"
#include "tui/mention_codec.h"
#include "tui/term.h"
#include "tui/text.h"
#include "tui/tui.h"

/* Frames are drawn at most this often while output streams in. */
#define TUI_FRAME_MS 16
/* A lone ESC is a key when nothing follows it within this time. */
#define TUI_ESC_WAIT_MS 30
#define TUI_MAX_RUNNING 64
#define TUI_MAX_APPROVALS 64
#define TUI_MAX_QUEUED 32
/* request_user_input calls waiting for the user (the core bounds each one's questions,
 * TUI_MAX_QUESTIONS bounds what this view keeps of them). */
#define TUI_MAX_USER_INPUTS 8
#define TUI_MAX_QUESTIONS 8
/* A note typed under an option ("tab to add notes"): a sentence or two. */
#define TUI_NOTE_MAX 1024
/* Prompt history recalled with Up: the newest entries of history.jsonl. */
#define TUI_HISTORY_MAX_ENTRIES 2000
#define TUI_HISTORY_MAX_BYTES (8u << 20)
/* The transcript (Ctrl+T) keeps this many lines at most (the oldest go first). */
#define TUI_TRANSCRIPT_MAX_LINES 200000
/* More than the experimental features /experimental offers. */
#define EXPERIMENTAL_MAX 8
/* Reviews shown at once in the status (upstream lists three and "+N more"); more are
 * counted but not named. */
#define TUI_MAX_REVIEWS 16
/* More than either list of known status line / title items. */
#define STATUSLINE_MAX_ITEMS 32

enum modal {
	MODAL_NONE,
	MODAL_APPROVAL,       /* the first of approvals[] */
	MODAL_SELECT,         /* a list: /model, /approvals */
	MODAL_PROMPT,         /* /rename's name prompt (thread.c) */
	MODAL_ITEMS,          /* /statusline, /title: items to toggle (statusline.c) */
	MODAL_FEATURES,       /* /experimental: features to toggle (experimental.c) */
	MODAL_SKILLS,         /* /skills' Enable/Disable Skills view (skills.c) */
	MODAL_THEME,          /* /theme's picker (theme_picker.c) */
	MODAL_USER_INPUT,     /* the model's request_user_input questions (user_input.c) */
	MODAL_PLUGINS,        /* /plugins: the list and a plugin's details (plugins.c) */
	MODAL_APPS            /* /apps: ChatGPT's apps and an app's page (apps.c) */
};

enum prompt_kind { PROMPT_RENAME, PROMPT_FEEDBACK };

enum overlay {
	OVERLAY_NONE,
	OVERLAY_PAGER,        /* transcript or /diff: rows in overlay_rows */
	OVERLAY_PICKER,       /* the resume picker */
	OVERLAY_MIGRATION     /* the start-up model migration prompt (model_migration.c) */
};

enum select_kind {
	SELECT_MODEL, SELECT_EFFORT, SELECT_APPROVALS, SELECT_PERSONALITY,
	SELECT_FEEDBACK, SELECT_FEEDBACK_LOGS, SELECT_SKILLS, SELECT_COLLAB, SELECT_IMPLEMENT,
	SELECT_AGENT, SELECT_NUDGE, SELECT_FULL_ACCESS
};

struct running_cmd {
	char *call_id;
	char *cmd;
	bool user_shell;               /* the user's `!cmd`: it outlives turns */
};

struct approval {
	enum agent_event_kind kind;
	cJSON *msg;           /* owned copy */
	struct agent *agent;  /* the thread that asks (a sub-agent's, or the main one) */
};

/* A thread the chat can show (agents.c): the main one first, then each sub-agent. */
#define TUI_MAX_THREADS (1 + AGENT_MAX_SUBAGENTS_TOTAL)
/* Events kept per thread to draw it again; the oldest go first. */
#define TUI_THREAD_EVENTS_MAX 20000
struct tui_thread {
	struct agent *agent;  /* borrowed from the main agent's tree */
	cJSON *events;        /* [{"kind", "id", "msg"}], owned */
	/* A thread a resumed session brought back: its rollout (owned) and how much of it
	 * was there then; drawn before the events, which are what came after. */
	char *history;
	size_t history_len;
};

/* A user message in the history, for backtrack: its text and where its lines are
 * among all lines committed (backtrack.c). */
struct user_cell {
	char *text;
	size_t line, n;
};

struct session_row {
	char *path;
	char *id;
	char *when;           /* "2026-12-05 06:44" */
	char *cwd;
	char *preview;
	long long mtime;
};

/* ratelimits.c: the latest usage-limit snapshot of a limit family (token_count's
 * rate_limits, the usage endpoint's answer) */
struct rl_window {
	bool set, has_minutes, has_reset;
	double used;                   /* percent of the window used */
	int64_t minutes, resets_at;    /* window length; reset time (unix seconds) */
};
struct rate_limits {
	bool have;                     /* a snapshot has come */
	time_t captured;
	char id[MODEL_RATE_LIMIT_ID_MAX + 1];     /* limit_id: "codex", "codex_other", ... */
	char name[MODEL_RATE_LIMIT_NAME_MAX + 1]; /* limit_name, "" when the server gave none */
	struct rl_window primary, secondary;
	bool credits_set, has_credits, unlimited;
	char balance[32];
	size_t warned_primary, warned_secondary; /* warning thresholds already said (codex) */
};
/* The families other than codex that /status shows; more are not kept. */
#define TUI_LIMIT_FAMILIES_MAX (MODEL_RATE_LIMIT_FAMILIES_MAX - 1)

/* A message typed while a turn runs (pending.c): its text with its mentions as links
 * (mention_codec.h), and its attached images: their paths and their labels in the
 * text ("[Image #1]"), same index. */
struct pending_msg {
	char *text;
	struct strv images, labels;
};

struct app {
	struct loop *loop;
	struct term term;
	struct keys keys;
	enum tui_color_level color;
	const struct tui_options *o;
	struct config *cfg;
	bool alt_allowed;

	struct agent *agent;           /* the thread shown: main_agent or a sub-agent */
	struct agent *main_agent;      /* owned */
	struct tui_thread threads[TUI_MAX_THREADS];
	size_t n_threads, active_thread;
	bool replaying;                /* a thread's events are being drawn again */
	bool echo_user;                /* the composer's message: its user_message is drawn */
	char *spawn_model, *spawn_effort; /* the last spawn_agent's request, for its cell */
	char *thread_id;
	char *model;
	char *effort;
	enum approval_policy approval;
	enum sandbox_mode sandbox;
	bool guardian_reviewer;        /* approvals_reviewer = "guardian_subagent" */

	/* History: lines committed but not yet written, and all of them for Ctrl+T. */
	struct tui_rows pending;
	struct tui_rows transcript;
	bool any_cell;
	size_t lines_total;            /* lines ever committed (pending ones included) */
	struct user_cell *users;       /* the user messages, oldest first */
	size_t n_users, cap_users;
	bool esc_armed;                /* Esc once on an idle empty composer */
	bool backtrack;                /* the pager is the backtrack view */
	bool in_transcript;            /* the pager is the transcript (Ctrl+T) */
	int bt_sel;                    /* its selected user message */

	/* The answer streaming in. */
	struct buf stream;
	struct md_state md;
	bool streamed;

	struct running_cmd running[TUI_MAX_RUNNING];
	size_t n_running;
	cJSON *patch_changes;          /* of the patch being applied */

	bool busy;
	uint64_t turn_started_ms;
	char *status_header;
	/* The session's MCP servers still starting (mcp_startup.c), how many started in
	 * this round, and since when. */
	struct strv mcp_starting;
	size_t mcp_round;
	uint64_t mcp_started_ms;
	struct strv mcp_held;          /* its warnings before the first session card */
	bool card_shown;               /* the first session card is drawn */
	/* Automatic approval reviews in flight (guardian.c): the status line then reads
	 * "Reviewing approval request" with what is reviewed below it. */
	struct { char *id, *detail; } reviews[TUI_MAX_REVIEWS];
	size_t n_reviews;
	char *status_detail;           /* lines under the status line, or NULL */
	struct pending_msg queued[TUI_MAX_QUEUED]; /* Tab: follow-ups for after the turn */
	size_t n_queued;
	struct pending_msg steers[TUI_MAX_QUEUED]; /* Enter: sent into the running turn,
						    * not yet seen in its history */
	size_t n_steers;
	char *thread_name;             /* /rename's, or NULL */
	char prompt[4 * AGENT_THREAD_NAME_MAX + 1]; /* MODAL_PROMPT's text */
	enum prompt_kind prompt_kind;  /* what MODAL_PROMPT asks for */
	int feedback_category;         /* /feedback's choices so far (feedback.c) */
	bool feedback_logs;

	struct composer comp;
	const char *placeholder;
	struct tui_rows hist;          /* prompt history, oldest first */
	long hist_pos;                 /* index being shown, -1 = editing */
	char *hint;                    /* transient footer text */
	bool shortcuts;                /* the `?` overlay of key hints is shown */
	struct tui_rows files;         /* the cwd's files for the `@` popup (relative paths) */
	bool files_listed;
	int at_sel;                    /* `@` popup selection */
	int popup_sel;                 /* slash popup selection */
	int skill_sel;                 /* `$` popup selection (skills.c) */
	bool skill_dismissed;          /* Esc closed the `$` popup for the token */
	/* `$name` the popup inserted for a plugin, and its "plugin://<id>" (pairs, same
	 * index): sent as structured mentions when the text still holds the `$name`. */
	struct strv mention_names, mention_paths;
	bool *skills_initial;          /* MODAL_SKILLS: each skill's state when it opened */
	char skills_query[128];        /* MODAL_SKILLS: the search typed */
	struct agent_plugins plugins;  /* MODAL_PLUGINS: what the marketplaces offer */
	char plugins_query[128];       /* MODAL_PLUGINS: the search typed */
	int plugins_detail;            /* MODAL_PLUGINS: -1 the list, else the plugin shown */
	struct agent_apps apps;        /* MODAL_APPS: the directory and the installed apps */
	char apps_query[128];          /* MODAL_APPS: the search typed */
	int apps_detail;               /* MODAL_APPS: -1 the list, else the app shown */
	bool apps_confirm;             /* MODAL_APPS: the "Finish App Setup" screen */
	bool apps_loading;             /* MODAL_APPS: "Loading apps..." until the list comes */
	/* The apps list as upstream's connectors cache: none yet, being fetched, fetched (or
	 * the installed apps alone when the directory failed), failed (apps_error). */
	enum { APPS_NONE, APPS_FETCHING, APPS_READY, APPS_FAILED } apps_load;
	bool apps_refetch;             /* a forced fetch was asked while one ran */
	char apps_error[ERR_MSG_MAX + 32];

	enum modal modal;
	struct approval approvals[TUI_MAX_APPROVALS];
	size_t n_approvals;
	int modal_sel;
	enum select_kind select_kind;
	char *picked_model;            /* /model's first step, for the effort step */
	int picked_preset;             /* its index in the catalog */
	struct model_catalog *catalog; /* /model's list, once fetched (models.c) */
	bool catalog_fetching;         /* the fetch is in flight */
	bool model_pending;            /* /model waits for it to open the picker */
	struct tui_rows select_items;

	enum overlay overlay;
	struct tui_rows overlay_rows;
	char *overlay_title;
	size_t overlay_top;
	struct session_row *sessions;
	size_t n_sessions;
	int picker_sel;
	struct buf picker_query;
	int picker_result;             /* 0 running, 1 resume, 2 new, 3 quit */
	struct strv status_items;      /* [tui] status_line, in order */
	struct strv title_items;       /* [tui] terminal_title */
	char *title_shown;             /* the terminal title last set, or NULL */
	char *project_root;            /* the cwd's, once looked up (statusline.c) */
	bool items_title;              /* MODAL_ITEMS edits the title's (else the status line's) */
	bool picker_on[STATUSLINE_MAX_ITEMS]; /* MODAL_ITEMS: which select_items are chosen */
	bool picker_in_app;            /* opened by /resume over a running chat */
	char *last_answer;             /* the latest agent message, for /copy */
	struct theme_list themes;      /* MODAL_THEME's list */
	struct theme theme_saved;      /* the theme when it opened, for Esc */
	char theme_query[THEME_NAME_MAX + 1]; /* its filter */
	char *theme_name;              /* [tui] theme as configured or last chosen, or NULL */
	char *theme_warning;           /* a bad [tui] theme, told after the header card */

	/* Collaboration modes (collab.c). */
	enum agent_mode mode;          /* of the next turn */
	bool turn_plan;                /* the running (or last) turn is in Plan mode */
	bool in_plan;                  /* inside its <proposed_plan> block */
	bool saw_plan;                 /* the turn proposed a plan */
	/* request_user_input (user_input.c): the requests waiting, the first shown. */
	cJSON *ui_reqs[TUI_MAX_USER_INPUTS];
	size_t n_ui_reqs;
	int ui_q;                      /* the question shown */
	int ui_choice[TUI_MAX_QUESTIONS]; /* its option per question, -1 = unanswered */
	char ui_notes[TUI_MAX_QUESTIONS][TUI_NOTE_MAX]; /* the notes typed per question */
	bool ui_notes_on;              /* the shown question's notes line has the keys */

	int live_cursor_row;           /* rows from the live area's top to the cursor */
	bool live_drawn;
	bool dirty;
	bool resized;
	struct loop_timer frame_timer, esc_timer, tick_timer;
	struct loop_timer followup_timer; /* sends the queued follow-ups (pending.c) */
	int sigfd;

	int64_t total_tokens, input_tokens, cached_tokens, output_tokens, reasoning_tokens;
	int64_t last_tokens, context_window;
	struct rate_limits limits;     /* the codex family: warnings, status line, nudge */
	struct rate_limits limit_families[TUI_LIMIT_FAMILIES_MAX]; /* the others, by id */
	size_t n_limit_families;
	bool limits_refreshing;        /* the backend is being asked (ratelimits.c) */
	enum { NUDGE_IDLE, NUDGE_PENDING, NUDGE_SHOWN } nudge; /* model_nudge.c */
	bool nudge_hidden;             /* [notice] hide_rate_limit_model_nudge */
	bool full_access_warning_hidden; /* [notice] hide_full_access_warning, or asked */
	/* model_migration.c: waiting for the start-up catalog, asking, or done */
	enum { MIGRATION_DONE, MIGRATION_WAITING, MIGRATION_ASKING } migration;
	struct strv migrations_seen;   /* [notice.model_migrations]: from, to pairs */
	char *migration_to;            /* the successor the prompt offers */
	char *migration_text;          /* its text (Markdown) */
	int migration_sel;             /* 0 try the new model, 1 keep the current one */
	struct loop_timer migration_timer; /* the start-up wait's bound */
	bool status_waiting;           /* /status waits for that answer */
	struct loop_timer status_timer; /* ... at most this long */
	bool focused;
	bool notifications;            /* [tui] notifications (true, or a list of types) */
	bool show_tooltips;            /* [tui] show_tooltips: a tip under the session card */
	bool first_run;                /* the trust screen was answered: "To get started" */
	struct strv notification_types;
	bool quit;
	int exit_code;

	/* /experimental (experimental.c) and what its features do */
	bool prevent_sleep;            /* features.prevent_idle_sleep */
	pid_t inhibit_pid;             /* the sleep inhibitor's holder, or <= 0 */
	int inhibit_fd;                /* the write end of its lifeline (sleep_inhibit.c) */
	bool feature_on[EXPERIMENTAL_MAX]; /* MODAL_FEATURES: the choices being made */
	bool feature_saved[EXPERIMENTAL_MAX]; /* the other features' saved states */
};

/* Cells shown live and again when a session is resumed (its rollout keeps the events). */
#define TUI_INTERRUPTED                                                                   \
	"Conversation interrupted - tell the model what to do differently. Something went " \
	"wrong? Hit `/feedback` to report the issue."
#define TUI_COMPACTED "Context compacted"

/* app.c */
void app_commit(struct app *a, const struct tui_rows *cell);
void app_commit_line(struct app *a, const char *styled);
void app_dirty(struct app *a);
/* An error cell with msg, committed to the history. */
void app_error(struct app *a, const char *msg);
void app_warning(struct app *a, const char *msg);
/* The status indicator's clock ticks (once a second) while a turn runs or MCP servers
 * start. */
void app_tick_start(struct app *a);
/* Runs the loop until done says so (or the user quits). */
int app_run_until(struct app *a, bool (*done)(struct app *), struct err *e);
/* Up/Down in a list of n choices (a modal's, a picker's): the selection moves, wrapping. */
void modal_move(struct app *a, const struct key *k, int n);
/* The keys every list modal shares: Up/Down move the selection, Esc and Ctrl+C close
 * the modal. What is left for the caller: '\r' for Enter, an ASCII key's character
 * (' ' toggles, digits pick), else 0. */
int modal_list_key(struct app *a, const struct key *k, int n);
/* Erases the live area (composer, footer) before the terminal is lent to another
 * program; the next frame draws it again. */
void app_erase_live(struct app *a);
int app_start_agent(struct app *a, const char *resume_path, struct err *e);
/* The same for a fork of the rollout at fork_path (resume_path NULL). */
int app_start_agent_from(struct app *a, const char *resume_path, const char *fork_path,
			 struct err *e);
void app_stop_agent(struct app *a);
void app_submit(struct app *a, const char *display, const char *text);
/* The same with images attached in the composer (paths; NULL = none). The first turn
 * carries the -i images instead. */
void app_submit_images(struct app *a, const char *display, const char *text,
		       const struct strv *images);
/* The same for a message from the composer (or the queue), whose display and text hold
 * their bound mentions as links (mention_codec.h): the turn gets the visible text and
 * the mentions, history.jsonl and Up the linked text, Esc-Esc the linked display. */
void app_submit_message(struct app *a, const char *display, const char *text,
			const struct strv *images);
void app_header_card(struct app *a);
/* tips.c: under the session card, "To get started" on a first run, else a tip. */
void tips_after_header(struct app *a);
/* mcp_startup.c: the session's MCP start-up events (warnings, the status indicator);
 * whether servers are still starting; the indicator's header then (false: none). */
void mcp_startup_update(struct app *a, const struct agent_event *ev);
void mcp_startup_complete(struct app *a, const struct agent_event *ev);
void mcp_startup_reset(struct app *a);
void mcp_startup_card_shown(struct app *a);
bool mcp_startup_running(const struct app *a);
bool mcp_startup_header(const struct app *a, char *out, size_t n);
/* lines in a rounded box whose inside is inner columns wide (longer lines are cut),
 * appended to out. */
void tui_card(const struct tui_rows *lines, int inner, struct tui_rows *out);
/* A whole agent message into the history, a proposed plan as its cell. */
void app_message(struct app *a, const char *msg);
void app_notify(struct app *a, const char *kind, const char *message);

/* Draws one event of the thread shown (app.c's handler, agents.c's replays). */
void app_render_event(struct app *a, const struct agent_event *ev);
/* Clears the screen and the drawing state of the thread shown (a switch of threads). */
void app_reset_view(struct app *a);

/* agents.c: sub-agents (multi_agent) */
/* Records an event of a known thread; true when it is to be drawn now (the thread is
 * shown, or it is an approval). */
bool agents_event(struct app *a, const struct agent_event *ev);
/* The subscriber's on_subagent: a new thread. */
void agents_on_subagent(void *arg, struct agent *parent, struct agent *child);
/* After a session was resumed from resume_path (its conversation drawn): its
 * sub-agents come back (agent_resume_subagents) and /agent lists them; switching to
 * one, or back to the main thread, draws its history from its rollout first. */
void agents_resumed(struct app *a, const char *resume_path);
void agents_free(struct app *a);
/* "Main [default]", "Euclid [explorer]", ...: upstream's label of a thread. */
void agents_label(const struct app *a, const struct agent *agent, char *out, size_t n);
/* /agent: the picker of threads; choosing one switches to it. */
void agents_open_picker(struct app *a);
void agents_switch(struct app *a, size_t idx);

/* draw.c */
void draw_frame(struct app *a);
/* path with the home directory as "~", malloc'ed. */
char *tui_home_short(const char *path);
/* The host of a network approval (an exec approval request with a
 * network_approval_context: the proxy blocked a request to it), or NULL. Borrowed. */
const char *approval_network_host(const struct approval *ap);
void draw_reset_live(struct app *a);

/* user_shell.c */
/* text starting with '!' runs as a local shell command (or shows the hint for a bare
 * `!`): true when it was such a text. */
bool user_shell_submit(struct app *a, const char *text);
/* Whether a `!cmd` of the user is running (Esc and Ctrl+C then interrupt it). */
bool user_shell_running_in(const struct app *a);

/* input.c */
void input_key(void *arg, const struct key *k);
/* Opens rows (taken) in the full-screen pager. */
void input_open_pager(struct app *a, const char *title, struct tui_rows *rows);

void input_close_overlay(struct app *a);

/* backtrack.c */
/* The user cell just committed (its n_lines are the last committed lines). */
void backtrack_note_user(struct app *a, const char *text, size_t n_lines);
void backtrack_forget(struct app *a);
/* Esc on an idle, empty composer: the hint first, then the backtrack view. */
void backtrack_esc(struct app *a);
void backtrack_key(struct app *a, const struct key *k);
/* Esc in the transcript (Ctrl+T), as upstream's overlay: the same view begins the
 * backtrack preview at the latest user message; false when there is none to pick. */
bool backtrack_begin_in_transcript(struct app *a);
/* A resumed thread_rolled_back: its last n user cells and what follows them go. */
void backtrack_drop_turns(struct app *a, size_t n);

/* slash.c */
struct slash_cmd {
	const char *name;
	const char *desc;
	bool hidden;
	bool idle_only;
	const char *feature;  /* offered only with this [features] key on (on by default) */
};
extern const struct slash_cmd slash_cmds[];
/* Commands matching the composer's "/prefix" (max 8), for the popup. */
size_t slash_matches(const struct app *a, const char *text, const struct slash_cmd **out,
		     size_t max);
/* Runs "/name args"; true when the text was a command. */
bool slash_run(struct app *a, const char *text);
void select_choose(struct app *a, int idx);
/* A row of the MODAL_SELECT list: name, marker (" (current)" or ""), then the
 * description dimmed; model texts are shown inert. */
void select_push(struct app *a, const char *name, const char *marker, const char *desc);

/* pending.c: messages typed while a turn runs (reference codex-tui.md §4, §5.1) */
/* Enter (queue false) steers the text into the running turn, Tab (queue true) keeps it
 * for after the turn; a steer the core refuses (a compaction runs) is queued. text holds
 * its mentions as links (mention_codec.h), images and labels its attached images
 * (composer_image_pairs); all stay with it until it is sent. */
void pending_submit(struct app *a, const char *text, const struct strv *images,
		    const struct strv *labels, bool queue);
/* Alt+Up / Shift+Left with queued follow-ups: the last one back into the composer.
 * True when the key was taken. */
bool pending_key(struct app *a, const struct key *k);
/* The preview above the composer. */
void pending_rows(struct app *a, struct tui_rows *rows, int width);
/* A user_message event: a steer the turn has now sent is shown as a user cell. */
void pending_user_message(struct app *a, const char *message);
/* The turn is over: steers it never sent, then the queued follow-ups, go as the next
 * turn. */
void pending_turn_over(struct app *a);
void pending_free(struct app *a);

/* thread.c: /rename and /fork */
void thread_rename(struct app *a, const char *args);
void thread_prompt_key(struct app *a, const struct key *k);
void thread_prompt_rows(struct app *a, struct tui_rows *rows, int width, int *cur_row,
			int *cur_col);
void thread_fork(struct app *a);
/* "codex resume <name or id>" (shell-quoted), malloc'ed. */
char *thread_resume_command(const struct app *a);

/* net_choices.c: a network approval's options, from its available_decisions */
enum net_choice {
	NET_CHOICE_ONCE, NET_CHOICE_SESSION, NET_CHOICE_ALLOW_RULE, NET_CHOICE_DENY_RULE,
	NET_CHOICE_ABORT, NET_CHOICE_COUNT
};
size_t net_choices(const struct approval *ap, enum net_choice out[NET_CHOICE_COUNT]);
bool net_choice_offered(const struct approval *ap, enum net_choice c);
const char *net_choice_label(enum net_choice c);
/* Answers the first approval (a network one) with allow / block in the future. */
void net_rule_choose(struct app *a, bool allow);

/* mcp_choices.c: an MCP tool call's approval form, from its _meta.persist */
enum mcp_choice {
	MCP_CHOICE_ALLOW, MCP_CHOICE_SESSION, MCP_CHOICE_ALWAYS, MCP_CHOICE_CANCEL,
	MCP_CHOICE_COUNT
};
size_t mcp_choices(const struct approval *ap, enum mcp_choice out[MCP_CHOICE_COUNT]);
const char *mcp_choice_label(enum mcp_choice c);
/* Answers the first approval (an MCP tool call) with "Always allow". */
void mcp_always_choose(struct app *a);

/* account.c: who is signed in (the display text into out) */
enum tui_account { TUI_ACCOUNT_NONE, TUI_ACCOUNT_API_KEY, TUI_ACCOUNT_CHATGPT };
enum tui_account tui_account(const struct app *a, char *out, size_t n);

/* status_card.c: /status */
void status_card(struct app *a);

/* ratelimits.c. The /status card's rows come through field(): a label, its value and
 * what may follow on the same line when it fits ("(resets 09:25)"), else on the next. */
struct rl_card {
	void (*field)(void *arg, const char *label, const char *value, const char *tail);
	void *arg;
};
void ratelimits_update(struct app *a, const cJSON *snapshot);
/* Signed in with ChatGPT: asks the backend for the limits (true while that runs). */
bool ratelimits_refresh(struct app *a);
/* /status: the card, once the limits asked for have come (bounded wait). */
void ratelimits_status(struct app *a);
/* The agent (and so its fetch) is gone. */
void ratelimits_forget_fetch(struct app *a);
void ratelimits_card(const struct app *a, struct rl_card *c);
/* "5h 72%" / "weekly 82%": what is left of a window, false when none is known. */
bool ratelimits_statusline(const struct app *a, bool primary, char *out, size_t n);
void ratelimits_window_name(const struct rl_window *w, bool primary, char *out, size_t n);

/* feedback.c: /feedback, its steps, the report saved under $CODEX_HOME/feedback */
void feedback_open(struct app *a);
void feedback_choose(struct app *a, int idx);
/* The note step's title ("Tell us more (bug)") into out, and its hint. */
const char *feedback_note_title(const struct app *a, char *out, size_t n, const char **hint);
void feedback_submit(struct app *a, const char *note);

/* experimental.c: /experimental */
/* The features' state from config (at start). */
/* ---- guardian.c: automatic approval reviews (guardian_assessment events) ---- */
void guardian_on_assessment(struct app *a, const cJSON *m);
/* The turn is over: no review is in flight any more. */
void guardian_reviews_clear(struct app *a);
void experimental_load(struct app *a);
void experimental_open(struct app *a);
void experimental_rows(struct app *a, struct tui_rows *rows, int width);
void experimental_key(struct app *a, const struct key *k);
/* Whether the feature (a [features] key /experimental lists) is on now. */
bool experimental_enabled(struct app *a, const char *key);

/* ---- permissions.c: /permissions (/approvals), upstream's "Update Model Permissions" */
struct toml_value;
/* [notice] hide_full_access_warning from config.toml at start. */
void permissions_load(struct app *a, const struct toml_value *root);
void permissions_open(struct app *a);
void permissions_choose(struct app *a, int idx);
/* The answer to "Enable full access?": continue, continue and don't ask again, cancel. */
void permissions_confirm_choose(struct app *a, int idx);
/* approvals_reviewer saved for the next sessions: in config.toml (the profile's table
 * when one is selected, as upstream) and the loaded configuration, so /new keeps it.
 * value: "user", "guardian_subagent", or NULL to remove the key. The running session is
 * the caller's (agent_override). */
int permissions_save_reviewer(struct app *a, const char *value, struct err *e);

/* sleep_inhibit.c: features.prevent_idle_sleep */
/* Holds the inhibitor while a turn runs with the feature on, releases it otherwise;
 * called whenever either changes. */
void sleep_inhibit_sync(struct app *a);

/* prefs.c: /fast and /personality */
/* /fast [on|off|status]: Fast mode toggled, set or shown. */
void prefs_fast(struct app *a, const char *args);
/* True when requests go out with Fast mode's service tier. */
bool prefs_fast_on(const struct app *a);
void prefs_personality_open(struct app *a);
void prefs_personality_choose(struct app *a, int idx);

/* config_write.c: a choice written to config.toml */
/* key = value (TOML text; NULL removes the key) in table ("" the root, "tui", ...). */
int tui_config_set(const struct app *a, const char *table, const char *key, const char *value,
		   struct err *e);
/* The same for a root setting of the model (model, service_tier, personality): in the
 * selected profile's table when there is one, as upstream. */
int tui_config_set_model_key(const struct app *a, const char *key, const char *value,
			     struct err *e);
/* " for <name> profile" when a profile is selected, else "" (out holds it). */
const char *tui_profile_suffix(const struct app *a, char *out, size_t n);

/* temp_file.c: name (e.g. "codex-draft-XXXXXX.md": XXXXXX then the suffix) made unique
 * in $TMPDIR (else /tmp), 0600, holding data; its path (malloc'ed), or NULL with e. */
char *tui_temp_file(const char *name, const void *data, size_t n, struct err *e);

/* editor.c: Ctrl+G, the draft edited in $VISUAL / $EDITOR */
void edit_in_editor(struct app *a);

/* paste_image.c: Ctrl+V / Alt+V, an image from the system clipboard attached */
void paste_image(struct app *a);

/* models.c: /model's two steps */
void models_open(struct app *a);
/* Asks for the catalog (one request at a time); -1 with an error cell when it cannot. */
int models_fetch(struct app *a);
/* The same as the session starts (agent_startup_models: no request unless signed in
 * with ChatGPT). */
int models_fetch_startup(struct app *a);
/* The session (agent_override) and the footer on model with effort (NULL: the one it
 * has); -1 with an error cell when the agent refuses. */
int models_switch(struct app *a, const char *model, const char *effort);
/* model (and effort; NULL: the key removed) kept in config.toml, in the profile's table
 * when one is selected. */
int models_persist(const struct app *a, const char *effort, struct err *e);
void models_choose(struct app *a, int idx);
void models_free(struct app *a);

/* model_nudge.c: the "Approaching rate limits" prompt, offering this model */
#define TUI_NUDGE_MODEL "gpt-5.1-codex-mini"
struct toml_value;
void nudge_load(struct app *a, const struct toml_value *root);
/* After a snapshot: a window 90 % used makes the prompt pending. */
void nudge_check(struct app *a);
/* At a turn's end (and when the catalog comes): the pending prompt opens. */
void nudge_maybe_show(struct app *a);
void nudge_choose(struct app *a, int idx);

/* model_migration.c: upstream's start-up prompt to move to a model's successor
 * ("Introducing GPT-5.4", 1. Try new model / 2. Use existing model). */
void migration_load(struct app *a, const struct toml_value *root);
/* Waits (bounded) for the start-up catalog and asks when the model has a successor the
 * user has not answered for; 1 when the user quit from the prompt. */
int migration_run(struct app *a, struct err *e);
/* The catalog came (models.c). */
void migration_catalog(struct app *a);
void migration_rows(struct app *a, int width, struct tui_rows *rows);
void migration_key(struct app *a, const struct key *k);
void migration_free(struct app *a);

/* files.c */
void files_list(struct app *a);
/* The best matches of q (at most max, at most 8), borrowed from a->files. */
size_t files_match(struct app *a, const char *q, const char **out, size_t max);
/* The `@token` ending at the cursor: its start (the '@') and length. */
bool files_at_token(const struct composer *c, size_t *start, size_t *len);

/* skills.c: the `$` popup, /skills and its Enable/Disable Skills view */
/* The `$token` ending at the cursor: its start (the '$') and length. */
bool skills_token(const struct app *a, size_t *start, size_t *len);
void skills_popup_rows(struct app *a, struct tui_rows *rows, int width);
/* Up/Down/Tab/Enter/Esc while the popup is open; true when the key was taken. */
bool skills_popup_key(struct app *a, const struct key *k);
/* The plugin mentions bound in the composer whose `$name` text still holds, into paths;
 * the bindings are cleared (a submit uses them up). */
void skills_take_mentions(struct app *a, const char *text, struct strv *paths);
/* text with the composer's bindings written in as links (mention_codec.h); malloc'ed,
 * NULL when out of memory. The bindings stay. */
char *skills_link_mentions(const struct app *a, const char *text);
void skills_clear_mentions(struct app *a);
/* Puts a linked message (a recalled or edited one) into the composer: its visible text,
 * with its links as the composer's bindings (replacing the old ones). -1 when out of
 * memory (the composer is then empty). */
int skills_set_draft(struct app *a, const char *linked);
void skills_open_menu(struct app *a);
void skills_menu_choose(struct app *a, int idx);
void skills_toggle_rows(struct app *a, struct tui_rows *rows, int width);
void skills_toggle_key(struct app *a, const struct key *k);
/* Warning cells for the SKILL.md files the session refused (upstream's wording). */
void skills_warn_errors(struct app *a);

/* plugins.c: /plugins (the marketplaces' plugins, a plugin's details, install/uninstall) */
void plugins_open(struct app *a);
void plugins_rows(struct app *a, struct tui_rows *rows, int width);
void plugins_key(struct app *a, const struct key *k);
void plugins_close(struct app *a);
/* apps.c: /apps (ChatGPT's apps for a ChatGPT sign-in, an app's page, enable/disable) */
void apps_open(struct app *a);
void apps_rows(struct app *a, struct tui_rows *rows, int width);
void apps_key(struct app *a, const struct key *k);
void apps_close(struct app *a);
/* Fetches the apps list behind (at start-up unforced: a fresh cached list is used);
 * an open /apps follows the answer. */
void apps_prefetch(struct app *a, bool force);
/* The session's MCP servers are up: an open list shows which apps are installed. */
void apps_servers_ready(struct app *a);
/* The session ended: its fetch went with it. */
void apps_forget_fetch(struct app *a);

/* session.c: replacing the chat's session (/new, /clear, /resume) */
/* Ends the current session and starts a fresh one, or resumes the rollout at
 * resume_path, its history rendered under a new header card. On failure the app quits
 * with status 1 (there is no session left to go back to). */
void session_restart(struct app *a, const char *resume_path);
/* Clears the screen and its scrollback (Ctrl+L, /clear). */
void session_clear_screen(struct app *a);
/* /resume: the resume picker over the chat; its choice replaces the session, Esc and
 * Ctrl+C go back to the current one. */
void session_open_picker(struct app *a);
/* The in-app picker's key handler set picker_result: act on it. */
void session_picker_done(struct app *a);
/* The picker's choice (its row among those the query matches): the session's rollout
 * path, borrowed from a->sessions, or NULL. */
const char *session_picked_path(const struct app *a);

/* statusline.c: [tui] status_line and terminal_title, /statusline and /title */
struct toml_value;
/* The lists from config.toml's [tui] table (NULL: the defaults). */
void statusline_load(struct app *a, const struct toml_value *tui);
/* The footer's status line into out; false when it has no items (the footer then shows
 * the context left instead). */
bool statusline_text(struct app *a, char *out, size_t n);
/* Upstream's context-left percentage (codex-tui.md §4). */
int statusline_context_left(const struct app *a);
/* Sets the terminal title (OSC 0) when its text changed. */
void statusline_title(struct app *a);
void statusline_open(struct app *a, bool title);
void statusline_rows(struct app *a, struct tui_rows *rows, int width);
void statusline_key(struct app *a, const struct key *k);

/* theme_picker.c: [tui] theme and /theme */
/* Applies [tui] theme (a bad one leaves the adaptive default and a warning). */
void theme_startup(struct app *a);
/* Commits that warning, if any, to the history. */
void theme_startup_warning(struct app *a);
void theme_open(struct app *a);
void theme_rows(struct app *a, struct tui_rows *rows, int width);
void theme_key(struct app *a, const struct key *k);
void theme_free(struct app *a);
/* collab.c: collaboration modes (reference codex-tui.md §5, §9) */
/* The mode of the next turn, and the agent's; "Plan" / "Default" in the footer. */
void collab_set_mode(struct app *a, enum agent_mode m);
/* Shift+Tab: the next mode in upstream's order (Plan, Default). */
void collab_cycle(struct app *a);
/* /plan [text], /collab. */
void collab_plan_command(struct app *a, const char *args);
void collab_open_picker(struct app *a);
void collab_choose(struct app *a, int idx);
/* The footer's right side ("? for shortcuts · Plan mode (shift+tab to cycle)"), shorter
 * at each level (0, 1, 2) for narrow rows. */
void collab_footer(const struct app *a, int level, char *out, size_t n);
/* A line of the answer in a Plan-mode turn: the <proposed_plan> tags open and close the
 * plan cell, its lines are indented into cell. False: an ordinary line. */
bool collab_plan_line(struct app *a, const char *s, size_t n, struct tui_rows *cell);
/* The turn is over: after a proposed plan, the "Implement this plan?" prompt. */
void collab_turn_over(struct app *a);

/* user_input.c: the model's questions (request_user_input) */
void user_input_request(struct app *a, const cJSON *msg);
void user_input_rows(struct app *a, struct tui_rows *rows, int width);
void user_input_key(struct app *a, const struct key *k);
/* Drops every request (the turn ended: the core answered them "aborted"). */
void user_input_clear(struct app *a);

/* clipboard.c: /copy */
void clipboard_copy_last(struct app *a);

/* terminals.c: /ps and /stop */
void terminals_list(struct app *a);
void terminals_stop(struct app *a);

/* start.c */
/* login.c: the login screen when the provider needs OpenAI credentials and there are
 * none: 0 go on (signed in), 1 quit. */
int start_login(struct app *a, struct err *e);
/* The trust screen when the project has no trust_level: 0 go on, 1 quit. */
int start_trust(struct app *a, struct err *e);
/* One wait of a start-up screen (trust, login), which runs before the chat's loop:
 * keys go to on_key, a resize updates the size (the caller redraws), a termination
 * signal sets a->quit and the exit code 128+signo, as in the chat. extra_fd (or -1) is
 * the screen's own descriptor. 1 when extra_fd is readable, 0 after keys or signals,
 * -1 when the terminal is gone or polling fails. */
int start_screen_wait(struct app *a, int extra_fd,
		      void (*on_key)(void *arg, const struct key *k), void *arg);
/* Lists past sessions (newest first) for the picker. */
int start_list_sessions(struct app *a, struct err *e);
void start_free_sessions(struct app *a);
/* Renders a resumed rollout's conversation into the history. */
void start_render_rollout(struct app *a, const char *path);
/* The same, of the first upto bytes of the file (what it held at some point). */
void start_render_rollout_upto(struct app *a, const char *path, size_t upto);
/* Loads history.jsonl's texts into a->hist. */
void start_load_history(struct app *a);
/* The project's root for trust: the enclosing git repository's, else cwd. Malloc'ed. */
char *start_project_root(const char *cwd);

#endif
