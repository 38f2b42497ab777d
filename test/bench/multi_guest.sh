#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/bench/multi_guest.sh: benchmark of aggregate TCP throughput with one
# and two guests on one and two workers (not a pass/fail test; the test suite
# does not run it). Topology of test/e2e/lib_multi.sh: guest A (slg, port 0)
# and guest B (slgb, port 1, subnet 10.0.3.0/24 from a [port 1] section).
# Each guest runs iperf3 against its own iperf3 server on slh's loopback
# (127.0.0.1:5201 for A, :5202 for B, reached through the guest's gateway),
# BENCH_SECS (5) seconds, in both directions:
#   g2h  guest -> host (iperf3 client sends)
#   h2g  host -> guest (iperf3 -R)
# Configurations:
#   1g1w  one port, one worker lcore            (--lcores 0@0,1@1)
#   2g1w  two ports, both workers pinned to lcore 1 (worker-lcore = 1)
#   2g2w  two ports, two worker lcores (auto placement), with the default
#         lcore layout of lib_multi.sh: on 2 CPUs "0@0,1@1,2@1", i.e. both
#         worker threads share CPU 1 (the kernel time-slices them)
#   2g2w-split  (2 CPUs only) the same with "0@0,1@0,2@1": worker 0 shares
#         CPU 0 with the main lcore, worker 1 has CPU 1
#   1g1w-p4  one guest, one worker, iperf3 -P 4 (four streams)
#   1g2q-p4  one guest on a 2-queue port (--queues 2) served by two workers
#         (lcores as 2g2w), iperf3 -P 4: the streams' flows are spread over
#         the two workers (multi-queue steering)
# In the 2-guest configurations both guests run at the same time; the
# aggregate is the sum of what the receivers got. Each measurement is
# repeated BENCH_REPS (3) times; the median is reported.
# stdout: one JSON object, then a markdown table. Everything else (progress,
# PASS/FAIL lines, the closing "N passed, N failed") goes to stderr.
# Usage (root): [BUILD=/path/to/build] test/bench/multi_guest.sh
# Note: on a small machine (nproc 2) the worker lcores, iperf3 processes and
# the guests' and host's kernel TCP stacks all share the same CPUs; the JSON
# records nproc and the load average so that the numbers can be judged.

set -euo pipefail

# JSON and table on the real stdout (fd 3); lib.sh's output to stderr
exec 3>&1 1>&2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../e2e/lib.sh
. "$here/../e2e/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../e2e/lib_multi.sh
. "$here/../e2e/lib_multi.sh"

SECS=${BENCH_SECS:-5}
REPS=${BENCH_REPS:-3}
GW_A=10.0.2.2
GW_B=10.0.3.2
LCORES_DEFAULT=$M_LCORES
RESULTS=$E2E_DIR/results.txt	# "config dir rep guest bps" lines
: >"$RESULTS"

CONF_AUTO=$E2E_DIR/auto.conf
cat >"$CONF_AUTO" <<EOF
[port 1]
gateway = $GW_B
guest-addr = 10.0.3.15
dns = 10.0.3.3
EOF
CONF_PIN=$E2E_DIR/pin.conf
cat >"$CONF_PIN" <<EOF
[port 0]
worker-lcore = 1
[port 1]
worker-lcore = 1
gateway = $GW_B
guest-addr = 10.0.3.15
dns = 10.0.3.3
EOF

# iperf_servers N: iperf3 servers on slh's 127.0.0.1:5201 (and :5202)
iperf_servers() {
	local i
	SERVER_PIDS=()
	for ((i = 0; i < $1; i++)); do
		e2e_bg "$E2E_H" "$E2E_DIR/iperf3-server-$i.log" iperf3 -s -B 127.0.0.1 -p $((5201 + i))
		SERVER_PIDS+=("$E2E_BG_PID")
	done
	for ((i = 0; i < $1; i++)); do
		if ! e2e_wait_for 10 ip netns exec "$E2E_H" ss -Hnlt "sport = :$((5201 + i))"; then
			e2e_fail "iperf3 server listens on 127.0.0.1:$((5201 + i))"
			return 1
		fi
	done
}

# iperf_bps JSONFILE: receiver bits per second of one iperf3 -J run
iperf_bps() {
	"$E2E_PYTHON" - "$1" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
if "error" in v:
    sys.exit("iperf3: " + v["error"])
print("%.0f" % v["end"]["sum_received"]["bits_per_second"])
EOF
}

# measure CONFIG NGUESTS: REPS rounds of g2h and h2g with NGUESTS guests at
# once; one results line per guest and round
measure() {
	local cfg=$1 ng=$2 dir rep i out bps ok=1
	local -a ns=("$E2E_G" "$M_GB") gw=("$GW_A" "$GW_B") pids
	for dir in g2h h2g; do
		for ((rep = 1; rep <= REPS; rep++)); do
			pids=()
			for ((i = 0; i < ng; i++)); do
				out=$E2E_DIR/iperf-$cfg-$dir-$rep-$i.json
				local -a extra=(-P "${IPERF_P:-1}")
				[[ $dir == h2g ]] && extra+=(-R)
				e2e_bg "${ns[i]}" "$out" timeout $((SECS + 30)) iperf3 -J \
					-c "${gw[i]}" -p $((5201 + i)) -t "$SECS" "${extra[@]}"
				pids+=("$E2E_BG_PID")
			done
			for ((i = 0; i < ng; i++)); do
				out=$E2E_DIR/iperf-$cfg-$dir-$rep-$i.json
				# each client ends by itself (timeout bounds it)
				wait "${pids[i]}" 2>/dev/null || true
				e2e_untrack_pid "${pids[i]}"
				if bps=$(iperf_bps "$out" 2>&1); then
					printf '%s %s %d %d %s\n' "$cfg" "$dir" "$rep" "$i" "$bps" >>"$RESULTS"
					e2e_info "$cfg $dir round $rep guest $i: $(awk -v b="$bps" 'BEGIN { printf "%.2f", b / 1e9 }') Gbit/s"
				else
					ok=0
					e2e_fail "$cfg $dir round $rep guest $i: iperf3 result" "$bps" \
						"$(tail -n 5 "$out")" "$(e2e_log_tail "$E2E_SLUICE_LOG" 10)"
				fi
			done
		done
	done
	((ok)) && e2e_pass "$cfg: $REPS rounds of g2h and h2g measured"
	return 0
}

# run_config NAME NGUESTS APPOPTS...: start sluice, leases, iperf3 servers,
# measure, stop
run_config() {
	local cfg=$1 ng=$2
	shift 2
	e2e_info "=== $cfg: $ng guest(s), lcores $M_LCORES, app options: $*"
	m_start_sluice "$cfg" "$@" || return 1
	local ok=1
	m_dhcp "$E2E_G" "$E2E_TAP" 10.0.2.15 "$GW_A" 24 || ok=0
	if ((ng == 2)); then
		m_dhcp "$M_GB" "$M_TAPB" 10.0.3.15 "$GW_B" 24 || ok=0
	fi
	e2e_info "$cfg placement: $(m_port_lcores 2>&1 | tr '\n' ' ')"
	m_port_lcores >"$E2E_DIR/placement-$cfg.txt" 2>&1 || true
	if ((ok)) && iperf_servers "$ng"; then
		measure "$cfg" "$ng"
	fi
	local p
	for p in "${SERVER_PIDS[@]}"; do
		e2e_kill_pid "$p"
	done
	SERVER_PIDS=()
	e2e_stop_sluice 0 || true
}

bench() {
	e2e_require ip ss iperf3 busybox timeout || return 1
	m_setup || return 1
	SERVER_PIDS=()
	local load0
	load0=$(cut -d' ' -f1-3 /proc/loadavg)

	# 1 guest, 1 worker: one port, one worker lcore
	M_ONE_PORT=1 M_LCORES="0@0,1@1"
	[[ $(nproc) == 1 ]] && M_LCORES="0@0,1@0"
	run_config 1g1w 1 || true
	M_ONE_PORT=0 M_LCORES=$LCORES_DEFAULT
	run_config 2g1w 2 --config "$CONF_PIN" || true
	run_config 2g2w 2 --config "$CONF_AUTO" || true
	if [[ $(nproc) == 2 ]]; then
		M_LCORES="0@0,1@0,2@1"
		run_config 2g2w-split 2 --config "$CONF_AUTO" || true
		M_LCORES=$LCORES_DEFAULT
	fi
	# one guest, four streams: one worker, then a 2-queue port on two
	M_ONE_PORT=1 IPERF_P=4
	run_config 1g1w-p4 1 || true
	run_config 1g2q-p4 1 --queues 2 || true
	M_ONE_PORT=0 IPERF_P=1

	local load1
	load1=$(cut -d' ' -f1-3 /proc/loadavg)
	"$E2E_PYTHON" - "$RESULTS" "$SECS" "$REPS" "$(nproc)" "$load0" "$load1" \
		"$LCORES_DEFAULT" "$E2E_DIR" >&3 <<'EOF'
import json, os, statistics, sys
res, secs, reps, nproc, load0, load1, lcores, d = sys.argv[1:9]
rows = [l.split() for l in open(res) if l.strip()]
cfgs = [("1g1w", 1, 1), ("2g1w", 2, 1), ("2g2w", 2, 2), ("2g2w-split", 2, 2),
        ("1g1w-p4", 1, 1), ("1g2q-p4", 1, 2)]
cfgs = [c for c in cfgs if any(r[0] == c[0] for r in rows)]
out = {"bench": "multi_guest", "secs": int(secs), "reps": int(reps),
       "nproc": int(nproc), "loadavg_start": load0, "loadavg_end": load1,
       "lcores_2port": lcores, "unit": "Gbit/s", "configs": {}}
for name, ng, nw in cfgs:
    lc = {"1g1w": "0@0,1@1" if nproc != "1" else "0@0,1@0",
          "2g2w-split": "0@0,1@0,2@1"}.get(name, lcores)
    c = {"guests": ng, "workers": nw, "lcores": lc}
    pf = os.path.join(d, "placement-%s.txt" % name)
    if os.path.exists(pf):
        c["placement"] = [l.strip() for l in open(pf) if l.strip()]
    for dr in ("g2h", "h2g"):
        per_rep = {}
        per_guest = {}
        for cfg, dd, rep, g, bps in rows:
            if cfg != name or dd != dr:
                continue
            per_rep.setdefault(rep, {})[g] = float(bps) / 1e9
            per_guest.setdefault(g, []).append(float(bps) / 1e9)
        # a round counts only when every guest of it reported
        aggs = [sum(v.values()) for v in per_rep.values() if len(v) == ng]
        c[dr] = {
            "aggregate_median": round(statistics.median(aggs), 3) if aggs else None,
            "aggregate_rounds": [round(a, 3) for a in aggs],
            "per_guest_median": {("A" if g == "0" else "B"): round(statistics.median(v), 3)
                                 for g, v in sorted(per_guest.items())},
        }
    out["configs"][name] = c
print(json.dumps(out, indent=2))
print()
print("| config | guests | workers | g2h aggregate Gbit/s | h2g aggregate Gbit/s | g2h per guest | h2g per guest |")
print("|---|---|---|---|---|---|---|")
def f(x):
    return "n/a" if x is None else "%.2f" % x
def pg(m):
    return " / ".join("%s %.2f" % (k, v) for k, v in m.items()) or "n/a"
for name, ng, nw in cfgs:
    c = out["configs"][name]
    print("| %s | %d | %d | %s | %s | %s | %s |" % (
        name, ng, nw, f(c["g2h"]["aggregate_median"]), f(c["h2g"]["aggregate_median"]),
        pg(c["g2h"]["per_guest_median"]), pg(c["h2g"]["per_guest_median"])))
print()
print("medians of %s rounds of %s s; nproc %s; loadavg %s -> %s" % (reps, secs, nproc, load0, load1))
EOF
}

bench || true
e2e_summary
