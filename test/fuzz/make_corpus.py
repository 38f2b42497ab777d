#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/fuzz/make_corpus.py: write the seed corpus of fuzz_guest_frame
# (test/fuzz/corpus/) in the harness's input format (see the comment at
# the top of fuzz_guest_frame.c): a config byte, then ops; FRAME ops carry
# a guest Ethernet frame. Only the standard library is used, and the output
# is deterministic, so the committed files can be regenerated and compared.
# Usage: test/fuzz/make_corpus.py [OUTDIR]   (default: test/fuzz/corpus)

import os
import struct
import sys

# --- the harness's op codes and frame flags ---------------------------------
(OP_FRAME, OP_STEP, OP_CLOCK, OP_MODE, OP_DONE, OP_PUSH, OP_FIN, OP_RST,
 OP_TAKE, OP_SNDBUF, OP_DGRAM, OP_ERROR, OP_INCOMING, OP_TXSTALL) = range(14)
FL_FIXLEN, FL_CKSUM, FL_VOUCH, FL_REL, FL_HOLD = 0x01, 0x02, 0x04, 0x08, 0x40
FL_STD = FL_FIXLEN | FL_CKSUM

# --- addresses (sluice's defaults) -------------------------------------------
GW_MAC = bytes([0x52, 0x55, 10, 0, 2, 2])
GUEST_MAC = bytes([0x02, 0x00, 0x00, 0x00, 0x00, 0x15])
BCAST_MAC = b"\xff" * 6
GUEST = bytes([10, 0, 2, 15])
GW = bytes([10, 0, 2, 2])
DNS = bytes([10, 0, 2, 3])
REMOTE = bytes([192, 0, 2, 10])
REMOTE6 = bytes.fromhex("20010db8000000000000000000000001")

TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, ethertype, payload, src=GUEST_MAC):
    return dst + src + struct.pack("!H", ethertype) + payload


def ipv4(src, dst, proto, l4):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000,
                      64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + l4


def pseudo(src, dst, proto, l4):
    return src + dst + struct.pack("!BBH", 0, proto, len(l4))


def udp(src, dst, sport, dport, pay):
    u = struct.pack("!HHHH", sport, dport, 8 + len(pay), 0) + pay
    c = csum(pseudo(src, dst, 17, u) + u) or 0xFFFF
    return ipv4(src, dst, 17, u[:6] + struct.pack("!H", c) + u[8:])


def tcp(src, dst, sport, dport, seq, ack, flags, pay=b"", opts=b"",
        win=65535):
    opts += b"\x01" * (-len(opts) % 4)
    doff = (20 + len(opts)) // 4
    t = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                    ack & 0xFFFFFFFF, doff << 4, flags, win, 0, 0) + opts + pay
    c = csum(pseudo(src, dst, 6, t) + t)
    return ipv4(src, dst, 6, t[:16] + struct.pack("!H", c) + t[18:])


def icmp_echo(src, dst, ident, seq, pay, typ=8):
    i = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + pay
    i = i[:2] + struct.pack("!H", csum(i)) + i[4:]
    return ipv4(src, dst, 1, i)


GW_LL6 = bytes.fromhex("fe800000000000005055 0aff fe000202".replace(" ", ""))
GUEST_LL6 = bytes.fromhex("fe80000000000000000000fffe000015")
GUEST6 = bytes.fromhex("fec00000000000000000 00fffe000015".replace(" ", ""))
GW6 = bytes.fromhex("fec00000000000000000000000000002")
DNS6 = bytes.fromhex("fec00000000000000000000000000003")
UNSPEC6 = b"\0" * 16
ALL_ROUTERS6 = bytes.fromhex("ff020000000000000000000000000002")
DHCP6_SERVERS = bytes.fromhex("ff020000000000000000000000010002")


def sol_node(a):
    return bytes.fromhex("ff0200000000000000000001ff") + a[13:]


def mcast_mac(a):
    return b"\x33\x33" + a[12:]


def ipv6(src, dst, nh, payload, hlim=255):
    return (struct.pack("!IHBB", 6 << 28, len(payload), nh, hlim) +
            src + dst + payload)


def l4_6(src, dst, proto, l4, off, hlim=255):
    c = csum(src + dst + struct.pack("!IxxxB", len(l4), proto) + l4)
    if proto == 17 and c == 0:
        c = 0xFFFF
    l4 = l4[:off] + struct.pack("!H", c) + l4[off + 2:]
    return ipv6(src, dst, proto, l4, hlim)


def icmp6(src, dst, typ, body, hlim=255):
    return l4_6(src, dst, 58, bytes([typ, 0, 0, 0]) + body, 2, hlim)


def ip6_frame(l3, dst=GW_MAC, flags=FL_STD, cut=0):
    return frame(eth(dst, 0x86DD, l3), flags, cut)


# --- ops ---------------------------------------------------------------------
def frame(f, flags=FL_STD, cut=0):
    return bytes([OP_FRAME]) + struct.pack("!HBB", len(f), flags, cut) + f


def ip_frame(l3, flags=FL_STD, cut=0, dst=GW_MAC):
    return frame(eth(dst, 0x0800, l3), flags, cut)


def step():
    return bytes([OP_STEP])


def clock(ms=0, s=0):
    v = (0x8000 | s) if s else ms
    return bytes([OP_CLOCK]) + struct.pack("!H", v)


def push(hd, data):
    return bytes([OP_PUSH, hd, len(data)]) + data


def dgram(hd, data):
    return bytes([OP_DGRAM, hd, len(data)]) + data


def op(code, *args):
    return bytes([code, *args])


# --- seeds -------------------------------------------------------------------
def ipv6_ndp():
    # RS, NS for the gateway, a DAD probe, an NA, echo to the gateway,
    # a UDP datagram (no IPv6 transport yet) and 31 s for a periodic RA
    sll = bytes([1, 1]) + GUEST_MAC
    ns = lambda t, o=b"": b"\0" * 4 + t + o
    na = b"\x60\0\0\0" + GUEST6 + bytes([2, 1]) + GUEST_MAC
    u = struct.pack("!HHHH", 40000, 53, 12, 0) + b"abcd"
    return (b"\x00" +
            ip6_frame(icmp6(GUEST_LL6, ALL_ROUTERS6, 133, b"\0" * 4 + sll),
                      dst=mcast_mac(ALL_ROUTERS6)) +
            ip6_frame(icmp6(GUEST_LL6, sol_node(GW6), 135, ns(GW6, sll)),
                      dst=mcast_mac(sol_node(GW6))) +
            ip6_frame(icmp6(UNSPEC6, sol_node(GUEST6), 135, ns(GUEST6)),
                      dst=mcast_mac(sol_node(GUEST6))) +
            ip6_frame(icmp6(GUEST6, GW_LL6, 136, na)) +
            ip6_frame(icmp6(GUEST6, GW6, 128, b"\0\x42\0\x01pingdata", 64)) +
            ip6_frame(l4_6(GUEST6, REMOTE6, 17, u, 6, 64)) +
            clock(s=31))


def ipv6_dhcp6():
    duid = struct.pack("!HH", 3, 1) + GUEST_MAC
    opt = lambda c, v: struct.pack("!HH", c, len(v)) + v
    info = b"\x0b\x12\x34\x56" + opt(1, duid) + opt(8, b"\0\0")
    sol = (b"\x01\x65\x43\x21" + opt(1, duid) + opt(14, b"") +
           opt(3, struct.pack("!III", 7, 0, 0)))
    u = lambda m: struct.pack("!HHHH", 546, 547, 8 + len(m), 0) + m
    return (b"\x00" +
            ip6_frame(l4_6(GUEST_LL6, DHCP6_SERVERS, 17, u(info), 6, 1),
                      dst=mcast_mac(DHCP6_SERVERS)) +
            ip6_frame(l4_6(GUEST_LL6, DHCP6_SERVERS, 17, u(sol), 6, 1),
                      dst=mcast_mac(DHCP6_SERVERS)))


def ipv6_hostile():
    # extension header chains: a loop of destination options, one that
    # overruns, a fragment; a payload length that lies
    u = struct.pack("!HHHH", 40000, 53, 12, 0) + b"abcd"
    chain = b"".join(bytes([60, 0]) + b"\1\4\0\0\0\0" for _ in range(9))
    hdr = struct.pack("!IHBB", 6 << 28, len(chain) + len(u), 60, 64)
    over = struct.pack("!IHBB", 6 << 28, 8 + len(u), 60, 64)
    frag = struct.pack("!IHBB", 6 << 28, 8 + len(u), 44, 64)
    lie = struct.pack("!IHBB", 6 << 28, 400, 17, 64)
    return (b"\x00" +
            ip6_frame(hdr + GUEST6 + REMOTE6 + chain + u, flags=0) +
            ip6_frame(over + GUEST6 + REMOTE6 + bytes([17, 9]) + b"\0" * 6 +
                      u, flags=0) +
            ip6_frame(frag + GUEST6 + REMOTE6 + bytes([17, 0, 0, 1]) +
                      b"\0" * 4 + u, flags=0) +
            ip6_frame(lie + GUEST6 + REMOTE6 + u, flags=0))


def arp_request():
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, GUEST_MAC,
                      GUEST, b"\0" * 6, GW)
    return b"\x00" + frame(eth(BCAST_MAC, 0x0806, arp), 0)


def dhcp(msg_type, xid=0x1234abcd, extra=b""):
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0,
                        0x8000, b"\0" * 4, b"\0" * 4, b"\0" * 4, b"\0" * 4,
                        GUEST_MAC + b"\0" * 10, b"", b"")
    opts = (b"\x63\x82\x53\x63" + bytes([53, 1, msg_type]) +
            bytes([55, 4, 1, 3, 6, 26]) + extra + b"\xff")
    return udp(b"\0" * 4, b"\xff" * 4, 68, 67, bootp + opts)


def dhcp_discover():
    req = bytes([50, 4]) + GUEST + bytes([54, 4]) + GW
    return (b"\x00" + ip_frame(dhcp(1), dst=BCAST_MAC) +
            ip_frame(dhcp(3, extra=req), dst=BCAST_MAC))


def icmp_echo_seed():
    # one echo to the gateway (answered by sluice), one to a remote host
    # (through a host ICMP socket, handle 0) and the host's reply
    reply = struct.pack("!BBHHH", 0, 0, 0, 0x77, 1) + b"ping-data"
    return (b"\x00" +
            ip_frame(icmp_echo(GUEST, GW, 0x42, 1, b"abcdefgh")) +
            ip_frame(icmp_echo(GUEST, REMOTE, 0x43, 1, b"abcdefgh")) +
            dgram(0, reply) + clock(s=200))


def udp_dns_query():
    q = (struct.pack("!HHHHHH", 0xbeef, 0x0100, 1, 0, 0, 0) +
         b"\x07example\x03com\x00" + struct.pack("!HH", 1, 1))
    ans = (struct.pack("!HHHHHH", 0xbeef, 0x8180, 1, 1, 0, 0) +
           b"\x07example\x03com\x00" + struct.pack("!HH", 1, 1) +
           b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) +
           bytes([93, 184, 216, 34]))
    return (b"\x00" + ip_frame(udp(GUEST, DNS, 40000, 53, q)) +
            dgram(0, ans) + clock(s=200))


SYN_OPTS = (b"\x02\x04\x05\xb4" + b"\x04\x02" + b"\x08\x0a" +
            struct.pack("!II", 12345, 0) + b"\x01" + b"\x03\x03\x07")


def syn(sport=40001, dport=80, dst=REMOTE, opts=SYN_OPTS):
    return ip_frame(tcp(GUEST, dst, sport, dport, 1000, 0, TCP_SYN,
                        opts=opts))


def rel(flags, pay=b"", sport=40001, dport=80, dst=REMOTE, dseq=0, dack=0,
        hold=False):
    # seq/ack are deltas from what sluice last sent on this 4-tuple
    fl = FL_STD | FL_REL | (FL_HOLD if hold else 0)
    return ip_frame(tcp(GUEST, dst, sport, dport, dseq, dack, flags, pay),
                    fl)


def tcp_syn_options():
    return b"\x00" + syn()


def tcp_syn_data_ack():
    req = b"GET / HTTP/1.0\r\nHost: example\r\n\r\n"
    resp = b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    return (b"\x00" + syn() + rel(TCP_ACK) +
            rel(TCP_ACK | TCP_PSH, req) +
            op(OP_TAKE, 0, 0) + push(0, resp) +
            rel(TCP_ACK) + clock(ms=300) +
            push(0, b"more") + push(0, b"data") + clock(ms=1500) +
            rel(TCP_ACK, hold=True) + rel(TCP_ACK | TCP_PSH, b"x" * 100))


def tcp_fin_sequence():
    return (b"\x00" + syn(40002) + rel(TCP_ACK, sport=40002) +
            rel(TCP_ACK | TCP_PSH, b"bye", sport=40002) +
            rel(TCP_ACK | TCP_FIN, sport=40002) + op(OP_TAKE, 0, 0) +
            push(0, b"ok") + op(OP_FIN, 0) + rel(TCP_ACK, sport=40002) +
            clock(s=5) + clock(s=200))


def tcp_rst_sequence():
    return (b"\x00" + syn(40003) + rel(TCP_ACK, sport=40003) +
            push(0, b"x" * 64) + op(OP_RST, 0) + syn(40004) +
            rel(TCP_ACK, sport=40004) + rel(TCP_RST | TCP_ACK, sport=40004) +
            clock(s=30))


def tcp_pending_connect():
    # connects left pending: one completes, one is refused, one times out
    return (b"\x80" + syn(40005) + syn(40006, 81) + syn(40007, 82) +
            op(OP_DONE, 0, 0) + op(OP_DONE, 1, 1) +
            rel(TCP_ACK, sport=40005) + clock(s=15))


def tcp_window_pressure():
    # small host send buffer, host stops reading, big guest writes, stalls
    return (b"\x02" + syn(40008) + rel(TCP_ACK, sport=40008) +
            op(OP_SNDBUF, 0, 0x02, 0x00) +
            rel(TCP_ACK | TCP_PSH, b"a" * 1000, sport=40008) +
            rel(TCP_ACK | TCP_PSH, b"b" * 1000, sport=40008) +
            op(OP_TXSTALL, 2) + push(0, b"") +
            bytes([OP_PUSH, 0, 0x80 | 8]) + clock(ms=250) +
            op(OP_TAKE, 0, 0) + clock(s=2))


def tcp_forward_inbound():
    # forwards configured: a host client connects to the TCP listener
    # (handle 0); the guest answers our SYN
    return (b"\x04" + op(OP_INCOMING, 0, 0x9c, 0x40) +
            rel(TCP_SYN | TCP_ACK, sport=80, dport=40000, dst=GW) +
            push(2, b"hello guest") + dgram(1, b"udp to guest") +
            clock(s=10))


def ipv4_frag(whole, ident, off, length, more):
    """Bytes [off, off + length) of IPv4 datagram @whole's payload as a
    fragment with id @ident (@more: MF set)."""
    pay = whole[20 + off:20 + off + length]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(pay), ident,
                      (off // 8) | (0x2000 if more else 0), 64, whole[9], 0,
                      whole[12:16], whole[16:20])
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + pay


def frags(whole, ident, size, order=None):
    """@whole cut into fragments of @size payload bytes, as FRAME ops
    (checksums as built: no fix-ups), in @order (indexes) if given."""
    n = len(whole) - 20
    offs = list(range(0, n, size))
    out = [ipv4_frag(whole, ident, o, min(size, n - o), o + size < n)
           for o in offs]
    return b"".join(ip_frame(out[i], 0) for i in (order or range(len(out))))


def frag_reassembly():
    # guest MTU 576: a 1000-byte ping to the gateway and 1200 bytes of UDP
    # to a remote host arrive in fragments, out of order; the echo reply
    # leaves in fragments
    ping = icmp_echo(GUEST, GW, 0x51, 1, bytes(range(256)) * 4)
    dg = udp(GUEST, REMOTE, 40100, 9, bytes(i & 0xff for i in range(1200)))
    return (b"\x10" + frags(ping, 0x101, 552, [1, 0]) +
            frags(dg, 0x102, 376, [3, 1, 0, 2]) +
            dgram(0, b"r" * 255) + clock(s=10))


def frag_hostile():
    # overlap, a duplicate first fragment, past 65535, no payload, a
    # non-last one of 13 bytes, ten 8-byte pieces, 40 ids never completed,
    # then the timeout
    dg = udp(GUEST, REMOTE, 40101, 9, b"h" * 3000)
    tiny = udp(GUEST, REMOTE, 40102, 9, b"t" * 72)
    out = (ip_frame(ipv4_frag(dg, 0x201, 0, 1480, True), 0) +
           ip_frame(ipv4_frag(dg, 0x201, 1000, 1480, True), 0) +
           ip_frame(ipv4_frag(dg, 0x201, 2480, 528, False), 0) +
           ip_frame(ipv4_frag(dg, 0x202, 0, 1480, True), 0) +
           ip_frame(ipv4_frag(dg, 0x202, 0, 1480, True), 0) +
           ip_frame(ipv4_frag(dg + b"\0" * 65536, 0x203, 65472, 100,
                              False), 0) +
           ip_frame(ipv4_frag(dg, 0x204, 0, 0, True), 0) +
           ip_frame(ipv4_frag(dg, 0x205, 0, 13, True), 0) +
           frags(tiny, 0x206, 8))
    for i in range(40):
        out += ip_frame(ipv4_frag(dg, 0x300 + i, 0, 64, True), 0)
    return b"\x00" + out + step() + clock(s=10)


def ipv6_frag(whole, ident, off, length, more, pre=b""):
    """Bytes [off, off + length) of IPv6 datagram @whole's payload behind
    a Fragment header with id @ident (@more: M set), after extension
    headers @pre (their first next header 44) when given."""
    pay = whole[40 + off:40 + off + length]
    fh = struct.pack("!BBHI", whole[6], 0, off | (1 if more else 0), ident)
    nh = 60 if pre else 44
    return (struct.pack("!IHBB", 6 << 28, len(pre) + 8 + len(pay), nh,
                        whole[7]) + whole[8:40] + pre + fh + pay)


def frags6(whole, ident, size, order=None):
    """IPv6 twin of frags()."""
    n = len(whole) - 40
    out = [ipv6_frag(whole, ident, o, min(size, n - o), o + size < n)
           for o in range(0, n, size)]
    return b"".join(ip6_frame(out[i], flags=0)
                    for i in (order or range(len(out))))


def frag6_reassembly():
    # guest MTU 576: a 1000-byte ping6 to the gateway (the reply leaves in
    # fragments) and 1200 bytes of UDP to a remote host, out of order, one
    # behind a destination options header; an atomic fragment
    ping = icmp6(GUEST6, GW6, 128, b"\0\x52\0\x01" + bytes(range(256)) * 4,
                 64)
    u = struct.pack("!HHHH", 40200, 9, 1208, 0) + bytes(i & 0xff
                                                        for i in range(1200))
    dg = l4_6(GUEST6, REMOTE6, 17, u, 6, 64)
    small = l4_6(GUEST6, REMOTE6, 17, struct.pack("!HHHH", 40201, 9, 12, 0) +
                 b"atom", 6, 64)
    dopt = bytes([44, 0, 1, 4, 0, 0, 0, 0])
    return (b"\x10" + frags6(ping, 0x10101, 520, [1, 0]) +
            frags6(dg, 0x10102, 376, [3, 1, 2]) +
            ip6_frame(ipv6_frag(dg, 0x10102, 0, 376, True, dopt), flags=0) +
            ip6_frame(ipv6_frag(small, 0x10103, 0, 12, False), flags=0) +
            dgram(0, b"r" * 255) + clock(s=10))


def frag6_hostile():
    # IPv6: overlap, a duplicate first fragment, past 65535, no payload, a
    # non-last one of 13 bytes, a first fragment without the UDP header
    # (RFC 7112), ten 8-byte pieces, 40 ids never completed, the timeout
    dg = l4_6(GUEST6, REMOTE6, 17, struct.pack("!HHHH", 40202, 9, 3008, 0) +
              b"h" * 3000, 6, 64)
    tiny = l4_6(GUEST6, REMOTE6, 17, struct.pack("!HHHH", 40203, 9, 80, 0) +
                b"t" * 72, 6, 64)
    chain = dg[:6] + bytes([60]) + dg[7:40] + bytes([17, 0, 1, 4]) + dg[44:]
    f = lambda *a: ip6_frame(ipv6_frag(*a), flags=0)
    out = (f(dg, 0x201, 0, 1448, True) + f(dg, 0x201, 1000, 1448, True) +
           f(dg, 0x201, 2448, 560, False) +
           f(dg, 0x202, 0, 1448, True) + f(dg, 0x202, 0, 1448, True) +
           f(dg + b"\0" * 65536, 0x203, 65528, 16, False) +
           f(dg, 0x204, 0, 0, True) + f(dg, 0x205, 0, 13, True) +
           f(chain, 0x206, 0, 8, True) + frags6(tiny, 0x207, 8))
    for i in range(40):
        out += f(dg, 0x300 + i, 0, 64, True)
    return b"\x00" + out + step() + clock(s=10)


SEEDS = {
    "arp_request": arp_request,
    "ipv6_ndp": ipv6_ndp,
    "ipv6_dhcp6": ipv6_dhcp6,
    "ipv6_hostile": ipv6_hostile,
    "dhcp_discover": dhcp_discover,
    "icmp_echo": icmp_echo_seed,
    "udp_dns_query": udp_dns_query,
    "tcp_syn_options": tcp_syn_options,
    "tcp_syn_data_ack": tcp_syn_data_ack,
    "tcp_fin_sequence": tcp_fin_sequence,
    "tcp_rst_sequence": tcp_rst_sequence,
    "tcp_pending_connect": tcp_pending_connect,
    "tcp_window_pressure": tcp_window_pressure,
    "tcp_forward_inbound": tcp_forward_inbound,
    "frag_reassembly": frag_reassembly,
    "frag_hostile": frag_hostile,
    "frag6_reassembly": frag6_reassembly,
    "frag6_hostile": frag6_hostile,
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    os.makedirs(out, exist_ok=True)
    for name, fn in SEEDS.items():
        with open(os.path.join(out, name + ".bin"), "wb") as fh:
            fh.write(fn())
    print("wrote %d seeds to %s" % (len(SEEDS), out))


if __name__ == "__main__":
    main()
