#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/sanitize.sh: build sluice and its unit tests with AddressSanitizer and
# UndefinedBehaviorSanitizer in a separate build directory and run the unit
# tests there (meson test); with --e2e, also run the end-to-end tests
# (test/e2e/run-all.sh, as root) against that sanitized sluice binary.
#
# The build directory (default build-san under the repository, git-ignored)
# is configured with -Db_sanitize=address,undefined -Db_lundef=false
# -Dbuildtype=debug (gcc unless CC is set). Any sanitizer report fails the
# run: UBSan halts on the first error, ASan/LSan report leaks at exit, and
# LSan suppressions (DPDK-internal allocations only) live in test/lsan.supp.
# The output of every test is also searched for sanitizer reports, so one
# that a test's exit status hides still counts.
# Closes with "N passed, N failed": unit test cases (from each program's own
# closing line) plus, with --e2e, the e2e checks.
# Usage: test/sanitize.sh [--build-dir DIR] [--e2e] [E2E TEST SCRIPT...]

set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SAN_BUILD:-$src/build-san}
do_e2e=0
e2e_tests=()

while (($#)); do
	case $1 in
	--e2e) do_e2e=1; shift ;;
	--build-dir)
		[[ $# -ge 2 ]] || { echo "sanitize.sh: --build-dir needs a directory" >&2; exit 2; }
		build=$2
		shift 2
		;;
	--build-dir=*) build=${1#*=}; shift ;;
	-h | --help) sed -n '5,19s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	-*) echo "sanitize.sh: unknown option $1" >&2; exit 2 ;;
	*) e2e_tests+=("$1"); shift ;;
	esac
done
build=$(realpath -m "$build")

say() { printf 'sanitize: %s\n' "$*"; }
passed=0
failed=0
finish() {
	printf '%d passed, %d failed\n' "$passed" "$failed"
	((failed == 0))
}

cd "$src"
if [[ -f $build/meson-private/coredata.dat ]]; then
	meson setup --reconfigure "$build" -Db_sanitize=address,undefined \
		-Db_lundef=false >/dev/null || { say "FAIL: meson reconfigure"; failed=1; finish; exit 1; }
else
	meson setup "$build" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug >/dev/null || { say "FAIL: meson setup"; failed=1; finish; exit 1; }
fi
if ! ninja -C "$build"; then
	say "FAIL: sanitized build"
	failed=1
	finish
	exit 1
fi

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$src/test/lsan.supp:print_suppressions=0
san_re='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'

say "unit tests under ASan+UBSan ($build)"
rc=0
rm -f "$build/meson-logs/testlog.json"
meson test -C "$build" --suite unit --print-errorlogs || rc=$?
counts=$(python3 - "$build/meson-logs/testlog.json" "$rc" "$san_re" <<'EOF'
import json
import re
import sys

path, rc, san = sys.argv[1], int(sys.argv[2]), re.compile(sys.argv[3])
p = f = 0
line_re = re.compile(r"^(\d+) passed, (\d+) failed", re.M)
try:
    with open(path) as fh:
        for raw in fh:
            t = json.loads(raw)
            out = (t.get("stdout") or "") + "\n" + (t.get("stderr") or "")
            m = line_re.findall(out)
            tp, tf = (int(m[-1][0]), int(m[-1][1])) if m else (0, 0)
            bad = t.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL")
            if san.search(out):
                print("sanitizer report in %s" % t.get("name"),
                      file=sys.stderr)
                bad = True
            if bad and tf == 0:
                tf = 1
            if not m and not bad:
                tp = 1
            p += tp
            f += tf
except FileNotFoundError:
    pass
if rc != 0 and f == 0:
    f = 1
print(p, f)
EOF
) || counts="0 1"
read -r up uf <<<"$counts"
say "unit tests: $up cases passed, $uf failed (meson test exit $rc)"
passed=$((passed + up))
failed=$((failed + uf))

if ((do_e2e)); then
	say "end-to-end tests against $build/app/sluice"
	# a private TMPDIR, kept (E2E_KEEP=1), so sluice's logs can be searched
	e2e_tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-san-e2e.XXXXXX")
	log=$e2e_tmp/run-all.log
	rc=0
	TMPDIR=$e2e_tmp E2E_KEEP=1 BUILD=$build \
		"$src/test/e2e/run-all.sh" "${e2e_tests[@]}" 2>&1 | tee "$log" || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)
	if [[ -n $line ]]; then
		read -r ep _ ef _ <<<"${line//,/}"
	else
		ep=0
		ef=1
	fi
	if ((rc != 0 && ef == 0)); then
		ef=1
	fi
	# sluice's own stderr goes to the e2e scripts' logs; look there too
	if grep -rlsE "$san_re" "$e2e_tmp"; then
		say "sanitizer report during the e2e tests (files above)"
		ef=$((ef + 1))
	else
		rm -rf "$e2e_tmp"
	fi
	say "end-to-end tests: $ep checks passed, $ef failed (exit $rc)"
	passed=$((passed + ep))
	failed=$((failed + ef))
fi

finish
