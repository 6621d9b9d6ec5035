#!/usr/bin/env python3
"""Writes an apply_patch benchmark input into DIR: big.txt (LINES lines) and patch.txt
(one Update File with HUNKS @@ chunks spread evenly over the file).

  code     code-like lines, all different; each chunk is 3 context lines, 1 removed,
           1 added, 3 context lines (the usual shape of a model's edit)
  hostile  two alternating lines "a"/"b", with a pair of "a " lines (trailing space)
           at each chunk's place; each chunk removes "a","a", which matches nowhere
           exactly and only at its pair after trimming: a search that scans every
           candidate (upstream does, each pass) costs the rest of the file per chunk

  gen_apply_patch.py DIR LINES HUNKS [code|hostile]"""
import os
import sys

out, lines, hunks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
kind = sys.argv[4] if len(sys.argv) > 4 else "code"
step = lines // hunks
p = ["*** Begin Patch", "*** Update File: big.txt"]
if kind == "code":
    body = ["x%d = f(%d) + %d" % (i, i % 97, i * 7 % 1000) for i in range(lines)]
    for h in range(hunks):
        at = h * step + step // 2
        p.append("@@")
        p += [" " + body[k] for k in range(at - 3, at)]
        p.append("-" + body[at])
        p.append("+" + body[at].replace(" f(", " g("))
        p += [" " + body[k] for k in range(at + 1, at + 4)]
else:
    body = ["a" if i % 2 == 0 else "b" for i in range(lines)]
    for h in range(hunks):
        at = h * step + step // 2
        at -= at % 2
        body[at] = body[at + 1] = "a "
        p += ["@@", "-a", "-a", "+X"]
p.append("*** End Patch")
with open(os.path.join(out, "big.txt"), "w") as f:
    f.write("\n".join(body) + "\n")
with open(os.path.join(out, "patch.txt"), "w") as f:
    f.write("\n".join(p) + "\n")
