/* The automatic approval reviewer's deadline (guardian.c): a review whose request never
 * answers ends, at the deadline, as upstream 0.118's GuardianReviewOutcome::TimedOut does:
 * a high-risk denial (score 100) with its message, told as a warning and a "denied"
 * assessment. The request goes to a loopback listener that takes the connection and never
 * answers, so only the deadline can end it; the agent's deadline is shortened to keep the
 * case quick (the product's is GUARDIAN_TIMEOUT_MS). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/internal.h"
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

TEST(guardian_review_past_its_deadline_is_a_high_risk_denial)
{
	struct seen s = {0};
	struct agent *a = calloc(1, sizeof *a);
	struct model_provider p;
	struct model_client_opts co;
	struct err e;
	char url[64];
	int port = 0, ls = silent_listener(&port);
	uint64_t start;

	REQUIRE(a != NULL);
	REQUIRE(ls >= 0);
	REQUIRE(loop_new(&a->loop, &e) == 0);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", port);
	memset(&p, 0, sizeof p);
	p.id = "mock";
	p.name = "mock";
	p.base_url = url;
	p.wire = MODEL_WIRE_RESPONSES;
	p.stream_idle_timeout_ms = 300000;
	memset(&co, 0, sizeof co);
	co.loop = a->loop;
	co.provider = &p;
	co.bearer = "sk-test";
	REQUIRE(model_client_new(&co, &a->client, &e) == 0);
	a->model = "gpt-5.3-codex";
	a->family = model_family_find(a->model);
	a->cwd = "/tmp";
	a->history = cJSON_CreateArray();
	a->subs[0].on_event = on_event;
	a->subs[0].arg = &s;
	a->n_subs = 1;
	a->guardian_timeout_ms = 200;

	start = loop_clock_ms();
	REQUIRE(guardian_review_start(a, "c1",
				      cJSON_Parse("{\"tool\":\"shell\",\"command\":[\"rm\",\"-rf\","
						  "\"/tmp/x\"],\"cwd\":\"/tmp\"}"),
				      NULL, on_done, &s) != NULL);
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

	strv_free(&s.events);
	model_client_free(a->client);
	loop_free(a->loop);
	cJSON_Delete(a->history);
	free(a);
	close(ls);
}
