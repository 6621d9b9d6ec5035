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
metadata (logged as {"method": "<GET path>"}), and the same origin is an authorization
server (every request logged as {"method": "<VERB /path>", "params": {...}}):
    POST /register      RFC 7591 registration (JSON): a new client_id for its redirect_uris
                        (absent from the metadata with --no-registration)
    GET  /authorize     checks response_type=code, the client, its redirect_uri and an S256
                        code_challenge, then redirects (302) to redirect_uri with a code and
                        the state given (--reject-scopes: error=invalid_scope while a scope
                        is asked for)
    POST /token         authorization_code (checks code, client, redirect_uri and the PKCE
                        verifier against the challenge) or refresh_token; answers
                        access_token at-N, refresh_token rt-N, expires_in --token-ttl
                        (default 3600); a code or refresh token works once
--oauth-required: POSTs to /mcp need `Authorization: Bearer <the newest access token>`
(else 401 with WWW-Authenticate). --expire-after N: the session expires
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
import base64
import hashlib
import urllib.parse
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


def s256(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def run_http(args):
    srv = Server(args, "http")
    state = {"session": None, "gen": 0, "expired": set(), "calls": 0}
    # the authorization server: clients (id -> redirect_uris), codes, refresh tokens
    auth = {"n": 0, "clients": {}, "codes": {}, "refresh": {}, "access": None}

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

        def origin(self):
            return "http://127.0.0.1:%d" % self.server.server_address[1]

        def do_GET(self):
            # OAuth discovery: metadata at the origin's well-known path with --oauth.
            if args.oauth and self.path.startswith("/.well-known/oauth-authorization-server"):
                md = {"issuer": self.origin(),
                      "authorization_endpoint": self.origin() + "/authorize",
                      "token_endpoint": self.origin() + "/token",
                      "scopes_supported": ["read", " write ", "read"]}
                if not args.no_registration:
                    md["registration_endpoint"] = self.origin() + "/register"
                srv.record({"method": "<GET %s>" % self.path},
                           {k.lower(): v for k, v in self.headers.items()})
                return self.reply(200, json.dumps(md).encode(), "application/json")
            if args.oauth and self.path.startswith("/authorize"):
                return self.authorize()
            self.reply(405 if self.path.startswith("/mcp") else 404)

        def authorize(self):
            q = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).items()}
            srv.record({"method": "<GET /authorize>", "params": q})
            client = auth["clients"].get(q.get("client_id"))
            if (q.get("response_type") != "code" or client is None
                    or q.get("redirect_uri") not in client
                    or q.get("code_challenge_method") != "S256" or not q.get("code_challenge")):
                return self.reply(400, b"bad authorize request", "text/plain")
            sep = "&" if "?" in q["redirect_uri"] else "?"
            if args.reject_scopes and q.get("scope"):
                loc = q["redirect_uri"] + sep + urllib.parse.urlencode(
                    {"error": "invalid_scope", "error_description": "unknown scope",
                     "state": q.get("state", "")})
                return self.reply(302, b"", None, {"Location": loc})
            with srv.lock:
                auth["n"] += 1
                code = "code-%d" % auth["n"]
                auth["codes"][code] = q
            loc = q["redirect_uri"] + sep + urllib.parse.urlencode({"code": code, "state": q.get("state", "")})
            self.reply(302, b"", None, {"Location": loc})

        def issue(self, client_id, scope):
            auth["n"] += 1
            at, rt = "at-%d" % auth["n"], "rt-%d" % auth["n"]
            auth["access"] = at
            auth["refresh"][rt] = client_id
            ans = {"access_token": at, "token_type": "Bearer", "refresh_token": rt,
                   "expires_in": args.token_ttl}
            if scope:
                ans["scope"] = scope
            return ans

        def oauth_post(self, raw):
            path = self.path.split("?")[0]
            if path == "/register" and not args.no_registration:
                req = json.loads(raw)
                srv.record({"method": "<POST /register>", "params": req})
                with srv.lock:
                    auth["n"] += 1
                    cid = "client-%d" % auth["n"]
                    auth["clients"][cid] = req.get("redirect_uris", [])
                return self.reply(201, json.dumps({"client_id": cid, "client_name": req.get("client_name")}).encode(),
                                  "application/json")
            if path == "/token":
                f = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
                srv.record({"method": "<POST /token>", "params": f})
                err = None
                with srv.lock:
                    if f.get("grant_type") == "authorization_code":
                        q = auth["codes"].pop(f.get("code"), None)
                        if q is None:
                            err = "unknown or used code"
                        elif f.get("client_id") != q["client_id"] or f.get("redirect_uri") != q["redirect_uri"]:
                            err = "client or redirect_uri mismatch"
                        elif s256(f.get("code_verifier", "")) != q["code_challenge"]:
                            err = "PKCE verification failed"
                        else:
                            ans = self.issue(q["client_id"], q.get("scope"))
                    elif f.get("grant_type") == "refresh_token":
                        cid = auth["refresh"].pop(f.get("refresh_token"), None)
                        if cid is None or cid != f.get("client_id"):
                            err = "invalid refresh token"
                        else:
                            ans = self.issue(cid, None)
                    else:
                        err = "unsupported grant"
                if err:
                    return self.reply(400, json.dumps({"error": "invalid_grant", "error_description": err}).encode(),
                                      "application/json")
                return self.reply(200, json.dumps(ans).encode(), "application/json")
            return self.reply(404)

        def do_DELETE(self):
            headers = {k.lower(): v for k, v in self.headers.items()}
            srv.record({"method": "<DELETE>"}, headers)
            self.reply(200)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n)
            headers = {k.lower(): v for k, v in self.headers.items()}
            if args.oauth and not self.path.startswith("/mcp"):
                return self.oauth_post(raw)
            try:
                msg = json.loads(raw)
            except ValueError:
                return self.reply(400, b"bad json", "text/plain")
            srv.record(msg, headers)
            if args.oauth_required and headers.get("authorization") != "Bearer %s" % auth["access"]:
                return self.reply(401, b"unauthorized", "text/plain",
                                  {"WWW-Authenticate": 'Bearer resource_metadata="%s"' % self.origin()})
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
    ap.add_argument("--oauth-required", action="store_true")
    ap.add_argument("--no-registration", action="store_true")
    ap.add_argument("--reject-scopes", action="store_true")
    ap.add_argument("--token-ttl", type=int, default=3600)
    args = ap.parse_args()
    if args.http:
        run_http(args)
    else:
        run_stdio(args)


if __name__ == "__main__":
    main()
