#!/usr/bin/env python3
"""A mock of the ChatGPT backend's apps (connectors) endpoints (python3 stdlib only),
recording every request it receives.

    mock_chatgpt_apps.py --port-file F --log FILE [--token T] [--account A]

Listens on 127.0.0.1 (the kernel picks the port; written to --port-file). Every request
must carry `Authorization: Bearer <T>` and `chatgpt-account-id: <A>` (when given), else
401. Under /backend-api:

    GET  /connectors/directory/list?tier=categorized&external_logos=true[&token=...]
         the directory in two pages (next_token "page-2"): Mock Calendar, Mock Drive,
         a hidden app (visibility HIDDEN), then Mock Mail and a disallowed
         connector_openai_ app
    GET  /connectors/directory/list_workspace?external_logos=true   {"apps": []}
    POST /wham/apps   the codex_apps MCP server (streamable HTTP, protocol 2025-06-18,
         JSON answers): initialize gives an Mcp-Session-Id that later POSTs must send
         (else 400); notifications get 202; tools/list answers the tools of the installed
         apps, each with _meta connector_id / connector_name / connector_description;
         tools/call answers text "<tool> ran with <arguments as JSON>"
    DELETE /wham/apps  ends the session (200)

    --hold-dir FILE   a directory page is answered only once FILE exists (at most 60 s;
                      the request is logged when it arrives)
    --grow            from the second first page on, the directory also lists Mock Notes
    --refuse T        a request with `Authorization: Bearer <T>` gets 401 (a token the
                      backend no longer takes; use with --token "" to take any other)

The log: one JSON object a line, in arrival order:
    {"method": "GET"|"POST"|"DELETE", "path": "...", "headers": {...lowercased},
     "body": <the JSON body or null>}
"""
import argparse
import json
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE1 = {
    "apps": [
        {"id": "connector_calendar", "name": "Mock Calendar",
         "description": "Events and meetings", "visibility": "LISTED"},
        {"id": "connector_drive", "name": "Mock Drive", "description": "Files in the cloud"},
        {"id": "connector_hidden", "name": "Hidden App", "visibility": "HIDDEN"},
    ],
    "next_token": "page-2",
}
PAGE2 = {
    "apps": [
        {"id": "connector_mail", "name": "Mock Mail", "description": "Mail \x1b[31mred\x1b[0m"},
        {"id": "connector_openai_internal", "name": "Internal App"},
    ],
    "nextToken": None,
}
TOOLS = [
    {"name": "mock_calendar_list_events", "title": "List events",
     "description": "Lists the calendar's events.",
     "inputSchema": {"type": "object", "properties": {"day": {"type": "string"}}},
     "annotations": {"readOnlyHint": True},
     "_meta": {"connector_id": "connector_calendar", "connector_name": "Mock Calendar",
               "connector_description": "Events and meetings"}},
    {"name": "mock_calendar_delete_event", "title": "Delete event",
     "description": "Deletes an event.",
     "inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}},
     "annotations": {"destructiveHint": True},
     "_meta": {"connector_id": "connector_calendar", "connector_name": "Mock Calendar"}},
    {"name": "mock_mail_send", "description": "Sends a mail.",
     "inputSchema": {"type": "object", "properties": {"to": {"type": "string"}}},
     "annotations": {"readOnlyHint": True},
     "_meta": {"connector_id": "connector_mail", "connector_name": "Mock Mail"}},
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--token", default=None)
    ap.add_argument("--account", default=None)
    ap.add_argument("--hold-dir", default=None)
    ap.add_argument("--grow", action="store_true")
    ap.add_argument("--refuse", default=None)
    args = ap.parse_args()
    lock = threading.Lock()
    sessions = set()
    first_pages = [0]

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def record(self, body):
            entry = {"method": self.command, "path": self.path,
                     "headers": {k.lower(): v for k, v in self.headers.items()},
                     "body": body}
            with lock, open(args.log, "a") as f:
                f.write(json.dumps(entry) + "\n")

        def send(self, code, obj=None, headers=None):
            data = b"" if obj is None else json.dumps(obj).encode()
            self.send_response(code)
            if obj is not None:
                self.send_header("Content-Type", "application/json")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def authorized(self):
            if args.refuse and self.headers.get("Authorization") == "Bearer " + args.refuse:
                self.send(401, {"error": "token expired"})
                return False
            if args.token and self.headers.get("Authorization") != "Bearer " + args.token:
                self.send(401, {"error": "bad token"})
                return False
            if args.account and self.headers.get("chatgpt-account-id") != args.account:
                self.send(401, {"error": "bad account"})
                return False
            return True

        def do_GET(self):
            self.record(None)
            if not self.authorized():
                return
            path, _, query = self.path.partition("?")
            if path == "/backend-api/connectors/directory/list":
                if args.hold_dir:
                    import os, time
                    for _ in range(600):
                        if os.path.exists(args.hold_dir):
                            break
                        time.sleep(0.1)
                if "token=page-2" in query:
                    self.send(200, PAGE2)
                    return
                with lock:
                    first_pages[0] += 1
                    n = first_pages[0]
                page = json.loads(json.dumps(PAGE1))
                if args.grow and n > 1:
                    page["apps"].append({"id": "connector_notes", "name": "Mock Notes"})
                self.send(200, page)
            elif path == "/backend-api/connectors/directory/list_workspace":
                self.send(200, {"apps": []})
            else:
                self.send(404, {"error": "not found"})

        def do_DELETE(self):
            self.record(None)
            with lock:
                sessions.discard(self.headers.get("Mcp-Session-Id"))
            self.send(200)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n)
            try:
                msg = json.loads(raw)
            except ValueError:
                msg = None
            self.record(msg)
            if not self.authorized():
                return
            if self.path != "/backend-api/wham/apps" or not isinstance(msg, dict):
                self.send(404, {"error": "not found"})
                return
            method = msg.get("method")
            if method == "initialize":
                sid = uuid.uuid4().hex
                with lock:
                    sessions.add(sid)
                self.send(200, {"jsonrpc": "2.0", "id": msg["id"], "result": {
                    "protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                    "serverInfo": {"name": "codex_apps", "version": "1"}}},
                    {"Mcp-Session-Id": sid})
                return
            with lock:
                known = self.headers.get("Mcp-Session-Id") in sessions
            if not known:
                self.send(400, {"error": "no session"})
                return
            if "id" not in msg:
                self.send(202)
                return
            if method == "tools/list":
                result = {"tools": TOOLS}
            elif method == "tools/call":
                p = msg.get("params") or {}
                result = {"content": [{"type": "text", "text": "%s ran with %s" % (
                    p.get("name"), json.dumps(p.get("arguments"), sort_keys=True))}]}
            else:
                self.send(200, {"jsonrpc": "2.0", "id": msg["id"],
                                "error": {"code": -32601, "message": "no " + str(method)}})
                return
            self.send(200, {"jsonrpc": "2.0", "id": msg["id"], "result": result})

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    sys.stdout.write("%d\n" % srv.server_address[1])
    sys.stdout.flush()
    srv.serve_forever()


if __name__ == "__main__":
    main()
