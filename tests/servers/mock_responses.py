#!/usr/bin/env python3
"""A scripted mock of the OpenAI Responses and Chat Completions APIs (python3 stdlib only),
the model every agent and model-client test talks to.

    mock_responses.py --script FILE --log FILE [--port N] [--port-file F]
                      [--cert PEM --key PEM] [--models FILE] [--usage FILE]

Listens on 127.0.0.1 (port 0 = the kernel picks; HTTPS with --cert/--key, e.g. a
certificate from a test CA the client trusts through SSL_CERT_FILE). When it accepts
connections it prints the port on stdout (one line) and, with --port-file, writes it there
too. SIGTERM or SIGINT: it stops and exits 0. A script it cannot read or understand: one
line on stderr, exit 2, before listening.

Requests
  Every `POST .../responses` and `POST .../chat/completions` (any prefix, any query) takes
  the next reply of the script, in order. Requests beyond the script get a 500 whose
  error message says so ("mock_responses: request N has no scripted reply ...") and are
  recorded with "overrun": true. With --models FILE, `GET .../models` (any prefix, any
  query) is answered 200 with FILE's bytes as application/json, x-models-etag and ETag headers
  (the model catalog, upstream's {"models": [...]}), taking no reply. With --usage FILE,
  `GET .../wham/usage` and `GET .../api/codex/usage` (the ChatGPT backend's usage limits)
  are answered 200 with FILE's bytes, taking no reply. Any other method or path gets a
  404 and takes no reply.

The request log (--log): one JSON object a line, written when the request has been read
(before the reply), in arrival order:
  {"seq": 0, "method": "POST", "path": "/v1/responses", "query": {"k": "v"},
   "headers": {"authorization": "Bearer x", ...},   names lowercased, repeats joined ", "
   "header_names": ["Host", "content-type", ...],    as sent, in order
   "body": {...},               parsed JSON, or the text when it is not JSON
   "body_sha256": "...",        of the exact bytes (a retry must re-send the same bytes)
   "reply": 0,                  index of the script reply used, null when none
   "overrun": false,
   "client_port": 41234}        the client's port: the same for requests that reused a
                                kept-alive connection
  and, when a stream reply is over, one line about its end:
  {"end_of": 0,                 the request's seq
   "ended": "complete",         "complete" (the body was ended), "cut", "hold" (closed
                                after holding), or "gone" (the client went away first)
   "client_gone": false}        whether the client had closed the connection by the time
                                the body was to end (a client that keeps connections for
                                later requests waits for the end)
  mock_script.py's count and get see the request lines only; `ends` shows these.
  tests/servers/mock_script.py reads it (count, get, inputs).

The script: a JSON file holding a list of replies, one a request, each an object of one
of three kinds.
  {"sse": [EVENT, ...], OPTIONS}      a Responses stream, 200, text/event-stream, chunked;
                                      each event is sent as `event: <type>\\ndata: <json>\\n\\n`
  {"chat": [CHUNK, ...], OPTIONS}     a Chat Completions stream: each chunk as
                                      `data: <json>\\n\\n`, then `data: [DONE]\\n\\n`
  {"status": CODE, "body": B, "headers": {...}, "delay_ms": N}
                                      a plain reply: B is JSON (sent as application/json)
                                      or a string (text/plain); e.g. 500, 401, or 429 with
                                      {"Retry-After": "1"}
  OPTIONS (all optional):
    "status": CODE         of a stream reply (default 200)
    "headers": {...}       extra response headers (e.g. x-codex-primary-used-percent)
    "delay_ms": N          wait this long before answering
    "until_file": PATH     answer only once PATH exists (a test's go-ahead: it acts
                           while the request is known to be held), at most 60 s
    "event_delay_ms": N    pause between events, so they arrive in separate reads
    "cut_after": N         send N events, then part of the next one (or a partial line
                           when there is none), then close the socket: the stream is cut
                           mid-event and the chunked body never ends
    "hold_after": N        send N events, then nothing: the stream stays open until the
                           client goes away (for idle timeouts), at most "hold_ms"
                           (default 120000), then the socket is closed
    "done": false          (chat) leave out the final `data: [DONE]`
    "end_delay_ms": N      wait this long before ending the chunked body (after the
                           last event), as a server whose last bytes come late
    "match_headers": {NAME: VALUE or null}
                           this reply goes only to a request whose headers have these
                           values (null: the header is absent). A request takes the
                           first unused reply, in script order, that it matches: so
                           concurrent requests of several threads (sub-agents send
                           x-openai-subagent) each get their own replies
    "output_subst": {PLACEHOLDER: [CALL_ID, KEY]}
                           before sending, PLACEHOLDER in the events becomes KEY of the
                           JSON output the request carries for CALL_ID (a value the
                           client made up, such as a spawned agent's id, which a later
                           call must name)
  A stream reply sent to the other endpoint (an "sse" reply to /chat/completions or a
  "chat" reply to /responses) is answered with a 500 saying so.

EVENT: a full event object (it has a "type"), {"raw": "text"} sent verbatim (for malformed
streams), or one of these shorthands (tests/servers/mock_script.py builds the same events):
    {"created": "resp_1"}                                    response.created
    {"message": "text", "id": "msg_1"}                       output_item.done of an
                                                             assistant message
    {"message": "Hello", "deltas": ["Hel", "lo"]}            output_item.added, one
                                                             output_text.delta a piece,
                                                             output_item.done ("deltas":
                                                             true = one delta)
    {"function_call": {"name": "exec_command", "arguments": {...} or "json text",
                       "call_id": "call_1"}}
    {"custom_tool_call": {"name": "apply_patch", "input": "*** Begin Patch...",
                          "call_id": "call_1"}}
    {"local_shell_call": {"command": ["ls"], "call_id": "call_1"}}
    {"reasoning": {"summary": ["..."], "content": ["..."], "encrypted_content": "...",
                   "deltas": true}}                          with deltas: part.added and a
                                                             summary delta per part, raw
                                                             deltas, then the item
    {"web_search_call": {"query": "..."}}                    added + done
    {"completed": "resp_1"} / {"completed": {"id": "resp_1", "tokens": 100}} /
    {"completed": {"input_tokens": 10, "cached_input_tokens": 2, "output_tokens": 5,
                   "reasoning_tokens": 1, "total_tokens": 15}}
    {"failed": {"code": "context_length_exceeded", "message": "..."}}
CHUNK: a full chunk object (it has "choices" or "error"), {"raw": "text"}, or
    {"content": "text"}  {"reasoning": "text"}  {"finish": "stop" | "tool_calls"}
    {"tool_call": {"index": 0, "id": "call_1", "name": "f", "arguments": "{\\"a\\":"}}
    {"usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}

Example (a function call, then a 500, then the answer):
  [{"sse": [{"created": "r1"},
            {"function_call": {"name": "exec_command", "arguments": {"cmd": "ls"},
                               "call_id": "c1"}},
            {"completed": "r1"}]},
   {"status": 500, "body": {"error": {"message": "boom"}}},
   {"sse": [{"created": "r2"}, {"message": "done"}, {"completed": "r2"}]}]
"""
import argparse
import hashlib
import json
import os
import select
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mock_script  # noqa: E402

# A request body larger than this is refused (413): real agent requests are a few MB.
MAX_BODY = 256 * 1024 * 1024


class ScriptError(Exception):
    pass


def load_script(path):
    """The script with every shorthand expanded: a list of (kind, reply, pieces)."""
    try:
        with open(path) as f:
            raw = json.load(f)
    except (OSError, ValueError) as e:
        raise ScriptError("cannot read script %s: %s" % (path, e))
    if not isinstance(raw, list):
        raise ScriptError("script %s: must be a JSON list of replies" % path)
    out = []
    for i, r in enumerate(raw):
        where = "script %s: reply %d" % (path, i)
        if not isinstance(r, dict):
            raise ScriptError("%s: must be an object" % where)
        try:
            if "sse" in r:
                pieces = [mock_script.render_sse_event(ev)
                          for e in r["sse"] for ev in mock_script.expand_sse_entry(e)]
                out.append(("sse", r, pieces))
            elif "chat" in r:
                pieces = [mock_script.render_chat_chunk(ch)
                          for e in r["chat"] for ch in mock_script.expand_chat_entry(e)]
                if r.get("done", True):
                    pieces.append(b"data: [DONE]\n\n")
                out.append(("chat", r, pieces))
            elif "status" in r:
                out.append(("status", r, None))
            else:
                raise ValueError("needs \"sse\", \"chat\" or \"status\"")
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ScriptError("%s: %s" % (where, e))
    return out


def subst_outputs(reply, pieces, body):
    """pieces with each output_subst placeholder replaced (see the module doc)."""
    subst = reply.get("output_subst") or {}
    if not subst:
        return pieces
    outputs = {}
    items = body.get("input", []) if isinstance(body, dict) else []
    for it in items if isinstance(items, list) else []:
        if isinstance(it, dict) and it.get("type", "").endswith("_output"):
            outputs[it.get("call_id")] = it.get("output")
    for ph, (call_id, key) in subst.items():
        try:
            value = str(json.loads(outputs[call_id])[key])
        except (KeyError, TypeError, ValueError):
            value = "no-output-for-" + str(call_id)
        pieces = [p.replace(ph.encode(), value.encode()) for p in pieces]
    return pieces


class State:
    def __init__(self, script, log_path):
        self.script = script
        self.used = set()
        self.seq = 0
        self.lock = threading.Lock()
        self.log_lock = threading.Lock()
        self.log = open(log_path, "a") if log_path else None
        self.stopping = threading.Event()

    def take(self, record):
        """Records a request; returns the index of the reply it gets (or None)."""
        with self.lock:
            record["seq"] = self.seq
            self.seq += 1
            idx = None
            if record.pop("_wants_reply"):
                for i in range(len(self.script)):
                    if i not in self.used and self.matches(self.script[i][1], record):
                        idx = i
                        self.used.add(i)
                        break
                else:
                    record["overrun"] = True
            record["reply"] = idx
            record.setdefault("overrun", False)
            self.write(record)
            return record["seq"], idx

    @staticmethod
    def matches(reply, record):
        want = reply.get("match_headers") or {}
        return all(record["headers"].get(k.lower()) == v for k, v in want.items())

    def write(self, record):
        with self.log_lock:
            if self.log:
                self.log.write(json.dumps(record) + "\n")
                self.log.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # An idle keep-alive connection is dropped after this long.
    timeout = 120

    def setup(self):
        super().setup()
        # Events go out as they are written, as a real server's do: without this, Nagle
        # and the client's delayed ACK add some 40 ms to every stream.
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            data = b""
            while True:
                line = self.rfile.readline(100)
                n = int(line.split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                if len(data) + n > MAX_BODY:
                    raise ValueError("body too large")
                data += self.rfile.read(n)
                self.rfile.readline(10)
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n) if n else b""

    def handle_any(self):
        state = self.server.state
        u = urlparse(self.path)
        try:
            body = self.read_body()
        except ValueError:
            self.close_connection = True
            return self.send_plain(413, "request body too large")
        try:
            parsed = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            parsed = body.decode("utf-8", "replace")
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        q = {k: (v[0] if len(v) == 1 else v) for k, v in parse_qs(u.query).items()}
        endpoint = None
        if self.command == "POST":
            if u.path.endswith("/responses"):
                endpoint = "sse"
            elif u.path.endswith("/chat/completions"):
                endpoint = "chat"
        record = {"method": self.command, "path": u.path, "query": q, "headers": headers,
                  "client_port": self.client_address[1],
                  "header_names": list(self.headers.keys()), "body": parsed,
                  "body_sha256": hashlib.sha256(body).hexdigest(),
                  "_wants_reply": endpoint is not None}
        seq, idx = state.take(record)
        if endpoint is None and self.command == "GET" and u.path.endswith("/models") \
                and self.server.models is not None:
            return self.send_plain(200, self.server.models,
                                   {"x-models-etag": "mock-etag", "ETag": '"catalog-1"'},
                                   "application/json")
        if endpoint is None and self.command == "GET" and self.server.usage is not None \
                and (u.path.endswith("/wham/usage") or u.path.endswith("/api/codex/usage")):
            return self.send_plain(200, self.server.usage, {}, "application/json")
        if endpoint is None:
            return self.send_plain(404, "mock_responses: no route for %s %s"
                                   % (self.command, u.path))
        if idx is None:
            msg = ("mock_responses: request %d has no scripted reply (the script has %d)"
                   % (seq, len(state.script)))
            print(msg, file=sys.stderr, flush=True)
            return self.send_json(500, {"error": {"message": msg,
                                                  "type": "mock_script_overrun"}})
        kind, reply, pieces = state.script[idx]
        if not self.await_file(reply.get("until_file")):
            return
        if not self.pause(reply.get("delay_ms", 0)):
            return
        if kind == "status":
            return self.send_status_reply(reply)
        if kind != endpoint:
            msg = ("mock_responses: reply %d is a %s stream but the request went to %s"
                   % (idx, "Responses" if kind == "sse" else "Chat Completions", u.path))
            print(msg, file=sys.stderr, flush=True)
            return self.send_json(500, {"error": {"message": msg, "type": "mock_script"}})
        self.send_stream(seq, reply, subst_outputs(reply, pieces, parsed))

    do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = handle_any

    def await_file(self, path, limit_s=60.0):
        """Waits until path exists (bounded); False when the server is stopping."""
        deadline = time.monotonic() + limit_s
        while path and not os.path.exists(path) and time.monotonic() < deadline:
            if self.server.state.stopping.wait(0.02):
                return False
        return not self.server.state.stopping.is_set()

    def pause(self, ms):
        """Sleeps ms (bounded by shutdown); False when the server is stopping."""
        if ms:
            self.server.state.stopping.wait(ms / 1000.0)
        return not self.server.state.stopping.is_set()

    def send_plain(self, code, text, extra=None, ctype="text/plain"):
        data = text.encode() if isinstance(text, str) else text
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def send_json(self, code, obj, extra=None):
        self.send_plain(code, json.dumps(obj), extra, "application/json")

    def send_status_reply(self, reply):
        body = reply.get("body", "")
        if isinstance(body, str):
            self.send_plain(reply["status"], body, reply.get("headers"))
        else:
            self.send_json(reply["status"], body, reply.get("headers"))

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def client_gone(self):
        """Whether the client has closed its side (EOF waiting to be read); over TLS this
        cannot be seen without reading, and counts as not gone."""
        if isinstance(self.connection, ssl.SSLSocket):
            return False
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
            return bool(r) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def end_record(self, seq, ended, gone):
        self.server.state.write({"end_of": seq, "ended": ended, "client_gone": gone})

    def send_stream(self, seq, reply, pieces):
        self.send_response(reply.get("status", 200))
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in (reply.get("headers") or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.flush()
        cut = reply.get("cut_after")
        hold = reply.get("hold_after")
        gap = reply.get("event_delay_ms", 0)
        try:
            for i, p in enumerate(pieces + [None]):
                if cut is not None and i == cut:
                    part = p[: max(1, len(p) // 2)] if p else b"event: response.output_item.done\ndata: {\"ty"
                    self.write_chunk(part)
                    self.end_record(seq, "cut", False)
                    return self.drop()
                if hold is not None and i == hold:
                    self.hold(reply.get("hold_ms", 120000))
                    self.end_record(seq, "hold", self.client_gone())
                    return self.drop()
                if p is None:
                    break
                if i and gap and not self.pause(gap):
                    return self.drop()
                self.write_chunk(p)
            if not self.pause(reply.get("end_delay_ms", 0)):
                return self.drop()
            gone = self.client_gone()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            self.end_record(seq, "complete", gone)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True
            self.end_record(seq, "gone", True)

    def hold(self, ms):
        """Sends nothing until the client closes, the server stops, or ms pass."""
        deadline = time.monotonic() + ms / 1000.0
        sock = self.connection
        while not self.server.state.stopping.is_set() and time.monotonic() < deadline:
            r, _, _ = select.select([sock], [], [], 0.1)
            if not r:
                continue
            try:
                if not sock.recv(1):
                    return
            except ssl.SSLWantReadError:
                continue
            except OSError:
                return

    def drop(self):
        """Ends the connection without finishing the body."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, state, tls):
        super().__init__(addr, Handler)
        self.state = state
        self.tls = tls
        self.models = None  # --models: the catalog GET /models serves
        self.usage = None  # --usage: the usage limits GET .../wham/usage serves

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the connection's own thread, so a client that
        # stalls in it holds up nobody else.
        if self.tls:
            request.settimeout(10)
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
            request.settimeout(None)
        try:
            self.RequestHandlerClass(request, client_address, self)
        finally:
            if self.tls:
                try:
                    request.close()
                except OSError:
                    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--script", required=True)
    ap.add_argument("--log")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--models")
    ap.add_argument("--usage")
    a = ap.parse_args()
    try:
        script = load_script(a.script)
    except ScriptError as e:
        print("mock_responses: error: %s" % e, file=sys.stderr)
        return 2
    tls = None
    if a.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(a.cert, a.key)
    state = State(script, a.log)
    srv = Server(("127.0.0.1", a.port), state, tls)
    if a.models:
        try:
            with open(a.models, "rb") as f:
                srv.models = f.read()
        except OSError as e:
            print("mock_responses: error: cannot read %s: %s" % (a.models, e), file=sys.stderr)
            return 2
    if a.usage:
        try:
            with open(a.usage, "rb") as f:
                srv.usage = f.read()
        except OSError as e:
            print("mock_responses: error: cannot read %s: %s" % (a.usage, e), file=sys.stderr)
            return 2
    port = srv.server_address[1]

    def stop(signum, frame):
        state.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(a.port_file + ".tmp", a.port_file)
    print(port, flush=True)
    while not state.stopping.wait(1.0):
        pass
    # Out at once: a connection thread stuck on its client must not keep a stopped mock
    # (and the test waiting for it) alive. The log is closed between two records.
    with state.log_lock:
        if state.log:
            state.log.close()
            state.log = None
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
