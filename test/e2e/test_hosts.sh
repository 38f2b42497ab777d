#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_hosts.sh: end-to-end test of many hosts on one port (issue
# 16). sluice's net_af_packet port is one end of a veth pair whose other end
# is a port of a Linux bridge in slg; three host namespaces (hs1, hs2, hs3)
# hang on that bridge by veth pairs, each with its own MAC:
#
#   slh: sluice --vdev net_af_packet0,iface=slafpID
#          |  veth
#   slg: sltapID -- bridge hsbrID -- hs1aID ... hs1bID (hs1-ID)
#                                 -- hs2aID ... hs2bID (hs2-ID)
#                                 -- hs3aID ... hs3bID (hs3-ID)
#   slf: slvfID 198.51.100.2 (far host) -- veth -- slvhID 198.51.100.1 (slh)
#
# Checks, each as a PASS/FAIL line:
#   - busybox udhcpc in each host, one after the other: distinct leases,
#     10.0.2.15 (--guest-addr) first, then 10.0.2.16; hs3's MAC has a
#     --dhcp-host reservation and gets 10.0.2.40; each lease carries the
#     port's MTU (option 26) and the default route via 10.0.2.2
#   - the three hosts upload 8 MiB each to a server on slh's loopback at
#     the same time (through the gateway address): every upload arrives
#     sha256-identical
#   - sluice-ctl hosts lists the three with their MACs and bound leases
#   - a TCP forward to the second host (-t 18080:10.0.2.16/8080): a client
#     in the far host (198.51.100.2) reaches hs2's server, which sees the
#     client's own address as the peer; a client on slh's loopback is seen
#     as the gateway 10.0.2.2; the same for UDP (-u 18081:10.0.2.16/8081)
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_hosts.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CTL=$E2E_SRC/usertools/sluice-ctl
PY=${E2E_PYTHON:-/usr/bin/python3}
HS_BR=hsbr$E2E_ID
HS_SIZE=$((8 << 20))
HS_TOOLS=$E2E_DIR/hs_tools.py
HS_NS=()
HS_IF=()
HS_MAC=()
HS_ADDR=(10.0.2.15 10.0.2.16 10.0.2.40)	# what each host must lease
MTU=1500

# hs_cleanup: the resolv.conf directories of the host namespaces (lib.sh
# deletes the namespaces themselves, they are in E2E_NS)
hs_cleanup() {
	local ns
	for ns in "${HS_NS[@]}"; do
		rm -rf "/etc/netns/$ns"
	done
}
# set +e: (exit N) must set $? for e2e_on_exit, not end the trap
trap 'hs_rc=$?; hs_cleanup; set +e; (exit $hs_rc); e2e_on_exit' EXIT

cat >"$HS_TOOLS" <<'EOF'
"""hs_tools.py: servers and clients of test_hosts.sh (stdlib only)."""
import hashlib
import socket
import sys
import threading


def sink(port, out, n):
    """Accept n TCP connections on 127.0.0.1:port, log sha256 of each."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    print("listening", flush=True)
    lock = threading.Lock()

    def one(c):
        h, total = hashlib.sha256(), 0
        while True:
            b = c.recv(65536)
            if not b:
                break
            h.update(b)
            total += len(b)
        c.close()
        with lock, open(out, "a") as f:
            f.write("%s %d\n" % (h.hexdigest(), total))

    threads = []
    for _ in range(n):
        c, _ = s.accept()
        t = threading.Thread(target=one, args=(c,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


def send(addr, port, path):
    """Send the file at path to addr:port, then close."""
    c = socket.create_connection((addr, port), timeout=60)
    with open(path, "rb") as f:
        while True:
            b = f.read(65536)
            if not b:
                break
            c.sendall(b)
    c.shutdown(socket.SHUT_WR)
    c.recv(1)
    c.close()


def peer(port, out):
    """TCP and UDP on port: log each client's address, answer with it."""
    t = socket.socket()
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("0.0.0.0", port))
    t.listen(8)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", port + 1))
    print("listening", flush=True)

    def udp():
        while True:
            b, a = u.recvfrom(2048)
            with open(out, "a") as f:
                f.write("udp %s\n" % a[0])
            u.sendto(("peer=%s" % a[0]).encode(), a)

    threading.Thread(target=udp, daemon=True).start()
    while True:
        c, a = t.accept()
        with open(out, "a") as f:
            f.write("tcp %s\n" % a[0])
        c.sendall(("peer=%s\n" % a[0]).encode())
        c.close()


def hello(proto, addr, port):
    """Print what the peer server answers (TCP or UDP)."""
    if proto == "tcp":
        c = socket.create_connection((addr, port), timeout=10)
        data = b""
        while True:
            b = c.recv(256)
            if not b:
                break
            data += b
        print(data.decode().strip())
        return
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(2)
    for _ in range(5):
        u.sendto(b"hello", (addr, port))
        try:
            print(u.recv(256).decode())
            return
        except socket.timeout:
            pass
    sys.exit(1)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "sink":
        sink(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    elif cmd == "send":
        send(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "peer":
        peer(int(sys.argv[2]), sys.argv[3])
    else:
        hello(sys.argv[2], sys.argv[3], int(sys.argv[4]))
EOF

# hs_topology: the bridge in slg with sluice's veth peer on it, and the
# three host namespaces attached to it (offloads off on their veths, so
# their frames carry complete checksums)
hs_topology() {
	local i ns a b
	ip -n "$E2E_G" link add "$HS_BR" type bridge &&
		ip -n "$E2E_G" link set "$E2E_TAP" master "$HS_BR" &&
		ip -n "$E2E_G" link set "$HS_BR" up || {
		e2e_fail "bridge $HS_BR in $E2E_G with $E2E_TAP on it"
		return 1
	}
	for i in 1 2 3; do
		ns=hs$i-$E2E_ID a=hs${i}a$E2E_ID b=hs${i}b$E2E_ID
		ip netns add "$ns" || { e2e_fail "create namespace $ns"; return 1; }
		E2E_NS+=("$ns")
		HS_NS+=("$ns")
		HS_IF+=("$b")
		HS_MAC+=("02:00:00:16:00:0$i")
		mkdir -p "/etc/netns/$ns"
		: >"/etc/netns/$ns/resolv.conf"
		ip -n "$ns" link set lo up
		if ! ip link add "$a" netns "$E2E_G" type veth peer name "$b" netns "$ns" ||
			! ip -n "$ns" link set "$b" address "02:00:00:16:00:0$i" ||
			! ip -n "$E2E_G" link set "$a" master "$HS_BR" ||
			! ip -n "$E2E_G" link set "$a" up || ! ip -n "$ns" link set "$b" up ||
			! ip netns exec "$ns" ethtool -K "$b" tx off tso off gso off gro off >/dev/null ||
			! ip netns exec "$E2E_G" ethtool -K "$a" tx off tso off gso off gro off >/dev/null; then
			e2e_fail "host $ns on the bridge"
			return 1
		fi
	done
	e2e_pass "three host namespaces on a bridge behind sluice's af_packet port"
}

# hs_dhcp I: udhcpc in host I (0-based); it must lease HS_ADDR[I] with the
# port's MTU and a default route via the gateway
hs_dhcp() {
	local i=$1 ns=${HS_NS[$1]} ifc=${HS_IF[$1]} want=${HS_ADDR[$1]} out rc=0
	local ev=$E2E_DIR/hs$i.events
	out=$(timeout 40 env SLUICE_E2E_EVENTS="$ev" SLUICE_E2E_RESOLV="/etc/netns/$ns/resolv.conf" \
		ip netns exec "$ns" busybox udhcpc -i "$ifc" -n -q -f -t 5 -T 2 -O mtu \
		-s "$E2E_UDHCPC_SCRIPT" 2>&1) || rc=$?
	if ((rc == 0)) && ip -n "$ns" -4 -o addr show dev "$ifc" | grep -q "inet $want/$E2E_PREFIX " &&
		ip -n "$ns" -4 route show default | grep -q "via $E2E_GW dev $ifc" &&
		grep -q "^event=bound .* mtu=$MTU " "$ev"; then
		e2e_pass "DHCP: host $((i + 1)) (${HS_MAC[$i]}) leases $want, MTU $MTU, default route via $E2E_GW"
		return 0
	fi
	e2e_fail "DHCP: host $((i + 1)) (${HS_MAC[$i]}) leases $want, MTU $MTU, default route via $E2E_GW" \
		"udhcpc status $rc" "$out" "$(e2e_log_tail "$ev" 5)" \
		"$(ip -n "$ns" -4 addr show dev "$ifc")" "$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
	return 1
}

# hs_uploads: the three hosts upload HS_SIZE random bytes each to slh's
# loopback at the same time; the sink's sha256 of every upload must match
hs_uploads() {
	local i sinklog=$E2E_DIR/sink.log sums=$E2E_DIR/sink.sums want got sink
	local -a pids=()
	: >"$sums"
	e2e_bg "$E2E_H" "$sinklog" "$PY" "$HS_TOOLS" sink 9101 "$sums" 3
	sink=$E2E_BG_PID
	e2e_wait_for 10 grep -q listening "$sinklog" || true
	for i in 0 1 2; do
		head -c "$HS_SIZE" /dev/urandom >"$E2E_DIR/up$i"
		ip netns exec "${HS_NS[$i]}" "$PY" "$HS_TOOLS" send "$E2E_GW" 9101 \
			"$E2E_DIR/up$i" >"$E2E_DIR/send$i.log" 2>&1 &
		pids+=($!)
	done
	local rc=0
	for i in 0 1 2; do
		wait "${pids[$i]}" || rc=1
	done
	e2e_wait_for 60 test "$(wc -l <"$sums")" -ge 3 || true
	e2e_kill_pid "$sink"
	want=$(for i in 0 1 2; do sha256sum <"$E2E_DIR/up$i" | cut -d' ' -f1; done | sort)
	got=$(cut -d' ' -f1 "$sums" | sort)
	if ((rc == 0)) && [[ $want == "$got" ]]; then
		e2e_pass "three hosts upload $HS_SIZE bytes each at the same time, sha256-identical"
	else
		e2e_fail "three hosts upload $HS_SIZE bytes each at the same time, sha256-identical" \
			"want: $want" "got: $(cat "$sums")" "$(cat "$E2E_DIR"/send*.log)" \
			"$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
	fi
}

# hs_ctl_hosts: sluice-ctl hosts names each host with its MAC and a bound lease
hs_ctl_hosts() {
	local out i ok=1 prefix=${E2E_SLUICE_PREFIXES[-1]}
	out=$("$PY" "$CTL" -f "$prefix" hosts 2>&1) || ok=0
	for i in 0 1 2; do
		grep -Eq "^0/${HS_ADDR[$i]//./\\.} +${HS_MAC[$i]} +bound " <<<"$out" || ok=0
	done
	if ((ok)); then
		e2e_pass "sluice-ctl hosts lists the three hosts, their MACs and bound leases"
	else
		e2e_fail "sluice-ctl hosts lists the three hosts, their MACs and bound leases" "$out"
	fi
}

# hs_forward: forwards to the second host; the server there logs its peers
hs_forward() {
	local plog=$E2E_DIR/peer.log seen=$E2E_DIR/peer.seen out
	: >"$seen"
	e2e_bg "${HS_NS[1]}" "$plog" "$PY" "$HS_TOOLS" peer 8080 "$seen"
	e2e_wait_for 10 grep -q listening "$plog" || true
	out=$(ip netns exec "$E2E_F" "$PY" "$HS_TOOLS" hello tcp "$E2E_HOST_ADDR" 18080 2>&1) || true
	if [[ $out == "peer=$E2E_FAR_ADDR" ]] && grep -q "^tcp $E2E_FAR_ADDR\$" "$seen"; then
		e2e_pass "TCP forward to host 2: the far client is seen with its own address $E2E_FAR_ADDR"
	else
		e2e_fail "TCP forward to host 2: the far client is seen with its own address $E2E_FAR_ADDR" \
			"client got: $out" "server saw: $(cat "$seen")" "$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
	fi
	out=$(ip netns exec "$E2E_H" "$PY" "$HS_TOOLS" hello tcp 127.0.0.1 18080 2>&1) || true
	if [[ $out == "peer=$E2E_GW" ]]; then
		e2e_pass "TCP forward to host 2: a loopback client is seen as the gateway $E2E_GW"
	else
		e2e_fail "TCP forward to host 2: a loopback client is seen as the gateway $E2E_GW" \
			"client got: $out" "server saw: $(cat "$seen")"
	fi
	out=$(ip netns exec "$E2E_F" "$PY" "$HS_TOOLS" hello udp "$E2E_HOST_ADDR" 18081 2>&1) || true
	if [[ $out == "peer=$E2E_FAR_ADDR" ]] && grep -q "^udp $E2E_FAR_ADDR\$" "$seen"; then
		e2e_pass "UDP forward to host 2: the far client's datagram arrives from $E2E_FAR_ADDR, the answer returns"
	else
		e2e_fail "UDP forward to host 2: the far client's datagram arrives from $E2E_FAR_ADDR, the answer returns" \
			"client got: $out" "server saw: $(cat "$seen")" "$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
	fi
}

e2e_require busybox ethtool || { e2e_summary; exit 1; }
e2e_setup || { e2e_summary; exit 1; }
e2e_afp_link "$MTU" off || { e2e_summary; exit 1; }
hs_topology || { e2e_summary; exit 1; }
e2e_start_sluice_afp "" --dhcp-host "02:00:00:16:00:03,${HS_ADDR[2]}" \
	-t "18080:${HS_ADDR[1]}/8080" -u "18081:${HS_ADDR[1]}/8081" || { e2e_summary; exit 1; }
for i in 0 1 2; do
	hs_dhcp "$i" || true
done
hs_uploads
hs_ctl_hosts
hs_forward
e2e_stop_sluice || true
e2e_summary
