#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/tsan.sh: build the unit tests with ThreadSanitizer in a separate build
# directory (default build-tsan, git-ignored) and run them. The telemetry
# request/reply path (test_ctl) runs requesters and a worker on different
# threads; any race report fails the run. DPDK's own rte_ring internals are
# suppressed in test/tsan.supp (why: see that file). Closes with
# "N passed, N failed" (unit test cases, from each program's closing line).
# Usage: test/tsan.sh [--build-dir DIR]

set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$src/build-tsan
if [[ ${1:-} == --build-dir ]]; then
	build=$2
fi

if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$src" -Db_sanitize=thread -Db_lundef=false \
		-Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$build" >/dev/null

export TSAN_OPTIONS="suppressions=$src/test/tsan.supp halt_on_error=1 second_deadlock_stack=1"
passed=0
failed=0
for t in "$build"/test/test_*; do
	[[ -x $t && -f $t ]] || continue
	out=$("$t" 2>&1) && rc=0 || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' <<<"$out" | tail -1 || true)
	if grep -q 'WARNING: ThreadSanitizer' <<<"$out"; then
		printf 'FAIL: %s: ThreadSanitizer report\n' "${t##*/}"
		grep -A12 'WARNING: ThreadSanitizer' <<<"$out" | head -40
		failed=$((failed + 1))
	elif [[ -z $line || $rc -ne 0 ]]; then
		printf 'FAIL: %s (exit %d)\n' "${t##*/}" "$rc"
		tail -20 <<<"$out"
		failed=$((failed + 1))
	else
		printf 'ok: %s: %s\n' "${t##*/}" "$line"
		passed=$((passed + ${line%% passed*}))
	fi
done
printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
