#!/usr/bin/env python3
"""A scripted MCP server (protocol 2025-06-18, python3 stdlib only) for the MCP client
tests: stdio (default) or streamable HTTP, recording every message it receives.

    mock_mcp.py [--log FILE] [--mode MODE] [--page-size N] [--tools FILE]
                [--http [--port-file F] [--sse]] [--require-bearer TOKEN]

stdio: one JSON-RPC message a line on stdin/stdout. It writes
"mock_mcp: started (pid N)" to stderr first (the client must log it, never show it).
HTTP (--http): listens on 127.0.0.1 (the kernel picks the port; printed on stdout and
written to --port-file); every POST to /mcp carries one message; requests are answered
with application/json, or with text/event-stream (one event) with --sse; notifications
and responses get 202 (a DELETE, which ends the session, is logged as the message
{"method": "<DELETE>"}). initialize assigns an Mcp-Session-Id that later POSTs must send
(else 400). --oauth: GET /.well-known/oauth-authorization-server[/...] answers OAuth
metadata (logged as {"method": "<GET path>"}). --expire-after N: the session expires
once the N-th tools/call is answered (later POSTs with its id get 404). --require-bearer TOKEN: POSTs without `Authorization: Bearer TOKEN` get 401.

The log (--log): one JSON object a line, in arrival order:
    {"transport": "stdio"|"http", "msg": {...}, "headers": {...}}   (headers: HTTP only,
                                                                     names lowercased)

MODE:
    normal        (default) answers everything
    crash         exits with status 3 right after reading initialize
    no-initialize never answers initialize (keeps reading)
    garbage       answers initialize with a line that is not JSON, then behaves

Resources: resources/list (3 documents, 2 a page), resources/templates/list (one),
resources/read (text "contents of <uri>").

Tools (tools/list; in pages of --page-size with nextCursor when set; --tools FILE
replaces them with the JSON list in FILE, each answered like echo):
    echo   {text}   -> text "echo: <text>"                      readOnlyHint
    add    {a, b}   -> structuredContent {"sum": a+b}            readOnlyHint
    image  {}       -> a text block and a 1x1 PNG image block    readOnlyHint
    env    {name}   -> text: the value of that environment variable (or "<unset>"),
                       and the server's working directory        readOnlyHint
    danger {}       -> text "ran"                                (no annotations: asks)
    fail   {}       -> isError true, text "it failed"            readOnlyHint
    hang   {}       -> never answers                             readOnlyHint
    crash  {}       -> the server exits with status 4            readOnlyHint
    read-only.tool  -> text "dotted"                              readOnlyHint
"""
import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PNG_1X1 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
           "awAAAABJRU5ErkJggg==")

RO = {"readOnlyHint": True}


def obj_schema(props, required=()):
    return {"type": "object", "properties": props, "required": list(required)}


DEFAULT_TOOLS = [
    {"name": "echo", "description": "Echo text back", "annotations": RO,
     "inputSchema": {"type": "object", "properties": {
         "text": {"type": "string", "description": "what to echo"},
         "mode": {"type": "string", "enum": ["a", "b"]},
         "n": {"type": "integer"},
         "opt": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
         "required": ["text"]}},
    {"name": "add", "description": "Add two numbers", "annotations": RO,
     "inputSchema": obj_schema({"a": {"type": "number"}, "b": {"type": "number"}}, ["a", "b"])},
    {"name": "image", "description": "Return an image", "annotations": RO,
     "inputSchema": {"type": "object"}},
    {"name": "env", "description": "Read an environment variable", "annotations": RO,
     "inputSchema": obj_schema({"name": {"type": "string"}}, ["name"])},
    {"name": "danger", "description": "Needs approval", "inputSchema": {"type": "object"}},
    {"name": "fail", "description": "Fails", "annotations": RO, "inputSchema": {"type": "object"}},
    {"name": "hang", "description": "Never answers", "annotations": RO,
     "inputSchema": {"type": "object"}},
    {"name": "crash", "description": "Exits", "annotations": RO, "inputSchema": {"type": "object"}},
    {"name": "read-only.tool", "description": "A dotted name", "annotations": RO,
     "inputSchema": {"type": "object"}},
]


class Server:
    def __init__(self, args, transport):
        self.args = args
        self.transport = transport
        self.lock = threading.Lock()
        self.tools = DEFAULT_TOOLS
        if args.tools:
            with open(args.tools) as f:
                self.tools = json.load(f)

    def record(self, msg, headers=None):
        if not self.args.log:
            return
        rec = {"transport": self.transport, "msg": msg}
        if headers is not None:
            rec["headers"] = headers
        with self.lock, open(self.args.log, "a") as f:
            f.write(json.dumps(rec) + "\n")

    def text(self, t, **extra):
        r = {"content": [{"type": "text", "text": t}]}
        r.update(extra)
        return r

    def call(self, name, args):
        """The result of tools/call, or None to never answer ("hang")."""
        if name == "echo":
            return self.text("echo: %s" % args.get("text", ""))
        if name == "add":
            s = args.get("a", 0) + args.get("b", 0)
            return {"content": [{"type": "text", "text": str(s)}], "structuredContent": {"sum": s}}
        if name == "image":
            return {"content": [{"type": "text", "text": "a pixel"},
                                {"type": "image", "data": PNG_1X1, "mimeType": "image/png"}]}
        if name == "env":
            return self.text("%s=%s cwd=%s" % (args.get("name"), os.environ.get(args.get("name", ""), "<unset>"),
                                               os.getcwd()))
        if name == "danger":
            return self.text("ran")
        if name == "fail":
            return self.text("it failed", isError=True)
        if name == "hang":
            return None
        if name == "crash":
            sys.stderr.write("mock_mcp: crashing on purpose\n")
            sys.stderr.flush()
            os._exit(4)
        if name == "read-only.tool":
            return self.text("dotted")
        if any(t.get("name") == name for t in self.tools):
            return self.text("%s: %s" % (name, json.dumps(args, sort_keys=True)))
        return "unknown tool"

    def handle(self, msg):
        """The answer (a dict) to one message, or None for no answer."""
        method = msg.get("method")
        mid = msg.get("id")
        if method is None or mid is None:
            return None  # a notification or a response
        mode = self.args.mode
        if method == "initialize":
            if mode == "crash":
                sys.stderr.write("mock_mcp: crash mode, exiting\n")
                sys.stderr.flush()
                os._exit(3)
            if mode == "no-initialize":
                return None
            result = {"protocolVersion": msg.get("params", {}).get("protocolVersion", "2025-06-18"),
                      "capabilities": {"tools": {"listChanged": False}},
                      "serverInfo": {"name": "mock_mcp", "version": "1.0"}}
            if mode == "garbage":
                return "garbage"
            return {"jsonrpc": "2.0", "id": mid, "result": result}
        if method == "tools/list":
            tools = self.tools
            start = int((msg.get("params") or {}).get("cursor") or 0)
            result = {"tools": tools}
            if self.args.page_size:
                result = {"tools": tools[start:start + self.args.page_size]}
                if start + self.args.page_size < len(tools):
                    result["nextCursor"] = str(start + self.args.page_size)
            return {"jsonrpc": "2.0", "id": mid, "result": result}
        if method == "tools/call":
            p = msg.get("params") or {}
            r = self.call(p.get("name"), p.get("arguments") or {})
            if r is None:
                return None
            if r == "unknown tool":
                return {"jsonrpc": "2.0", "id": mid,
                        "error": {"code": -32602, "message": "Unknown tool: %s" % p.get("name")}}
            return {"jsonrpc": "2.0", "id": mid, "result": r}
        if method == "resources/list":
            res = [{"uri": "file:///docs/%d.txt" % i, "name": "doc%d" % i, "mimeType": "text/plain"}
                   for i in range(3)]
            start = int((msg.get("params") or {}).get("cursor") or 0)
            result = {"resources": res[start:start + 2]}
            if start + 2 < len(res):
                result["nextCursor"] = str(start + 2)
            return {"jsonrpc": "2.0", "id": mid, "result": result}
        if method == "resources/templates/list":
            return {"jsonrpc": "2.0", "id": mid, "result": {"resourceTemplates": [
                {"uriTemplate": "file:///docs/{n}.txt", "name": "doc"}]}}
        if method == "resources/read":
            uri = (msg.get("params") or {}).get("uri")
            return {"jsonrpc": "2.0", "id": mid, "result": {"contents": [
                {"uri": uri, "mimeType": "text/plain", "text": "contents of %s" % uri}]}}
        if method == "ping":
            return {"jsonrpc": "2.0", "id": mid, "result": {}}
        return {"jsonrpc": "2.0", "id": mid,
                "error": {"code": -32601, "message": "Method not found: %s" % method}}


def run_stdio(args):
    srv = Server(args, "stdio")
    sys.stderr.write("mock_mcp: started (pid %d)\n" % os.getpid())
    sys.stderr.flush()
    if args.mode == "garbage":
        pass
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        srv.record(msg)
        ans = srv.handle(msg)
        if ans is None:
            continue
        if ans == "garbage":
            sys.stdout.write("this is not json\n")
            ans = {"jsonrpc": "2.0", "id": msg["id"],
                   "result": {"protocolVersion": "2025-06-18", "capabilities": {},
                              "serverInfo": {"name": "mock_mcp", "version": "1.0"}}}
        sys.stdout.write(json.dumps(ans) + "\n")
        sys.stdout.flush()


def run_http(args):
    srv = Server(args, "http")
    state = {"session": None, "gen": 0, "expired": set(), "calls": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def reply(self, code, body=b"", ctype=None, extra=None):
            self.send_response(code)
            if ctype:
                self.send_header("Content-Type", ctype)
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            # OAuth discovery: metadata at the origin's well-known path with --oauth.
            if args.oauth and self.path.startswith("/.well-known/oauth-authorization-server"):
                body = json.dumps({"issuer": "http://127.0.0.1",
                                   "authorization_endpoint": "http://127.0.0.1/authorize",
                                   "token_endpoint": "http://127.0.0.1/token"}).encode()
                srv.record({"method": "<GET %s>" % self.path},
                           {k.lower(): v for k, v in self.headers.items()})
                return self.reply(200, body, "application/json")
            self.reply(405 if self.path.startswith("/mcp") else 404)

        def do_DELETE(self):
            headers = {k.lower(): v for k, v in self.headers.items()}
            srv.record({"method": "<DELETE>"}, headers)
            self.reply(200)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n)
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                msg = json.loads(raw)
            except ValueError:
                return self.reply(400, b"bad json", "text/plain")
            srv.record(msg, headers)
            if args.require_bearer and headers.get("authorization") != "Bearer " + args.require_bearer:
                return self.reply(401, b"unauthorized", "text/plain",
                                  {"WWW-Authenticate": "Bearer"})
            extra = {}
            with srv.lock:
                if msg.get("method") == "initialize":
                    state["gen"] += 1
                    state["session"] = "mock-session-%d-%d" % (os.getpid(), state["gen"])
                    extra["Mcp-Session-Id"] = state["session"]
                elif headers.get("mcp-session-id") in state["expired"]:
                    pass
                elif headers.get("mcp-session-id") != state["session"]:
                    return self.reply(400, b"missing or wrong Mcp-Session-Id", "text/plain")
            if msg.get("method") != "initialize" and headers.get("mcp-session-id") in state["expired"]:
                return self.reply(404, b"session expired", "text/plain")
            if msg.get("method") == "tools/call" and args.expire_after:
                with srv.lock:
                    state["calls"] += 1
                    if state["calls"] == args.expire_after:
                        state["expired"].add(state["session"])
            ans = srv.handle(msg)
            if ans is None and "id" in msg and "method" in msg:
                # never answered: hold the POST open until the client gives up
                threading.Event().wait(600)
                return
            if ans is None:
                return self.reply(202, b"", None, extra)
            body = json.dumps(ans).encode()
            if args.sse:
                self.reply(200, b"event: message\ndata: " + body + b"\n\n", "text/event-stream", extra)
            else:
                self.reply(200, body, "application/json", extra)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    print(port, flush=True)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.rename(tmp, args.port_file)
    httpd.serve_forever()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log")
    ap.add_argument("--mode", default="normal",
                    choices=["normal", "crash", "no-initialize", "garbage"])
    ap.add_argument("--page-size", type=int, default=0)
    ap.add_argument("--tools")
    ap.add_argument("--http", action="store_true")
    ap.add_argument("--sse", action="store_true")
    ap.add_argument("--port-file")
    ap.add_argument("--require-bearer")
    ap.add_argument("--oauth", action="store_true")
    ap.add_argument("--expire-after", type=int, default=0)
    args = ap.parse_args()
    if args.http:
        run_http(args)
    else:
        run_stdio(args)


if __name__ == "__main__":
    main()
