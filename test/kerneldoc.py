#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
"""test/kerneldoc.py: list the functions of app/, lib/ and drivers/ that have
no kernel-doc comment (issue 13). Not part of the lint step.

A function (DPDK style: its name in column 0 followed by "(", the body's
braces in column 0) is documented when a "/**" comment ends on the line
before its return type (or before its name), or when a header of the tree
has a "/** NAME - ..." or "/**\\n * NAME - ..." comment. Functions whose
body has at most --trivial lines (default 3) are not listed.

Usage: test/kerneldoc.py [--trivial N]
Exit status: 0 none missing, 1 some missing.
"""

import argparse
import os
import re
import sys

from layering import sources  # the same files: app/, lib/, drivers/

NAME_RE = re.compile(r"^([A-Za-z_]\w*)\s*\(")
DOC_NAME_RE = re.compile(r"^(?:/\*\*|\s\*)\s+([A-Za-z_]\w*)\s+-\s")


def documented_names(paths):
    """Names a kernel-doc comment anywhere in the tree describes."""
    names = set()
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = DOC_NAME_RE.match(line)
                if m:
                    names.add(m.group(1))
    return names


def functions(path):
    """(name, line, body lines, has doc above) of each function defined."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    out = []
    for i, line in enumerate(lines):
        m = NAME_RE.match(line)
        if not m or line.rstrip().endswith(";"):
            continue
        j = i
        while j < len(lines) and lines[j] != "{":
            if lines[j].rstrip().endswith(";"):
                break
            j += 1
        if j >= len(lines) or lines[j] != "{":
            continue
        k = j + 1
        while k < len(lines) and lines[k] != "}":
            k += 1
        # the comment ends above the return type (or the name)
        above = i - 1
        if above >= 0 and lines[above] and not lines[above].startswith(
                (" ", "\t", "/", "*")) and not lines[above].endswith("*/"):
            above -= 1
        doc = above >= 0 and lines[above].rstrip().endswith("*/")
        if doc:
            s = above
            while s >= 0 and not lines[s].lstrip().startswith("/*"):
                s -= 1
            doc = s >= 0 and lines[s].lstrip().startswith("/**")
        out.append((m.group(1), i + 1, k - j - 1, doc))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trivial", type=int, default=3)
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [os.path.join(root, p) for p in sources(root)]
    named = documented_names(paths)
    missing = []
    for p in paths:
        for name, line, body, doc in functions(p):
            if doc or name in named or body <= a.trivial:
                continue
            missing.append("%s:%d: %s (%d lines)" % (
                os.path.relpath(p, root), line, name, body))
    for m in missing:
        print(m)
    print("kerneldoc: %d undocumented non-trivial functions" % len(missing),
          file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
