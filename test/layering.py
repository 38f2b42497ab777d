#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
"""test/layering.py: the shape of sluice's own code (app/, lib/, drivers/).

Three rules (issue 13, "A house a newcomer can walk"):
  1. no include cycle between modules. The modules are the directories
     under lib/ and drivers/host; module A depends on module B when a .c or
     .h file of A includes (#include "x.h") a header that lives in B;
  2. no source file over MAX_FILE_LINES lines;
  3. no function over MAX_FUNC_LINES lines, measured in the DPDK style the
     code is written in: a function body opens with "{" in column 0 and
     closes with "}" in column 0; its length runs from the line that names
     it (the name in column 0, then "(") to that closing brace.

Known violations are listed in an allow-list (test/layering.allow), one a
line, each with a reason naming its issue:

    edge lib/core -> lib/tcp  -- the poll loop dispatches to TCP (issue 13)
    file lib/tcp/sl_tcp.c     -- to be split by concern (issue 13)
    func lib/tcp/sl_tcp.c:established_input -- (issue 13)

An allowed edge is left out of the module graph before cycles are looked
for; the graph that remains must have none. An entry that no longer
matches a violation (the edge is gone or closes no cycle, the file or
function is short enough) is reported too, so the list only shrinks.

Usage: test/layering.py [--allow FILE] [--graph]
  --graph  also print the module graph (allowed edges marked)
Exit status: 0 clean, 1 violations or stale entries, 2 bad allow-list.
"""

import argparse
import os
import re
import sys

MAX_FILE_LINES = 1000
MAX_FUNC_LINES = 120
SOURCE_DIRS = ("app", "lib", "drivers")

INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
# a function's name in column 0: "name(" (the return type is on the line
# above in the DPDK style)
FUNC_NAME_RE = re.compile(r"^([A-Za-z_]\w*)\s*\(")
ENTRY_RE = re.compile(r"^(edge|file|func)\s+(.+?)\s+--\s+(.*\S)\s*$")
ISSUE_RE = re.compile(r"\bissue\s+\d+\b")


def sources(root):
    """Every .c and .h file under app/, lib/ and drivers/, relative to root."""
    out = []
    for top in SOURCE_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(dirpath, name),
                                               root))
    return out


def module_of(path):
    """The module a file belongs to (lib/X or drivers/host), or None."""
    parts = path.split(os.sep)
    if len(parts) >= 3 and parts[0] in ("lib", "drivers"):
        return parts[0] + "/" + parts[1]
    return None


def read_lines(root, path):
    with open(os.path.join(root, path), encoding="utf-8",
              errors="replace") as f:
        return f.read().split("\n")


def module_graph(root, files):
    """{module: {module it depends on: [(file, header), ...]}}."""
    header_home = {}
    for path in files:
        mod = module_of(path)
        if mod is not None and path.endswith(".h"):
            header_home[os.path.basename(path)] = mod
    graph = {}
    for path in files:
        mod = module_of(path)
        if mod is None:
            continue
        deps = graph.setdefault(mod, {})
        for line in read_lines(root, path):
            m = INCLUDE_RE.match(line)
            if m is None:
                continue
            other = header_home.get(os.path.basename(m.group(1)))
            if other is not None and other != mod:
                deps.setdefault(other, []).append((path, m.group(1)))
    return graph


def sccs(nodes, edges):
    """Strongly connected components (Tarjan), each a sorted list."""
    index = {}
    low = {}
    stack = []
    on_stack = set()
    out = []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def simple_cycles(comp, edges, limit=50):
    """The elementary cycles inside one component (at most limit), each
    as a list of modules starting at its smallest one."""
    members = set(comp)
    found = []
    for start in sorted(comp):
        # cycles whose smallest module is start: search only above it
        allowed = {m for m in members if m >= start}
        path = [start]

        def walk(v):
            for w in sorted(edges.get(v, ())):
                if len(found) >= limit:
                    return
                if w == start:
                    found.append(list(path))
                elif w in allowed and w not in path:
                    path.append(w)
                    walk(w)
                    path.pop()

        walk(start)
    return found


def functions(lines):
    """(name, first line, last line) of each function body in DPDK style."""
    out = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("{"):
            # the name: the nearest line above starting "name(" in column 0,
            # through the parameter lines; a "=" before "{" is an initializer
            j = i - 1
            name = None
            while j >= 0 and i - j <= 12:
                text = lines[j]
                if text.rstrip().endswith(("=", ";", "}")) and j == i - 1:
                    break
                m = FUNC_NAME_RE.match(text)
                if m is not None:
                    name = m.group(1)
                    break
                j -= 1
            k = i + 1
            while k < len(lines) and not lines[k].startswith("}"):
                k += 1
            if name is not None and name not in ("if", "for", "while",
                                                  "switch", "return"):
                out.append((name, j + 1, k + 1))
            i = k
        i += 1
    return out


def load_allow(path):
    """{(kind, subject): reason}, or exit 2 on a malformed line."""
    allow = {}
    bad = False
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = ENTRY_RE.match(line)
            if m is None or ISSUE_RE.search(m.group(3)) is None:
                print(f"{path}:{n}: expected 'edge A -> B|file PATH|func "
                      f"PATH:NAME -- reason (issue N)': {line}")
                bad = True
                continue
            kind, subject = m.group(1), " ".join(m.group(2).split())
            if kind == "edge" and not re.fullmatch(r"\S+ -> \S+", subject):
                print(f"{path}:{n}: an edge is 'A -> B': {line}")
                bad = True
                continue
            if (kind, subject) in allow:
                print(f"{path}:{n}: listed twice: {line}")
                bad = True
            allow[(kind, subject)] = m.group(3)
    if bad:
        sys.exit(2)
    return allow


def check_cycles(graph, allow, problems, used):
    """Cycles of the graph without the allowed edges; stale edge entries."""
    nodes = set(graph)
    for deps in graph.values():
        nodes.update(deps)
    full = {a: set(deps) for a, deps in graph.items()}
    comp_of = {}
    for comp in sccs(nodes, full):
        for m in comp:
            comp_of[m] = tuple(comp)
    kept = {}
    for a, deps in full.items():
        for b in deps:
            if ("edge", f"{a} -> {b}") in allow:
                used.add(("edge", f"{a} -> {b}"))
                if comp_of[a] != comp_of[b]:
                    problems.append(f"allow-list: edge {a} -> {b} closes no "
                                    f"cycle any more: remove the entry")
            else:
                kept.setdefault(a, set()).add(b)
    for comp in sccs(nodes, kept):
        if len(comp) < 2:
            continue
        for cyc in simple_cycles(comp, kept):
            ring = " -> ".join(cyc + [cyc[0]])
            why = []
            for a, b in zip(cyc, cyc[1:] + [cyc[0]]):
                f, h = graph[a][b][0]
                why.append(f'{f} includes "{h}"')
            problems.append(f"include cycle: {ring} ({'; '.join(why)})")


def check_sizes(root, files, allow, problems, used):
    """Files over MAX_FILE_LINES, functions over MAX_FUNC_LINES."""
    for path in files:
        lines = read_lines(root, path)
        count = len(lines) - (1 if lines and lines[-1] == "" else 0)
        key = ("file", path)
        if key in allow:
            used.add(key)
            if count <= MAX_FILE_LINES:
                problems.append(f"allow-list: {path} has {count} lines now: "
                                f"remove the entry")
        elif count > MAX_FILE_LINES:
            problems.append(f"{path}: {count} lines (at most "
                            f"{MAX_FILE_LINES})")
        for name, first, last in functions(lines):
            n = last - first + 1
            key = ("func", f"{path}:{name}")
            if key in allow:
                used.add(key)
                if n <= MAX_FUNC_LINES:
                    problems.append(f"allow-list: {path}:{name} has {n} "
                                    f"lines now: remove the entry")
            elif n > MAX_FUNC_LINES:
                problems.append(f"{path}:{first}: {name}() is {n} lines (at "
                                f"most {MAX_FUNC_LINES})")


def print_graph(graph, allow):
    for a in sorted(graph):
        deps = []
        for b in sorted(graph[a]):
            mark = " (allowed)" if ("edge", f"{a} -> {b}") in allow else ""
            deps.append(b + mark)
        print(f"{a}: {', '.join(deps) if deps else '-'}")


def main():
    root = os.path.normpath(os.path.join(os.path.dirname(
        os.path.abspath(__file__)), ".."))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--allow", default=os.path.join(root, "test",
                                                    "layering.allow"))
    ap.add_argument("--graph", action="store_true")
    args = ap.parse_args()

    allow = load_allow(args.allow)
    files = sources(root)
    graph = module_graph(root, files)
    if args.graph:
        print_graph(graph, allow)
    problems = []
    used = set()
    check_cycles(graph, allow, problems, used)
    check_sizes(root, files, allow, problems, used)
    for kind, subject in sorted(set(allow) - used):
        problems.append(f"allow-list: {kind} {subject} matches nothing: "
                        f"remove the entry")
    for p in problems:
        print(p)
    mods = set(graph)
    print(f"layering: {len(files)} files, {len(mods)} modules, "
          f"{len(allow)} allowed, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
