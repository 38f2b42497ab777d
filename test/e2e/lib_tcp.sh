# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/lib_tcp.sh: helpers for the TCP relay and port forwarding tests
# (test_tcp.sh, test_forward.sh, test/bench/forward_latency.sh). Source it
# after lib.sh. It writes $TCP_TOOLS, a stdlib-only python helper run inside
# the namespaces (always with /usr/bin/python3: see $TCP_PY), and adds:
#
#   tcp_bg NS NAME CMD...       e2e_bg with the log in $E2E_DIR/NAME.log
#                               (PID in E2E_BG_PID, log in TCP_BG_LOG)
#   tcp_wait_listen NS PROTO PORT [SECS]   until NS has a socket on PORT
#   tcp_wait_pid PID SECS       wait for one of our background processes;
#                               kills it after SECS; status in TCP_WAIT_STATUS
#   tcp_loss_on NS PERCENT / tcp_loss_off NS   random loss with nftables
#   tcp_tune_guest              txqueuelen 20000 on the tap in slg
#   tcp_rss_kb PID              VmRSS of PID in KiB
#   tcp_counter NAME [LOG]      a counter from sluice's exit report (0 if
#                               absent), default log $E2E_SLUICE_LOG
#   tcp_counters                the whole exit report (for FAIL details)
#   tcp_field WORD FILE         the value after WORD= in FILE's last line
#                               that has it
#   tcp_loss_dropped NS         packets the loss table of NS dropped so far
#   tcp_ss NS                   `ss -tnio` of NS (for FAIL details)
#   tcp_xfer DESC LIMIT MODE SIZE SNS SADDR SPORT CNS CHOST CPORT
#                               a bulk transfer checked by size and sha256
#                               (see the function for the knobs)
#   tcp_many DESC NS HOST PORT N SIZE LIMIT   N concurrent echo-checked
#                               connections
#   tcp_guest_server NAME PORT CMD...   a server in the guest, waited for
#
# tcp_tools.py commands (run "python3 tcp_tools.py" for the list):
#   send HOST PORT SIZE [--listen] [--pause S]
#       connect (or with --listen, bind HOST:PORT and accept one), optionally
#       wait S s, send SIZE random bytes, shut down the write side, read to
#       EOF; prints "sent bytes=N sha=HEX secs=T stall=T stall_end=M": the
#       longest time one 64 KiB send blocked and when it returned (monotonic
#       clock, which all namespaces share)
#   recv HOST PORT [--listen] [--pause S]
#       connect or accept one, optionally wait S s before the first read,
#       read to EOF; prints "resume=M" (monotonic clock) when the pause
#       ends, then "recv bytes=N sha=HEX drain=T total=T": drain is the
#       time from the end of the pause to EOF
#   hash-server ADDR PORT EXTRA     accept one, read to EOF, reply with the
#       sha256 hex of what came and a newline, then EXTRA pattern bytes
#   half-close HOST PORT SIZE EXTRA  the client side of hash-server: send,
#       shutdown(SHUT_WR), check the reply; exit 0 when it is right
#   refused HOST PORT       connect must raise ConnectionRefusedError within
#       1 s; prints "refused ms=T"
#   fwd-refused HOST PORT   connect to a forward whose guest port is closed:
#       the connection must be reset or closed without data within 1 s;
#       prints "closed how=reset|eof|refused ms=T"
#   echo-server ADDR PORT   asyncio echo server (backlog 4096)
#   many HOST PORT N SIZE [SECS]  N concurrent connections each sending SIZE
#       random bytes and checking the echo; prints "many ok=K of N ..."
#   banner-server ADDR PORT...  on accept, send "port=PORT\n" and close
#   banner HOST PORT        prints the banner read from HOST:PORT
#   listen ADDR PORT        a listener that accepts and holds connections
#   first-byte-server ADDR PORT  on accept, send one byte at once and close
#   sniff-syn IFACE PORT    prints "syn NS SPORT" (kernel receive time,
#       ns since the epoch) for every
#       first SYN to PORT seen on IFACE (AF_PACKET)
#   reply-reset-server ADDR PORT SIZE  for each connection: read 10 bytes
#       of the request, send SIZE random bytes, wait until the peer has
#       acknowledged them all (SIOCOUTQ 0), close with the rest of the
#       request unread (Linux then resets the connection); prints
#       "sent bytes=N sha=HEX" per connection
#   reply-reset-client HOST PORT SIZE [--pause S]  a small receive
#       buffer, send a 64 KiB request, read all but the last 64 KiB of a
#       SIZE-byte reply, wait S s (the rest piles up in the sockets on the
#       way), read until EOF or a reset; prints
#       "recv bytes=N sha=HEX how=eof|reset"
#   latency HOST PORT N     N sequential connects; prints
#       "conn T0_NS T1_NS" per connection (before connect(), first byte
#       read; ns since the epoch)

TCP_PY=/usr/bin/python3		# the guest side must use the system python
TCP_TOOLS=$E2E_DIR/tcp_tools.py
TCP_BG_LOG=

tcp_bg() {
	local ns=$1 name=$2
	shift 2
	TCP_BG_LOG=$E2E_DIR/$name.log
	e2e_bg "$ns" "$TCP_BG_LOG" "$@"
}

# tcp_listening NS PROTO PORT: some socket of NS listens on (tcp) or is
# bound to (udp) PORT.
tcp_listening() {
	local ns=$1 proto=$2 port=$3
	if [[ $proto == udp ]]; then
		ip netns exec "$ns" ss -Hnlu "sport = :$port" 2>/dev/null | grep -q .
	else
		ip netns exec "$ns" ss -Hnlt "sport = :$port" 2>/dev/null | grep -q .
	fi
}

tcp_wait_listen() { e2e_wait_for "${4:-10}" tcp_listening "$1" "$2" "$3"; }

# tcp_wait_pid PID SECS: wait for a background process of ours to end by
# itself; after SECS it is killed (TCP_WAIT_STATUS 124 then).
tcp_wait_pid() {
	local pid=$1 deadline=$((SECONDS + $2))
	while kill -0 "$pid" 2>/dev/null &&
		[[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]]; do
		if ((SECONDS >= deadline)); then
			e2e_kill_pid "$pid" TERM
			TCP_WAIT_STATUS=124
			return 1
		fi
		sleep 0.1
	done
	TCP_WAIT_STATUS=0
	wait "$pid" 2>/dev/null || TCP_WAIT_STATUS=$?
	e2e_untrack_pid "$pid"
	((TCP_WAIT_STATUS == 0))
}

# tcp_loss_on NS PERCENT: drop PERCENT % of the packets NS receives and
# sends (all interfaces; the guest has only the tap and lo, and lo carries
# nothing in these tests). nftables "meta random" is a 32-bit value.
tcp_loss_on() {
	local ns=$1 pct=$2 thr
	thr=$((4294967296 * pct / 100))
	ip netns exec "$ns" nft -f - <<EOF
table inet sluice_loss {
	chain in { type filter hook input priority 0; meta random < $thr counter drop; }
	chain out { type filter hook output priority 0; meta random < $thr counter drop; }
}
EOF
}

tcp_loss_off() {
	ip netns exec "$1" nft delete table inet sluice_loss 2>/dev/null || true
}

# tcp_loss_dropped NS: packets dropped so far by the loss table of NS.
tcp_loss_dropped() {
	ip netns exec "$1" nft list table inet sluice_loss 2>/dev/null |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) } END { print n + 0 }'
}

# tcp_tune_guest: a longer tap queue in the guest: 1000 connections opening
# at once overflow the default 1000-packet queue of the tap
tcp_tune_guest() {
	ip -n "$E2E_G" link set dev "$E2E_TAP" txqueuelen 20000
}

tcp_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# tcp_counter NAME [LOG]: value of counter NAME in sluice's exit report.
tcp_counter() {
	local log=${2:-$E2E_SLUICE_LOG} v
	v=$(sed -n '/^sluice: counters/,$p' "$log" 2>/dev/null |
		awk -v n="$1" '$1 == n { print $2; exit }')
	echo "${v:-0}"
}

# tcp_counters: the exit report of the last sluice, for FAIL details.
tcp_counters() {
	sed -n '/^sluice: counters/,$p' "$E2E_SLUICE_LOG" 2>/dev/null
}

# tcp_field WORD FILE: VALUE of the last "WORD=VALUE" in FILE.
tcp_field() {
	grep -o "\\b$1=[^ ]*" "$2" 2>/dev/null | tail -n 1 | cut -d= -f2-
}

cat >"$TCP_TOOLS" <<'EOF'
"""tcp_tools.py: TCP test helpers for the sluice e2e tests (generated by
test/e2e/lib_tcp.sh; stdlib only)."""
import asyncio
import hashlib
import os
import resource
import socket
import struct
import sys
import time

CHUNK = 1 << 20


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 16384 if hard == resource.RLIM_INFINITY else min(hard, 16384)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def opts(argv, names):
    """Split --name VALUE / --flag options from positional arguments."""
    pos, out = [], {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--"):
            n = a[2:]
            if names.get(n):
                out[n] = argv[i + 1]
                i += 2
                continue
            out[n] = True
        else:
            pos.append(a)
        i += 1
    return pos, out


def endpoint(host, port, listen):
    """A connected socket: accept one on host:port, or connect to it."""
    if listen:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        s.listen(8)
        print("listening on %s:%d" % (host, port), flush=True)
        c, peer = s.accept()
        s.close()
        print("accepted %s:%d" % peer, flush=True)
        return c
    c = socket.create_connection((host, port), timeout=30)
    c.settimeout(None)
    print("connected to %s:%d" % (host, port), flush=True)
    return c


def cmd_send(argv):
    pos, o = opts(argv, {"pause": 1})
    host, port, size = pos[0], int(pos[1]), int(pos[2])
    c = endpoint(host, port, o.get("listen"))
    if o.get("pause"):
        time.sleep(float(o["pause"]))
    h = hashlib.sha256()
    t0 = time.monotonic()
    left = size
    stall, stall_end = 0.0, 0.0
    while left > 0:
        b = os.urandom(min(left, CHUNK))
        h.update(b)
        left -= len(b)
        # small sends: one that blocks long shows when the peer's window
        # was closed and when it opened again
        for i in range(0, len(b), 65536):
            ts = time.monotonic()
            c.sendall(b[i:i + 65536])
            te = time.monotonic()
            if te - ts > stall:
                stall, stall_end = te - ts, te
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
    c.close()
    print("sent bytes=%d sha=%s secs=%.3f stall=%.3f stall_end=%.6f"
          % (size, h.hexdigest(), time.monotonic() - t0, stall, stall_end), flush=True)
    return 0


def cmd_recv(argv):
    pos, o = opts(argv, {"pause": 1})
    host, port = pos[0], int(pos[1])
    c = endpoint(host, port, o.get("listen"))
    t0 = time.monotonic()
    if o.get("pause"):
        time.sleep(float(o["pause"]))
    t1 = time.monotonic()
    print("resume=%.6f" % t1, flush=True)
    h = hashlib.sha256()
    n = 0
    while True:
        b = c.recv(CHUNK)
        if not b:
            break
        h.update(b)
        n += len(b)
    t2 = time.monotonic()
    c.close()
    print("recv bytes=%d sha=%s drain=%.3f total=%.3f"
          % (n, h.hexdigest(), t2 - t1, t2 - t0), flush=True)
    return 0


def pattern(n):
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"sluice-%d" % i).digest()
        i += 1
    return bytes(out[:n])


def cmd_hash_server(argv):
    addr, port, extra = argv[0], int(argv[1]), int(argv[2])
    c = endpoint(addr, port, True)
    h = hashlib.sha256()
    n = 0
    while True:
        b = c.recv(CHUNK)
        if not b:
            break
        h.update(b)
        n += len(b)
    print("got EOF after %d bytes; replying" % n, flush=True)
    c.sendall(h.hexdigest().encode() + b"\n" + pattern(extra))
    c.close()
    return 0


def cmd_half_close(argv):
    host, port, size, extra = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    data = os.urandom(size)
    c = socket.create_connection((host, port), timeout=30)
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    got = bytearray()
    while True:
        b = c.recv(CHUNK)
        if not b:
            break
        got += b
    c.close()
    want = hashlib.sha256(data).hexdigest().encode() + b"\n" + pattern(extra)
    if bytes(got) == want:
        print("half-close: sent %d bytes, write side shut; reply of %d bytes "
              "(sha256 of our data + %d bytes) is right" % (size, len(got), extra))
        return 0
    print("half-close: reply differs: %d bytes, want %d; first line %r"
          % (len(got), len(want), bytes(got[:65])))
    return 1


def cmd_refused(argv):
    host, port = argv[0], int(argv[1])
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    t0 = time.monotonic()
    try:
        s.connect((host, port))
    except ConnectionRefusedError:
        ms = (time.monotonic() - t0) * 1000
        print("refused ms=%.1f" % ms)
        return 0 if ms < 1000 else 1
    except OSError as e:
        print("not refused: %r after ms=%.1f" % (e, (time.monotonic() - t0) * 1000))
        return 1
    print("connected (want refused) ms=%.1f" % ((time.monotonic() - t0) * 1000))
    return 1


def cmd_fwd_refused(argv):
    host, port = argv[0], int(argv[1])
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    t0 = time.monotonic()
    how = None
    try:
        s.connect((host, port))
        d = s.recv(100)
        how = "eof" if not d else "data"
    except ConnectionRefusedError:
        how = "refused"
    except ConnectionResetError:
        how = "reset"
    except socket.timeout:
        how = "timeout"
    ms = (time.monotonic() - t0) * 1000
    print("closed how=%s ms=%.1f" % (how, ms))
    return 0 if how in ("reset", "eof", "refused") and ms < 1000 else 1


async def echo_handler(r, w):
    try:
        while True:
            d = await r.read(65536)
            if not d:
                break
            w.write(d)
            await w.drain()
    except ConnectionError:
        pass
    w.close()


def cmd_echo_server(argv):
    raise_nofile()
    addr, port = argv[0], int(argv[1])

    async def main():
        s = await asyncio.start_server(echo_handler, addr, port, backlog=4096,
                                       reuse_address=True)
        print("echo server on %s:%d" % (addr, port), flush=True)
        async with s:
            await s.serve_forever()
    asyncio.run(main())
    return 0


def cmd_many(argv):
    raise_nofile()
    host, port, n, size = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    limit = float(argv[4]) if len(argv) > 4 else 120

    async def one(i):
        r, w = await asyncio.open_connection(host, port)
        data = os.urandom(size)

        async def send():
            w.write(data)
            await w.drain()
            w.write_eof()
        t = asyncio.create_task(send())
        got = bytearray()
        while True:
            d = await r.read(65536)
            if not d:
                break
            got += d
        await t
        w.close()
        return bytes(got) == data or "echo differs: %d of %d bytes" % (len(got), size)

    async def main():
        t0 = time.monotonic()
        tasks = [asyncio.create_task(one(i)) for i in range(n)]
        done, pending = await asyncio.wait(tasks, timeout=limit)
        for t in pending:
            t.cancel()
        ok = 0
        bad = {}
        for t in done:
            x = t.exception() or t.result()
            if x is True:
                ok += 1
            else:
                k = repr(x)[:120]
                bad[k] = bad.get(k, 0) + 1
        if pending:
            bad["still running after %g s" % limit] = len(pending)
        print("many ok=%d of %d size=%d secs=%.2f errors=%s"
              % (ok, n, size, time.monotonic() - t0, bad or "none"))
        return 0 if ok == n else 1
    return asyncio.run(main())


def cmd_banner_server(argv):
    addr, ports = argv[0], [int(p) for p in argv[1:]]

    async def main():
        servers = []
        for p in ports:
            async def h(r, w, p=p):
                w.write(b"port=%d\n" % p)
                await w.drain()
                w.close()
            servers.append(await asyncio.start_server(h, addr, p, reuse_address=True))
        print("banner servers on %s" % ports, flush=True)
        await asyncio.gather(*[s.serve_forever() for s in servers])
    asyncio.run(main())
    return 0


def cmd_banner(argv):
    c = socket.create_connection((argv[0], int(argv[1])), timeout=5)
    got = b""
    while True:
        d = c.recv(100)
        if not d:
            break
        got += d
    print(got.decode(errors="replace").strip())
    return 0


def cmd_listen(argv):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((argv[0], int(argv[1])))
    s.listen(16)
    print("listening on %s:%s" % (argv[0], argv[1]), flush=True)
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)


def cmd_first_byte_server(argv):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((argv[0], int(argv[1])))
    s.listen(64)
    print("first-byte server on %s:%s" % (argv[0], argv[1]), flush=True)
    while True:
        c, _ = s.accept()
        c.send(b"x")
        c.close()


def cmd_sniff_syn(argv):
    """Kernel receive time of every first SYN (no ACK) to PORT on IFACE."""
    iface, port = argv[0], int(argv[1])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((iface, 0))
    SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    seen = set()
    print("sniffing on %s" % iface, flush=True)
    while True:
        data, anc, _, addr = s.recvmsg(256, 256)
        if addr[2] == socket.PACKET_OUTGOING or len(data) < 14 + 20 + 20:
            continue
        ip = data[14:]
        if ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        tcp = ip[ihl:]
        sport, dport, seq = struct.unpack("!HHI", tcp[:8])
        flags = tcp[13]
        if dport != port or flags & 0x12 != 0x02:
            continue
        key = (ip[12:16], sport, seq)
        if key in seen:
            continue
        seen.add(key)
        ts = None
        for lvl, typ, val in anc:
            if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", val[:16])
                ts = sec * 1000000000 + nsec
        if ts is None:
            ts = time.time_ns()
        print("syn %d %d" % (ts, sport), flush=True)


def cmd_reply_reset_server(argv):
    import fcntl
    import termios
    addr, port, size = argv[0], int(argv[1]), int(argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(8)
    print("reply-reset server on %s:%d" % (addr, port), flush=True)
    while True:
        c, _ = s.accept()
        c.recv(10)
        data = os.urandom(size)
        c.sendall(data)
        outq = struct.pack("i", 0)
        for _ in range(3000):
            n = struct.unpack("i", fcntl.ioctl(c, termios.TIOCOUTQ, outq))[0]
            if n == 0:
                break
            time.sleep(0.01)
        c.close()   # request bytes unread: the kernel sends a RST
        print("sent bytes=%d sha=%s outq=%d" % (size, hashlib.sha256(data).hexdigest(), n),
              flush=True)


def cmd_reply_reset_client(argv):
    pos, o = opts(argv, {"pause": 1})
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    c.settimeout(30)
    c.connect((pos[0], int(pos[1])))
    c.sendall(b"q" * 65536)
    h = hashlib.sha256()
    n, how, paused = 0, "eof", False
    try:
        while True:
            if not paused and n >= int(pos[2]) - 65536:
                time.sleep(float(o.get("pause", 0)))
                paused = True
            b = c.recv(4096 if not paused else 65536)
            if not b:
                break
            h.update(b)
            n += len(b)
    except ConnectionResetError:
        how = "reset"
    print("recv bytes=%d sha=%s how=%s" % (n, h.hexdigest(), how), flush=True)
    return 0


def cmd_latency(argv):
    host, port, n = argv[0], int(argv[1]), int(argv[2])
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        t0 = time.time_ns()
        s.connect((host, port))
        d = s.recv(1)
        t1 = time.time_ns()
        s.close()
        if not d:
            print("no first byte", flush=True)
            return 1
        print("conn %d %d" % (t0, t1), flush=True)
        time.sleep(0.005)
    return 0


CMDS = {
    "send": cmd_send, "recv": cmd_recv, "hash-server": cmd_hash_server,
    "half-close": cmd_half_close, "refused": cmd_refused,
    "fwd-refused": cmd_fwd_refused, "echo-server": cmd_echo_server,
    "many": cmd_many, "banner-server": cmd_banner_server, "banner": cmd_banner,
    "listen": cmd_listen, "first-byte-server": cmd_first_byte_server,
    "sniff-syn": cmd_sniff_syn, "latency": cmd_latency,
    "reply-reset-server": cmd_reply_reset_server,
    "reply-reset-client": cmd_reply_reset_client,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CMDS:
        print("commands: " + " ".join(sorted(CMDS)))
        sys.exit(2)
    sys.exit(CMDS[sys.argv[1]](sys.argv[2:]))
EOF

# tcp_ss NS: socket details of NS (for FAIL details)
# tcp_guest_server NAME PORT CMD...: a server in the guest (its PID in
# E2E_BG_PID), up on PORT (udp when NAME starts with "udp")
tcp_guest_server() {
	local name=$1 port=$2 proto=tcp
	shift 2
	[[ $name == udp* ]] && proto=udp
	tcp_bg "$E2E_G" "$name" "$@"
	if ! tcp_wait_listen "$E2E_G" "$proto" "$port" 10; then
		e2e_fail "guest server $name listens on $proto $port" "$(cat "$TCP_BG_LOG")"
		return 1
	fi
}

tcp_ss() { ip netns exec "$1" ss -tnio 2>&1 | head -n 40; }

TCP_XFER_N=0

# tcp_xfer DESC LIMIT MODE SIZE SNS SADDR SPORT CNS CHOST CPORT: one bulk
# transfer of SIZE bytes between a server in SNS (listening on SADDR:SPORT)
# and a client in CNS connecting to CHOST:CPORT. MODE down: the server
# sends; up: the client sends. TCP_SPAUSE / TCP_CPAUSE: seconds the server /
# client waits after the connection is up (the receiving side then does not
# read). TCP_XFER_HOOK: a function called about every 0.2 s while it runs.
# Both sides must finish within LIMIT seconds and agree on size and sha256.
# PASS/FAIL line DESC with the rate; logs in TCP_XFER_SLOG / TCP_XFER_CLOG,
# TCP_XFER_SECS the duration.
tcp_xfer() {
	local desc=$1 limit=$2 mode=$3 size=$4 sns=$5 saddr=$6 sport=$7
	local cns=$8 chost=$9 cport=${10}
	local -a scmd ccmd
	TCP_XFER_N=$((TCP_XFER_N + 1))
	if [[ $mode == down ]]; then
		scmd=(send "$saddr" "$sport" "$size" --listen)
		ccmd=(recv "$chost" "$cport")
	else
		scmd=(recv "$saddr" "$sport" --listen)
		ccmd=(send "$chost" "$cport" "$size")
	fi
	[[ -n ${TCP_SPAUSE:-} ]] && scmd+=(--pause "$TCP_SPAUSE")
	[[ -n ${TCP_CPAUSE:-} ]] && ccmd+=(--pause "$TCP_CPAUSE")
	tcp_bg "$sns" "xfer$TCP_XFER_N-server" "$TCP_PY" "$TCP_TOOLS" "${scmd[@]}"
	local spid=$E2E_BG_PID
	TCP_XFER_SLOG=$TCP_BG_LOG
	if ! tcp_wait_listen "$sns" tcp "$sport" 10; then
		e2e_kill_pid "$spid"
		e2e_fail "$desc" "server did not listen on $saddr:$sport in $sns" "$(cat "$TCP_XFER_SLOG")"
		return 1
	fi
	local t0=$EPOCHREALTIME
	tcp_bg "$cns" "xfer$TCP_XFER_N-client" "$TCP_PY" "$TCP_TOOLS" "${ccmd[@]}"
	local cpid=$E2E_BG_PID
	TCP_XFER_CLOG=$TCP_BG_LOG
	local deadline=$((SECONDS + limit)) timed_out=0 diag=
	while { kill -0 "$cpid" 2>/dev/null && [[ $(ps -o stat= -p "$cpid") != Z* ]]; } ||
		{ kill -0 "$spid" 2>/dev/null && [[ $(ps -o stat= -p "$spid") != Z* ]]; }; do
		if ((SECONDS >= deadline)); then
			timed_out=1
			diag="$(printf 'guest sockets:\n%s\nhost sockets:\n%s' \
				"$(tcp_ss "$E2E_G")" "$(tcp_ss "$E2E_H")")"
			break
		fi
		[[ -n ${TCP_XFER_HOOK:-} ]] && "$TCP_XFER_HOOK"
		sleep 0.2
	done
	TCP_XFER_SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	e2e_kill_pid "$cpid"
	local crc=$E2E_KILL_STATUS
	e2e_kill_pid "$spid"
	local src=$E2E_KILL_STATUS
	local sbytes cbytes ssha csha
	sbytes=$(tcp_field bytes "$TCP_XFER_SLOG")
	cbytes=$(tcp_field bytes "$TCP_XFER_CLOG")
	ssha=$(tcp_field sha "$TCP_XFER_SLOG")
	csha=$(tcp_field sha "$TCP_XFER_CLOG")
	if ((timed_out == 0 && crc == 0 && src == 0)) && [[ $sbytes == "$size" &&
		$cbytes == "$size" && -n $ssha && $ssha == "$csha" ]]; then
		local rate
		rate=$(awk -v s="$size" -v t="$TCP_XFER_SECS" 'BEGIN { printf "%.0f", s / 1048576 / (t > 0 ? t : 1) }')
		e2e_pass "$desc (${TCP_XFER_SECS} s, ~$rate MiB/s, sha256 ${ssha:0:16}...)"
		return 0
	fi
	e2e_fail "$desc" "timed out: $timed_out (limit $limit s), after $TCP_XFER_SECS s;" \
		"server exit $src, client exit $crc" \
		"server ($sns ${scmd[*]}):" "$(tail -n 5 "$TCP_XFER_SLOG")" \
		"client ($cns ${ccmd[*]}):" "$(tail -n 5 "$TCP_XFER_CLOG")" \
		"$diag" "$(e2e_log_tail "$E2E_SLUICE_LOG" 10)"
	return 1
}

# tcp_many DESC NS HOST PORT N SIZE LIMIT: N concurrent connections from NS
# to HOST:PORT, each echo-checked, within LIMIT seconds (PASS line has the
# duration).
tcp_many() {
	local desc=$1 ns=$2 host=$3 port=$4 n=$5 size=$6 limit=$7 out rc=0
	out=$(timeout $((limit + 10)) ip netns exec "$ns" "$TCP_PY" "$TCP_TOOLS" many \
		"$host" "$port" "$n" "$size" "$limit" 2>&1) || rc=$?
	if ((rc == 0)); then
		local secs=${out##*secs=}
		e2e_pass "$desc (all $n in ${secs%% *} s)"
		return 0
	fi
	e2e_fail "$desc" "exit status $rc" "$out" "$(e2e_log_tail "$E2E_SLUICE_LOG" 10)"
	return 1
}
