#!/usr/bin/env python3
"""Differential check against upstream (not part of make test: it needs upstream's binary,
which tests/bench/apply_patch.sh installs into build/bench/upstream).

Random well-formed patches on random small files, applied by ours and by upstream's
apply_patch 0.118.0 in the default (legacy) line-ending mode; compares the exit code,
stdout, stderr (our absolute paths made relative: 0.118.0 printed paths as written) and
the resulting trees. The generator avoids the inputs where upstream's parser changed after
0.118.0 (reference §8) and self-moves, which upstream turns into a deletion.

  python3 tests/fuzz/apply_patch_vs_upstream.py OURS_APPLY_PATCH UPSTREAM_APPLY_PATCH N [SEED]

Both programs must be reachable under the name apply_patch (symlinks)."""
import os, random, shutil, subprocess, sys, tempfile

OURS, UP, N = sys.argv[1], sys.argv[2], int(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
rng = random.Random(seed)
WORDS = ["a", "b", "c", "", " a", "a ", "\ta", "b\t", "x = 1", "x = 1  ", "a-b", "a\u2013b",
         "\u201cq\u201d", "\"q\"", "a\u00a0b", "a b", "}", "  }", "c\r", "d\u3000"]
def line(): return rng.choice(WORDS)
def gen_file():
    n = rng.randrange(0, 14)
    s = "\n".join(line() for _ in range(n))
    if n and rng.random() < 0.8: s += "\n"
    if rng.random() < 0.1: s += "\n"
    return s
def gen_chunk(lines, first):
    out = []
    # Contexts that are empty or end in whitespace parse differently in upstream's old
    # (0.118) parser, which kept the raw rest of the line.
    ctx_ok = lambda c: c != "" and c == c.rstrip()
    cands = [l for l in lines if ctx_ok(l)]
    if rng.random() < 0.2 and cands:
        out.append("@@ " + rng.choice(cands))
    elif rng.random() < 0.05:
        out.append("@@ nowhere")
    elif not first or rng.random() < 0.7:
        out.append("@@")
    body = []
    if lines and rng.random() < 0.7:
        i = rng.randrange(len(lines)); k = rng.randrange(1, 4)
        seg = lines[i:i + k]
        for l in seg:
            r = rng.random()
            if r < 0.4: body.append(" " + l)
            elif r < 0.8: body.append("-" + (l if rng.random() < 0.8 else l.strip()))
            else: body.append(" " + l.strip())
            if rng.random() < 0.3: body.append("+" + line())
    else:
        for _ in range(rng.randrange(1, 4)):
            body.append(rng.choice("+- ") + line())
    if rng.random() < 0.1: body.append("")
    # The old parser skipped blank lines where a chunk starts.
    if len(out) == 0 and body and body[0].strip() == "":
        out.append("@@")
    out += body
    if rng.random() < 0.2: out.append("*** End of File")
    return out
def gen_patch(files):
    p = ["*** Begin Patch"]
    names = list(files)
    for _ in range(rng.randrange(1, 4)):
        r = rng.random()
        if r < 0.15:
            p.append("*** Add File: " + rng.choice(["n.txt", "d/n.txt", "f0.txt"]))
            p += ["+" + line() for _ in range(rng.randrange(0, 3))]
        elif r < 0.25:
            p.append("*** Delete File: " + rng.choice(names + ["missing.txt"]))
        else:
            name = rng.choice(names + (["missing.txt"] if rng.random() < 0.05 else []))
            p.append("*** Update File: " + name)
            dests = [d for d in ["m.txt", "sub/m.txt", "f1.txt"] if d != name]  # a self-move deletes upstream
            if rng.random() < 0.1: p.append("*** Move to: " + rng.choice(dests))
            lines = files.get(name, "").split("\n")
            for c in range(rng.randrange(1, 4)):
                p += gen_chunk(lines, c == 0)
    p.append("*** End Patch")
    # A CRLF patch loses two CRs per line in the latest parser, one in the old one.
    crlf = rng.random() < 0.1 and not any(l.endswith("\r") for l in p)
    return ("\r\n" if crlf else "\n").join(p)
def tree(d):
    res = {}
    for root, dirs, fs in os.walk(d):
        for x in dirs: res[os.path.relpath(os.path.join(root, x), d)] = None
        for x in fs: res[os.path.relpath(os.path.join(root, x), d)] = open(os.path.join(root, x), "rb").read()
    return res
base = tempfile.mkdtemp(prefix="apply-patch-diff-")
bad = 0
stats = {}
for it in range(N):
    files = {"f%d.txt" % i: gen_file() for i in range(rng.randrange(1, 3))}
    patch = gen_patch(files)
    outs = []
    for who, exe in (("o", OURS), ("u", UP)):
        d = os.path.join(base, who)
        shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
        for k, v in files.items(): open(os.path.join(d, k), "w", newline="").write(v)
        r = subprocess.run([exe, patch], cwd=d, capture_output=True, env={"PATH": "/usr/bin:/bin"})
        err = r.stderr.decode("utf-8", "replace").replace(os.path.realpath(d) + "/", "")
        outs.append((r.returncode, r.stdout, err, tree(d)))
    stats[outs[1][0]] = stats.get(outs[1][0], 0) + 1
    if outs[0] != outs[1]:
        bad += 1
        print("MISMATCH", it, repr(files), repr(patch))
        print(" ours:", outs[0][:3]); print(" up:  ", outs[1][:3])
        if outs[0][3] != outs[1][3]: print(" trees differ:", outs[0][3], outs[1][3])
        if bad > 5: break
shutil.rmtree(base, ignore_errors=True)
print("iterations", it + 1, "mismatches", bad, "upstream exit codes", stats)
sys.exit(1 if bad else 0)
