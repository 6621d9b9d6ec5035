#!/usr/bin/env python3
"""Runs every toml-test case through a decoder and compares under toml-test's rules.

    toml_conformance.py DECODER TOML_TEST_DIR

valid/X.toml must decode (exit 0) to JSON equal to valid/X.json: leaves are
{"type": T, "value": S}; floats compare by value (nan equals nan), integers by value,
date-times after normalising (t/T/space, z/Z/+00:00, trailing zeros of the fraction).
invalid/X.toml must be rejected: exit status 1 with a message on stderr (a crash or a
timeout is a failure). Prints one "ok - " / "not ok - " line per case, then the counts.
"""
import json
import math
import os
import re
import subprocess
import sys

DT = re.compile(r'^(\d{4}-\d{2}-\d{2})?[T ]?(\d{2}:\d{2}:\d{2})?(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$')


def norm_datetime(s):
    m = DT.match(s.upper())
    if not m:
        return ('unparsable', s)
    date, time, frac, off = m.groups()
    frac = (frac or '')[:9].rstrip('0')
    if off in ('+00:00', '-00:00'):
        off = 'Z'
    return (date, time, frac, off)


def is_leaf(v):
    return (isinstance(v, dict) and set(v) == {'type', 'value'}
            and isinstance(v['type'], str) and isinstance(v['value'], str))


def leaf_equal(want, got):
    t = want['type']
    if got['type'] != t:
        return False
    a, b = want['value'], got['value']
    if t == 'float':
        fa, fb = float(a), float(b)
        return (math.isnan(fa) and math.isnan(fb)) or fa == fb
    if t == 'integer':
        return int(a) == int(b)
    if t in ('datetime', 'datetime-local', 'date-local', 'time-local'):
        return norm_datetime(a) == norm_datetime(b)
    return a == b


def diff(want, got, path='$'):
    """None when equal under the rules, else where they first differ."""
    if is_leaf(want):
        if not is_leaf(got):
            return f'{path}: expected {want}, got {json.dumps(got)[:200]}'
        return None if leaf_equal(want, got) else f'{path}: expected {want}, got {got}'
    if isinstance(want, dict):
        if not isinstance(got, dict) or is_leaf(got):
            return f'{path}: expected a table, got {json.dumps(got)[:200]}'
        if set(want) != set(got):
            return f'{path}: keys differ: expected {sorted(want)}, got {sorted(got)}'
        for k in want:
            d = diff(want[k], got[k], f'{path}.{k}')
            if d:
                return d
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(want) != len(got):
            return f'{path}: expected an array of {len(want)}, got {json.dumps(got)[:200]}'
        for i, (w, g) in enumerate(zip(want, got)):
            d = diff(w, g, f'{path}[{i}]')
            if d:
                return d
        return None
    return f'{path}: unexpected expected-JSON shape {want!r}'


def run(decoder, path):
    with open(path, 'rb') as f:
        data = f.read()
    try:
        p = subprocess.run([decoder], input=data, capture_output=True, timeout=10)
    except subprocess.TimeoutExpired:
        return None, b'', b'timeout'
    return p.returncode, p.stdout, p.stderr


def cases(top, kind):
    base = os.path.join(top, kind)
    for d, _, files in os.walk(base):
        for f in files:
            if f.endswith('.toml'):
                yield os.path.relpath(os.path.join(d, f), top)[:-5]


def main():
    decoder, top = sys.argv[1], sys.argv[2]
    counts = {'valid': [0, 0], 'invalid': [0, 0]}
    for kind in ('valid', 'invalid'):
        for name in sorted(cases(top, kind)):
            rc, out, err = run(decoder, os.path.join(top, name + '.toml'))
            why = None
            if kind == 'valid':
                if rc != 0:
                    why = f'exit {rc}: {err.decode(errors="replace").strip()[:300]}'
                else:
                    with open(os.path.join(top, name + '.json'), encoding='utf-8') as f:
                        want = json.load(f)
                    try:
                        got = json.loads(out)
                    except ValueError as e:
                        got, why = None, f'output is not JSON: {e}'
                    if why is None:
                        why = diff(want, got)
            else:
                if rc != 1 or not err.strip():
                    why = f'expected rejection (exit 1 + message), got exit {rc}'
            counts[kind][1] += 1
            if why is None:
                counts[kind][0] += 1
                print(f'ok - toml-test {name}')
            else:
                print(f'not ok - toml-test {name}')
                print(f'#   {why}')
    v, i = counts['valid'], counts['invalid']
    print(f'# toml-test: valid {v[0]}/{v[1]} decoded correctly, invalid {i[0]}/{i[1]} rejected')
    return 0 if v[0] == v[1] and i[0] == i[1] else 1


if __name__ == '__main__':
    sys.exit(main())
