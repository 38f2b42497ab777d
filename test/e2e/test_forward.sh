#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_forward.sh: end-to-end test of inbound port forwarding and
# the access rules (issue 4). sluice runs in slh with
#   -t 8080:80 -t 8081:81 -t 8082:82 -t 8090-8092:9090-9092 -u 5353:53
#   --deny 198.51.100.0/24:7777 -t [::1]/8083:9090 --deny [2001:db8::]/32:443
# and clients in slh connect to 127.0.0.1:PORT or [::1]:PORT (forwards
# without an address are dual-stack), reaching servers inside the guest
# (slg). Checks, each as a PASS/FAIL line:
#   - 64 MiB download and upload through 8080 -> guest 80, sha256-identical,
#     then the same with 2% random loss both ways on the guest's link
#   - 200 concurrent inbound connections (64 KiB each) to a guest echo
#     server, all echoed correctly
#   - a forward to a guest port with nothing listening (8081 -> 81): the
#     host client sees a reset or close within 1 s
#   - UDP forward 5353 -> guest 53: a round trip
#   - ranges: host 8090/8091/8092 reach guest 9090/9091/9092 (each guest port
#     answers with its own number)
#   - --deny 198.51.100.0/24:7777: the guest's connect to 198.51.100.2:7777 (the
#     far namespace, where a listener waits) is refused with an RST, UDP to
#     it gets nothing back, while 198.51.100.2:7778 works; drop_denied >= 1
#   - bad specs (-t 0, -t 80-70, -t 8000-8001:9000, -t 8000 -t 8000:81,
#     --deny 1.2.3.4/33) exit 2 with one line naming the option and value
#   - a host port that cannot be bound (a socket of ours holds it in slh,
#     TCP and UDP) makes sluice exit 2 with a line naming the forward
#   - IPv6 clients (issue 15): 64 MiB download and upload through
#     [::1]:8080 in the same run as the IPv4 ones, sha256-identical; the
#     IPv6-only forward [::1]/8083 reaches guest 9090 from [::1] and
#     refuses 127.0.0.1; a forward added at run time with an IPv6 address
#     (sluice-ctl fwd add [::1]/8084:9091) works; UDP 5353 from [::1];
#     flows show the IPv6 host peer in telemetry; --dns-forward [::1]:5354
#     (dnsmasq on slh's ::1 only): the guest's query to 10.0.2.3 answered
#   - SIGTERM: exit 0
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_forward.sh
# TCP_BIG (default 67108864) sets the size of the bulk transfers.

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_tcp.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_tcp.sh"

BIG=${TCP_BIG:-$((64 << 20))}
CONC=200
CONC_SIZE=65536
LO=127.0.0.1
LO6=::1
DNS6_PORT=5354
FWD_ARGS=(-t 8080:80 -t 8081:81 -t 8082:82 -t 8090-8092:9090-9092 -u 5353:53
	--deny 198.51.100.0/24:7777 -t "[$LO6]/8083:9090"
	--deny "[2001:db8::]/32:443" --dns-forward "[$LO6]:$DNS6_PORT")

# ------------------------------------------------------------ command line

# cli_run NAME ARGS...: sluice with small EAL options and no port; sets
# CLI_RC, CLI_OUT, CLI_ERR (files).
cli_run() {
	local name=$1
	shift
	local prefix=sle2e-$E2E_ID-cli-$name
	E2E_SLUICE_PREFIXES+=("$prefix")
	CLI_OUT=$E2E_DIR/cli-$name.out
	CLI_ERR=$E2E_DIR/cli-$name.err
	CLI_RC=0
	timeout 60 "$SLUICE" --no-pci --no-huge -m 128 --file-prefix "$prefix" \
		"${E2E_LCORE_ARGS[@]}" --log-level=user1:info -- "$@" \
		>"$CLI_OUT" 2>"$CLI_ERR" </dev/null || CLI_RC=$?
}

# app_lines FILE: what sluice itself printed (not "EAL: ..." log lines)
app_lines() {
	grep -Ev '^[A-Z][A-Z0-9_]*: ' "$1" || true
}

# expect_one_line DESC FILE WORD...: CLI_RC 2 and exactly one line of
# sluice's own in FILE, containing every WORD.
expect_one_line() {
	local desc=$1 file=$2 lines n w
	shift 2
	lines=$(app_lines "$file")
	n=$(grep -c . <<<"$lines" || true)
	local ok=1
	((CLI_RC == 2 && n == 1)) || ok=0
	for w in "$@"; do
		grep -qF -- "$w" <<<"$lines" || ok=0
	done
	if ((ok)); then
		e2e_pass "$desc: \"$lines\""
		return 0
	fi
	e2e_fail "$desc" "exit status $CLI_RC, $n line(s) of its own on stderr (want 2, 1 line with: $*):" \
		"$(cat "$file")"
	return 1
}

# cli_bad NAME WORDS ARGS...: ARGS exit 2 with one line containing each of
# the space-separated WORDS (the option and the offending value)
cli_bad() {
	local name=$1 words=$2
	shift 2
	cli_run "$name" "$@"
	# shellcheck disable=SC2086 # WORDS is a list
	expect_one_line "bad spec: sluice -- $* exits 2 with one line naming it" "$CLI_ERR" $words || true
}

test_cli() {
	cli_bad zero "--tcp-forward '0'" -t 0
	cli_bad reversed "--tcp-forward 80-70" -t 80-70
	cli_bad lengths "--tcp-forward 8000-8001:9000" -t 8000-8001:9000
	cli_bad overlap "--tcp-forward 8000:81 overlaps" -t 8000 -t 8000:81
	cli_bad prefix "--deny 1.2.3.4/33" --deny 1.2.3.4/33
	cli_bad udpzero "--udp-forward 70000" -u 70000
	cli_bad v6prefix "--deny 2001:db8::/129" --deny 2001:db8::/129
	cli_bad v6addr "--tcp-forward [::1/80" -t "[::1/80"
}

# bind_conflict PROTO PORT: a socket of ours holds PORT in slh; sluice with
# a forward of that port must exit 2 with one line naming it.
bind_conflict() {
	local proto=$1 port=$2 opt holder
	if [[ $proto == udp ]]; then
		opt=-u
		tcp_bg "$E2E_H" "hold-udp-$port" "$TCP_PY" -c \
			"import socket, time; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', $port)); print('bound', flush=True); time.sleep(3600)"
	else
		opt=-t
		tcp_bg "$E2E_H" "hold-tcp-$port" "$TCP_PY" "$TCP_TOOLS" listen 0.0.0.0 "$port"
	fi
	holder=$E2E_BG_PID
	if ! tcp_wait_listen "$E2E_H" "$proto" "$port" 10; then
		e2e_fail "bind conflict: our $proto listener holds $port in $E2E_H" "$(cat "$TCP_BG_LOG")"
		e2e_kill_pid "$holder"
		return 1
	fi
	E2E_SLUICE_N=$((E2E_SLUICE_N + 1))
	local prefix=sle2e-$E2E_ID-$E2E_SLUICE_N
	E2E_SLUICE_PREFIXES+=("$prefix")
	local log=$E2E_DIR/sluice-bind-$proto.log err=$E2E_DIR/sluice-bind-$proto.err
	CLI_RC=0
	timeout 60 ip netns exec "$E2E_H" "$SLUICE" --no-pci --no-huge -m 512 \
		--file-prefix "$prefix" "${E2E_LCORE_ARGS[@]}" \
		--vdev "net_tap0,iface=${E2E_TAP}b" --log-level=user1:info -- \
		"$opt" "$port:53" >"$log" 2>"$err" </dev/null || CLI_RC=$?
	# with a port, DPDK and sluice's info log also write to stderr: look for
	# the one line about the forward, and no "ready"
	local desc="bind conflict: $proto port $port already in use in $E2E_H: sluice $opt $port:53 exits 2"
	local line
	line=$(grep -E -- "--$proto-forward [^ ]*${port}[^ ]*: .*in use" "$err" || true)
	if ((CLI_RC == 2)) && [[ -n $line && $(grep -c . <<<"$line") == 1 ]] &&
		! grep -q '^sluice: ready' "$log"; then
		e2e_pass "$desc: \"$line\""
	else
		e2e_fail "$desc naming the forward" "exit status $CLI_RC" "stderr:" "$(cat "$err")" \
			"stdout:" "$(cat "$log")"
	fi
	e2e_kill_pid "$holder"
}

# ------------------------------------------------------------ forwards

test_concurrent() {
	tcp_guest_server echo-82 82 "$TCP_PY" "$TCP_TOOLS" echo-server 0.0.0.0 82 || return 1
	local spid=$E2E_BG_PID
	tcp_many "$CONC concurrent inbound connections through $LO:8082 -> guest 82, $((CONC_SIZE >> 10)) KiB each echoed" \
		"$E2E_H" "$LO" 8082 "$CONC" "$CONC_SIZE" 140 || true
	e2e_kill_pid "$spid"
}

test_closed_guest_port() {
	local out rc=0
	out=$(timeout 20 ip netns exec "$E2E_H" "$TCP_PY" "$TCP_TOOLS" fwd-refused "$LO" 8081 2>&1) || rc=$?
	if ((rc == 0)); then
		e2e_pass "forward to a closed guest port (8081 -> 81): ${out#closed }"
	else
		e2e_fail "forward to a closed guest port (8081 -> 81): reset or closed within 1 s" "$out"
	fi
}

test_udp() {
	tcp_guest_server udp-53 53 "$TCP_PY" "$E2E_TOOLS" udp-echo-server 0.0.0.0 53 || return 1
	local spid=$E2E_BG_PID
	e2e_check "UDP forward: $LO:5353 -> guest 53 round trip" \
		ip netns exec "$E2E_H" "$TCP_PY" "$E2E_TOOLS" udp-echo "$LO" 5353 1000 || true
	e2e_kill_pid "$spid"
}

test_ranges() {
	tcp_guest_server banner 9092 "$TCP_PY" "$TCP_TOOLS" banner-server 0.0.0.0 9090 9091 9092 || return 1
	local spid=$E2E_BG_PID p got bad=()
	tcp_wait_listen "$E2E_G" tcp 9090 5 || true
	for p in 8090 8091 8092; do
		got=$(timeout 10 ip netns exec "$E2E_H" "$TCP_PY" "$TCP_TOOLS" banner "$LO" "$p" 2>&1) || true
		[[ $got == "port=$((p + 1000))" ]] || bad+=("host $p -> '$got' (want port=$((p + 1000)))")
	done
	if ((${#bad[@]} == 0)); then
		e2e_pass "range 8090-8092:9090-9092: host 8090/8091/8092 reach guest 9090/9091/9092"
	else
		e2e_fail "range 8090-8092:9090-9092: host 8090/8091/8092 reach guest 9090/9091/9092" "${bad[@]}"
	fi
	e2e_kill_pid "$spid"
}

# banner_is NS HOST PORT WANT: the banner read from HOST:PORT is WANT
banner_is() {
	local got
	got=$(timeout 10 ip netns exec "$1" "$TCP_PY" "$TCP_TOOLS" banner "$2" "$3" 2>&1) || true
	[[ $got == "$4" ]] || { echo "$2 port $3: '$got' (want $4)"; return 1; }
}

# IPv6 host clients of the forwards (issue 15)
test_ipv6() {
	tcp_guest_server banner6 9091 "$TCP_PY" "$TCP_TOOLS" banner-server 0.0.0.0 9090 9091 || return 1
	local spid=$E2E_BG_PID prefix=${E2E_SLUICE_PREFIXES[-1]}
	local ctl=("$E2E_PYTHON" "$E2E_SRC/usertools/sluice-ctl" -f "$prefix")
	tcp_wait_listen "$E2E_G" tcp 9090 5 || true
	e2e_check "IPv6-only forward [::1]/8083:9090: [::1]:8083 reaches guest 9090" \
		banner_is "$E2E_H" "$LO6" 8083 port=9090 || true
	# shellcheck disable=SC2016 # $1.. belong to the inner shell
	e2e_check "IPv6-only forward [::1]/8083:9090: $LO:8083 is refused" \
		bash -c '! timeout 10 ip netns exec "$1" "$2" "$3" banner "$4" 8083' _ \
		"$E2E_H" "$TCP_PY" "$TCP_TOOLS" "$LO" || true
	if "${ctl[@]}" fwd add "[$LO6]/8084:9091" >"$E2E_DIR/fwd6-add.out" 2>&1; then
		e2e_check "run-time forward [::1]/8084:9091 (sluice-ctl fwd add): [::1]:8084 reaches guest 9091" \
			banner_is "$E2E_H" "$LO6" 8084 port=9091 || true
		e2e_check "sluice-ctl fwd list shows tcp:[::1]/8084:9091" \
			grep -qF "tcp:[::1]/8084:9091" <("${ctl[@]}" fwd list 2>&1) || true
	else
		e2e_fail "sluice-ctl fwd add [::1]/8084:9091" "$(cat "$E2E_DIR/fwd6-add.out")"
	fi
	e2e_kill_pid "$spid"
	tcp_guest_server udp6-53 53 "$TCP_PY" "$E2E_TOOLS" udp-echo-server 0.0.0.0 53 || return 1
	spid=$E2E_BG_PID
	e2e_check "UDP forward (dual-stack): [::1]:5353 -> guest 53 round trip" \
		ip netns exec "$E2E_H" "$TCP_PY" "$E2E_TOOLS" udp-echo "$LO6" 5353 1000 || true
	e2e_kill_pid "$spid"
	# a live IPv6 client's flow: telemetry names its host peer in IPv6
	tcp_guest_server echo6-82 82 "$TCP_PY" "$TCP_TOOLS" echo-server 0.0.0.0 82 || return 1
	spid=$E2E_BG_PID
	tcp_bg "$E2E_H" hold6 "$TCP_PY" -c \
		"import socket, time; c = socket.create_connection(('::1', 8082)); print('up', flush=True); time.sleep(30)"
	local hpid=$E2E_BG_PID
	# shellcheck disable=SC2016 # $1.. belong to the inner shell
	if e2e_wait_for 10 bash -c '"$@" -j flows 2>/dev/null | grep -qF "\"host\": \"[::1]:"' _ "${ctl[@]}"; then
		e2e_pass "sluice-ctl -j flows shows the IPv6 host peer: $("${ctl[@]}" -j flows 2>&1 | grep -F '"host": "[::1]:' | head -n 1 | tr -s ' ')"
	else
		e2e_fail "sluice-ctl -j flows shows the IPv6 host peer \"[::1]:PORT\"" "$("${ctl[@]}" -j flows 2>&1)"
	fi
	e2e_kill_pid "$hpid"
	e2e_kill_pid "$spid"
	e2e_check "DNS through an IPv6 resolver (--dns-forward [::1]:$DNS6_PORT): sluice.test via $E2E_DNS" \
		e2e_in_guest "$E2E_PYTHON" "$E2E_TOOLS" dns "$E2E_DNS" sluice.test || true
}

test_deny() {
	local out rc=0
	out=$(timeout 20 ip netns exec "$E2E_G" "$TCP_PY" "$TCP_TOOLS" refused "$E2E_FAR_ADDR" 7777 2>&1) || rc=$?
	if ((rc == 0)); then
		e2e_pass "--deny 198.51.100.0/24:7777: TCP to $E2E_FAR_ADDR:7777 refused with an RST (${out##*ms=} ms)"
	else
		e2e_fail "--deny 198.51.100.0/24:7777: TCP to $E2E_FAR_ADDR:7777 refused with an RST" "$out" \
			"far listener: $(cat "$E2E_DIR/far-7777.log")"
	fi
	# shellcheck disable=SC2016 # $1.. belong to the inner shell
	e2e_check "--deny 198.51.100.0/24:7777: UDP to $E2E_FAR_ADDR:7777 gets no answer" \
		bash -c '! ip netns exec "$1" "$2" "$3" udp-echo "$4" 7777 100' _ \
		"$E2E_G" "$TCP_PY" "$E2E_TOOLS" "$E2E_FAR_ADDR" || true
	e2e_check "--deny 198.51.100.0/24:7777 leaves $E2E_FAR_ADDR:7778 alone: TCP echo works" \
		timeout 60 ip netns exec "$E2E_G" "$TCP_PY" "$E2E_TOOLS" tcp-echo "$E2E_FAR_ADDR" 7778 100000 || true
}

# ------------------------------------------------------------ main

if [[ ! -x $SLUICE ]]; then
	e2e_fail "sluice binary present" "not found or not executable: $SLUICE" \
		"build it first (usertools/sluice-setup) or set BUILD / SLUICE"
	e2e_summary || exit 1
fi
e2e_require ip ss nft busybox dnsmasq timeout "$TCP_PY" || true

test_cli || true

if e2e_setup; then
	# the far host: a listener on the denied port (reachable if the rule
	# failed), a UDP echo there too, and a TCP echo on a port that is allowed
	tcp_bg "$E2E_F" far-7777 "$TCP_PY" "$TCP_TOOLS" listen "$E2E_FAR_ADDR" 7777
	tcp_bg "$E2E_F" far-udp-7777 "$TCP_PY" "$E2E_TOOLS" udp-echo-server "$E2E_FAR_ADDR" 7777
	tcp_bg "$E2E_F" far-7778 "$TCP_PY" "$E2E_TOOLS" tcp-echo-server "$E2E_FAR_ADDR" 7778
	tcp_wait_listen "$E2E_F" tcp 7778 10 || true
	# the resolver sluice forwards to: on slh's ::1 only
	e2e_bg "$E2E_H" "$E2E_DIR/dnsmasq6.log" dnsmasq --no-daemon --no-resolv \
		--no-hosts --port "$DNS6_PORT" --listen-address "$LO6" \
		--bind-interfaces --pid-file= --log-facility=- \
		--address=/sluice.test/198.51.100.77

	if e2e_start_sluice "${FWD_ARGS[@]}"; then
		e2e_pass "sluice starts with ${FWD_ARGS[*]}"
		# shellcheck disable=SC2119 # no extra udhcpc arguments
		if e2e_dhcp; then
			tcp_tune_guest
			tcp_xfer "forward download: $((BIG >> 20)) MiB guest:80 -> host client via $LO:8080" \
				120 down "$BIG" "$E2E_G" 0.0.0.0 80 "$E2E_H" "$LO" 8080 || true
			tcp_xfer "forward upload: $((BIG >> 20)) MiB host client -> guest:80 via $LO:8080" \
				120 up "$BIG" "$E2E_G" 0.0.0.0 80 "$E2E_H" "$LO" 8080 || true
			if tcp_loss_on "$E2E_G" 2; then
				tcp_xfer "forward download with 2% loss both ways: $((BIG >> 20)) MiB via $LO:8080" \
					300 down "$BIG" "$E2E_G" 0.0.0.0 80 "$E2E_H" "$LO" 8080 || true
				tcp_xfer "forward upload with 2% loss both ways: $((BIG >> 20)) MiB via $LO:8080" \
					300 up "$BIG" "$E2E_G" 0.0.0.0 80 "$E2E_H" "$LO" 8080 || true
				e2e_info "loss: $(tcp_loss_dropped "$E2E_G") packets dropped in $E2E_G"
				tcp_loss_off "$E2E_G"
			else
				e2e_fail "2% loss on the guest link (nftables meta random)" "nft failed"
			fi
			tcp_xfer "forward download from an IPv6 client: $((BIG >> 20)) MiB guest:80 -> host client via [$LO6]:8080" \
				120 down "$BIG" "$E2E_G" 0.0.0.0 80 "$E2E_H" "$LO6" 8080 || true
			tcp_xfer "forward upload from an IPv6 client: $((BIG >> 20)) MiB host client -> guest:80 via [$LO6]:8080" \
				120 up "$BIG" "$E2E_G" 0.0.0.0 80 "$E2E_H" "$LO6" 8080 || true
			test_concurrent || true
			test_closed_guest_port || true
			test_udp || true
			test_ranges || true
			test_deny || true
			test_ipv6 || true
		fi
		if e2e_stop_sluice 0; then
			denied=$(tcp_counter drop_denied)
			if ((denied >= 1)); then
				e2e_pass "counters: drop_denied $denied, tcp_refused $(tcp_counter tcp_refused)," \
					"tcp_closed_normal $(tcp_counter tcp_closed_normal)"
			else
				e2e_fail "counters: drop_denied >= 1" "$(tcp_counters)"
			fi
			[[ -n ${E2E_VERBOSE:-} ]] && tcp_counters | sed 's/^/# /'
		fi
	fi

	bind_conflict tcp 8100 || true
	bind_conflict udp 8101 || true
fi

e2e_summary
