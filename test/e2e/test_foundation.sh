#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_foundation.sh: the foundation end-to-end test. Runs the real
# sluice binary against a Linux network namespace as the guest (see lib.sh for
# the topology) and checks, each as a PASS/FAIL line:
#   - command line: an unknown option and bad values exit 2 with one line on
#     stderr naming the option; --help and --version exit 0
#   - DHCP with busybox udhcpc: 10.0.2.15/24, default route via 10.0.2.2,
#     DNS server 10.0.2.3 and the MTU option (--mtu) applied
#   - ping 10.0.2.2 answered by sluice
#   - DNS: a query to 10.0.2.3 is forwarded to dnsmasq on slh's 127.0.0.1:5353
#   - UDP and TCP: echo through 10.0.2.2 (slh loopback) and to the far host
#     198.51.100.2
#   - ICMP: ping 198.51.100.2 relayed through an ICMP socket in slh
#   - malformed frames (garbage, truncated, bad checksums, fragments, bad
#     options...) sent with scapy; sluice keeps running and still answers
#     ping, DNS, UDP and a DHCP renewal
#   - SIGTERM: exit status 0 and a counter report
#   - --host-loopback off: 10.0.2.2 no longer reaches slh's loopback services
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_foundation.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MTU=1400			# a non-default MTU, so the DHCP option shows
DNS_PORT=5353
UDP_PORT=7777
TCP_PORT=7778

# ------------------------------------------------------------ command line

# cli_run NAME ARGS...: run sluice with small EAL options (no port) and the
# app options ARGS; sets CLI_RC, CLI_OUT, CLI_ERR (files).
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

# app_lines FILE: lines of FILE that are not DPDK log lines ("EAL: ...",
# "TELEMETRY: ..."): what sluice itself printed.
app_lines() {
	grep -Ev '^[A-Z][A-Z0-9_]*: ' "$1" || true
}

# cli_expect_error NAME OPTION ARGS...: exit 2 and exactly one line of
# sluice's own on stderr, naming OPTION.
cli_expect_error() {
	local name=$1 opt=$2
	shift 2
	local desc="option error: sluice -- $* exits 2 with one line naming $opt"
	cli_run "$name" "$@"
	local lines n
	lines=$(app_lines "$CLI_ERR")
	n=$(grep -c . <<<"$lines" || true)
	if ((CLI_RC == 2 && n == 1)) && grep -qF -- "$opt" <<<"$lines"; then
		e2e_pass "$desc"
		[[ -n ${E2E_VERBOSE:-} ]] && printf '    . %s\n' "$lines"
		return 0
	fi
	e2e_fail "$desc" "exit status $CLI_RC, $n line(s) of its own on stderr:" \
		"$(cat "$CLI_ERR")" "stdout:" "$(head -n 20 "$CLI_OUT")"
}

test_cli() {
	if [[ ! -x $SLUICE ]]; then
		e2e_fail "sluice binary present" "not found or not executable: $SLUICE"
		return 1
	fi
	cli_expect_error unknown --no-such-option --no-such-option
	cli_expect_error badplen --prefix-len --prefix-len 99
	cli_expect_error badmtu --mtu --mtu lots
	cli_expect_error badgw --gateway --gateway 10.0.2.300
	cli_expect_error badlb --host-loopback --host-loopback maybe
	cli_expect_error badfwd --dns-forward --dns-forward 127.0.0.1:99999
	cli_expect_error missing --gateway --gateway

	cli_run help --help
	if ((CLI_RC == 0)) && grep -q -- '--gateway' "$CLI_OUT" &&
		grep -q -- '--dns-forward' "$CLI_OUT"; then
		e2e_pass "sluice -- --help exits 0 and lists the options"
	else
		e2e_fail "sluice -- --help exits 0 and lists the options" \
			"exit status $CLI_RC" "$(head -n 20 "$CLI_OUT")" "$(cat "$CLI_ERR")"
	fi
	cli_run version --version
	if ((CLI_RC == 0)) && [[ -n $(app_lines "$CLI_OUT") ]]; then
		e2e_pass "sluice -- --version exits 0: $(app_lines "$CLI_OUT" | head -n 1)"
	else
		e2e_fail "sluice -- --version exits 0 and prints a version" \
			"exit status $CLI_RC" "$(cat "$CLI_OUT")" "$(cat "$CLI_ERR")"
	fi
}

# ------------------------------------------------------------ malformed frames

# Written to the temp dir and run inside slg: sends a fixed list of broken
# frames, then seeded random mutations of valid ones, on the tap.
MALFORMED_PY=$E2E_DIR/malformed.py
cat >"$MALFORMED_PY" <<'EOF'
"""Send malformed frames to sluice from the guest side of the tap."""
import random
import sys

from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, ICMP, IP, TCP, UDP,
                       Dot1Q, Ether, IPv6, Raw, conf, fragment, sendp)
from scapy.arch import get_if_hwaddr
from scapy.layers.inet import IPOption_RR

conf.verb = 0
iface, gw_mac, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
me = get_if_hwaddr(iface)
rnd = random.Random(seed)
G, GW, NS, FAR = "10.0.2.15", "10.0.2.2", "10.0.2.3", "198.51.100.2"


def junk(n):
    return bytes(rnd.getrandbits(8) for _ in range(n))


eth = Ether(src=me, dst=gw_mac)
bc = Ether(src=me, dst="ff:ff:ff:ff:ff:ff")
chaddr = bytes.fromhex(me.replace(":", "")) + b"\0" * 10
frames = []

# 1. raw garbage and runts
for n in (1, 2, 6, 12, 13, 14, 15, 20, 33, 42, 59, 60, 64, 200, 1000, 1514):
    frames.append(junk(n))
# 2. a valid Ethernet header with short or random payloads
for et in (0x0800, 0x0806, 0x86DD, 0x8100, 0x88A8, 0x0000, 0x05DC, 0xFFFF):
    for n in (0, 1, 7, 19, 20, 27, 28, 40, 100):
        frames.append(bytes(Ether(src=me, dst=gw_mac, type=et)) + junk(n))
        frames.append(bytes(Ether(src=me, dst="ff:ff:ff:ff:ff:ff", type=et)) + junk(n))

# 3. IPv4 header faults (echo requests to the gateway)
echo = ICMP(type=8, id=0x5151, seq=1) / Raw(b"sluice-e2e" * 4)
good_ip = bytes(IP(src=G, dst=GW) / echo)
b = bytearray(good_ip); b[0] = 0x65; frames.append(bytes(eth) + bytes(b))     # version 6
b = bytearray(good_ip); b[0] = 0x44; frames.append(bytes(eth) + bytes(b))     # ihl 4
frames.append(bytes(eth / IP(src=G, dst=GW, ihl=15) / echo)[:14 + 30])         # ihl 15, short
frames.append(bytes(eth / IP(src=G, dst=GW, ihl=15) / echo))                   # ihl past payload
frames.append(bytes(eth / IP(src=G, dst=GW, len=1400) / echo))                 # len > frame
frames.append(bytes(eth / IP(src=G, dst=GW, len=10) / echo))                   # len < header
frames.append(bytes(eth / IP(src=G, dst=GW, len=0) / echo))                    # len 0
frames.append(bytes(eth / IP(src=G, dst=GW, len=21) / echo))                   # 1 byte of l4
frames.append(bytes(eth / IP(src=G, dst=GW, chksum=0x1234) / echo))            # bad checksum
frames.append(bytes(eth / IP(src=G, dst=GW, ttl=0) / echo))
frames.append(bytes(eth / IP(src=G, dst=GW, options=[IPOption_RR()]) / echo))  # options
frames.append(bytes(eth / IP(src=G, dst=GW, options=Raw(b"\x07\x00\x00\x00")) / echo))
frames.append(bytes(eth / IP(src=G, dst=GW, options=Raw(b"\x44\xff\x05\x00")) / echo))
for src in ("0.0.0.0", "255.255.255.255", "224.0.0.1", "127.0.0.1", GW, "10.0.2.99"):
    frames.append(bytes(eth / IP(src=src, dst=GW) / echo))
for dst in ("127.0.0.1", "0.0.0.0", "10.0.2.255", "255.255.255.255", "224.0.0.251"):
    frames.append(bytes(eth / IP(src=G, dst=dst) / echo))
    frames.append(bytes(eth / IP(src=G, dst=dst) / UDP(sport=4000, dport=7777) / Raw(b"x")))
for proto in (0, 2, 47, 50, 132, 253, 255):
    frames.append(bytes(eth / IP(src=G, dst=GW, proto=proto) / Raw(junk(40))))

# 4. fragments: echo requests, UDP to the relay and to DNS, odd offsets
big = Raw(b"F" * 3000)
for pkt in (IP(src=G, dst=GW) / ICMP(type=8, id=7) / big,
            IP(src=G, dst=FAR) / ICMP(type=8, id=8) / big,
            IP(src=G, dst=GW) / UDP(sport=4001, dport=7777) / big,
            IP(src=G, dst=NS) / UDP(sport=4002, dport=53) / big):
    frags = fragment(pkt, fragsize=512)
    frames += [bytes(eth / f) for f in frags]
    frames += [bytes(eth / f) for f in reversed(frags)]
    frames.append(bytes(eth / frags[0]))                                  # first only
frames.append(bytes(eth / IP(src=G, dst=GW, flags="MF", frag=0) / echo))
frames.append(bytes(eth / IP(src=G, dst=GW, frag=8191) / echo))
frames.append(bytes(eth / IP(src=G, dst=GW, flags="MF", frag=8191) / Raw(junk(64))))
frames.append(bytes(eth / IP(src=G, dst=GW, flags="DF+MF", frag=1) / Raw(junk(8))))

# 5. UDP faults
for dport in (7777, 53, 67, 9):
    dst = NS if dport == 53 else GW
    frames.append(bytes(eth / IP(src=G, dst=dst) / UDP(sport=4003, dport=dport, chksum=0xBEEF) / Raw(b"bad-sum")))
    frames.append(bytes(eth / IP(src=G, dst=dst) / UDP(sport=4003, dport=dport, len=500) / Raw(b"long")))
    frames.append(bytes(eth / IP(src=G, dst=dst) / UDP(sport=4003, dport=dport, len=4) / Raw(b"short")))
    frames.append(bytes(eth / IP(src=G, dst=dst) / UDP(sport=4003, dport=dport, len=0)))
    frames.append(bytes(eth / IP(src=G, dst=dst, len=24) / UDP(sport=4003, dport=dport)))
frames.append(bytes(eth / IP(src=G, dst=GW) / UDP(sport=0, dport=0) / Raw(b"zero")))
frames.append(bytes(eth / IP(src=G, dst=FAR) / UDP(sport=4004, dport=7777, chksum=0x1) / Raw(b"far-bad")))

# 6. TCP faults (to the gateway and the far host)
for dst in (GW, FAR):
    frames.append(bytes(eth / IP(src=G, dst=dst) / TCP(sport=40000, dport=7778, flags="S", chksum=0x1234)))
    for off in (0, 1, 4, 15):
        frames.append(bytes(eth / IP(src=G, dst=dst) / TCP(sport=40001, dport=7778, flags="S", dataofs=off)))
    for opts in (b"\x02\x00\x05\xb4", b"\x02\x01", b"\x03\x03", b"\x03\x03\xff\x00",
                 b"\x05\x03\x00\x00", b"\x08\x0a" + b"\0" * 6, b"\xff\x28\x00\x00",
                 b"\x04\x00\x00\x00", b"\x02\x04\x00\x00", b"\x01" * 40, b"\x02"):
        opts = opts + b"\x00" * (-len(opts) % 4)
        t = TCP(sport=40002, dport=7778, flags="S", dataofs=5 + len(opts) // 4) / Raw(opts)
        t = TCP(bytes(IP(src=G, dst=dst) / t)[20:])
        frames.append(bytes(eth / IP(src=G, dst=dst) / Raw(bytes(t))))
    for flags in ("SF", "SR", "", "FSRPAUEC", "A", "R", "RA", "F", "PA", "U"):
        frames.append(bytes(eth / IP(src=G, dst=dst) / TCP(sport=40003, dport=7778, flags=flags, seq=1, ack=1) / Raw(b"data")))
    frames.append(bytes(eth / IP(src=G, dst=dst, len=30) / TCP(sport=40004, dport=7778, flags="S")))

# 7. ICMP faults
frames.append(bytes(eth / IP(src=G, dst=GW) / ICMP(type=8, chksum=0x1234) / Raw(b"bad")))
frames.append(bytes(eth / IP(src=G, dst=FAR) / ICMP(type=8, chksum=0x1234) / Raw(b"bad")))
frames.append(bytes(eth / IP(src=G, dst=GW, proto=1) / Raw(b"\x08\x00")))      # 2-byte ICMP
frames.append(bytes(eth / IP(src=G, dst=GW) / ICMP(type=8) ))
frames.append(bytes(eth / IP(src=G, dst=GW) / ICMP(type=8, id=9) / Raw(junk(1372))))
for t, c in ((0, 0), (3, 3), (3, 4), (5, 1), (11, 0), (13, 0), (17, 0), (42, 0), (255, 255)):
    frames.append(bytes(eth / IP(src=G, dst=GW) / ICMP(type=t, code=c) / Raw(junk(28))))
    frames.append(bytes(eth / IP(src=G, dst=FAR) / ICMP(type=t, code=c) / Raw(junk(28))))

# 8. ARP faults
arp = ARP(op=1, hwsrc=me, psrc=G, pdst=GW)
frames.append(bytes(bc / arp)[:14 + 20])
frames.append(bytes(bc / ARP(op=1, hwsrc=me, psrc=G, pdst=GW, hwlen=0)))
frames.append(bytes(bc / ARP(op=1, hwsrc=me, psrc=G, pdst=GW, plen=16)))
frames.append(bytes(bc / ARP(op=1, hwsrc=me, psrc=G, pdst=GW, hwtype=6)))
frames.append(bytes(bc / ARP(op=1, hwsrc=me, psrc=G, pdst=GW, ptype=0x86DD)))
frames.append(bytes(bc / ARP(op=99, hwsrc=me, psrc=G, pdst=GW)))
frames.append(bytes(bc / ARP(op=2, hwsrc=me, psrc=G, pdst=GW)))
frames.append(bytes(bc / ARP(op=1, hwsrc=me, psrc=G, pdst="10.0.2.200")))
frames.append(bytes(bc / ARP(op=1, hwsrc=me, psrc="0.0.0.0", pdst=GW)))

# 9. DHCP faults (our own chaddr: nothing here may change the lease)
bootp = BOOTP(op=1, chaddr=chaddr, xid=0x5E5E5E5E)
dh = bc / IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67)
frames.append(bytes(dh / bootp))                                          # no cookie
frames.append(bytes(dh / BOOTP(op=1, chaddr=chaddr, options=b"\x63\x82\x53\x63")))
frames.append(bytes(dh / bootp / DHCP(options=[("message-type", 99), "end"])))
frames.append(bytes(dh / bootp / DHCP(options=["end"])))
frames.append(bytes(dh / BOOTP(op=1, chaddr=chaddr, options=b"\x63\x82\x53\x63\x35\x01\x01\x37\xff\x01")))
frames.append(bytes(dh / BOOTP(op=1, chaddr=chaddr, options=b"\x63\x82\x53\x63\x35\x01\x01\x34\x01\x03\xff")))
frames.append(bytes(dh / BOOTP(op=1, chaddr=chaddr, options=b"\x63\x82\x53\x63\x35\x01")))
frames.append(bytes(dh / BOOTP(op=1, chaddr=chaddr, options=b"\x63\x82\x53\x63\x35")))
frames.append(bytes(dh / BOOTP(op=1, chaddr=chaddr, options=b"\x63\x82\x53\x63" + b"\x00" * 400)))
frames.append(bytes(dh / BOOTP(op=1, chaddr=chaddr, options=b"\x63\x82\x53\x63\x35\x01\x01" + b"\x0c\xff" + junk(255))))
frames.append(bytes(dh / BOOTP(op=2, chaddr=chaddr) / DHCP(options=[("message-type", "offer"), "end"])))
frames.append(bytes(dh / BOOTP(op=1, hlen=0, chaddr=chaddr) / DHCP(options=[("message-type", "discover"), "end"])))
frames.append(bytes(dh / BOOTP(op=1, hlen=255, chaddr=chaddr) / DHCP(options=[("message-type", "discover"), "end"])))
frames.append(bytes(dh / bootp)[:14 + 20 + 8 + 100])                     # truncated BOOTP
frames.append(bytes(dh / bootp / DHCP(options=[("message-type", "request"), ("requested_addr", "10.0.2.15"), ("server_id", "10.0.2.99"), "end"])))

# 10. DNS faults (to 10.0.2.3)
dns = eth / IP(src=G, dst=NS) / UDP(sport=4005, dport=53)
frames.append(bytes(dns / Raw(b"\x12\x34\x01")))                          # 3-byte header
frames.append(bytes(dns / Raw(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00")))  # qd=1, none
frames.append(bytes(dns / Raw(b"\x12\x35\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01")))  # pointer loop
frames.append(bytes(dns / Raw(b"\x12\x36\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x3f" + b"a" * 10)))  # label past end
frames.append(bytes(dns / Raw(b"\x12\x37\x01\x00\xff\xff\xff\xff\xff\xff\xff\xff" + junk(40))))
frames.append(bytes(dns / DNS(id=0x1238, qr=1, qd=DNSQR(qname="sluice.test"))))  # a response
frames.append(bytes(dns / Raw(b"")))
frames.append(bytes(eth / IP(src=G, dst=NS) / TCP(sport=40005, dport=53, flags="S")))
frames.append(bytes(eth / IP(src=G, dst=NS) / ICMP(type=8) / Raw(b"dns-ping")))

# 11. VLAN, IPv6, wrong destination MACs
frames.append(bytes(Ether(src=me, dst=gw_mac) / Dot1Q(vlan=5) / IP(src=G, dst=GW) / echo))
frames.append(bytes(Ether(src=me, dst=gw_mac) / Dot1Q(vlan=5) / Dot1Q(vlan=6) / IP(src=G, dst=GW) / echo))
frames.append(bytes(Ether(src=me, dst=gw_mac) / IPv6(dst="fe80::1") / UDP(sport=1, dport=53)))
frames.append(bytes(Ether(src=me, dst="01:00:5e:00:00:fb") / IP(src=G, dst=GW) / echo))
frames.append(bytes(Ether(src=me, dst="02:00:00:00:00:99") / IP(src=G, dst=GW) / echo))
frames.append(bytes(Ether(src="ff:ff:ff:ff:ff:ff", dst=gw_mac) / IP(src=G, dst=GW) / echo))
frames.append(bytes(Ether(src="01:00:5e:00:00:01", dst=gw_mac) / IP(src=G, dst=GW) / echo))

fixed = len(frames)

# 12. seeded random mutations of valid frames: flip bytes, cut, extend
valid = [
    bytes(eth / IP(src=G, dst=GW) / echo),
    bytes(eth / IP(src=G, dst=FAR) / echo),
    bytes(eth / IP(src=G, dst=GW) / UDP(sport=4010, dport=7777) / Raw(b"mutant")),
    bytes(eth / IP(src=G, dst=NS) / UDP(sport=4011, dport=53) / DNS(rd=1, qd=DNSQR(qname="sluice.test"))),
    bytes(eth / IP(src=G, dst=GW) / TCP(sport=40010, dport=7778, flags="S", options=[("MSS", 1360), ("SAckOK", b""), ("WScale", 7)])),
    bytes(bc / ARP(op=1, hwsrc=me, psrc=G, pdst=GW)),
    bytes(dh / bootp / DHCP(options=[("message-type", "discover"), ("param_req_list", [1, 3, 6, 26]), "end"])),
]
for _ in range(1500):
    b = bytearray(rnd.choice(valid))
    how = rnd.randrange(4)
    if how == 0:
        for _ in range(rnd.randint(1, 6)):
            b[rnd.randrange(14, len(b))] = rnd.getrandbits(8)
    elif how == 1:
        b = b[:rnd.randrange(1, len(b))]
    elif how == 2:
        b += junk(rnd.randint(1, 64))
    else:
        i = rnd.randrange(14, len(b))
        b[i] = rnd.getrandbits(8)
        b = b[:rnd.randrange(i, len(b)) + 1]
    # never spoof another source MAC: sluice learns the guest's MAC
    b[6:12] = bytes.fromhex(me.replace(":", ""))
    frames.append(bytes(b))

sent = failed = 0
for f in frames:
    try:
        sendp(f, iface=iface, verbose=False)
        sent += 1
    except OSError:
        failed += 1
print("malformed: %d fixed + %d mutated frames, %d sent, %d refused by the kernel (seed %d)"
      % (fixed, len(frames) - fixed, sent, failed, seed))
EOF

# ------------------------------------------------------------ guest checks

check_ping_gw() {
	e2e_check "ICMP: ping -c 3 $E2E_GW from the guest ($1)" e2e_ping "$E2E_G" "$E2E_GW" 3 || true
}

check_dns() {
	local out rc=0
	out=$(e2e_in_guest "$E2E_PYTHON" "$E2E_TOOLS" dns "$E2E_DNS" sluice.test 2>&1) || rc=$?
	if ((rc == 0)) && grep -q '^A 198\.51\.100\.77$' <<<"$out"; then
		e2e_pass "DNS: sluice.test via $E2E_DNS -> 198.51.100.77 ($1)"
	else
		e2e_fail "DNS: sluice.test via $E2E_DNS -> 198.51.100.77 ($1)" "$out" \
			"$(e2e_log_tail "$E2E_DIR/dnsmasq.log" 10)"
	fi
}

check_udp_echo() {
	local host=$1 what=$2
	e2e_check "UDP: echo through $host:$UDP_PORT ($what)" \
		e2e_in_guest "$E2E_PYTHON" "$E2E_TOOLS" udp-echo "$host" "$UDP_PORT" 1000 || true
}

check_tcp_echo() {
	local host=$1 what=$2
	e2e_check "TCP: 200000 bytes echoed through $host:$TCP_PORT ($what)" \
		timeout 60 ip netns exec "$E2E_G" "$E2E_PYTHON" "$E2E_TOOLS" \
		tcp-echo "$host" "$TCP_PORT" 200000 || true
}

# udp_no_echo HOST: nothing comes back from HOST:UDP_PORT
udp_no_echo() {
	! e2e_in_guest "$E2E_PYTHON" "$E2E_TOOLS" udp-echo "$1" "$UDP_PORT" 100
}

# tcp_no_echo HOST: no TCP echo from HOST:TCP_PORT (refused or timed out)
tcp_no_echo() {
	! timeout 30 ip netns exec "$E2E_G" "$E2E_PYTHON" "$E2E_TOOLS" \
		tcp-echo "$1" "$TCP_PORT" 100
}

# ------------------------------------------------------------ main

if [[ ! -x $SLUICE ]]; then
	e2e_fail "sluice binary present" "not found or not executable: $SLUICE" \
		"build it first (usertools/sluice-setup) or set BUILD / SLUICE"
	e2e_summary || exit 1
fi
e2e_require ip busybox dnsmasq timeout "$E2E_PYTHON" || true
if ! "$E2E_PYTHON" -c 'import scapy' 2>/dev/null; then
	e2e_fail "python3-scapy importable by $E2E_PYTHON" "install python3-scapy (usertools/sluice-setup)"
fi

test_cli || true

if e2e_setup; then
	# host side services: dnsmasq as the resolver sluice forwards to, UDP
	# echo on slh's loopback and on the far host
	e2e_dnsmasq "$DNS_PORT" --address=/sluice.test/198.51.100.77
	e2e_echo_servers "$UDP_PORT" "$TCP_PORT"
	e2e_check "test set-up: dnsmasq answers on 127.0.0.1:$DNS_PORT in $E2E_H" \
		e2e_wait_for 10 ip netns exec "$E2E_H" "$E2E_PYTHON" "$E2E_TOOLS" \
		dns 127.0.0.1 sluice.test "$DNS_PORT" || true

	if e2e_start_sluice --dns-forward "127.0.0.1:$DNS_PORT" --mtu "$MTU" \
		--host-loopback on; then
		e2e_pass "sluice starts (ready, tap moved into $E2E_G)"
		# shellcheck disable=SC2119 # no extra udhcpc arguments
		if e2e_dhcp; then
			got_mtu=$(e2e_last_event mtu)
			if [[ $got_mtu == "$MTU" ]] &&
				ip -n "$E2E_G" link show dev "$E2E_TAP" | grep -q "mtu $MTU "; then
				e2e_pass "DHCP: MTU option $MTU received and applied"
			else
				e2e_fail "DHCP: MTU option $MTU received and applied" \
					"udhcpc got mtu='$got_mtu'" "$(ip -n "$E2E_G" link show dev "$E2E_TAP")"
			fi
			e2e_check "DHCP: DNS server $E2E_DNS in the guest's resolv.conf" \
				grep -qx "nameserver $E2E_DNS" "$E2E_GUEST_RESOLV" || true
		fi
		check_ping_gw "answered by sluice"
		check_dns "forwarded to dnsmasq on 127.0.0.1:$DNS_PORT"
		check_udp_echo "$E2E_GW" "host loopback"
		check_udp_echo "$E2E_FAR_ADDR" "far host"
		check_tcp_echo "$E2E_GW" "host loopback"
		check_tcp_echo "$E2E_FAR_ADDR" "far host"
		e2e_check "ICMP: ping -c 3 $E2E_FAR_ADDR relayed to the far host" \
			e2e_ping "$E2E_G" "$E2E_FAR_ADDR" 3 || true

		# malformed frames, then everything must still work
		gw_mac=$(ip -n "$E2E_G" neigh show "$E2E_GW" dev "$E2E_TAP" |
			awk '/lladdr/ { print $3; exit }')
		seed=${E2E_FUZZ_SEED:-$RANDOM}
		out=$(e2e_in_guest "$E2E_PYTHON" "$MALFORMED_PY" "$E2E_TAP" \
			"${gw_mac:-ff:ff:ff:ff:ff:ff}" "$seed" 2>&1) && rc=0 || rc=$?
		if ((rc == 0)); then
			e2e_pass "malformed frames sent: ${out##*malformed: }"
		else
			e2e_fail "malformed frames sent (seed $seed)" "$out"
		fi
		sleep 1
		if e2e_sluice_alive; then
			e2e_pass "sluice still running after malformed frames (seed $seed)"
		else
			e2e_fail "sluice still running after malformed frames (seed $seed)" \
				"$(e2e_log_tail "$E2E_SLUICE_LOG")"
		fi
		check_ping_gw "after malformed frames"
		e2e_dhcp_renew || true
		check_ping_gw "after the renewal"
		check_dns "after malformed frames"
		check_udp_echo "$E2E_GW" "after malformed frames"
		check_tcp_echo "$E2E_GW" "after malformed frames"

		if e2e_stop_sluice 0; then
			if grep -q '^sluice: counters' "$E2E_SLUICE_LOG"; then
				e2e_pass "sluice prints its counters on exit"
				sed -n '/^sluice: counters/,$p' "$E2E_SLUICE_LOG" | sed 's/^/# /'
			else
				e2e_fail "sluice prints its counters on exit" \
					"$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
			fi
		fi
	fi

	# --host-loopback off: the gateway address no longer reaches the host's
	# loopback services (sluice itself still answers ping)
	if e2e_start_sluice --dns-forward "127.0.0.1:$DNS_PORT" --host-loopback off; then
		# shellcheck disable=SC2119 # no extra udhcpc arguments
		e2e_dhcp || true
		check_ping_gw "--host-loopback off"
		e2e_check "--host-loopback off: no UDP echo from host 127.0.0.1 via $E2E_GW" \
			udp_no_echo "$E2E_GW" || true
		e2e_check "--host-loopback off: no TCP connection to host 127.0.0.1 via $E2E_GW" \
			tcp_no_echo "$E2E_GW" || true
		check_udp_echo "$E2E_FAR_ADDR" "far host, --host-loopback off"
		e2e_stop_sluice 0 || true
	fi
fi

e2e_summary
