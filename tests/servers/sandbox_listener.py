#!/usr/bin/env python3
"""A host service for the sandbox escape tests: it records whatever reaches it.

  sandbox_listener.py KIND ADDR READY LOG

KIND  tcp | udp | dns (UDP, answers every query) | unix-stream | unix-dgram | abstract
ADDR  port (0: any) for tcp/udp/dns, a path for unix-*, a name for abstract
READY written (with the port, for tcp/udp/dns) once the socket listens
LOG   every payload received is appended to it (a DNS query as "query")
"""
import os
import socket
import sys

kind, addr, ready, log = sys.argv[1:5]


def record(data):
    with open(log, "ab") as f:
        f.write(data + b"\n")


if kind in ("tcp", "udp", "dns"):
    stype = socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, stype)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(addr)))
    where = str(s.getsockname()[1])
elif kind in ("unix-stream", "abstract"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(addr if kind == "unix-stream" else "\0" + addr)
    where = addr
elif kind == "unix-dgram":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(addr)
    where = addr
else:
    sys.exit("unknown kind " + kind)
if kind.startswith("unix"):
    os.chmod(addr, 0o777)  # reachable by the unprivileged test user too
if stype_stream := s.type == socket.SOCK_STREAM:
    s.listen(16)
with open(ready + ".tmp", "w") as f:
    f.write(where)
os.rename(ready + ".tmp", ready)

while True:
    if stype_stream:
        c, _ = s.accept()
        data = c.recv(4096)
        record(data or b"connected")
        c.close()
    else:
        data, peer = s.recvfrom(4096)
        if kind == "dns":
            record(b"query")
            # Same id, "response" flag, the question echoed, no answers.
            s.sendto(data[:2] + b"\x81\x80" + data[4:6] + b"\x00\x00\x00\x00\x00\x00" + data[12:], peer)
        else:
            record(data)
