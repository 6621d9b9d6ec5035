#!/usr/bin/env python3
"""Writes the apply_patch benchmark input: DIR/big.txt (LINES lines of code-like text)
and DIR/patch.txt (one Update File with HUNKS @@ chunks spread evenly over the file, each
3 context lines, 1 removed, 1 added, 3 context lines)."""
import os
import sys

out, lines, hunks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
body = []
for i in range(lines):
    body.append("x%d = f(%d) + %d" % (i, i % 97, i * 7 % 1000))
with open(os.path.join(out, "big.txt"), "w") as f:
    f.write("\n".join(body) + "\n")
step = lines // hunks
p = ["*** Begin Patch", "*** Update File: big.txt"]
for h in range(hunks):
    at = h * step + step // 2
    p.append("@@")
    p += [" " + body[k] for k in range(at - 3, at)]
    p.append("-" + body[at])
    p.append("+" + body[at].replace(" f(", " g("))
    p += [" " + body[k] for k in range(at + 1, at + 4)]
p.append("*** End Patch")
with open(os.path.join(out, "patch.txt"), "w") as f:
    f.write("\n".join(p) + "\n")
