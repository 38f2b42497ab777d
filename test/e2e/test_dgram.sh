#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_dgram.sh: datagrams larger than one packet, and IPv4
# fragments, end to end (lib/frag/sl_frag.c). Checks, each as a PASS/FAIL
# line:
#   - net_tap (guest MTU 65520 by DHCP, the port transmits 1500): sluice
#     logs "mtu 65520 (tx 1500)"; 8000-byte UDP echoes through 10.0.2.2
#     (slh loopback) and to the far host 198.51.100.2, content checked;
#     ping -s 3000 to the gateway and to the far host; a 2.4 KB TXT answer
#     (dnsmasq on slh's loopback, EDNS buffer 4096) through 10.0.2.3, not
#     truncated; 8000-byte datagrams from a host client through a -u
#     forward to an echo server in the guest and back
#   - the same guest set to MTU 1500 by hand: UDP echoes of 1476, 4000 and
#     8000 bytes (the guest sends fragments, sluice reassembles them), 1476
#     bytes from a host client through the -u forward and back, ping
#     -s 1476 and -s 3000, a TCP echo; tcpdump in the guest sees no frame
#     toward it longer than 1514 bytes (an IP packet of 1500)
#   - net_af_packet with the largest ring frame (framesz=65280) and --mtu
#     1500: 8000-byte UDP echoes to the gateway and the far host, ping -s
#     3000 to both, a 60000-byte UDP echo; tcpdump in the guest sees no
#     frame toward it over 1514 bytes (the guest's fragments reach sluice
#     reassembled by the kernel: the PMD's fanout defragments)
#   - sluice's exit counters show ip_frag_tx, ip_frag_rx and ip_reasm_ok
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_dgram.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_tcp.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_tcp.sh"

DNS_PORT=5353
UDP_PORT=7787
TCP_PORT=7788
FWD_HOST=7789			# -u forward: slh's port ...
FWD_GUEST=7790			# ... to this guest port (an echo server there)
BIG_NAME=big.sluice.test
DGRAM_PY=$E2E_DIR/dgram_tools.py

# dnsmasq's TXT record for BIG_NAME: ten strings of 240 bytes (~2.4 KB)
big_txt() {
	local i s=$BIG_NAME
	for i in 0 1 2 3 4 5 6 7 8 9; do
		s+=,$(printf "$i%.0s" $(seq 240))
	done
	printf '%s' "$s"
}

cat >"$DGRAM_PY" <<'EOF'
"""dgram_tools.py: a TXT query with an EDNS buffer (test_dgram.sh)."""
import random
import socket
import struct
import sys


def txt_query(server, name, bufsize):
    qid = random.randrange(65536)
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack("!HH", 16, 1)
    q += b"\0" + struct.pack("!HHIH", 41, bufsize, 0, 0)	# OPT
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    for _ in range(3):
        s.sendto(q, (server, 53))
        try:
            r = s.recv(65535)
        except socket.timeout:
            continue
        if struct.unpack("!H", r[:2])[0] == qid:
            break
    else:
        print("no answer")
        return 1
    flags, an = struct.unpack("!H", r[2:4])[0], struct.unpack("!H", r[6:8])[0]
    txt = sum(r.count(bytes([d]) * 240) for d in b"0123456789")
    print("answer: %d bytes, tc=%d, rcode=%d, answers=%d, full strings=%d"
          % (len(r), (flags >> 9) & 1, flags & 15, an, txt))
    return 0 if len(r) > 2400 and not (flags >> 9) & 1 and txt == 10 else 1


if __name__ == "__main__":
    sys.exit(txt_query(sys.argv[1], sys.argv[2], int(sys.argv[3])))
EOF

# udp_echo DESC HOST PORT SIZE [NS]: a SIZE-byte echo from NS (the guest),
# content checked
udp_echo() {
	e2e_check "$1: $4-byte UDP echo through $2:$3" \
		ip netns exec "${5:-$E2E_G}" "$E2E_PYTHON" "$E2E_TOOLS" \
		udp-echo "$2" "$3" "$4" || true
}

# ping_size DESC ADDR SIZE: ping -s SIZE from the guest, 3 of 3 answered
ping_size() {
	e2e_check "$1: ping -s $3 $2" bash -c "ip netns exec $E2E_G ping -n -c 3 \
		-i 0.2 -W 3 -s $3 $2 | grep -q '3 packets transmitted, 3 received'" || true
}

# port_line_has TEXT: sluice's port start-up line contains TEXT
port_line_has() {
	local line
	line=$(grep -m 1 'port 0 .*: mtu' "$E2E_SLUICE_LOG" || true)
	if grep -qF "$1" <<<"$line"; then
		e2e_pass "sluice's port: ${line#*: }"
	else
		e2e_fail "sluice's port line has '$1'" "port line: '$line'"
	fi
}

# frames_at_most MAX LOG WHAT: tcpdump LOG (-e) saw frames, none longer
# than MAX
frames_at_most() {
	local max=$1 log=$2 what=$3 n big
	n=$(grep -c 'ethertype IPv4' "$log" || true)
	big=$(grep -o 'ethertype IPv4 (0x0800), length [0-9]*' "$log" |
		awk -v m="$max" '$NF > m { print $NF }' | sort -n | tail -n 1 || true)
	if ((n > 0)) && [[ -z $big ]]; then
		e2e_pass "$what: $n frames toward the guest, none over $max bytes"
	else
		e2e_fail "$what: frames toward the guest no longer than $max bytes" \
			"$n frames, longest over the limit: ${big:-none}" "$(tail -n 5 "$log")"
	fi
}

# counters_moved NAME...: sluice's exit report has each counter above 0
counters_moved() {
	local k v bad=()
	for k in "$@"; do
		v=$(tcp_counter "$k")
		((v > 0)) || bad+=("$k")
	done
	if ((${#bad[@]} == 0)); then
		e2e_pass "exit counters moved: $*"
	else
		e2e_fail "exit counters moved: $*" "still 0: ${bad[*]}" "$(tcp_counters)"
	fi
}

# far_checks WHAT SIZE: UDP echo to the gateway and the far host, pings
far_checks() {
	udp_echo "$1" "$E2E_GW" "$UDP_PORT" "$2"
	udp_echo "$1" "$E2E_FAR_ADDR" "$UDP_PORT" "$2"
	ping_size "$1" "$E2E_GW" 3000
	ping_size "$1" "$E2E_FAR_ADDR" 3000
}

# ------------------------------------------------------------ main

if [[ ! -x $SLUICE ]]; then
	e2e_fail "sluice binary present" "not found or not executable: $SLUICE"
	e2e_summary || exit 1
fi
e2e_require ip busybox dnsmasq tcpdump ethtool ping timeout "$E2E_PYTHON" || true

if e2e_setup; then
	e2e_dnsmasq "$DNS_PORT" --txt-record="$(big_txt)" --edns-packet-max=4096
	e2e_echo_servers "$UDP_PORT" "$TCP_PORT"

	# --- net_tap
	if e2e_start_sluice --dns-forward "127.0.0.1:$DNS_PORT" \
		-u "$FWD_HOST:$FWD_GUEST"; then
		port_line_has "mtu 65520 (tx 1500)"
		# shellcheck disable=SC2119 # no extra udhcpc arguments
		if e2e_dhcp; then
			e2e_check "net_tap: the lease's MTU is 65520" \
				test "$(e2e_last_event mtu)" = 65520 || true
		fi
		far_checks "net_tap" 8000
		e2e_check "net_tap: a 2.4 KB TXT answer via $E2E_DNS (EDNS 4096)" \
			ip netns exec "$E2E_G" "$E2E_PYTHON" "$DGRAM_PY" "$E2E_DNS" \
			"$BIG_NAME" 4096 || true
		e2e_bg "$E2E_G" "$E2E_DIR/udp-echo-guest.log" "$E2E_PYTHON" \
			"$E2E_TOOLS" udp-echo-server 0.0.0.0 "$FWD_GUEST"
		e2e_wait_for 10 grep -q 'udp echo on' "$E2E_DIR/udp-echo-guest.log" || true
		udp_echo "net_tap, -u forward to the guest" 127.0.0.1 "$FWD_HOST" \
			8000 "$E2E_H"

		# the guest sets MTU 1500 itself: nothing longer reaches it
		ip -n "$E2E_G" link set dev "$E2E_TAP" mtu 1500
		e2e_bg "$E2E_G" "$E2E_DIR/tcpdump-1500.log" tcpdump -l -nn -e \
			-Q in -i "$E2E_TAP"
		td=$E2E_BG_PID
		e2e_wait_for 10 grep -q 'listening on' "$E2E_DIR/tcpdump-1500.log" || true
		for size in 1476 4000 8000; do
			udp_echo "guest at MTU 1500" "$E2E_GW" "$UDP_PORT" "$size"
		done
		udp_echo "guest at MTU 1500" "$E2E_FAR_ADDR" "$UDP_PORT" 4000
		# sent by the host: 1504 bytes with headers, over the guest's MTU
		udp_echo "guest at MTU 1500, -u forward to the guest" 127.0.0.1 \
			"$FWD_HOST" 1476 "$E2E_H"
		ping_size "guest at MTU 1500" "$E2E_GW" 1476
		ping_size "guest at MTU 1500" "$E2E_GW" 3000
		e2e_check "guest at MTU 1500: 200000 bytes echoed over TCP" \
			timeout 60 ip netns exec "$E2E_G" "$E2E_PYTHON" "$E2E_TOOLS" \
			tcp-echo "$E2E_GW" "$TCP_PORT" 200000 || true
		sleep 0.5
		e2e_kill_pid "$td"
		frames_at_most 1514 "$E2E_DIR/tcpdump-1500.log" "guest at MTU 1500"
		if e2e_stop_sluice 0; then
			counters_moved ip_frag_tx ip_frag_rx ip_reasm_ok
		fi
	fi

	# --- net_af_packet: the kernel reassembles the guest's fragments
	# before the PMD's ring (PACKET_FANOUT_FLAG_DEFRAG), so datagrams from
	# the guest are bounded by the ring frame, not the MTU: the largest
	# ring frame, guest MTU 1500 (--mtu)
	if e2e_afp_link 65520 && e2e_start_sluice_afp \
		"framesz=65280,blocksz=1044480,framecnt=64" \
		--dns-forward "127.0.0.1:$DNS_PORT" --mtu 1500; then
		port_line_has "mtu 1500 (tx 1500)"
		# shellcheck disable=SC2119 # no extra udhcpc arguments
		if e2e_dhcp; then
			e2e_check "net_af_packet: the lease's MTU is 1500" \
				test "$(e2e_last_event mtu)" = 1500 || true
		fi
		e2e_bg "$E2E_G" "$E2E_DIR/tcpdump-afp.log" tcpdump -l -nn -e \
			-Q in -i "$E2E_TAP"
		td=$E2E_BG_PID
		e2e_wait_for 10 grep -q 'listening on' "$E2E_DIR/tcpdump-afp.log" || true
		far_checks "net_af_packet" 8000
		udp_echo "net_af_packet" "$E2E_GW" "$UDP_PORT" 60000
		sleep 0.5
		e2e_kill_pid "$td"
		frames_at_most 1514 "$E2E_DIR/tcpdump-afp.log" "net_af_packet"
		if e2e_stop_sluice 0; then
			counters_moved ip_frag_tx
		fi
	fi
fi

e2e_summary
