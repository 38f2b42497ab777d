#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_virtio_user.sh: sluice as the virtio-user side of a
# vhost-user backend (its port: --vdev net_virtio_user0,path=SOCK) moves
# guest traffic end to end. The backend is DPDK's dpdk-testpmd with two
# ports, net_vhost0 on SOCK and net_tap0, forwarding between them
# (--forward-mode=io, non-interactive: --stats-period keeps it running until
# SIGTERM). testpmd's tap goes into the guest namespace slg:
#
#   slg: udhcpc, ping, wget    testpmd (slh)                 sluice (slh)
#   sltapID  <== net_tap ==>  port 1 <= io => port 0 net_vhost <== vhost-user
#                                             (SOCK) ==> net_virtio_user0
#
# Checks, each as a PASS/FAIL line, in two set-ups:
#   - "client": sluice's virtio-user is the vhost-user client (testpmd's
#     net_vhost listens on SOCK); after the traffic testpmd exits: sluice
#     logs the link down and keeps running (22.11's virtio-user client does
#     not reconnect)
#   - "server": sluice listens (server=1), testpmd connects (client=1); then
#     testpmd is restarted and reconnects, and the guest's traffic flows
#     again through the same sluice
# and in each: DHCP lease (10.0.2.15/24 via 10.0.2.2), ping 10.0.2.2, UDP
# and TCP echo through 10.0.2.2 (slh's loopback) and to the far host
# 198.51.100.2, an 8-32 MiB HTTP download from slh's 127.0.0.1 with a sha256
# equal to the file's; SIGTERM: exit 0, dhcp_acks counted.
# Memory: both processes --no-huge -m 1024 (EAL memory is memfd-backed, so
# the vhost-user peer can map it); E2E_VH_HUGE=1 uses hugepages instead.
# sluice runs with --mtu 1500: testpmd's mbufs (2 KiB, no rx scatter) bound
# the frame size on this path.
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_virtio_user.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_vhost.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_vhost.sh"

TESTPMD=${E2E_TESTPMD:-dpdk-testpmd}
MODES=${E2E_VU_MODES:-client server}
UDP_PORT=7777
TCP_PORT=7778
HTTP_PORT=8080
SOCK=$E2E_DIR/vhost-net.sock
TP_PID=
TP_LOG=
TP_N=0

# testpmd's lcores: its forwarding lcore on the CPU that sluice's worker
# does not use (sluice: main lcore 0, worker lcore 1)
if (($(nproc) >= 2)); then
	# shellcheck disable=SC2054 # "0,1" is one -l value
	TP_LCORES=(-l 0,1 --main-lcore 1)
else
	TP_LCORES=(--lcores "0@0,1@0" --main-lcore 1)
fi

# tp_start VHOST_DEVARGS: dpdk-testpmd in slh with ports net_vhost0 (on
# SOCK, extra devargs appended) and net_tap0 ($E2E_TAP), io forwarding
# between them. Waits for "Checking link statuses... Done" or the tap.
tp_start() {
	local extra=$1 prefix
	TP_N=$((TP_N + 1))
	prefix=sle2e-$E2E_ID-tp$TP_N
	E2E_SLUICE_PREFIXES+=("$prefix")	# runtime dir removed at cleanup
	TP_LOG=$E2E_DIR/testpmd-$TP_N.log
	vh_mem_args || return 1
	local -a cmd=("$TESTPMD" --no-pci "${VH_MEM_ARGS[@]}" --file-prefix "$prefix"
		"${TP_LCORES[@]}" --vdev "net_vhost0,iface=$SOCK$extra"
		--vdev "net_tap0,iface=$E2E_TAP" --log-level=lib.eal:notice --
		--forward-mode=io --auto-start --stats-period 3600 --nb-cores=1
		--total-num-mbufs=16384)
	e2e_info "starting: ${cmd[*]}"
	e2e_bg "$E2E_H" "$TP_LOG" "${cmd[@]}"
	TP_PID=$E2E_BG_PID
}

# tp_wait_tap: testpmd's tap exists in slh (testpmd probes its ports
# before the vhost-user connection exists).
tp_wait_tap() {
	local deadline=$((SECONDS + 30))
	while ! ip -n "$E2E_H" link show dev "$E2E_TAP" >/dev/null 2>&1; do
		if ! kill -0 "$TP_PID" 2>/dev/null; then
			e2e_kill_pid "$TP_PID"
			e2e_fail "dpdk-testpmd starts" "exit status $E2E_KILL_STATUS" "$(e2e_log_tail "$TP_LOG")"
			return 1
		fi
		if ((SECONDS >= deadline)); then
			e2e_fail "dpdk-testpmd starts" "no tap $E2E_TAP after 30 s" "$(e2e_log_tail "$TP_LOG")"
			return 1
		fi
		sleep 0.1
	done
}

# tp_forwarding: testpmd has started forwarding (both ports up to it).
tp_forwarding() { grep -q 'Press enter to exit\|io packet forwarding' "$TP_LOG"; }

# tp_stop: SIGTERM testpmd and check that it exits.
tp_stop() {
	[[ -n $TP_PID ]] || return 0
	e2e_kill_pid "$TP_PID" TERM
	TP_PID=
	e2e_info "testpmd exited with status $E2E_KILL_STATUS"
}

# guest_tap_to_slg: move testpmd's tap into slg and bring it up there.
# The guest keeps its MAC across testpmd restarts, as a restarted VM keeps
# the one QEMU or libvirt gives it: the DHCP lease table hands a host its
# address back, while a new MAC would get the next free one (.16).
guest_tap_to_slg() {
	if ! ip -n "$E2E_H" link set "$E2E_TAP" netns "$E2E_G" ||
		! ip -n "$E2E_G" link set "$E2E_TAP" address 52:54:00:12:34:56 ||
		! ip -n "$E2E_G" link set "$E2E_TAP" up; then
		e2e_fail "move $E2E_TAP into $E2E_G" "$(e2e_log_tail "$TP_LOG")"
		return 1
	fi
}

# check_traffic DESC: ping, UDP/TCP echo, the sha256-checked download.
check_traffic() {
	local desc=$1 out rc
	e2e_check "$desc: ping -c 3 $E2E_GW" e2e_ping "$E2E_G" "$E2E_GW" 3 || true
	e2e_check "$desc: UDP echo via $E2E_GW (host loopback)" \
		e2e_in_guest "$E2E_PYTHON" "$E2E_TOOLS" udp-echo "$E2E_GW" "$UDP_PORT" 1200 || true
	e2e_check "$desc: TCP echo of 256 KiB via $E2E_GW (host loopback)" \
		e2e_in_guest "$E2E_PYTHON" "$E2E_TOOLS" tcp-echo "$E2E_GW" "$TCP_PORT" 262144 || true
	e2e_check "$desc: TCP echo of 64 KiB to the far host $E2E_FAR_ADDR" \
		e2e_in_guest "$E2E_PYTHON" "$E2E_TOOLS" tcp-echo "$E2E_FAR_ADDR" "$TCP_PORT" 65536 || true
	local got=$E2E_DIR/got.$TP_N t0 t1 sum secs
	rm -f "$got"
	t0=$(date +%s.%N)
	rc=0
	out=$(timeout 120 ip netns exec "$E2E_G" busybox wget -q -O "$got" \
		"http://$E2E_GW:$HTTP_PORT/blob" 2>&1) || rc=$?
	t1=$(date +%s.%N)
	sum=$(sha256sum "$got" 2>/dev/null | cut -d' ' -f1 || true)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	if ((rc == 0)) && [[ $sum == "$BLOB_SHA" ]]; then
		e2e_pass "$desc: TCP download of $BLOB_MIB MiB via $E2E_GW, sha256 equal" \
			"($secs s, $(awk -v m="$BLOB_MIB" -v s="$secs" 'BEGIN { printf "%.1f", m / s }') MiB/s)"
	else
		e2e_fail "$desc: TCP download of $BLOB_MIB MiB via $E2E_GW, sha256 equal" \
			"wget exit $rc: $out" "host $BLOB_SHA" "guest ${sum:-none} ($(stat -c %s "$got" 2>/dev/null || echo 0) bytes)" \
			"$(e2e_log_tail "$E2E_SLUICE_LOG" 20)" "$(e2e_log_tail "$TP_LOG" 20)"
	fi
	rm -f "$got"
}

# check_sluice_exit DESC: after e2e_stop_sluice: dhcp_acks and link lines.
check_sluice_exit() {
	local desc=$1 acks
	acks=$(vh_counter dhcp_acks)
	if ((acks >= 1)); then
		e2e_pass "$desc: sluice counted dhcp_acks $acks"
	else
		e2e_fail "$desc: sluice counted dhcp_acks >= 1" "$(vh_counters "$E2E_SLUICE_LOG")"
	fi
	grep -E '^sluice[.a-z]*: port 0' "$E2E_SLUICE_LOG" | sed 's/^/# /' || true
	grep -E 'negotiated|features' "$E2E_TP_FEATURES_LOG" 2>/dev/null | head -n 2 | sed 's/^/# testpmd: /' || true
	[[ -n ${E2E_VERBOSE:-} ]] && vh_counters "$E2E_SLUICE_LOG" | sed 's/^/# /'
	return 0
}

# ------------------------------------------------------------ main

e2e_require ip busybox "$E2E_PYTHON" "$TESTPMD" sha256sum || { e2e_summary; exit 1; }
if e2e_setup; then
	# host services in slh (loopback) and on the far host
	e2e_bg "$E2E_H" "$E2E_DIR/udp-echo.log" "$E2E_PYTHON" "$E2E_TOOLS" udp-echo-server 127.0.0.1 "$UDP_PORT"
	e2e_bg "$E2E_H" "$E2E_DIR/tcp-echo.log" "$E2E_PYTHON" "$E2E_TOOLS" tcp-echo-server 127.0.0.1 "$TCP_PORT"
	e2e_bg "$E2E_F" "$E2E_DIR/tcp-echo-far.log" "$E2E_PYTHON" "$E2E_TOOLS" tcp-echo-server 0.0.0.0 "$TCP_PORT"
	mkdir -p "$E2E_DIR/www"
	BLOB_MIB=${E2E_VU_MIB:-$((8 + RANDOM % 25))}
	head -c $((BLOB_MIB * 1048576)) /dev/urandom >"$E2E_DIR/www/blob"
	BLOB_SHA=$(sha256sum "$E2E_DIR/www/blob" | cut -d' ' -f1)
	e2e_info "host file: $BLOB_MIB MiB, sha256 $BLOB_SHA"
	vh_http_server "$E2E_DIR/www" "$HTTP_PORT" || true
	APP_ARGS=(--mtu 1500 --dns-forward off)

	for mode in $MODES; do
		rm -f "$SOCK"
		case $mode in
		client)
			# testpmd's net_vhost listens, sluice connects
			if tp_start "" && E2E_TP_FEATURES_LOG=$TP_LOG && tp_wait_tap && e2e_wait_for 20 test -S "$SOCK" &&
				vh_start_sluice "net_virtio_user0,path=$SOCK,queue_size=1024" "${APP_ARGS[@]}"; then
				if e2e_wait_for 20 tp_forwarding && guest_tap_to_slg; then
					# shellcheck disable=SC2119 # no extra udhcpc arguments
					e2e_dhcp || true
					check_traffic "virtio-user client"
					# the backend goes away: sluice logs the link
					# down and keeps running (a virtio-user client
					# of DPDK 22.11 does not reconnect: server=1
					# below does)
					tp_stop
					if e2e_wait_for 10 grep -Eq '^sluice[.a-z]*: port 0: Link down' "$E2E_SLUICE_LOG" &&
						sleep 1 && e2e_sluice_alive; then
						e2e_pass "virtio-user client: backend gone, sluice logs link down and keeps running"
					else
						e2e_fail "virtio-user client: backend gone, sluice logs link down and keeps running" \
							"$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
					fi
				else
					e2e_fail "virtio-user client: testpmd forwards" "$(e2e_log_tail "$TP_LOG")"
				fi
				e2e_stop_sluice 0 && check_sluice_exit "virtio-user client"
			fi
			tp_stop
			;;
		server)
			# sluice listens (server=1: its port probe waits for the
			# first connection), testpmd connects with client=1; then
			# testpmd restarts and reconnects to the same sluice
			vdev="net_virtio_user0,path=$SOCK,queue_size=1024,server=1"
			vh_launch_sluice "$vdev" "${APP_ARGS[@]}" || continue
			if ! e2e_wait_for 20 test -S "$SOCK"; then
				e2e_fail "virtio-user server: sluice listens on $SOCK" \
					"$(e2e_log_tail "$E2E_SLUICE_LOG")"
				e2e_stop_sluice 0 || true
				continue
			fi
			for round in 1 2; do
				desc="virtio-user server"
				((round == 1)) || desc+=", testpmd restarted"
				tp_start ",client=1" || break
				E2E_TP_FEATURES_LOG=$TP_LOG
				tp_wait_tap || break
				if ((round == 1)) && ! vh_wait_sluice "$vdev"; then
					break
				fi
				if e2e_wait_for 20 tp_forwarding && guest_tap_to_slg; then
					# shellcheck disable=SC2119 # no extra udhcpc arguments
					e2e_dhcp || true
					check_traffic "$desc"
				else
					e2e_fail "$desc: testpmd forwards" "$(e2e_log_tail "$TP_LOG")"
				fi
				tp_stop
			done
			if e2e_sluice_alive; then
				e2e_stop_sluice 0 && check_sluice_exit "virtio-user server"
			else
				e2e_stop_sluice 0 || true
			fi
			tp_stop
			;;
		*)
			e2e_fail "E2E_VU_MODES: unknown mode $mode (client, server)"
			;;
		esac
	done
fi

e2e_summary
