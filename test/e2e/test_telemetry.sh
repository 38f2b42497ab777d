#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_telemetry.sh: the telemetry commands end to end. Starts
# sluice (see lib.sh for the topology), drives traffic from the guest
# namespace and checks the JSON that usertools/sluice-ctl and plain
# dpdk-telemetry.py get from the socket
# /var/run/dpdk/<file-prefix>/dpdk_telemetry.v2 (reachable from the root
# namespace: it is a filesystem path):
#   - "/" lists every /sluice/ command, /help has text for each; /sluice/info
#     shows version, the configuration, the tap port (driver, MAC, MTU,
#     link) and the worker
#   - counters move with DHCP, ping, UDP and TCP traffic
#   - a live guest TCP connection is listed with its endpoints, state and
#     exact byte counts; /sluice/flow shows window fields consistent with
#     what the guest kernel reports (ss: window scales both ways, the
#     window it last received); sluice-ctl top shows it
#   - /sluice/flow/close resets it (the guest sees ECONNRESET)
#   - more than one page of flows: pages of at most 32, "more"/"next"
#   - a TCP and a UDP forward added at run time accept traffic; the TCP
#     one refuses connections once deleted
#   - /sluice/log_level changes a level at run time
#   - malformed commands and parameters get error replies; sluice survives
#     and exits 0 on SIGTERM
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_telemetry.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CTL=$E2E_SRC/usertools/sluice-ctl
UDP_PORT=7787			# UDP echo on slh's loopback
TCP_PORT=7788			# TCP echo on slh's loopback
TCP_BYTES=100000		# bytes the guest's live connection echoes
FWD_HOST_PORT=18090		# run-time TCP forward: slh port ...
FWD_GUEST_PORT=7790		# ... to this guest port
UFWD_HOST_PORT=18091		# run-time UDP forward
UFWD_GUEST_PORT=7791
NB_UDP_FLOWS=40			# more than one page of flows

# ------------------------------------------------------------ helpers

# tel ARGS...: sluice-ctl against the sluice we started.
tel() { "$E2E_PYTHON" "$CTL" -f "$PREFIX" "$@"; }

# tel_json NAME ARGS...: sluice-ctl -j ARGS into $E2E_DIR/NAME.json.
tel_json() {
	local name=$1
	shift
	tel -j "$@" >"$E2E_DIR/$name.json"
}

# json_eval FILE EXPR: EXPR (python, the JSON is "d") holds for FILE.
json_eval() {
	"$E2E_PYTHON" - "$1" "$2" <<'EOF'
import json
import sys

path, expr = sys.argv[1], sys.argv[2]
with open(path) as f:
    text = f.read()
try:
    d = json.loads(text)
except ValueError as e:
    print("not JSON (%s): %r" % (e, text[:500]))
    sys.exit(1)
if not eval(expr, {"d": d, "len": len, "all": all, "any": any, "int": int,
                   "str": str, "isinstance": isinstance, "dict": dict}):
    print("does not hold: " + expr)
    print(json.dumps(d, indent=1)[:4000])
    sys.exit(1)
EOF
}

# expect NAME DESC EXPR: PASS/FAIL on json_eval of $E2E_DIR/NAME.json.
expect() {
	e2e_check "$2" json_eval "$E2E_DIR/$1.json" "$3" || true
}

# raw_reply NAME CMD: the whole reply to CMD into $E2E_DIR/NAME.json.
raw_reply() {
	tel raw "$2" >"$E2E_DIR/$1.json"
}

# A guest TCP client that echoes TCP_BYTES through sluice, then keeps the
# connection open, idle, until the peer resets or closes it (or 120 s).
cat >"$E2E_DIR/guest_conn.py" <<'EOF'
import os
import socket
import sys

host, port, n, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.settimeout(20)
s.connect((host, port))
data = os.urandom(n)
s.sendall(data)
got = b""
while len(got) < n:
    d = s.recv(65536)
    if not d:
        break
    got += d
lport = s.getsockname()[1]
print("local_port %d echo_ok %s" % (lport, got == data), flush=True)
with open(ready + ".tmp", "w") as f:
    f.write("%d\n" % lport)
os.rename(ready + ".tmp", ready)
s.settimeout(120)
try:
    d = s.recv(1)
    print("eof" if not d else "data", flush=True)
except ConnectionResetError:
    print("reset", flush=True)
except socket.timeout:
    print("timeout", flush=True)
EOF

# Many UDP flows at once: N sockets, one datagram each, answers awaited.
cat >"$E2E_DIR/guest_udp_many.py" <<'EOF'
import socket
import sys

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
socks = []
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(b"flow %d" % i, (host, port))
    socks.append(s)
ok = 0
for s in socks:
    try:
        s.recvfrom(100)
        ok += 1
    except socket.timeout:
        pass
print("%d of %d answered" % (ok, n))
sys.exit(0 if ok == n else 1)
EOF

# ss_field PORT KEY: a field of the guest's view of its connection from
# local port PORT (ss -tin), e.g. "wscale" -> "7,7", "snd_wnd" -> "65535".
ss_field() {
	ip netns exec "$E2E_G" ss -tinH "sport = :$1" 2>/dev/null |
		tr -s ' \t' '\n' | sed -n "s/^$2://p" | head -n 1
}

# ------------------------------------------------------------ tests

check_help_info() {
	raw_reply cmds "/"
	local c
	expect cmds "/ lists the ten /sluice/ commands" \
		"sum(1 for c in d['/'] if c.startswith('/sluice/')) == 10"
	for c in info stats flows flow flow/close fwd/list fwd/add fwd/del hosts log_level; do
		raw_reply help "/help,/sluice/$c"
		expect help "/help,/sluice/$c: help text" \
			"len(d['/help']['/sluice/$c']) > 20"
	done
	tel_json info info
	expect info "info: version, pid, uptime" \
		"d['version'] == '$(sed -n "s/.*version: '\([^']*\)'.*/\1/p" "$E2E_SRC/meson.build" | head -n 1)' and d['pid'] == $E2E_SLUICE_PID and d['uptime_ms'] >= 0"
	expect info "info: configuration in effect (gateway, guest, DNS)" \
		"d['config']['gateway'] == '$E2E_GW' and d['config']['guest_addr'] == '$E2E_GUEST' and d['config']['dns'] == '$E2E_DNS'"
	expect info "info: the tap port (driver, MAC, MTU, link)" \
		"d['nb_ports'] == 1 and d['ports']['0']['driver'] == 'net_tap' and len(d['ports']['0']['mac']) == 17 and d['ports']['0']['mtu'] >= 576 and d['ports']['0']['link'] in ('up', 'down')"
	expect info "info: one worker, on a worker lcore, polling port 0 queue 0" \
		"d['nb_workers'] == 1 and d['workers']['0']['port'] == 0 and d['workers']['0']['queue'] == 0 and d['workers']['0']['lcore'] != 0 and d['ports']['0']['worker'] == 0"
}

check_counters() {
	tel_json stats0 stats
	expect stats0 "stats: every counter present, aggregate and per worker" \
		"all(k in d and k in d['worker_0'] for k in ('rx_frames', 'rx_bytes', 'tx_frames', 'tx_bytes', 'flows_opened', 'flows_closed', 'tcp_closed_normal', 'tcp_closed_guest_rst', 'tcp_closed_host_rst', 'tcp_closed_timeout', 'tcp_refused', 'flows_closed_admin', 'tcp_pure_acks', 'tcp_acks_coalesced', 'tcp_window_updates', 'tcp_window_reopen', 'tcp_zero_window_guest', 'tcp_zero_window_adv', 'tcp_persist_probes', 'tcp_rexmit_rto', 'tcp_rexmit_fast', 'tcp_ooo_queued', 'drop_l4_csum', 'poll_busy', 'poll_idle', 'flows_active', 'mempool_in_use', 'drops_total'))"
	expect stats0 "stats: DHCP and ping counted, polls busy and idle, mbufs in use" \
		"d['dhcp_acks'] >= 1 and d['icmp_echo_local'] >= 3 and d['rx_frames'] > 0 and d['tx_frames'] > 0 and d['poll_busy'] > 0 and d['poll_idle'] > 0 and 0 < d['mempool_in_use'] <= d['mempool_size']"
	expect stats0 "stats: aggregate equals the only worker's counters" \
		"all(d[k] == d['worker_0'][k] for k in ('rx_frames', 'tx_bytes', 'dhcp_acks'))"
	e2e_check "UDP: echo through $E2E_GW" \
		e2e_in_guest "$E2E_PYTHON" "$E2E_TOOLS" udp-echo "$E2E_GW" "$UDP_PORT" 500 || true
	tel_json stats1 stats
	e2e_check "stats: rx/tx frames and UDP counters moved" json_eval "$E2E_DIR/stats1.json" \
		"d['rx_frames'] > $(json_get stats0 rx_frames) and d['tx_frames'] > $(json_get stats0 tx_frames) and d['udp_to_host'] > $(json_get stats0 udp_to_host) and d['flows_opened'] > $(json_get stats0 flows_opened)" || true
	tel_json stats_w0 stats 0
	expect stats_w0 "stats,0: one worker's counters" "d['worker'] == 0 and d['rx_frames'] > 0"
	tel_json hosts hosts
	expect hosts "hosts: the guest with its MAC, a bound lease, frames both ways" \
		"any(h['address'] == '$E2E_GUEST' and len(h['mac']) == 17 and h['lease'] == 'bound' and h['frames_in'] > 0 and h['frames_out'] > 0 and h['bytes_in'] > 0 for h in d.values())"
}

# json_get NAME KEY: a top-level value of $E2E_DIR/NAME.json.
json_get() {
	"$E2E_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$E2E_DIR/$1.json" "$2"
}

check_live_flow() {
	local ready=$E2E_DIR/conn.ready log=$E2E_DIR/guest_conn.log pid lport id
	rm -f "$ready"
	tel_json stats_before_tcp stats
	e2e_bg "$E2E_G" "$log" "$E2E_PYTHON" "$E2E_DIR/guest_conn.py" "$E2E_GW" "$TCP_PORT" \
		"$TCP_BYTES" "$ready"
	pid=$E2E_BG_PID
	if ! e2e_wait_for 30 test -s "$ready"; then
		e2e_fail "TCP: guest connection through $E2E_GW echoes $TCP_BYTES bytes" "$(cat "$log")" \
			"$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
		e2e_kill_pid "$pid"
		return 0
	fi
	lport=$(cat "$ready")
	e2e_check "TCP: guest connection through $E2E_GW echoes $TCP_BYTES bytes" \
		grep -q "echo_ok True" "$log" || true
	sleep 0.5	# let the last ACKs and window updates settle

	tel_json flows1 flows
	e2e_check "flows: the live connection is listed with its endpoints, state and byte counts" \
		json_eval "$E2E_DIR/flows1.json" \
		"any(f['proto'] == 'tcp' and f['guest'] == '$E2E_GUEST:$lport' and f['dst'] == '$E2E_GW:$TCP_PORT' and f['host'] == '127.0.0.1:$TCP_PORT' and f['state'] == 'established' and f['bytes_to_host'] == $TCP_BYTES and f['bytes_to_guest'] == $TCP_BYTES and f['guest_wnd'] > 0 and f['age_ms'] >= 0 for f in d['flows'])" || true
	id=$("$E2E_PYTHON" -c 'import json,sys
d = json.load(open(sys.argv[1]))
print([f["id"] for f in d["flows"] if f["guest"].endswith(":" + sys.argv[2]) and f["proto"] == "tcp"][0])' \
		"$E2E_DIR/flows1.json" "$lport" 2>/dev/null) || id=
	if [[ -z $id ]]; then
		e2e_fail "flow: the connection has an id" "$(cat "$E2E_DIR/flows1.json")"
		e2e_kill_pid "$pid"
		return 0
	fi
	e2e_info "guest port $lport is flow $id"

	tel_json flow1 flow "$id"
	expect flow1 "flow,$id: TCP state in full" \
		"all(k in d for k in ('guest_wnd', 'guest_wscale', 'adv_wnd', 'adv_wscale', 'last_adv_wnd', 'snd_una', 'snd_nxt', 'rcv_nxt', 'in_flight', 'ooo_bytes', 'srtt_ms', 'rto_ms', 'host_sendq', 'host_send_free')) and d['id'] == $id and d['state'] == 'established'"
	expect flow1 "flow,$id: idle: nothing in flight or queued, host socket drained" \
		"d['snd_una'] == d['snd_nxt'] and d['in_flight'] == 0 and d['ooo_bytes'] == 0 and d['pending_bytes'] == 0 and d['host_sendq'] == 0 and d['host_send_free'] > 0"
	expect flow1 "flow,$id: guest window is a whole number of its scale units" \
		"d['wscale_ok'] == 1 and 0 < d['guest_wnd'] and d['guest_wnd'] % (1 << d['guest_wscale']) == 0 and d['guest_wnd'] <= 4 * 65536"
	expect flow1 "flow,$id: our window is open, rounded to our scale, within the configured buffer" \
		"0 < d['last_adv_wnd'] and d['last_adv_wnd'] % (1 << d['adv_wscale']) == 0 and d['adv_wnd'] >= d['last_adv_wnd'] - (1 << d['adv_wscale']) and d['last_adv_wnd'] <= 4 * 1024 * 1024 and d['rto_ms'] >= 200"

	# what the guest kernel says about the same connection
	local ws snd_wnd ours theirs
	ws=$(ss_field "$lport" wscale)
	snd_wnd=$(ss_field "$lport" snd_wnd)
	e2e_info "guest ss: wscale:$ws snd_wnd:${snd_wnd:-n/a}"
	if [[ $ws == *,* ]]; then
		ours=${ws%,*}	# the peer's (sluice's) shift as the guest uses it
		theirs=${ws#*,}	# the guest's own shift
		expect flow1 "flow,$id: window scales match the guest's view (ss wscale:$ws)" \
			"d['adv_wscale'] == $ours and d['guest_wscale'] == $theirs"
	else
		e2e_fail "guest ss shows the connection's window scales" \
			"$(ip netns exec "$E2E_G" ss -tin 2>&1)"
	fi
	if [[ -n $snd_wnd ]]; then
		expect flow1 "flow,$id: last advertised window is what the guest received (ss snd_wnd:$snd_wnd)" \
			"d['last_adv_wnd'] == $snd_wnd"
	else
		e2e_info "this ss does not show snd_wnd: skipped comparing it"
	fi

	tel_json stats_after_tcp stats
	e2e_check "stats: TCP counters moved (flows, bytes, ACKs, flows_active)" \
		json_eval "$E2E_DIR/stats_after_tcp.json" \
		"d['tcp_flows_opened'] > $(json_get stats_before_tcp tcp_flows_opened) and d['tcp_to_host_bytes'] >= $(json_get stats_before_tcp tcp_to_host_bytes) + $TCP_BYTES and d['tcp_to_guest_bytes'] >= $(json_get stats_before_tcp tcp_to_guest_bytes) + $TCP_BYTES and d['tcp_pure_acks'] + d['tcp_acks_coalesced'] > 0 and d['flows_active'] >= 1" || true

	local top
	top=$(tel top -n 2 -i 0.3 -b 2>&1) || true
	if grep -q "^$id .*established" <<<"$top" && grep -q "GUEST_WND" <<<"$top"; then
		e2e_pass "sluice-ctl top: the flow with its window columns"
	else
		e2e_fail "sluice-ctl top: the flow with its window columns" "$top"
	fi
	if grep -Eq "^workers: busy w0 [0-9]+%" <<<"$top"; then
		e2e_pass "sluice-ctl top: each worker's busy share"
	else
		e2e_fail "sluice-ctl top: each worker's busy share" "$top"
	fi
	e2e_check "sluice-ctl flows and flow ID (text)" \
		bash -c "'$E2E_PYTHON' '$CTL' -f '$PREFIX' flows | grep -q '^$id ' && '$E2E_PYTHON' '$CTL' -f '$PREFIX' flow $id | grep -q 'guest_wnd'" || true

	# an operator closes it: the guest sees a reset
	tel_json close1 close "$id"
	expect close1 "flow/close,$id: closed" "d['closed'] == $id"
	if e2e_wait_for 10 grep -q "^reset" "$log"; then
		e2e_pass "flow/close: the guest connection is reset"
	else
		e2e_fail "flow/close: the guest connection is reset" "$(cat "$log")"
	fi
	e2e_kill_pid "$pid"
	raw_reply close_again "/sluice/flow/close,$id"
	expect close_again "flow/close of a closed flow: error reply" \
		"isinstance(d['/sluice/flow/close'], dict) and 'error' in d['/sluice/flow/close']"
	tel_json stats_closed stats
	expect stats_closed "stats: flows_closed_admin counted" "d['flows_closed_admin'] >= 1"
}

check_paging() {
	e2e_check "UDP: $NB_UDP_FLOWS flows at once from the guest" \
		e2e_in_guest "$E2E_PYTHON" "$E2E_DIR/guest_udp_many.py" "$E2E_GW" "$UDP_PORT" \
		"$NB_UDP_FLOWS" || true
	raw_reply page1 "/sluice/flows"
	expect page1 "flows: the first page holds 32 flows and says more follow" \
		"d['/sluice/flows']['count'] == 32 and len(d['/sluice/flows']['flows']) == 32 and d['/sluice/flows']['more'] == 1 and d['/sluice/flows']['total'] >= $NB_UDP_FLOWS"
	local next
	next=$("$E2E_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["/sluice/flows"]["next"])' \
		"$E2E_DIR/page1.json" 2>/dev/null) || next=0
	raw_reply page2 "/sluice/flows,$next"
	expect page2 "flows,NEXT: the rest, no flow listed twice" \
		"len(d['/sluice/flows']['flows']) == d['/sluice/flows']['count'] > 0 and not set(d['/sluice/flows']['flows']) & set(__import__('json').load(open('$E2E_DIR/page1.json'))['/sluice/flows']['flows'])"
	e2e_check "every reply stays under the 16 KiB telemetry limit" \
		bash -c "(( \$(stat -c %s '$E2E_DIR/page1.json') < 16384 ))" || true
	tel_json all_flows flows
	expect all_flows "sluice-ctl flows: follows the pages to every flow" \
		"len(d['flows']) == d['total'] and sum(1 for f in d['flows'] if f['proto'] == 'udp') >= $NB_UDP_FLOWS and len(set(f['id'] for f in d['flows'])) == len(d['flows'])"
}

check_forwards() {
	local log=$E2E_DIR/fwd-echo-guest.log
	e2e_bg "$E2E_G" "$log" "$E2E_PYTHON" "$E2E_TOOLS" tcp-echo-server "$E2E_GUEST" "$FWD_GUEST_PORT"
	e2e_bg "$E2E_G" "$E2E_DIR/ufwd-echo-guest.log" "$E2E_PYTHON" "$E2E_TOOLS" \
		udp-echo-server "$E2E_GUEST" "$UFWD_GUEST_PORT"
	e2e_wait_for 10 grep -q "tcp echo" "$log" || true

	tel_json fwd_list0 fwd list
	expect fwd_list0 "fwd/list: none at start" "d['count'] == 0 and d['forwards'] == []"
	e2e_check "no TCP listener on $FWD_HOST_PORT before the forward" \
		bash -c "! timeout 10 ip netns exec '$E2E_H' '$E2E_PYTHON' '$E2E_TOOLS' tcp-echo 127.0.0.1 $FWD_HOST_PORT 10" || true
	tel_json fwd_add fwd add "$FWD_HOST_PORT:$FWD_GUEST_PORT"
	expect fwd_add "fwd/add,$FWD_HOST_PORT:$FWD_GUEST_PORT: added on worker 0" \
		"d['added'] == 'tcp:$FWD_HOST_PORT:$FWD_GUEST_PORT' and d['worker'] == 0"
	tel_json ufwd_add fwd add "udp:$UFWD_HOST_PORT:$UFWD_GUEST_PORT"
	expect ufwd_add "fwd/add,udp:$UFWD_HOST_PORT:$UFWD_GUEST_PORT: added" \
		"d['added'] == 'udp:$UFWD_HOST_PORT:$UFWD_GUEST_PORT'"
	tel_json fwd_list1 fwd list
	expect fwd_list1 "fwd/list: both forwards" \
		"d['count'] == 2 and 'tcp:$FWD_HOST_PORT:$FWD_GUEST_PORT' in d['forwards'] and 'udp:$UFWD_HOST_PORT:$UFWD_GUEST_PORT' in d['forwards'] and d['workers'] == [0, 0]"
	e2e_check "run-time TCP forward: 127.0.0.1:$FWD_HOST_PORT in slh reaches the guest's echo server" \
		timeout 30 ip netns exec "$E2E_H" "$E2E_PYTHON" "$E2E_TOOLS" tcp-echo 127.0.0.1 \
		"$FWD_HOST_PORT" 20000 || true
	e2e_check "run-time UDP forward: 127.0.0.1:$UFWD_HOST_PORT in slh reaches the guest's echo server" \
		timeout 30 ip netns exec "$E2E_H" "$E2E_PYTHON" "$E2E_TOOLS" udp-echo 127.0.0.1 \
		"$UFWD_HOST_PORT" 300 || true
	local rc=0 out
	out=$(tel fwd add "$FWD_HOST_PORT:$FWD_GUEST_PORT" 2>&1) || rc=$?
	if ((rc == 1)) && grep -qi "in use" <<<"$out"; then
		e2e_pass "fwd/add of the same forward again: error, exit 1"
	else
		e2e_fail "fwd/add of the same forward again: error, exit 1" "exit $rc" "$out"
	fi
	tel_json fwd_del fwd del "$FWD_HOST_PORT:$FWD_GUEST_PORT"
	expect fwd_del "fwd/del: removed" "d['removed'] == 'tcp:$FWD_HOST_PORT:$FWD_GUEST_PORT'"
	tel_json ufwd_del fwd del "udp:$UFWD_HOST_PORT:$UFWD_GUEST_PORT"
	expect ufwd_del "fwd/del udp: removed" "d['removed'] == 'udp:$UFWD_HOST_PORT:$UFWD_GUEST_PORT'"
	e2e_check "after fwd/del: connections to 127.0.0.1:$FWD_HOST_PORT are refused" \
		bash -c "! timeout 10 ip netns exec '$E2E_H' '$E2E_PYTHON' '$E2E_TOOLS' tcp-echo 127.0.0.1 $FWD_HOST_PORT 10" || true
	tel_json fwd_list2 fwd list
	expect fwd_list2 "fwd/list: empty again" "d['count'] == 0"
	rc=0
	out=$(tel fwd del "$FWD_HOST_PORT:$FWD_GUEST_PORT" 2>&1) || rc=$?
	if ((rc == 1)) && grep -qi "not found" <<<"$out"; then
		e2e_pass "fwd/del of an unknown forward: error, exit 1"
	else
		e2e_fail "fwd/del of an unknown forward: error, exit 1" "exit $rc" "$out"
	fi
}

check_log_level() {
	tel_json ll1 log-level tcp debug
	expect ll1 "log_level,tcp,debug: sluice.tcp is at debug" \
		"d['set'] == 'debug' and d['types'] == ['sluice.tcp:debug']"
	tel_json ll2 log-level
	expect ll2 "log_level: every sluice module listed, tcp at debug, others unchanged" \
		"all(('sluice.%s:' % m) in ' '.join(d['types']) for m in ('app', 'port', 'tcp', 'udp', 'dhcp', 'ctl', 'fwd')) and 'sluice.tcp:debug' in d['types'] and 'sluice.udp:info' in d['types']"
	tel_json ll3 log-level 'sluice.*' info
	expect ll3 "log_level,sluice.*,info: all back to info" \
		"d['count'] >= 7 and all(t.endswith(':info') for t in d['types'])"
}

check_bad_commands() {
	local cmd name i=0
	for cmd in "/sluice/flow" "/sluice/flow,abc" "/sluice/flow,-1" "/sluice/flow,1x" \
		"/sluice/flows,notanumber" "/sluice/flows,99999999999999999999" \
		"/sluice/stats,7" "/sluice/stats,x" "/sluice/info,extra" \
		"/sluice/fwd/add" "/sluice/fwd/add,garbage" "/sluice/fwd/add,tcp:70000" \
		"/sluice/fwd/add,18095:80,5" "/sluice/fwd/del,udp:" "/sluice/fwd/list,x" \
		"/sluice/log_level,tcp,loud" "/sluice/log_level,nosuchmodule,debug" \
		"/sluice/flow/close" "/sluice/flow/close,abc" "/sluice/nonexistent"; do
		i=$((i + 1))
		name=bad$i
		raw_reply "$name" "$cmd" || true
		expect "$name" "bad command $cmd: error reply (null)" "d['${cmd%%,*}'] is None"
	done
	raw_reply bad_id "/sluice/flow,18446744073709551615"
	expect bad_id "/sluice/flow of an unknown id: error reply with a reason" \
		"d['/sluice/flow']['errno'] == 2 and 'not found' in d['/sluice/flow']['error']"
	raw_reply long "/sluice/fwd/add,$(printf 'x%.0s' {1..900})"
	expect long "an over-long parameter: error reply" "d['/sluice/fwd/add'] is None"
	if e2e_sluice_alive; then
		e2e_pass "sluice survives the bad commands"
	else
		e2e_fail "sluice survives the bad commands" "$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
	fi
	tel_json info_after info
	expect info_after "info still answers after the bad commands" "d['nb_workers'] == 1"
}

check_dpdk_telemetry_py() {
	local py
	py=$(command -v dpdk-telemetry.py || true)
	if [[ -z $py ]]; then
		e2e_info "dpdk-telemetry.py not installed: skipped"
		return 0
	fi
	printf '/sluice/stats\n/sluice/flows\n' | "$E2E_PYTHON" "$py" -f "$PREFIX" \
		>"$E2E_DIR/dpdk_telemetry.out" 2>&1 || true
	e2e_check "plain dpdk-telemetry.py: /sluice/stats and /sluice/flows answer" \
		bash -c "grep -q '\"/sluice/stats\": {.*\"rx_frames\"' '$E2E_DIR/dpdk_telemetry.out' && grep -q '\"/sluice/flows\": {' '$E2E_DIR/dpdk_telemetry.out'" || true
}

# ------------------------------------------------------------ main

e2e_require busybox ip ss || true
# shellcheck disable=SC2119 # default app options
if e2e_setup && e2e_start_sluice; then
	PREFIX=${E2E_SLUICE_PREFIXES[-1]}
	e2e_bg "$E2E_H" "$E2E_DIR/udp-echo-host.log" "$E2E_PYTHON" "$E2E_TOOLS" \
		udp-echo-server 127.0.0.1 "$UDP_PORT"
	e2e_bg "$E2E_H" "$E2E_DIR/tcp-echo-host.log" "$E2E_PYTHON" "$E2E_TOOLS" \
		tcp-echo-server 127.0.0.1 "$TCP_PORT"
	e2e_check "the telemetry socket exists at /var/run/dpdk/$PREFIX/dpdk_telemetry.v2" \
		test -S "/var/run/dpdk/$PREFIX/dpdk_telemetry.v2" || true
	check_help_info
	# shellcheck disable=SC2119 # no extra udhcpc arguments
	if e2e_dhcp; then
		e2e_check "ICMP: ping -c 3 $E2E_GW" e2e_ping "$E2E_G" "$E2E_GW" 3 || true
		check_counters
		check_live_flow
		check_paging
		check_forwards
	fi
	check_log_level
	check_bad_commands
	check_dpdk_telemetry_py
	e2e_stop_sluice 0 || true
fi

e2e_summary
