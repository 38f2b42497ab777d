#!/bin/bash
# usage: sysc.sh SLUICE_BINARY DIR(-R for host->guest) SECONDS
# guest->host iperf3 through sluice (net_af_packet on veth), syscall counts via perf
BIN=$1; DIRF=$2; T=${3:-6}
H=sych$$; G=sycg$$; HI=sycfh$$; GI=sycfg$$; PFX=sycpfx$$
cleanup() {
	[ -n "$SP" ] && kill $SP 2>/dev/null; [ -n "$IP" ] && kill $IP 2>/dev/null
	sleep 0.5; [ -n "$SP" ] && kill -9 $SP 2>/dev/null
	ip netns del $G 2>/dev/null; ip netns del $H 2>/dev/null
	rm -rf /etc/netns/$G /var/run/dpdk/$PFX
}
trap cleanup EXIT
ip netns add $H; ip netns add $G
mkdir -p /etc/netns/$G; echo "nameserver 10.0.2.3" > /etc/netns/$G/resolv.conf
ip -n $H link set lo up; ip -n $G link set lo up
ip -n $H link add $HI type veth peer name $GI netns $G
ip -n $H link set $HI mtu 65520 up
ip -n $G link set $GI mtu 61360 up
ip netns exec $G ethtool -K $GI tx off tso off gso off gro off >/dev/null
ip netns exec $H iperf3 -s -B 127.0.0.1 -p 5201 -D >/dev/null 2>&1
IP=$(ip netns pids $H | head -1)
ip netns exec $H $BIN --no-pci --no-huge -m 1024 --file-prefix $PFX -l 0,1 \
	--vdev net_af_packet0,iface=$HI,framesz=61440,blocksz=61440,framecnt=256 -- \
	> /tmp/syc/sluice.$$.log 2>&1 &
SP=$!
for i in $(seq 60); do grep -q "sluice: ready" /tmp/syc/sluice.$$.log && break; sleep 0.5; done
ip -n $G addr add 10.0.2.15/24 dev $GI; ip -n $G route add default via 10.0.2.2
sleep 0.5
ip netns exec $G ping -c1 -W2 10.0.2.2 >/dev/null || echo "ping failed"
ip netns exec $G iperf3 -c 10.0.2.2 -p 5201 -t $T $DIRF -J > /tmp/syc/iperf.$$.json &
C=$!
sleep 1
perf stat -x, -p $SP -e 'syscalls:sys_enter_*' -- sleep $((T-2)) 2> /tmp/syc/perf.$$.txt
wait $C
python3 - /tmp/syc/iperf.$$.json /tmp/syc/perf.$$.txt $((T-2)) <<'PY'
import json,sys
j=json.load(open(sys.argv[1])); bps=j['end']['sum_received']['bits_per_second']
mb=bps/8/1e6*int(sys.argv[3])   # MB moved during the perf window (approx)
tot=0; rows=[]
for l in open(sys.argv[2]):
    p=l.split(',')
    if len(p)>3 and p[0].strip().isdigit():
        n=int(p[0]); tot+=n
        if n: rows.append((n,p[2].replace('syscalls:sys_enter_','')))
rows.sort(reverse=True)
print("Gbit/s %.2f  MB in window %.0f  syscalls/MB total %.2f" % (bps/1e9, mb, tot/mb))
for n,name in rows[:10]: print("  %-16s %10d  %.3f/MB" % (name,n,n/mb))
PY
