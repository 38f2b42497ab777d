#!/bin/bash
# cost.sh LABEL NS TARGET [TASKSET]: one iperf3 run traced with sched_switch on all CPUs;
# CPU ms by task (ours: iperf3, rte-worker, ksoftirqd, sluice) per CPU, and CPU s per GB moved
L=$1; NS=$2; TGT=$3; C=${4:-0,1}
perf record -q -o $L.perf -e sched:sched_switch -a -- ip netns exec $NS taskset -c $C iperf3 -c $TGT -p 15201 -t ${D:-3} $IPERF_ARGS -J > $L.json 2>/dev/null
perf script -i $L.perf -F cpu,time,trace 2>/dev/null | /usr/bin/python3 -c '
import sys,re,collections,json
last={}; acc=collections.defaultdict(float); t0=None; t1=0
for l in sys.stdin:
    m=re.match(r"\s*\[(\d+)\]\s+([\d.]+):.*prev_comm=(.*?) prev_pid=(\d+).*next_comm=(.*?) next_pid=(\d+)",l)
    if not m: continue
    cpu,t,nc=int(m[1]),float(m[2]),m[5]
    t0=t if t0 is None else t0; t1=t
    if cpu in last: acc[(cpu,last[cpu][0])]+=t-last[cpu][1]
    last[cpu]=(nc,t)
e=json.load(open(sys.argv[1]+".json"))["end"]; gb=e["sum_received"]["bytes"]/1e9; secs=e["sum_received"]["seconds"]
ours=lambda n: n.startswith(("iperf3","rte-worker","ksoftirqd","sluice","eal-intr"))
tot={cpu:sum(v for k,v in acc.items() if k[0]==cpu) for cpu in (0,1)}
o={cpu:sum(v for k,v in acc.items() if k[0]==cpu and ours(k[1])) for cpu in (0,1)}
idle={cpu:sum(v for k,v in acc.items() if k[0]==cpu and k[1].startswith("swapper")) for cpu in (0,1)}
other={cpu:tot[cpu]-o[cpu]-idle[cpu] for cpu in (0,1)}
w=sum(v for k,v in acc.items() if k[1].startswith("rte-worker"))
print("%s %.2f Gbit/s  ours cpu0 %.0f%% cpu1 %.0f%%  idle %.0f%%/%.0f%%  others %.0f%%/%.0f%%  ours CPU s/GB %.3f (worker %.3f)"%(sys.argv[1], e["sum_received"]["bits_per_second"]/1e9,
  100*o[0]/tot[0],100*o[1]/tot[1],100*idle[0]/tot[0],100*idle[1]/tot[1],100*other[0]/tot[0],100*other[1]/tot[1],(o[0]+o[1])/gb,w/gb))
' $L
rm -f $L.perf
