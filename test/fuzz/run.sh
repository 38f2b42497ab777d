#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/fuzz/run.sh: build the libFuzzer harness fuzz_guest_frame with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer, and fuzz the guest-frame
# entry point for SECONDS (default 60) on a scratch copy of the seed corpus
# test/fuzz/corpus (the committed corpus is never modified).
#
# The build directory (default build-fuzz under the repository, git-ignored;
# FUZZ_BUILD=DIR to choose) is configured with
#   CC=clang meson setup DIR -Dfuzz=true -Db_sanitize=address,undefined
#       -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link
# so the relay core is coverage-instrumented (fuzzer-no-link, via c_args)
# and only the harness links libFuzzer (-fsanitize=fuzzer, in
# test/fuzz/meson.build).
#
# Exit status: 0 when the run ended cleanly; non-zero on any crash, leak,
# sanitizer report, harness invariant failure, timeout or out-of-memory
# (libFuzzer then leaves the reproducer as crash-*/leak-*/timeout-*/oom-*
# in the artifact directory, printed at the end). Closes with a
# "N passed, N failed" line (one check: the fuzz run).
# Usage: test/fuzz/run.sh [SECONDS]
#   env: FUZZ_BUILD=DIR, FUZZ_JOBS=N (parallel fuzzing processes, default 1),
#        FUZZ_ARGS="..." (extra libFuzzer flags)

set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
secs=${1:-60}
build=${FUZZ_BUILD:-$src/build-fuzz}
jobs=${FUZZ_JOBS:-1}

[[ $secs =~ ^[0-9]+$ ]] || { echo "run.sh: SECONDS must be a number" >&2; exit 2; }

say() { printf 'fuzz: %s\n' "$*"; }
fail() {
	say "FAIL: $*"
	printf '0 passed, 1 failed\n'
	exit 1
}

command -v clang >/dev/null || fail "clang not installed (usertools/sluice-setup installs it)"

cd "$src"
if [[ -f $build/meson-private/coredata.dat ]]; then
	meson setup --reconfigure "$build" -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link >/dev/null ||
		fail "meson reconfigure of $build"
else
	CC=clang meson setup "$build" -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link -Dbuildtype=debugoptimized \
		>/dev/null || fail "meson setup of $build"
fi
ninja -C "$build" test/fuzz/fuzz_guest_frame || fail "build of fuzz_guest_frame"

work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-fuzz.XXXXXX")
art=$build/fuzz-artifacts
mkdir -p "$art"
rm -f "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*
mkdir "$work/corpus"
cp "$src"/test/fuzz/corpus/* "$work/corpus/"
log=$work/fuzz.log

# Halt on the first UBSan report too. Leaks: the relay core allocates only
# mbufs and DPDK heap memory, which LeakSanitizer does not see; the harness
# checks both after every input (mempool in use, rte_malloc stats) and that
# every host handle was closed. libFuzzer's own per-input LSan pass
# (-detect_leaks=1) would re-run and scan on every input here, because the
# reused in-memory host keeps closed sockets' buffers until their slot is
# reused (more mallocs than frees), making fuzzing ~10x slower and then
# switching itself off after 1000 inputs; so it is off, and LSan runs once
# at exit instead (ASAN_OPTIONS detect_leaks=1).
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
say "fuzzing for ${secs}s (corpus copy in $work)"
rc=0
par=()
if ((jobs > 1)); then	# children log to fuzz-N.log in the current directory
	par=(-jobs="$jobs" -workers="$jobs")
fi
# shellcheck disable=SC2086
(cd "$work" && "$build/test/fuzz/fuzz_guest_frame" \
	-max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 \
	-max_len=4096 -print_final_stats=1 "${par[@]}" \
	-dict="$src/test/fuzz/fuzz_guest_frame.dict" \
	-artifact_prefix="$art/" ${FUZZ_ARGS:-} \
	"$work/corpus") >"$log" 2>&1 || rc=$?
if ((jobs > 1)); then
	cat "$work"/fuzz-*.log >>"$log" 2>/dev/null || true
fi
tail -n 25 "$log"

found=$(find "$art" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' \
	-o -name 'timeout-*' -o -name 'oom-*' \) -print)
if ((rc != 0)) || [[ -n $found ]] ||
	grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant broken' "$log"; then
	say "full log: $log"
	[[ -n $found ]] && say "reproducers:" && printf '  %s\n' $found
	fail "fuzz_guest_frame (exit $rc); replay: $build/test/fuzz/fuzz_guest_frame FILE"
fi
runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1 || true)
say "ok: ${runs:-?} inputs in ${secs}s, no crash, leak or sanitizer report"
rm -rf "$work"
printf '1 passed, 0 failed\n'
