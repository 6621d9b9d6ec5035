/* Private to src/agent/: the session, the turn and the tool-call records every file of
 * the agent shares. The public side is agent.h.
 *
 *   session.c     agent_new/free, ops, subscribers
 *   credentials.c which credential the model requests carry; ChatGPT refresh
 *   events.c      EventMsg objects and their delivery
 *   turn.c        the turn loop: model request -> items -> tool calls -> again
 *   compact.c     /compact: the summary turn and the history it leaves
 *   rollback.c    dropping the last turns (backtrack)
 *   user_input.c  the user's message: a new turn, or steered into the running one
 *   user_shell_run.c commands the user runs themselves (`!cmd`) and their records
 *   fork.c        a new thread from an old one's rollout
 *   thread_name.c naming the thread (/rename) and the session index
 *   approval.c    whether a command or a patch may run, asks, or is refused
 *   output.c      what the model reads of a command's output (format, truncation)
 *   proc.c        a sandboxed command on the loop
 *   instructions.c the base prompt
 *   tools/        one file per tool, spec.c declares them all */
#ifndef CODEX_AGENT_INTERNAL_H
#define CODEX_AGENT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "agent/agent.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/uuid.h"
#include "model/model.h"
#include "sandbox/sandbox.h"

/* Model requests in one turn before the agent gives up on a model that never stops
 * calling tools: real tasks take tens; this bounds a loop's cost. */
#define AGENT_MAX_REQUESTS_PER_TURN 400
/* Tool calls in one model response that are run; more are answered with an error. */
#define AGENT_MAX_CALLS_PER_RESPONSE 64
/* A tool's arguments (function) or input (custom) longer than this are refused: the
 * largest legitimate ones are patches, capped by LIMIT_PATCH_BYTES anyway. */
#define AGENT_MAX_TOOL_ARGS_BYTES (64u * 1024 * 1024)
/* Steered messages waiting for the turn's next model request: a user types them, so a
 * few at most; the cap only bounds a front end gone wrong. */
#define AGENT_MAX_PENDING_INPUT 64
/* request_user_input: upstream's schema asks for one to three questions of two or three
 * options; a little room above that, and no more, keeps the front end's view bounded
 * (the messages in collab.c name these numbers). */
#define AGENT_MAX_USER_QUESTIONS 3
#define AGENT_MAX_USER_OPTIONS 8

struct tool_call;
struct uexec;
struct rollout_writer;
struct net_gate;
struct net_question;

/* ---- net_approval.c: the session's network decisions ----
 * Keyed by upstream's approval id "network#PROTO#HOST#PORT" (host in lower case): a
 * decision is for that host, protocol and port only. */
struct net_cache {
	struct strv allowed, denied;
};
enum net_cached { NET_UNKNOWN, NET_ALLOWED, NET_DENIED };
/* -1 when it does not fit in cap. */
int net_key(const char *protocol, const char *host, unsigned port, char *out, size_t cap);
enum net_cached net_cache_get(const struct net_cache *c, const char *key);
/* Records a decision (a later one for the same key replaces the earlier). */
int net_cache_put(struct net_cache *c, const char *key, bool allow);
void net_cache_free(struct net_cache *c);

struct turn {
	struct agent *a;
	char id[24];                    /* the submission id events carry */
	struct model_stream *stream;    /* NULL between requests */
	cJSON *response;                /* items of the current response, in order */
	struct tool_call **calls;       /* the response's tool calls, in order */
	size_t n_calls, n_pending;
	struct tool_call **nested;      /* calls the tools made (js_repl's codex.tool),
					 * freed with the response's calls */
	size_t n_nested, cap_nested;
	cJSON *extra_input;             /* items to add after the outputs (view_image) */
	cJSON *pending_input;           /* steered user messages not yet in the history:
					 * [{"item": message, "event": user_message}] */
	char *last_agent_message;
	struct model_usage usage;       /* summed over the turn's requests */
	struct model_usage last_usage;
	int requests;
	char uuid[UUID_STR_LEN + 1];     /* the turn_id of x-codex-turn-metadata */
	char *metadata;                 /* that header's JSON, built at the turn's start */
	cJSON *rate_limits;             /* this response's rate-limit snapshot, or NULL */
	struct turn_diff *diff;         /* files the turn's patches touched, or NULL */
	bool failed, aborting, finished;
	bool waiting_mcp;               /* the first request waits for MCP startup */
	bool compact;                   /* a compaction (compact.c), not a user turn */
	cJSON *compact_input;           /* its request's input, built once */
	struct loop_timer next;         /* starts the next request from a fresh stack */
};

/* A tool call being run. The tool calls tool_call_finish exactly once (possibly from
 * inside its start function); `cancel`, when set, is called on interrupt and must
 * finish the call (with "aborted") before it returns. */
enum tool_call_kind { TOOL_FUNCTION, TOOL_CUSTOM, TOOL_LOCAL_SHELL };
struct tool_call {
	struct turn *turn;
	enum tool_call_kind kind;
	char *call_id;
	char *name;
	cJSON *args;                    /* function arguments (an object) or NULL */
	char *input;                    /* custom tool input, or NULL */
	const cJSON *item;              /* the call item (borrowed from turn->response, or
					 * item_owned) */
	cJSON *item_owned;              /* a nested call's item, or NULL */
	char *output;                   /* set by tool_call_finish */
	cJSON *output_items;            /* instead of output: a content-item array (MCP
					 * results with images); owned */
	cJSON *mcp_result;              /* a nested MCP call's result as its server sent it
					 * (what codex.tool resolves with), or NULL; owned */
	bool done;
	bool failed;                    /* ended by tool_call_fail: a nested call's caller
					 * gets an error, not a result */
	/* A nested call (turn_call_nested): told when it ends, instead of the batch. */
	void (*on_finish)(struct tool_call *c);
	void *finish_arg;
	void (*cancel)(struct tool_call *c);
	/* Waiting for agent_decide (an approval request is out), else NULL. */
	void (*on_decision)(struct tool_call *c, enum agent_decision d);
	bool awaiting_user;             /* request_user_input: the question is out */
	struct guardian_review *review; /* the reviewer's request for this call's approval
					 * (guardian.c), or NULL */
	void (*after_review)(struct tool_call *c, enum agent_decision d);
	bool guardian_denied;           /* the reviewer refused it: the model reads
					 * GUARDIAN_REJECTION_MESSAGE */
	void *state;                    /* the tool's own */
	/* Frees state when the turn is freed with the call still running (the session
	 * ends mid-call), or NULL. */
	void (*free_state)(struct tool_call *c);
};

struct agent {
	struct loop *loop;
	const struct config *cfg;
	char *cwd;
	struct agent_skills skills;     /* found when the session started (skills.c) */
	struct agent_plugin_summary *plugin_summaries; /* likewise (plugins.c) */
	size_t n_plugin_summaries;
	char *originator, *source, *self_exe;
	char thread_id[UUID_STR_LEN + 1];
	char *thread_name;              /* set by agent_set_thread_name (or a resumed
					 * rollout), or NULL */
	char *forked_from;              /* the thread this one was forked from, or NULL */
	char *model, *effort, *summary;
	char *service_tier;             /* "fast", "flex", or NULL (config, /fast) */
	char *personality;              /* "none", "friendly", "pragmatic", or NULL when
					 * features.personality is off (personality.c) */
	enum approval_policy approval;
	bool guardian;                  /* approvals_reviewer = "guardian_subagent"
					 * (guardian.c decides on-request approvals) */
	uint32_t guardian_timeout_ms;   /* a review's deadline; 0: GUARDIAN_TIMEOUT_MS
					 * (only the unit test sets a shorter one) */
	bool reviewer;                  /* this is a reviewer's own session
					 * (agent_options.guardian_reviewer) */
	struct guardian_session *guardian_sessions; /* its reviewers (guardian_session.c) */
	struct sandbox_policy policy;
	const struct model_family *family;
	struct model_provider provider;
	bool have_provider;
	struct model_client *client;
	char *bearer, *account_id;
	struct auth_chatgpt *chatgpt;   /* ChatGPT sign-in: its tokens and refresh; or NULL */
	/* The codex_apps server's sign-in when the model's credential is another one
	 * (a provider key): auth.json's ChatGPT tokens, refreshed on their own; or NULL. */
	struct auth_chatgpt *apps_chatgpt;
	cJSON *history;                 /* the conversation: ResponseItems */
	cJSON *tools;                   /* tool specs sent with every request */
	cJSON *output_schema;
	char *instructions;
	struct agent_subscriber subs[AGENT_MAX_SUBSCRIBERS];
	size_t n_subs;
	struct turn *turn;
	struct uexec *uexec;
	struct user_shell_cmd *user_shells; /* the user's `!cmd`s running (user_shell_run.c) */
	cJSON *user_shell_records;      /* their records waiting for the history, or NULL */
	struct shell_snapshot *snapshot; /* the login shell's set-up, or NULL */
	struct strv approved_commands;  /* "approved for session": one argv per entry */
	unsigned next_turn;
	enum agent_mode mode;           /* of the next turn (agent_set_mode) */
	enum agent_mode turn_mode;      /* of the running (or last) turn */
	enum agent_mode mode_told;      /* the mode of the last <collaboration_mode> message
					 * (Default: none, or Default's) */
	bool mode_told_default;         /* Default's instructions were sent */
	bool shut_down;
	struct sandbox_net net;         /* [network] enabled: each command's proxy */
	bool net_on;
	struct net_cache net_cache;     /* network approvals "for this session" and refusals */
	struct net_question *net_questions; /* network approval requests out (net_approval.c) */
	struct net_gate *net_gates;     /* the running commands' proxies that may ask */
	struct mcp_manager *mcp;        /* [mcp_servers], or NULL when none is enabled */
	/* [mcp_servers] then the enabled plugins' servers (tools/mcp.c): the config's entries
	 * are shallow copies, the plugins' (from plugin_mcp) owned. */
	struct config_mcp_server *mcp_servers;
	size_t n_mcp_servers;
	struct config_mcp_server *plugin_mcp;
	size_t n_plugin_mcp;
	cJSON *mcp_ready, *mcp_failed, *mcp_cancelled; /* startup results, for mcp_startup_complete */
	struct strv mcp_approved;       /* "server/tool" approved for the session */
	/* The built-in codex_apps server (agent/apps.c), owned, when apps are available;
	 * has_apps_mcp says it is one of mcp_servers. */
	struct config_mcp_server apps_mcp;
	bool has_apps_mcp;
	struct config_map apps_state;   /* id -> "true"/"false": toggles made in the session */
	/* A new conversation: the apps message is still to come (when the MCP servers are
	 * up), at this index of the history, where upstream's initial context has it. */
	bool apps_context_due;
	int apps_context_at;
	struct apps_fetch *apps_fetch;  /* the directory being fetched (apps_fetch.c), or NULL */
	struct http_client *apps_http;  /* its connections, made at the first fetch */
	struct buf mcp_required_failed; /* "name: error; ..." of required servers that failed */
	struct rollout_writer *rollout; /* NULL when ephemeral */
	char *rollout_path;
	bool ephemeral;
	bool record_failed, record_warned;
	char record_error[ERR_MSG_MAX];
	/* What a sub-agent is created with besides the live settings (subagents.c). */
	bool oss, codex_api_key_env;
	struct strv add_dirs;
	char *developer_instructions;
	/* multi_agent: the parent (NULL for a main thread), the depth below the main
	 * thread, this sub-agent's labels, its children, the wait_agent calls waiting. */
	struct agent *parent;
	int depth;
	char *nickname, *role;
	struct subagent **children;
	size_t n_children;
	struct collab_wait *waits;
	struct js_repl *jsr;            /* features.js_repl with a usable Node, else NULL */
};

/* ---- subagents.c: the sub-agents a thread spawned ---- */
enum subagent_status {
	SUBAGENT_PENDING_INIT,
	SUBAGENT_RUNNING,
	SUBAGENT_INTERRUPTED,
	SUBAGENT_COMPLETED,
	SUBAGENT_ERRORED,
	SUBAGENT_SHUTDOWN
};
struct subagent {
	struct agent *agent;            /* owned */
	struct agent *parent;
	enum subagent_status status;
	char *text;                     /* the final message (completed, maybe NULL) or the
					 * error (errored) */
	bool closed;
	bool notified;                  /* the parent heard of its first final status */
};
/* Creates a sub-agent of parent from its live settings (model, effort, approval,
 * sandbox, cwd, instructions), tells the parent's subscribers (on_subagent), and starts
 * its first turn with message. history (or NULL) is put before it (fork_context); taken.
 * -1 with e holding the text for the model. */
int subagent_spawn(struct agent *parent, const char *message, const char *role,
		   const char *model, const char *effort, cJSON *history, struct subagent **out,
		   struct err *e);
/* A sub-agent as a past session left it (subagents_restore.c reads it back). */
struct subagent_saved {
	const char *path;               /* its rollout */
	const char *nickname, *role;    /* or NULL */
	enum subagent_status status;
	const char *text;               /* as struct subagent's, or NULL */
	bool closed;
};
/* Brings back a child of parent from its rollout (history, id, labels) with the
 * parent's live settings, in the state saved; no turn starts. Tells the parent's
 * subscribers (on_subagent) as a spawn does. */
int subagent_load(struct agent *parent, const struct subagent_saved *saved,
		  struct subagent **out, struct err *e);
/* A child of a (any level) by thread id, or NULL. */
struct subagent *subagent_find(const struct agent *a, const char *thread_id);
/* The status as upstream serialises AgentStatus; NULL when memory runs out. */
cJSON *subagent_status_json(const struct subagent *s);
/* Completed, errored or shut down: wait_agent returns for it. */
bool subagent_final(const struct subagent *s);
/* Ends it (shutdown); it stays listed, closed. */
void subagent_close(struct subagent *s);
/* A closed one takes input again (resume_agent): pending_init until its next turn; -1
 * with e set when the open ones are at the limit. */
int subagent_reopen(struct subagent *s, struct err *e);
/* An agent ref {thread_id, agent_nickname, agent_role}; NULL when memory runs out. */
cJSON *subagent_ref_json(const struct subagent *s);
/* [agents] max_depth (0: the default). */
static inline int agent_max_depth(const struct agent *a)
{
	return a->cfg->agents.max_depth > 0 ? (int)a->cfg->agents.max_depth
					    : AGENT_MAX_SUBAGENT_DEPTH;
}
/* Open sub-agents in the whole tree of a's main thread. */
size_t subagents_open(const struct agent *a);
void subagents_free(struct agent *a);

/* ---- tools/multi_agent.c ---- */
struct collab_wait;
/* The specs of the four tools into arr; false when memory runs out. */
bool multi_agent_specs_add(cJSON *arr);
bool tool_is_multi_agent(const char *name);
/* Whether a's model gets them (features.multi_agent, below the depth limit). */
bool multi_agent_offered(const struct agent *a);
void tool_multi_agent(struct tool_call *c);
/* A child of a changed status: wait_agent calls on it may return. */
void multi_agent_status_changed(struct agent *a);

/* ---- apps.c, apps_fetch.c ---- */
struct agent_apps;
/* Adds an app to l, or merges it into the one with its id (a name replaces one that is
 * only the id; a description replaces a missing one, or any when !accessible). */
int apps_add(struct agent_apps *l, const char *id, const char *name, const char *desc,
	     bool accessible, struct err *e);
/* chatgpt_base_url normalized (no trailing '/', /backend-api for chatgpt.com). Malloc'ed. */
char *apps_base_url(const struct config *cfg);
/* The process's last directory when it is this account's: 1 with a copy in out, 0 when
 * there is none, -1 with e. */
int apps_cached_directory(struct agent *a, struct agent_apps *out, struct err *e);
/* The <apps_instructions> developer message of a new conversation, once its MCP
 * servers are up: at a->apps_context_at when installed, enabled apps have tools. */
void apps_context_add(struct agent *a);
/* Stops a directory fetch (no callback) and closes its connections. */
void apps_fetch_cancel(struct agent *a);

/* ---- credentials.c ---- */
struct auth_chatgpt;
/* The provider's credential into a->bearer / a->account_id (src/auth's order), with
 * forced_login_method and forced_chatgpt_workspace_id enforced (a mismatch logs out, as
 * upstream), and for ChatGPT credentials: the ChatGPT base URL when the provider has
 * none, and a refresh when the token has expired. */
int credentials_resolve(struct agent *a, const struct agent_options *o, struct err *e);
/* Before each model request: an expired ChatGPT token is refreshed (a failure keeps
 * the old token; the request's 401 then says what went wrong). */
void credentials_before_request(struct agent *a);
/* The model client's 401 hook (arg = the agent). */
const char *credentials_on_unauthorized(void *arg, struct err *e);
/* The codex_apps server's bearer (mcp_manager_opts.apps_bearer, arg = the agent): the
 * model's ChatGPT sign-in when it has one (a refresh here serves the model requests
 * too), else auth.json's. */
int credentials_apps_bearer(void *arg, const char *refused, char **out, struct err *e);
void credentials_free(struct agent *a);

/* ---- record.c: rollout file and history.jsonl ---- */
int record_open(struct agent *a, const struct agent_options *o, struct err *e);
/* Resuming: the history and thread id come from the rollout at path. */
int record_resume(struct agent *a, const char *path, struct err *e);
void record_close(struct agent *a);
/* Appends an item to the conversation (taken) and records it. */
void history_add(struct agent *a, cJSON *item);
/* The same at index at of the history (the end when out of range); the rollout gets it
 * as its next item. */
void history_insert(struct agent *a, int at, cJSON *item);
/* A developer message holding text (a new item), or NULL when memory runs out. */
cJSON *agent_developer_message(const char *text);

/* ---- personality.c ---- */
/* The text of a personality ("friendly", "pragmatic"), or NULL ("none", NULL). */
const char *personality_text(const char *name);
/* base followed by the personality's section (name "none" or NULL: base alone);
 * malloc'ed, or NULL when memory runs out. */
char *personality_instructions(const char *base, const char *name);
/* a->personality becomes name; for a family with personalities, a changed one reaches
 * the model as a developer message in the history. */
int personality_change(struct agent *a, const char *name, struct err *e);
void record_event(struct agent *a, const cJSON *msg);
void record_turn_context(struct agent *a);
/* Syncs the rollout (a turn ended); reports a failed write once. */
void record_turn_end(struct agent *a);
void record_prompt(struct agent *a, const char *text);

/* ---- skills_turn.c ---- */
/* The <skill> messages for the skills text mentions, into the history. */
void skills_inject(struct agent *a, const char *text);

/* ---- plugins_mention.c ---- */
/* The developer messages for the plugins in mentions, into the history. */
void plugins_inject(struct agent *a, const struct agent_user_input *in);

/* ---- user_input.c ---- */
/* The user message item for in (taken by the caller) and its user_message event payload
 * in *event (the caller's too). NULL with e set (an unreadable image, memory). */
cJSON *user_input_item(const struct agent_user_input *in, cJSON **event, struct err *e);
/* Whether steered messages wait for the next model request. */
bool turn_has_pending_input(const struct turn *t);
/* Adds them to the history (in the order they came) and emits their user_message
 * events. Called before a model request, after the previous calls' outputs. */
void turn_inject_pending_input(struct turn *t);

/* ---- user_shell_run.c ---- */
struct user_shell_cmd;
/* The finished commands' records into the history (the turn loop calls it where a
 * record cannot split a response from its calls' outputs: before a model request and
 * at a turn's end). */
void user_shell_flush(struct agent *a);
/* Kills every running one; each ends as upstream's "command aborted by user" (end
 * event and record). */
void user_shell_interrupt(struct agent *a);
bool user_shell_running(const struct agent *a);
/* Kills them without events and drops waiting records (agent_free). */
void user_shell_free(struct agent *a);

/* ---- collab.c: collaboration modes ---- */
/* A user turn starts: its mode is fixed, and a change of mode since the model was last
 * told goes into the history as a developer message. */
int collab_turn_start(struct agent *a, struct err *e);
/* A new thread of a front end with collaboration modes (agent_options.collaboration_modes):
 * Default's instructions join the permissions developer message, as upstream's TUI
 * bundles them. -1 when memory runs out. */
int collab_initial(struct agent *a, cJSON *developer_message);
/* The <collaboration_mode> content part of a mode's message. NULL: out of memory. */
cJSON *collab_text_part(enum agent_mode m);
/* The turn_context's collaboration_mode object (upstream's CollaborationMode). */
cJSON *collab_turn_context(const struct agent *a);
/* The reasoning effort of the turn's requests (Plan mode: upstream's "medium"). */
const char *collab_effort(const struct agent *a);
const char *collab_instructions(enum agent_mode m);
/* request_user_input's arguments checked ({"questions": [{id, header, question,
 * options: [{label, description}]}]}, 1..AGENT_MAX_USER_QUESTIONS questions of
 * 1..AGENT_MAX_USER_OPTIONS options): the questions as the event carries them (isOther
 * true, isSecret false; caller frees), or NULL and *why, the model's error (one line,
 * static). Exposed for the unit test and the fuzz target. */
cJSON *collab_questions(const cJSON *args, const char **why);
/* The history was replaced (a resume, a compaction): the mode the model was last told
 * about is read back from it. */
void collab_sync(struct agent *a);

/* ---- fork.c ---- */
/* Instead of record_resume + record_open: the history of the rollout at
 * o->fork_path, a new thread id, and a new rollout that starts with a copy of the old
 * one's lines (session_meta names the old thread in forked_from_id). */
int fork_session(struct agent *a, const struct agent_options *o, struct err *e);

/* ---- events.c ---- */
/* Delivers {"type":<kind>, ...msg} to every subscriber and deletes msg (msg may be
 * NULL: an event with only its type). */
void agent_emit(struct agent *a, enum agent_event_kind k, cJSON *msg);
/* Shorthands for events whose payload is one string field. */
void agent_emit_text(struct agent *a, enum agent_event_kind k, const char *field,
		     const char *text);
/* exec_command_end: m (holding the ids already, or NULL after an allocation failure)
 * gets the output fields every front end reads (stdout and aggregated_output both hold
 * output, stderr is empty, as upstream's), the exit code, the duration and the output as
 * the model sees it; then it is emitted, or deleted when out of memory. */
void agent_emit_exec_end(struct agent *a, cJSON *m, const char *output, int exit_code,
			 uint64_t ms, const char *formatted);

/* ---- turn.c ---- */
int turn_start(struct agent *a, cJSON *user_item, struct err *e);
/* A compaction turn (agent_compact): no user item. */
int turn_start_compact(struct agent *a, struct err *e);
void turn_interrupt(struct turn *t);
void turn_free(struct turn *t);
/* MCP startup is over: a turn waiting for it sends its first request. */
void turn_mcp_started(struct turn *t);
/* Called by a tool when its call is done; takes output (malloc'ed; NULL = out of
 * memory, reported as such). */
void tool_call_finish(struct tool_call *c, char *output);
/* The same with a copy of a constant or formatted string. */
void tool_call_finishf(struct tool_call *c, const char *fmt, ...) ERR_PRINTF(2, 3);
/* The same for a call that failed (bad arguments, unknown tool, refused approval): the
 * model reads the text all the same; a nested call's caller gets it as an error. */
void tool_call_fail(struct tool_call *c, char *output);
void tool_call_failf(struct tool_call *c, const char *fmt, ...) ERR_PRINTF(2, 3);
/* A call a tool makes itself (js_repl's codex.tool): item is a function_call or
 * custom_tool_call item (taken, also on failure). Owned by the turn, freed with the
 * response's calls, so its maker must see it end before its own call ends; on_finish
 * is called once when it does (from tool_call_finish). The maker records it first, then
 * starts it with tools_dispatch. NULL when memory runs out. */
struct tool_call *turn_call_nested(struct turn *t, cJSON *item,
				   void (*on_finish)(struct tool_call *c), void *arg);
/* The turn's i-th call, the response's first, then the nested ones; NULL past the end
 * (for finding a call by id: approvals, questions). */
struct tool_call *turn_call_at(const struct turn *t, size_t i);

/* ---- compact.c ---- */
/* The compaction request's input: the history and the summarization request. */
cJSON *compact_request_input(const struct agent *a);
/* The compaction's answer has come (the turn's last_agent_message): replaces the
 * history, records it, emits warning and context_compacted. -1 with msg set when
 * there is no summary or memory ran out (the history is untouched). */
int compact_apply(struct turn *t, char *msg, size_t msg_size);

/* ---- shell_snapshot.c ---- */
struct shell_snapshot;
/* Starts capturing the login shell's environment in the session's cwd, on the loop
 * (a->snapshot); nothing when features.shell_snapshot = false or it cannot start. */
void shell_snapshot_start(struct agent *a);
void shell_snapshot_free(struct shell_snapshot *s);
/* For a command argv = [.../bash, "-lc", script, ...] run in the snapshot's cwd once the
 * snapshot is ready: applies it to env and returns true; the caller then runs it with
 * "-c" instead of "-lc" (what the model and the events see stays "-lc"). */
bool shell_snapshot_apply(const struct agent *a, char *const *argv, const char *cwd,
			  struct strv *env);
/* While the snapshot is still being captured, a command it would apply to is held:
 * returns true and calls resume(c, arg) once the capture ends (at most its time
 * limit), so every such command sees the same set-up; drop(arg) instead when the agent
 * goes away first. An interrupt answers the held call "aborted". False: start now. */
bool shell_snapshot_hold(struct tool_call *c, char *const *argv, const char *cwd,
			 void (*resume)(struct tool_call *c, void *arg), void (*drop)(void *arg),
			 void *arg);

/* The capture's output (profile chatter, the marker, then `env -0`) against base, the
 * environment the login shell was given: NAME=value entries it added or changed into
 * set, names it removed into unset, both filtered by the policy. -1 when the marker is
 * missing or memory runs out (exposed for the fuzz target). */
int shell_snapshot_parse(const char *data, size_t len, const struct strv *base,
			 const struct config_shell_environment_policy *p, struct strv *set,
			 struct strv *unset);

/* ---- git_info.c ---- */
/* Parsers of git's output (exposed for the fuzz target): `git remote -v` into
 * {"name": "fetch url"} (NULL when none), and `git status --porcelain=v2 --branch` into
 * HEAD's sha (malloc'ed, or left NULL) and whether anything changed. */
cJSON *git_remotes_json(const char *text);
void git_status_fields(const char *text, char **sha, bool *changes);
/* The x-codex-turn-metadata JSON for a turn (session, turn id, the repository's
 * remotes, HEAD and whether it has changes, the sandbox). Caller frees; NULL when
 * memory runs out. Runs git (bounded in time): call once per turn. */
char *turn_metadata_json(const struct agent *a, const char *turn_id);
/* The directory holding .git (a directory, or a file for worktrees), from dir up;
 * malloc'ed, or NULL outside any repository. */
char *git_repo_root(const char *dir);

/* ---- turn_diff.c ---- */
struct turn_diff;
/* Remembers path's content before the turn's first patch on it (no-op afterwards). */
void turn_diff_track(struct turn *t, const char *path);
/* Emits turn_diff (every tracked file, then against now) when something changed. */
void turn_diff_emit(struct turn *t);
void turn_diff_free(struct turn_diff *d);

/* ---- approval.c ---- */
enum approval_verdict {
	VERDICT_RUN_SANDBOXED,
	VERDICT_RUN_UNSANDBOXED,
	VERDICT_ASK,
	VERDICT_REJECT
};
/* For a command: escalated = the model asked for require_escalated. On REJECT,
 * *why is upstream's message for the model (static). */
enum approval_verdict approval_for_command(const struct agent *a, char *const *argv,
					   bool escalated, const char **why);
/* After a sandbox denial: whether to ask to run it again without the sandbox. */
bool approval_retry_unsandboxed(const struct agent *a);
/* After a sandboxed command failed the way a sandbox denial looks (approval_looks_denied)
 * under a policy that allows it (approval_retry_unsandboxed: on-failure, untrusted), the
 * user is asked, as upstream, whether to run it again without the sandbox: an
 * exec_approval_request with reason APPROVAL_RETRY_REASON. on_decision gets the answer
 * (a front end that cannot ask, like exec, answers denied: the model then reads the
 * denial). */
#define APPROVAL_RETRY_REASON "command failed; retry without sandbox?"
void approval_ask_retry(struct tool_call *c, char *const *argv, const char *cwd,
			void (*on_decision)(struct tool_call *c, enum agent_decision d));
/* For a patch touching these absolute paths. */
enum approval_verdict approval_for_patch(const struct agent *a, const struct strv *paths,
					 const char **why);
/* Sends an approval request for the call and waits: on_decision runs when a front end
 * answers (agent_decide), or with AGENT_ABORT on interrupt. msg is the request's
 * payload (call_id and type are added); taken. */
void approval_ask(struct tool_call *c, enum agent_event_kind kind, cJSON *msg,
		  void (*on_decision)(struct tool_call *c, enum agent_decision d));
/* Records an "approved for session" command. */
void approval_remember(struct agent *a, char *const *argv);
/* The heuristic upstream uses to call a failed sandboxed command a denial. */
bool approval_looks_denied(int exit_code, const char *output, size_t len);

/* ---- guardian.c, guardian_parse.c: the automatic approval reviewer ----
 * With approvals_reviewer = "guardian_subagent" and approval policy on-request (as
 * upstream 0.118 routes them), an approval request is not sent to the front ends:
 * a turn of the reviewer's own session (guardian_session.c: its own instructions,
 * read-only tools, a bounded transcript of the conversation and the planned action as
 * JSON) answers it with an assessment in its final message. A score below
 * GUARDIAN_RISK_THRESHOLD approves; anything else denies, and so does every failure
 * (the turn fails, is interrupted, times out, or its answer does not parse): the
 * review fails closed and the reviewer's turn is stopped. guardian_assessment events tell the front ends
 * (in_progress, then approved / denied / aborted) and a warning carries the verdict
 * and its rationale. */
/* Upstream's threshold: low and medium risks (score < 80) are approved. */
#define GUARDIAN_RISK_THRESHOLD 80
/* The model upstream reviews with when its catalog lists it (guardian.c). */
#define GUARDIAN_PREFERRED_MODEL "gpt-5.4"
/* Upstream's deadline for one review. */
#define GUARDIAN_TIMEOUT_MS 90000u
/* The answer is a few sentences of JSON; far more is a model gone wrong. */
#define GUARDIAN_MAX_ANSWER_BYTES (64u * 1024)
/* The rationale is shown in one history cell and one warning: longer is cut. */
#define GUARDIAN_MAX_RATIONALE_BYTES 2000
#define GUARDIAN_MAX_EVIDENCE 64
/* The transcript the reviewer reads, in upstream's approximate tokens (4 bytes each):
 * per message and tool entry, the conversation and tool totals, recent entries. */
#define GUARDIAN_MESSAGE_ENTRY_BYTES (2000 * 4)
#define GUARDIAN_TOOL_ENTRY_BYTES (1000 * 4)
#define GUARDIAN_MESSAGE_TOTAL_BYTES (10000 * 4)
#define GUARDIAN_TOOL_TOTAL_BYTES (10000 * 4)
#define GUARDIAN_RECENT_ENTRIES 40
/* Each string of the planned action (a command, a patch) at most this long. */
#define GUARDIAN_ACTION_STRING_BYTES (1000 * 4)
/* What the model reads when the reviewer refused: upstream 0.118's text, word for word,
 * as "exec command rejected by user" is for the user's refusal. The model is trained on
 * these outputs, so they are interface, not prose of ours. */
#define GUARDIAN_REJECTION_MESSAGE \
	"This action was rejected due to unacceptable risk. The agent must not attempt to " \
	"achieve the same outcome via workaround, indirect execution, or policy " \
	"circumvention. Proceed only with a materially safer alternative, or if the user " \
	"explicitly approves the action after being informed of the risk. Otherwise, stop " \
	"and request user input."

enum guardian_risk { GUARDIAN_RISK_LOW, GUARDIAN_RISK_MEDIUM, GUARDIAN_RISK_HIGH };
struct guardian_assessment {
	enum guardian_risk level;
	int score;                      /* 0..100 */
	char rationale[GUARDIAN_MAX_RATIONALE_BYTES + 1];
	size_t n_evidence;
};
const char *guardian_risk_str(enum guardian_risk r);
/* The reviewer's final message: the whole text as JSON, else the span from its first
 * '{' to its last '}'. -1 with e saying why (out then reads high / 100). */
int guardian_parse_assessment(const char *text, size_t len, struct guardian_assessment *out,
			      struct err *e);
bool guardian_approves(const struct guardian_assessment *g);
/* "…<truncated omitted_approx_tokens=\"N\" />…": text longer than max bytes keeps its
 * start and end (on UTF-8 boundaries) around the marker. malloc'ed, NULL: memory. */
char *guardian_truncate(const char *text, size_t len, size_t max);

/* ---- guardian_session.c: the reviewer's own session ----
 * A hidden agent of its own on a's loop (upstream's guardian review session): never
 * listed as a sub-agent, no rollout (ephemeral), read-only sandbox, policy never, no
 * js_repl, sub-agents, web search or MCP; its turn may call its tools before the final
 * message. One is kept per session and reused while the key (the settings that shape
 * it) is the same; when it is busy a one-off one serves and goes after its review. */
struct guardian_session;
struct guardian_session_spec {
	const char *key;                /* the settings that shape it, as one string */
	const char *model, *effort;     /* effort may be NULL */
	cJSON *input;                   /* the review's user message; taken */
	void (*done)(void *arg, const char *answer, const char *error);
	void *arg;                      /* answer (the final message) or error, borrowed
					 * for the call */
};
/* Starts a review turn; done is called once from the loop, unless
 * guardian_session_stop comes first. NULL with e when it cannot start. */
struct guardian_session *guardian_session_start(struct agent *a,
						struct guardian_session_spec *spec,
						struct err *e);
/* Stops the review without calling done: its turn is interrupted and the session
 * dropped (a fresh one serves the next review). */
void guardian_session_stop(struct guardian_session *s);
/* Frees every reviewer of a (agent_free). */
void guardian_sessions_free(struct agent *a);

/* Whether a's approvals go to the reviewer now. */
bool guardian_routes(const struct agent *a);
struct guardian_review;
/* Starts a review of action (taken; {"tool": ..., ...} as upstream serialises it) for
 * the approval with this id. done(arg, APPROVED or DENIED, or ABORT when the turn was
 * interrupted) is called once, on the loop, after the review is freed; until then
 * guardian_review_cancel stops it silently. NULL: it could not start (memory), and
 * nothing was called. */
struct guardian_review *guardian_review_start(struct agent *a, const char *id, cJSON *action,
					      const char *retry_reason,
					      void (*done)(void *arg, enum agent_decision d),
					      void *arg);
/* Stops it; done is not called. tell: an "aborted" assessment is emitted (an
 * interrupt); not while the session or its turn is being freed. */
void guardian_review_cancel(struct guardian_review *r, bool tell);
/* The approval request a tool call was about to send (approval_ask's kind and msg,
 * taken) goes to the reviewer instead; on_decision then gets its verdict, and a denial
 * sets c->guardian_denied. */
void guardian_review_call(struct tool_call *c, enum agent_event_kind kind, cJSON *msg,
			  void (*on_decision)(struct tool_call *c, enum agent_decision d));
/* The same for an action the caller built (taken; NULL: memory, refused). */
void guardian_review_call_action(struct tool_call *c, cJSON *action, const char *retry_reason,
				 void (*on_decision)(struct tool_call *c, enum agent_decision d));
/* The reviewer's request input: one user message with the transcript of a's history and
 * the action (exposed for the unit test). NULL: memory. */
cJSON *guardian_prompt_input(const struct agent *a, const cJSON *action,
			     const char *retry_reason);
/* The reviewer's instructions and output schema. */
extern const char guardian_policy_prompt[];
cJSON *guardian_output_schema(void);
/* What a refused call's tool reports: the reviewer's message, or user_text. */
static inline const char *approval_denial_text(const struct tool_call *c, const char *user_text)
{
	return c->guardian_denied ? GUARDIAN_REJECTION_MESSAGE : user_text;
}

/* ---- output.c ---- */
/* Tokens as upstream counts them for budgets: ceil(bytes / 4). */
int64_t output_tokens(size_t bytes);
/* Appends text, cut to max_tokens as upstream does when it is longer: "Total output
 * lines: N\n\n", the first and last max_tokens*2 bytes (on UTF-8 boundaries) and
 * "…K tokens truncated…" between them. */
int output_truncate(struct buf *out, const char *text, size_t len, int64_t max_tokens);
/* The legacy shell / apply_patch form: "Exit code: N\nWall time: S seconds\nOutput:\n".
 * duration in ms, printed with one decimal. */
int output_exec_text(struct buf *out, int exit_code, uint64_t duration_ms, const char *text,
		     size_t len, int64_t max_tokens);
/* What the model reads of a command the user ran (`!cmd`), as upstream frames it: a
 * <user_shell_command> with the command as typed, exit code, duration (ms, printed in
 * seconds with four decimals) and the output cut to max_tokens. */
int output_user_shell_record(struct buf *out, const char *command, int exit_code,
			     uint64_t duration_ms, const char *text, size_t len,
			     int64_t max_tokens);
/* A command line as upstream shows it: words joined by spaces, quoted for a POSIX
 * shell where needed ('...' with '\'' for quotes). Caller frees. */
char *output_shell_join(char *const *argv);

/* ---- instructions.c ---- */
extern const char agent_base_instructions[];

/* ---- tools/ ---- */
/* The tool specs for this agent's model family and features (a cJSON array). */
cJSON *tools_spec(const struct agent *a);
/* Runs a call: looks the tool up, checks the arguments, starts it. Always ends in
 * tool_call_finish (maybe later, from the loop). */
void tools_dispatch(struct tool_call *c);

/* Unified exec (tools/unified_exec.c): the sessions outlive turns. */
int uexec_new(struct agent *a, struct uexec **out, struct err *e);
void uexec_free(struct uexec *u);
void uexec_exec_command(struct tool_call *c);
void uexec_write_stdin(struct tool_call *c);
/* Kills every running session (interrupt kills only those of the running turn's
 * calls; shutdown all). */
void uexec_kill_all(struct uexec *u);
void tool_shell(struct tool_call *c);
/* Applies a patch (the apply_patch tool, or a command that was apply_patch) with paths
 * relative to cwd, under the sandbox. */
void tool_apply_patch_in(struct tool_call *c, const char *patch_text, size_t len,
			 const char *cwd);
void tool_update_plan(struct tool_call *c);
void tool_view_image(struct tool_call *c);
void tool_request_user_input(struct tool_call *c);
/* The JavaScript REPL (tools/js_repl.c, agent/js_repl.h). With features.js_repl on,
 * checks Node when the session starts: a->jsr, or (Node missing or too old) a warning
 * for the front ends (*warning, malloc'ed) and the feature stays off. -1: out of
 * memory. */
struct js_repl;
int js_repl_session_start(struct agent *a, char **warning);
void js_repl_free(struct agent *a);
bool js_repl_enabled(const struct agent *a);
/* features.js_repl_tools_only too: the model's direct calls of tools other than the
 * REPL's are refused, it calls them through codex.tool(...). */
bool js_repl_tools_only(const struct agent *a);
bool js_repl_specs_add(cJSON *tools);
/* The section the user instructions get while the REPL is on: the first part, the
 * tools-only part (when js_repl_tools_only), the last line. */
extern const char js_repl_instructions[], js_repl_instructions_tools_only[],
	js_repl_instructions_end[];
/* js_repl (custom) and js_repl_reset (function). */
void tool_js_repl(struct tool_call *c);
/* MCP tools (tools/mcp.c): starting the servers with the session, and a call to one of
 * their tools (a name the manager knows). */
int mcp_session_start(struct agent *a, struct err *e);
bool mcp_session_started(const struct agent *a);
/* Servers still starting are cancelled (an interrupt while no turn runs). */
void mcp_session_cancel_startup(struct agent *a);
/* Required servers that failed ("name: error; ..."), or NULL: turns then fail. */
const char *mcp_session_fatal(const struct agent *a);
void mcp_session_free(struct agent *a);
bool tool_is_mcp(const struct agent *a, const char *name);
void tool_mcp(struct tool_call *c);
/* c is an MCP tool call waiting for its approval: its server, tool and app (a codex_apps
 * tool's connector id, else NULL), borrowed. */
bool tool_mcp_pending(const struct tool_call *c, const char **server, const char **tool,
		      const char **connector_id);
/* The resource tools (tools/mcp_resource.c): their specs, and a call to one. */
bool mcp_resource_specs_add(cJSON *tools);
bool tool_is_mcp_resource(const struct agent *a, const char *name);
void tool_mcp_resource(struct tool_call *c);

/* Commands (tools/command.c): the environment for a command (shell_environment_policy)
 * and the sandbox policy to run it under. */
int command_env(const struct agent *a, struct strv *env, struct err *e);
/* With [network] enabled: starts the proxy of one command and points spec at it
 * (proxy->channel is the caller's to close once proc_start returned), with a gate
 * (*gate, or NULL) through which it asks about blocked hosts; the caller frees the gate
 * with the command's record. Nothing when the network proxy is off or the command runs
 * unsandboxed by approval. */
struct proc_spec;
int command_net(struct agent *a, struct proc_spec *spec, struct sandbox_proxy *proxy,
		struct net_gate **gate, struct err *e);
/* Closes what command_net left to the caller. */
void command_net_done(struct sandbox_proxy *proxy);

/* ---- net_approval.c: asking about blocked hosts ----
 * A gate is one command's line to its proxy (proxy.h, "Asking a decider"): the proxy
 * holds a request for a host off the allowlist and asks; the gate answers from the
 * session's decisions, or emits an exec_approval_request (id network#PROTO#HOST#PORT,
 * shared by every command asking about the same key) and answers once a front end
 * decided. No gate (NULL, *proxy_end -1) when the session may not prompt (approval
 * "never", or a sandbox other than read-only / workspace-write): the proxy then refuses
 * as before. *proxy_end is the caller's to pass to the proxy and close. */
struct net_gate *net_gate_open(struct agent *a, int *proxy_end);
/* What the model reads about this command's refused requests: upstream's lines
 * ("Network access to \"HOST\" was blocked: ...\n"), or "". Borrowed. */
const char *net_gate_notes(const struct net_gate *g);
/* The command is over (its record freed): the gate goes. */
void net_gate_free(struct net_gate *g);
/* agent_decide for a network approval id: 0, or -1 when none with that id is out.
 * Approved: allowed once; for the session: remembered too; denied or abort: refused
 * and remembered (the turn goes on). */
int net_approval_decide(struct agent *a, const char *call_id, enum agent_decision d);
/* The answer "allow / block this host in the future" (agent_decide_network_rule). */
int net_approval_decide_rule(struct agent *a, const char *call_id, bool allow, struct err *e);

/* ---- net_rules.c: network policy amendments ---- */
/* Adds host to config_path's [network] allowed_domains (allow) or denied_domains, and
 * takes it out of the other list; every other byte of the file stays. */
int net_rule_persist(const char *config_path, const char *host, bool allow, struct err *e);
/* The same for the session's policy (later commands' proxies). */
int net_rule_apply(struct agent *a, const char *host, bool allow);
/* What the session's policy says of exactly this host. */
enum net_cached net_rule_get(const struct agent *a, const char *host);
/* The turn ended: every question still out is refused (nobody will answer it). */
void net_approval_turn_end(struct agent *a);
void net_approval_free(struct agent *a);

#endif
