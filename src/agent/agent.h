/* The agent: one conversation ("thread") with a model, its turns, and the tools it
 * runs under the sandbox and the approval policy (DESIGN.md §8). This is the module's
 * only public header; `codex exec`, the TUI and `codex mcp-server` are front ends of it.
 *
 * Everything happens on the caller's event loop (base/loop.h), on the caller's thread:
 * the model stream, the commands' ptys and pipes, their timers. Nothing blocks; the
 * front end runs the loop until it has seen what it waits for (task_complete,
 * turn_aborted, shutdown_complete).
 *
 * A front end talks to the agent in two directions only:
 *
 *   ops in     agent_submit_turn, agent_steer (input for the running turn),
 *              agent_interrupt, agent_decide (the answer to an approval request),
 *              agent_override, agent_set_thread_name, agent_run_user_shell,
 *              agent_shutdown
 *   events out the subscribers' callbacks: one struct agent_event per upstream EventMsg
 *
 * The core knows nothing of terminals or JSON output. Approvals are events too: the
 * agent emits exec_approval_request / apply_patch_approval_request (with a call_id)
 * and waits, on the loop, until some front end calls agent_decide for that call_id
 * (exec answers "denied" at once; a TUI asks the user and answers later; an MCP server
 * forwards the question to its client). A second front end therefore needs nothing
 * but agent_subscribe and agent_decide: it never reaches into the core.
 *
 * Events: kind is the upstream EventMsg type; msg is the event exactly as upstream
 * serialises it ({"type":"exec_command_begin","call_id":...}, reference
 * codex-agent-exec.md Appendix A), borrowed for the duration of the callback. The
 * rollout recorder writes the persisted subset of them, and an MCP server sends them
 * as codex/event notifications, with agent_event_json. */
#ifndef CODEX_AGENT_AGENT_H
#define CODEX_AGENT_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "base/err.h"
#include "base/loop.h"
#include "base/strv.h"
#include "config/config.h"

enum agent_event_kind {
	AGENT_EV_SESSION_CONFIGURED,   /* session_id, model, reasoning_effort, rollout_path,
					  history_log_id, history_entry_count,
					  initial_messages (resume) */
	AGENT_EV_TASK_STARTED,         /* model_context_window */
	AGENT_EV_USER_MESSAGE,         /* message, images */
	AGENT_EV_AGENT_MESSAGE_DELTA,  /* delta */
	AGENT_EV_AGENT_MESSAGE,        /* message */
	AGENT_EV_AGENT_REASONING_DELTA, /* delta */
	AGENT_EV_AGENT_REASONING,      /* text */
	AGENT_EV_AGENT_REASONING_SECTION_BREAK,
	AGENT_EV_EXEC_COMMAND_BEGIN,   /* call_id, command[], cwd, parsed_cmd[] */
	AGENT_EV_EXEC_COMMAND_OUTPUT_DELTA, /* call_id, stream, chunk (base64) */
	AGENT_EV_EXEC_COMMAND_END,     /* call_id, stdout, stderr, aggregated_output,
					  exit_code, duration, formatted_output */
	AGENT_EV_PATCH_APPLY_BEGIN,    /* call_id, auto_approved, changes */
	AGENT_EV_PATCH_APPLY_END,      /* call_id, stdout, stderr, success */
	AGENT_EV_TURN_DIFF,            /* unified_diff */
	AGENT_EV_PLAN_UPDATE,          /* explanation, plan[] */
	AGENT_EV_TOKEN_COUNT,          /* info{total_token_usage, last_token_usage,
					  model_context_window}, rate_limits */
	AGENT_EV_EXEC_APPROVAL_REQUEST, /* call_id, command[], cwd, reason */
	AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST, /* call_id, changes, reason, grant_root */
	AGENT_EV_WEB_SEARCH_BEGIN,     /* call_id */
	AGENT_EV_WEB_SEARCH_END,       /* call_id, query */
	AGENT_EV_VIEW_IMAGE_TOOL_CALL, /* call_id, path */
	AGENT_EV_STREAM_ERROR,         /* message: a retry is coming */
	AGENT_EV_ERROR,                /* message: the turn ends */
	AGENT_EV_WARNING,              /* message */
	AGENT_EV_BACKGROUND_EVENT,     /* message */
	AGENT_EV_TURN_ABORTED,         /* reason: "interrupted" */
	AGENT_EV_TASK_COMPLETE,        /* last_agent_message (or null) */
	AGENT_EV_SHUTDOWN_COMPLETE,
	AGENT_EV_MCP_STARTUP_UPDATE,   /* server, status {state: starting | ready | failed
					  | cancelled, error (failed)} */
	AGENT_EV_MCP_STARTUP_COMPLETE, /* ready[], failed[{server, error}], cancelled[] */
	AGENT_EV_MCP_TOOL_CALL_BEGIN,  /* call_id, invocation{server, tool, arguments} */
	AGENT_EV_MCP_TOOL_CALL_END,    /* call_id, invocation, duration,
					  result {"Ok": CallToolResult} | {"Err": text} */
	AGENT_EV_ELICITATION_REQUEST,  /* server_name, id (the call_id to agent_decide),
					  message: an MCP tool call needs approval */
	AGENT_EV_CONTEXT_COMPACTED,    /* (no fields): the history is now the summary */
	AGENT_EV_THREAD_ROLLED_BACK,   /* num_turns: the last turns left the history */
	AGENT_EV_THREAD_NAME_UPDATED,  /* thread_id, thread_name */
	AGENT_EV_REQUEST_USER_INPUT,   /* call_id, turn_id, questions[{id, header,
					  question, isOther, isSecret, options[{label,
					  description}]}]: answer with
					  agent_answer_user_input */
	/* multi_agent (subagents.c): the parent's collaboration tool calls. Agent refs
	 * carry thread_id, agent_nickname, agent_role; a status is upstream's AgentStatus
	 * ("pending_init", "running", "interrupted", {"completed": text|null},
	 * {"errored": text}, "shutdown", "not_found"). */
	AGENT_EV_COLLAB_AGENT_SPAWN_BEGIN, /* call_id, sender_thread_id, prompt, model,
					      reasoning_effort */
	AGENT_EV_COLLAB_AGENT_SPAWN_END, /* + new_thread_id (null on failure),
					    new_agent_nickname, new_agent_role, status */
	AGENT_EV_COLLAB_AGENT_INTERACTION_BEGIN, /* call_id, sender_thread_id,
						    receiver_thread_id, prompt */
	AGENT_EV_COLLAB_AGENT_INTERACTION_END, /* + receiver_agent_nickname, status */
	AGENT_EV_COLLAB_WAITING_BEGIN, /* sender_thread_id, receiver_thread_ids[],
					  receiver_agents[], call_id */
	AGENT_EV_COLLAB_WAITING_END,   /* sender_thread_id, call_id, agent_statuses[],
					  statuses{id: status} */
	AGENT_EV_COLLAB_CLOSE_BEGIN,   /* call_id, sender_thread_id, receiver_thread_id */
	AGENT_EV_COLLAB_CLOSE_END,     /* + receiver_agent_nickname, status */
	AGENT_EV_COLLAB_RESUME_BEGIN,  /* call_id, sender_thread_id, receiver_thread_id,
					  receiver_agent_nickname, receiver_agent_role */
	AGENT_EV_COLLAB_RESUME_END,    /* + status */
	AGENT_EV_GUARDIAN_ASSESSMENT   /* id (the approval's call id), turn_id, status
					  (in_progress | approved | denied | aborted),
					  risk_score, risk_level, rationale (null while in
					  progress), action {tool, ...}: the reviewer at work
					  (approvals_reviewer = "guardian_subagent") */
};

/* The upstream "type" string of a kind ("exec_command_begin", ...). */
const char *agent_event_type(enum agent_event_kind k);

struct agent_event {
	enum agent_event_kind kind;
	const char *id;          /* the submission (turn) id the event belongs to */
	const cJSON *msg;        /* upstream's EventMsg object; borrowed for the callback */
	struct agent *agent;     /* the agent that emitted it (a sub-agent's own events
				  * come from the sub-agent), for agent_decide */
};

/* The Event JSON ({"id":...,"msg":{...}}), one line, no newline. Caller frees; NULL
 * when memory runs out. */
char *agent_event_json(const struct agent_event *ev);

/* A subscriber. on_event may call any agent_* op (they take effect on the loop, in
 * order), but must not free the agent. */
struct agent_subscriber {
	void (*on_event)(void *arg, const struct agent_event *ev);
	void *arg;
	/* A sub-agent was spawned by a's model (multi_agent), before its first turn: the
	 * front end subscribes to it here to see its events and answer its approvals
	 * (nobody else does). Optional. The child lives until its root agent is freed. */
	void (*on_subagent)(void *arg, struct agent *parent, struct agent *child);
};

/* How the agent runs commands; settled from config and flags by the front end. */
struct agent_options {
	struct loop *loop;             /* borrowed for the agent's life */
	const struct config *cfg;      /* borrowed for the agent's life */
	const char *cwd;               /* absolute; the turn cwd */
	const char *originator;        /* "codex_exec" (request headers, session_meta) */
	const char *session_source;    /* "exec", "cli", "mcp" (session_meta.source) */
	bool oss;                      /* --oss: the local provider (oss_provider / ollama) */
	bool codex_api_key_env;        /* CODEX_API_KEY beats every other credential (exec) */
	struct strv add_dirs;          /* --add-dir: extra writable roots (borrowed) */
	bool ephemeral;                /* write no rollout and no history.jsonl */
	const char *resume_path;       /* a rollout to continue, or NULL for a new thread */
	const char *fork_path;         /* a rollout to fork: a new thread (new id, new
					* rollout) with its history; the old file is only
					* read. Not with resume_path. */
	const char *output_schema_json; /* --output-schema file content, or NULL */
	const char *self_exe;          /* this binary (path_self_exe() by default) */
	const char *base_instructions; /* instead of the built-in prompt, or NULL */
	const char *developer_instructions; /* a developer message after the permissions
					     * one (new threads), or NULL */
	bool collaboration_modes;      /* the front end switches modes (the TUI): a new
					* thread's first developer message says Default */
	/* Set by the core for a sub-agent it spawns (multi_agent); front ends leave them
	 * zero. */
	struct agent *parent;
	const char *agent_nickname, *agent_role;
	/* Set by the core for the approval reviewer's own session (guardian_session.c):
	 * read-only sandbox, policy never, no reviewer of its own, no js_repl, no
	 * sub-agents, no web search, no MCP servers. */
	bool guardian_reviewer;
};

struct agent;

/* Creates the session: resolves the provider and credentials, reads AGENTS.md and the
 * resumed rollout, opens the rollout. Emits session_configured to the subscriber (and
 * nothing else) before returning. Errors are one line for the user. */
int agent_new(const struct agent_options *o, const struct agent_subscriber *sub,
	      struct agent **out, struct err *e);
/* Kills whatever still runs (no events), flushes the rollout, frees everything. */
void agent_free(struct agent *a);

/* More subscribers (at most AGENT_MAX_SUBSCRIBERS); each gets every later event. */
#define AGENT_MAX_SUBSCRIBERS 8
int agent_subscribe(struct agent *a, const struct agent_subscriber *sub, struct err *e);

/* The thread id (a uuid), for resume and the front ends' headers. Borrowed. */
const char *agent_thread_id(const struct agent *a);
/* The rollout path, or NULL when ephemeral. Borrowed. */
const char *agent_rollout_path(const struct agent *a);

/* The rollout of a session to resume: by id (a uuid, or a thread name given with
 * agent_set_thread_name: the newest thread of that name), or (id NULL) the newest one
 * started in cwd (upstream's `resume --last`). 0 and *path (malloc'ed), or -1 with e
 * saying why (none found, or the sessions could not be read). */
int agent_find_session(const struct config *cfg, const char *id, const char *cwd, char **path,
		       struct err *e);

/* Past sessions for a resume picker, newest first: those started in cwd (cwd NULL: all),
 * at most max. Free with agent_sessions_free. */
struct agent_session {
	char *path;
	char *id;
	char *timestamp;          /* RFC 3339 start time */
	char *cwd;
	char *first_user_message;
	char *thread_name;        /* its name (agent_set_thread_name), or NULL */
};
int agent_list_sessions(const struct config *cfg, const char *cwd, size_t max,
			struct agent_session **out, size_t *n, struct err *e);
void agent_sessions_free(struct agent_session *s, size_t n);

/* What the session runs with, for a front end's header. Strings borrowed from the
 * agent (valid until the next agent_override or agent_free). */
struct agent_info {
	const char *model;
	const char *provider;          /* the provider's id */
	const char *reasoning_effort;  /* or NULL */
	const char *reasoning_summary; /* or NULL */
	enum approval_policy approval;
	enum sandbox_mode sandbox;
	const char *cwd;
	const char *service_tier;      /* "fast", "flex", or NULL */
	const char *personality;       /* "none", "friendly", "pragmatic", or NULL (off) */
	bool supports_personality;     /* the model has personality texts */
	bool guardian_reviewer;        /* approvals_reviewer = "guardian_subagent" */
};
void agent_info(const struct agent *a, struct agent_info *out);

/* Starts a turn with the user's text and images (paths of local image files, may be
 * empty). Fails when a turn is already running. The turn's events follow: task_started
 * first, then task_complete (or error + task_complete, or turn_aborted) last. */
struct agent_user_input {
	const char *text;
	const struct strv *images;
	/* Structured mentions (upstream's UserInput::Mention paths), or NULL: the TUI's `$`
	 * popup binds a `$name` it inserted to "plugin://<plugin>@<marketplace>". A
	 * mentioned enabled plugin adds a developer message naming its capabilities for the
	 * turn (upstream's build_plugin_injections), after the mentioned skills' messages;
	 * a text link [@name](plugin://<id>) mentions it too. */
	const struct strv *mentions;
	/* What history.jsonl records for it, or NULL for text: the TUI's text with its
	 * bound mentions written as `[$name](path)` links, as upstream's TUI records it
	 * (its Up recall in a later session rebinds them). */
	const char *history_text;
};
int agent_submit_turn(struct agent *a, const struct agent_user_input *in, struct err *e);

/* Input for the running turn (upstream's steer: Enter while a turn runs). The message
 * waits until the calls of the model's current response are done, then goes into the
 * history right after their outputs and before the turn's next model request, with its
 * user_message event (recorded in the rollout: a resume shows it); a response without
 * calls gets a follow-up request for it. Fails when no turn runs, during a compaction,
 * or with too many waiting. A steer the turn never sent (it was interrupted or failed
 * first) is dropped: a front end that showed it as waiting, and saw no user_message for
 * it, submits it again as a new turn. Its mentions are not acted on here (upstream
 * resolves plugin mentions at a turn's start only): the front end keeps them with the
 * message, so a steer that becomes a turn carries them. */
int agent_steer(struct agent *a, const struct agent_user_input *in, struct err *e);

/* Names the thread (upstream's /rename, thread/name/set): the name is trimmed, control
 * characters become spaces, at most AGENT_THREAD_NAME_MAX bytes; empty is refused
 * ("Thread name cannot be empty."). Appended to $CODEX_HOME/session_index.jsonl
 * ({"id","thread_name","updated_at"}, the newest line for an id wins, as upstream) and
 * emitted and recorded as thread_name_updated. Allowed while a turn runs. */
#define AGENT_THREAD_NAME_MAX 256
int agent_set_thread_name(struct agent *a, const char *name, struct err *e);
/* The thread's name, or NULL. Borrowed. */
const char *agent_thread_name(const struct agent *a);

/* Compacts the conversation (upstream's `compact` op; the TUI's /compact): a turn
 * whose one model request carries the history and a request to summarize it, with no
 * tools (x-openai-subagent: compact). The answer is not shown as a message: it becomes
 * the history's summary. The history is then replaced by its initial context, the most
 * recent user messages and the summary (rollout: a `compacted` line with that
 * replacement_history), as upstream. Events: task_started, warning (upstream's note on
 * long threads), context_compacted, token_count, task_complete; or error / turn_aborted
 * with the history untouched. Fails when a turn is running. */
int agent_compact(struct agent *a, struct err *e);

/* Drops the last n user turns from the history (upstream's thread rollback; the TUI's
 * Esc-Esc backtrack forks the conversation this way): each turn from its user message
 * on. Emits and records thread_rolled_back{num_turns}, which a resume applies again.
 * Fails when a turn is running, n is 0 or the history has fewer turns. */
int agent_rollback(struct agent *a, unsigned n, struct err *e);

/* Runs a command the user typed (the TUI's `!cmd`, upstream's RunUserShellCommand) in
 * the user's login shell, in the session's cwd, with no sandbox and no approval: the
 * user asked for it. Allowed idle and while a turn runs; it is not a turn (no
 * task_started). Events: exec_command_begin at once, exec_command_end when it is over
 * (both with "source": "user_shell"; aggregated_output cut as the model reads it).
 * The model gets a <user_shell_command> record of the command, its exit code and its
 * output: in the history (and the rollout) at once when idle, else before the running
 * turn's next model request or at its end. A command still running after an hour is
 * killed. agent_interrupt ends it ("command aborted by user", exit code -1). -1 with e
 * only when it did not start at all (no events then). */
int agent_run_user_shell(struct agent *a, const char *command, struct err *e);

/* Interrupts the running turn: the model stream is cancelled, running commands are
 * killed with everything they started, every tool call gets an output ("aborted") so
 * that the history stays valid, and turn_aborted follows. Commands the user runs (agent_run_user_shell) are killed too,
 * idle or not. With no turn running, MCP servers still starting are cancelled (reported
 * in mcp_startup_complete's "cancelled"). Otherwise nothing when idle. */
void agent_interrupt(struct agent *a);

enum agent_decision {
	AGENT_APPROVED,
	AGENT_APPROVED_FOR_SESSION,    /* and the same command / files again without asking */
	AGENT_DENIED,                  /* the model is told; the turn goes on */
	AGENT_ABORT                    /* the turn stops (as agent_interrupt) */
};
/* Answers the approval request with this call_id. -1 when none is pending. */
int agent_decide(struct agent *a, const char *call_id, enum agent_decision d, struct err *e);

/* Changes the next turns' context (NULL / negative = unchanged). */
struct agent_overrides {
	const char *cwd;
	int approval_policy;           /* enum approval_policy, or -1 */
	int sandbox_mode;              /* enum sandbox_mode, or -1 */
	const char *model;
	const char *reasoning_effort;
	const char *service_tier;      /* "fast", "flex", "" (the API's default), NULL */
	const char *personality;       /* "none", "friendly", "pragmatic"; not while a turn
					* runs (-1) */
	int approvals_reviewer;        /* 0: unchanged (so a zeroed struct changes
					* nothing), AGENT_REVIEWER_USER / _GUARDIAN */
};
#define AGENT_REVIEWER_USER 1
#define AGENT_REVIEWER_GUARDIAN 2
int agent_override(struct agent *a, const struct agent_overrides *o, struct err *e);

/* Collaboration modes (upstream's ModeKind; always on in 0.118). The mode is part of
 * the next turns' context: when a turn starts in another mode than the one the model
 * was last told about, a developer message with the mode's rules
 * (<collaboration_mode>...</collaboration_mode>) goes into the history before the
 * user's message, as upstream's context update. A new thread starts in Default mode,
 * told so in its first developer message when agent_options.collaboration_modes is set
 * (upstream's TUI), else without a mode message (what `codex exec` sends). Plan mode
 * asks the model for a
 * <proposed_plan> block, reasons with effort "medium" (upstream's preset), refuses
 * update_plan and answers request_user_input calls through the front end. */
enum agent_mode { AGENT_MODE_DEFAULT, AGENT_MODE_PLAN };
/* "default" / "plan" (the wire's ModeKind), and "Default" / "Plan" for people. */
const char *agent_mode_kind(enum agent_mode m);
const char *agent_mode_display(enum agent_mode m);
/* Sets the mode of the next turn (a running turn keeps its own). */
void agent_set_mode(struct agent *a, enum agent_mode m);
enum agent_mode agent_get_mode(const struct agent *a);

/* Answers a request_user_input call (Plan mode): response is upstream's
 * RequestUserInputResponse, {"answers": {"<question id>": {"answers": ["<label>",
 * "user_note: <text>"]}}}, sent to the model as the call's output (JSON text). -1 when no
 * such question is pending. An interrupt answers it "aborted". */
int agent_answer_user_input(struct agent *a, const char *call_id, const cJSON *response,
			    struct err *e);

/* Ends the session: interrupts a running turn, kills every command, flushes the
 * rollout; shutdown_complete follows. */
void agent_shutdown(struct agent *a);

/* True while a turn runs (between task_started and its last event). */
bool agent_busy(const struct agent *a);

/* Background terminals (the TUI's /ps and /stop): exec_command sessions still running
 * after their call was answered, which write_stdin can reach by id. They outlive turns. */
#define AGENT_MAX_TERMINALS 64
struct agent_terminal {
	int id;                        /* the session_id the model uses */
	char *const *argv;             /* the command; borrowed until the next agent call */
};
/* Fills out with at most max of them, oldest first; their number. */
size_t agent_terminals(const struct agent *a, struct agent_terminal *out, size_t max);
/* Stops every background terminal (killed with what it started; a later write_stdin to
 * it finds no such session), allowed while a turn runs; how many were stopped. */
size_t agent_stop_terminals(struct agent *a);


/* The models a front end's /model offers (model.h's catalog: GET {base_url}/models with
 * the session's credentials, else the built-in list). done runs once, on the loop, never
 * from inside this call, and owns the catalog passed to it (model_catalog_free); e says why
 * the built-in list came instead, or is NULL. One fetch at a time. */
struct model_catalog;
int agent_fetch_models(struct agent *a, void (*done)(void *arg, struct model_catalog *cat,
						     const struct err *e),
		       void *arg, struct err *e);
/* The same as a session starts, as upstream's: signed in with ChatGPT, the cache or the
 * server; otherwise never a request (the cache, else the built-in list). */
int agent_startup_models(struct agent *a, void (*done)(void *arg, struct model_catalog *cat,
						       const struct err *e),
			 void *arg, struct err *e);

/* The ChatGPT account's usage limits, fresh from the backend (chatgpt_base_url), as
 * upstream's /status refreshes them: done gets the snapshot (token_count's rate_limits
 * shape, borrowed for the call) or NULL and why, once, from the loop. -1 when the
 * session is not signed in with ChatGPT or a fetch already runs. */
int agent_fetch_usage(struct agent *a,
		      void (*done)(void *arg, const cJSON *snapshot, const struct err *e),
		      void *arg, struct err *e);


/* Answers a network approval (call_id "network#...") with one of the amendments its
 * request proposed (available_decisions): allow (true) or block the host in the future.
 * The host goes into config.toml's [network] allowed_domains / denied_domains (out of the
 * other list; the rest of the file unchanged; a failure to write is a warning event) and
 * into the session's policy at once; the held request is let through or refused. -1 when
 * no such approval is pending. */
int agent_decide_network_rule(struct agent *a, const char *call_id, bool allow, struct err *e);


/* Answers an MCP tool call's approval (elicitation_request whose _meta.persist offers
 * "always") with "Always allow": the call runs, and config.toml gets
 * [mcp_servers.<server>.tools.<tool>] approval_mode = "approve" (edited in place; a
 * server defined only by -c, or a failure to write, leaves it remembered for the session
 * alone, the failure as a warning event). -1 when no such approval is pending. */
int agent_decide_always(struct agent *a, const char *call_id, struct err *e);

/* Skills (upstream 0.118's core-skills): folders holding a SKILL.md whose YAML front
 * matter names the skill and says what it is for. They are found under, in this order
 * of precedence: the repository's .agents/skills folders (from the project root, the
 * nearest ancestor of the cwd holding .git, down to the cwd), $CODEX_HOME/skills,
 * $HOME/.agents/skills, $CODEX_HOME/skills/.system (upstream's bundled skills, when
 * upstream installed them; we bundle none) and /etc/codex/skills. The same file reached
 * twice counts once; two skills may share a name (a `$name` mention then selects
 * neither). The enabled ones are listed to the model in a <skills_instructions>
 * developer message when a thread starts, and a turn whose text mentions `$name` gets
 * that skill's whole SKILL.md as a <skill> user message right after the prompt.
 * config.toml's [[skills.config]] entries (path or name, enabled = false) disable
 * skills. */
enum agent_skill_scope { AGENT_SKILL_REPO, AGENT_SKILL_USER, AGENT_SKILL_SYSTEM,
			 AGENT_SKILL_ADMIN };
struct agent_skill {
	char *name;                    /* at most AGENT_SKILL_NAME_MAX characters; a plugin's
					* skill has "<plugin>:" before (upstream's namespace) */
	char *description;             /* one line */
	char *short_description;       /* metadata.short-description, or NULL */
	char *path;                    /* the SKILL.md, canonical */
	enum agent_skill_scope scope;
	bool enabled;
};
struct agent_skills {
	struct agent_skill *v;         /* by scope (repo first), then name, then path */
	size_t n;
	struct strv errors;            /* "<path>: <why>" for each SKILL.md that was refused */
};
#define AGENT_SKILL_NAME_MAX 64
#define AGENT_SKILL_DESCRIPTION_MAX 1024
/* Finds the skills for cwd with cfg's [[skills.config]] rules applied. Unreadable
 * folders and bad SKILL.md files are skipped (the latter listed in errors); -1 only when
 * memory runs out. Free with agent_skills_free. */
int agent_skills_load(const struct config *cfg, const char *cwd, struct agent_skills *out,
		      struct err *e);
void agent_skills_free(struct agent_skills *s);

/* Plugins (upstream 0.118's `plugins` feature): a folder with .codex-plugin/plugin.json
 * bundling skills (its skills/ folder, or the manifest's "skills" path), MCP servers (its
 * .mcp.json, or "mcpServers") and ChatGPT apps (.app.json; listed only: their connectors
 * need a ChatGPT sign-in flow that is not implemented). Marketplaces list plugins:
 * <root>/.agents/plugins/marketplace.json for $HOME, the repository of the cwd, and the
 * curated one when already present under $CODEX_HOME/.tmp/plugins (never downloaded).
 * Installing copies a plugin to $CODEX_HOME/plugins/cache/<marketplace>/<plugin>/local
 * and writes [plugins."<plugin>@<marketplace>"] enabled = true to config.toml; an
 * installed, enabled plugin's skills and MCP servers join every new session. */
struct agent_plugin {
	char *name;             /* the marketplace's name for it */
	char *marketplace;      /* the marketplace's name */
	char *marketplace_label; /* its interface.displayName, else its name */
	char *marketplace_path; /* its marketplace.json */
	char *source;           /* the plugin folder in the marketplace */
	char *display_name;     /* interface.displayName, else name */
	char *description;      /* interface.shortDescription, else longDescription; or NULL */
	char *long_description; /* for the details: the manifest's description, else
				 * interface.longDescription, else shortDescription; or NULL */
	bool installable;       /* policy.installation is not NOT_AVAILABLE */
	bool by_default;        /* policy.installation is INSTALLED_BY_DEFAULT (shown only: an
				 * install is still the user's choice here) */
	bool installed;         /* its cache folder exists */
	bool enabled;           /* config.toml enables it */
	struct strv skills;     /* names of the skills it bundles */
	struct strv mcp_servers; /* names of its MCP servers */
	struct strv apps;       /* app connector ids (not usable: no connector support) */
};
struct agent_plugins {
	struct agent_plugin *v;        /* marketplaces in discovery order, then file order */
	size_t n;
	struct strv errors;            /* "<path>: <why>" of marketplaces skipped */
};
/* Lists the marketplaces' plugins for cwd; installed/enabled are read from the cache
 * and from config.toml as it is on disk now (so a list made after an install shows it).
 * Free with agent_plugins_free. */
int agent_plugins_list(const struct config *cfg, const char *cwd, struct agent_plugins *out,
		       struct err *e);
void agent_plugins_free(struct agent_plugins *p);
/* Copies the plugin into the cache (replacing an older copy atomically) and enables it in
 * config.toml. */
int agent_plugin_install(const struct config *cfg, const struct agent_plugin *p, struct err *e);
/* Removes the cache folder and the config.toml entry. */
int agent_plugin_uninstall(const struct config *cfg, const struct agent_plugin *p,
			   struct err *e);
/* Writes [plugins."<id>"] enabled = on. */
int agent_plugin_set_enabled(const struct config *cfg, const struct agent_plugin *p, bool on,
			     struct err *e);
/* The curated marketplace (upstream's startup_sync.rs): openai/plugins, checked out with
 * git into $CODEX_HOME/.tmp/plugins, its commit id in $CODEX_HOME/.tmp/plugins.sha.
 * `git ls-remote <url> HEAD` first; when that commit is already checked out nothing else
 * happens. Otherwise a shallow clone goes into .tmp/plugins-clone-XXXXXX (symlinks
 * checked out as plain files, at most AGENT_CURATED_MAX_BYTES / _FILES, each git run at
 * most AGENT_CURATED_GIT_TIMEOUT_S seconds), must hold .agents/plugins/marketplace.json
 * and the commit announced, and then replaces the old checkout with two renames (the old
 * one comes back if the second fails); the sha file is written last. Any failure leaves
 * the previous checkout as it was. Clone folders older than ten minutes (a process that
 * died mid-sync) are removed first. *sha gets the commit id; *changed says whether a new
 * checkout was made. Blocking: a front end runs it in another process.
 * When git is missing or any git step fails, upstream's HTTP fallback runs instead:
 * GET <api>/repos/openai/plugins (its default_branch), <api>/repos/openai/plugins/git/
 * ref/heads/<branch> (object.sha) and, unless that commit is already checked out,
 * <api>/repos/openai/plugins/tarball/<sha> (upstream takes the zipball; the tarball is
 * the same tree in a form with one compressed stream), each at most
 * AGENT_CURATED_HTTP_TIMEOUT_S seconds, redirects followed (never from https to http);
 * the archive is unpacked into the clone folder (plugins.h: plain files and folders
 * only, paths confined to it) and the steps after the clone are the same. <api> is
 * agent_curated_plugins_api_url(). The error then names both failures. */
#define AGENT_CURATED_PLUGINS_URL "https://github.com/openai/plugins.git"
#define AGENT_CURATED_MAX_BYTES (256ull * 1024 * 1024)
#define AGENT_CURATED_MAX_FILES 50000
#define AGENT_CURATED_GIT_TIMEOUT_S 30
#define AGENT_CURATED_HTTP_TIMEOUT_S 30
#define AGENT_CURATED_API_URL "https://api.github.com"
int agent_plugins_sync_curated(const char *codex_home, const char *url, char sha[65],
			       bool *changed, struct err *e);
/* After a sync (upstream's refresh_curated_plugin_cache): each openai-curated plugin
 * config.toml enables whose cache copy is not of the commit in .tmp/plugins.sha is copied
 * again from the checkout (into cache/openai-curated/<plugin>/<commit>, the older copy
 * removed). The number refreshed, or -1 with e. Installing a curated plugin names its
 * copy after that commit too. */
int agent_plugins_refresh_curated(const char *codex_home, struct err *e);
/* The repository the sync clones: $CODEX_CURATED_PLUGINS_URL when set (empty turns the
 * sync off; tests point it at a local repository), else AGENT_CURATED_PLUGINS_URL. NULL
 * when off. */
const char *agent_curated_plugins_url(void);
/* Starts the sync (the `codex-plugins-sync` role, agent_plugins_sync_curated then
 * agent_plugins_refresh_curated) in a detached process of its own, as a session starts
 * (upstream syncs as the TUI and `codex exec` start): never waited for, its outcome
 * only on disk. Nothing when plugins are off or the URL is. Not on Windows yet. */
void agent_plugins_start_curated_sync(const struct config *cfg);
/* The GitHub API the HTTP fallback of a sync of git_url asks: $CODEX_CURATED_PLUGINS_API_URL
 * when set and not empty (tests serve it on loopback); else AGENT_CURATED_API_URL when
 * git_url is AGENT_CURATED_PLUGINS_URL; else NULL: a repository of one's own has no
 * fallback (GitHub's would be another repository's). */
const char *agent_curated_plugins_api_url(const char *git_url);
/* An enabled, installed plugin as the session sees it (upstream's
 * PluginCapabilitySummary): only plugins with a skill, an MCP server or an app. */
struct agent_plugin_summary {
	char *config_name;      /* "<plugin>@<marketplace>", its key in config.toml */
	char *display_name;     /* the manifest's name, else config_name */
	char *description;      /* the manifest's description on one line (whitespace
				 * collapsed), at most 1024 characters; or NULL */
	bool has_skills;        /* one of its skills is enabled in this session */
	struct strv mcp_servers; /* its .mcp.json's server names, sorted */
	struct strv apps;       /* its app connector ids */
};
/* The session's plugins, as found when it started. Borrowed. */
const struct agent_plugin_summary *agent_plugin_summaries(const struct agent *a, size_t *n);
/* ChatGPT apps (connectors), upstream 0.118's `apps` feature (default on) for a ChatGPT
 * sign-in: the directory of apps comes from chatgpt_base_url's
 * connectors/directory/list (Authorization: Bearer <access token>, chatgpt-account-id),
 * the installed ones are those the built-in codex_apps MCP server (streamable HTTP at
 * <chatgpt_base_url>/wham/apps, same headers) has tools for, and [apps.<id>] enabled =
 * false in config.toml keeps an app's tools from the model. */
/* One directory answer: at most this many apps, this many bytes. */
#define AGENT_APPS_PAGE_MAX 2000
#define AGENT_APPS_BODY_MAX (8u * 1024 * 1024)
/* Pages followed (next_token) and apps kept in all. */
#define AGENT_APPS_PAGES_MAX 50
#define AGENT_APPS_MAX 10000
/* An id, name or description longer than this is refused (ids) or cut (text). */
#define AGENT_APPS_ID_MAX 256
#define AGENT_APPS_TEXT_MAX 4096
/* The directory request's own bound (upstream's directory timeout). */
#define AGENT_APPS_TIMEOUT_MS 60000
/* How long a fetched directory answers an unforced fetch (upstream's CONNECTORS_CACHE_TTL). */
#define AGENT_APPS_CACHE_TTL_MS (3600u * 1000)

struct agent_app {
	char *id, *name;        /* name: the id when the directory has none */
	char *description;      /* or NULL */
	char *install_url;      /* https://chatgpt.com/apps/<slug>/<id> */
	char *slug;             /* agent_apps_installed: the `$` mention ("mock-calendar") */
	bool accessible;        /* installed: codex_apps has tools of it */
	bool enabled;           /* [apps.<id>] enabled is not false */
};
struct agent_apps {
	struct agent_app *v;    /* installed first, then by name, then id */
	size_t n;
};
void agent_apps_free(struct agent_apps *l);
/* One directory page ({"apps": [...], "next_token" | "nextToken": ...}): its apps, hidden
 * ones (visibility "HIDDEN") left out, appended to out (an app already there is merged:
 * a description replaces a missing one); *next_token (malloc'ed, or NULL at the end).
 * -1 with e for what is not that shape or over the limits above. */
int agent_apps_directory_parse(const char *text, size_t len, struct agent_apps *out,
			       char **next_token, struct err *e);
/* Whether apps are on for cfg: the feature and a ChatGPT sign-in in auth.json. */
bool agent_apps_available(const struct config *cfg);
/* The codex_apps server for a session (name, URL, the ChatGPT-Account-ID header), when
 * apps are available: 1 with *out filled (free with config_mcp_server_free), 0 when
 * not, -1 with e. Its bearer is the session's ChatGPT token (asked for through
 * mcp_manager_opts.apps_bearer), or with CODEX_CONNECTORS_TOKEN set and not blank, that
 * variable's value (bearer_token_env_var) and no account header, as upstream. */
int agent_apps_mcp_server(const struct config *cfg, struct config_mcp_server *out,
			  struct err *e);
/* Fetches the directory on the session's loop (every page, then for a workspace account
 * the workspace's list; bounded by AGENT_APPS_TIMEOUT_MS a request) with the session's
 * ChatGPT token, and keeps it for the process. Without force, a list of the same
 * account younger than AGENT_APPS_CACHE_TTL_MS is used: 1, nothing is asked and done is
 * not called. Else 0 and done follows once, from the loop (e NULL on success), unless
 * the session ends first. -1 with e when it cannot start or a fetch already runs. */
int agent_apps_fetch(struct agent *a, bool force, void (*done)(void *arg, const struct err *e),
		     void *arg, struct err *e);
bool agent_apps_fetching(const struct agent *a);
/* The apps now, without a request: the last directory fetched for this account (of any
 * age) merged with the apps the session's codex_apps server has tools for (those the
 * directory does not list left out), the enabled state from config.toml as it is on
 * disk. 1 with the directory, 0 when none was fetched yet (out: the installed apps
 * alone), -1 with e. */
int agent_apps_list(struct agent *a, struct agent_apps *out, struct err *e);
/* The installed and enabled apps for `$` mentions: those the session's codex_apps server
 * has tools for (no request is made), by name. -1 only when memory runs out. */
int agent_apps_installed(struct agent *a, struct agent_apps *out, struct err *e);
/* The session follows an app toggled (after agent_app_set_enabled): its tools leave or
 * rejoin the model's from the next request. */
void agent_apps_changed(struct agent *a, const char *id, bool on);
/* Writes the app's state to config.toml: disabling sets [apps.<id>] enabled = false and
 * disabled_reason = "user"; enabling removes both keys (upstream's edits). */
int agent_app_set_enabled(const struct config *cfg, const char *id, bool on, struct err *e);

/* The session's skills, as found when it started (enabled flags follow
 * agent_set_skill_enabled). Borrowed. */
const struct agent_skills *agent_skills(const struct agent *a);
/* Enables or disables the skill whose SKILL.md is path for this session and in
 * config.toml: disabling adds a [[skills.config]] entry {path, enabled = false},
 * enabling removes the path's entry (the rest of the file is kept byte for byte). -1
 * with e when the file cannot be read, parsed or written (the session keeps its state). */
int agent_set_skill_enabled(struct agent *a, const char *path, bool enabled, struct err *e);

/* ---- multi_agent (subagents.c) ----
 * With features.multi_agent (on by default) the model gets spawn_agent, send_input,
 * wait_agent and close_agent: each sub-agent is an agent of its own on the same loop
 * (its own thread id, history and rollout, whose session_meta source names the parent),
 * started from the parent's settings. At most [agents] max_threads open at once (default
 * AGENT_MAX_SUBAGENT_THREADS), [agents] max_depth levels below the main thread (default
 * AGENT_MAX_SUBAGENT_DEPTH), as upstream. */
#define AGENT_MAX_SUBAGENT_THREADS 6
#define AGENT_MAX_SUBAGENT_DEPTH 1
/* Spawned in one session in all (closed ones included): they stay until agent_free. */
#define AGENT_MAX_SUBAGENTS_TOTAL 64
struct agent_thread {
	struct agent *agent;           /* borrowed until the root agent is freed */
	const char *thread_id;         /* borrowed like agent */
	const char *nickname;          /* "Euclid", ...; NULL for the main thread */
	const char *role;              /* agent_type, or NULL */
	bool closed;                   /* close_agent ended it */
};
/* a's sub-agents (every level), in spawn order; at most max filled, their number. */
size_t agent_subagents(const struct agent *a, struct agent_thread *out, size_t max);
/* After agent_new resumed a session: its sub-agents (every level) brought back from
 * their rollouts, with their histories, nicknames and roles, open unless the session
 * closed them (close_agent, no resume_agent after), in their last status; no turn
 * starts. Each is announced to the subscribers' on_subagent as a spawn is. Returns how
 * many, or -1 with e (the sessions tree could not be read). */
int agent_resume_subagents(struct agent *a, struct err *e);
/* The nickname of a sub-agent, NULL for a main thread. Borrowed. */
const char *agent_nickname(const struct agent *a);

#endif
