/* HTTP calls on the shared event loop (see http.h): libcurl's multi socket interface,
 * its sockets watched by the loop and its timeouts one loop timer.
 *
 * libcurl forbids removing a transfer from inside its own callbacks, and a user callback
 * may do anything (cancel this call or another, start a new one). So the callbacks
 * libcurl calls only record: body bytes go to a per-call pending buffer, the end of a
 * transfer is read from curl_multi_info_read. After each libcurl action, deliver() hands
 * what was recorded to the user, outside libcurl. */
#include "base/http.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/http_internal.h"
#include "base/limits.h"

#define CONTAINER_OF(p, type, member) ((type *)(void *)((char *)(p) - offsetof(type, member)))

struct http_call {
	struct http_transfer t;       /* t.req is &req, t.resp is &resp */
	struct http_request req;      /* the caller's request, without its callbacks */
	struct http_response resp;
	struct http_call_ops ops;
	void *ctx;
	struct http_client *client;
	struct http_call *prev, *next;
	struct buf pending;           /* body bytes libcurl gave and the user has not had */
	struct loop_timer idle;
	CURLcode curl_rc;
	bool in_multi;                /* added to the multi handle */
	bool curl_done;               /* the transfer ended; curl_rc says how */
	bool head_delivered;
	bool in_callback;             /* one of its user callbacks is running */
	bool cancelled;               /* cancelled while in_callback: freed on return */
	bool detached;                /* no callbacks: drained, then freed (idle timer is the
					 drain deadline) */
	bool idle_expired;
};

struct http_client {
	struct loop *loop;
	CURLM *multi;
	struct loop_timer timer;      /* libcurl's next timeout */
	struct http_call *calls;
	bool delivering;
};

static void call_free(struct http_call *call)
{
	struct http_client *c = call->client;

	if (call->prev)
		call->prev->next = call->next;
	else
		c->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	loop_timer_disarm(c->loop, &call->idle);
	if (call->in_multi)
		curl_multi_remove_handle(c->multi, call->t.easy);
	http_xfer_cleanup(&call->t);
	http_response_free(&call->resp);
	buf_free(&call->pending);
	free(call);
}

/* libcurl: body bytes. Recorded only; deliver() passes them on. */
static size_t on_call_data(char *data, size_t size, size_t n, void *userp)
{
	struct http_call *call = userp;
	size_t len = size * n;
	struct buf *b = call->ops.on_data ? &call->pending : &call->resp.body;

	call->t.last_activity_ms = http_monotonic_ms();
	if (buf_append(b, data, len) < 0) {
		snprintf(call->t.abort_reason, sizeof call->t.abort_reason,
			 "response body exceeds %zu bytes", b->max);
		return 0;
	}
	return len;
}

static void on_idle_timer(struct loop *l, struct loop_timer *tm);

static void collect_done(struct http_client *c)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(c->multi, &left))) {
		struct http_call *call = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&call);
		if (!call)
			continue;
		call->curl_done = true;
		call->curl_rc = msg->data.result;
	}
}

static bool has_news(const struct http_call *call)
{
	return !call->cancelled && (call->pending.len > 0 || call->curl_done);
}

/* A detached call's news: its bytes are dropped, and its end frees it. */
static void drain(struct http_call *call)
{
	buf_reset(&call->pending);
	if (call->curl_done)
		call_free(call);
}

/* Hands one call's news to its owner: the head, pending bytes, then the end. Returns
 * with the call either freed or idle again. */
static void deliver_one(struct http_call *call)
{
	struct http_client *c = call->client;
	struct err e;

	if (call->detached) {
		drain(call);
		return;
	}
	call->in_callback = true;
	if (!call->head_delivered) {
		long status = 0;
		call->head_delivered = true;
		curl_easy_getinfo(call->t.easy, CURLINFO_RESPONSE_CODE, &status);
		call->resp.status = status;
		if (call->ops.on_head && (status > 0 || !call->curl_done))
			call->ops.on_head(call->ctx, status, &call->resp.headers);
		if (call->cancelled)
			goto out_free;
		if (call->detached)
			goto out_drain;
	}
	if (call->pending.len > 0) {
		call->ops.on_data(call->ctx, call->pending.data, call->pending.len);
		if (call->cancelled)
			goto out_free;
		if (call->detached)
			goto out_drain;
		buf_reset(&call->pending);
	}
	if (!call->curl_done) {
		call->in_callback = false;
		return;
	}
	if (call->in_multi) {
		curl_multi_remove_handle(c->multi, call->t.easy);
		call->in_multi = false;
	}
	if (call->idle_expired) {
		snprintf(call->t.abort_reason, sizeof call->t.abort_reason,
			 "no data received for %ld ms (idle timeout)", call->req.idle_timeout_ms);
		http_xfer_error(&call->t, CURLE_ABORTED_BY_CALLBACK, &e);
		call->t.ok = 0;
	} else {
		http_xfer_finish(&call->t, call->curl_rc);
		e = call->t.err;
	}
	call->ops.on_done(call->ctx, &call->resp, call->t.ok ? NULL : &e);
out_free:
	call_free(call);
	return;
out_drain:
	call->in_callback = false;
	drain(call);
}

static void deliver(struct http_client *c)
{
	if (c->delivering)
		return;
	c->delivering = true;
	/* Rescanned from the head after each call: a callback may free any call. */
	for (;;) {
		struct http_call *call = c->calls;
		while (call && !has_news(call))
			call = call->next;
		if (!call)
			break;
		deliver_one(call);
	}
	c->delivering = false;
}

static void on_socket_event(struct loop *l, int fd, void *arg, unsigned events)
{
	struct http_client *c = arg;
	int flags = 0, running;

	if (events & LOOP_READ)
		flags |= CURL_CSELECT_IN;
	if (events & LOOP_WRITE)
		flags |= CURL_CSELECT_OUT;
	if (events & LOOP_HUP)
		flags |= CURL_CSELECT_ERR;
	/* A failure here is a bad socket libcurl no longer knows: its transfer ends through
	 * curl_multi_info_read like any other. */
	(void)curl_multi_socket_action(c->multi, fd, flags, &running);
	collect_done(c);
	deliver(c);
}

static void on_timeout(struct loop *l, struct loop_timer *tm)
{
	struct http_client *c = CONTAINER_OF(tm, struct http_client, timer);
	int running;

	(void)curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	collect_done(c);
	deliver(c);
}

static void on_idle_timer(struct loop *l, struct loop_timer *tm)
{
	struct http_call *call = CONTAINER_OF(tm, struct http_call, idle);
	long quiet = http_monotonic_ms() - call->t.last_activity_ms;
	long idle = call->req.idle_timeout_ms;

	if (call->curl_done)
		return;
	if (call->detached) {
		/* The rest of the response did not come in time: the connection goes. */
		call_free(call);
		return;
	}
	if (quiet < idle &&
	    loop_timer_arm(l, tm, loop_clock_ms() + (uint64_t)(idle - quiet), on_idle_timer) == 0)
		return;
	/* Idle for too long (or no memory left to keep watching): the call ends here. */
	call->idle_expired = true;
	call->curl_done = true;
	if (call->in_multi) {
		curl_multi_remove_handle(call->client->multi, call->t.easy);
		call->in_multi = false;
	}
	deliver(call->client);
}

/* libcurl: watch (or stop watching) one of its sockets. */
static int on_curl_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http_client *c = userp;
	unsigned mask = 0;
	struct err e;

	if (what == CURL_POLL_REMOVE) {
		loop_unwatch(c->loop, s);
		return 0;
	}
	if (what & CURL_POLL_IN)
		mask |= LOOP_READ;
	if (what & CURL_POLL_OUT)
		mask |= LOOP_WRITE;
	return loop_watch(c->loop, s, mask, on_socket_event, c, &e) < 0 ? -1 : 0;
}

/* libcurl: its next timeout (-1: none). */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_client *c = userp;

	if (timeout_ms < 0) {
		loop_timer_disarm(c->loop, &c->timer);
		return 0;
	}
	return loop_timer_arm(c->loop, &c->timer, loop_clock_ms() + (uint64_t)timeout_ms,
			      on_timeout);
}

int http_client_new(struct loop *l, struct http_client **out, struct err *e)
{
	struct http_client *c;

	if (http_ready(e) < 0)
		return -1;
	c = calloc(1, sizeof *c);
	if (!c)
		return err_set(e, "out of memory");
	c->loop = l;
	c->multi = curl_multi_init();
	if (!c->multi) {
		free(c);
		return err_set(e, "cannot create a libcurl multi handle");
	}
	if (curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket) != CURLM_OK ||
	    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c) != CURLM_OK ||
	    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer) != CURLM_OK ||
	    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c) != CURLM_OK) {
		curl_multi_cleanup(c->multi);
		free(c);
		return err_set(e, "cannot set up the libcurl multi handle");
	}
	*out = c;
	return 0;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	while (c->calls)
		call_free(c->calls);
	/* Closing the kept connections may still call on_curl_socket / on_curl_timer. */
	curl_multi_cleanup(c->multi);
	loop_timer_disarm(c->loop, &c->timer);
	free(c);
}

struct http_call *http_call_start(struct http_client *c, const struct http_request *req,
				  const struct http_call_ops *ops, void *ctx, struct err *e)
{
	struct http_call *call = calloc(1, sizeof *call);

	if (!call) {
		err_set(e, "out of memory");
		return NULL;
	}
	call->client = c;
	call->req = *req;
	call->req.on_header = NULL;
	call->req.on_data = NULL;
	call->req.ctx = NULL;
	call->ops = *ops;
	call->ctx = ctx;
	buf_init(&call->pending, LIMIT_HTTP_PENDING_BYTES);
	call->next = c->calls;
	if (c->calls)
		c->calls->prev = call;
	c->calls = call;
	if (http_xfer_setup(&call->t, &call->req, &call->resp, e) < 0)
		goto fail;
	if (curl_easy_setopt(call->t.easy, CURLOPT_WRITEFUNCTION, on_call_data) != CURLE_OK ||
	    curl_easy_setopt(call->t.easy, CURLOPT_WRITEDATA, call) != CURLE_OK ||
	    curl_easy_setopt(call->t.easy, CURLOPT_PRIVATE, call) != CURLE_OK) {
		err_set(e, "cannot set up the transfer of %s", req->url);
		goto fail;
	}
	if (req->idle_timeout_ms > 0 &&
	    loop_timer_arm(c->loop, &call->idle,
			   loop_clock_ms() + (uint64_t)req->idle_timeout_ms, on_idle_timer) < 0) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (curl_multi_add_handle(c->multi, call->t.easy) != CURLM_OK) {
		err_set(e, "cannot start the transfer of %s", req->url);
		goto fail;
	}
	call->in_multi = true;
	return call;
fail:
	call_free(call);
	return NULL;
}

void http_call_cancel(struct http_call *call)
{
	if (!call)
		return;
	if (call->in_callback) {
		call->cancelled = true;
		return;
	}
	call_free(call);
}

size_t http_client_calls(const struct http_client *c)
{
	size_t n = 0;

	for (const struct http_call *call = c->calls; call; call = call->next)
		n++;
	return n;
}

void http_call_detach(struct http_call *call, long drain_ms)
{
	if (!call || call->cancelled || call->detached)
		return;
	/* Over already, or no time to wait: nothing to drain. */
	if (call->curl_done || drain_ms <= 0 ||
	    loop_timer_arm(call->client->loop, &call->idle, loop_clock_ms() + (uint64_t)drain_ms,
			   on_idle_timer) < 0) {
		http_call_cancel(call);
		return;
	}
	call->detached = true;
}
