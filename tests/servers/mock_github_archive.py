"""A loopback stand-in for the GitHub API the curated plugins sync falls back to when git
is missing: GET /repos/openai/plugins answers {"default_branch": "main"},
/repos/openai/plugins/git/ref/heads/main {"object": {"sha": SHA}}, and
/repos/openai/plugins/tarball/SHA redirects (302, as GitHub does to codeload) to
/codeload/SHA, which serves the bytes of --archive. Every request path is appended to
--log, one a line. The port goes to --port-file once it listens."""
import argparse
import http.server
import json
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--archive", required=True)
    ap.add_argument("--sha", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, status, body, ctype="application/json", extra=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            with open(args.log, "a") as f:
                f.write(self.path + "\n")
            base = "/repos/openai/plugins"
            if self.path == base:
                self.send(200, json.dumps({"default_branch": "main"}).encode())
            elif self.path == base + "/git/ref/heads/main":
                self.send(200, json.dumps({"object": {"sha": args.sha}}).encode())
            elif self.path == base + "/tarball/" + args.sha:
                port = self.server.server_address[1]
                self.send(302, b"", "text/plain",
                          [("Location", "http://127.0.0.1:%d/codeload/%s" % (port, args.sha))])
            elif self.path == "/codeload/" + args.sha:
                with open(args.archive, "rb") as f:
                    self.send(200, f.read(), "application/x-gzip")
            else:
                self.send(404, b'{"message": "Not Found"}')

    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
