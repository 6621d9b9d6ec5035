#!/usr/bin/env python3
"""A mock of the ChatGPT sign-in issuer (auth.openai.com) for the login suites (python3
stdlib only). It speaks the protocol of reference codex-login.md §2-§7 and §14.

    mock_issuer.py --port-file F --log F [--cert PEM --key PEM] [options]

Listens on 127.0.0.1 (HTTPS with --cert/--key) (a port the kernel picks) and writes the port to F once it accepts
connections. SIGTERM: it stops.

Endpoints
  GET  /oauth/authorize        checks response_type, client_id, code_challenge_method=S256
                               and that redirect_uri and state are present; remembers the
                               challenge for a new code; 302 to redirect_uri?code=C&state=S
                               (or ?error=..&error_description=.. with --authorize-error)
  POST /oauth/token  form, grant_type=authorization_code
                               the code must be one it issued, with the same redirect_uri
                               and client_id, and SHA-256(code_verifier) must match the
                               challenge (400 invalid_grant otherwise); 200 with id_token,
                               access_token, refresh_token (or --token-status / body)
  POST /oauth/token  form, grant_type=...token-exchange
                               200 {"access_token": "sk-exchanged"} (400 with --apikey-fail)
  POST /oauth/token  JSON, grant_type=refresh_token
                               the refresh token must be the latest issued; 200 with a new
                               access and refresh token; --refresh-fail CODE: 401
                               {"error": {"code": CODE}}; --refresh-status N: N
  POST /api/accounts/deviceauth/usercode   {"client_id"} -> {"device_auth_id", "user_code",
                               "interval": "0"} (404 with --device-disabled)
  POST /api/accounts/deviceauth/token      403 --device-pending times, then
                               {"authorization_code", "code_challenge", "code_verifier"}

Tokens are unsigned JWTs: the id_token carries email user@example.com and
https://api.openai.com/auth {chatgpt_plan_type, chatgpt_account_id (--account-id; "" leaves
it out), chatgpt_user_id}; the access token {exp: now + --access-exp, auth.plan}.
The refresh token in force at start is --first-refresh (default rt-1, as in a hand-written
auth.json); each grant issues the next one: rt-2, rt-3, ...

The log (--log): one JSON object a line per request, in arrival order:
  {"seq", "method", "path", "query": {k: v}, "headers": {lowercased: v},
   "form": {k: v} or null, "json": {...} or null, "status": the reply's status}
"""
import argparse
import base64
import hashlib
import json
import os
import secrets
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlparse

CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
LOCK = threading.Lock()
STATE = {"seq": 0, "codes": {}, "refresh_n": 0, "refresh": None, "polls": 0}
ARGS = None


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(payload):
    return b64('{"alg":"none","typ":"JWT"}') + "." + b64(json.dumps(payload)) + "." + b64("sig")


def tokens(n):
    auth = {"chatgpt_plan_type": ARGS.plan, "chatgpt_user_id": "user-1"}
    if ARGS.account_id:
        auth["chatgpt_account_id"] = ARGS.account_id
    if ARGS.org_owner:
        auth["is_org_owner"] = True
        auth["organization_id"] = "org-1"
    idt = jwt({"email": "user@example.com", "https://api.openai.com/auth": auth})
    access = jwt({"exp": int(time.time()) + ARGS.access_exp, "n": n,
                  "https://api.openai.com/auth": {"chatgpt_plan_type": ARGS.plan}})
    return idt, access


def new_refresh():
    STATE["refresh_n"] += 1
    rt = "rt-%d" % STATE["refresh_n"]
    STATE["refresh"] = rt
    return rt


def challenge_of(verifier):
    return b64(hashlib.sha256(verifier.encode()).digest())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, status, form=None, body_json=None):
        u = urlparse(self.path)
        with LOCK:
            seq = STATE["seq"]
            STATE["seq"] += 1
            entry = {"seq": seq, "method": self.command, "path": u.path,
                     "query": dict(parse_qsl(u.query)),
                     "headers": {k.lower(): v for k, v in self.headers.items()},
                     "form": form, "json": body_json, "status": status}
            with open(ARGS.log, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def reply(self, status, body, extra=None, form=None, body_json=None):
        self.record(status, form, body_json)
        data = json.dumps(body).encode() if not isinstance(body, (bytes, str)) else (
            body.encode() if isinstance(body, str) else body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode() if n else ""

    def do_GET(self):
        u = urlparse(self.path)
        q = dict(parse_qsl(u.query))
        if u.path != "/oauth/authorize":
            return self.reply(404, {"error": "not found"})
        problems = []
        if q.get("response_type") != "code":
            problems.append("response_type")
        if q.get("client_id") != CLIENT_ID and q.get("client_id") != ARGS.client_id:
            problems.append("client_id")
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            problems.append("code_challenge")
        if not q.get("redirect_uri") or not q.get("state"):
            problems.append("redirect_uri/state")
        if problems:
            return self.reply(400, {"error": "invalid_request",
                                    "error_description": "bad " + ", ".join(problems)})
        if ARGS.authorize_error:
            err, _, desc = ARGS.authorize_error.partition(":")
            params = {"error": err, "error_description": desc, "state": q["state"]}
        else:
            code = "code-" + secrets.token_hex(4)
            with LOCK:
                STATE["codes"][code] = {"challenge": q["code_challenge"],
                                        "redirect_uri": q["redirect_uri"],
                                        "client_id": q["client_id"]}
            params = {"code": code, "state": q["state"]}
        return self.reply(302, "", {"Location": q["redirect_uri"] + "?" + urlencode(params)})

    def do_POST(self):
        u = urlparse(self.path)
        raw = self.read_body()
        ctype = self.headers.get("Content-Type", "")
        if u.path == "/oauth/token" and ctype.startswith("application/json"):
            try:
                body = json.loads(raw)
            except ValueError:
                return self.reply(400, {"error": "invalid_request"}, body_json=raw)
            return self.refresh(body)
        if u.path == "/oauth/token":
            form = dict(parse_qsl(raw, keep_blank_values=True))
            if form.get("grant_type") == "authorization_code":
                return self.code_grant(form)
            if form.get("grant_type") == "urn:ietf:params:oauth:grant-type:token-exchange":
                if ARGS.apikey_fail:
                    return self.reply(400, {"error": "nope"}, form=form)
                return self.reply(200, {"access_token": "sk-exchanged"}, form=form)
            return self.reply(400, {"error": "unsupported_grant_type"}, form=form)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = raw
        if u.path == "/api/accounts/deviceauth/usercode":
            if ARGS.device_disabled:
                return self.reply(404, {"error": "not found"}, body_json=body)
            return self.reply(200, {"device_auth_id": "dev-1", "user_code": "ABCD-1234",
                                    "interval": "0"}, body_json=body)
        if u.path == "/api/accounts/deviceauth/token":
            if body.get("device_auth_id") != "dev-1" or body.get("user_code") != "ABCD-1234":
                return self.reply(400, {"error": "bad device code"}, body_json=body)
            with LOCK:
                STATE["polls"] += 1
                pending = STATE["polls"] <= ARGS.device_pending
            if pending:
                return self.reply(403, {"error": "authorization_pending"}, body_json=body)
            verifier = b64(secrets.token_bytes(32))
            code = "dcode-" + secrets.token_hex(4)
            base = "%s://%s" % ("https" if ARGS.cert else "http", self.headers.get("Host"))
            with LOCK:
                STATE["codes"][code] = {"challenge": challenge_of(verifier),
                                        "redirect_uri": base + "/deviceauth/callback",
                                        "client_id": CLIENT_ID}
            return self.reply(200, {"authorization_code": code,
                                    "code_challenge": challenge_of(verifier),
                                    "code_verifier": verifier}, body_json=body)
        return self.reply(404, {"error": "not found"}, body_json=body)

    def code_grant(self, form):
        with LOCK:
            c = STATE["codes"].pop(form.get("code"), None)
        if ARGS.token_status:
            return self.reply(ARGS.token_status, {"error": "server_error",
                                                  "error_description": "issuer says no"},
                              form=form)
        why = None
        if c is None:
            why = "unknown or reused code"
        elif form.get("redirect_uri") != c["redirect_uri"]:
            why = "redirect_uri differs"
        elif form.get("client_id") != c["client_id"]:
            why = "client_id differs"
        elif challenge_of(form.get("code_verifier", "")) != c["challenge"]:
            why = "PKCE verifier does not match the challenge"
        if why:
            return self.reply(400, {"error": "invalid_grant", "error_description": why},
                              form=form)
        with LOCK:
            idt, access = tokens(STATE["refresh_n"] + 1)
            rt = new_refresh()
        return self.reply(200, {"id_token": idt, "access_token": access, "refresh_token": rt,
                                "token_type": "Bearer"}, form=form)

    def refresh(self, body):
        if ARGS.refresh_fail:
            return self.reply(401, {"error": {"code": ARGS.refresh_fail,
                                              "message": "refresh refused"}}, body_json=body)
        if ARGS.refresh_status:
            return self.reply(ARGS.refresh_status, {"error": {"message": "try later"}},
                              body_json=body)
        with LOCK:
            if (body.get("grant_type") != "refresh_token" or body.get("client_id") != CLIENT_ID
                    or body.get("refresh_token") != STATE["refresh"]):
                ok = False
            else:
                ok = True
                idt, access = tokens(STATE["refresh_n"] + 1)
                rt = new_refresh()
        if not ok:
            return self.reply(401, {"error": {"code": "refresh_token_invalidated"}},
                              body_json=body)
        return self.reply(200, {"id_token": idt, "access_token": access, "refresh_token": rt},
                          body_json=body)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--client-id", default=CLIENT_ID)
    ap.add_argument("--account-id", default="acc-123")
    ap.add_argument("--plan", default="pro")
    ap.add_argument("--org-owner", action="store_true")
    ap.add_argument("--access-exp", type=int, default=3600)
    ap.add_argument("--first-refresh", default="rt-1",
                    help="the refresh token the mock accepts first (tests that start "
                         "from a hand-written auth.json name its refresh token here)")
    ap.add_argument("--token-status", type=int, default=0)
    ap.add_argument("--apikey-fail", action="store_true")
    ap.add_argument("--refresh-fail", default="")
    ap.add_argument("--refresh-status", type=int, default=0)
    ap.add_argument("--device-pending", type=int, default=2)
    ap.add_argument("--device-disabled", action="store_true")
    ap.add_argument("--authorize-error", default="")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ARGS = ap.parse_args()
    # A hand-written auth.json's refresh token is the one in force from the start.
    STATE["refresh"] = ARGS.first_refresh
    STATE["refresh_n"] = 1
    ThreadingHTTPServer.daemon_threads = True
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if ARGS.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
