"""hostile.py: hostile-guest traffic for test/e2e/test_hostile.sh and
test_faults.sh (run inside the namespaces with /usr/bin/python3; scapy is
imported only by the commands that send raw frames).

Frame commands send raw Ethernet frames on the guest's tap, from the guest's
own MAC and address to the gateway MAC, and print one JSON line:
  {"what": ..., "sent": N, "failed": K, "expect": {"counter": [MIN, MAX]}}
"expect" is the change of sluice's counters (telemetry "stats") the frames
must cause; MAX null means "at least MIN" (other traffic may add to it).

  frames IFACE GWMAC CATEGORY N SEED   one category of malformed frames:
      ip_hdr ip_short ip_options ip_len ip_csum ip_frag l4_hdr l4_csum
      tcp_opts tcp_flags syn_data garbage (see build_*)
  blind IFACE GWMAC HOST DPORT SPORT N SEED   RSTs and ACKs with random
      sequence numbers at a live connection (guest SPORT -> HOST:DPORT)
  synflood IFACE GWMAC HOST DPORT SPORT0 N RATE   N SYNs, SPORT0, SPORT0+1...
  udpsweep IFACE GWMAC HOST PORT0 N RATE   one datagram to each of N ports
  icmpflood IFACE GWMAC HOST N RATE        N echo requests
  overlap IFACE GWMAC HOST DPORT SPORT SEGFILE   a raw TCP connection (MSS 0,
      window shift 255 in the SYN) sending overlapping retransmissions with
      different bytes, in order and out of order, then FIN; the segments go
      to SEGFILE (JSON) for "overlap-check"
  overlap-check SEGFILE DUMPFILE   the bytes the host received are
      consistent: exact length, in-order prefix unchanged, every byte one of
      those sent at its offset
  zerowin IFACE GWMAC HOST DPORT SPORT SECS   a raw TCP connection to a
      sending host service: opens a window, shrinks it (ACK of less than sent
      with window 0), then advertises window 0 for SECS seconds answering
      every probe, never reading; finally resets the connection
Host and guest socket helpers (stdlib only; also used by test_faults.sh):
  rst-server ADDR PORT NBYTES   send NBYTES to each client, then close with
      SO_LINGER 0 (a reset)
  reset-client HOST PORT   read until the end: exit 0 on a reset
  timed-connect HOST PORT [LIMIT]   prints "how=refused|reset|timeout|
      connected ms=T"
  hold HOST PORT N READY STOP|watch   open N echo-checked connections,
      report to READY, close them when the file STOP appears, or ("watch")
      report how they end
  paced-send HOST PORT SIZE SECS [--listen]   send SIZE random bytes over
      about SECS seconds; prints "sent bytes=N sha=HEX"
  dump-server ADDR PORT FILE   accept one connection, write what arrives
      to FILE, close at EOF
"""
import hashlib
import json
import os
import random
import socket
import struct
import sys
import time

G = "10.0.2.15"
ETH_P_ALL = 0x0003


def out(what, sent, failed, expect, **kw):
    d = {"what": what, "sent": sent, "failed": failed, "expect": expect}
    d.update(kw)
    print(json.dumps(d), flush=True)


class Wire:
    """Raw frames on the tap: send bytes, receive IPv4/TCP frames."""

    def __init__(self, iface):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        self.s.bind((iface, 0))
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sent = self.failed = 0

    def send(self, frame):
        try:
            self.s.send(frame)
            self.sent += 1
        except OSError:
            self.failed += 1

    def send_all(self, frames, rate=0):
        """Send FRAMES at about RATE per second (0: as fast as possible)."""
        t0 = time.monotonic()
        for i, f in enumerate(frames):
            self.send(f)
            if rate and i % 50 == 49:
                ahead = t0 + (i + 1) / rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)

    def recv(self, timeout):
        """One incoming frame or None."""
        self.s.settimeout(max(timeout, 0.001))
        try:
            while True:
                data, addr = self.s.recvfrom(70000)
                if addr[2] != socket.PACKET_OUTGOING:
                    return data
        except socket.timeout:
            return None


def scapy():
    from scapy import all as sa
    sa.conf.verb = 0
    return sa


def my_mac(iface):
    with open("/sys/class/net/%s/address" % iface) as f:
        return f.read().strip()


def ip_fix(raw_ip):
    """Recompute the IPv4 header checksum of RAW_IP (bytes, IHL from it)."""
    b = bytearray(raw_ip)
    ihl = (b[0] & 15) * 4
    b[10:12] = b"\0\0"
    s = 0
    hdr = bytes(b[:ihl]) + (b"\0" if ihl % 2 else b"")
    for i in range(0, len(hdr), 2):
        s += hdr[i] << 8 | hdr[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    b[10:12] = struct.pack("!H", ~s & 0xFFFF)
    return bytes(b)


# ------------------------------------------------------------ categories

def build(sa, cat, eth, n, rnd, gw, closed):
    """Frames of category CAT and the counter changes they must cause."""
    IP, TCP, UDP, ICMP, Raw = sa.IP, sa.TCP, sa.UDP, sa.ICMP, sa.Raw
    fr = []
    echo = ICMP(type=8, id=0x4848, seq=1) / Raw(b"hostile!" * 4)
    sport = iter(range(21200, 65000))

    def junk(k):
        return bytes(rnd.getrandbits(8) for _ in range(k))

    if cat == "ip_hdr":			# IHL 0..4 with version 4
        good = bytes(IP(src=G, dst=gw) / echo)
        for i in range(n):
            b = bytearray(good)
            b[0] = 0x40 | (i % 5)
            fr.append(bytes(eth) + ip_fix(bytes(b[:20])) + bytes(b[20:]))
        return fr, {"drop_ip_hdr": [n, n]}
    if cat == "ip_short":		# IHL beyond the frame
        for i in range(n):
            ihl = 6 + i % 10
            b = bytes(IP(src=G, dst=gw, ihl=ihl, options=Raw(b"\x01" * 4 * (ihl - 5))) / echo)
            fr.append(bytes(eth) + b[:20 + rnd.randrange(0, 4 * (ihl - 5))])
        return fr, {"drop_short": [n, n]}
    if cat == "ip_options":		# IHL 6..15, valid: options are not accepted
        for i in range(n):
            ihl = 6 + i % 10
            fr.append(bytes(eth / IP(src=G, dst=gw, options=Raw(b"\x01" * 4 * (ihl - 5))) / echo))
        return fr, {"drop_ip_options": [n, n]}
    if cat == "ip_len":		# total length beyond the frame or below the header
        for i in range(n):
            ln = [0, 10, 19, 1500, 9000, 65535, 200][i % 7]
            fr.append(bytes(eth / IP(src=G, dst=gw, len=ln) / echo))
        return fr, {"drop_ip_len": [n, n]}
    if cat == "ip_csum":
        for i in range(n):
            b = bytearray(bytes(IP(src=G, dst=gw) / echo))
            b[10] ^= 1 + (i % 255)
            fr.append(bytes(eth) + bytes(b))
        return fr, {"drop_ip_csum": [n, n]}
    if cat == "ip_frag":
        big = Raw(b"F" * 3000)
        pkts = [IP(src=G, dst=gw) / ICMP(type=8, id=7) / big,
                IP(src=G, dst="198.51.100.2") / UDP(sport=4001, dport=7) / big,
                IP(src=G, dst=gw) / TCP(sport=21100, dport=closed, flags="S") / big]
        while len(fr) < n:
            p = pkts[len(fr) % len(pkts)]
            for f in sa.fragment(p, fragsize=504):
                fr.append(bytes(eth / f))
            fr.append(bytes(eth / IP(src=G, dst=gw, flags="MF") / echo))
            fr.append(bytes(eth / IP(src=G, dst=gw, frag=8191) / echo))
            fr.append(bytes(eth / IP(src=G, dst=gw, frag=1) / Raw(junk(8))))
        fr = fr[:n]
        # every one is a fragment (the whole sets are reassembled, the
        # broken ones dropped: drop_ip_frag, drop_ip_reasm)
        return fr, {"ip_frag_rx": [n, n]}
    if cat == "l4_hdr":
        for i in range(n):
            k = i % 8
            if k < 5:		# TCP data offset 0..4
                t = TCP(sport=next(sport), dport=closed, flags="S", dataofs=k)
                fr.append(bytes(eth / IP(src=G, dst=gw) / t))
            elif k == 5:	# data offset beyond the segment
                t = TCP(sport=next(sport), dport=closed, flags="S", dataofs=6 + rnd.randrange(10))
                fr.append(bytes(eth / IP(src=G, dst=gw) / t))
            elif k == 6:	# UDP length below 8 or beyond the datagram
                u = UDP(sport=4002, dport=7, len=rnd.choice([0, 1, 7, 100, 65535])) / Raw(b"x" * 20)
                fr.append(bytes(eth / IP(src=G, dst="198.51.100.2") / u))
            else:		# ICMP shorter than its header, TCP shorter than 20
                if i % 2:
                    fr.append(bytes(eth / IP(src=G, dst=gw, proto=1) / Raw(b"\x08\x00\x00")))
                else:
                    fr.append(bytes(eth / IP(src=G, dst=gw, proto=6) / Raw(junk(rnd.randrange(19)))))
        return fr, {"drop_l4_hdr": [n, n]}
    if cat == "l4_csum":
        for i in range(n):
            k = i % 3
            if k == 0:
                p = IP(src=G, dst=gw) / TCP(sport=next(sport), dport=closed, flags="S")
            elif k == 1:
                p = IP(src=G, dst="198.51.100.2") / UDP(sport=4003, dport=7) / Raw(b"bad-sum")
            else:
                p = IP(src=G, dst=gw) / echo
            b = bytearray(bytes(p))
            off = {0: 20 + 16, 1: 20 + 6, 2: 20 + 2}[k]
            b[off] ^= 0x5A
            fr.append(bytes(eth) + bytes(b))
        return fr, {"drop_l4_csum": [n, n]}
    if cat == "tcp_opts":		# option lengths 0, 1, beyond the header
        bad = [b"\x02\x00\x05\xb4", b"\x02\x01\x05\xb4", b"\x03\x00\x07\x01",
               b"\x08\x01" + b"\0" * 6, b"\x02\x28\x05\xb4", b"\x01\x01\x01\x03",
               b"\x02\x04\x05\xb4\x08\x0a\x00\x00", b"\xfe\x09\x00\x00\x00\x00\x00\x00"]
        for i in range(n):
            o = bad[i % len(bad)]
            o += b"\x01" * (-len(o) % 4)
            t = TCP(sport=next(sport), dport=closed, flags="S", dataofs=5 + len(o) // 4) / Raw(o)
            t = TCP(bytes(IP(src=G, dst=gw) / t)[20:])	# checksum over the options
            fr.append(bytes(eth / IP(src=G, dst=gw, proto=6) / Raw(bytes(t))))
        return fr, {"drop_tcp_bad_opts": [n, n]}
    if cat == "tcp_flags":		# every one of the 256 flag bytes, no flow
        pure = 0
        for i in range(n):
            fl = i % 256
            if fl & 0x17 == 0x02:
                pure += 1
            fr.append(bytes(eth / IP(src=G, dst=gw) /
                            TCP(sport=next(sport), dport=closed, flags=fl, seq=rnd.getrandbits(32),
                                ack=rnd.getrandbits(32))))
        # pure SYNs (with PSH/URG/ECE/CWR) open a flow: refused by the host;
        # everything else meets no flow
        return fr, {"drop_tcp_no_flow": [n - pure, n - pure], "tcp_refused": [pure, None]}
    if cat == "syn_data":		# SYN with data, SYN with odd options
        for i in range(n):
            fr.append(bytes(eth / IP(src=G, dst=gw) /
                            TCP(sport=next(sport), dport=closed, flags="S",
                                options=[("WScale", 255), ("MSS", 0)]) / Raw(junk(1 + i % 100))))
        return fr, {"drop_tcp": [n, None], "tcp_refused": [n, None]}
    if cat == "garbage":		# random bytes (our source MAC)
        me = bytes(eth)[6:12]
        for i in range(n):
            b = bytearray(junk(rnd.randint(1, 1514)))
            if len(b) >= 12:
                b[6:12] = me
            if len(b) >= 6 and i % 2:
                b[0:6] = bytes(eth)[0:6]	# half of them to the gateway MAC
            fr.append(bytes(b))
        return fr, {"drops_total": [n, None]}
    raise SystemExit("unknown category " + cat)


def cmd_frames(argv):
    iface, gw_mac, cat, n, seed = argv[0], argv[1], argv[2], int(argv[3]), int(argv[4])
    gw = os.environ.get("HOSTILE_GW", "10.0.2.2")
    closed = int(os.environ.get("HOSTILE_CLOSED_PORT", "9"))
    rate = float(os.environ.get("HOSTILE_RATE", "5000"))
    sa = scapy()
    eth = sa.Ether(src=my_mac(iface), dst=gw_mac, type=0x0800)
    fr, expect = build(sa, cat, eth, n, random.Random(seed), gw, closed)
    w = Wire(iface)
    w.send_all(fr, rate)
    # a frame the kernel refused never reached sluice: lower the minimums
    for k, v in expect.items():
        v[0] = max(0, v[0] - w.failed)
    out(cat, w.sent, w.failed, expect)
    return 0


# ------------------------------------------------------------ floods

def cmd_blind(argv):
    iface, gw_mac, host, dport, sport, n, seed = argv[0], argv[1], argv[2], int(argv[3]), \
        int(argv[4]), int(argv[5]), int(argv[6])
    sa = scapy()
    rnd = random.Random(seed)
    eth = sa.Ether(src=my_mac(iface), dst=gw_mac)
    fr = []
    for i in range(n):
        fl = "R" if i % 2 == 0 else ("A" if i % 4 == 1 else "RA")
        fr.append(bytes(eth / sa.IP(src=G, dst=host) /
                        sa.TCP(sport=sport, dport=dport, flags=fl, seq=rnd.getrandbits(32),
                               ack=rnd.getrandbits(32), window=rnd.getrandbits(16))))
    nr = sum(1 for i in range(n) if i % 4 != 1)
    w = Wire(iface)
    w.send_all(fr, float(os.environ.get("HOSTILE_RATE", "5000")))
    out("blind", w.sent, w.failed, {
        # a RST with a random sequence number is either in the window
        # (challenge ACK) or not (dropped); never does it close the flow
        "tcp_challenge_acks+drop_tcp_out_of_window": [max(0, nr - w.failed), None],
        "tcp_closed_guest_rst": [0, 0]}, rsts=nr)
    return 0


def cmd_synflood(argv):
    iface, gw_mac, host, dport, sport0, n, rate = argv[0], argv[1], argv[2], int(argv[3]), \
        int(argv[4]), int(argv[5]), float(argv[6])
    sa = scapy()
    rnd = random.Random(sport0)
    eth = sa.Ether(src=my_mac(iface), dst=gw_mac)
    hdr = bytes(eth / sa.IP(src=G, dst=host) / sa.TCP(sport=1, dport=dport, flags="S",
                                                     options=[("MSS", 1460)]))
    # vary the port and ISN in a template: far faster than building N packets
    base = bytearray(hdr)
    fr = []
    for i in range(n):
        b = bytearray(base)
        b[34:36] = struct.pack("!H", sport0 + i)
        b[38:42] = struct.pack("!I", rnd.getrandbits(32))
        b[50:52] = b"\0\0"
        fr.append(tcp_csum(b))
    w = Wire(iface)
    t0 = time.monotonic()
    w.send_all(fr, rate)
    out("synflood", w.sent, w.failed, {}, secs=round(time.monotonic() - t0, 2))
    return 0


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_csum(b):
    """Fill in the TCP (or UDP) checksum of an Ethernet/IPv4 frame B."""
    ihl = (b[14] & 15) * 4
    l4 = bytes(b[14 + ihl:])
    proto = b[14 + 9]
    pseudo = bytes(b[26:34]) + struct.pack("!BBH", 0, proto, len(l4))
    off = 14 + ihl + (16 if proto == 6 else 6)
    b[off:off + 2] = b"\0\0"
    l4 = bytes(b[14 + ihl:])
    c = csum16(pseudo + l4)
    if proto == 17 and c == 0:
        c = 0xFFFF
    b[off:off + 2] = struct.pack("!H", c)
    return bytes(b)


def cmd_udpsweep(argv):
    iface, gw_mac, host, port0, n, rate = argv[0], argv[1], argv[2], int(argv[3]), \
        int(argv[4]), float(argv[5])
    sa = scapy()
    eth = sa.Ether(src=my_mac(iface), dst=gw_mac)
    base = bytearray(bytes(eth / sa.IP(src=G, dst=host) /
                           sa.UDP(sport=45000, dport=1) / sa.Raw(b"sweep")))
    fr = []
    for i in range(n):
        b = bytearray(base)
        b[36:38] = struct.pack("!H", port0 + i)
        fr.append(tcp_csum(b))
    w = Wire(iface)
    w.send_all(fr, rate)
    out("udpsweep", w.sent, w.failed, {})
    return 0


def cmd_icmpflood(argv):
    iface, gw_mac, host, n, rate = argv[0], argv[1], argv[2], int(argv[3]), float(argv[4])
    sa = scapy()
    eth = sa.Ether(src=my_mac(iface), dst=gw_mac)
    fr = [bytes(eth / sa.IP(src=G, dst=host) / sa.ICMP(type=8, id=0x1000 + i % 64, seq=i)
                / sa.Raw(b"flood" * 10)) for i in range(n)]
    w = Wire(iface)
    w.send_all(fr, rate)
    out("icmpflood", w.sent, w.failed, {})
    return 0


# ------------------------------------------------------------ raw TCP peer

class RawTcp:
    """A minimal TCP peer on raw frames (the guest kernel's RSTs for SPORT
    must be dropped by a firewall rule in the guest namespace)."""

    def __init__(self, iface, gw_mac, host, dport, sport):
        self.sa = scapy()
        self.w = Wire(iface)
        self.eth = bytes(self.sa.Ether(src=my_mac(iface), dst=gw_mac, type=0x0800))
        self.host, self.dport, self.sport = host, dport, sport
        self.seq = random.getrandbits(32)
        self.rcv_nxt = None
        self.log = []

    def send(self, flags, seq=None, data=b"", win=65535, ack=None, options=None):
        sa = self.sa
        t = sa.TCP(sport=self.sport, dport=self.dport, flags=flags,
                   seq=self.seq if seq is None else seq,
                   ack=(self.rcv_nxt or 0) if ack is None else ack, window=win,
                   options=options or [])
        self.w.send(self.eth + bytes(sa.IP(src=G, dst=self.host) / t / sa.Raw(data)))

    def recv(self, timeout):
        """The next segment of our connection: (flags, seq, ack, win, payload)."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            f = self.w.recv(left)
            if f is None or len(f) < 54 or f[12:14] != b"\x08\x00" or f[23] != 6:
                continue
            ihl = (f[14] & 15) * 4
            tot = struct.unpack("!H", f[16:18])[0]
            t = f[14 + ihl:14 + tot]
            sp, dp, seq, ack = struct.unpack("!HHII", t[:12])
            if sp != self.dport or dp != self.sport:
                continue
            doff = (t[12] >> 4) * 4
            win = struct.unpack("!H", t[14:16])[0]
            seg = (t[13], seq, ack, win, t[doff:])
            self.log.append(seg[:4] + (len(seg[4]),))
            return seg

    def connect(self, options=None, win=65535):
        self.send("S", options=options, win=win)
        self.seq += 1
        for _ in range(3):
            s = self.recv(3)
            if s is None:
                self.send("S", seq=self.seq - 1, options=options, win=win)
                continue
            if s[0] & 0x12 == 0x12 and s[2] == self.seq:
                self.rcv_nxt = (s[1] + 1) & 0xFFFFFFFF
                return s
            if s[0] & 0x04:
                raise SystemExit("connection refused by sluice: %r" % (s[:4],))
        raise SystemExit("no SYN-ACK")


def cmd_overlap(argv):
    iface, gw_mac, host, dport, sport, segfile = argv[0], argv[1], argv[2], int(argv[3]), \
        int(argv[4]), argv[5]
    c = RawTcp(iface, gw_mac, host, dport, sport)
    synack = c.connect(options=[("MSS", 0), ("WScale", 255), ("SAckOK", b"")])
    c.send("A")
    isn = c.seq
    segs = []

    def seg(off, data):
        segs.append([off, data.hex()])
        c.send("PA", seq=(isn + off) & 0xFFFFFFFF, data=data)

    rnd = random.Random(sport)

    def blk(ch, n):
        return bytes([ch]) * n

    # in order, then retransmissions overlapping what was delivered, with
    # other bytes
    seg(0, blk(0x41, 1000))
    time.sleep(0.05)
    seg(500, blk(0x42, 1000))		# overlaps [500, 1000), new [1000, 1500)
    time.sleep(0.05)
    seg(0, blk(0x43, 1500))		# a full duplicate, all different
    time.sleep(0.05)
    seg(1400, blk(0x44, 200))		# overlaps [1400, 1500)
    # out of order: a hole at [1600, 2000), overlapping pieces beyond it
    seg(3000, blk(0x45, 1000))		# [3000, 4000)
    seg(2500, blk(0x46, 1000))		# [2500, 3500) overlaps the queued one
    seg(3800, blk(0x47, 400))		# [3800, 4200)
    seg(2000, blk(0x48, 600))		# [2000, 2600)
    seg(2000, bytes(rnd.getrandbits(8) for _ in range(300)))
    time.sleep(0.1)
    seg(1600, blk(0x49, 500))		# fills the hole, overlaps [2000, 2100)
    time.sleep(0.1)
    seg(4100, blk(0x4A, 900))		# [4100, 5000)
    total = 5000
    # wait until everything is acknowledged
    end = time.monotonic() + 10
    acked = 0
    while time.monotonic() < end:
        s = c.recv(0.5)
        if s is None:
            c.send("A", seq=(isn + total) & 0xFFFFFFFF)
            continue
        acked = (s[2] - isn) & 0xFFFFFFFF
        if acked >= total:
            break
    # RFC 5961 on a connection whose numbers we know: a RST inside the
    # window but not at RCV.NXT and a SYN each get a challenge ACK, and the
    # connection goes on
    challenge = 0
    c.send("R", seq=(isn + total + 100) & 0xFFFFFFFF, ack=0)
    time.sleep(0.1)
    c.send("S", seq=(isn + total + 7) & 0xFFFFFFFF)
    end = time.monotonic() + 2
    while time.monotonic() < end and challenge < 2:
        s = c.recv(0.5)
        if s is not None and s[0] & 0x17 == 0x10 and s[2] == (isn + total) & 0xFFFFFFFF:
            challenge += 1
    c.seq = (isn + total) & 0xFFFFFFFF
    c.send("FA")
    end = time.monotonic() + 5
    fin_acked = False
    while time.monotonic() < end:
        s = c.recv(0.5)
        if s is None:
            continue
        if s[2] == (isn + total + 1) & 0xFFFFFFFF:
            fin_acked = True
        if s[0] & 0x01:		# the host closed too: ACK its FIN
            c.rcv_nxt = (s[1] + len(s[4]) + 1) & 0xFFFFFFFF
            c.seq = (isn + total + 1) & 0xFFFFFFFF
            c.send("A")
            break
    with open(segfile, "w") as f:
        json.dump({"total": total, "segs": segs}, f)
    print(json.dumps({"what": "overlap", "synack_win": synack[3], "acked": acked,
                      "challenge_acks": challenge, "fin_acked": fin_acked, "segments": len(segs)}), flush=True)
    return 0 if acked >= total and challenge >= 1 and fin_acked else 1


def cmd_overlap_check(argv):
    with open(argv[0]) as f:
        d = json.load(f)
    with open(argv[1], "rb") as f:
        got = f.read()
    total = d["total"]
    cand = [set() for _ in range(total)]
    for off, hx in d["segs"]:
        for i, ch in enumerate(bytes.fromhex(hx)):
            cand[off + i].add(ch)
    errs = []
    if len(got) != total:
        errs.append("length %d, want %d" % (len(got), total))
    if got[:1000] != b"A" * 1000 or got[1000:1500] != b"B" * 500:
        errs.append("in-order data was replaced by a retransmission: %r" % got[:1500:100])
    for i, ch in enumerate(got[:total]):
        if ch not in cand[i]:
            errs.append("byte %d is %r, not one sent there %r" % (i, ch, sorted(cand[i])))
            break
    print("overlap-check: %d bytes; %s" % (len(got), "; ".join(errs) or "consistent"))
    return 1 if errs else 0


def cmd_zerowin(argv):
    iface, gw_mac, host, dport, sport, secs = argv[0], argv[1], argv[2], int(argv[3]), \
        int(argv[4]), float(argv[5])
    c = RawTcp(iface, gw_mac, host, dport, sport)
    # no window scaling: our windows are exact byte counts
    c.connect(options=[("MSS", 1000)], win=0)
    c.send("A", win=0)
    r = {"what": "zerowin", "beyond_window": 0, "probes_zero": 0, "probes_shrunk": 0,
         "rexmit_shrunk": 0, "data_in_zero": 0, "bytes_in_open": 0}

    def hold(until, key, right):
        # window 0: answer every probe or retransmission with a zero-window
        # ACK, never take more
        while time.monotonic() < until:
            s = c.recv(0.5)
            if s is None:
                continue
            off = (s[1] - c.rcv_nxt) & 0xFFFFFFFF
            if len(s[4]) <= 1 and (off > 0x7FFFFFFF or len(s[4]) == 1):
                r[key] += 1			# a probe: SND.UNA - 1, or one byte
            elif len(s[4]) and right is None:
                r["data_in_zero"] += 1
            elif len(s[4]):
                r["rexmit_shrunk"] += 1		# data we once had room for
            if right is not None and len(s[4]) and \
                    ((s[1] + len(s[4]) - right) & 0xFFFFFFFF) < 0x7FFFFFFF and \
                    s[1] + len(s[4]) != right:
                r["beyond_window"] += 1		# past the right edge we ever offered
            c.send("A", win=0)

    # 1. window 0 from the SYN on: only probes may come
    hold(time.monotonic() + secs / 2, "probes_zero", None)
    # 2. open a window of 8000 bytes, take what comes
    base = c.rcv_nxt
    c.send("A", win=8000)
    got = 0
    end = time.monotonic() + 3
    while time.monotonic() < end and got < 8000:
        s = c.recv(0.3)
        if s is None:
            continue
        off = (s[1] - base) & 0xFFFFFFFF
        if len(s[4]) and off + len(s[4]) > 8000:
            r["beyond_window"] += 1
        got = max(got, off + len(s[4]))
    r["bytes_in_open"] = got
    # 3. shrink: acknowledge only 1000 bytes and advertise window 0 (the
    # right edge moves 7000 bytes to the left), then hold it there
    c.rcv_nxt = (base + 1000) & 0xFFFFFFFF
    c.send("A", win=0)
    hold(time.monotonic() + secs / 2, "probes_shrunk", (base + 8000) & 0xFFFFFFFF)
    # 4. a reset at the right sequence number ends the flow
    c.send("R", ack=0)
    r["segments"] = len(c.log)
    print(json.dumps(r), flush=True)
    return 0


# ------------------------------------------------------------ sockets

def cmd_paced_send(argv):
    listen = "--listen" in argv
    argv = [a for a in argv if a != "--listen"]
    host, port, size, secs = argv[0], int(argv[1]), int(argv[2]), float(argv[3])
    if listen:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((host, port))
        ls.listen(4)
        print("listening on %s:%d" % (host, port), flush=True)
        c, _ = ls.accept()
        ls.close()
    else:
        c = socket.create_connection((host, port), timeout=30)
        c.settimeout(None)
    print("connected", flush=True)
    h = hashlib.sha256()
    chunk = 256 * 1024
    t0 = time.monotonic()
    n = 0
    while n < size:
        b = os.urandom(min(chunk, size - n))
        h.update(b)
        c.sendall(b)
        n += len(b)
        ahead = t0 + secs * n / size - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
    c.close()
    print("sent bytes=%d sha=%s secs=%.2f" % (n, h.hexdigest(), time.monotonic() - t0),
          flush=True)
    return 0


def cmd_dump_server(argv):
    addr, port, path = argv[0], int(argv[1]), argv[2]
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4)
    print("dump server on %s:%d" % (addr, port), flush=True)
    c, _ = ls.accept()
    n = 0
    with open(path + ".tmp", "wb") as f:
        while True:
            try:
                d = c.recv(65536)
            except ConnectionResetError:
                print("reset", flush=True)
                break
            if not d:
                break
            f.write(d)
            n += len(d)
    os.rename(path + ".tmp", path)
    c.close()
    print("dumped bytes=%d" % n, flush=True)
    return 0


def cmd_rst_server(argv):
    """Accept connections; send NBYTES to each, then close with SO_LINGER 0
    (the peer sees a reset)."""
    addr, port, nbytes = argv[0], int(argv[1]), int(argv[2])
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(16)
    print("rst server on %s:%d" % (addr, port), flush=True)
    while True:
        c, peer = ls.accept()
        try:
            c.sendall(os.urandom(nbytes))
            time.sleep(0.3)
        except OSError:
            pass
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
        print("reset %s:%d after %d bytes" % (peer[0], peer[1], nbytes), flush=True)


def cmd_reset_client(argv):
    """Read until the connection ends: exit 0 when it ends with a reset."""
    host, port = argv[0], int(argv[1])
    c = socket.create_connection((host, port), timeout=10)
    n = 0
    try:
        while True:
            d = c.recv(65536)
            if not d:
                print("eof after bytes=%d" % n)
                return 1
            n += len(d)
    except ConnectionResetError:
        print("reset after bytes=%d" % n)
        return 0
    except socket.timeout:
        print("timeout after bytes=%d" % n)
        return 1


def cmd_timed_connect(argv):
    """One connect: prints "how=refused|reset|timeout|connected ms=T"."""
    host, port = argv[0], int(argv[1])
    limit = float(argv[2]) if len(argv) > 2 else 10
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(limit)
    t0 = time.monotonic()
    try:
        s.connect((host, port))
        how = "connected"
    except ConnectionRefusedError:
        how = "refused"
    except ConnectionResetError:
        how = "reset"
    except socket.timeout:
        how = "timeout"
    except OSError as e:
        how = "error:%s" % e.errno
    print("how=%s ms=%.0f" % (how, (time.monotonic() - t0) * 1000))
    return 0


def cmd_hold(argv):
    """hold HOST PORT N READY STOP: open N connections one after the other,
    echo 100 bytes on each that opens, write "ok=.. refused=.. ..." to
    READY, then wait for the file STOP (close all, exit) or, when STOP is
    "watch", watch the open ones for up to 30 s and count how they end."""
    import select
    host, port, n, ready, stop = argv[0], int(argv[1]), int(argv[2]), argv[3], argv[4]
    import resource
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    socks, res = [], {"ok": 0, "refused": 0, "reset": 0, "timeout": 0, "error": 0,
                      "echo_bad": 0}
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((host, port))
            s.sendall(b"x" * 100)
            got = b""
            while len(got) < 100:
                d = s.recv(100 - len(got))
                if not d:
                    break
                got += d
            if got != b"x" * 100:
                res["echo_bad"] += 1
            res["ok"] += 1
            socks.append(s)
        except ConnectionRefusedError:
            res["refused"] += 1
            s.close()
        except ConnectionResetError:
            res["reset"] += 1
            s.close()
        except socket.timeout:
            res["timeout"] += 1
            s.close()
        except OSError:
            res["error"] += 1
            s.close()
    line = " ".join("%s=%d" % kv for kv in res.items())
    print("opened " + line, flush=True)
    with open(ready + ".tmp", "w") as f:
        f.write(line + "\n")
    os.rename(ready + ".tmp", ready)
    if stop != "watch":
        while not os.path.exists(stop):
            time.sleep(0.1)
        for s in socks:
            s.close()
        print("closed %d" % len(socks), flush=True)
        return 0
    ends = {"reset": 0, "eof": 0, "open": 0}
    live = {s.fileno(): s for s in socks}
    end = time.monotonic() + 30
    while live and time.monotonic() < end:
        r, _, _ = select.select(list(live.values()), [], [], 0.5)
        for s in r:
            try:
                d = s.recv(100)
                if d:
                    continue
                ends["eof"] += 1
            except ConnectionResetError:
                ends["reset"] += 1
            except OSError:
                ends["reset"] += 1
            del live[s.fileno()]
            s.close()
    ends["open"] = len(live)
    print("ended " + " ".join("%s=%d" % kv for kv in ends.items()), flush=True)
    return 0


CMDS = {
    "rst-server": cmd_rst_server, "reset-client": cmd_reset_client,
    "timed-connect": cmd_timed_connect, "hold": cmd_hold,
    "frames": cmd_frames, "blind": cmd_blind, "synflood": cmd_synflood,
    "udpsweep": cmd_udpsweep, "icmpflood": cmd_icmpflood, "overlap": cmd_overlap,
    "overlap-check": cmd_overlap_check, "zerowin": cmd_zerowin,
    "paced-send": cmd_paced_send, "dump-server": cmd_dump_server,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CMDS:
        print(__doc__)
        sys.exit(2)
    sys.exit(CMDS[sys.argv[1]](sys.argv[2:]))
