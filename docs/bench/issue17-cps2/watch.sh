#!/bin/bash
# watch.sh OUTDIR MODE(stat|perf|dump) [SEC]: per guest->host wrk run, measure
# sluice (stat: system calls, CPU ticks, counters; perf: also a profile of
# the worker; dump: tcpdump in the guest)
OUT=$1; MODE=$2; SEC=${3:-1.5}
EV=raw_syscalls:sys_enter
for s in socket connect setsockopt getsockopt ioctl epoll_ctl epoll_wait sendmsg recvmsg shutdown close sendto; do EV="$EV,syscalls:sys_enter_$s"; done
seen=""; n=0
while [ -e /tmp/cps2/watch.on ]; do
  for p in $(pgrep -x wrk); do
    case " $seen " in *" $p "*) continue;; esac
    seen="$seen $p"
    url=$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -o 'http://[^ ]*')
    case "$url" in *10.0.2.2*) ;; *) continue;; esac
    sp=$(cat /tmp/cps2/sluice.pid 2>/dev/null)
    [ -n "$sp" ] && [ -d /proc/$sp ] || continue
    n=$((n+1)); d=$OUT/run$n; mkdir -p $d
    prefix=$(tr '\0' '\n' < /proc/$sp/cmdline | grep -A1 -- --file-prefix | tail -1)
    tid=$(for t in /proc/$sp/task/*; do [ "$(cat $t/comm)" = rte-worker-0 ] && basename $t; done | head -1)
    [ -z "$tid" ] && tid=$(for t in /proc/$sp/task/*; do grep -q worker $t/comm && basename $t; done | head -1)
    ns=$(ip netns identify $p)
    sleep 0.2
    (python3 /work/wt-cps2/usertools/sluice-ctl -f $prefix -j stats > $d/stats0.json 2>/dev/null &)
    head -1 /proc/stat > $d/cpu0; awk '{print $14+$15}' /proc/$sp/stat > $d/ticks0; cat /proc/$sp/task/$tid/stat > $d/wstat0
    date +%s.%N > $d/t0
    hns=$(ip netns identify $sp); ngx=""; for q in $(pgrep nginx); do [ "$(ip netns identify $q)" = "$hns" ] && ngx="$ngx $q"; done
    cput() { local t=0; for q in "$@"; do [ -r /proc/$q/stat ] && t=$((t+$(awk '{print $14+$15}' /proc/$q/stat))); done; echo $t; }
    echo "$(cput $sp) $(cput $p) $(cput $ngx)" > $d/cput0
    if [ $MODE = stat ]; then
      perf stat -x, -e $EV -p $sp -o $d/pstat -- sleep $SEC 2>/dev/null
      echo "$(cput $sp) $(cput $p) $(cput $ngx)" > $d/cput1
    elif [ $MODE = perf ]; then
      perf record -g -t $tid -o $d/perf.data -- sleep $SEC >/dev/null 2>&1 &
      pr=$!
      perf stat -x, -e $EV -p $sp -o $d/pstat -- sleep $SEC 2>/dev/null
      wait $pr
    else
      timeout $SEC ip netns exec $ns tcpdump -n -ttt -i any -s 96 -w $d/g.pcap 'tcp port 8080' >/dev/null 2>&1
    fi
    date +%s.%N > $d/t1
    python3 /work/wt-cps2/usertools/sluice-ctl -f $prefix -j stats > $d/stats1.json 2>/dev/null
    head -1 /proc/stat > $d/cpu1; awk '{print $14+$15}' /proc/$sp/stat > $d/ticks1; cat /proc/$sp/task/$tid/stat > $d/wstat1
    cut -d' ' -f1-3 /proc/loadavg > $d/load
    echo "$url ns=$ns tid=$tid prefix=$prefix" > $d/info
  done
  sleep 0.05
done
