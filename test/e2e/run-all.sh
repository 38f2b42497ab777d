#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/run-all.sh: run every test/e2e/test_*.sh (or those named on the
# command line) one after the other, show their output, add up their closing
# "N passed, N failed" lines and print the total the same way. A test script
# that ends without such a line, or exits non-zero while reporting no
# failure, counts as one failure. Exit status 1 when anything failed.
# test_vm.sh (QEMU guests, slow) runs only with E2E_VM=1 or when named.
# Usage (root): [BUILD=/path/to/build] [E2E_VM=1] test/e2e/run-all.sh [test_x.sh ...]

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tests=()
if (($#)); then
	for t in "$@"; do
		if [[ -f $t ]]; then tests+=("$t"); else tests+=("$here/$t"); fi
	done
else
	for t in "$here"/test_*.sh; do
		[[ -e $t ]] || continue
		# the VM test boots QEMU guests (minutes under TCG): only with
		# E2E_VM=1, or when named on the command line
		if [[ $(basename "$t") == test_vm.sh && ${E2E_VM:-0} != 1 ]]; then
			printf '=== %s skipped (set E2E_VM=1 to run it)\n' "$(basename "$t")"
			continue
		fi
		tests+=("$t")
	done
fi

total_pass=0
total_fail=0
logdir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-e2e-run.XXXXXX")
trap 'rm -rf "$logdir"' EXIT

for t in "${tests[@]}"; do
	name=$(basename "$t")
	log=$logdir/$name.log
	printf '=== %s\n' "$name"
	rc=0
	bash "$t" 2>&1 | tee "$log" || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
	if [[ -z $line ]]; then
		printf 'FAIL: %s printed no "N passed, N failed" line (exit %d)\n' "$name" "$rc"
		total_fail=$((total_fail + 1))
		continue
	fi
	read -r p _ f _ <<<"${line//,/}"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if ((rc != 0 && f == 0)); then
		printf 'FAIL: %s exited with status %d\n' "$name" "$rc"
		total_fail=$((total_fail + 1))
	fi
	printf '=== %s: %d passed, %d failed (exit %d)\n' "$name" "$p" "$f" "$rc"
done

if ((${#tests[@]} == 0)); then
	printf 'FAIL: no test/e2e/test_*.sh found\n'
	total_fail=$((total_fail + 1))
fi
printf '%d passed, %d failed\n' "$total_pass" "$total_fail"
((total_fail == 0))
