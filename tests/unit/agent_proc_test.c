/* The agent's process runner (src/agent/proc.c): output, exit codes, stdin, a pty and
 * killing a running command, on a real loop with the real sandbox launcher. The loop
 * is run with a bound on iterations, never a clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/proc.h"
#include "base/buf.h"
#include "test.h"

struct seen {
	struct buf out, err;
	bool done;
	struct sandbox_result r;
};

static void on_out(void *arg, enum proc_stream s, const char *d, size_t n)
{
	struct seen *w = arg;
	(void)!buf_append(s == PROC_STDOUT ? &w->out : &w->err, d, n);
}

static void on_exit_(void *arg, const struct sandbox_result *r)
{
	struct seen *w = arg;
	w->done = true;
	w->r = *r;
}

/* Runs the loop until the command ended (at most `rounds` wake-ups of up to 1 s). */
static void run_until_done(struct loop *l, struct seen *w, int rounds)
{
	struct err e;
	for (int i = 0; i < rounds && !w->done; i++)
		if (loop_run_once(l, 1000, &e) < 0)
			break;
}

static int start(struct loop *l, enum sandbox_mode mode, char *const *argv, bool tty,
		 struct seen *w, struct proc **p, struct sandbox_policy *pol)
{
	struct proc_spec s;
	struct proc_events ev = {w, on_out, on_exit_};
	struct err e;
	char cwd[4096];

	memset(w, 0, sizeof *w);
	buf_init(&w->out, 1 << 20);
	buf_init(&w->err, 1 << 20);
	sandbox_policy_init(pol, mode);
	memset(&s, 0, sizeof s);
	s.policy = pol;
	s.cwd = getcwd(cwd, sizeof cwd);
	s.argv = argv;
	s.tty = tty;
	s.keep_stdin = true;
	return proc_start(l, &s, &ev, p, &e);
}

static void done(struct seen *w, struct proc *p, struct sandbox_policy *pol)
{
	proc_free(p);
	buf_free(&w->out);
	buf_free(&w->err);
	sandbox_policy_free(pol);
}

TEST(agent_proc_output_and_exit_code_unsandboxed)
{
	struct loop *l;
	struct err e;
	struct seen w;
	struct proc *p;
	struct sandbox_policy pol;
	char *argv[] = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL};

	REQUIRE(loop_new(&l, &e) == 0);
	REQUIRE(start(l, SANDBOX_MODE_DANGER_FULL_ACCESS, argv, false, &w, &p, &pol) == 0);
	run_until_done(l, &w, 60);
	CHECK(w.done);
	CHECK_INT(w.r.outcome, SANDBOX_RAN);
	CHECK_INT(w.r.exit_code, 3);
	CHECK_STR(w.out.data ? w.out.data : "", "out\n");
	CHECK_STR(w.err.data ? w.err.data : "", "err\n");
	done(&w, p, &pol);
	loop_free(l);
}

TEST(agent_proc_stdin_reaches_the_command)
{
	struct loop *l;
	struct err e;
	struct seen w;
	struct proc *p;
	struct sandbox_policy pol;
	char *argv[] = {"/bin/sh", "-c", "read x; echo got:$x", NULL};

	REQUIRE(loop_new(&l, &e) == 0);
	REQUIRE(start(l, SANDBOX_MODE_DANGER_FULL_ACCESS, argv, false, &w, &p, &pol) == 0);
	REQUIRE(proc_write(p, "abc\n", 4, &e) == 0);
	proc_close_stdin(p);
	run_until_done(l, &w, 60);
	CHECK(w.done);
	CHECK_STR(w.out.data ? w.out.data : "", "got:abc\n");
	done(&w, p, &pol);
	loop_free(l);
}

TEST(agent_proc_pty_is_a_terminal)
{
	struct loop *l;
	struct err e;
	struct seen w;
	struct proc *p;
	struct sandbox_policy pol;
	char *argv[] = {"/bin/sh", "-c", "test -t 0 && test -t 1 && echo tty", NULL};

	REQUIRE(loop_new(&l, &e) == 0);
	REQUIRE(start(l, SANDBOX_MODE_DANGER_FULL_ACCESS, argv, true, &w, &p, &pol) == 0);
	run_until_done(l, &w, 60);
	CHECK(w.done);
	CHECK_INT(w.r.exit_code, 0);
	CHECK_CONTAINS(w.out.data ? w.out.data : "", "tty");
	done(&w, p, &pol);
	loop_free(l);
}

TEST(agent_proc_kill_ends_a_sleeping_tree)
{
	struct loop *l;
	struct err e;
	struct seen w;
	struct proc *p;
	struct sandbox_policy pol;
	char *argv[] = {"/bin/sh", "-c", "sleep 1000 & sleep 1000; echo never", NULL};

	REQUIRE(loop_new(&l, &e) == 0);
	REQUIRE(start(l, SANDBOX_MODE_DANGER_FULL_ACCESS, argv, false, &w, &p, &pol) == 0);
	REQUIRE(loop_run_once(l, 0, &e) == 0);
	CHECK(!w.done);
	proc_kill(p);
	run_until_done(l, &w, 60);
	CHECK(w.done);
	CHECK(w.r.exit_code != 0);
	CHECK(strstr(w.out.data ? w.out.data : "", "never") == NULL);
	done(&w, p, &pol);
	loop_free(l);
}

TEST(agent_proc_sandboxed_write_outside_is_refused)
{
	struct loop *l;
	struct err e;
	struct seen w;
	struct proc *p;
	struct sandbox_policy pol;
	char *argv[] = {"/bin/sh", "-c", "echo x > /etc/codex-agent-proc-test; echo rc=$?", NULL};

	REQUIRE(loop_new(&l, &e) == 0);
	REQUIRE(start(l, SANDBOX_MODE_READ_ONLY, argv, false, &w, &p, &pol) == 0);
	run_until_done(l, &w, 60);
	CHECK(w.done);
	if (w.r.outcome == SANDBOX_SETUP_FAILED) {
		printf("# sandbox unavailable here: %s\n", w.r.detail.msg);
	} else {
		CHECK_CONTAINS(w.out.data ? w.out.data : "", "rc=");
		CHECK(strstr(w.out.data ? w.out.data : "", "rc=0") == NULL);
		CHECK(access("/etc/codex-agent-proc-test", F_OK) != 0);
	}
	done(&w, p, &pol);
	loop_free(l);
}
