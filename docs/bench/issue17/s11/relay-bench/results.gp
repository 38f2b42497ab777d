set terminal pngcairo size 1120,560 font ",10"
set output 'results.png'
set datafile missing '-'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside below horizontal
set multiplot layout 1,2 title "sluice-bench 2026-12-07 21:29: medians of 5 rep(s) - Intel(R) Xeon(R) Processor, 2 CPUs (busy machine: noisy)"
set title 'TCP throughput, iperf3, g = guest, h = host (Gbit/s, higher is better)'
unset logscale y
set yrange [0:*]
plot 'chart-throughput.dat' using 2:xtic(1) title columnheader(2) lc rgb '#8c8c8c', '' using 3 title columnheader(3) lc rgb '#0b5d46', '' using 4 title columnheader(4) lc rgb '#4a7fd4', '' using 5 title columnheader(5) lc rgb '#b05fa0'
set title 'Connections per second, wrk -> nginx (higher is better)'
unset logscale y
set yrange [0:*]
plot 'chart-cps.dat' using 2:xtic(1) title columnheader(2) lc rgb '#8c8c8c', '' using 3 title columnheader(3) lc rgb '#0b5d46', '' using 4 title columnheader(4) lc rgb '#4a7fd4', '' using 5 title columnheader(5) lc rgb '#b05fa0'
unset multiplot
