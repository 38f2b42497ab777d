#!/bin/bash
# abx.sh LABEL MODE: fresh topology (dsack build); MODE none|grps0 (guest veth rx RPS -> CPU0)|hrps0 (sluice's veth rx RPS -> CPU0)
./down.sh >/dev/null 2>&1; B=${B:-/tmp/g2h/dsack} ./up.sh >/dev/null 2>&1 || { echo up failed; exit 1; }; sleep 0.3
case $2 in
grps0) ip netns exec g2hg sh -c 'echo 1 > /sys/class/net/g2hfg/queues/rx-0/rps_cpus' ;;
hrps0) ip netns exec g2hh sh -c 'echo 1 > /sys/class/net/g2hfh/queues/rx-0/rps_cpus' ;;
both) ip netns exec g2hg sh -c 'echo 1 > /sys/class/net/g2hfg/queues/rx-0/rps_cpus'; ip netns exec g2hh sh -c 'echo 1 > /sys/class/net/g2hfh/queues/rx-0/rps_cpus' ;;
esac
S=/work/wt-g2h/usertools/sluice-ctl
$S -f g2hpfx -j stats > st0.json
./cost.sh $1 g2hg 10.0.2.2 | tr '\n' ' '
$S -f g2hpfx -j stats > st1.json
/usr/bin/python3 - <<'P'
import json
a=json.load(open('st0.json')); b=json.load(open('st1.json'))
def g(d,k): return d.get(k,0)
print(" ".join("%s=%d"%(k,g(b,k)-g(a,k)) for k in ['tcp_ooo_queued','drop_tcp_out_of_window','tcp_pure_acks','rx_bytes']), "worker_busy_s=%.2f"%((g(b,'poll_busy_cycles')-g(a,'poll_busy_cycles'))/b['tsc_hz']))
P
