#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_faults.sh: faults on the host side and of the guest port,
# with one sluice (--tcp-connect-timeout 1000; see lib.sh for the topology):
#   1. a host server sends part of a stream, then closes with SO_LINGER 0:
#      the guest sees ECONNRESET, the flow is gone from /sluice/flows,
#      tcp_closed_host_rst moved
#   2. a host listener disappears: new connects are refused within 1 s
#   3. a destination that drops SYNs (nftables in the far host, port 9):
#      the guest gets a RST after about 1 s, tcp_closed_timeout moved
#   4. sluice out of file descriptors (prlimit --nofile=128:128 on the
#      running process): of 300 guest connections some are refused with a
#      RST, drop_host_socket moves, sluice keeps serving; with the limit
#      back and those connections closed, new ones work
#   5. the guest port goes down for 2 s and up again: a DHCP renewal and a
#      transfer work
#   6. SIGTERM with a transfer running and 500 open connections: exit 0
#      within 5 s, flows_opened == flows_closed in the exit report, the
#      guest's connections are reset
# After each of 1-5: sluice's open fds return to the idle baseline and
# mempool_in_use to near its baseline (no leaked sockets or mbufs).
# (The vhost-user reconnect fault is in test_virtio_user.sh.)
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_faults.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_tcp.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_tcp.sh"

CTL=$E2E_SRC/usertools/sluice-ctl
HOSTILE=$E2E_LIB_DIR/hostile.py
ECHO_PORT=7821			# echo server in slh
RST_PORT=7822			# sends, then resets
GONE_PORT=7823			# a listener that is stopped
XFER_PORT=7824			# transfers
DROP_PORT=9			# SYNs dropped by the far host
MEMPOOL_SLACK=${FAULTS_MEMPOOL_SLACK:-128}	# mbufs above the baseline

tel() { "$E2E_PYTHON" "$CTL" -f "$PREFIX" "$@"; }

# stat NAME: one aggregate counter from telemetry.
stat() {
	tel -j stats | "$E2E_PYTHON" -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$1"
}

nfds() { find "/proc/$SPID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

flows_total() {
	tel -j flows | "$E2E_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["total"])'
}

# settled: fds back at the baseline, mempool in use near its baseline, the
# payload pool's large mbufs all back (its lcore caches count as free) and
# no flow left
settled() {
	(($(nfds) <= FD0)) && (($(stat mempool_in_use) <= MP0 + MEMPOOL_SLACK)) &&
		(($(stat payload_pool_in_use) <= PP0)) && (($(flows_total) == 0))
}

# check_no_leak AFTER: PASS when sluice settles within 15 s.
check_no_leak() {
	if e2e_wait_for 15 settled; then
		e2e_pass "no leak after $1: $(nfds) fds (idle $FD0), mempool_in_use $(stat mempool_in_use) (idle $MP0), payload_pool_in_use $(stat payload_pool_in_use) (idle $PP0), no flows"
	else
		e2e_fail "no leak after $1" "fds $(nfds) (idle $FD0)" \
			"mempool_in_use $(stat mempool_in_use) (idle $MP0, slack $MEMPOOL_SLACK)" \
			"payload_pool_in_use $(stat payload_pool_in_use) (idle $PP0)" \
			"flows: $(tel flows | tail -n 20)" "$(find "/proc/$SPID/fd" -mindepth 1 -maxdepth 1 -printf "%f -> %l\n" | tail -n 20)"
	fi
}

guest_py() { ip netns exec "$E2E_G" "$TCP_PY" "$@"; }

# ------------------------------------------------------------ faults

fault_host_reset() {
	local before out rc=0
	before=$(stat tcp_closed_host_rst)
	out=$(timeout 20 ip netns exec "$E2E_G" "$TCP_PY" "$HOSTILE" reset-client "$E2E_GW" "$RST_PORT" 2>&1) || rc=$?
	if ((rc == 0)); then
		e2e_pass "host peer resets mid-transfer: guest sees ConnectionResetError ($out)"
	else
		e2e_fail "host peer resets mid-transfer: guest sees ConnectionResetError" "$out" \
			"$(cat "$E2E_DIR/rst-server.log")"
	fi
	if e2e_wait_for 5 bash -c "(( \$($E2E_PYTHON $CTL -f $PREFIX -j flows | $E2E_PYTHON -c 'import json,sys; print(json.load(sys.stdin)[\"total\"])') == 0 ))" &&
		(($(stat tcp_closed_host_rst) > before)); then
		e2e_pass "host reset: flow gone from /sluice/flows, tcp_closed_host_rst $before -> $(stat tcp_closed_host_rst)"
	else
		e2e_fail "host reset: flow gone, tcp_closed_host_rst moved" \
			"tcp_closed_host_rst $before -> $(stat tcp_closed_host_rst)" "$(tel flows)"
	fi
	check_no_leak "a host reset"
}

fault_listener_gone() {
	local pid out
	tcp_bg "$E2E_H" gone-server "$TCP_PY" "$TCP_TOOLS" echo-server 127.0.0.1 "$GONE_PORT"
	pid=$E2E_BG_PID
	tcp_wait_listen "$E2E_H" tcp "$GONE_PORT" 10 || true
	e2e_check "listener up: echo through $E2E_GW:$GONE_PORT" \
		timeout 20 ip netns exec "$E2E_G" "$TCP_PY" "$TCP_TOOLS" many "$E2E_GW" "$GONE_PORT" 3 10000 10 || true
	e2e_kill_pid "$pid"
	e2e_check "listener stopped: connects to $E2E_GW:$GONE_PORT refused within 1 s" \
		guest_py "$TCP_TOOLS" refused "$E2E_GW" "$GONE_PORT" || true
	e2e_check "listener stopped: a second connect refused too" \
		guest_py "$TCP_TOOLS" refused "$E2E_GW" "$GONE_PORT" || true
	check_no_leak "the listener went away"
}

fault_connect_timeout() {
	local before out ms how
	ip netns exec "$E2E_F" nft -f - <<EOF
table inet faults {
	chain in { type filter hook input priority 0; tcp dport $DROP_PORT counter drop; }
}
EOF
	before=$(stat tcp_closed_timeout)
	out=$(guest_py "$HOSTILE" timed-connect "$E2E_FAR_ADDR" "$DROP_PORT" 10 2>&1) || true
	how=$(tcp_field how <(echo "$out"))
	ms=$(tcp_field ms <(echo "$out"))
	if [[ $how == refused ]] && ((ms >= 800 && ms <= 2500)); then
		e2e_pass "connect to a SYN-dropping $E2E_FAR_ADDR:$DROP_PORT: RST after $ms ms (--tcp-connect-timeout 1000)"
	else
		e2e_fail "connect to a SYN-dropping $E2E_FAR_ADDR:$DROP_PORT: RST after ~1 s" "$out" \
			"$(ip netns exec "$E2E_F" nft list table inet faults)"
	fi
	if (($(stat tcp_closed_timeout) > before)); then
		e2e_pass "connect timeout counted: tcp_closed_timeout $before -> $(stat tcp_closed_timeout)"
	else
		e2e_fail "connect timeout counted in tcp_closed_timeout" "$(tel stats)"
	fi
	ip netns exec "$E2E_F" nft delete table inet faults
	check_no_leak "a connect timeout"
}

fault_nofile() {
	local ready=$E2E_DIR/hold.ready stop=$E2E_DIR/hold.stop pid before out ok refused
	before=$(stat drop_host_socket)
	# the soft limit only: the hard one stays, so it can be raised again
	# (sluice changes its own limit only at start, to the hard one)
	NOFILE0=$(prlimit --pid "$SPID" --nofile --noheadings --output SOFT)
	prlimit --pid "$SPID" --nofile=128:
	e2e_info "sluice limited to 128 fds ($(nfds) open)"
	tcp_bg "$E2E_G" hold "$TCP_PY" "$HOSTILE" hold "$E2E_GW" "$ECHO_PORT" 300 "$ready" "$stop"
	pid=$E2E_BG_PID
	if ! e2e_wait_for 60 test -e "$ready"; then
		e2e_fail "300 connections with 128 fds: the client finished opening" "$(cat "$TCP_BG_LOG")"
		touch "$stop"
		e2e_kill_pid "$pid"
		prlimit --pid "$SPID" --nofile="$NOFILE0":
		return 1
	fi
	out=$(cat "$ready")
	ok=$(tcp_field ok "$ready")
	refused=$(tcp_field refused "$ready")
	local moved=$(($(stat drop_host_socket) - before))
	if ((ok >= 20 && refused > 0 && ok + refused == 300 && moved >= refused)); then
		e2e_pass "300 connections with 128 fds: $out; drop_host_socket +$moved"
	else
		e2e_fail "300 connections with 128 fds: some work, the rest refused with RST" \
			"$out" "drop_host_socket +$moved" "fds $(nfds)"
	fi
	e2e_check "out of fds: sluice still answers ping" e2e_ping "$E2E_G" "$E2E_GW" 2 || true
	e2e_check "out of fds: sluice alive, telemetry answers" tel info || true
	touch "$stop"
	tcp_wait_pid "$pid" 20 || true
	prlimit --pid "$SPID" --nofile="$NOFILE0":
	check_no_leak "running out of fds"
	e2e_check "after fd exhaustion: 20 new connections echo" \
		timeout 40 ip netns exec "$E2E_G" "$TCP_PY" "$TCP_TOOLS" many "$E2E_GW" "$ECHO_PORT" 20 50000 30 || true
	check_no_leak "the connections after fd exhaustion"
}

fault_link_flap() {
	ip -n "$E2E_G" link set "$E2E_TAP" down
	sleep 2
	ip -n "$E2E_G" link set "$E2E_TAP" up
	e2e_check "sluice alive after the guest port went down and up" e2e_sluice_alive || true
	e2e_dhcp_renew || true
	tcp_xfer "after link down/up: 16 MiB download through $E2E_GW" 60 down $((16 * 1048576)) \
		"$E2E_H" 127.0.0.1 "$XFER_PORT" "$E2E_G" "$E2E_GW" "$XFER_PORT" || true
	check_no_leak "link down/up"
}

fault_sigterm() {
	local ready=$E2E_DIR/hold2.ready hpid spid cpid t0 rc=0 ms opened closed
	tcp_bg "$E2E_G" hold2 "$TCP_PY" "$HOSTILE" hold "$E2E_GW" "$ECHO_PORT" 500 "$ready" watch
	hpid=$E2E_BG_PID
	local hlog=$TCP_BG_LOG
	if ! e2e_wait_for 60 test -e "$ready"; then
		e2e_fail "SIGTERM under load: 500 connections open" "$(cat "$hlog")"
	fi
	e2e_info "held: $(cat "$ready" 2>/dev/null)"
	tcp_bg "$E2E_H" sig-server "$TCP_PY" "$TCP_TOOLS" send 127.0.0.1 "$XFER_PORT" $((4096 * 1048576)) --listen
	spid=$E2E_BG_PID
	tcp_wait_listen "$E2E_H" tcp "$XFER_PORT" 10 || true
	tcp_bg "$E2E_G" sig-client "$TCP_PY" "$TCP_TOOLS" recv "$E2E_GW" "$XFER_PORT"
	cpid=$E2E_BG_PID
	local clog=$TCP_BG_LOG
	sleep 2
	e2e_info "before SIGTERM: $(tel stats | grep -E '^(flows_active|tcp_to_guest_bytes) ' | tr -s ' ' | tr '\n' ' ')"
	t0=$EPOCHREALTIME
	kill -TERM "$SPID"
	local deadline=$((SECONDS + 10))
	while kill -0 "$SPID" 2>/dev/null && [[ $(ps -o stat= -p "$SPID") != Z* ]] &&
		((SECONDS < deadline)); do
		sleep 0.05
	done
	ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
	if kill -0 "$SPID" 2>/dev/null && [[ $(ps -o stat= -p "$SPID") != Z* ]]; then
		kill -KILL "$SPID"
		rc=137
		wait "$SPID" 2>/dev/null || true
	else
		wait "$SPID" || rc=$?
	fi
	e2e_untrack_pid "$SPID"
	E2E_SLUICE_PID=
	if ((rc == 0 && ms <= 5000)); then
		e2e_pass "SIGTERM under load: exit 0 in $ms ms"
	else
		e2e_fail "SIGTERM under load: exit 0 within 5 s" "exit $rc after $ms ms" \
			"$(e2e_log_tail "$E2E_SLUICE_LOG" 30)"
	fi
	opened=$(tcp_counter flows_opened)
	closed=$(tcp_counter flows_closed)
	if ((opened > 500 && opened == closed)); then
		e2e_pass "SIGTERM: exit report flows_opened == flows_closed ($opened)"
	else
		e2e_fail "SIGTERM: exit report flows_opened == flows_closed" \
			"flows_opened $opened, flows_closed $closed" "$(tcp_counters)"
	fi
	tcp_wait_pid "$hpid" 40 || true
	local ended
	ended=$(grep '^ended' "$hlog" || true)
	local reset nopen
	reset=$(tcp_field reset "$hlog")
	nopen=$(tcp_field ok "$ready")
	if [[ -n $ended ]] && ((reset == nopen && nopen > 0)); then
		e2e_pass "SIGTERM: all $nopen held guest connections reset ($ended)"
	else
		e2e_fail "SIGTERM: the held guest connections see resets" "opened: $(cat "$ready" 2>/dev/null)" \
			"$(cat "$hlog")"
	fi
	tcp_wait_pid "$cpid" 30 || true
	if grep -q 'ConnectionResetError' "$clog"; then
		e2e_pass "SIGTERM: the running transfer sees a reset ($(grep -c . "$clog") log lines)"
	else
		e2e_fail "SIGTERM: the running transfer sees a reset" "$(tail -n 5 "$clog")"
	fi
	e2e_kill_pid "$spid"
}

# ------------------------------------------------------------ main

if [[ ! -x $SLUICE ]]; then
	e2e_fail "sluice binary present" "not found or not executable: $SLUICE"
	e2e_summary || exit 1
fi
e2e_require ip nft ss prlimit busybox timeout "$TCP_PY" || true

e2e_setup || { e2e_summary; exit 1; }
tcp_bg "$E2E_H" echo "$TCP_PY" "$TCP_TOOLS" echo-server 127.0.0.1 "$ECHO_PORT"
tcp_bg "$E2E_H" rst-server "$TCP_PY" "$HOSTILE" rst-server 127.0.0.1 "$RST_PORT" 300000
for p in "$ECHO_PORT" "$RST_PORT"; do
	tcp_wait_listen "$E2E_H" tcp "$p" 10 || e2e_fail "host service listens on $p"
done
if ! e2e_start_sluice --tcp-connect-timeout 1000; then
	e2e_summary
	exit 1
fi
PREFIX=${E2E_SLUICE_PREFIXES[-1]}
SPID=$E2E_SLUICE_PID
# shellcheck disable=SC2119 # no extra udhcpc arguments
e2e_dhcp || true
tcp_tune_guest
e2e_check "warm-up: TCP echo through $E2E_GW" \
	timeout 30 ip netns exec "$E2E_G" "$TCP_PY" "$TCP_TOOLS" many "$E2E_GW" "$ECHO_PORT" 4 10000 20 || true
e2e_wait_for 10 bash -c "(( \$($E2E_PYTHON $CTL -f $PREFIX -j flows | $E2E_PYTHON -c 'import json,sys; print(json.load(sys.stdin)[\"total\"])') == 0 ))" || true
sleep 0.5
FD0=$(nfds)
MP0=$(stat mempool_in_use)
PP0=$(stat payload_pool_in_use)
e2e_info "idle baseline: $FD0 fds, mempool_in_use $MP0, payload_pool_in_use $PP0 of $(stat payload_pool_size)"

fault_host_reset
fault_listener_gone
fault_connect_timeout
fault_nofile
fault_link_flap
fault_sigterm
e2e_summary
