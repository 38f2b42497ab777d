#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/bench/udp_throughput.sh: benchmark of UDP throughput through sluice,
# comparing two sluice binaries (not a pass/fail test; the test suite does
# not run it). Topology of test/e2e/lib.sh: the guest namespace slg on
# net_tap, sluice in slh, an iperf3 server on slh's 127.0.0.1:5201 reached
# through the guest's gateway 10.0.2.2. Each measurement is one
#   iperf3 -u -b 0 -l BENCH_LEN (1400) -t BENCH_SECS (5) -c 10.0.2.2
# from the guest, in both directions:
#   g2h  guest -> host (the guest's iperf3 client sends)
#   h2g  host -> guest (iperf3 -R)
# Binaries: "new" is SLUICE (default $BUILD/app/sluice); "base" is
# BASE_SLUICE, or with BASE_REV=REV that git revision of this repository,
# exported (git archive) into the temp dir and built there (app only).
# Without either, only "new" is measured.
# BENCH_REPS (3) rounds; in each round every binary gets a fresh sluice
# (DHCP, g2h, h2g, stop), binaries interleaved, so that a load change on a
# shared machine hits both alike. Per measurement: datagrams/s the receiver
# got (and the sender sent); datagrams/s sluice relayed, from its closing
# counters (g2h: udp_to_host; h2g: udp_to_guest - tx_dropped; each counter
# is all but entirely one direction's); the sluice process's CPU time (user
# and system, /proc/PID/stat) over the run per relayed datagram; and the
# datagrams per host call (udp_to_host / udp_send_calls, udp_to_guest /
# udp_recv_calls) where the binary has those counters. The worker
# busy-polls: its CPU time is the run's length whenever it has work, so the
# CPU per datagram is what a datagram costs at that rate.
# stdout: one JSON object, then a markdown table of medians. Everything else
# (progress, PASS/FAIL lines, the closing "N passed, N failed") goes to
# stderr.
# Usage (root): [BASE_REV=REV | BASE_SLUICE=PATH] [BUILD=DIR]
#               test/bench/udp_throughput.sh

set -euo pipefail

# JSON and table on the real stdout (fd 3); lib.sh's output to stderr
exec 3>&1 1>&2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../e2e/lib.sh
. "$here/../e2e/lib.sh"

SECS=${BENCH_SECS:-5}
REPS=${BENCH_REPS:-3}
LEN=${BENCH_LEN:-1400}
RESULTS=$E2E_DIR/results.txt	# "label dir rep sent_pps got_pps ut st" lines
COUNTERS=$E2E_DIR/counters.txt	# "label rep name value" lines
: >"$RESULTS"
: >"$COUNTERS"
NEW_SLUICE=$SLUICE
TICK=$(getconf CLK_TCK)

# build_base REV: export REV into the temp dir and build sluice there
build_base() {
	local dir=$E2E_DIR/base-src
	mkdir -p "$dir"
	git -C "$E2E_SRC" archive "$1" | tar -x -C "$dir" || return 1
	e2e_info "building base $1 in $dir/build"
	if ! meson setup "$dir/build" "$dir" >"$E2E_DIR/base-build.log" 2>&1 ||
		! ninja -C "$dir/build" app/sluice >>"$E2E_DIR/base-build.log" 2>&1; then
		e2e_fail "base $1 builds" "$(tail -n 20 "$E2E_DIR/base-build.log")"
		return 1
	fi
	BASE_SLUICE=$dir/build/app/sluice
}

# cpu_ticks PID: user and system clock ticks of PID so far
cpu_ticks() {
	awk '{ print $14, $15 }' "/proc/$1/stat"
}

# iperf_pps JSONFILE: "sent_pps got_pps" of one iperf3 -u -J run
iperf_pps() {
	"$E2E_PYTHON" - "$1" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
if "error" in v:
    sys.exit("iperf3: " + v["error"])
s = v["end"]["sum"]
secs = s["seconds"] or 1
print("%.0f %.0f" % (s["packets"] / secs, (s["packets"] - s["lost_packets"]) / secs))
EOF
}

# measure LABEL REP: one g2h and one h2g run against the running sluice
measure() {
	local label=$1 rep=$2 dir out t0 t1 pps ok=1
	for dir in g2h h2g; do
		out=$E2E_DIR/iperf-$label-$dir-$rep.json
		local -a extra=()
		[[ $dir == h2g ]] && extra=(-R)
		t0=$(cpu_ticks "$E2E_SLUICE_PID")
		e2e_bg "$E2E_G" "$out" timeout $((SECS + 30)) iperf3 -J -u -b 0 \
			-l "$LEN" -c "$E2E_GW" -p 5201 -t "$SECS" "${extra[@]}"
		wait "$E2E_BG_PID" 2>/dev/null || true
		e2e_untrack_pid "$E2E_BG_PID"
		t1=$(cpu_ticks "$E2E_SLUICE_PID")
		if pps=$(iperf_pps "$out" 2>&1); then
			# shellcheck disable=SC2086
			printf '%s %s %d %s %s\n' "$label" "$dir" "$rep" "$pps" \
				"$(awk -v a="$t0" -v b="$t1" -v hz="$TICK" 'BEGIN {
					split(a, x, " "); split(b, y, " ");
					printf "%.3f %.3f", (y[1] - x[1]) / hz, (y[2] - x[2]) / hz }')" \
				>>"$RESULTS"
			e2e_info "$label $dir round $rep: sent/got datagrams/s $pps"
		else
			ok=0
			e2e_fail "$label $dir round $rep: iperf3 result" "$pps" \
				"$(tail -n 5 "$out")" "$(e2e_log_tail "$E2E_SLUICE_LOG" 10)"
		fi
	done
	((ok))
}

# round LABEL BINARY REP: fresh sluice, lease, g2h and h2g, stop, counters
round() {
	local label=$1 rep=$3 server ok=1
	SLUICE=$2
	e2e_info "=== $label round $rep: $SLUICE"
	e2e_start_sluice || return 1
	# shellcheck disable=SC2119
	e2e_dhcp || ok=0
	e2e_bg "$E2E_H" "$E2E_DIR/iperf3-server-$label-$rep.log" iperf3 -s -B 127.0.0.1 -p 5201
	server=$E2E_BG_PID
	if ! e2e_wait_for 10 ip netns exec "$E2E_H" ss -Hnlt "sport = :5201"; then
		e2e_fail "iperf3 server listens on 127.0.0.1:5201"
		ok=0
	fi
	((ok)) && measure "$label" "$rep" && e2e_pass "$label round $rep measured"
	e2e_kill_pid "$server"
	e2e_stop_sluice 0 || true
	awk -v l="$label" -v r="$rep" '/^  (udp_|drop_host_socket|drop_udp|tx_dropped)/ {
		print l, r, $1, $2 }' "$E2E_SLUICE_LOG" >>"$COUNTERS"
}

bench() {
	e2e_require ip ss iperf3 busybox timeout awk || return 1
	if [[ -n ${BASE_REV:-} ]]; then
		build_base "$BASE_REV" || return 1
	fi
	e2e_setup || return 1
	local -a labels=(new) bins=("$NEW_SLUICE")
	if [[ -n ${BASE_SLUICE:-} ]]; then
		labels=(base new)
		bins=("$BASE_SLUICE" "$NEW_SLUICE")
	fi
	local load0 load1 rep i
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	for ((rep = 1; rep <= REPS; rep++)); do
		for i in "${!labels[@]}"; do
			round "${labels[i]}" "${bins[i]}" "$rep" || true
		done
	done
	load1=$(cut -d' ' -f1-3 /proc/loadavg)
	"$E2E_PYTHON" - "$RESULTS" "$COUNTERS" "$SECS" "$REPS" "$LEN" "$(nproc)" \
		"$load0" "$load1" "${BASE_REV:-${BASE_SLUICE:-}}" >&3 <<'EOF'
import json, statistics, sys
res, cnt, secs, reps, ln, nproc, load0, load1, base = sys.argv[1:10]
rows = [l.split() for l in open(res) if l.strip()]
ctr = {}
for l in open(cnt):
    if l.strip():
        lab, rep, name, val = l.split()
        ctr.setdefault((lab, rep), {})[name] = int(val)
labels = [x for x in ("base", "new") if any(r[0] == x for r in rows)]
out = {"bench": "udp_throughput", "secs": int(secs), "reps": int(reps),
       "len": int(ln), "nproc": int(nproc), "loadavg_start": load0,
       "loadavg_end": load1, "base": base or None, "results": {}}
med = lambda v: round(statistics.median(v), 3) if v else None
for lab in labels:
    r = {}
    for d in ("g2h", "h2g"):
        rr = [x for x in rows if x[0] == lab and x[1] == d]
        got = [float(x[4]) for x in rr]
        r[d] = {
            "sent_pps_median": med([float(x[3]) for x in rr]),
            "got_pps_median": med(got),
            "got_pps_rounds": [round(g) for g in got],
        }
        # what sluice relayed in this direction, from its counters
        rel, cpu, usr, sy = [], [], [], []
        for x in rr:
            c = ctr.get((lab, x[2]), {})
            n = (c.get("udp_to_host", 0) if d == "g2h" else
                 c.get("udp_to_guest", 0) - c.get("tx_dropped", 0))
            if n <= 0:
                continue
            rel.append(n / int(secs))
            usr.append(float(x[5]) * 1e6 / n)
            sy.append(float(x[6]) * 1e6 / n)
            cpu.append((float(x[5]) + float(x[6])) * 1e6 / n)
        r[d].update({
            "relayed_pps_median": med(rel),
            # CPU microseconds per relayed datagram (total, user, system)
            "cpu_us_per_dgram_median": med(cpu),
            "user_us_per_dgram_median": med(usr),
            "sys_us_per_dgram_median": med(sy),
        })
    per_call = {}
    for num, den in (("udp_to_host", "udp_send_calls"),
                     ("udp_to_guest", "udp_recv_calls")):
        v = [c[num] / c[den] for (l, _), c in ctr.items()
             if l == lab and c.get(den)]
        per_call[num + "_per_call"] = med(v)
    r["dgrams_per_host_call_median"] = per_call
    r["counters"] = {rep: c for (l, rep), c in sorted(ctr.items()) if l == lab}
    out["results"][lab] = r
print(json.dumps(out, indent=2))
print()
print("| binary | dir | sent dgram/s | relayed by sluice dgram/s | got dgram/s | sluice CPU us/relayed dgram (user+sys) | dgrams per host call |")
print("|---|---|---|---|---|---|---|")
f = lambda x, p="%.0f": "n/a" if x is None else p % x
for lab in labels:
    r = out["results"][lab]
    pc = r["dgrams_per_host_call_median"]
    for d, k in (("g2h", "udp_to_host_per_call"), ("h2g", "udp_to_guest_per_call")):
        x = r[d]
        print("| %s | %s | %s | %s | %s | %s (%s+%s) | %s |" % (
            lab, d, f(x["sent_pps_median"]), f(x["relayed_pps_median"]),
            f(x["got_pps_median"]),
            f(x["cpu_us_per_dgram_median"], "%.2f"),
            f(x["user_us_per_dgram_median"], "%.2f"),
            f(x["sys_us_per_dgram_median"], "%.2f"), f(pc[k], "%.1f")))
print()
print("medians of %s rounds of %s s, %s-byte datagrams; nproc %s; loadavg %s -> %s"
      % (reps, secs, ln, nproc, load0, load1))
EOF
}

bench || true
e2e_summary
