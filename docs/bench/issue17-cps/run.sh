#!/bin/bash
# run.sh TAG BINARY OUTDIR : one sluice-afp cps round with perf stat watcher
tag=$1; bin=$2; out=$3
echo $tag > /tmp/cps/tag
CPS_SLUICE=$bin timeout 900 ./usertools/sluice-bench --build-dir ./build --sluice /tmp/cps/wrap.sh --backends sluice-afp --tests cps --reps 1 --duration 4 --out $out --tag cpa > $out.log 2>&1
grep -h "conn/s" $out.log | sed "s/^/$tag /"
