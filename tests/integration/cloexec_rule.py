#!/usr/bin/env python3
"""The CLOEXEC rule (STYLE.md): every call in our C code that makes a file descriptor
makes it close-on-exec, because the sandbox and the agent exec commands and an fd that
leaks into one is a hole.

    cloexec_rule.py FILE...    prints "file:line: call: what is wrong" per offence;
                               exit 1 when there is one

A call is read whole (its arguments may span lines), with comments and the insides of
string literals blanked, so a flag on the next line counts and "cannot open(...)" in a
message does not. A call that must not be close-on-exec (a child's stdio, an fd handed
on on purpose) carries a comment `codex-lint: no-cloexec <why>` on one of its lines or
the line above.

Not checked, because the fd they return is close-on-exec whatever the caller passes:
pidfd_open and pidfd_getfd, landlock_create_ruleset, the seccomp listener, opendir and
fdopendir (libc opens with O_CLOEXEC), shm_open (POSIX sets FD_CLOEXEC).
"""
import re
import sys

# The call, and the flag it needs among its arguments.
NEEDS_FLAG = {
    "open": r"O_CLOEXEC", "open64": r"O_CLOEXEC", "openat": r"O_CLOEXEC",
    "openat64": r"O_CLOEXEC", "openat2": r"O_CLOEXEC", "open_by_handle_at": r"O_CLOEXEC",
    "socket": r"SOCK_CLOEXEC", "socketpair": r"SOCK_CLOEXEC", "accept4": r"SOCK_CLOEXEC",
    "pipe2": r"O_CLOEXEC", "dup3": r"O_CLOEXEC",
    "mkostemp": r"O_CLOEXEC", "mkostemps": r"O_CLOEXEC", "posix_openpt": r"O_CLOEXEC",
    "eventfd": r"EFD_CLOEXEC", "signalfd": r"SFD_CLOEXEC", "timerfd_create": r"TFD_CLOEXEC",
    "epoll_create1": r"EPOLL_CLOEXEC", "inotify_init1": r"IN_CLOEXEC",
    "memfd_create": r"MFD_CLOEXEC", "userfaultfd": r"O_CLOEXEC",
    "fanotify_init": r"FAN_CLOEXEC", "perf_event_open": r"PERF_FLAG_FD_CLOEXEC",
    # open_tree's OPEN_TREE_CLOEXEC is O_CLOEXEC; lx_open_tree is our wrapper of it.
    "open_tree": r"(OPEN_TREE_CLOEXEC|O_CLOEXEC)", "lx_open_tree": r"(OPEN_TREE_CLOEXEC|O_CLOEXEC)",
    "fsopen": r"FSOPEN_CLOEXEC", "fsmount": r"FSMOUNT_CLOEXEC", "fspick": r"FSPICK_CLOEXEC",
    # Descriptors received over a unix socket (SCM_RIGHTS).
    "recvmsg": r"MSG_CMSG_CLOEXEC", "recvmmsg": r"MSG_CMSG_CLOEXEC",
}
# Calls that take no flag at all, and what to use instead.
NO_FLAG = {
    "creat": "open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)",
    "pipe": "pipe2(fds, O_CLOEXEC)",
    "accept": "accept4(..., SOCK_CLOEXEC)",
    "dup": "fcntl(fd, F_DUPFD_CLOEXEC, 0)",
    "dup2": "dup3(old, new, O_CLOEXEC), or a no-cloexec note when the copy is a child's stdio",
    "epoll_create": "epoll_create1(EPOLL_CLOEXEC)",
    "inotify_init": "inotify_init1(IN_CLOEXEC)",
    "mkstemp": "mkostemp(template, O_CLOEXEC)",
    "mkstemps": "mkostemps(template, suffixlen, O_CLOEXEC)",
    "tmpfile": "mkostemp(template, O_CLOEXEC) in the directory the file belongs in",
    "openpty": "posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)",
    "forkpty": "posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)",
}
# stdio streams: the mode string needs "e".
STDIO = {"fopen", "freopen", "popen"}
NAMES = set(NEEDS_FLAG) | set(NO_FLAG) | STDIO | {"fcntl"}

CALL = re.compile(r"(?<![A-Za-z0-9_.>])([A-Za-z_][A-Za-z0-9_]*)\s*\(")
SYSCALL = re.compile(r"(?<![A-Za-z0-9_])syscall\s*\(\s*SYS_([A-Za-z0-9_]+)")
# A definition or prototype, not a call: the name follows a type (`int lx_open_tree(`).
DECL = re.compile(r"\b(int|void|pid_t|ssize_t|long|unsigned|char|FILE)\b[\s*]*$")
MARK = "codex-lint: no-cloexec"


def blank(src):
    """src with comments and the insides of string and char literals replaced by spaces
    (newlines kept), so offsets and line numbers still match."""
    out, i, n = list(src), 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            while i < n and src[i] != "\n":
                out[i] = " "
                i += 1
        elif src.startswith("/*", i):
            end = src.find("*/", i + 2)
            end = n if end < 0 else end + 2
            for k in range(i, end):
                if src[k] != "\n":
                    out[k] = " "
            i = end
        elif c in "\"'":
            i += 1
            while i < n and src[i] != c and src[i] != "\n":
                if src[i] == "\\" and i + 1 < n:
                    out[i] = " "
                    i += 1
                out[i] = " "
                i += 1
            i += 1
        else:
            i += 1
    return "".join(out)


def close_paren(code, start):
    """Offset just past the parenthesis that closes the one at start."""
    depth = 0
    for k in range(start, len(code)):
        if code[k] == "(":
            depth += 1
        elif code[k] == ")":
            depth -= 1
            if depth == 0:
                return k + 1
    return len(code)


def offence(name, args, orig_args):
    if name in NEEDS_FLAG:
        if not re.search(r"\b" + NEEDS_FLAG[name] + r"\b", args):
            return "without " + NEEDS_FLAG[name].strip("()").replace("|", " or ")
    elif name in NO_FLAG:
        return "makes an inheritable fd: use " + NO_FLAG[name]
    elif name in STDIO:
        modes = re.findall(r'"([^"]*)"', orig_args)
        if not modes or "e" not in modes[-1]:
            return 'without the "e" (O_CLOEXEC) mode flag'
    elif name == "fcntl":
        if re.search(r"\bF_DUPFD\b", args):
            return "F_DUPFD makes an inheritable fd: use F_DUPFD_CLOEXEC"
        if re.search(r"\bF_SETFD\b", args) and not re.search(r"\bFD_CLOEXEC\b", args):
            return "F_SETFD clears FD_CLOEXEC"
    return None


def check(path):
    src = open(path, encoding="utf-8", errors="replace").read()
    code = blank(src)
    lines = src.split("\n")
    found = []
    calls = [(m.group(1), m.start(), m.end() - 1) for m in CALL.finditer(code)]
    calls += [(m.group(1), m.start(), code.find("(", m.start())) for m in SYSCALL.finditer(code)]
    for name, start, paren in calls:
        if name not in NAMES:
            continue
        if DECL.search(code[code.rfind("\n", 0, start) + 1:start]):
            continue
        end = close_paren(code, paren)
        why = offence(name, code[paren:end], src[paren:end])
        if not why:
            continue
        first = code.count("\n", 0, start)
        last = code.count("\n", 0, end)
        if any(MARK in l for l in lines[max(first - 1, 0):last + 1]):
            continue
        found.append((first + 1, f"{path}:{first + 1}: {name}: {why}"))
    found.sort()
    return [f for _, f in found]


def main(argv):
    found = []
    for path in argv[1:]:
        found += check(path)
    for f in found:
        print(f)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
