#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_router.sh: sluice as a router hop for the guest's datagrams.
# The far host sits behind a router namespace here:
#
#   slg (guest) -- sluice in slh 203.0.113.1 -- slr-ID 203.0.113.2 / 198.51.100.1
#                                               (ip_forward, MTU 1280 onward)
#                                           -- slf 198.51.100.2
#
# and the checks are, each a PASS/FAIL line:
#   - ECONNREFUSED in the guest for a connected UDP socket to a closed port,
#     on the host's loopback (via 10.0.2.2) and on the far host
#   - traceroute (UDP, and -I ICMP echo) from the guest to the far host:
#     hop 1 the gateway 10.0.2.2, hop 2 the router 203.0.113.2, then the
#     far host
#   - fragmentation needed: a DF datagram too big for the router's far
#     link gives the guest's socket the path MTU 1280
#   - DNS at scale: ROUTER_DNS_QUERIES (20000) lookups, each from a new
#     socket on a port of its own, through 10.0.2.3 to dnsmasq on slh's loopback with the default
#     limits: every one answered, dns_flow_done counts them
#   - at a small --max-dgram-flows full of idle flows, new DNS lookups
#     evict the idle flows (udp_flow_evicted) and are all answered
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_router.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DNS_PORT=5353
ECHO_PORT=7777
CLOSED_PORT=7999
DNS_N=${ROUTER_DNS_QUERIES:-20000}	# at most 55536 (one port each)
DNS_SECS=${ROUTER_DNS_SECS:-400}	# bound on the whole lookup loop
CTL=$E2E_SRC/usertools/sluice-ctl

E2E_R=slr-$E2E_ID		# the router namespace
R_VH=slrh$E2E_ID		# slh end of slh <-> slr
R_VR=slrr$E2E_ID		# slr end of slh <-> slr
R_VF=slrf$E2E_ID		# slr end of slr <-> slf
R_VFF=slff$E2E_ID		# slf end of slr <-> slf
HOST_ADDR=203.0.113.1
ROUTER_ADDR=203.0.113.2
ROUTER_FAR=198.51.100.1
FAR_MTU=1280

ROUTER_PY=$E2E_DIR/router_tools.py

# tel ARGS...: sluice-ctl on the sluice started last.
tel() { "$E2E_PYTHON" "$CTL" -f "${E2E_SLUICE_PREFIXES[-1]}" "$@"; }

# counter NAME: a counter of the running sluice (0 when absent).
counter() {
	tel -j stats | "$E2E_PYTHON" -c '
import json, sys
print(json.load(sys.stdin).get(sys.argv[1], 0))' "$1"
}

# router_setup: the far host moves behind a router namespace (lib.sh's
# direct slh <-> slf link is replaced).
router_setup() {
	ip netns add "$E2E_R" || return 1
	E2E_NS+=("$E2E_R")
	ip -n "$E2E_R" link set lo up
	ip -n "$E2E_H" link del "$E2E_VH"
	ip link add "$R_VH" netns "$E2E_H" type veth peer name "$R_VR" netns "$E2E_R" &&
		ip link add "$R_VF" netns "$E2E_R" type veth peer name "$R_VFF" netns "$E2E_F" &&
		ip -n "$E2E_H" addr add "$HOST_ADDR/24" dev "$R_VH" &&
		ip -n "$E2E_R" addr add "$ROUTER_ADDR/24" dev "$R_VR" &&
		ip -n "$E2E_R" addr add "$ROUTER_FAR/24" dev "$R_VF" &&
		ip -n "$E2E_F" addr add "$E2E_FAR_ADDR/24" dev "$R_VFF" &&
		ip -n "$E2E_R" link set "$R_VF" mtu "$FAR_MTU" &&
		ip -n "$E2E_F" link set "$R_VFF" mtu "$FAR_MTU" &&
		ip -n "$E2E_H" link set "$R_VH" up &&
		ip -n "$E2E_R" link set "$R_VR" up &&
		ip -n "$E2E_R" link set "$R_VF" up &&
		ip -n "$E2E_F" link set "$R_VFF" up &&
		ip -n "$E2E_H" route add 198.51.100.0/24 via "$ROUTER_ADDR" &&
		ip -n "$E2E_F" route add default via "$ROUTER_FAR" &&
		ip netns exec "$E2E_R" sysctl -q -w net.ipv4.ip_forward=1 &&
		ip netns exec "$E2E_R" sysctl -q -w net.ipv4.icmp_ratelimit=0 &&
		ip netns exec "$E2E_F" sysctl -q -w net.ipv4.icmp_ratelimit=0
}

cat >"$ROUTER_PY" <<'EOF'
"""router_tools.py: guest-side checks of test_router.sh (stdlib only)."""
import socket
import struct
import sys
import time


def refused(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((host, port))
    s.settimeout(2.0)
    for _ in range(3):
        s.send(b"knock")
        try:
            s.recv(100)
            print("an answer from %s:%d" % (host, port))
            return 1
        except ConnectionRefusedError:
            print("ECONNREFUSED from %s:%d" % (host, port))
            return 0
        except socket.timeout:
            continue
    print("no error from %s:%d: timed out" % (host, port))
    return 1


def pmtu(host, port, size, want):
    ip_mtu_discover, ip_pmtudisc_do, ip_mtu = 10, 2, 14
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, ip_mtu_discover, ip_pmtudisc_do)
    s.connect((host, port))
    mtu = s.getsockopt(socket.IPPROTO_IP, ip_mtu)
    for _ in range(10):
        try:
            s.send(b"x" * size)
        except OSError:
            pass
        time.sleep(0.3)
        mtu = s.getsockopt(socket.IPPROTO_IP, ip_mtu)
        if mtu <= want:
            print("path MTU to %s: %d" % (host, mtu))
            return 0
    print("path MTU to %s still %d" % (host, mtu))
    return 1


def query(qid, name):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack("!HH", 1, 1)


def lookups(server, n, secs, max_lost, port0):
    """n lookups, each from a new socket on its own port (port0 + i, as a
    resolver randomising its ports would), 3 tries of 1 s each."""
    t0 = time.time()
    ok = lost = retries = 0
    for i in range(n):
        if time.time() - t0 > secs or lost > max_lost:
            break
        qid = i & 0xffff
        q = query(qid, "sluice.test")
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", port0 + i % (65536 - port0)))
        s.settimeout(1.0)
        for attempt in range(3):
            s.sendto(q, (server, 53))
            try:
                while True:
                    r = s.recv(512)
                    if len(r) >= 12 and struct.unpack("!H", r[:2])[0] == qid:
                        break
                ok += 1
                retries += attempt
                break
            except socket.timeout:
                continue
        else:
            lost += 1
        s.close()
    print("%d of %d lookups answered (%d retries, %d lost) in %.1f s"
          % (ok, n, retries, lost, time.time() - t0))
    return 0 if ok == n else 1


def echoes(host, port, n):
    """n UDP echoes from n fresh sockets (they stay idle afterwards)."""
    socks = []
    ok = 0
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1.0)
        for _ in range(3):
            s.sendto(b"echo %d" % i, (host, port))
            try:
                s.recv(100)
                ok += 1
                break
            except socket.timeout:
                continue
        socks.append(s)
    print("%d of %d echoes" % (ok, n))
    return 0 if ok == n else 1


def main(argv):
    cmd = argv[1]
    if cmd == "refused":
        return refused(argv[2], int(argv[3]))
    if cmd == "pmtu":
        return pmtu(argv[2], int(argv[3]), int(argv[4]), int(argv[5]))
    if cmd == "lookups":
        return lookups(argv[2], int(argv[3]), float(argv[4]), int(argv[5]),
                       int(argv[6]))
    if cmd == "echoes":
        return echoes(argv[2], int(argv[3]), int(argv[4]))
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
EOF

# guest_py ARGS...: router_tools.py in the guest.
guest_py() { e2e_in_guest "$E2E_PYTHON" "$ROUTER_PY" "$@"; }

# hop_has OUT HOP ADDR: traceroute output OUT shows ADDR at hop HOP.
hop_has() {
	awk -v h="$2" -v a="$3" '$1 == h { for (i = 2; i <= NF; i++) if ($i == a) f = 1 }
		END { exit !f }' <<<"$1"
}

# check_traceroute DESC ARGS...: traceroute ARGS from the guest to the far
# host: gateway at hop 1, router at hop 2, the far host at hop 3 (last).
check_traceroute() {
	local desc=$1 out rc=0
	shift
	out=$(timeout 60 ip netns exec "$E2E_G" traceroute -n -w 2 -m 8 "$@" \
		"$E2E_FAR_ADDR" 2>&1) || rc=$?
	if ((rc == 0)) && hop_has "$out" 1 "$E2E_GW" &&
		hop_has "$out" 2 "$ROUTER_ADDR" && hop_has "$out" 3 "$E2E_FAR_ADDR" &&
		! grep -q '^ 4 ' <<<"$out"; then
		e2e_pass "$desc: hops $E2E_GW, $ROUTER_ADDR, $E2E_FAR_ADDR"
		printf '%s\n' "$out" | sed 's/^/    . /'
	else
		e2e_fail "$desc: hops $E2E_GW, $ROUTER_ADDR, $E2E_FAR_ADDR" \
			"traceroute exit $rc" "$out"
	fi
}

# ------------------------------------------------------------ main

e2e_require ip busybox dnsmasq traceroute timeout "$E2E_PYTHON" || true

if e2e_setup && router_setup; then
	e2e_pass "test set-up: router namespace $E2E_R between $E2E_H and $E2E_F"
	e2e_bg "$E2E_H" "$E2E_DIR/dnsmasq.log" dnsmasq --no-daemon --no-resolv \
		--no-hosts --address=/sluice.test/198.51.100.77 --port "$DNS_PORT" \
		--listen-address 127.0.0.1 --bind-interfaces --pid-file= \
		--log-facility=- --cache-size=1000
	e2e_bg "$E2E_F" "$E2E_DIR/udp-echo-far.log" "$E2E_PYTHON" "$E2E_TOOLS" \
		udp-echo-server "$E2E_FAR_ADDR" "$ECHO_PORT"
	e2e_check "test set-up: dnsmasq answers on 127.0.0.1:$DNS_PORT in $E2E_H" \
		e2e_wait_for 10 ip netns exec "$E2E_H" "$E2E_PYTHON" "$E2E_TOOLS" \
		dns 127.0.0.1 sluice.test "$DNS_PORT" || true
	e2e_check "test set-up: $E2E_H reaches $E2E_FAR_ADDR through the router" \
		e2e_ping "$E2E_H" "$E2E_FAR_ADDR" 2 || true

	if e2e_start_sluice --dns-forward "127.0.0.1:$DNS_PORT"; then
		# shellcheck disable=SC2119 # no extra udhcpc arguments
		e2e_dhcp || true
		e2e_check "UDP echo to the far host through the router" \
			e2e_in_guest "$E2E_PYTHON" "$E2E_TOOLS" udp-echo \
			"$E2E_FAR_ADDR" "$ECHO_PORT" 100 || true
		e2e_check "ECONNREFUSED: connected UDP socket to a closed port on the host ($E2E_GW)" \
			guest_py refused "$E2E_GW" "$CLOSED_PORT" || true
		e2e_check "ECONNREFUSED: connected UDP socket to a closed port on the far host" \
			guest_py refused "$E2E_FAR_ADDR" "$CLOSED_PORT" || true
		check_traceroute "traceroute (UDP)"
		check_traceroute "traceroute -I (ICMP echo)" -I
		e2e_check "fragmentation needed: the guest learns path MTU $FAR_MTU from the router" \
			guest_py pmtu "$E2E_FAR_ADDR" "$ECHO_PORT" 1400 "$FAR_MTU" || true
		icmp_err=$(counter icmp_err_tx)
		if ((icmp_err >= 8)); then
			e2e_pass "icmp_err_tx counts the errors sent to the guest ($icmp_err)"
		else
			e2e_fail "icmp_err_tx counts the errors sent to the guest" "icmp_err_tx=$icmp_err"
		fi

		done0=$(counter dns_flow_done)
		rc=0
		out=$(timeout $((DNS_SECS + 60)) ip netns exec "$E2E_G" "$E2E_PYTHON" \
			"$ROUTER_PY" lookups "$E2E_DNS" "$DNS_N" "$DNS_SECS" 20 10000 2>&1) || rc=$?
		if ((rc == 0)); then
			e2e_pass "DNS at scale, fresh sockets, default limits: $out"
		else
			e2e_fail "DNS at scale: $DNS_N lookups from fresh sockets, default limits, all answered" \
				"exit $rc" "$out" "$(tel stats)"
		fi
		done1=$(counter dns_flow_done)
		flows=$(tel -j stats | "$E2E_PYTHON" -c 'import json,sys; print(json.load(sys.stdin).get("flows_active", -1))')
		if ((done1 - done0 >= DNS_N)) && ((flows < 100)); then
			e2e_pass "DNS flows end once answered: dns_flow_done +$((done1 - done0)), $flows flows left"
		else
			e2e_fail "DNS flows end once answered" "dns_flow_done +$((done1 - done0)), want >= $DNS_N" \
				"flows_active=$flows" "$(tel stats)"
		fi
		e2e_stop_sluice 0 || true
	fi

	# a small datagram-flow limit, filled with idle flows: lookups evict
	if e2e_start_sluice --dns-forward "127.0.0.1:$DNS_PORT" --max-dgram-flows 32; then
		# shellcheck disable=SC2119 # no extra udhcpc arguments
		e2e_dhcp || true
		e2e_check "--max-dgram-flows 32: 32 UDP flows to the far host (left idle)" \
			guest_py echoes "$E2E_FAR_ADDR" "$ECHO_PORT" 32 || true
		sleep 1.5
		e2e_check "--max-dgram-flows 32 full of idle flows: 500 lookups all answered" \
			timeout 120 ip netns exec "$E2E_G" "$E2E_PYTHON" "$ROUTER_PY" \
			lookups "$E2E_DNS" 500 60 5 10000 || true
		evicted=$(counter udp_flow_evicted)
		refused=$(counter drop_dgram_limit)
		if ((evicted >= 1)) && ((refused == 0)); then
			e2e_pass "idle flows evicted before any refusal (udp_flow_evicted $evicted, drop_dgram_limit 0)"
		else
			e2e_fail "idle flows evicted before any refusal" \
				"udp_flow_evicted=$evicted drop_dgram_limit=$refused" "$(tel stats)"
		fi
		e2e_stop_sluice 0 || true
	fi
fi

e2e_summary
