#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_neigh.sh: the guest's link layer (lib/neigh, issue 12).
# sluice resolves the guest's MAC with ARP instead of waiting for the guest
# to speak first (frames it used to send to ff:ff:ff:ff:ff:ff are dropped by
# the guest's TCP). Checks, each a PASS/FAIL:
#   (a) a guest with a STATIC address (no DHCP) serving TCP port 80 behind
#       -t 8080:80 on net_tap: a host client's echo through the forward
#       succeeds within 10 s, and the first frame the guest ever sent was
#       its ARP reply to sluice's request
#   (b) net_af_packet on a veth pair (the guest's end, and its address,
#       outlive sluice): sluice stopped and started again while the guest
#       keeps its address and neighbour entries: an inbound forward works
#       at once (within 10 s); the new sluice counted its ARP request
#       (arp_req_sent) and the resolution (neigh_resolved)
#   (c) a 2-queue net_tap port (--queues 2, two worker lcores): right
#       after DHCP, 100 concurrent inbound connections through a forward
#       all succeed, both workers accept some, and the guest never receives
#       a unicast IPv4 frame sent to the Ethernet broadcast address
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_neigh.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_tcp.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_tcp.sh"

LO=127.0.0.1
PROMPT=10		# "promptly": sluice's own give-up is 15 s
LCORES_1=("${E2E_LCORE_ARGS[@]}")
if (($(nproc) >= 2)); then
	LCORES_2=(--lcores "0@0,1@1,2@1")
else
	LCORES_2=(--lcores "0@0,1@0,2@0")
fi

# wstat WORKER NAME: a counter of one worker of the running sluice
wstat() { e2e_worker_stat "${E2E_SLUICE_PREFIXES[-1]}" "$1" "$2"; }

# guest_static: the guest's address and default route, by hand
guest_static() {
	ip -n "$E2E_G" addr add "$E2E_GUEST/$E2E_PREFIX" dev "$E2E_TAP" &&
		ip -n "$E2E_G" route add default via "$E2E_GW" dev "$E2E_TAP"
}

# echo_prompt DESC: a host client's 4 KiB TCP echo through 127.0.0.1:8080
# (the forward to the guest's echo server on port 80), within $PROMPT s
echo_prompt() {
	local desc=$1 t0 out rc=0
	t0=$(date +%s%N)
	out=$(timeout $((PROMPT + 5)) ip netns exec "$E2E_H" "$E2E_PYTHON" "$E2E_TOOLS" \
		tcp-echo "$LO" 8080 4096 2>&1) || rc=$?
	local ms=$((($(date +%s%N) - t0) / 1000000))
	if ((rc == 0 && ms < PROMPT * 1000)); then
		e2e_pass "$desc ($ms ms)"
		return 0
	fi
	e2e_fail "$desc (within $PROMPT s)" "exit $rc after $ms ms" "$out" \
		"$(e2e_log_tail "$E2E_SLUICE_LOG" 10)"
	return 1
}

# guest_echo_server: the guest's TCP echo server on port 80 (PID in
# E2E_BG_PID)
guest_echo_server() {
	tcp_guest_server echo-80 80 "$E2E_PYTHON" "$E2E_TOOLS" tcp-echo-server 0.0.0.0 80
}

# test_static: (a)
test_static() {
	local dump=$E2E_DIR/guest-first.log spid dpid
	e2e_start_sluice -t 8080:80 || return 1
	# everything the guest sends from now on (ARP or IPv4), first frame only
	e2e_bg "$E2E_G" "$dump" tcpdump -i "$E2E_TAP" -Q out -n -l -c 1 'arp or ip'
	dpid=$E2E_BG_PID
	e2e_wait_for 10 grep -q "listening on" "$dump" || true
	guest_static || { e2e_fail "(a) static guest address"; return 1; }
	guest_echo_server || return 1
	spid=$E2E_BG_PID
	echo_prompt "(a) static guest, never spoke: echo through forward 8080 -> guest 80" || true
	e2e_wait_for 5 grep -q "ARP" "$dump" || true
	if grep -q "ARP, Reply $E2E_GUEST is-at" "$dump"; then
		e2e_pass "(a) the guest's first frame was its ARP reply to sluice"
	else
		e2e_fail "(a) the guest's first frame was its ARP reply to sluice" "$(cat "$dump")"
	fi
	e2e_kill_pid "$dpid"
	e2e_kill_pid "$spid"
	e2e_stop_sluice 0 || true
	ip -n "$E2E_G" link del "$E2E_TAP" 2>/dev/null || true
}

# test_restart: (b)
test_restart() {
	local spid
	# the guest's end of the veth keeps its address while sluice restarts
	e2e_afp_link 1500 off || return 1
	guest_static || { e2e_fail "(b) static guest address on the veth"; return 1; }
	guest_echo_server || return 1
	spid=$E2E_BG_PID
	e2e_start_sluice_afp "" --mtu 1500 -t 8080:80 || return 1
	echo_prompt "(b) first sluice: echo through forward 8080 -> guest 80" || true
	e2e_stop_sluice 0 || true
	e2e_start_sluice_afp "" --mtu 1500 -t 8080:80 || return 1
	echo_prompt "(b) restarted sluice, guest kept its address: echo through the forward at once" || true
	if e2e_stop_sluice 0; then
		local req res
		req=$(tcp_counter arp_req_sent)
		res=$(tcp_counter neigh_resolved)
		if ((req >= 1 && res >= 1)); then
			e2e_pass "(b) restarted sluice asked for the guest's MAC: arp_req_sent $req, neigh_resolved $res"
		else
			e2e_fail "(b) restarted sluice asked for the guest's MAC" "$(tcp_counters)"
		fi
	fi
	e2e_kill_pid "$spid"
	ip -n "$E2E_H" link del "$E2E_AFP" 2>/dev/null || true
}

# test_multiqueue: (c)
test_multiqueue() {
	local dump=$E2E_DIR/guest-bcast.log spid dpid a0 a1 n
	E2E_LCORE_ARGS=("${LCORES_2[@]}")
	e2e_start_sluice --queues 2 -t 8080:80 || return 1
	E2E_LCORE_ARGS=("${LCORES_1[@]}")
	# unicast IPv4 the guest receives at the Ethernet broadcast address
	e2e_bg "$E2E_G" "$dump" tcpdump -i "$E2E_TAP" -Q in -n -l \
		'ether dst ff:ff:ff:ff:ff:ff and ip and not dst host 255.255.255.255'
	dpid=$E2E_BG_PID
	e2e_wait_for 10 grep -q "listening on" "$dump" || true
	# shellcheck disable=SC2119 # no extra udhcpc arguments
	e2e_dhcp || return 1
	tcp_tune_guest
	tcp_guest_server echo-80 80 "$TCP_PY" "$TCP_TOOLS" echo-server 0.0.0.0 80 || return 1
	spid=$E2E_BG_PID
	tcp_many "(c) 2-queue port, right after DHCP: 100 concurrent inbound connections $LO:8080 -> guest 80" \
		"$E2E_H" "$LO" 8080 100 4096 60 || true
	a0=$(wstat 0 tcp_flows_opened)
	a1=$(wstat 1 tcp_flows_opened)
	if ((a0 > 0 && a1 > 0)); then
		e2e_pass "(c) both workers accepted inbound connections ($a0 and $a1)"
	else
		e2e_fail "(c) both workers accepted inbound connections" "worker 0: $a0, worker 1: $a1"
	fi
	sleep 0.5
	e2e_kill_pid "$dpid"
	n=$(grep -c ' IP ' "$dump" || true)
	if ((n == 0)); then
		e2e_pass "(c) no unicast IPv4 sent to the guest at ff:ff:ff:ff:ff:ff"
	else
		e2e_fail "(c) no unicast IPv4 sent to the guest at ff:ff:ff:ff:ff:ff" \
			"$n such frames" "$(head -n 5 "$dump")"
	fi
	e2e_kill_pid "$spid"
	e2e_stop_sluice 0 || true
}

# ------------------------------------------------------------ main

e2e_require busybox ip ss tcpdump ethtool || true
if e2e_setup; then
	test_static || true
	test_restart || true
	test_multiqueue || true
fi
e2e_summary
