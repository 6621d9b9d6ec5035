#!/usr/bin/env python3
"""Loopback test servers for tests/integration/proxy.sh. Each binds 127.0.0.1:0 and
writes its port to PORT_FILE once listening.

  servers.py http PORT_FILE [LOG]            HTTP/1.1 keep-alive origin (see Handler)
  servers.py https PORT_FILE CERT KEY        the same over TLS
  servers.py git PORT_FILE CERT KEY ROOT     git smart HTTP (git http-backend) over TLS
  servers.py stream PORT_FILE                TCP: sends 64 KiB blocks until the peer leaves,
                                             then appends "gone" to PORT_FILE.gone
  servers.py echo PORT_FILE                  TCP echo
  servers.py udpecho PORT_FILE               UDP echo
  servers.py tagged PORT_FILE                HTTP/1.1 keep-alive origin whose answers say
                                             which connection and path they belong to
                                             ("conn=N path=P"); /extra also sends a second,
                                             unasked-for answer right behind the first

Environment: SERVER_HOST (default 127.0.0.1) and SERVER_PORT (default 0: ephemeral)
choose the address to listen on.
"""
import os
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = None
HOST = os.environ.get("SERVER_HOST", "127.0.0.1")
PORT = int(os.environ.get("SERVER_PORT", "0"))
CONNECTIONS = 0
LOCK = threading.Lock()


def log(line):
    if LOG:
        with LOCK, open(LOG, "a") as f:
            f.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global CONNECTIONS
        super().setup()
        with LOCK:
            CONNECTIONS += 1
        log("connection %d" % CONNECTIONS)

    def log_message(self, *a):
        pass

    def send_body(self, body, status=200, ctype="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n)

    def do_GET(self):
        log("%s %s host=%s" % (self.command, self.path, self.headers.get("Host")))
        if self.path.startswith("/hello"):
            self.send_body(b"hello from upstream\n")
        elif self.path.startswith("/headers"):
            body = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items())
            self.send_body(body.encode())
        elif self.path.startswith("/chunked"):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "Keep-Alive, X-Hop")
            self.send_header("Keep-Alive", "timeout=5")
            self.send_header("X-Hop", "secret")
            self.end_headers()
            for i in range(50):
                chunk = ("line %d\n" % i).encode() * 100
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path.startswith("/big"):
            n = int(self.path.split("=")[1])
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            block = b"x" * 65536
            while n > 0:
                self.wfile.write(block[: min(n, len(block))])
                n -= min(n, len(block))
        else:
            self.send_body(b"not found\n", 404)

    do_HEAD = do_GET
    do_OPTIONS = do_GET

    def do_POST(self):
        body = self.read_body()
        log("POST %s %d bytes" % (self.path, len(body)))
        self.send_body(body, ctype="application/octet-stream")

    do_PUT = do_POST


class GitHandler(BaseHTTPRequestHandler):
    """git smart HTTP: every request runs git http-backend as a CGI program."""
    protocol_version = "HTTP/1.1"
    root = None

    def log_message(self, *a):
        pass

    def run_backend(self):
        path, _, query = self.path.partition("?")
        env = dict(os.environ, GIT_PROJECT_ROOT=self.root, GIT_HTTP_EXPORT_ALL="1",
                   PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=self.command,
                   CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   REMOTE_ADDR="127.0.0.1")
        body = b""
        if self.command == "POST":
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    body += self.rfile.read(size)
                    self.rfile.readline()
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            env["CONTENT_LENGTH"] = str(len(body))
            if self.headers.get("Content-Encoding"):
                env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        out = subprocess.run(["git", "http-backend"], input=body, env=env,
                             capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status = 200
        headers = []
        for line in head.split(b"\r\n"):
            k, _, v = line.decode().partition(":")
            if k.lower() == "status":
                status = int(v.strip().split()[0])
            elif k:
                headers.append((k, v.strip()))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = run_backend
    do_POST = run_backend


def write_port(path, port):
    with open(path + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(path + ".tmp", path)


def tls_wrap(sock, cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx.wrap_socket(sock, server_side=True)


def tcp_server(port_file, handle):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, PORT))
    s.listen(128)
    write_port(port_file, s.getsockname()[1])
    while True:
        c, _ = s.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


def stream(c, port_file):
    block = b"s" * 65536
    try:
        while True:
            c.sendall(block)
    except OSError:
        with open(port_file + ".gone", "a") as f:
            f.write("gone\n")


def echo(c):
    try:
        while True:
            d = c.recv(65536)
            if not d:
                break
            c.sendall(d)
    except OSError:
        pass
    c.close()


def tagged(c, number):
    buf = b""
    try:
        while True:
            while b"\r\n\r\n" not in buf:
                d = c.recv(65536)
                if not d:
                    return
                buf += d
            head, _, buf = buf.partition(b"\r\n\r\n")
            path = head.split(b" ")[1].decode()
            body = ("conn=%d path=%s\n" % (number, path)).encode()
            out = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
            if path == "/extra":
                out += b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nsmuggled!\n"
            c.sendall(out)
    except OSError:
        pass
    finally:
        c.close()


def main():
    global LOG
    mode, port_file = sys.argv[1], sys.argv[2]
    if mode in ("http", "https", "git"):
        if mode == "http" and len(sys.argv) > 3:
            LOG = sys.argv[3]
        handler = Handler
        if mode == "git":
            GitHandler.root = sys.argv[5]
            handler = GitHandler
        srv = ThreadingHTTPServer((HOST, PORT), handler)
        srv.daemon_threads = True
        if mode in ("https", "git"):
            srv.socket = tls_wrap(srv.socket, sys.argv[3], sys.argv[4])
        write_port(port_file, srv.server_address[1])
        srv.serve_forever()
    elif mode == "stream":
        tcp_server(port_file, lambda c: stream(c, port_file))
    elif mode == "echo":
        tcp_server(port_file, echo)
    elif mode == "tagged":
        count = [0]

        def handle(c):
            with LOCK:
                count[0] += 1
                n = count[0]
            tagged(c, n)
        tcp_server(port_file, handle)
    elif mode == "udpecho":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((HOST, PORT))
        write_port(port_file, s.getsockname()[1])
        while True:
            d, a = s.recvfrom(65536)
            s.sendto(b"echo:" + d, a)


if __name__ == "__main__":
    main()
