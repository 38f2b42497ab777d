#!/bin/bash
OUT=$1; SEC=${2:-0.4}
seen=""
while [ -e /tmp/cps2/watch.on ]; do
  for p in $(pgrep -x wrk); do
    case " $seen " in *" $p "*) continue;; esac
    seen="$seen $p"
    grep -q "10.0.2.2" /proc/$p/cmdline 2>/dev/null || continue
    ns=$(ip netns identify $p); mkdir -p $OUT/run1
    sleep 0.3
    timeout $SEC ip netns exec $ns tcpdump -n -i any -s 96 -w $OUT/run1/g.pcap 'tcp port 8080' >/dev/null 2>&1
  done
  sleep 0.02
done
