/* The automatic approval reviewer's deadline (guardian.c): a review whose request never
 * answers ends, at the deadline, as upstream 0.118's GuardianReviewOutcome::TimedOut does:
 * a high-risk denial (score 100) with its message, told as a warning and a "denied"
 * assessment, and the reviewer's turn is stopped. The reviewer's request goes to a
 * loopback listener that takes the connection and never answers, so only the deadline
 * can end it; the agent's deadline is shortened to keep the case quick (the product's is
 * GUARDIAN_TIMEOUT_MS). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/internal.h"
#include "config/config.h"
#include "base/json.h"
#include "test.h"

#define TIMED_OUT "Automatic approval review timed out while evaluating the requested approval."

struct seen {
	bool done;
	enum agent_decision decision;
	struct strv events;             /* "type status" or "warning <message>" */
	char rationale[256];
	double score;
};

static void on_event(void *arg, const struct agent_event *ev)
{
	struct seen *s = arg;
	char line[512];

	if (ev->kind == AGENT_EV_WARNING) {
		snprintf(line, sizeof line, "warning %s", json_get_str(ev->msg, "message"));
	} else if (ev->kind == AGENT_EV_GUARDIAN_ASSESSMENT) {
		const char *why = json_get_str(ev->msg, "rationale");
		const cJSON *score = cJSON_GetObjectItemCaseSensitive(ev->msg, "risk_score");
		snprintf(line, sizeof line, "assessment %s %s", json_get_str(ev->msg, "id"),
			 json_get_str(ev->msg, "status"));
		if (why)
			snprintf(s->rationale, sizeof s->rationale, "%s", why);
		if (cJSON_IsNumber(score))
			s->score = score->valuedouble;
	} else {
		return;
	}
	(void)!strv_push(&s->events, line);
}

static void on_done(void *arg, enum agent_decision d)
{
	struct seen *s = arg;

	s->done = true;
	s->decision = d;
}

/* A listening loopback socket; its port in *port. */
static int silent_listener(int *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t n = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &n) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

/* The reviewer's request connection: what it sent, then whether the client closed it
 * (1), within a bounded wait. */
static int closed_by_client(int ls)
{
	struct pollfd pfd = {.fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC), .events = POLLIN};
	char buf[4096];
	int got = 0;

	if (pfd.fd < 0)
		return 0;
	for (int i = 0; i < 100 && !got; i++) {
		ssize_t n;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(pfd.fd, buf, sizeof buf);
		got = n == 0 || (n < 0 && errno == ECONNRESET);
	}
	close(pfd.fd);
	return got;
}

TEST(guardian_review_past_its_deadline_is_a_high_risk_denial)
{
	struct seen s = {0};
	struct strv ov = STRV_INIT;
	struct config_load_opts lo = {0};
	struct config *cfg = NULL;
	struct loop *loop = NULL;
	struct agent_options ao = {0};
	struct agent_subscriber sub = {.on_event = on_event, .arg = &s};
	struct agent *a = NULL;
	struct err e;
	char line[256], home[4096];
	int port = 0, ls = silent_listener(&port);
	uint64_t start;

	REQUIRE(ls >= 0);
	snprintf(home, sizeof home, "%s/guardian-home", test_tmpdir());
	REQUIRE(mkdir(home, 0700) == 0 || errno == EEXIST);
	snprintf(line, sizeof line, "model_providers.mock.base_url=\"http://127.0.0.1:%d/v1\"",
		 port);
	REQUIRE(strv_push(&ov, "model_provider=\"mock\"") == 0);
	REQUIRE(strv_push(&ov, "model_providers.mock.name=\"mock\"") == 0);
	REQUIRE(strv_push(&ov, line) == 0);
	REQUIRE(strv_push(&ov, "model_providers.mock.env_key=\"GUARDIAN_TEST_KEY\"") == 0);
	REQUIRE(strv_push(&ov, "model_providers.mock.stream_idle_timeout_ms=300000") == 0);
	REQUIRE(strv_push(&ov, "approvals_reviewer=\"guardian_subagent\"") == 0);
	REQUIRE(setenv("GUARDIAN_TEST_KEY", "sk-test", 1) == 0);
	lo.codex_home = home;
	lo.overrides = &ov;
	REQUIRE(config_load(&lo, &cfg, &e) == 0);
	REQUIRE(loop_new(&loop, &e) == 0);
	ao.loop = loop;
	ao.cfg = cfg;
	ao.cwd = "/tmp";
	ao.ephemeral = true;
	REQUIRE(agent_new(&ao, &sub, &a, &e) == 0);
	a->guardian_timeout_ms = 200;

	start = loop_clock_ms();
	REQUIRE(guardian_review_start(a, "c1",
				      cJSON_Parse("{\"tool\":\"shell\",\"command\":[\"rm\",\"-rf\","
						  "\"/tmp/x\"],\"cwd\":\"/tmp\"}"),
				      NULL, on_done, &s) != NULL);
	CHECK(a->guardian_sessions != NULL);
	/* Bounded: the deadline is 200 ms; 10 s means the timer never fired. */
	while (!s.done && loop_clock_ms() - start < 10000)
		REQUIRE(loop_run_once(a->loop, 100, &e) == 0);

	CHECK(s.done);
	CHECK_INT(s.decision, AGENT_DENIED);
	CHECK(loop_clock_ms() - start >= 200);
	REQUIRE(s.events.n == 3);
	CHECK_STR(s.events.v[0], "assessment c1 in_progress");
	CHECK_STR(s.events.v[1], "warning Automatic approval review denied (risk: high): " TIMED_OUT);
	CHECK_STR(s.events.v[2], "assessment c1 denied");
	CHECK_STR(s.rationale, TIMED_OUT);
	CHECK(s.score == 100);
	/* The reviewer's turn was stopped: its request's connection is closed and the
	 * session goes (a fresh one serves the next review). */
	for (int i = 0; i < 10 && a->guardian_sessions; i++)
		REQUIRE(loop_run_once(a->loop, 10, &e) == 0);
	CHECK(a->guardian_sessions == NULL);
	CHECK(closed_by_client(ls));

	strv_free(&s.events);
	strv_free(&ov);
	agent_free(a);
	loop_free(loop);
	config_free(cfg);
	close(ls);
}
