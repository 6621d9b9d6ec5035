#!/usr/bin/env python3
"""A scripted MCP client (python3 stdlib only): drives an MCP server over stdio for the
tests of `codex mcp-server`.

    mcp_client.py SCRIPT.py -- COMMAND [ARGS...]

Starts COMMAND with pipes and runs SCRIPT.py (Python) with these in scope:
    send(obj)                   writes one JSON message and a newline
    request(method, params)     sends a request (ids count from 0) and returns its answer
                                (the whole message); notifications and server requests
                                that arrive meanwhile are kept in `seen` (and server
                                requests are passed to on_request, which returns the
                                result to send back, or None to send nothing; notifications
                                are passed to on_notification, which may send())
    seen                        every message received so far, in order
    close()                     closes the server's stdin and waits for it (10 s at most);
                                returns its exit status
Every wait is bounded (60 s); a timeout ends the script with an error.
"""
import json
import queue
import subprocess
import sys
import threading

TIMEOUT = 60


def main():
    script = sys.argv[1]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    q = queue.Queue()

    def reader():
        for line in p.stdout:
            line = line.strip()
            if line:
                q.put(json.loads(line))
        q.put(None)

    threading.Thread(target=reader, daemon=True).start()
    state = {"next": 0}
    seen = []

    def send(obj):
        p.stdin.write((json.dumps(obj) + "\n").encode())
        p.stdin.flush()

    def on_request(msg):
        return None

    def on_notification(msg):
        return None

    env = {}

    def request(method, params=None):
        mid = state["next"]
        state["next"] += 1
        msg = {"jsonrpc": "2.0", "id": mid, "method": method}
        if params is not None:
            msg["params"] = params
        send(msg)
        while True:
            try:
                m = q.get(timeout=TIMEOUT)
            except queue.Empty:
                sys.exit("timed out waiting for the answer to %s" % method)
            if m is None:
                sys.exit("the server closed its output before answering %s" % method)
            seen.append(m)
            if "method" in m and "id" not in m:
                env["on_notification"](m)
                continue
            if "method" in m and "id" in m:
                r = env["on_request"](m)
                if r is not None:
                    send({"jsonrpc": "2.0", "id": m["id"], "result": r})
                continue
            if m.get("id") == mid and "method" not in m:
                return m

    def close():
        p.stdin.close()
        try:
            return p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            sys.exit("the server did not exit after stdin closed")

    env.update(send=send, request=request, seen=seen, close=close, on_request=on_request,
               on_notification=on_notification, json=json)
    with open(script) as f:
        exec(compile(f.read(), script, "exec"), env)


if __name__ == "__main__":
    main()
