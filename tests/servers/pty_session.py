#!/usr/bin/env python3
"""Runs a command on a real terminal (a pty this script holds) and plays a script
against it, for the terminal tests of the sandbox.

  pty_session.py [--rows R --cols C] -- COMMAND [ARGS...]   (script on stdin)

Script lines:
  send TEXT        write TEXT to the terminal (\\r, \\n, \\x03 ... escapes are decoded)
  expect REGEX     wait (5 s at most) until the output so far matches REGEX, then
                   forget the output up to the end of the match
  resize R C       set the terminal size (the foreground job gets SIGWINCH)
  sleep SECONDS
  wait             wait for the command to exit and print "EXIT <status>"
  stty             print the terminal's settings ("STTY <stty -g>") as seen from here
  save FILE        write every byte the terminal received so far to FILE
Exit status 0 when every expect matched, 1 otherwise (the output is printed).
"""
import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time

args = sys.argv[1:]
rows, cols = 24, 80
while args and args[0] != "--":
    if args[0] == "--rows":
        rows = int(args[1])
    elif args[0] == "--cols":
        cols = int(args[1])
    args = args[2:]
cmd = args[1:]

master, slave = os.openpty()


def set_size(r, c):
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", r, c, 0, 0))


set_size(rows, cols)
# The command becomes a session leader with this pty as its controlling terminal,
# like a login shell's job.
proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
buf = b""
received = b""
ok = True


def pump(timeout):
    global buf, received
    r, _, _ = select.select([master], [], [], timeout)
    if r:
        try:
            data = os.read(master, 65536)
        except OSError:
            return False
        buf += data
        received += data
        return bool(data)
    return True


# How long expect and wait give the command: generous, since only a failing test
# waits it out, and a loaded machine starts a sandbox slowly.
EXPECT_S = 20

for line in sys.stdin:
    line = line.rstrip("\n")
    if not line:
        continue
    op, _, arg = line.partition(" ")
    if op == "send":
        try:
            os.write(master, arg.encode().decode("unicode_escape").encode("latin-1"))
        except OSError:
            pass  # the command is gone; "wait" tells how it ended
    elif op == "expect":
        deadline = time.time() + EXPECT_S
        m = None
        while time.time() < deadline:
            m = re.search(arg.encode(), buf)
            if m:
                break
            if not pump(0.05) and proc.poll() is not None:
                break
        m = m or re.search(arg.encode(), buf)
        if not m:
            print("EXPECT FAILED: %r\n--- output:\n%s" % (arg, buf.decode(errors="replace")))
            ok = False
            break
        buf = buf[m.end():]
    elif op == "resize":
        r, c = arg.split()
        set_size(int(r), int(c))
    elif op == "sleep":
        time.sleep(float(arg))
    elif op == "wait":
        deadline = time.time() + EXPECT_S
        while proc.poll() is None and time.time() < deadline:
            pump(0.05)
        if proc.poll() is None:
            print("WAIT TIMED OUT\n--- output:\n%s" % buf.decode(errors="replace"))
            proc.kill()
            ok = False
            break
        print("EXIT %d" % proc.returncode)
    elif op == "save":
        # What is still on its way: until the terminal stays quiet for 0.2 s.
        while select.select([master], [], [], 0.2)[0] and pump(0):
            pass
        with open(arg, "wb") as f:
            f.write(received)
    elif op == "stty":
        print("STTY " + subprocess.run(["stty", "-g"], stdin=slave, capture_output=True,
                                       text=True).stdout.strip())
    else:
        sys.exit("unknown script line: " + line)
if proc.poll() is None:
    proc.kill()
    proc.wait()
sys.exit(0 if ok else 1)
