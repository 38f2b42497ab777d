#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/bench/forward_latency.sh: benchmark of the inbound forward's accept
# path (not a pass/fail test; the test suite does not run it). sluice runs
# with -t 8080:80 in the e2e topology (test/e2e/lib.sh); a guest server on
# port 80 sends one byte as soon as it accepts. A client in slh makes N
# sequential connections to 127.0.0.1:8080 and, for each, measures
#   syn:        connect() called on the host -> the SYN sluice sends reaches
#               the guest (kernel receive time of an AF_PACKET socket on the
#               tap in the guest namespace)
#   first_byte: connect() called -> the client reads the guest's first byte
# and prints p50/p99 (and min/max/mean) of both in microseconds as one JSON
# object on stdout. Everything else (progress, PASS/FAIL lines, the closing
# "N passed, N failed") goes to stderr.
# Usage (root): [BUILD=/path/to/build] test/bench/forward_latency.sh [N]
# N: iterations (default 200; also BENCH_N).

set -euo pipefail

# JSON on the real stdout (fd 3); lib.sh's output to stderr
exec 3>&1 1>&2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../e2e/lib.sh
. "$here/../e2e/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../e2e/lib_tcp.sh
. "$here/../e2e/lib_tcp.sh"

N=${1:-${BENCH_N:-200}}
if ! [[ $N =~ ^[0-9]+$ ]] || ((N < 1)); then
	e2e_fail "iteration count" "'$N' is not a positive number"
	e2e_summary || exit 1
fi

bench() {
	e2e_require ip ss timeout "$TCP_PY" || return 1
	e2e_setup || return 1
	e2e_start_sluice -t 8080:80 || return 1
	e2e_pass "sluice starts with -t 8080:80"
	# shellcheck disable=SC2119 # no extra udhcpc arguments
	e2e_dhcp || return 1

	tcp_bg "$E2E_G" first-byte-server "$TCP_PY" "$TCP_TOOLS" first-byte-server 0.0.0.0 80
	local server=$E2E_BG_PID
	if ! tcp_wait_listen "$E2E_G" tcp 80 10; then
		e2e_fail "guest server listens on 80" "$(cat "$TCP_BG_LOG")"
		return 1
	fi
	tcp_bg "$E2E_G" sniff "$TCP_PY" "$TCP_TOOLS" sniff-syn "$E2E_TAP" 80
	local sniffer=$E2E_BG_PID sniff_log=$TCP_BG_LOG
	if ! e2e_wait_for 10 grep -q '^sniffing' "$sniff_log"; then
		e2e_fail "SYN sniffer starts in $E2E_G" "$(cat "$sniff_log")"
		return 1
	fi
	# warm-up (ARP, first-use paths), not measured
	ip netns exec "$E2E_H" "$TCP_PY" "$TCP_TOOLS" latency 127.0.0.1 8080 5 >/dev/null 2>&1 || true

	local conn_log=$E2E_DIR/latency.log rc=0
	e2e_info "measuring $N connections to 127.0.0.1:8080 -> guest 80"
	timeout $((N / 5 + 60)) ip netns exec "$E2E_H" "$TCP_PY" "$TCP_TOOLS" latency \
		127.0.0.1 8080 "$N" >"$conn_log" 2>&1 || rc=$?
	sleep 0.5
	e2e_kill_pid "$sniffer"
	e2e_kill_pid "$server"
	if ((rc != 0)); then
		e2e_fail "$N connections through the forward" "client exit status $rc" \
			"$(tail -n 5 "$conn_log")"
		return 1
	fi

	local json
	if ! json=$("$TCP_PY" - "$conn_log" "$sniff_log" "$N" <<'EOF'
import json
import sys

conns = [tuple(map(int, l.split()[1:3])) for l in open(sys.argv[1]) if l.startswith("conn ")]
syns = sorted(int(l.split()[1]) for l in open(sys.argv[2]) if l.startswith("syn "))
n = int(sys.argv[3])
conns = conns[-n:]      # the warm-up ran earlier; these are the measured ones
syn_us, fb_us = [], []
j = 0
for t0, t1 in conns:
    fb_us.append((t1 - t0) / 1000)
    while j < len(syns) and syns[j] < t0:
        j += 1
    if j < len(syns) and syns[j] <= t1:
        syn_us.append((syns[j] - t0) / 1000)
        j += 1


def stats(v):
    if not v:
        return None
    v = sorted(v)

    def pct(p):     # nearest rank
        return round(v[max(0, min(len(v) - 1, -(-len(v) * p // 100) - 1))], 1)
    return {"p50": pct(50), "p99": pct(99), "min": round(v[0], 1),
            "max": round(v[-1], 1), "mean": round(sum(v) / len(v), 1)}


out = {"bench": "forward_accept_latency", "forward": "127.0.0.1:8080 -> guest:80",
       "n": len(conns), "syn_matched": len(syn_us), "unit": "us",
       "syn": stats(syn_us), "first_byte": stats(fb_us)}
print(json.dumps(out))
sys.exit(0 if len(conns) == n and len(syn_us) == n else 1)
EOF
	); then
		e2e_fail "every connection measured and its SYN seen in the guest" "$json" \
			"$(tail -n 3 "$conn_log")" "$(tail -n 3 "$sniff_log")"
		[[ -n $json ]] && printf '%s\n' "$json" >&3
		return 1
	fi
	e2e_pass "$N connections measured, each SYN seen in the guest"
	printf '%s\n' "$json" >&3
	e2e_stop_sluice 0 || true
}

bench || true
e2e_summary
