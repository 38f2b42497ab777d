#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_hostile.sh: a hostile guest. While a legitimate 64 MiB
# download and a 64 MiB upload run through 10.0.2.2 (paced, about
# HOSTILE_XFER_SECS each), raw frames sent with scapy from inside the guest
# namespace (guest MAC and address, to the gateway MAC) attack sluice
# (generator: test/e2e/hostile.py; test_foundation.sh already covers a fixed
# list of ~400 malformed frames plus random mutations, not repeated here):
#   - blind RSTs and ACKs with random sequence numbers at both live
#     transfers (ports read with ss -tn in the guest)
#   - per category, with the exact counter each frame must land in:
#     IHL below 5 (drop_ip_hdr), IHL beyond the frame (drop_short), IP
#     options (drop_ip_options), total length beyond the frame or below the
#     header (drop_ip_len), bad IP checksum (drop_ip_csum), fragments
#     (ip_frag_rx each: whole sets are reassembled, broken ones dropped in
#     drop_ip_frag or drop_ip_reasm), TCP data offset below 5 or beyond the segment, bad UDP
#     length, short ICMP/TCP (drop_l4_hdr), bad L4 checksums (drop_l4_csum),
#     TCP option length 0/1/beyond the header (drop_tcp_bad_opts), all 256
#     TCP flag bytes without a flow (drop_tcp_no_flow, RST replies), SYN with
#     data and window shift 255 / MSS 0 (drop_tcp, tcp_refused)
#   - random garbage (every frame counted in some drop_* counter)
#   - a UDP sweep over HOSTILE_UDP_PORTS ports of the far host 198.51.100.2
#     (beyond --max-dgram-flows: drop_dgram_limit)
#   - a raw TCP connection (SYN with MSS 0, window shift 255) sending
#     overlapping retransmissions with different bytes, in order and out of
#     order: the host receives a consistent stream
#   - a guest that advertises a zero window from the SYN on, then opens
#     8000 bytes and shrinks the window back to zero, answering probes and
#     never reading: sluice keeps probing, never sends past the window
#   - a SYN flood of HOSTILE_SYNS half-open connections (the guest kernel's
#     RSTs are dropped), half to a host listener, half to a closed port
#   - ICMP echo floods to 10.0.2.2 and to 198.51.100.2
# Afterwards: sluice is alive and answers telemetry, both transfers are
# sha256-identical, a fresh TCP echo and pings work, sluice's RSS stayed
# below its value before the attack plus HOSTILE_RSS_MIB (default 200), and
# every category moved its counters.
# Knobs: HOSTILE_SCALE (divides every count, e.g. 10 for a quick run),
# HOSTILE_SYNS (20000), HOSTILE_UDP_PORTS (3000), HOSTILE_XFER_SECS (60),
# HOSTILE_RATE (frames/s, 5000), HOSTILE_SEED.
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_hostile.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_tcp.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_tcp.sh"

CTL=$E2E_SRC/usertools/sluice-ctl
HOSTILE=$E2E_LIB_DIR/hostile.py
SCALE=${HOSTILE_SCALE:-1}
NSYN=$((${HOSTILE_SYNS:-20000} / SCALE))
NUDP=$((${HOSTILE_UDP_PORTS:-3000} / SCALE))
NCAT=$((600 / SCALE))		# frames per malformed category
NBLIND=$((2000 / SCALE))	# blind RSTs/ACKs per live flow
NGARBAGE=$((3000 / SCALE))
NICMP=$((5000 / SCALE))
XFER_SIZE=$((64 * 1048576))
XFER_SECS=${HOSTILE_XFER_SECS:-60}
RATE=${HOSTILE_RATE:-5000}
SEED=${HOSTILE_SEED:-$RANDOM}
RSS_BOUND_MIB=${HOSTILE_RSS_MIB:-200}
MAX_DGRAM=$((NUDP * 2 / 3))	# the sweep must overflow it

DL_PORT=7811			# paced download server (slh 127.0.0.1)
UL_PORT=7812			# upload sink
ECHO_PORT=7813			# echo server: SYN flood target, fresh echo
OVL_PORT=7814			# dump server for the overlap connection
ZW_PORT=7815			# sender for the zero-window connection
CLOSED_PORT=7819		# nothing listens here
SPORT_FLOOD=1024		# SYN flood source ports SPORT_FLOOD...
SPORT_RAW=21100			# raw scapy connections
export HOSTILE_RATE=$RATE HOSTILE_CLOSED_PORT=$CLOSED_PORT

tel() { "$E2E_PYTHON" "$CTL" -f "$PREFIX" "$@"; }
snap() { tel -j stats >"$E2E_DIR/$1.json"; }

# expect_counters DESC BEFORE AFTER JSON_LINE: the "expect" map of a
# hostile.py report holds between two stats snapshots.
cat >"$E2E_DIR/expect.py" <<'EOF'
import json
import sys

b = json.load(open(sys.argv[1]))
a = json.load(open(sys.argv[2]))
rep = json.loads(sys.argv[3])
bad = []
parts = []
for key, (lo, hi) in rep["expect"].items():
    d = sum(a.get(k, 0) - b.get(k, 0) for k in key.split("+"))
    parts.append("%s +%d" % (key, d))
    if d < lo or (hi is not None and d > hi):
        bad.append("%s moved by %d, want %s" % (key, d, "%d..%s" % (lo, hi if hi is not None else "")))
print("sent %d (%d refused by the kernel): %s" % (rep["sent"], rep["failed"], ", ".join(parts)))
for x in bad:
    print("MISMATCH: " + x)
if bad:
    moved = {k: a[k] - b.get(k, 0) for k in a
             if isinstance(a[k], int) and a[k] != b.get(k, 0) and k not in ("worker_0",)}
    print("all counters that moved: " + json.dumps(moved))
sys.exit(1 if bad else 0)
EOF

# delta BEFORE AFTER KEY[+KEY...]: counter change between two snapshots.
delta() {
	"$E2E_PYTHON" -c '
import json, sys
b, a = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(sum(a.get(k, 0) - b.get(k, 0) for k in sys.argv[3].split("+")))' \
		"$E2E_DIR/$1.json" "$E2E_DIR/$2.json" "$3"
}

SENT_TOTAL=0
FAILED_TOTAL=0

# attack DESC CMD...: run a hostile.py command in the guest between two
# snapshots; check its "expect" map. The report is in ATTACK_OUT.
ATTACK_N=0
attack() {
	local desc=$1 rc=0 line
	shift
	ATTACK_N=$((ATTACK_N + 1))
	snap "a$ATTACK_N-before"
	ATTACK_OUT=$(e2e_in_guest "$TCP_PY" "$HOSTILE" "$@" 2>&1) || rc=$?
	sleep "${ATTACK_SETTLE:-0.5}"
	snap "a$ATTACK_N-after"
	line=$(grep '^{' <<<"$ATTACK_OUT" | tail -n 1)
	if ((rc != 0)) || [[ -z $line ]]; then
		e2e_fail "$desc" "hostile.py $* exit $rc" "$ATTACK_OUT"
		return 1
	fi
	local s f
	read -r s f < <("$E2E_PYTHON" -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["sent"], d["failed"])' "$line")
	SENT_TOTAL=$((SENT_TOTAL + s))
	FAILED_TOTAL=$((FAILED_TOTAL + f))
	local res
	if res=$("$E2E_PYTHON" "$E2E_DIR/expect.py" "$E2E_DIR/a$ATTACK_N-before.json" \
		"$E2E_DIR/a$ATTACK_N-after.json" "$line" 2>&1); then
		e2e_pass "$desc: $res"
	else
		e2e_fail "$desc" "$res"
	fi
	if ! e2e_sluice_alive; then
		e2e_fail "sluice alive after: $desc" "$(e2e_log_tail "$E2E_SLUICE_LOG")"
		return 1
	fi
}

# guest_lport DPORT: local port of the guest's established connection to
# 10.0.2.2:DPORT.
guest_lport() {
	ip netns exec "$E2E_G" ss -Htn state established "( dport = :$1 )" 2>/dev/null |
		awk '{ split($3, a, ":"); print a[2]; exit }'
}

guest_lport_ok() { [[ -n $(guest_lport "$1") ]]; }


# ------------------------------------------------------------ main

if [[ ! -x $SLUICE ]]; then
	e2e_fail "sluice binary present" "not found or not executable: $SLUICE"
	e2e_summary || exit 1
fi
e2e_require ip nft ss busybox timeout "$TCP_PY" || true
if ! "$TCP_PY" -c 'import scapy' 2>/dev/null; then
	e2e_fail "python3-scapy importable by $TCP_PY" "install python3-scapy"
	e2e_summary || exit 1
fi
e2e_info "seed $SEED, scale 1/$SCALE: $NSYN SYNs, $NUDP UDP ports, $NCAT frames per category, rate $RATE/s"

e2e_setup || { e2e_summary; exit 1; }
tcp_bg "$E2E_H" echo "$TCP_PY" "$TCP_TOOLS" echo-server 127.0.0.1 "$ECHO_PORT"
tcp_bg "$E2E_H" dl-server "$TCP_PY" "$HOSTILE" paced-send 127.0.0.1 "$DL_PORT" "$XFER_SIZE" "$XFER_SECS" --listen
DL_SPID=$E2E_BG_PID
DL_SLOG=$TCP_BG_LOG
tcp_bg "$E2E_H" ul-server "$TCP_PY" "$TCP_TOOLS" recv 127.0.0.1 "$UL_PORT" --listen
UL_SPID=$E2E_BG_PID
UL_SLOG=$TCP_BG_LOG
tcp_bg "$E2E_H" ovl-server "$TCP_PY" "$HOSTILE" dump-server 127.0.0.1 "$OVL_PORT" "$E2E_DIR/overlap.bin"
OVL_SLOG=$TCP_BG_LOG
tcp_bg "$E2E_H" zw-server "$TCP_PY" "$TCP_TOOLS" send 127.0.0.1 "$ZW_PORT" "$XFER_SIZE" --listen
for p in "$ECHO_PORT" "$DL_PORT" "$UL_PORT" "$OVL_PORT" "$ZW_PORT"; do
	tcp_wait_listen "$E2E_H" tcp "$p" 10 || e2e_fail "host service listens on $p"
done

# the dgram limit below the sweep; UDP flows expire after 10 s so the far
# host is reachable again by the end
if ! e2e_start_sluice --max-dgram-flows "$MAX_DGRAM" --udp-timeout 10; then
	e2e_summary
	exit 1
fi
PREFIX=${E2E_SLUICE_PREFIXES[-1]}
SPID=$E2E_SLUICE_PID
# shellcheck disable=SC2119 # no extra udhcpc arguments
e2e_dhcp || true
tcp_tune_guest
e2e_check "ping $E2E_GW before the attack" e2e_ping "$E2E_G" "$E2E_GW" 2 || true
GW_MAC=$(ip -n "$E2E_G" neigh show "$E2E_GW" dev "$E2E_TAP" | awk '/lladdr/ { print $3; exit }')
[[ -n $GW_MAC ]] || e2e_fail "gateway MAC known in the guest" "$(ip -n "$E2E_G" neigh)"
# the guest kernel must not reset the raw connections and the half-open
# flood (source ports below 21200; its own connections use 32768 and up)
ip netns exec "$E2E_G" nft -f - <<EOF
table inet hostile {
	chain out { type filter hook output priority 0; tcp sport 1024-21199 tcp flags & rst == rst counter drop; }
}
EOF

RSS0=$(tcp_rss_kb "$SPID")
FD0=$(find "/proc/$SPID/fd" -mindepth 1 -maxdepth 1 | wc -l)
e2e_info "sluice RSS before the attack: $((RSS0 / 1024)) MiB, $FD0 fds"
RSS_LOG=$E2E_DIR/rss.log
( while kill -0 "$SPID" 2>/dev/null; do tcp_rss_kb "$SPID"; sleep 0.25; done ) >"$RSS_LOG" 2>/dev/null &
RSS_PID=$!
e2e_track_pid "$RSS_PID"

snap start
# the legitimate transfers
tcp_bg "$E2E_G" dl-client "$TCP_PY" "$TCP_TOOLS" recv "$E2E_GW" "$DL_PORT"
DL_CPID=$E2E_BG_PID
DL_CLOG=$TCP_BG_LOG
tcp_bg "$E2E_G" ul-client "$TCP_PY" "$HOSTILE" paced-send "$E2E_GW" "$UL_PORT" "$XFER_SIZE" "$XFER_SECS"
UL_CPID=$E2E_BG_PID
UL_CLOG=$TCP_BG_LOG
T_XFER=$SECONDS
e2e_wait_for 10 guest_lport_ok "$DL_PORT" || true
e2e_wait_for 10 guest_lport_ok "$UL_PORT" || true
DL_LPORT=$(guest_lport "$DL_PORT")
UL_LPORT=$(guest_lport "$UL_PORT")
if [[ -n $DL_LPORT && -n $UL_LPORT ]]; then
	e2e_pass "legitimate transfers running (guest ports $DL_LPORT down, $UL_LPORT up)"
else
	e2e_fail "legitimate transfers running" "$(ip netns exec "$E2E_G" ss -tn)" \
		"$(cat "$DL_CLOG" "$UL_CLOG")"
fi
sleep 1

# 1. blind RSTs and ACKs at the live flows
if [[ -n $DL_LPORT ]]; then
	attack "blind RST/ACK x$NBLIND at the download flow ($DL_LPORT)" \
		blind "$E2E_TAP" "$GW_MAC" "$E2E_GW" "$DL_PORT" "$DL_LPORT" "$NBLIND" "$SEED" || true
fi
if [[ -n $UL_LPORT ]]; then
	attack "blind RST/ACK x$NBLIND at the upload flow ($UL_LPORT)" \
		blind "$E2E_TAP" "$GW_MAC" "$E2E_GW" "$UL_PORT" "$UL_LPORT" "$NBLIND" "$((SEED + 1))" || true
fi
e2e_check "transfers survive blind RSTs: both guest connections still established" \
	bash -c "[[ -n \$(ip netns exec $E2E_G ss -Htn state established '( dport = :$DL_PORT or dport = :$UL_PORT )' | sed -n 2p) ]]" || true

# 2. malformed frames, one category at a time, exact counters
for cat in ip_hdr ip_short ip_options ip_len ip_csum ip_frag l4_hdr l4_csum \
	tcp_opts tcp_flags syn_data; do
	n=$NCAT
	[[ $cat == tcp_flags ]] && n=$((NCAT > 256 ? 512 : 256))
	attack "malformed: $cat x$n" frames "$E2E_TAP" "$GW_MAC" "$cat" "$n" "$SEED" || true
done
attack "random garbage x$NGARBAGE: every frame counted as a drop" \
	frames "$E2E_TAP" "$GW_MAC" garbage "$NGARBAGE" "$SEED" || true

# 3. UDP sweep of the far host
attack "UDP sweep: $NUDP ports of $E2E_FAR_ADDR (--max-dgram-flows $MAX_DGRAM)" \
	udpsweep "$E2E_TAP" "$GW_MAC" "$E2E_FAR_ADDR" 20000 "$NUDP" "$RATE" || true
a=$ATTACK_N
n=$(delta "a$a-before" "a$a-after" udp_to_host+drop_dgram_limit+drop_flow_limit+drop_host_socket+drop_udp)
d=$(delta "a$a-before" "a$a-after" drop_dgram_limit)
if ((n >= NUDP && d >= NUDP - MAX_DGRAM)); then
	e2e_pass "UDP sweep: each datagram relayed or counted ($n), drop_dgram_limit +$d"
else
	e2e_fail "UDP sweep: each datagram relayed or counted" \
		"relayed+dropped $n of $NUDP, drop_dgram_limit +$d (want >= $((NUDP - MAX_DGRAM)))"
fi

# 4. zero-window guest (in the background) and overlapping retransmissions
ZW_SECS=$((20 / (SCALE > 2 ? 2 : 1)))
snap zw-before
tcp_bg "$E2E_G" zerowin "$TCP_PY" "$HOSTILE" zerowin "$E2E_TAP" "$GW_MAC" "$E2E_GW" "$ZW_PORT" \
	"$((SPORT_RAW + 1))" "$ZW_SECS"
ZW_PID=$E2E_BG_PID
ZW_LOG=$TCP_BG_LOG
out=$(e2e_in_guest timeout 30 "$TCP_PY" "$HOSTILE" overlap "$E2E_TAP" "$GW_MAC" "$E2E_GW" "$OVL_PORT" \
	"$SPORT_RAW" "$E2E_DIR/overlap.json" 2>&1) && rc=0 || rc=$?
if ((rc == 0)) && e2e_wait_for 10 test -e "$E2E_DIR/overlap.bin"; then
	e2e_check "overlapping retransmissions with different bytes: host stream consistent (${out})" \
		"$E2E_PYTHON" "$HOSTILE" overlap-check "$E2E_DIR/overlap.json" "$E2E_DIR/overlap.bin" || true
else
	e2e_fail "overlapping retransmissions: raw connection completes" "exit $rc" "$out" \
		"$(cat "$OVL_SLOG")"
fi

# 5. SYN flood: half-open connections to a listener, then to a closed port
NSYN_L=$((NSYN / 2))
NSYN_C=$((NSYN - NSYN_L))
attack "SYN flood: $NSYN_L SYNs to listening 10.0.2.2:$ECHO_PORT at $RATE/s" \
	synflood "$E2E_TAP" "$GW_MAC" "$E2E_GW" "$ECHO_PORT" "$SPORT_FLOOD" "$NSYN_L" "$RATE" || true
a=$ATTACK_N
n=$(delta "a$a-before" "a$a-after" tcp_flows_opened+drop_connect_limit+drop_flow_limit+drop_host_socket)
if ((n >= NSYN_L)); then
	e2e_pass "SYN flood (listener): every SYN opened a flow or was counted ($n): $(tel stats | grep -E '^(flows_active|drop_connect_limit|drop_host_socket|drop_flow_limit) ' | tr -s ' ' | tr '\n' ' ')"
else
	e2e_fail "SYN flood (listener): every SYN opened a flow or was counted" "$n of $NSYN_L" \
		"$(tel stats)"
fi
attack "SYN flood: $NSYN_C SYNs to closed 10.0.2.2:$CLOSED_PORT at $RATE/s" \
	synflood "$E2E_TAP" "$GW_MAC" "$E2E_GW" "$CLOSED_PORT" "$((SPORT_FLOOD + NSYN_L))" "$NSYN_C" "$RATE" || true
a=$ATTACK_N
n=$(delta "a$a-before" "a$a-after" tcp_refused+drop_connect_limit+drop_flow_limit+drop_host_socket)
if ((n >= NSYN_C)); then
	e2e_pass "SYN flood (closed port): every SYN refused with a RST or counted ($n, tcp_rst_sent +$(delta "a$a-before" "a$a-after" tcp_rst_sent))"
else
	e2e_fail "SYN flood (closed port): every SYN refused or counted" "$n of $NSYN_C" "$(tel stats)"
fi

# 6. ICMP floods
attack "ICMP flood: $NICMP echo requests to $E2E_GW" \
	icmpflood "$E2E_TAP" "$GW_MAC" "$E2E_GW" "$NICMP" "$RATE" || true
a=$ATTACK_N
n=$(delta "a$a-before" "a$a-after" icmp_echo_local)
if ((n >= NICMP)); then
	e2e_pass "ICMP flood to $E2E_GW: all $n answered by sluice"
else
	e2e_fail "ICMP flood to $E2E_GW: all answered" "icmp_echo_local +$n of $NICMP"
fi
attack "ICMP flood: $NICMP echo requests to $E2E_FAR_ADDR" \
	icmpflood "$E2E_TAP" "$GW_MAC" "$E2E_FAR_ADDR" "$NICMP" "$RATE" || true
a=$ATTACK_N
n=$(delta "a$a-before" "a$a-after" icmp_relayed+drop_dgram_limit+drop_flow_limit+drop_host_socket+drop_icmp)
if ((n >= NICMP)); then
	e2e_pass "ICMP flood to $E2E_FAR_ADDR: each relayed or counted ($n; relayed $(delta "a$a-before" "a$a-after" icmp_relayed))"
else
	e2e_fail "ICMP flood to $E2E_FAR_ADDR: each relayed or counted" "$n of $NICMP"
fi

# 7. the zero-window connection
if tcp_wait_pid "$ZW_PID" $((ZW_SECS + 30)); then
	snap zw-after
	zw=$(grep '^{' "$ZW_LOG" | tail -n 1)
	probes=$(delta zw-before zw-after tcp_persist_probes)
	if "$E2E_PYTHON" -c '
import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if d["beyond_window"] == 0 and d["data_in_zero"] == 0 and d["probes_zero"] >= 2
         and d["bytes_in_open"] > 0 and d["probes_shrunk"] + d["rexmit_shrunk"] >= 1 else 1)' "$zw" && ((probes >= 2)); then
		e2e_pass "zero-window guest: probed ($probes persist probes), nothing past the window: $zw"
	else
		e2e_fail "zero-window guest: sluice probes and never sends past the window" \
			"$zw" "tcp_persist_probes +$probes" "$(cat "$ZW_LOG")"
	fi
else
	e2e_fail "zero-window guest: raw connection ran" "$(cat "$ZW_LOG")"
fi

# 8. the legitimate transfers must finish intact
ok=1
for pid in "$DL_CPID" "$UL_CPID" "$DL_SPID" "$UL_SPID"; do
	tcp_wait_pid "$pid" $((XFER_SECS + 60 - (SECONDS - T_XFER))) || ok=0
done
dls=$(tcp_field sha "$DL_SLOG") dlc=$(tcp_field sha "$DL_CLOG")
uls=$(tcp_field sha "$UL_SLOG") ulc=$(tcp_field sha "$UL_CLOG")
if ((ok)) && [[ -n $dls && $dls == "$dlc" && $(tcp_field bytes "$DL_CLOG") == "$XFER_SIZE" ]]; then
	e2e_pass "legitimate 64 MiB download intact through the attack (sha256 ${dls:0:16}..., $(tcp_field drain "$DL_CLOG") s)"
else
	e2e_fail "legitimate 64 MiB download intact" "server: $(cat "$DL_SLOG")" "client: $(cat "$DL_CLOG")"
fi
if ((ok)) && [[ -n $uls && $uls == "$ulc" && $(tcp_field bytes "$UL_SLOG") == "$XFER_SIZE" ]]; then
	e2e_pass "legitimate 64 MiB upload intact through the attack (sha256 ${uls:0:16}..., $(tcp_field drain "$UL_SLOG") s)"
else
	e2e_fail "legitimate 64 MiB upload intact" "server: $(cat "$UL_SLOG")" "client: $(cat "$UL_CLOG")"
fi

# 9. afterwards
if e2e_sluice_alive && tel info >/dev/null 2>&1; then
	e2e_pass "sluice alive and answering telemetry after $SENT_TOTAL hostile frames"
else
	e2e_fail "sluice alive and answering telemetry" "$(e2e_log_tail "$E2E_SLUICE_LOG")"
fi
e2e_check "fresh TCP echo through $E2E_GW after the attack" \
	timeout 30 ip netns exec "$E2E_G" "$TCP_PY" "$TCP_TOOLS" many "$E2E_GW" "$ECHO_PORT" 4 100000 20 || true
e2e_check "ping $E2E_GW after the attack" e2e_ping "$E2E_G" "$E2E_GW" 3 || true
e2e_check "ping $E2E_FAR_ADDR after the attack (UDP sweep flows expired)" \
	e2e_wait_for 20 e2e_ping "$E2E_G" "$E2E_FAR_ADDR" 2 || true

e2e_kill_pid "$RSS_PID"
RSS_MAX=$(sort -n "$RSS_LOG" | tail -n 1)
RSS_MAX=${RSS_MAX:-0}
if ((RSS_MAX > 0 && RSS_MAX <= RSS0 + RSS_BOUND_MIB * 1024)); then
	e2e_pass "memory bounded: RSS peak $((RSS_MAX / 1024)) MiB <= start $((RSS0 / 1024)) MiB + $RSS_BOUND_MIB MiB ($(wc -l <"$RSS_LOG") samples)"
else
	e2e_fail "memory bounded: RSS peak <= start + $RSS_BOUND_MIB MiB" \
		"start $((RSS0 / 1024)) MiB, peak $((RSS_MAX / 1024)) MiB"
fi

snap final
moved=() still=()
for k in drop_short drop_ip_hdr drop_ip_len drop_ip_csum drop_ip_options drop_ip_frag \
	drop_l4_hdr drop_l4_csum drop_tcp_bad_opts drop_tcp_no_flow drop_tcp \
	drop_tcp_out_of_window tcp_challenge_acks tcp_rst_sent tcp_refused \
	drop_dgram_limit tcp_persist_probes icmp_echo_local icmp_relayed; do
	d=$(delta start final "$k")
	if ((d > 0)); then moved+=("$k+$d"); else still+=("$k"); fi
done
if ((${#still[@]} == 0)); then
	e2e_pass "every attack category moved its counters: ${moved[*]}"
else
	e2e_fail "every attack category moved its counters" "did not move: ${still[*]}" "moved: ${moved[*]}"
fi
tel stats | sed 's/^/# /'
e2e_info "hostile frames: $SENT_TOTAL sent, $FAILED_TOTAL refused by the guest kernel"
e2e_stop_sluice 0 || true
e2e_summary
