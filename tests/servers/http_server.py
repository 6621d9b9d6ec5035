#!/usr/bin/env python3
"""A small HTTP/HTTPS test server for the integration suites (loopback or a unix socket).

  http_server.py --port-file F [--port N] [--cert C --key K] [--unix PATH]

Writes the bound port (or the socket path) to F once it accepts connections. Routes:
  GET  /hello            200 "hello"
  any  /echo             200 "<METHOD> <body>"
  GET  /headers          200, the request headers, one per line
  GET  /stream           200, chunked: three pieces 200 ms apart
  GET  /sleep?ms=N       sleeps N ms, then 200 "slept"
  GET  /big?n=N          200, N bytes of 'x'
  GET  /stall            200 with Content-Length 100, sends 5 bytes, then stalls
  GET  /barrier?name=B&n=N  answers "passed" once N requests wait at barrier B (so a
                         client that cannot run N requests at once gets, after 10 s,
                         504 "barrier timed out")
  GET  http://host/...   (absolute form, i.e. used as a forward proxy) 200 "proxied <url>"
"""
import argparse
import os
import socket
import socketserver
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs


BARRIERS = {}
BARRIERS_LOCK = threading.Lock()


def barrier(name, n):
    with BARRIERS_LOCK:
        if name not in BARRIERS:
            BARRIERS[name] = threading.Barrier(n, timeout=10)
        return BARRIERS[name]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_text(self, code, text, extra=None):
        body = text.encode() if isinstance(text, str) else text
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def route(self):
        if self.path.startswith("http://") or self.path.startswith("https://"):
            self.read_body()
            return self.send_text(200, "proxied " + self.path)
        u = urlparse(self.path)
        q = parse_qs(u.query)
        if u.path == "/hello":
            return self.send_text(200, "hello", {"X-Test": "yes"})
        if u.path == "/echo":
            body = self.read_body()
            return self.send_text(200, self.command.encode() + b" " + body)
        if u.path == "/headers":
            return self.send_text(200, "".join(f"{k}: {v}\n" for k, v in self.headers.items()))
        if u.path == "/stream":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"one", b"two", b"three"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
                time.sleep(0.2)
            self.wfile.write(b"0\r\n\r\n")
            return
        if u.path == "/barrier":
            try:
                barrier(q.get("name", ["b"])[0], int(q.get("n", ["2"])[0])).wait()
            except threading.BrokenBarrierError:
                return self.send_text(504, "barrier timed out")
            return self.send_text(200, "passed")
        if u.path == "/sleep":
            time.sleep(int(q.get("ms", ["1000"])[0]) / 1000.0)
            return self.send_text(200, "slept")
        if u.path == "/big":
            return self.send_text(200, b"x" * int(q.get("n", ["0"])[0]))
        if u.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"start")
            self.wfile.flush()
            time.sleep(30)
            return
        return self.send_text(404, "not found")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = route


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        conn, _ = super().get_request()
        return conn, ("local", 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--unix")
    a = ap.parse_args()
    if a.unix:
        if os.path.exists(a.unix):
            os.unlink(a.unix)
        srv = UnixServer(a.unix, Handler)
        where = a.unix
    else:
        ThreadingHTTPServer.daemon_threads = True
        srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
        where = str(srv.server_address[1])
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(where)
    os.rename(tmp, a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
