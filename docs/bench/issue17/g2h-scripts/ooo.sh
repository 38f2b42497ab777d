#!/bin/bash
# ooo.sh LABEL: one 3 s g2h run; sluice ooo/out-of-window counters, guest retrans, throughput
S=/work/wt-g2h/usertools/sluice-ctl
$S -f g2hpfx -j stats > st0.json; ip netns exec g2hg nstat -n
ip netns exec g2hg iperf3 -c 10.0.2.2 -p 15201 -t ${D:-3} -J > $1.json
$S -f g2hpfx -j stats > st1.json
/usr/bin/python3 - $1 <<'P'
import json,sys
a=json.load(open('st0.json')); b=json.load(open('st1.json'))
def g(d,k):
    return d.get(k,0) if k in d else next((v[k] for v in d.values() if isinstance(v,dict) and k in v),0)
e=json.load(open(sys.argv[1]+'.json'))["end"]
ks=['rx_frames','tcp_ooo_queued','drop_tcp_out_of_window','tcp_zero_window_adv','tcp_pure_acks','tcp_dsack_sent']
print(sys.argv[1],"%.2f Gbit/s"%(e["sum_received"]["bits_per_second"]/1e9)," ".join("%s=%d"%(k,g(b,k)-g(a,k)) for k in ks),end=" ")
P
ip netns exec g2hg nstat | awk '/FastRetrans|LossProbes |DSACK|SACKReorder|Undo|SpuriousRtx|TCPSackRecovery /{printf "%s=%s ",$1,$2}'; echo
