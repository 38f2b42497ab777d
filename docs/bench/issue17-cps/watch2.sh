#!/bin/bash
# per wrk run: perf stat of chosen syscalls of sluice for SEC seconds, plus CPU ticks over that window
OUT=$1; SEC=${2:-2}
EV=raw_syscalls:sys_enter
for s in socket connect setsockopt getsockopt ioctl epoll_ctl epoll_wait sendmsg recvmsg shutdown close accept4 sendto; do EV="$EV,syscalls:sys_enter_$s"; done
seen=""
while [ -e /tmp/cps/watch.on ]; do
  for p in $(pgrep -x wrk); do
    case " $seen " in *" $p "*) continue;; esac
    seen="$seen $p"
    url=$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -o 'http://[^ ]*')
    sp=$(cat /tmp/cps/sluice.pid 2>/dev/null)
    [ -n "$sp" ] && [ -d /proc/$sp ] || continue
    sleep 0.3
    t0=$(awk '{print $14+$15}' /proc/$sp/stat)
    perf stat -x, -e $EV -p $sp -o /tmp/cps/ps.$p -- sleep $SEC 2>/dev/null
    t1=$(awk '{print $14+$15}' /proc/$sp/stat)
    echo "== $(cat /tmp/cps/tag 2>/dev/null) $url ticks $((t1-t0)) load $(cut -d' ' -f1 /proc/loadavg)" >> $OUT
    grep -v '^#' /tmp/cps/ps.$p | grep . | awk -F, '{print $1, $3}' >> $OUT
  done
  sleep 0.05
done
