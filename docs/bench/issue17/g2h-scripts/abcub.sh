#!/bin/bash
# abcub.sh LABEL BUILD: like abx.sh none, guest congestion control cubic
./down.sh >/dev/null 2>&1; B=$2 ./up.sh >/dev/null 2>&1 || exit 1; sleep 0.3
export IPERF_ARGS="-C cubic"
S=/work/wt-g2h/usertools/sluice-ctl; $S -f g2hpfx -j stats > st0.json; ip netns exec g2hg nstat -n
./cost.sh $1 g2hg 10.0.2.2 | tr '\n' ' '
$S -f g2hpfx -j stats > st1.json
/usr/bin/python3 -c '
import json; a=json.load(open("st0.json")); b=json.load(open("st1.json"))
print(" ".join("%s=%d"%(k,b.get(k,0)-a.get(k,0)) for k in ["tcp_ooo_queued","drop_tcp_out_of_window","tcp_dsack_sent"]), end=" ")'
ip netns exec g2hg nstat | awk '/FastRetrans|TCPSackRecovery |DSACKUndo|LossProbes /{printf "%s=%s ",$1,$2}'; echo
