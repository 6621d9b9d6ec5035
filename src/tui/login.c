/* The login screen (reference codex-tui.md §11, codex-login.md): shown before the chat
 * when the provider takes OpenAI credentials and none exist (no OPENAI_API_KEY, no
 * auth.json). Three ways in, as upstream: Sign in with ChatGPT (the browser flow with
 * its local callback server), Sign in with Device Code, Provide your own API key;
 * forced_login_method hides what it forbids. Ctrl+C quits.
 *
 * The sign-ins are src/auth's (the same code as `codex login`), run in a child process
 * so that this screen keeps reading keys (Esc cancels: the child is killed, its
 * callback server with it). The child reports over a pipe, one line each:
 *   U <port> <url>       the browser flow is listening
 *   D <url> <code>       the device code to show
 *   O                    signed in (auth.json written)
 *   E <message>          failed
 * and its stdio is /dev/null: a browser it starts must not draw on our terminal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth/auth.h"
#include "model/model.h"
#include "tui/internal.h"

enum login_stage {
	STAGE_MENU,
	STAGE_BROWSER,      /* waiting for the browser's callback */
	STAGE_DEVICE,       /* waiting for the device code to be entered */
	STAGE_API_KEY,      /* typing the key */
	STAGE_DONE          /* signed in: Enter goes on */
};

struct login_ui {
	struct app *a;
	enum login_stage stage;
	int sel;                 /* index into opts */
	int opts[3];             /* 0 ChatGPT, 1 device code, 2 API key */
	int n_opts;
	bool quit, go_on;
	pid_t child;
	int fd;                  /* the child's report pipe, or -1 */
	struct buf report;       /* what it sent so far */
	char *url, *code;        /* browser URL / device URL, device code */
	char *error;             /* the last failure, shown under the menu */
	char *done_msg;
	struct buf key;          /* the API key being typed */
	int rows_drawn;
	bool drawn;
};

/* Credentials would be found: a key in the environment, a provider key or token of
 * its own, or an auth.json. */
static bool needs_login(struct app *a)
{
	struct model_provider p;
	struct err e;
	const char *k = getenv("OPENAI_API_KEY");
	char *path;
	bool need;

	memset(&p, 0, sizeof p);
	if (model_provider_resolve(a->cfg, a->o->oss, &p, &e) < 0)
		return false; /* the agent reports the bad provider */
	need = p.requires_openai_auth && !p.env_key && !(k && *k);
	for (size_t i = 0; need && i < a->cfg->n_providers; i++)
		if (strcmp(a->cfg->providers[i].id, p.id) == 0 &&
		    a->cfg->providers[i].experimental_bearer_token)
			need = false;
	model_provider_free(&p);
	if (!need)
		return false;
	path = auth_file_path(a->cfg->codex_home);
	need = path && access(path, F_OK) != 0;
	free(path);
	return need;
}

/* ---- drawing ---- */

static void push(struct tui_rows *rows, int width, const char *fmt, const char *arg)
{
	char line[4096];

	snprintf(line, sizeof line, fmt, arg ? arg : "");
	if (tui_wrap(line, strlen(line), width, 5, rows) < 0)
		(void)!tui_rows_push(rows, "", 0);
}

static void draw(struct login_ui *u)
{
	static const char *const titles[] = {"Sign in with ChatGPT", "Sign in with Device Code",
					     "Provide your own API key"};
	static const char *const notes[] = {
		"Usage included with Plus, Pro, Business, and Enterprise plans",
		"Sign in from another device with a one-time code", "Pay for what you use"};
	struct app *a = u->a;
	struct tui_rows rows = {0};
	int w = a->term.cols;
	struct err e;
	char line[512];

	push(&rows, w, "  " ST_BOLD "Welcome to Codex" ST_RESET ", OpenAI's command-line coding agent", NULL);
	push(&rows, w, "", NULL);
	switch (u->stage) {
	case STAGE_MENU:
		push(&rows, w, "  Sign in with ChatGPT to use Codex as part of your paid plan", NULL);
		push(&rows, w, "  or connect an API key for usage-based billing", NULL);
		push(&rows, w, "", NULL);
		for (int i = 0; i < u->n_opts; i++) {
			snprintf(line, sizeof line, "%s%d. %s", i == u->sel ? ST_CYAN "> " : "  ", i + 1,
				 titles[u->opts[i]]);
			push(&rows, w, "%s", line);
			push(&rows, w, "     " ST_DIM "%s", notes[u->opts[i]]);
		}
		push(&rows, w, "", NULL);
		if (u->error)
			push(&rows, w, "  " ST_RED "%s", u->error);
		push(&rows, w, "  " ST_DIM "Press Enter to continue", NULL);
		break;
	case STAGE_BROWSER:
		push(&rows, w, "  Finish signing in via your browser", NULL);
		push(&rows, w, "", NULL);
		if (u->url) {
			push(&rows, w, "  If the link doesn't open automatically, open the following link to "
				       "authenticate:", NULL);
			push(&rows, w, "", NULL);
			push(&rows, w, "  " ST_CYAN "%s", u->url);
			push(&rows, w, "", NULL);
			push(&rows, w, "  " ST_DIM "On a remote or headless machine? Press Esc and choose "
				       "Sign in with Device Code instead.", NULL);
		} else {
			push(&rows, w, "  " ST_DIM "Starting the local login server...", NULL);
		}
		push(&rows, w, "", NULL);
		push(&rows, w, "  " ST_DIM "Press Esc to cancel", NULL);
		break;
	case STAGE_DEVICE:
		if (u->code) {
			push(&rows, w, "  1. Open this link in your browser and sign in to your account", NULL);
			push(&rows, w, "     " ST_CYAN "%s", u->url);
			push(&rows, w, "", NULL);
			push(&rows, w, "  2. Enter this one-time code " ST_DIM "(expires in 15 minutes)", NULL);
			push(&rows, w, "     " ST_CYAN "%s", u->code);
			push(&rows, w, "", NULL);
			push(&rows, w, "  " ST_DIM "Device codes are a common phishing target. Never share "
				       "this code.", NULL);
		} else {
			push(&rows, w, "  " ST_DIM "Requesting a device code...", NULL);
		}
		push(&rows, w, "", NULL);
		push(&rows, w, "  " ST_DIM "Press Esc to cancel", NULL);
		break;
	case STAGE_API_KEY: {
		/* the key is shown masked: the screen may be shared or recorded */
		char masked[64];
		size_t n = u->key.len < sizeof masked - 1 ? u->key.len : sizeof masked - 1;
		memset(masked, '*', n);
		masked[n] = '\0';
		push(&rows, w, "  " ST_BOLD "API key", NULL);
		push(&rows, w, "  \xE2\x80\xBA %s", masked);
		push(&rows, w, "", NULL);
		push(&rows, w, "  " ST_DIM "It will be stored locally in auth.json.", NULL);
		if (getenv("OPENAI_API_KEY") && *getenv("OPENAI_API_KEY"))
			push(&rows, w, "  " ST_DIM "Detected OPENAI_API_KEY environment variable.", NULL);
		if (u->error)
			push(&rows, w, "  " ST_RED "%s", u->error);
		push(&rows, w, "", NULL);
		push(&rows, w, "  " ST_DIM "Press Enter to save", NULL);
		push(&rows, w, "  " ST_DIM "Press Esc to go back", NULL);
		break;
	}
	case STAGE_DONE:
		push(&rows, w, "  " ST_GREEN "\xE2\x9C\x93 %s", u->done_msg);
		push(&rows, w, "", NULL);
		push(&rows, w, "  " ST_BOLD "Before you start:", NULL);
		push(&rows, w, "  " ST_DIM "Codex can make mistakes: review what it does, and keep "
			       "the sandbox and approvals on for code you do not trust.", NULL);
		push(&rows, w, "", NULL);
		push(&rows, w, "  " ST_DIM "Press Enter to continue", NULL);
		break;
	}
	if (u->drawn && u->rows_drawn > 1)
		(void)!buf_printf(&a->term.out, "\x1b[%dA", u->rows_drawn - 1);
	(void)!term_puts(&a->term, "\r\x1b[J\x1b[?25l");
	for (size_t i = 0; i < rows.n && (int)i < a->term.rows; i++) {
		char *cut = tui_truncate(rows.v[i], strlen(rows.v[i]), w);
		if (cut)
			(void)!tui_emit_row(&a->term.out, cut, strlen(cut), a->color);
		free(cut);
		if (i + 1 < rows.n && (int)i + 1 < a->term.rows)
			(void)!term_puts(&a->term, "\r\n");
	}
	u->rows_drawn = (int)(rows.n < (size_t)a->term.rows ? rows.n : (size_t)a->term.rows);
	u->drawn = true;
	tui_rows_free(&rows);
	(void)term_flush(&a->term, &e);
}

/* ---- the sign-in child ---- */

static int report_fd = -1;

static void child_say(const char *kind, const char *a1, const char *a2)
{
	dprintf(report_fd, "%s%s%s%s%s\n", kind, a1 ? " " : "", a1 ? a1 : "", a2 ? " " : "",
		a2 ? a2 : "");
}

static void child_url(void *arg, const char *url, int port)
{
	char p[16];

	(void)arg;
	snprintf(p, sizeof p, "%d", port);
	child_say("U", p, url);
}

static void child_device(void *arg, const char *url, const char *code)
{
	(void)arg;
	child_say("D", url, code);
}

static void start_signin(struct login_ui *u, bool device)
{
	struct app *a = u->a;
	int p[2];
	pid_t pid;

	free(u->error);
	u->error = NULL;
	if (pipe2(p, O_CLOEXEC) < 0) {
		u->error = strdup("cannot start the sign-in");
		return;
	}
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		u->error = strdup("cannot start the sign-in");
		return;
	}
	if (pid == 0) {
		struct auth_login_opts o;
		struct err e = {{0}};
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		int rc;

		sigset_t all;
		close(p[0]);
		report_fd = p[1];
		/* the UI blocks its signals (it reads them from a signalfd): not here */
		sigfillset(&all);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		if (devnull >= 0) {
			/* codex-lint: no-cloexec: the browser's stdin */
			(void)dup2(devnull, 0);
			/* codex-lint: no-cloexec: the browser's stdout */
			(void)dup2(devnull, 1);
			/* codex-lint: no-cloexec: the browser's stderr */
			(void)dup2(devnull, 2);
		}
		memset(&o, 0, sizeof o);
		o.codex_home = a->cfg->codex_home;
		o.issuer = a->o->login_issuer;
		o.port = a->o->login_port;
		o.originator = "codex_cli_rs";
		o.forced_workspace_id = a->cfg->forced_chatgpt_workspace_id;
		o.open_browser = true;
		o.on_url = child_url;
		o.on_device_code = child_device;
		rc = device ? auth_login_device(&o, &e) : auth_login_browser(&o, &e);
		if (rc < 0)
			child_say("E", e.msg[0] ? e.msg : "sign-in failed", NULL);
		else
			child_say("O", NULL, NULL);
		_exit(rc < 0 ? 1 : 0);
	}
	close(p[1]);
	u->child = pid;
	u->fd = p[0];
	buf_reset(&u->report);
	u->stage = device ? STAGE_DEVICE : STAGE_BROWSER;
}

static void reap(struct login_ui *u, bool kill_it)
{
	if (u->child > 0) {
		if (kill_it)
			kill(u->child, SIGKILL);
		while (waitpid(u->child, NULL, 0) < 0 && errno == EINTR) {
		}
		u->child = 0;
	}
	if (u->fd >= 0) {
		close(u->fd);
		u->fd = -1;
	}
}

static void replace(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = strndup(s, n);
}

/* One line of the child's report. */
static void on_report(struct login_ui *u, const char *l)
{
	const char *sp;

	if (l[0] == 'U' && l[1] == ' ' && (sp = strchr(l + 2, ' '))) {
		replace(&u->url, sp + 1, strlen(sp + 1));
	} else if (l[0] == 'D' && l[1] == ' ' && (sp = strchr(l + 2, ' '))) {
		replace(&u->url, l + 2, (size_t)(sp - (l + 2)));
		replace(&u->code, sp + 1, strlen(sp + 1));
	} else if (l[0] == 'O') {
		reap(u, false);
		u->stage = STAGE_DONE;
		free(u->done_msg);
		u->done_msg = strdup("Signed in with your ChatGPT account");
	} else if (l[0] == 'E') {
		reap(u, false);
		u->stage = STAGE_MENU;
		replace(&u->error, l + (l[1] ? 2 : 1), strlen(l + (l[1] ? 2 : 1)));
	}
}

static void read_report(struct login_ui *u)
{
	char chunk[4096];
	ssize_t n = read(u->fd, chunk, sizeof chunk);
	char *nl;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) { /* the child is gone without a word */
		reap(u, false);
		if (u->stage == STAGE_BROWSER || u->stage == STAGE_DEVICE) {
			u->stage = STAGE_MENU;
			const char *m = "the sign-in ended unexpectedly";
			replace(&u->error, m, strlen(m));
		}
		return;
	}
	if (buf_append(&u->report, chunk, (size_t)n) < 0) {
		buf_init(&u->report, 64 * 1024);
		return;
	}
	while (u->fd >= 0 && u->report.len && (nl = memchr(u->report.data, '\n', u->report.len))) {
		*nl = '\0';
		{
			char *line = strdup(u->report.data);
			buf_consume(&u->report, (size_t)(nl - u->report.data) + 1);
			if (line)
				on_report(u, line);
			free(line);
		}
	}
}

/* ---- keys ---- */

static void choose(struct login_ui *u, int idx)
{
	if (idx < 0 || idx >= u->n_opts)
		return;
	u->sel = idx;
	switch (u->opts[idx]) {
	case 0:
		start_signin(u, false);
		break;
	case 1:
		start_signin(u, true);
		break;
	default:
		free(u->error);
		u->error = NULL;
		buf_reset(&u->key);
		u->stage = STAGE_API_KEY;
		break;
	}
}

static void save_key(struct login_ui *u)
{
	struct err e;
	char *k;
	size_t s = 0, n = u->key.len;

	if (!u->key.len)
		return;
	while (s < n && (u->key.data[s] == ' ' || u->key.data[s] == '\t'))
		s++;
	while (n > s && (u->key.data[n - 1] == ' ' || u->key.data[n - 1] == '\t'))
		n--;
	k = strndup(u->key.data + s, n - s);
	if (!k || !*k) {
		free(k);
		return;
	}
	if (auth_save_api_key(u->a->cfg->codex_home, k, &e) < 0) {
		replace(&u->error, e.msg, strlen(e.msg));
	} else {
		u->stage = STAGE_DONE;
		free(u->done_msg);
		u->done_msg = strdup("API key configured");
	}
	memset(k, 0, strlen(k));
	free(k);
	memset(u->key.data, 0, u->key.len);
	buf_reset(&u->key);
}

static void login_key(void *arg, const struct key *k)
{
	struct login_ui *u = arg;

	if (k->kind == KEY_CTRL && k->cp == 'c') {
		u->quit = true;
		return;
	}
	switch (u->stage) {
	case STAGE_MENU:
		if (k->kind == KEY_UP || (k->kind == KEY_CHAR && k->cp == 'k'))
			u->sel = u->sel > 0 ? u->sel - 1 : 0;
		else if (k->kind == KEY_DOWN || (k->kind == KEY_CHAR && k->cp == 'j'))
			u->sel = u->sel + 1 < u->n_opts ? u->sel + 1 : u->sel;
		else if (k->kind == KEY_ENTER)
			choose(u, u->sel);
		else if (k->kind == KEY_CHAR && k->cp >= '1' && k->cp <= '9')
			choose(u, (int)(k->cp - '1'));
		break;
	case STAGE_BROWSER:
	case STAGE_DEVICE:
		if (k->kind == KEY_ESC) {
			reap(u, true);
			u->stage = STAGE_MENU;
		}
		break;
	case STAGE_API_KEY:
		if (k->kind == KEY_ESC) {
			memset(u->key.data, 0, u->key.len);
			buf_reset(&u->key);
			u->stage = STAGE_MENU;
		} else if (k->kind == KEY_ENTER) {
			save_key(u);
		} else if (k->kind == KEY_BACKSPACE && u->key.len) {
			u->key.data[--u->key.len] = '\0';
		} else if (k->kind == KEY_CHAR && k->cp > ' ' && k->cp < 0x7f) {
			char c = (char)k->cp;
			(void)!buf_append(&u->key, &c, 1);
		} else if (k->kind == KEY_PASTE) {
			size_t n;
			const char *p = keys_paste(&u->a->keys, &n);
			for (size_t i = 0; i < n; i++)
				if (p[i] > ' ' && p[i] < 0x7f)
					(void)!buf_append(&u->key, p + i, 1);
		}
		break;
	case STAGE_DONE:
		if (k->kind == KEY_ENTER)
			u->go_on = true;
		break;
	}
}

int start_login(struct app *a, struct err *e)
{
	struct login_ui u;
	const char *forced = a->cfg->forced_login_method;
	int rc = 0;

	if (!needs_login(a))
		return 0;
	memset(&u, 0, sizeof u);
	u.a = a;
	u.fd = -1;
	buf_init(&u.report, 64 * 1024);
	buf_init(&u.key, AUTH_API_KEY_MAX_BYTES);
	if (!(forced && strcmp(forced, "api") == 0)) {
		u.opts[u.n_opts++] = 0;
		u.opts[u.n_opts++] = 1;
	}
	if (!(forced && strcmp(forced, "chatgpt") == 0))
		u.opts[u.n_opts++] = 2;
	draw(&u);
	while (!u.quit && !u.go_on && !a->quit) {
		int r = start_screen_wait(a, u.fd, login_key, &u);
		if (r < 0)
			break;
		if (r > 0)
			read_report(&u);
		draw(&u);
	}
	reap(&u, true);
	/* The screen goes; the chat starts where it was. */
	if (u.rows_drawn > 1)
		(void)!buf_printf(&a->term.out, "\x1b[%dA", u.rows_drawn - 1);
	(void)!term_puts(&a->term, "\r\x1b[J");
	(void)term_flush(&a->term, e);
	if (!u.go_on) {
		if (!a->quit)
			a->exit_code = 0;
		rc = 1;
	}
	buf_free(&u.report);
	if (u.key.data)
		memset(u.key.data, 0, u.key.len);
	buf_free(&u.key);
	free(u.url);
	free(u.code);
	free(u.error);
	free(u.done_msg);
	return rc;
}
