#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# relay.sh: guest->host, 1 stream, on one topology: host loopback, sluice
# (net_af_packet, the README's recommended ring, guest offloads on), and the
# reference relay test/bench/sl_refrelay (the kernel's TCP on both legs:
# copy mode, copy mode spinning, splice), interleaved, REPS repetitions;
# with each run the schedstat run and wait shares of the guest's iperf3
# client, the host's iperf3 server and the relaying task (sluice's worker or
# sl_refrelay) over its middle 2 seconds.
#
# Usage (root): B=BUILD_DIR [REPS=5] [OUT=FILE] [RELAY_MTU=65520]
#   [AFP=framesz=16384,blocksz=16384,framecnt=128] docs/bench/issue17/s11/relay.sh
# [AFP2=DEVARGS] [RELAYS=1]
# RELAY_MTU: the MTU of the relay's veth; AFP: sluice's port devargs (the
# guest's MTU follows its framesz, less 80); AFP2: a second sluice with
# these devargs, its own guest namespace rlg2 (veth rlf2h/rlf2g, prefix
# rlpfx2), measured in the same repetitions (an A/B of two rings); RELAYS=0:
# no relay rows.
# Uses namespaces rlh (host) and rlg (guest), veths rlfh/rlfg (sluice's
# port) and rlvh/rlvg (the relay's route, 198.51.100.1/.2), file prefix
# rlpfx; removes them all at the end.
set -u
B=${B:?B=build dir}
REPS=${REPS:-5}
OUT=${OUT:-/dev/stdout}
H=rlh G=rlg T=$(mktemp -d)
PORT=15301 RPORT=15302
RELAY_MTU=${RELAY_MTU:-65520}
AFP=${AFP:-framesz=16384,blocksz=16384,framecnt=128}
AFP2=${AFP2:-}
RELAYS=${RELAYS:-1}

cleanup() {
	[ -f "$T/relay.pid" ] && kill "$(cat "$T/relay.pid")" 2>/dev/null
	[ -f "$T/sluice.pid" ] && kill "$(cat "$T/sluice.pid")" 2>/dev/null
	[ -f "$T/sluice2.pid" ] && kill "$(cat "$T/sluice2.pid")" 2>/dev/null
	[ -f "$T/iperf3.pid" ] && kill "$(cat "$T/iperf3.pid")" 2>/dev/null
	sleep 1
	ip netns del $G 2>/dev/null
	ip netns del ${G}2 2>/dev/null
	ip netns del $H 2>/dev/null
	rm -rf /etc/netns/$G /etc/netns/${G}2 "$T" /var/run/dpdk/rlpfx \
		/var/run/dpdk/rlpfx2
}
trap cleanup EXIT

ip netns add $H && ip netns add $G || exit 1
mkdir -p /etc/netns/$G && echo "nameserver 127.0.0.1" > /etc/netns/$G/resolv.conf
ip -n $H link set lo up; ip -n $G link set lo up
ip -n $H link add rlfh type veth peer name rlfg netns $G
ip -n $H link set rlfh mtu 65520 up
ip -n $G link set rlfg up txqueuelen 10000
ip -n $H link add rlvh type veth peer name rlvg netns $G
ip -n $H addr add 198.51.100.1/24 dev rlvh
ip -n $G addr add 198.51.100.2/24 dev rlvg
ip -n $H link set rlvh mtu "$RELAY_MTU" up
ip -n $G link set rlvg mtu "$RELAY_MTU" up
ip netns exec $H iperf3 -s -B 127.0.0.1 -p $PORT -D --pidfile "$T/iperf3.pid"
ip netns exec $H "$B/app/sluice" --no-pci --no-huge -m 512 --file-prefix rlpfx \
	-l 0,1 --vdev "net_af_packet0,iface=rlfh,$AFP" \
	> "$T/sluice.log" 2>&1 &
echo $! > "$T/sluice.pid"
for _ in $(seq 60); do grep -q "sluice: ready" "$T/sluice.log" && break; sleep 0.5; done
ip netns exec $G busybox udhcpc -i rlfg -n -q -f -t 5 -T 2 -O mtu -s "$(dirname "$0")/../udhcpc.sh" >/dev/null 2>&1
if [ -n "$AFP2" ]; then
	ip netns add ${G}2 || exit 1
	mkdir -p /etc/netns/${G}2
	echo "nameserver 127.0.0.1" > /etc/netns/${G}2/resolv.conf
	ip -n ${G}2 link set lo up
	ip -n $H link add rlf2h type veth peer name rlf2g netns ${G}2
	ip -n $H link set rlf2h mtu 65520 up
	ip -n ${G}2 link set rlf2g up txqueuelen 10000
	ip netns exec $H "$B/app/sluice" --no-pci --no-huge -m 512 \
		--file-prefix rlpfx2 -l 0,1 \
		--vdev "net_af_packet0,iface=rlf2h,$AFP2" > "$T/sluice2.log" 2>&1 &
	echo $! > "$T/sluice2.pid"
	for _ in $(seq 60); do grep -q "sluice: ready" "$T/sluice2.log" && break; sleep 0.5; done
	ip netns exec ${G}2 busybox udhcpc -i rlf2g -n -q -f -t 5 -T 2 -O mtu \
		-s "$(dirname "$0")/../udhcpc.sh" >/dev/null 2>&1
	WORKER2=$(grep -l rte-worker /proc/"$(cat "$T/sluice2.pid")"/task/*/comm | head -1 | xargs dirname)
fi
SL=$(cat "$T/sluice.pid")
WORKER=$(grep -l rte-worker /proc/"$SL"/task/*/comm | head -1 | xargs dirname)
SRV=/proc/$(cat "$T/iperf3.pid")

# one iperf3 run: prints "Gbit/s client_run client_wait server_run
# server_wait relay_run relay_wait" (percent of one CPU; for the loopback
# row the "relaying task" is sluice's idle worker)
one() {	# NS TARGET PORT RELAY_TASK_DIR
	ip netns exec "$1" iperf3 -c "$2" -p "$3" -t 4 -J > "$T/run.json" &
	local ip=$! c s0 p k=0 out=""
	sleep 1
	c=/proc/$(pgrep -f "iperf3 -c $2 -p $3" | head -1)
	for p in "$c" "$SRV" "$4"; do
		s0[$k]=$(cat "$p/schedstat" 2>/dev/null || echo "0 0 0"); k=$((k + 1))
	done
	sleep 2
	k=0
	for p in "$c" "$SRV" "$4"; do
		read -r a b _ < <(cat "$p/schedstat" 2>/dev/null || echo "0 0 0")
		read -r a0 b0 _ <<< "${s0[$k]}"
		out="$out $(( (a - a0) / 20000000 )) $(( (b - b0) / 20000000 ))"
		k=$((k + 1))
	done
	wait $ip
	echo "$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d["end"]["sum_received"]["bits_per_second"]/1e9,2))' "$T/run.json")$out"
}

relay() {	# MODE...: start sl_refrelay, run, stop
	ip netns exec $H "$B/test/bench/sl_refrelay" "$@" \
		198.51.100.1:$RPORT=127.0.0.1:$PORT 2>/dev/null &
	local rp=$!
	echo $rp > "$T/relay.pid"	# for cleanup: this runs in a subshell
	sleep 0.3
	one $G 198.51.100.1 $RPORT /proc/$rp
	kill $rp; wait $rp 2>/dev/null; rm -f "$T/relay.pid"
}

{
echo "# guest->host, 1 stream, $REPS repetitions, $(date -u '+%F %T') UTC, $(git -C "$(dirname "$0")" rev-parse --short HEAD); sluice $AFP (guest MTU $(ip -n $G -o link show rlfg | sed 's/.*mtu \([0-9]*\).*/\1/')), relay MTU $RELAY_MTU${AFP2:+; sluice-afp2 $AFP2 (guest MTU $(ip -n ${G}2 -o link show rlf2g | sed 's/.*mtu \([0-9]*\).*/\1/'))}"
echo "# columns: Gbit/s, then run% and wait% of one CPU for the guest's iperf3 client, the host's iperf3 server, the relaying task"
for r in $(seq "$REPS"); do
	echo "rep $r loopback        $(one $H 127.0.0.1 $PORT "$WORKER")"
	echo "rep $r sluice-afp      $(one $G 10.0.2.2 $PORT "$WORKER")"
	[ -n "$AFP2" ] && echo "rep $r sluice-afp2     $(one ${G}2 10.0.2.2 $PORT "$WORKER2")"
	[ "$RELAYS" = 0 ] && continue
	echo "rep $r relay-copy      $(relay)"
	echo "rep $r relay-copy-poll $(relay --poll)"
	echo "rep $r relay-splice    $(relay --splice)"
done
} | tee "$OUT"
