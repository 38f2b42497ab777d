#!/bin/bash
# interleaved before/after cps rows with pasta
cd /work/wt-cps2
for i in 5; do
 for v in before after5; do
  o=/tmp/cps2/ab-$v-$i
  usertools/sluice-bench --build-dir /tmp/cps2-$v --backends sluice-afp,pasta --tests cps --reps 3 --duration 2 --out $o --tag cr > $o.log 2>&1
  echo "== $v $i load $(cut -d' ' -f1-3 /proc/loadavg)" >> /tmp/cps2/ab.txt
  grep -A8 "^| conn/s guest" $o/results.md | head -3 >> /tmp/cps2/ab.txt
 done
done
