#!/bin/bash
# watchst.sh OUTDIR SEC: per guest->host wrk run: syscalls, CPU ticks, sluice counters
OUT=$1; SEC=${2:-1.5}
EV=raw_syscalls:sys_enter
for s in socket connect setsockopt getsockopt ioctl epoll_ctl epoll_wait sendmsg recvmsg shutdown close sendto; do EV="$EV,syscalls:sys_enter_$s"; done
seen=""; n=0
while [ -e /tmp/cps2/watch.on ]; do
  for p in $(pgrep -x wrk); do
    case " $seen " in *" $p "*) continue;; esac
    seen="$seen $p"
    grep -q "10.0.2.2" /proc/$p/cmdline 2>/dev/null || continue
    sp=$(cat /tmp/cps2/sluice.pid 2>/dev/null)
    n=$((n+1)); d=$OUT/run$n; mkdir -p $d
    sleep 0.2
    prefix=$(tr '\0' '\n' < /proc/$sp/cmdline | grep -A1 -- --file-prefix | tail -1)
    python3 /work/wt-cps2/usertools/sluice-ctl -f $prefix -j stats > $d/stats0.json 2>/dev/null &
    echo "$(awk '{print $14+$15}' /proc/$sp/stat) $(awk '{print $14+$15}' /proc/$p/stat)" > $d/cput0
    perf stat -x, -e $EV -p $sp -o $d/pstat -- sleep $SEC 2>/dev/null
    echo "$(awk '{print $14+$15}' /proc/$sp/stat) $(awk '{print $14+$15}' /proc/$p/stat)" > $d/cput1
    wait
    python3 /work/wt-cps2/usertools/sluice-ctl -f $prefix -j stats > $d/stats1.json 2>/dev/null
    cut -d' ' -f1-3 /proc/loadavg > $d/load
  done
  sleep 0.02
done
