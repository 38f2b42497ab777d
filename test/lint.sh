#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/lint.sh: static analysis of sluice's own code (app/, lib/, drivers/;
# not test/), three checks that must all be clean:
#   1. cppcheck --enable=warning,performance,portability, with the DPDK
#      include paths (pkg-config libdpdk) and the defines the build uses;
#      suppressions (each justified) in test/cppcheck.supp, inline ones as
#      "cppcheck-suppress ID" comments;
#   2. clang-tidy with the checks of the repository's .clang-tidy (warnings
#      are errors), using compile_commands.json of a clang build directory
#      (default build-lint under the repository, git-ignored; configured
#      here, nothing is compiled);
#   3. layering (test/layering.py, python3): no include cycle between the
#      modules (lib/*, drivers/host), no source file over 1,000 lines, no
#      function over 120 lines, but for the known violations listed, each
#      with its reason, in test/layering.allow (an entry that no longer
#      matches anything fails too: the list only shrinks).
# Closes with "N passed, N failed" (one check per tool). Exit status 1 when
# any reports anything.
# Usage: test/lint.sh [--build-dir DIR] [--no-cppcheck] [--no-clang-tidy]
#                     [--no-layering]
#   env: LINT_JOBS=N parallel jobs (default: number of CPUs)

set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${LINT_BUILD:-$src/build-lint}
jobs=${LINT_JOBS:-$(nproc)}
do_cppcheck=1
do_tidy=1
do_layering=1

while (($#)); do
	case $1 in
	--build-dir)
		[[ $# -ge 2 ]] || { echo "lint.sh: --build-dir needs a directory" >&2; exit 2; }
		build=$2
		shift 2
		;;
	--build-dir=*) build=${1#*=}; shift ;;
	--no-cppcheck) do_cppcheck=0; shift ;;
	--no-clang-tidy) do_tidy=0; shift ;;
	--no-layering) do_layering=0; shift ;;
	-h | --help) sed -n '5,24s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) echo "lint.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
build=$(realpath -m "$build")
cd "$src"

say() { printf 'lint: %s\n' "$*"; }
passed=0
failed=0
check() {	# check NAME RC
	if (($2 == 0)); then
		say "ok: $1"
		passed=$((passed + 1))
	else
		say "FAIL: $1"
		failed=$((failed + 1))
	fi
}

dirs=(app lib drivers)

if ((do_cppcheck)); then
	say "cppcheck $(cppcheck --version 2>/dev/null | sed 's/^Cppcheck //')"
	incs=()
	for d in lib/* drivers/host app; do
		[[ -d $d ]] && incs+=("-I$d")
	done
	# DPDK's -I paths, and the defines of the build (meson.build) and of
	# the compiler that DPDK's headers test (arch, endianness)
	read -r -a dpdk_inc <<<"$(pkg-config --cflags-only-I libdpdk)"
	rte_config=$(for i in "${dpdk_inc[@]}"; do
		f=${i#-I}/rte_config.h
		[[ -f $f ]] && realpath "$f" && break
	done || true)
	rc=0
	cppcheck -q -j "$jobs" --std=c11 \
		--enable=warning,performance,portability \
		--inline-suppr --error-exitcode=1 \
		--suppressions-list="$src/test/cppcheck.supp" \
		-D_GNU_SOURCE -DALLOW_EXPERIMENTAL_API -DSL_VERSION='"lint"' \
		-D__linux__ -D__x86_64__ -D__GNUC__=12 \
		-D__BYTE_ORDER__=1234 -D__ORDER_LITTLE_ENDIAN__=1234 \
		-D__ORDER_BIG_ENDIAN__=4321 \
		${rte_config:+--include="$rte_config"} \
		"${incs[@]}" "${dpdk_inc[@]}" \
		"${dirs[@]}" || rc=$?
	check cppcheck "$rc"
fi

if ((do_tidy)); then
	say "clang-tidy $(clang-tidy --version 2>/dev/null | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -n 1)"
	rc=0
	if [[ ! -f $build/meson-private/coredata.dat ]]; then
		CC=clang meson setup "$build" -Dtests=false >/dev/null || rc=$?
	else
		meson setup --reconfigure "$build" >/dev/null || rc=$?
	fi
	if ((rc != 0)) || [[ ! -f $build/compile_commands.json ]]; then
		say "cannot configure $build for compile_commands.json"
		check clang-tidy 1
	else
		# our translation units, from the compile database
		mapfile -t files < <(python3 - "$build/compile_commands.json" "$src" <<'EOF'
import json
import os
import sys

db, src = sys.argv[1], sys.argv[2]
seen = set()
for e in json.load(open(db)):
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    rel = os.path.relpath(f, src)
    if rel.split(os.sep)[0] in ("app", "lib", "drivers") and f not in seen:
        seen.add(f)
        print(f)
EOF
		)
		log=$(mktemp "${TMPDIR:-/tmp}/sluice-tidy.XXXXXX")
		printf '%s\n' "${files[@]}" |
			xargs -P "$jobs" -n 2 clang-tidy -p "$build" --quiet \
			>"$log" 2>&1 || rc=$?
		# show the diagnostics, not clang-tidy's "N warnings generated"
		grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Error while processing' "$log" || true
		if grep -qE '(warning|error): ' "$log"; then
			rc=1
		fi
		rm -f "$log"
		say "clang-tidy: ${#files[@]} files"
		check clang-tidy "$rc"
	fi
fi

if ((do_layering)); then
	say "layering (test/layering.allow)"
	rc=0
	python3 "$src/test/layering.py" --allow "$src/test/layering.allow" || rc=$?
	check layering "$rc"
fi

printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
