# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/lib.sh: helpers sourced by the end-to-end tests (test_*.sh) and by
# usertools/sluice-demo.
#
# Topology (all of it private to this run; nothing leaves these namespaces):
#
#   slg-ID (guest)            slh-ID ("host" of sluice)          slf-ID (far host)
#   sltapID <== net_tap ==>  sluice, lo (127.0.0.1)
#                             slvhID 198.51.100.1/24 <== veth ==> slvfID 198.51.100.2/24
#
# sluice runs inside slh-ID, so its "host" loopback, sockets and sysctls are
# those of slh-ID only. The tap it creates there is moved into slg-ID by
# sluice itself (--netns, once its port is started: moving it by hand races
# with the port's set-up), where a stock DHCP client (busybox udhcpc)
# configures it. ID is the PID of the test
# script, so parallel runs do not collide.
#
# Main entry points:
#   e2e_setup                 create slh/slg/slf, the veth pair, resolv files
#   e2e_start_sluice ARGS...  start sluice in slh (app options after "--")
#                             with --netns slg, wait for the tap up in slg
#   e2e_afp_link [MTU] [on|off]   instead of the tap: a veth pair for a
#                             net_af_packet port ($E2E_AFP in slh, its peer in
#                             slg named like the tap; guest offloads on/off)
#   e2e_start_sluice_afp DEVARGS ARGS...  e2e_start_sluice on that veth
#   e2e_dhcp [ARGS...]        run udhcpc once in slg and check the lease
#   e2e_dhcp_renew            udhcpc in the background, SIGUSR1: a real renewal
#   e2e_dnsmasq PORT [ARGS...]  dnsmasq on slh's 127.0.0.1:PORT
#   e2e_echo_servers UDP TCP  UDP/TCP echo servers on slh's loopback and slf
#   e2e_ping NS ADDR [N]      ping from a namespace, all N echoes answered
#   e2e_bg NS LOG CMD...      a background process in NS, killed at cleanup
#   e2e_tools ...             $E2E_TOOLS: DNS query, UDP/TCP echo server/client
#   e2e_stop_sluice           SIGTERM sluice, wait, check exit status 0
#   e2e_cleanup               (trap on EXIT/INT/TERM) undo all of the above
#   e2e_pass / e2e_fail / e2e_check / e2e_summary   PASS/FAIL accounting
#
# Environment: BUILD (build dir, default <repo>/build), SLUICE (binary,
# default $BUILD/app/sluice), E2E_KEEP=1 keeps the temp dir, E2E_VERBOSE=1
# shows more, E2E_LCORES (-l value; default "0,1", or
# 2 lcores on CPU 0 when there is one CPU), E2E_PYTHON,
# E2E_LOG_LEVEL (EAL --log-level value, default "user1:info": DPDK 22.11
# wants TYPE:LEVEL; "user1.info" is rejected with "Invalid log level").

E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_SRC=$(cd "$E2E_LIB_DIR/../.." && pwd)
BUILD=${BUILD:-$E2E_SRC/build}
SLUICE=${SLUICE:-$BUILD/app/sluice}

E2E_ID=$$
E2E_H=slh-$E2E_ID		# sluice's host namespace
E2E_G=slg-$E2E_ID		# guest namespace
E2E_F=slf-$E2E_ID		# far host namespace
E2E_TAP=sltap$E2E_ID		# tap created by net_tap (<= 15 chars)
E2E_AFP=slafp$E2E_ID		# sluice's end of the net_af_packet veth (in slh)
E2E_VH=slvh$E2E_ID		# veth end in slh
E2E_VF=slvf$E2E_ID		# veth end in slf
E2E_HOST_ADDR=198.51.100.1		# slh's address on the veth (TEST-NET-2)
E2E_FAR_ADDR=198.51.100.2		# slf's address on the veth
E2E_GW=10.0.2.2
E2E_GUEST=10.0.2.15
E2E_PREFIX=24
E2E_DNS=10.0.2.3

E2E_PASSED=0
E2E_FAILED=0
E2E_PIDS=()			# background processes we started, not yet reaped
E2E_NS=()			# namespaces we created
E2E_ETC_NETNS_MADE=0		# we created /etc/netns
E2E_SLUICE_PID=
E2E_SLUICE_LOG=
E2E_SLUICE_N=0
E2E_SLUICE_PREFIXES=()
E2E_CLEANED=0

# EAL lcore options: sluice needs a main and at least one worker lcore; on a
# single CPU both run on CPU 0. E2E_LCORES="0,1" style overrides with -l.
if [[ -n ${E2E_LCORES:-} ]]; then
	E2E_LCORE_ARGS=(-l "$E2E_LCORES")
elif (($(nproc) >= 2)); then
	E2E_LCORE_ARGS=(-l "0,1")
else
	E2E_LCORE_ARGS=(--lcores "0@0,1@0")
fi

E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sluice-e2e.$E2E_ID.XXXXXX")
E2E_UDHCPC_SCRIPT=$E2E_DIR/udhcpc.script
E2E_UDHCPC_EVENTS=$E2E_DIR/udhcpc.events
E2E_TOOLS=$E2E_DIR/e2e_tools.py

# ---------------------------------------------------------------- output

e2e_info() { printf '# %s\n' "$*"; }

e2e_pass() {
	E2E_PASSED=$((E2E_PASSED + 1))
	printf 'PASS: %s\n' "$*"
}

# e2e_fail DESC [DETAIL...]: count a failure; details are indented.
e2e_fail() {
	local desc=$1
	shift
	E2E_FAILED=$((E2E_FAILED + 1))
	printf 'FAIL: %s\n' "$desc"
	local d
	for d in "$@"; do
		printf '%s\n' "$d" | sed 's/^/    | /'
	done
}

# e2e_check DESC CMD...: PASS when CMD exits 0, FAIL with its output if not.
e2e_check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if ((rc == 0)); then
		e2e_pass "$desc"
		[[ -n ${E2E_VERBOSE:-} && -n $out ]] && printf '%s\n' "$out" | sed 's/^/    . /'
		return 0
	fi
	e2e_fail "$desc" "command: $* (exit $rc)" "$out"
	return 1
}

# e2e_summary: the closing line; return status 1 when anything failed.
e2e_summary() {
	E2E_SUMMARY_DONE=1
	printf '%d passed, %d failed\n' "$E2E_PASSED" "$E2E_FAILED"
	((E2E_FAILED == 0))
}

# e2e_log_tail FILE [N]: last N lines of FILE, indented (for FAIL details).
e2e_log_tail() {
	local n=${2:-40}
	if [[ -s $1 ]]; then
		printf -- '--- last %d lines of %s ---\n' "$n" "$1"
		tail -n "$n" "$1"
	else
		printf -- '--- %s is empty ---\n' "$1"
	fi
}

# ---------------------------------------------------------------- processes

# E2E_PYTHON: a python3 that has scapy when possible (Debian's python3-scapy
# is for /usr/bin/python3; a pyenv shim earlier in PATH may lack it).
if [[ -z ${E2E_PYTHON:-} ]]; then
	for e2e_p in /usr/bin/python3 python3; do
		if command -v "$e2e_p" >/dev/null 2>&1 &&
			"$e2e_p" -c 'import scapy' >/dev/null 2>&1; then
			E2E_PYTHON=$(command -v "$e2e_p")
			break
		fi
	done
	unset e2e_p
	E2E_PYTHON=${E2E_PYTHON:-$(command -v python3 || echo python3)}
fi

# e2e_track_pid PID: remember a background process of ours for cleanup.
e2e_track_pid() { E2E_PIDS+=("$1"); }

# e2e_untrack_pid PID: forget PID (after it was reaped with wait).
e2e_untrack_pid() {
	local p keep=()
	for p in "${E2E_PIDS[@]}"; do
		[[ $p == "$1" ]] || keep+=("$p")
	done
	E2E_PIDS=("${keep[@]}")
}

# e2e_kill_pid PID [SIG]: signal one of our processes, wait up to 5 s for
# it, then SIGKILL it. Sets E2E_KILL_STATUS to its exit status.
e2e_kill_pid() {
	local pid=$1 sig=${2:-TERM} i
	E2E_KILL_STATUS=
	if kill -0 "$pid" 2>/dev/null; then
		kill "-$sig" "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			# a zombie child still answers kill -0: check its state
			[[ $(ps -o stat= -p "$pid" 2>/dev/null) == Z* ]] && break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null &&
			[[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	E2E_KILL_STATUS=0
	wait "$pid" 2>/dev/null || E2E_KILL_STATUS=$?
	e2e_untrack_pid "$pid"
}

# e2e_bg NS LOG CMD...: start CMD in namespace NS in the background, output
# to LOG; its PID is in E2E_BG_PID. Call directly, never inside $(...).
e2e_bg() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
	E2E_BG_PID=$!
	e2e_track_pid "$E2E_BG_PID"
}

# e2e_wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
e2e_wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
}

# ---------------------------------------------------------------- cleanup

e2e_cleanup() {
	((E2E_CLEANED == 0)) || return 0
	E2E_CLEANED=1
	set +e
	local i pid ns
	# our processes, newest first
	for ((i = ${#E2E_PIDS[@]} - 1; i >= 0; i--)); do
		pid=${E2E_PIDS[i]}
		e2e_kill_pid "$pid" TERM
	done
	for ((i = ${#E2E_NS[@]} - 1; i >= 0; i--)); do
		ns=${E2E_NS[i]}
		ip netns pids "$ns" 2>/dev/null | while read -r pid; do
			printf '# warning: pid %s still in %s\n' "$pid" "$ns" >&2
		done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "/etc/netns/$E2E_G" "/etc/netns/$E2E_H"
	if ((E2E_ETC_NETNS_MADE)); then
		rmdir /etc/netns 2>/dev/null
	fi
	for pid in "${E2E_SLUICE_PREFIXES[@]}"; do
		rm -rf "/var/run/dpdk/$pid"
	done
	rmdir /var/run/dpdk 2>/dev/null
	if [[ -n ${E2E_KEEP:-} ]]; then
		printf '# kept %s\n' "$E2E_DIR"
	else
		rm -rf "$E2E_DIR"
	fi
	set -e
	return 0
}

# E2E_SUMMARY_DONE: set by e2e_summary; a script that dies before printing
# its summary (set -e) gets a FAIL line and the summary from the EXIT trap.
E2E_SUMMARY_DONE=0

e2e_on_exit() {
	local rc=$?
	if ((E2E_SUMMARY_DONE == 0)); then
		e2e_fail "test script ran to the end" "it stopped early with status $rc"
		e2e_summary || true
		((rc != 0)) || rc=1
	fi
	e2e_cleanup
	exit "$rc"
}

e2e_on_signal() {
	trap - EXIT
	e2e_cleanup
	e2e_fail "test run interrupted by a signal"
	e2e_summary || true
	exit "$1"
}

trap e2e_on_exit EXIT
trap 'e2e_on_signal 130' INT
trap 'e2e_on_signal 143' TERM

# ---------------------------------------------------------------- files

# The udhcpc event script: applies address, router, DNS and MTU with `ip`,
# writes the guest's resolv.conf to $SLUICE_E2E_RESOLV and logs every event
# with its variables to $SLUICE_E2E_EVENTS.
cat >"$E2E_UDHCPC_SCRIPT" <<'EOF'
#!/bin/sh
# udhcpc event script for the sluice e2e tests (generated by test/e2e/lib.sh)
ev=$1
echo "event=$ev interface=$interface ip=$ip mask=$mask subnet=$subnet" \
	"router=$router dns=$dns domain=$domain mtu=$mtu serverid=$serverid" \
	"lease=$lease message=$message" >>"${SLUICE_E2E_EVENTS:-/dev/null}"
case "$ev" in
deconfig)
	ip -4 addr flush dev "$interface"
	ip link set dev "$interface" up
	;;
bound | renew)
	if [ -n "$mtu" ]; then
		ip link set dev "$interface" mtu "$mtu" || exit 1
	fi
	if [ -z "$mask" ]; then mask=32; fi
	if ! ip -4 addr show dev "$interface" | grep -q "inet $ip/$mask "; then
		ip -4 addr flush dev "$interface"
		ip -4 addr add "$ip/$mask" dev "$interface" || exit 1
	fi
	if [ -n "$router" ]; then
		ip -4 route del default dev "$interface" 2>/dev/null
		for r in $router; do
			ip -4 route add default via "$r" dev "$interface" || exit 1
			break
		done
	fi
	if [ -n "$SLUICE_E2E_RESOLV" ]; then
		{
			if [ -n "$domain" ]; then echo "search $domain"; fi
			for d in $dns; do echo "nameserver $d"; done
		} >"$SLUICE_E2E_RESOLV"
	fi
	;;
esac
exit 0
EOF
chmod 0755 "$E2E_UDHCPC_SCRIPT"

# Small network tools, run inside namespaces: a DNS A query, UDP and TCP
# echo servers and clients (stdlib only).
cat >"$E2E_TOOLS" <<'EOF'
"""e2e_tools.py: DNS query and UDP/TCP echo (generated by test/e2e/lib.sh)."""
import os
import random
import socket
import struct
import sys


def dns_query(server, name, port=53, timeout=3.0, tries=3):
    qid = random.randrange(65536)
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack("!HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    for _ in range(tries):
        s.sendto(q, (server, port))
        try:
            while True:
                r, src = s.recvfrom(4096)
                if len(r) >= 12 and struct.unpack("!H", r[:2])[0] == qid:
                    break
        except socket.timeout:
            continue
        break
    else:
        print("no answer from %s:%d" % (server, port))
        return 1
    _, flags, qd, an, _, _ = struct.unpack("!HHHHHH", r[:12])
    print("answer from %s:%d rcode=%d answers=%d" % (src[0], src[1], flags & 15, an))
    off = 12
    for _ in range(qd):
        while r[off] != 0:
            if r[off] >= 0xC0:
                off += 1
                break
            off += r[off] + 1
        off += 5
    for _ in range(an):
        if r[off] >= 0xC0:
            off += 2
        else:
            while r[off] != 0:
                off += r[off] + 1
            off += 1
        typ, cls, _, rdlen = struct.unpack("!HHIH", r[off:off + 10])
        off += 10
        if typ == 1 and cls == 1 and rdlen == 4:
            print("A " + socket.inet_ntoa(r[off:off + 4]))
        off += rdlen
    return 0 if flags & 15 == 0 else 1


def udp_echo_server(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    print("udp echo on %s:%d" % (addr, port), flush=True)
    while True:
        d, src = s.recvfrom(65535)
        s.sendto(d, src)


def udp_echo_client(host, port, size, timeout=2.0, tries=5):
    data = os.urandom(size)
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                      socket.SOCK_DGRAM)
    s.settimeout(timeout)
    for _ in range(tries):
        s.sendto(data, (host, port))
        try:
            r, src = s.recvfrom(65535)
        except socket.timeout:
            continue
        if r == data:
            print("%d bytes echoed by %s:%d" % (len(r), src[0], src[1]))
            return 0
        print("reply differs: sent %d bytes, got %d" % (len(data), len(r)))
        return 1
    print("no reply from %s:%d" % (host, port))
    return 1


def tcp_echo_server(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    print("tcp echo on %s:%d" % (addr, port), flush=True)
    while True:
        c, _ = s.accept()
        if os.fork() == 0:
            s.close()
            while True:
                d = c.recv(65536)
                if not d:
                    break
                c.sendall(d)
            os._exit(0)
        c.close()
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass


def tcp_echo_client(host, port, size, timeout=10.0):
    data = os.urandom(size)
    s = socket.create_connection((host, port), timeout=timeout)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
    s.close()
    if got == data:
        print("%d bytes echoed over TCP by %s:%d" % (len(got), host, port))
        return 0
    print("TCP echo differs: sent %d bytes, got %d" % (len(data), len(got)))
    return 1


def main(argv):
    cmd = argv[1]
    if cmd == "dns":
        port = int(argv[4]) if len(argv) > 4 else 53
        return dns_query(argv[2], argv[3], port)
    if cmd == "udp-echo-server":
        return udp_echo_server(argv[2], int(argv[3]))
    if cmd == "udp-echo":
        return udp_echo_client(argv[2], int(argv[3]), int(argv[4]))
    if cmd == "tcp-echo-server":
        return tcp_echo_server(argv[2], int(argv[3]))
    if cmd == "tcp-echo":
        return tcp_echo_client(argv[2], int(argv[3]), int(argv[4]))
    print("unknown command " + cmd)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
EOF

# ---------------------------------------------------------------- topology

# e2e_require CMD...: fail the test run early when a tool is missing.
e2e_require() {
	local c missing=()
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	if ((${#missing[@]})); then
		e2e_fail "required tools present" "missing: ${missing[*]} (run usertools/sluice-setup)"
		return 1
	fi
}

# e2e_setup: namespaces slh/slg/slf, the veth pair slh <-> slf, a private
# resolv.conf for slg (filled by udhcpc) and slh (127.0.0.1, so sluice's
# default DNS forwarder is slh's own loopback), ping_group_range in slh.
e2e_setup() {
	if [[ $(id -u) != 0 ]]; then
		e2e_fail "running as root" "the e2e tests need root (network namespaces)"
		return 1
	fi
	local ns
	for ns in "$E2E_H" "$E2E_G" "$E2E_F"; do
		ip netns add "$ns" || { e2e_fail "create namespace $ns"; return 1; }
		E2E_NS+=("$ns")
		ip -n "$ns" link set lo up
	done
	ip link add "$E2E_VH" netns "$E2E_H" type veth peer name "$E2E_VF" netns "$E2E_F" ||
		{ e2e_fail "create veth pair"; return 1; }
	ip -n "$E2E_H" addr add "$E2E_HOST_ADDR/24" dev "$E2E_VH"
	ip -n "$E2E_F" addr add "$E2E_FAR_ADDR/24" dev "$E2E_VF"
	ip -n "$E2E_H" link set "$E2E_VH" up
	ip -n "$E2E_F" link set "$E2E_VF" up
	# ICMP echo relaying uses unprivileged ICMP sockets: allow them, in slh only
	ip netns exec "$E2E_H" sysctl -q -w net.ipv4.ping_group_range="0 2147483647"
	if [[ ! -d /etc/netns ]]; then
		mkdir -p /etc/netns
		E2E_ETC_NETNS_MADE=1
	fi
	mkdir -p "/etc/netns/$E2E_G" "/etc/netns/$E2E_H"
	: >"/etc/netns/$E2E_G/resolv.conf"
	printf 'nameserver 127.0.0.1\n' >"/etc/netns/$E2E_H/resolv.conf"
	E2E_GUEST_RESOLV=/etc/netns/$E2E_G/resolv.conf
	return 0
}

# ---------------------------------------------------------------- sluice

# e2e_sluice_alive: is the sluice we started still running?
e2e_sluice_alive() {
	[[ -n $E2E_SLUICE_PID ]] && kill -0 "$E2E_SLUICE_PID" 2>/dev/null &&
		[[ $(ps -o stat= -p "$E2E_SLUICE_PID" 2>/dev/null) != Z* ]]
}

# e2e_tap_up_in NS [IFACE]: the tap (or IFACE) exists in NS and has IFF_UP.
e2e_tap_up_in() {
	ip -n "$1" -o link show dev "${2:-$E2E_TAP}" 2>/dev/null | grep -q '[<,]UP[,>]'
}

# e2e_start_sluice [APP OPTIONS...]: start sluice in slh with our EAL
# options and --netns slg (sluice moves its tap into slg and brings it up
# there once the port is started), wait until the tap is up in slg and
# sluice printed "sluice: ready" (E2E_READY_PATTERN). On failure prints the
# log and returns 1. Set E2E_EAL_EXTRA (array)
# for more EAL options, E2E_MEM for EAL -m (default 512). With E2E_PORT_VDEV
# set (e2e_start_sluice_afp does), that --vdev replaces the tap: sluice's
# interface $E2E_AFP is already up in slh and the guest's end already in slg.
e2e_start_sluice() {
	if [[ ! -x $SLUICE ]]; then
		e2e_fail "sluice binary present" "not found or not executable: $SLUICE"
		return 1
	fi
	E2E_SLUICE_N=$((E2E_SLUICE_N + 1))
	local prefix=sle2e-$E2E_ID-$E2E_SLUICE_N
	E2E_SLUICE_PREFIXES+=("$prefix")
	E2E_SLUICE_LOG=$E2E_DIR/sluice-$E2E_SLUICE_N.log
	local port_if=$E2E_TAP port_ns=$E2E_G
	local -a app=(--netns "$E2E_G")
	if [[ -n ${E2E_PORT_VDEV:-} ]]; then
		port_if=$E2E_AFP port_ns=$E2E_H app=()
	fi
	local -a eal=(--no-pci --no-huge -m "${E2E_MEM:-512}" --file-prefix "$prefix"
		"${E2E_LCORE_ARGS[@]}" --vdev "${E2E_PORT_VDEV:-net_tap0,iface=$E2E_TAP}"
		"--log-level=${E2E_LOG_LEVEL:-user1:info}")
	if [[ -n ${E2E_EAL_EXTRA+x} ]]; then
		eal+=("${E2E_EAL_EXTRA[@]}")
	fi
	e2e_info "starting: $SLUICE ${eal[*]} -- ${app[*]} $*"
	e2e_bg "$E2E_H" "$E2E_SLUICE_LOG" "$SLUICE" "${eal[@]}" -- "${app[@]}" "$@"
	E2E_SLUICE_PID=$E2E_BG_PID
	local deadline=$((SECONDS + ${E2E_START_TIMEOUT:-30}))
	local ready=${E2E_READY_PATTERN-^sluice: ready}
	while ! e2e_tap_up_in "$port_ns" "$port_if" ||
		{ [[ -n $ready ]] && ! grep -q "$ready" "$E2E_SLUICE_LOG"; }; do
		if ! e2e_sluice_alive; then
			e2e_kill_pid "$E2E_SLUICE_PID"
			e2e_fail "sluice starts" "sluice exited with status $E2E_KILL_STATUS before its tap came up" \
				"$(e2e_log_tail "$E2E_SLUICE_LOG")"
			E2E_SLUICE_PID=
			return 1
		fi
		if ((SECONDS >= deadline)); then
			e2e_fail "sluice starts" "$port_if not up in $port_ns or no '$ready' line after ${E2E_START_TIMEOUT:-30} s" \
				"$(e2e_log_tail "$E2E_SLUICE_LOG")"
			return 1
		fi
		sleep 0.1
	done
	# net_tap configures the interface by name (MTU, flags, MAC) while the
	# port starts: sluice prints "sluice: ready" once its ports are set up;
	# without that line (E2E_READY_PATTERN=) a pause stands in for it
	if [[ -n $ready ]]; then
		sleep "${E2E_SETTLE:-0.2}"
	else
		sleep "${E2E_SETTLE:-1}"
	fi
	if ! e2e_sluice_alive; then
		e2e_kill_pid "$E2E_SLUICE_PID"
		e2e_fail "sluice starts" "sluice exited with status $E2E_KILL_STATUS after starting its port" \
			"$(e2e_log_tail "$E2E_SLUICE_LOG")"
		E2E_SLUICE_PID=
		return 1
	fi
	if [[ -n ${E2E_PORT_VDEV:-} ]]; then
		e2e_info "sluice pid $E2E_SLUICE_PID on $E2E_AFP, guest end $E2E_TAP in $E2E_G"
		return 0
	fi
	e2e_info "sluice pid $E2E_SLUICE_PID, tap $E2E_TAP moved into $E2E_G by sluice (--netns)"
	return 0
}

# e2e_afp_link [SLUICE_MTU] [GUEST_OFFLOADS]: a fresh veth pair for a
# net_af_packet port (an older one is removed first): $E2E_AFP in slh, MTU
# SLUICE_MTU (default 65520; sluice offers the guest no more than this), and
# its peer in slg named $E2E_TAP, so that the guest helpers (e2e_dhcp, ...)
# work unchanged; its MTU comes from DHCP. GUEST_OFFLOADS off (the default)
# turns off tx checksumming, TSO, GSO and GRO on the guest's end: with them
# on, the guest hands the veth GSO frames larger than its MTU with partial
# checksums, which an AF_PACKET socket (no PACKET_VNET_HDR in the 22.11 PMD)
# receives as they are; "on" leaves the kernel's defaults.
e2e_afp_link() {
	local mtu=${1:-65520} offloads=${2:-off}
	ip -n "$E2E_H" link del "$E2E_AFP" 2>/dev/null || true
	if ! ip link add "$E2E_AFP" netns "$E2E_H" type veth peer name "$E2E_TAP" netns "$E2E_G" ||
		! ip -n "$E2E_H" link set "$E2E_AFP" mtu "$mtu" up ||
		! ip -n "$E2E_G" link set "$E2E_TAP" up; then
		e2e_fail "veth pair $E2E_AFP (slh, MTU $mtu) <-> $E2E_TAP (slg)"
		return 1
	fi
	if [[ $offloads == off ]] &&
		! ip netns exec "$E2E_G" ethtool -K "$E2E_TAP" tx off tso off gso off gro off >/dev/null; then
		e2e_fail "guest veth offloads off (ethtool -K $E2E_TAP tx off tso off gso off gro off)"
		return 1
	fi
	return 0
}

# e2e_start_sluice_afp DEVARGS [APP OPTIONS...]: e2e_start_sluice with
# --vdev net_af_packet0,iface=$E2E_AFP,DEVARGS instead of the tap (make the
# link with e2e_afp_link first). EAL -m: E2E_MEM, default 1024 here.
e2e_start_sluice_afp() {
	local devargs=$1
	shift
	E2E_PORT_VDEV="net_af_packet0,iface=$E2E_AFP${devargs:+,$devargs}" \
		E2E_MEM=${E2E_MEM:-1024} e2e_start_sluice "$@"
}

# e2e_stop_sluice [EXPECTED_STATUS]: SIGTERM sluice by PID, wait for it and
# check its exit status (default 0). Its log stays in $E2E_SLUICE_LOG.
e2e_stop_sluice() {
	local want=${1:-0}
	if [[ -z $E2E_SLUICE_PID ]]; then
		e2e_fail "sluice stops on SIGTERM with status $want" "sluice is not running"
		return 1
	fi
	local pid=$E2E_SLUICE_PID
	E2E_SLUICE_PID=
	if ! kill -0 "$pid" 2>/dev/null || [[ $(ps -o stat= -p "$pid" 2>/dev/null) == Z* ]]; then
		e2e_kill_pid "$pid"
		e2e_fail "sluice stops on SIGTERM with status $want" \
			"sluice had already exited (status $E2E_KILL_STATUS)" "$(e2e_log_tail "$E2E_SLUICE_LOG")"
		return 1
	fi
	kill -TERM "$pid"
	local deadline=$((SECONDS + 10))
	while kill -0 "$pid" 2>/dev/null &&
		[[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]]; do
		if ((SECONDS >= deadline)); then
			kill -KILL "$pid" 2>/dev/null || true
			e2e_kill_pid "$pid"
			e2e_fail "sluice stops on SIGTERM with status $want" \
				"still running 10 s after SIGTERM (killed)" "$(e2e_log_tail "$E2E_SLUICE_LOG")"
			return 1
		fi
		sleep 0.1
	done
	local rc=0
	wait "$pid" || rc=$?
	e2e_untrack_pid "$pid"
	if ((rc == want)); then
		e2e_pass "sluice stops on SIGTERM with status $want"
		return 0
	fi
	e2e_fail "sluice stops on SIGTERM with status $want" "exit status $rc" \
		"$(e2e_log_tail "$E2E_SLUICE_LOG")"
	return 1
}

# e2e_dnsmasq PORT [ARGS...]: dnsmasq in slh answering on 127.0.0.1:PORT
# (no upstream, no hosts file; ARGS add records), log $E2E_DIR/dnsmasq.log
e2e_dnsmasq() {
	local port=$1
	shift
	e2e_bg "$E2E_H" "$E2E_DIR/dnsmasq.log" dnsmasq --no-daemon --no-resolv \
		--no-hosts --port "$port" --listen-address 127.0.0.1 \
		--bind-interfaces --pid-file= --log-facility=- --log-queries "$@"
}

# e2e_echo_servers UDP_PORT TCP_PORT: UDP and TCP echo servers (e2e_tools)
# on slh's 127.0.0.1 and on the far host, logs {udp,tcp}-echo-{host,far}.log
e2e_echo_servers() {
	local p kind
	for kind in udp tcp; do
		p=$1
		[[ $kind == tcp ]] && p=$2
		e2e_bg "$E2E_H" "$E2E_DIR/$kind-echo-host.log" "$E2E_PYTHON" \
			"$E2E_TOOLS" "$kind-echo-server" 127.0.0.1 "$p"
		e2e_bg "$E2E_F" "$E2E_DIR/$kind-echo-far.log" "$E2E_PYTHON" \
			"$E2E_TOOLS" "$kind-echo-server" "$E2E_FAR_ADDR" "$p"
	done
}

# ---------------------------------------------------------------- guest

# e2e_in_guest CMD...: run CMD in slg (with slg's resolv.conf).
e2e_in_guest() { ip netns exec "$E2E_G" "$@"; }

# e2e_ping NS ADDR [COUNT]: ping from NS; succeeds when all COUNT echoes are
# answered. Uses iputils ping when installed, busybox ping otherwise.
e2e_ping() {
	local ns=$1 addr=$2 count=${3:-3} out rc=0
	if command -v ping >/dev/null 2>&1; then
		out=$(ip netns exec "$ns" ping -n -c "$count" -i 0.2 -W 2 "$addr" 2>&1) || rc=$?
	else
		out=$(ip netns exec "$ns" busybox ping -c "$count" -W 2 "$addr" 2>&1) || rc=$?
	fi
	printf '%s\n' "$out"
	((rc == 0)) || return 1
	grep -Eq "$count packets transmitted, $count (packets )?received" <<<"$out"
}

# e2e_udhcpc [ARGS...]: run busybox udhcpc once in slg on the tap with our
# script (no -q/-n added: pass them). Events go to $E2E_UDHCPC_EVENTS.
e2e_udhcpc() {
	SLUICE_E2E_EVENTS=$E2E_UDHCPC_EVENTS SLUICE_E2E_RESOLV=${E2E_GUEST_RESOLV:-} \
		ip netns exec "$E2E_G" busybox udhcpc -i "$E2E_TAP" -s "$E2E_UDHCPC_SCRIPT" "$@"
}

# e2e_guest_has_lease: the tap in slg has 10.0.2.15/24 and the default route
# goes via 10.0.2.2 over it.
e2e_guest_has_lease() {
	ip -n "$E2E_G" -4 -o addr show dev "$E2E_TAP" | grep -q "inet $E2E_GUEST/$E2E_PREFIX " &&
		ip -n "$E2E_G" -4 route show default | grep -q "via $E2E_GW dev $E2E_TAP"
}

# e2e_dhcp [UDHCPC ARGS...]: get a lease with udhcpc (-n -q -f: fail when
# none is offered, exit once bound; -O mtu: ask for the MTU option) and check
# address and default route.
e2e_dhcp() {
	local out rc=0
	out=$(timeout 40 env SLUICE_E2E_EVENTS="$E2E_UDHCPC_EVENTS" \
		SLUICE_E2E_RESOLV="${E2E_GUEST_RESOLV:-}" \
		ip netns exec "$E2E_G" busybox udhcpc -i "$E2E_TAP" -n -q -f \
		-t 5 -T 2 -O mtu -s "$E2E_UDHCPC_SCRIPT" "$@" 2>&1) || rc=$?
	if ((rc != 0)); then
		e2e_fail "DHCP: udhcpc gets a lease" "udhcpc exit status $rc" "$out" \
			"$(e2e_log_tail "$E2E_UDHCPC_EVENTS" 10)" "$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
		return 1
	fi
	e2e_pass "DHCP: udhcpc gets a lease"
	if e2e_guest_has_lease; then
		e2e_pass "DHCP: guest has $E2E_GUEST/$E2E_PREFIX and default route via $E2E_GW"
		return 0
	fi
	e2e_fail "DHCP: guest has $E2E_GUEST/$E2E_PREFIX and default route via $E2E_GW" \
		"$(ip -n "$E2E_G" -4 addr show dev "$E2E_TAP")" "$(ip -n "$E2E_G" -4 route)" \
		"$(tail -n 5 "$E2E_UDHCPC_EVENTS")"
	return 1
}

# e2e_count_events EVENT: how many udhcpc events of that kind so far.
e2e_count_events() {
	grep -c "^event=$1 " "$E2E_UDHCPC_EVENTS" 2>/dev/null || true
}

# e2e_events_above EVENT N: more than N udhcpc events of that kind so far.
e2e_events_above() { (($(e2e_count_events "$1") > $2)); }

# e2e_dhcp_renew: a real DHCP renewal. Runs udhcpc in the background
# (foreground mode, no -q) until it is bound, then SIGUSR1 makes it renew:
# a unicast DHCPREQUEST to the server, answered by a DHCPACK ("renew" event).
# The lease must still be 10.0.2.15/24 via 10.0.2.2 afterwards.
e2e_dhcp_renew() {
	local bound0 renew0 pid log=$E2E_DIR/udhcpc-renew.log
	bound0=$(e2e_count_events bound)
	renew0=$(e2e_count_events renew)
	e2e_bg "$E2E_G" "$log" env SLUICE_E2E_EVENTS="$E2E_UDHCPC_EVENTS" \
		SLUICE_E2E_RESOLV="${E2E_GUEST_RESOLV:-}" busybox udhcpc -f -i "$E2E_TAP" -t 5 -T 2 -A 3 \
		-O mtu -r "$E2E_GUEST" -s "$E2E_UDHCPC_SCRIPT"
	pid=$E2E_BG_PID
	if ! e2e_wait_for 30 e2e_events_above bound "$bound0"; then
		e2e_kill_pid "$pid"
		e2e_fail "DHCP renew: udhcpc bound again" "$(cat "$log")" \
			"$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
		return 1
	fi
	kill -USR1 "$pid"
	if ! e2e_wait_for 20 e2e_events_above renew "$renew0"; then
		e2e_kill_pid "$pid"
		e2e_fail "DHCP renew: DHCPREQUEST (renewing) answered with DHCPACK" "$(cat "$log")" \
			"$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
		return 1
	fi
	e2e_kill_pid "$pid"
	if e2e_guest_has_lease; then
		e2e_pass "DHCP renew: DHCPREQUEST (renewing) answered with DHCPACK"
		return 0
	fi
	e2e_fail "DHCP renew: DHCPREQUEST (renewing) answered with DHCPACK" \
		"lease changed after renew" "$(ip -n "$E2E_G" -4 addr show dev "$E2E_TAP")" \
		"$(tail -n 3 "$E2E_UDHCPC_EVENTS")"
	return 1
}

# e2e_last_event KEY: value of KEY in the last udhcpc "bound" or "renew" event.
e2e_last_event() {
	grep -E '^event=(bound|renew) ' "$E2E_UDHCPC_EVENTS" 2>/dev/null | tail -n 1 |
		tr ' ' '\n' | sed -n "s/^$1=//p"
}

# e2e_tools ARGS...: run the python helper (caller picks the namespace).
e2e_tools() { "$E2E_PYTHON" "$E2E_TOOLS" "$@"; }

# e2e_worker_stat PREFIX WORKER NAME: counter NAME of one worker of the
# sluice running with --file-prefix PREFIX (/sluice/stats,WORKER; 0 when
# absent).
e2e_worker_stat() {
	"$E2E_PYTHON" "$E2E_SRC/usertools/sluice-ctl" -f "$1" -j stats "$2" | "$E2E_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
c = d.get("counters", d)
print(int(c.get(sys.argv[1], 0)))' "$3"
}
