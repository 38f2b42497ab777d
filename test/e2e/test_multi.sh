#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_multi.sh: end-to-end test of one sluice serving two guests
# ("Scale out"): two net_tap ports, guest A (slg, port 0) and guest B (slgb,
# port 1), three EAL lcores (a main and two workers; see lib_multi.sh).
# Checks, each as a PASS/FAIL line:
#   - auto placement: /sluice/info (sluice-ctl -j info) shows port 0 and
#     port 1 on different workers on different lcores
#   - per-port addresses from a [port 1] section: guest A gets 10.0.2.15/24
#     via 10.0.2.2, guest B 10.0.3.15/24 via 10.0.3.2; each pings its gateway
#   - concurrent bulk TCP: each guest downloads 64 MiB from and uploads
#     64 MiB to its own server on slh's loopback (through its gateway), all
#     four at once, every one sha256-identical; both workers carried traffic
#   - per-port forwards: global -t 8090:80 reaches guest A's server on port
#     80, [port 1] tcp-forward = 8091:80 reaches guest B's
#   - pinning: worker-lcore = 1 in [port 0] and [port 1] puts both workers on
#     lcore 1 (info shows it); both guests still get their leases and a
#     concurrent 16 MiB download each is sha256-identical
#   - a worker-lcore that is not an EAL worker lcore (not in --lcores, or the
#     main lcore) makes sluice exit 2 with one line naming it
#   - SIGTERM: exit status 0, each time
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_multi.sh
# MULTI_BIG (default 67108864) sets the size of the bulk transfers.

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_tcp.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_tcp.sh"
# shellcheck source-path=SCRIPTDIR source=lib_multi.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_multi.sh"

BIG=${MULTI_BIG:-$((64 << 20))}
PIN_SIZE=$((16 << 20))
GW_A=10.0.2.2
GW_B=10.0.3.2
GUEST_A=10.0.2.15
GUEST_B=10.0.3.15

# guest B's subnet and forward (port 1); port 0 keeps the defaults
CONF_TWO=$E2E_DIR/two.conf
cat >"$CONF_TWO" <<EOF
# test_multi.sh: guest B (port 1) on its own subnet, with its own forward
[port 1]
gateway = $GW_B
guest-addr = $GUEST_B
dns = 10.0.3.3
prefix-len = 24
tcp-forward = 8091:80
EOF

CONF_PIN=$E2E_DIR/pin.conf
cat >"$CONF_PIN" <<EOF
# test_multi.sh: both ports' workers pinned to lcore 1
[port 0]
worker-lcore = 1
[port 1]
worker-lcore = 1
gateway = $GW_B
guest-addr = $GUEST_B
dns = 10.0.3.3
EOF

# a banner server: every connection gets "guest=NAME\n", then close
BANNER_PY=$E2E_DIR/banner.py
cat >"$BANNER_PY" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[2])))
s.listen(16)
print("banner on %s" % sys.argv[2], flush=True)
while True:
    c, _ = s.accept()
    c.sendall(("guest=%s\n" % sys.argv[1]).encode())
    c.close()
EOF

# ------------------------------------------------------------ helpers

# xfers DESC LIMIT SPEC...: concurrent bulk transfers, each
# SPEC = "LABEL MODE SIZE GUEST_NS GATEWAY PORT": the server listens on
# 127.0.0.1:PORT in slh, the client in GUEST_NS connects to GATEWAY:PORT;
# MODE down: the server sends SIZE bytes; up: the client sends them. One
# PASS/FAIL line per transfer (size and sha256 on both ends), all within
# LIMIT seconds.
xfers() {
	local desc=$1 limit=$2
	shift 2
	local -a labels=() spids=() cpids=() slogs=() clogs=() sizes=() cmds=()
	local spec label mode size ns gw port i
	for spec in "$@"; do
		read -r label mode size ns gw port <<<"$spec"
		if [[ $mode == down ]]; then
			tcp_bg "$E2E_H" "x-$label-server" "$TCP_PY" "$TCP_TOOLS" send 127.0.0.1 "$port" "$size" --listen
		else
			tcp_bg "$E2E_H" "x-$label-server" "$TCP_PY" "$TCP_TOOLS" recv 127.0.0.1 "$port" --listen
		fi
		spids+=("$E2E_BG_PID")
		slogs+=("$TCP_BG_LOG")
		labels+=("$label")
		sizes+=("$size")
		if ! tcp_wait_listen "$E2E_H" tcp "$port" 10; then
			e2e_fail "$desc: $label server listens on 127.0.0.1:$port" "$(cat "$TCP_BG_LOG")"
			return 1
		fi
	done
	local t0=$EPOCHREALTIME
	for spec in "$@"; do
		read -r label mode size ns gw port <<<"$spec"
		if [[ $mode == down ]]; then
			tcp_bg "$ns" "x-$label-client" "$TCP_PY" "$TCP_TOOLS" recv "$gw" "$port"
		else
			tcp_bg "$ns" "x-$label-client" "$TCP_PY" "$TCP_TOOLS" send "$gw" "$port" "$size"
		fi
		cpids+=("$E2E_BG_PID")
		clogs+=("$TCP_BG_LOG")
		cmds+=("$ns -> $gw:$port $mode")
	done
	local deadline=$((SECONDS + limit)) timed_out=0 busy p
	while :; do
		busy=0
		for p in "${spids[@]}" "${cpids[@]}"; do
			if kill -0 "$p" 2>/dev/null && [[ $(ps -o stat= -p "$p") != Z* ]]; then
				busy=1
				break
			fi
		done
		((busy)) || break
		if ((SECONDS >= deadline)); then
			timed_out=1
			break
		fi
		sleep 0.2
	done
	local secs diag=
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	if ((timed_out)); then
		diag="$(printf 'slh sockets:\n%s\nguest A sockets:\n%s\nguest B sockets:\n%s' \
			"$(tcp_ss "$E2E_H")" "$(tcp_ss "$E2E_G")" "$(tcp_ss "$M_GB")")"
	fi
	local crc src sb cb ss cs
	for i in "${!labels[@]}"; do
		e2e_kill_pid "${cpids[i]}"
		crc=$E2E_KILL_STATUS
		e2e_kill_pid "${spids[i]}"
		src=$E2E_KILL_STATUS
		sb=$(tcp_field bytes "${slogs[i]}")
		cb=$(tcp_field bytes "${clogs[i]}")
		ss=$(tcp_field sha "${slogs[i]}")
		cs=$(tcp_field sha "${clogs[i]}")
		if ((timed_out == 0 && crc == 0 && src == 0)) &&
			[[ $sb == "${sizes[i]}" && $cb == "${sizes[i]}" && -n $ss && $ss == "$cs" ]]; then
			e2e_pass "$desc: ${labels[i]} (${cmds[i]}) ${sizes[i]} bytes, sha256 ${ss:0:16}... ($secs s for all)"
		else
			e2e_fail "$desc: ${labels[i]} (${cmds[i]}) ${sizes[i]} bytes, sha256-identical" \
				"timed out: $timed_out (limit $limit s) after $secs s; server exit $src, client exit $crc" \
				"server: $(tail -n 3 "${slogs[i]}")" "client: $(tail -n 3 "${clogs[i]}")" \
				"$diag" "$(e2e_log_tail "$E2E_SLUICE_LOG" 10)"
		fi
	done
	local rate
	rate=$(awk -v n="$#" -v s="${sizes[0]}" -v t="$secs" \
		'BEGIN { printf "%.0f", n * s / 1048576 / (t > 0 ? t : 1) }')
	e2e_info "$desc: $# transfers in $secs s, ~$rate MiB/s aggregate"
}

# check_placement DESC WANT: WANT is "differ" (two workers on two lcores)
# or an lcore number both ports' workers must be on
check_placement() {
	local desc=$1 want=$2 out l0 l1 w0 w1
	if ! out=$(m_port_lcores 2>&1); then
		e2e_fail "$desc" "sluice-ctl -j info failed:" "$out"
		return 1
	fi
	w0=$(sed -n 's/^port=0 worker=\([0-9]*\) .*/\1/p' <<<"$out")
	w1=$(sed -n 's/^port=1 worker=\([0-9]*\) .*/\1/p' <<<"$out")
	l0=$(sed -n 's/^port=0 .* lcore=\([0-9]*\)$/\1/p' <<<"$out")
	l1=$(sed -n 's/^port=1 .* lcore=\([0-9]*\)$/\1/p' <<<"$out")
	local ok=0
	if [[ -n $w0 && -n $w1 && -n $l0 && -n $l1 && $w0 != "$w1" ]]; then
		if [[ $want == differ ]]; then
			[[ $l0 != "$l1" ]] && ok=1
		else
			[[ $l0 == "$want" && $l1 == "$want" ]] && ok=1
		fi
	fi
	if ((ok)); then
		e2e_pass "$desc: $(tr '\n' ';' <<<"$out" | sed 's/;$//; s/;/; /g')"
		return 0
	fi
	e2e_fail "$desc" "$out" "$(e2e_log_tail "$E2E_SLUICE_LOG" 10)"
	return 1
}

# banner_is PORT WANT: connecting to 127.0.0.1:PORT in slh reads WANT
banner_is() {
	local got
	got=$(ip netns exec "$E2E_H" "$TCP_PY" "$TCP_TOOLS" banner 127.0.0.1 "$1" 2>&1) || true
	[[ $got == *"$2"* ]] || { printf 'got: %s\n' "$got"; return 1; }
	printf '%s\n' "$got"
}

# app_lines FILE: the lines of FILE that sluice printed itself, not DPDK's
# or sluice's own log lines ("EAL: ", "func(): ", "sluice.port: ", "sluice:
# port 0 -> worker 0 on lcore 1", indented continuations)
app_lines() {
	grep -Ev '^([A-Z][A-Z0-9_]*|[A-Za-z_][A-Za-z0-9_]*\(\)|sluice\.[a-z_.]+): |^sluice: port [0-9]+( net_|: Link| -> )|^[[:space:]]' "$1" || true
}

# ------------------------------------------------------------ tests

test_two_workers() {
	m_start_sluice two --config "$CONF_TWO" -t 8090:80 || return 1
	check_placement "info: ports 0 and 1 on different workers and lcores" differ
	m_dhcp "$E2E_G" "$E2E_TAP" "$GUEST_A" "$GW_A" 24
	m_dhcp "$M_GB" "$M_TAPB" "$GUEST_B" "$GW_B" 24
	local out
	if out=$(e2e_ping "$E2E_G" "$GW_A" 3) && out+=$(e2e_ping "$M_GB" "$GW_B" 3); then
		e2e_pass "ping: guest A -> $GW_A and guest B -> $GW_B answered"
	else
		e2e_fail "ping: guest A -> $GW_A and guest B -> $GW_B answered" "$out"
	fi
	tcp_tune_guest 2>/dev/null || true
	ip -n "$M_GB" link set "$M_TAPB" txqueuelen 20000 2>/dev/null || true

	xfers "two workers, concurrent" 300 \
		"A-down down $BIG $E2E_G $GW_A 5001" \
		"A-up up $BIG $E2E_G $GW_A 5002" \
		"B-down down $BIG $M_GB $GW_B 5003" \
		"B-up up $BIG $M_GB $GW_B 5004"
	check_worker_traffic "$BIG"

	# per-port forwards: global -t 8090:80 is port 0's, [port 1]'s 8091:80
	tcp_bg "$E2E_G" banner-a "$TCP_PY" "$BANNER_PY" A 80
	local ban_a=$E2E_BG_PID
	tcp_bg "$M_GB" banner-b "$TCP_PY" "$BANNER_PY" B 80
	local ban_b=$E2E_BG_PID
	if tcp_wait_listen "$E2E_G" tcp 80 10 && tcp_wait_listen "$M_GB" tcp 80 10; then
		e2e_check "forward: 127.0.0.1:8090 (global -t 8090:80) reaches guest A's port 80" \
			banner_is 8090 guest=A
		e2e_check "forward: 127.0.0.1:8091 ([port 1] tcp-forward = 8091:80) reaches guest B's port 80" \
			banner_is 8091 guest=B
	else
		e2e_fail "forward: banner servers listen on port 80 in both guests"
	fi
	e2e_kill_pid "$ban_a"
	e2e_kill_pid "$ban_b"
	e2e_stop_sluice 0
}

# worker_bytes W: "TO_HOST TO_GUEST" TCP payload bytes of worker W
# (tcp_to_host_bytes, tcp_to_guest_bytes from /sluice/stats W)
worker_bytes() {
	"$E2E_PYTHON" "$M_CTL" -f "$M_PREFIX" -j stats "$1" | "$E2E_PYTHON" -c '
import json, sys
def find(v, k):
    if isinstance(v, dict):
        if k in v and not isinstance(v[k], dict):
            return int(v[k])
        for x in v.values():
            r = find(x, k)
            if r is not None:
                return r
    return None
v = json.load(sys.stdin)
print(find(v, "tcp_to_host_bytes") or 0, find(v, "tcp_to_guest_bytes") or 0)
'
}

# check_worker_traffic MIN: each worker moved at least MIN TCP bytes each
# way (its own guest's upload and download)
check_worker_traffic() {
	local min=$1 w h g ok=1 det=()
	for w in 0 1; do
		if ! read -r h g < <(worker_bytes "$w" 2>&1); then
			h=0 g=0
		fi
		det+=("worker $w: tcp_to_host_bytes=$h tcp_to_guest_bytes=$g")
		[[ $h =~ ^[0-9]+$ && $g =~ ^[0-9]+$ ]] && ((h >= min && g >= min)) || ok=0
	done
	if ((ok)); then
		e2e_pass "stats: each worker relayed its own guest's bytes both ways (${det[*]})"
	else
		e2e_fail "stats: each worker relayed >= $min TCP bytes each way" "${det[@]}"
	fi
}

test_pinned() {
	m_start_sluice pinned --config "$CONF_PIN" || return 1
	check_placement "pinning: worker-lcore = 1 for both ports puts both workers on lcore 1" 1
	if grep -Eq '^sluice[.a-z]*: port 0 queue 0 -> worker 0 on lcore 1$' "$E2E_SLUICE_LOG" &&
		grep -Eq '^sluice[.a-z]*: port 1 queue 0 -> worker 1 on lcore 1$' "$E2E_SLUICE_LOG"; then
		e2e_pass "pinning: the start-up log says both ports' workers run on lcore 1"
	else
		e2e_fail "pinning: the start-up log says both ports' workers run on lcore 1" \
			"$(grep -- '->' "$E2E_SLUICE_LOG")"
	fi
	m_dhcp "$E2E_G" "$E2E_TAP" "$GUEST_A" "$GW_A" 24
	m_dhcp "$M_GB" "$M_TAPB" "$GUEST_B" "$GW_B" 24
	xfers "pinned to one lcore, concurrent" 180 \
		"A-down down $PIN_SIZE $E2E_G $GW_A 5011" \
		"B-down down $PIN_SIZE $M_GB $GW_B 5012"
	e2e_stop_sluice 0
}

# bad_lcore NAME LCORE PORT: [port PORT] worker-lcore = LCORE exits 2 with
# one line of sluice's own naming worker-lcore and LCORE
bad_lcore() {
	local name=$1 lc=$2 port=$3 conf=$E2E_DIR/bad-$1.conf
	printf '[port %s]\nworker-lcore = %s\n' "$port" "$lc" >"$conf"
	m_run_sluice "$name" --config "$conf"
	local lines n
	lines=$(app_lines "$M_ERR")
	n=$(grep -c . <<<"$lines" || true)
	local desc="bad pinning: [port $port] worker-lcore = $lc (not an EAL worker lcore of --lcores $M_LCORES) exits 2 with one line"
	if ((M_RC == 2 && n == 1)) && grep -q 'worker-lcore' <<<"$lines" &&
		grep -qw -- "$lc" <<<"$lines" && ! grep -q '^sluice: ready' "$M_OUT"; then
		e2e_pass "$desc: \"$lines\""
	else
		e2e_fail "$desc" "exit status $M_RC, $n line(s) of its own on stderr:" \
			"$lines" "--- stderr ---" "$(cat "$M_ERR")" "--- stdout ---" "$(tail -n 10 "$M_OUT")"
	fi
}

e2e_require busybox ip ss "$TCP_PY"
m_setup
test_two_workers || true
test_pinned || true
bad_lcore lcore5 5 1
e2e_summary
