#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_multiqueue.sh: one guest on a multi-queue port (issue 8).
# sluice runs in slh with `--queues 2` on its net_tap port (a multi-queue
# tun: the kernel spreads the guest's frames over the two queues by its own
# flow hash) and two worker lcores, one worker per queue; each flow belongs
# to the worker sl_steer_owner_tuple() names, and frames that arrive on the
# other queue are steered to it through a ring. Checks, each a PASS/FAIL:
#   - /sluice/info: port 0 has 2 queues, served by workers 0 and 1 on two
#     different lcores
#   - DHCP (worker 0's) gives the lease; ping the gateway
#   - 64 MiB download and upload through sluice, sha256-identical
#   - 300 concurrent guest connections (32 KiB each, echo-checked) to a host
#     echo server; both workers opened TCP flows (/sluice/stats,W), together
#     all of them, and frames were handed between the workers (steer_out on
#     one, steer_in on the other, equal sums)
#   - 200 concurrent inbound connections through a forward (8080 -> guest
#     80): both workers accepted some (SO_REUSEPORT listeners), all echoed
#   - UDP forward 5353 -> guest 53 from 30 different host sockets: every one
#     gets its echo (the guest's replies go to worker 0, which holds the
#     forward's socket)
#   - a forward added at run time through telemetry works for 50
#     connections, is listed once, and refuses connections once deleted
#   - --queues 9 exits 2 with one line; SIGTERM exits 0 with
#     flows_opened == flows_closed and no drop_steer_full
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_multiqueue.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_tcp.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_tcp.sh"

BIG=${TCP_BIG:-$((64 << 20))}
LO=127.0.0.1
CTL=$E2E_SRC/usertools/sluice-ctl
ECHO_PORT=7788
PREFIX=

# two worker lcores (on a 2-CPU machine both share CPU 1)
if (($(nproc) >= 2)); then
	E2E_LCORE_ARGS=(--lcores "0@0,1@1,2@1")
else
	E2E_LCORE_ARGS=(--lcores "0@0,1@0,2@0")
fi

# tel ARGS...: sluice-ctl against the sluice we started
tel() { "$E2E_PYTHON" "$CTL" -f "$PREFIX" "$@"; }

# stat WORKER NAME: a counter of one worker (0 when absent)
stat() { e2e_worker_stat "$PREFIX" "$1" "$2"; }

check_info() {
	local out
	out=$(tel -j info 2>&1) || true
	if "$E2E_PYTHON" -c '
import json, sys
d = json.loads(sys.argv[1])
p = d["ports"]["0"]
w = d["workers"]
assert p["nb_queues"] == 2, p
assert sorted(p["workers"]) == [0, 1], p
assert w["0"]["queue"] == 0 and w["1"]["queue"] == 1, w
assert w["0"]["port"] == 0 and w["1"]["port"] == 0, w
assert w["0"]["lcore"] != w["1"]["lcore"], w
' "$out" 2>"$E2E_DIR/info.err"; then
		e2e_pass "/sluice/info: port 0 has 2 queues, workers 0 and 1 on two lcores"
	else
		e2e_fail "/sluice/info: port 0 has 2 queues, workers 0 and 1 on two lcores" \
			"$(cat "$E2E_DIR/info.err")" "${out:0:2000}"
	fi
}

check_spread() {
	local t0 t1 so0 so1 si0 si1
	local i
	t0=$(stat 0 tcp_flows_opened)
	t1=$(stat 1 tcp_flows_opened)
	# the four counters are four telemetry queries: a frame still being
	# handed over between them (a late ACK, the guest's ARP reply) can
	# show as taken before it shows as handed: read again until the
	# traffic has settled (a few seconds at most)
	for ((i = 0; i < 20; i++)); do
		so0=$(stat 0 steer_out)
		so1=$(stat 1 steer_out)
		si0=$(stat 0 steer_in)
		si1=$(stat 1 steer_in)
		((so0 + so1 == si0 + si1)) && break
		sleep 0.25
	done
	e2e_info "workers: tcp_flows_opened $t0 / $t1, steer_out $so0 / $so1, steer_in $si0 / $si1"
	if ((t0 >= 30 && t1 >= 30)); then
		e2e_pass "both workers own guest flows (tcp_flows_opened $t0 and $t1)"
	else
		e2e_fail "both workers own guest flows (>= 30 each)" "tcp_flows_opened $t0 and $t1"
	fi
	if ((so0 + so1 > 0 && so0 + so1 == si0 + si1)); then
		e2e_pass "frames handed between workers: steer_out $so0 + $so1 == steer_in $si0 + $si1"
	else
		e2e_fail "frames handed between workers (steer_out > 0, all taken)" \
			"steer_out $so0 + $so1, steer_in $si0 + $si1"
	fi
}

test_outbound_many() {
	tcp_bg "$E2E_H" host-echo "$TCP_PY" "$TCP_TOOLS" echo-server "$LO" "$ECHO_PORT"
	local spid=$E2E_BG_PID
	tcp_wait_listen "$E2E_H" tcp "$ECHO_PORT" 10 || true
	tcp_many "300 concurrent guest connections to the host echo server, 32 KiB each" \
		"$E2E_G" "$E2E_GW" "$ECHO_PORT" 300 32768 120 || true
	e2e_kill_pid "$spid"
	check_spread
}

test_inbound_many() {
	local a0 a1
	a0=$(stat 0 tcp_flows_opened)
	a1=$(stat 1 tcp_flows_opened)
	tcp_guest_server echo-80 80 "$TCP_PY" "$TCP_TOOLS" echo-server 0.0.0.0 80 || return 1
	local spid=$E2E_BG_PID
	tcp_many "200 concurrent inbound connections $LO:8080 -> guest 80, 32 KiB each echoed" \
		"$E2E_H" "$LO" 8080 200 32768 120 || true
	e2e_kill_pid "$spid"
	a0=$(($(stat 0 tcp_flows_opened) - a0))
	a1=$(($(stat 1 tcp_flows_opened) - a1))
	if ((a0 > 0 && a1 > 0 && a0 + a1 >= 200)); then
		e2e_pass "both workers accepted inbound connections ($a0 and $a1)"
	else
		e2e_fail "both workers accepted inbound connections" "worker 0: $a0, worker 1: $a1"
	fi
}

test_udp_forward() {
	tcp_guest_server udp-53 53 "$TCP_PY" "$E2E_TOOLS" udp-echo-server 0.0.0.0 53 || return 1
	local spid=$E2E_BG_PID out rc=0
	out=$(timeout 30 ip netns exec "$E2E_H" "$TCP_PY" -c '
import os, socket, sys
ok = 0
for i in range(30):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    data = os.urandom(200)
    for attempt in range(3):
        s.sendto(data, ("127.0.0.1", 5353))
        try:
            if s.recv(2048) == data:
                ok += 1
                break
        except socket.timeout:
            pass
    s.close()
print("udp ok=%d of 30" % ok)
sys.exit(0 if ok == 30 else 1)' 2>&1) || rc=$?
	if ((rc == 0)); then
		e2e_pass "UDP forward $LO:5353 -> guest 53 from 30 host sockets: $out"
	else
		e2e_fail "UDP forward $LO:5353 -> guest 53 from 30 host sockets, every one answered" "$out"
	fi
	e2e_kill_pid "$spid"
}

test_runtime_forward() {
	local out
	tcp_guest_server echo-85 85 "$TCP_PY" "$TCP_TOOLS" echo-server 0.0.0.0 85 || return 1
	local spid=$E2E_BG_PID
	if tel fwd add 8085:85 >"$E2E_DIR/fwd-add.out" 2>&1; then
		e2e_pass "run-time forward 8085:85 added through telemetry"
		tcp_many "50 connections through the run-time forward $LO:8085 -> guest 85" \
			"$E2E_H" "$LO" 8085 50 4096 60 || true
		out=$(tel -j fwd list 2>&1) || true
		if [[ $(grep -o 'tcp:8085:85' <<<"$out" | wc -l) == 1 ]]; then
			e2e_pass "fwd list shows the run-time forward once"
		else
			e2e_fail "fwd list shows the run-time forward once" "$out"
		fi
		tel fwd del 8085:85 >/dev/null 2>&1 || true
		e2e_check "after fwd del, $LO:8085 refuses connections" \
			ip netns exec "$E2E_H" "$TCP_PY" "$TCP_TOOLS" refused "$LO" 8085 || true
	else
		e2e_fail "run-time forward 8085:85 added through telemetry" "$(cat "$E2E_DIR/fwd-add.out")"
	fi
	e2e_kill_pid "$spid"
}

test_bad_queues() {
	local prefix=sle2e-$E2E_ID-cli-queues rc=0 lines
	E2E_SLUICE_PREFIXES+=("$prefix")
	timeout 60 "$SLUICE" --no-pci --no-huge -m 128 --file-prefix "$prefix" \
		"${E2E_LCORE_ARGS[@]}" -- --queues 9 >"$E2E_DIR/q9.out" 2>"$E2E_DIR/q9.err" </dev/null || rc=$?
	lines=$(grep -Ev '^[A-Z][A-Z0-9_]*: ' "$E2E_DIR/q9.err" "$E2E_DIR/q9.out" -h || true)
	if ((rc == 2)) && [[ $(grep -c . <<<"$lines") == 1 ]] && grep -q queues <<<"$lines"; then
		e2e_pass "--queues 9 exits 2 with one line: $lines"
	else
		e2e_fail "--queues 9 exits 2 with one line" "exit $rc" "$lines"
	fi
}

# ------------------------------------------------------------ main

e2e_require busybox ip ss || true
if e2e_setup; then
	test_bad_queues
	if e2e_start_sluice --queues 2 -t 8080:80 -u 5353:53; then
		PREFIX=${E2E_SLUICE_PREFIXES[-1]}
		check_info
		# shellcheck disable=SC2119 # no extra udhcpc arguments
		if e2e_dhcp; then
			e2e_check "ICMP: ping -c 3 $E2E_GW" e2e_ping "$E2E_G" "$E2E_GW" 3 || true
			tcp_tune_guest
			tcp_xfer "download: $((BIG >> 20)) MiB host -> guest through the 2-queue port" \
				120 down "$BIG" "$E2E_H" "$LO" 5001 "$E2E_G" "$E2E_GW" 5001 || true
			tcp_xfer "upload: $((BIG >> 20)) MiB guest -> host through the 2-queue port" \
				120 up "$BIG" "$E2E_H" "$LO" 5002 "$E2E_G" "$E2E_GW" 5002 || true
			test_outbound_many || true
			test_inbound_many || true
			test_udp_forward || true
			test_runtime_forward || true
		fi
		if e2e_stop_sluice 0; then
			o=$(tcp_counter flows_opened)
			c=$(tcp_counter flows_closed)
			full=$(tcp_counter drop_steer_full)
			if ((o > 0 && o == c && full == 0)); then
				e2e_pass "at exit: flows_opened $o == flows_closed $c, drop_steer_full 0"
			else
				e2e_fail "at exit: flows_opened == flows_closed, drop_steer_full 0" "$(tcp_counters)"
			fi
		fi
	fi
fi
e2e_summary
