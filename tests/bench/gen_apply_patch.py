#!/usr/bin/env python3
"""Writes one apply_patch benchmark input into DIR: DIR/tree/ (the files before the
patch), DIR/patch.txt (one patch) and DIR/files (the files the patch changes, one a
line, relative to tree/: what the floor copies).

  header      200,000 lines like "line 123 value 456789012" (5.4 MB); 1,000 chunks, each
              introduced by "@@ <a line 5 lines up>", 3 context lines, 1 line changed
  bare        the same file; 1,000 chunks under a bare "@@": 3 context lines, 1 line
              changed, 3 context lines
  small       the same file; 20,000 chunks of 1 context line and 1 changed line
  fuzzy       200,000 code-like lines with trailing whitespace, indentation and
              typographic punctuation; 999 chunks written without them, so that a
              third need each fuzzy pass (trim_end, trim, normalized) and none matches
              exactly
  long        2,000 lines of about 2,700 bytes (5.4 MB); 300 chunks of 3 context lines
              and 1 changed line
  short       2,000,000 short lines ("1234567", 15 MB); 1,000 chunks under "@@ <line>"
  files       500 files of 2,000 lines (54 KB each, 27 MB); one Update with 3 chunks each
  hostile     200,000 alternating lines "a"/"b", with a pair of "a " lines at each
              chunk's place; 1,000 chunks removing "a","a", which match nowhere exactly
              and only at the pair once trailing whitespace is ignored

  gen_apply_patch.py DIR SHAPE"""
import os
import random
import sys

out, shape = sys.argv[1], sys.argv[2]
rng = random.Random(11)
tree = os.path.join(out, "tree")
os.makedirs(tree, exist_ok=True)
files = {}
patch = ["*** Begin Patch"]


def values_file(n):
    return ["line %d value %09d" % (i, rng.randrange(10**9)) for i in range(n)]


def spread(n_lines, n_chunks, margin):
    """Chunk positions spread evenly, each at least margin lines from its neighbours."""
    step = n_lines // n_chunks
    assert step > 2 * margin
    return [h * step + step // 2 for h in range(n_chunks)]


if shape in ("header", "bare", "small"):
    body = values_file(200000)
    files["big.txt"] = body
    patch.append("*** Update File: big.txt")
    if shape == "small":
        for at in spread(len(body), 20000, 2):
            patch += ["@@", " " + body[at - 1], "-" + body[at], "+" + body[at] + " changed"]
    for at in spread(len(body), 1000, 8) if shape != "small" else []:
        patch.append("@@ " + body[at - 5] if shape == "header" else "@@")
        patch += [" " + body[k] for k in range(at - 3, at)]
        patch += ["-" + body[at], "+" + body[at] + " changed"]
        if shape == "bare":
            patch += [" " + body[k] for k in range(at + 1, at + 4)]
elif shape == "fuzzy":
    body = []
    for i in range(200000):
        kind = i % 4
        if kind == 0:
            body.append("    total_%d = compute(%d, %d)  " % (i, i % 97, i * 7 % 1000))
        elif kind == 1:
            body.append("\tlog(\u201cstep %d \u2013 done\u201d)" % i)
        elif kind == 2:
            body.append("    if x_%d > %d:\t" % (i, i % 13))
        else:
            body.append("        return \u2018v%d\u2019" % i)
    files["big.txt"] = body
    patch.append("*** Update File: big.txt")
    for h, at in enumerate(spread(len(body), 999, 6)):
        at -= at % 4  # a "total" line: trailing spaces
        want = h % 3
        ctx = [body[k] for k in range(at, at + 4)]
        if want == 0:    # trim_end: trailing whitespace dropped, indentation kept
            ctx = [c.rstrip() for c in ctx]
            ctx[1] = body[at + 1]
            ctx[3] = body[at + 3]
        elif want == 1:  # trim: indentation changed too
            ctx = ["  " + c.strip() for c in ctx]
            ctx[1] = body[at + 1].strip() + "  "
            ctx[3] = body[at + 3].strip()
        else:            # normalized: ASCII punctuation for the typographic
            ctx = [c.strip().replace("\u201c", '"').replace("\u201d", '"')
                   .replace("\u2013", "-").replace("\u2018", "'").replace("\u2019", "'")
                   for c in ctx]
        patch.append("@@")
        patch += [" " + ctx[0], "-" + ctx[1], "+    log(\"changed %d\")" % h, " " + ctx[2],
                  " " + ctx[3]]
elif shape == "long":
    body = ["%d:" % i + "".join("%08x " % rng.randrange(2**32) for _ in range(300))
            for i in range(2000)]
    files["big.txt"] = body
    patch.append("*** Update File: big.txt")
    for at in spread(len(body), 250, 3):
        patch.append("@@")
        patch += [" " + body[k] for k in range(at - 3, at)]
        patch += ["-" + body[at], "+" + body[at][:100] + " changed"]
elif shape == "short":
    body = ["%d" % rng.randrange(10**7) for i in range(2000000)]
    files["big.txt"] = body
    patch.append("*** Update File: big.txt")
    for at in spread(len(body), 1000, 8):
        patch.append("@@ " + body[at - 4])
        patch += [" " + body[k] for k in range(at - 3, at)]
        patch += ["-" + body[at], "+" + body[at] + "x"]
elif shape == "files":
    for f in range(500):
        name = "src/d%02d/file%03d.txt" % (f // 50, f)
        body = values_file(2000)
        files[name] = body
        patch.append("*** Update File: " + name)
        for at in spread(len(body), 3, 8):
            patch.append("@@")
            patch += [" " + body[k] for k in range(at - 3, at)]
            patch += ["-" + body[at], "+" + body[at] + " changed"]
            patch += [" " + body[k] for k in range(at + 1, at + 4)]
elif shape == "hostile":
    body = ["a" if i % 2 == 0 else "b" for i in range(200000)]
    for at in spread(len(body), 1000, 2):
        at -= at % 2
        body[at] = body[at + 1] = "a "
        patch += ["@@", "-a", "-a", "+X"]
    patch.insert(1, "*** Update File: big.txt")
    files["big.txt"] = body
else:
    sys.exit("unknown shape " + shape)
patch.append("*** End Patch")

for name, body in files.items():
    path = os.path.join(tree, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(body) + "\n")
with open(os.path.join(out, "patch.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(patch) + "\n")
with open(os.path.join(out, "files"), "w") as f:
    f.write("\n".join(files) + "\n")
