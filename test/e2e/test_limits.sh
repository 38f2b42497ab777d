#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_limits.sh: the descriptor limit and a race-free start (see
# lib.sh for the topology):
#   1. sluice under prlimit --nofile=1024:1024 with the default --max-flows
#      warns at start (log line) and /sluice/info shows fd_limit 1024,
#      fd_flows_max below it and the warning; a guest then opens 1200
#      connections one after the other: those past the limit get a RST, a
#      log line says why, host_socket_fail counts them, and a connection
#      the guest opened before keeps working (and telemetry and ping too)
#   2. --netns: sluice moves its tap into the guest namespace itself, up,
#      before it says ready (/sluice/info shows it); DHCP and data work;
#      --netns naming no namespace: one line, exit 2
#   3. the race, made deterministic: sluice waits for its --config FIFO
#      after the EAL created the tap and before the port is set up; the tap
#      is moved into the guest namespace by hand right then. Before the fix
#      net_tap made a second tap in sluice's namespace and sluice said
#      ready, serving it; now sluice refuses with one line and exits 1.
#      Then the real-world form: a loop moves the tap as soon as it
#      appears; whatever the timing, sluice either serves the guest (DHCP
#      and ping work) or refuses loudly (exit status not 0, no ready line).
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_limits.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_tcp.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_tcp.sh"

CTL=$E2E_SRC/usertools/sluice-ctl
HOSTILE=$E2E_LIB_DIR/hostile.py
ECHO_PORT=7831			# echo server in slh
NOFILE=1024			# sluice's descriptor limit in part 1
NCONN=1200			# guest connections opened in part 1
LIVE=$E2E_DIR/live.py		# a guest connection that must survive

tel() { "$E2E_PYTHON" "$CTL" -f "$PREFIX" "$@"; }

# info KEY: one top-level value of /sluice/info (lists as JSON).
info() {
	tel -j info | "$E2E_PYTHON" -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print(json.dumps(v) if isinstance(v,(list,dict)) else v)' "$1"
}

# stat NAME: one aggregate counter from telemetry.
stat() {
	tel -j stats | "$E2E_PYTHON" -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$1"
}

cat >"$LIVE" <<'EOF'
"""live.py HOST PORT READY GO: one TCP connection, echoed once, then held
until the file GO exists and echoed again (64 KiB)."""
import os, socket, sys, time
host, port, ready, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.create_connection((host, port), timeout=20)
def echo(n):
    data, got = os.urandom(n), b""
    s.sendall(data)
    while len(got) < n:
        d = s.recv(n - len(got))
        if not d:
            return False
        got += d
    return got == data
first = echo(1000)
with open(ready, "w") as f:
    f.write("first=%d\n" % first)
while not os.path.exists(go):
    time.sleep(0.1)
after = echo(65536)
print("live first=%d after=%d" % (first, after), flush=True)
sys.exit(0 if first and after else 1)
EOF

# ------------------------------------------------------------ 1. limits

part_fd_limit() {
	local wrap=$E2E_DIR/sluice-nofile lim fmax warn
	printf '#!/bin/sh\nexec prlimit --nofile=%d:%d %q "$@"\n' "$NOFILE" "$NOFILE" "$SLUICE" >"$wrap"
	chmod +x "$wrap"
	if ! SLUICE=$wrap e2e_start_sluice --dns-forward 127.0.0.1:53; then
		return 1
	fi
	PREFIX=${E2E_SLUICE_PREFIXES[-1]}
	if grep -q "descriptor limit $NOFILE leaves room for [0-9]* flows, fewer than --max-flows" "$E2E_SLUICE_LOG"; then
		e2e_pass "prlimit $NOFILE, default --max-flows: warned at start: $(grep -o 'descriptor limit [0-9]* leaves room for [0-9]* flows' "$E2E_SLUICE_LOG")"
	else
		e2e_fail "prlimit $NOFILE, default --max-flows: a warning at start" "$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
	fi
	lim=$(info fd_limit)
	fmax=$(info fd_flows_max)
	warn=$(info warnings)
	[[ $fmax =~ ^[0-9]+$ ]] || fmax=0
	if [[ $lim == "$NOFILE" ]] && ((fmax > NOFILE / 2 && fmax < NOFILE - 32)) &&
		[[ $warn == *"descriptor limit $NOFILE leaves room for $fmax flows"* ]]; then
		e2e_pass "/sluice/info: fd_limit $lim, fd_flows_max $fmax, warnings $warn"
	else
		e2e_fail "/sluice/info: fd_limit, fd_flows_max and the warning" \
			"fd_limit=$lim fd_flows_max=$fmax warnings=$warn"
	fi

	# shellcheck disable=SC2119 # no extra udhcpc arguments
	e2e_dhcp || return 1
	local lready=$E2E_DIR/live.ready lgo=$E2E_DIR/live.go lpid llog
	tcp_bg "$E2E_G" live "$TCP_PY" "$LIVE" "$E2E_GW" "$ECHO_PORT" "$lready" "$lgo"
	lpid=$E2E_BG_PID
	llog=$TCP_BG_LOG
	if ! e2e_wait_for 20 test -s "$lready" || ! grep -q 'first=1' "$lready"; then
		e2e_fail "a live guest connection echoes" "$(cat "$llog")"
	fi

	local ready=$E2E_DIR/hold.ready stop=$E2E_DIR/hold.stop hpid ok refused before fails
	before=$(stat host_socket_fail)
	tcp_bg "$E2E_G" hold "$TCP_PY" "$HOSTILE" hold "$E2E_GW" "$ECHO_PORT" "$NCONN" "$ready" "$stop"
	hpid=$E2E_BG_PID
	if ! e2e_wait_for 180 test -e "$ready"; then
		e2e_fail "$NCONN guest connections: the client finished opening" "$(cat "$TCP_BG_LOG")"
		touch "$stop" "$lgo"
		return 1
	fi
	ok=$(tcp_field ok "$ready")
	refused=$(tcp_field refused "$ready")
	fails=$(($(stat host_socket_fail) - before))
	if ((fmax > 0 && ok >= fmax - 40 && ok < fmax && refused > 0 && ok + refused == NCONN)); then
		e2e_pass "$NCONN connections with room for $fmax flows: $(cat "$ready")"
	else
		e2e_fail "$NCONN connections: about $fmax work, the rest get RST" "$(cat "$ready")"
	fi
	if ((fails >= refused && refused > 0)); then
		e2e_pass "host_socket_fail counts them: +$fails"
	else
		e2e_fail "host_socket_fail counts the refused connections" "host_socket_fail +$fails, refused $refused"
	fi
	if grep -q "worker 0: cannot open a host TCP socket: Too many open files" "$E2E_SLUICE_LOG"; then
		e2e_pass "a log line says why: $(grep -m1 -o 'worker 0: cannot open a host TCP socket: [^;]*' "$E2E_SLUICE_LOG") ($(grep -c 'cannot open a host' "$E2E_SLUICE_LOG") line(s))"
	else
		e2e_fail "a log line for the refused host sockets" "$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
	fi
	touch "$lgo"
	if tcp_wait_pid "$lpid" 30 && ((TCP_WAIT_STATUS == 0)); then
		e2e_pass "at the limit, the guest's live connection still echoes: $(tail -n 1 "$llog")"
	else
		e2e_fail "at the limit, the guest's live connection still echoes" "$(cat "$llog")"
	fi
	e2e_check "at the limit: sluice answers ping" e2e_ping "$E2E_G" "$E2E_GW" 2 || true
	e2e_check "at the limit: telemetry answers" tel info || true
	touch "$stop"
	tcp_wait_pid "$hpid" 30 || true
	e2e_check "after the burst: 20 new connections echo" \
		timeout 60 ip netns exec "$E2E_G" "$TCP_PY" "$TCP_TOOLS" many "$E2E_GW" "$ECHO_PORT" 20 10000 30 || true
	e2e_stop_sluice 0 || true
}

# race_start NAME APPOPTS...: start sluice in slh (its tap left there
# unless APPOPTS say --netns), log in $E2E_SLUICE_LOG, PID in
# E2E_SLUICE_PID; race_outcome then waits for its outcome.
race_start() {
	local name=$1
	shift
	E2E_SLUICE_N=$((E2E_SLUICE_N + 1))
	E2E_SLUICE_PREFIXES+=("sle2e-$E2E_ID-$E2E_SLUICE_N")
	E2E_SLUICE_LOG=$E2E_DIR/sluice-$name.log
	e2e_bg "$E2E_H" "$E2E_SLUICE_LOG" "$SLUICE" --no-pci --no-huge -m 512 \
		--file-prefix "sle2e-$E2E_ID-$E2E_SLUICE_N" "${E2E_LCORE_ARGS[@]}" \
		--vdev "net_tap0,iface=$E2E_TAP" "--log-level=${E2E_LOG_LEVEL:-user1:info}" \
		-- --dns-forward 127.0.0.1:53 "$@"
	E2E_SLUICE_PID=$E2E_BG_PID
}

# ------------------------------------------------------------ 2. --netns

# race_outcome: wait (30 s at most) until sluice printed ready or exited;
# RACE_RC is its exit status ("" while it runs).
race_outcome() {
	local deadline=$((SECONDS + 30))
	RACE_RC=
	while ((SECONDS < deadline)); do
		if ! e2e_sluice_alive; then
			e2e_kill_pid "$E2E_SLUICE_PID"
			RACE_RC=$E2E_KILL_STATUS
			E2E_SLUICE_PID=
			return 0
		fi
		grep -q '^sluice: ready' "$E2E_SLUICE_LOG" && return 0
		sleep 0.1
	done
}

part_netns() {
	local moved ready
	if ! e2e_start_sluice --dns-forward 127.0.0.1:53; then
		return 1
	fi
	PREFIX=${E2E_SLUICE_PREFIXES[-1]}
	moved=$(grep -n "tap $E2E_TAP (ifindex [0-9]*) moved into network namespace $E2E_G, up" "$E2E_SLUICE_LOG" | cut -d: -f1)
	ready=$(grep -n '^sluice: ready' "$E2E_SLUICE_LOG" | cut -d: -f1)
	if [[ -n $moved && -n $ready ]] && ((moved < ready)) &&
		e2e_tap_up_in "$E2E_G" && ! ip -n "$E2E_H" link show "$E2E_TAP" >/dev/null 2>&1; then
		e2e_pass "--netns $E2E_G: sluice moved $E2E_TAP there, up, before 'ready' (log lines $moved < $ready)"
	else
		e2e_fail "--netns $E2E_G: sluice moves its tap there, up, before 'ready'" \
			"$(ip -n "$E2E_G" -o link show 2>&1)" "$(ip -n "$E2E_H" -o link show 2>&1)" \
			"$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
	fi
	e2e_check "/sluice/info: port 0 netns $E2E_G" bash -c \
		"$(printf '%q ' "$E2E_PYTHON" "$CTL" -f "$PREFIX" -j info) | $E2E_PYTHON -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"ports\"][\"0\"].get(\"netns\") != sys.argv[1])' $E2E_G" || true
	# shellcheck disable=SC2119 # no extra udhcpc arguments
	e2e_dhcp || true
	e2e_check "--netns: ping the gateway" e2e_ping "$E2E_G" "$E2E_GW" 3 || true
	e2e_check "--netns: 256 KiB TCP echo through $E2E_GW" \
		e2e_in_guest "$E2E_PYTHON" "$E2E_TOOLS" tcp-echo "$E2E_GW" "$ECHO_PORT" 262144 || true
	e2e_stop_sluice 0 || true

	# a namespace that does not exist: one line naming --netns, exit 2
	race_start nons --netns "nosuch-$E2E_ID"
	race_outcome
	if [[ $RACE_RC == 2 ]] && ! grep -q '^sluice: ready' "$E2E_SLUICE_LOG" &&
		grep -q "^sluice: port 0: --netns nosuch-$E2E_ID: cannot open /run/netns/nosuch-$E2E_ID" "$E2E_SLUICE_LOG"; then
		e2e_pass "--netns nosuch-$E2E_ID: $(grep '^sluice: port 0' "$E2E_SLUICE_LOG") (exit 2)"
	else
		e2e_fail "--netns naming no namespace: one line, exit 2" "exit ${RACE_RC:-(running)}" \
			"$(e2e_log_tail "$E2E_SLUICE_LOG" 5)"
		[[ -z $E2E_SLUICE_PID ]] || e2e_stop_sluice 0 || true
	fi
}

# ------------------------------------------------------------ 3. the race

part_race_paused() {
	local fifo=$E2E_DIR/pause.conf rc=0
	mkfifo "$fifo"
	race_start paused --config "$fifo"
	# opening the FIFO returns once sluice opened it: the EAL has created
	# the tap, the port is not set up yet; move the tap right then
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 30 bash -c 'exec 3>"$1"; ip -n "$2" link set "$3" netns "$4"; echo "# go" >&3' \
		_ "$fifo" "$E2E_H" "$E2E_TAP" "$E2E_G" || rc=$?
	if ((rc != 0)); then
		e2e_fail "the tap moved by hand before the port is set up" "exit $rc" "$(e2e_log_tail "$E2E_SLUICE_LOG" 10)"
		return 1
	fi
	race_outcome
	if [[ $RACE_RC == 1 ]] && ! grep -q '^sluice: ready' "$E2E_SLUICE_LOG" &&
		grep -q "^sluice: port 0: tap $E2E_TAP was moved out of sluice's network namespace before the port was set up" "$E2E_SLUICE_LOG"; then
		e2e_pass "tap moved by hand before the port was set up: refused (exit 1): $(grep -o "^sluice: port 0: tap [^:]*:" "$E2E_SLUICE_LOG")"
	else
		e2e_fail "tap moved by hand before the port was set up: sluice refuses loudly, no 'ready'" \
			"exit status ${RACE_RC:-(still running)}" "$(ip -n "$E2E_H" -o link show | grep tap)" \
			"$(e2e_log_tail "$E2E_SLUICE_LOG" 12)"
	fi
	[[ -z $E2E_SLUICE_PID ]] || e2e_stop_sluice 0 || true
	# the moved tap went away with sluice; nothing left in slh either
	e2e_wait_for 5 bash -c "! ip -n $E2E_G link show $E2E_TAP && ! ip -n $E2E_H link show $E2E_TAP" ||
		e2e_fail "no tap left behind" "$(ip -n "$E2E_G" -o link show; ip -n "$E2E_H" -o link show)"
}

part_race_loop() {
	local i
	race_start loop
	# as early as possible: as soon as the tap appears
	for ((i = 0; i < 3000; i++)); do
		ip -n "$E2E_H" link set "$E2E_TAP" netns "$E2E_G" 2>/dev/null && break
		e2e_sluice_alive || break
	done
	race_outcome
	if [[ -n $RACE_RC ]]; then
		if ((RACE_RC != 0)) && ! grep -q '^sluice: ready' "$E2E_SLUICE_LOG"; then
			e2e_pass "tap moved by hand as soon as it appeared: refused loudly (exit $RACE_RC): $(grep '^sluice: ' "$E2E_SLUICE_LOG" | tail -n 1)"
		else
			e2e_fail "tap moved by hand as soon as it appeared: refused loudly" \
				"exit $RACE_RC" "$(e2e_log_tail "$E2E_SLUICE_LOG" 12)"
		fi
		return 0
	fi
	if ! grep -q '^sluice: ready' "$E2E_SLUICE_LOG"; then
		e2e_fail "tap moved by hand as soon as it appeared: sluice serves the guest or refuses" \
			"neither ready nor exited after 30 s" "$(e2e_log_tail "$E2E_SLUICE_LOG" 12)"
		e2e_kill_pid "$E2E_SLUICE_PID"
		E2E_SLUICE_PID=
		return 1
	fi
	# sluice said ready: then it serves the tap the guest has
	ip -n "$E2E_G" link set "$E2E_TAP" up || true
	e2e_info "sluice ready with the tap moved by hand early: it must serve the guest"
	# shellcheck disable=SC2119 # no extra udhcpc arguments
	e2e_dhcp || true
	e2e_check "tap moved by hand as soon as it appeared: sluice serves the guest (ping)" \
		e2e_ping "$E2E_G" "$E2E_GW" 2 || true
	e2e_stop_sluice 0 || true
}

# ------------------------------------------------------------ main

if [[ ! -x $SLUICE ]]; then
	e2e_fail "sluice binary present" "not found or not executable: $SLUICE"
	e2e_summary || exit 1
fi
e2e_require ip prlimit busybox timeout mkfifo "$TCP_PY" || true

e2e_setup || { e2e_summary; exit 1; }
tcp_bg "$E2E_H" echo "$TCP_PY" "$TCP_TOOLS" echo-server 127.0.0.1 "$ECHO_PORT"
tcp_wait_listen "$E2E_H" tcp "$ECHO_PORT" 10 || e2e_fail "echo server listens on $ECHO_PORT"

part_fd_limit || true
part_netns || true
part_race_paused || true
part_race_loop || true
e2e_summary
