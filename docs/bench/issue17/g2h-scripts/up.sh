#!/bin/bash
# g2h manual topology: host ns g2hh, guest ns g2hg, veth g2hfh/g2hfg
set -e
B=${B:-/work/wt-g2h/build}
H=g2hh; G=g2hg
ip netns add $H; ip netns add $G
mkdir -p /etc/netns/$G; echo "nameserver 127.0.0.1" > /etc/netns/$G/resolv.conf
ip -n $H link set lo up; ip -n $G link set lo up
ip -n $H link add g2hfh type veth peer name g2hfg netns $G
ip -n $H link set g2hfh mtu 65520 up
ip -n $G link set g2hfg up
ip netns exec $G ethtool -K g2hfg tx off tso off gso off gro off >/dev/null
ip netns exec $H iperf3 -s -B 127.0.0.1 -p 15201 -D --pidfile /tmp/g2h/iperf3.pid
ip netns exec $H $B/app/sluice --no-pci --no-huge -m 512 --file-prefix g2hpfx -l 0,1 \
  --vdev net_af_packet0,iface=g2hfh,framesz=16384,blocksz=16384,framecnt=128 -- $SLUICE_ARGS > /tmp/g2h/sluice.log 2>&1 &
echo $! > /tmp/g2h/sluice.pid
for i in $(seq 60); do grep -q "sluice: ready" /tmp/g2h/sluice.log && break; sleep 0.5; done
ip -n $G link set g2hfg txqueuelen 10000
ip netns exec $G busybox udhcpc -i g2hfg -n -q -f -t 5 -T 2 -O mtu -s "$(dirname "$0")/../udhcpc.sh" >/dev/null 2>&1
ip -n $G addr show g2hfg | grep -E "mtu|inet "
