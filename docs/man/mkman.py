#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# docs/man/mkman.py: build the sluice(8) manual page from its template
# (sluice.8.in) and the option table of the sluice binary itself: the
# OPTIONS section is made from "sluice --help", so the page lists exactly
# the options, value forms, help texts and defaults the binary has.
# Usage: mkman.py SLUICE TEMPLATE OUTPUT VERSION SYSCONFDIR
"""Generate sluice.8 from sluice.8.in and `sluice --help`."""

import re
import subprocess
import sys


def roff(text):
    """Plain text -> roff: backslashes and hyphens escaped."""
    return text.replace("\\", "\\e").replace("-", "\\-")


def help_options(sluice):
    """[(header, description)] from the Options: part of `sluice --help`."""
    out = subprocess.run([sluice, "--help"], check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True).stdout
    opts, in_opts = [], False
    for line in out.splitlines():
        if line == "Options:":
            in_opts = True
        elif in_opts and re.match(r"^  -", line):
            opts.append([line.strip(), []])
        elif in_opts and line.startswith("      ") and opts:
            opts[-1][1].append(line.strip())
    if not opts:
        sys.exit("mkman.py: no options in the output of %s --help" % sluice)
    return [(h, " ".join(d)) for h, d in opts]


def options_roff(opts):
    """The OPTIONS entries: .TP, the option in bold, its value in italics."""
    lines = []
    for header, desc in opts:
        parts = []
        for word in header.split(", "):
            name, _, metavar = word.partition(" ")
            item = "\\fB%s\\fR" % roff(name)
            if metavar:
                item += " \\fI%s\\fR" % roff(metavar)
            parts.append(item)
        lines.append(".TP")
        lines.append(", ".join(parts))
        lines.append(roff(desc[0].upper() + desc[1:]) +
                     ("" if desc.endswith(".") else "."))
    return "\n".join(lines)


def main(argv):
    if len(argv) != 6:
        sys.exit("usage: mkman.py SLUICE TEMPLATE OUTPUT VERSION SYSCONFDIR")
    sluice, template, output, version, sysconfdir = argv[1:]
    with open(template) as f:
        text = f.read()
    text = text.replace("@VERSION@", version)
    text = text.replace("@SYSCONFDIR@", roff(sysconfdir))
    text = text.replace("@OPTIONS@", options_roff(help_options(sluice)))
    with open(output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
