#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_ops.sh: the operator's kit end to end. Checks, each as a
# PASS/FAIL line:
#   - "meson install --destdir" puts in place sluice, sluice-ctl,
#     sluice-netns, the man pages, sluice@.service and the examples
#   - the man pages render with groff without a warning, and describe every
#     option of "sluice --help", every command and option of
#     "sluice-ctl --help" and every option of "sluice-netns --help"
#   - sluice --help / -V need no EAL arguments and print nothing from EAL
#   - the unit passes systemd-analyze verify (skipped, with the reason,
#     where systemd-analyze is missing)
#   - sluice run as the unit runs it (its EAL_ARGS from an environment file,
#     the unit's capability bounding set, no new privileges,
#     RUNTIME_DIRECTORY=/run/sluice/NAME) serves a guest (DHCP, a download);
#     "sluice-ctl -f NAME" finds its socket; /sluice/info lists the access
#     rules in first-match order
#   - sluice-ctl: "info | head -1" without a traceback; a wrong prefix gives
#     one line and exit status 2
#   - sluice-ctl metrics: parsed by prometheus_client's text parser, every
#     /sluice/stats counter as sluice_NAME_total (summed and per worker),
#     the gauges; "metrics --listen 127.0.0.1:0" serves /metrics over HTTP,
#     each scrape fresh
#   - sluice-netns -- CMD (af_packet, sluice in "this" namespace: the test's
#     slh) and sluice-netns -H slh -k tap -- CMD: CMD has its address and
#     resolv.conf and downloads a file from slh's 127.0.0.1 through the
#     gateway, sha256-identical; CMD's exit status comes back; nothing is
#     left (namespace, links, /etc/netns entry, sluice, DPDK runtime dir)
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_ops.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CTL=$E2E_SRC/usertools/sluice-ctl
NETNS=$E2E_SRC/usertools/sluice-netns
HTTP_PORT=18471			# file server on slh's 127.0.0.1
SYS_PYTHON=/usr/bin/python3	# Debian's, with python3-prometheus-client
SVC_NAME=
SVC_RUN_MADE=0

ctl() { "$E2E_PYTHON" "$CTL" "$@"; }

ops_cleanup() {
	if [[ -n $SVC_NAME ]]; then
		rm -rf "/run/sluice/$SVC_NAME"
		((SVC_RUN_MADE == 0)) || rmdir /run/sluice 2>/dev/null || true
	fi
}
# shellcheck disable=SC2154 # rc is set in the trap itself
trap 'rc=$?; ops_cleanup; (exit "$rc"); e2e_on_exit' EXIT

# ------------------------------------------------------------ install

DEST=$E2E_DIR/destdir

# installed NAME: the one file called NAME under $DEST
installed() { find "$DEST" -name "$1" -type f | head -n 1; }

test_install() {
	local out rc=0 f missing=()
	out=$(meson install -C "$BUILD" --destdir "$DEST" --no-rebuild 2>&1) || rc=$?
	if ((rc != 0)); then
		e2e_fail "meson install --destdir" "exit status $rc" "$(tail -n 20 <<<"$out")"
		return 1
	fi
	for f in sbin/sluice bin/sluice-ctl sbin/sluice-netns man8/sluice.8 \
		man1/sluice-ctl.1 man8/sluice-netns.8 system/sluice@.service \
		examples/sluice.conf examples/sluice.eal \
		examples/libvirt-vhostuser.xml etc/sluice; do
		[[ -n $(find "$DEST" -path "*/$f") ]] || missing+=("$f")
	done
	if ((${#missing[@]} == 0)) && [[ -x $(installed sluice-ctl) && -x $(installed sluice-netns) ]]; then
		e2e_pass "meson install: binary, sluice-ctl, sluice-netns, man pages, unit, examples"
	else
		e2e_fail "meson install: binary, sluice-ctl, sluice-netns, man pages, unit, examples" \
			"missing: ${missing[*]}" "$(cd "$DEST" && find . | sort)"
	fi
	# the installed sluice-netns tells its binary apart: next to it
	e2e_check "installed sluice answers --version" "$(installed sluice)" --version || true
}

# man_renders PAGE: groff renders it without a warning
man_renders() {
	local err
	err=$(groff -man -Tutf8 -ww -z "$1" 2>&1)
	[[ -z $err ]] || { printf '%s\n' "$err"; return 1; }
	MANWIDTH=80 man -l "$1" >/dev/null
}

# man_text PAGE: the rendered text, hyphenation and adjustment off
man_text() { groff -man -Tutf8 -rHY=0 -dAD=l -P-c -P-b -P-u "$1" 2>/dev/null; }

# man_covers PAGE WORD...: every WORD appears in the rendered page
man_covers() {
	local page=$1 text w missing=()
	shift
	text=$(man_text "$page")
	for w in "$@"; do
		grep -qF -- "$w" <<<"$text" || missing+=("$w")
	done
	((${#missing[@]} == 0)) || { printf 'not in %s: %s\n' "$page" "${missing[*]}"; return 1; }
}

test_man() {
	local p opts
	for p in man8/sluice.8 man1/sluice-ctl.1 man8/sluice-netns.8; do
		e2e_check "man page $p renders (groff -ww, man -l) without a warning" \
			man_renders "$(find "$DEST" -path "*/$p")" || true
	done
	# every option of sluice --help, with its value form
	mapfile -t opts < <("$SLUICE" --help | sed -n 's/^  \(-.*\)$/\1/p' |
		sed 's/^-[a-zA-Z], //')
	e2e_check "sluice.8 describes all ${#opts[@]} options of sluice --help" \
		man_covers "$(find "$DEST" -path '*/man8/sluice.8')" "${opts[@]}" || true
	# sluice-ctl: every command (its help's "commands:" list) and every
	# long option, its own and each command's
	local cmds c
	mapfile -t cmds < <(ctl --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | sort -u)
	mapfile -t opts < <(for c in "${cmds[@]}"; do ctl "$c" --help; done |
		cat - <(ctl --help) | grep -o -- '--[a-z][a-z-]*' | sort -u)
	opts+=("${cmds[@]}")
	e2e_check "sluice-ctl.1 describes every command and option of sluice-ctl (${#opts[@]})" \
		man_covers "$(find "$DEST" -path '*/man1/sluice-ctl.1')" "${opts[@]}" || true
	mapfile -t opts < <("$NETNS" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
	e2e_check "sluice-netns.8 describes every option of sluice-netns --help (${#opts[@]})" \
		man_covers "$(find "$DEST" -path '*/man8/sluice-netns.8')" "${opts[@]}" || true
}

# no_eal ARG: sluice ARG exits 0 without EAL arguments, prints no EAL line
no_eal() {
	local out err rc=0
	out=$("$SLUICE" "$1" 2>"$E2E_DIR/noeal.err") || rc=$?
	err=$(cat "$E2E_DIR/noeal.err")
	if ((rc == 0)) && [[ -n $out && -z $err ]] && ! grep -q EAL: <<<"$out"; then
		return 0
	fi
	printf 'exit %d\nstdout: %s\nstderr: %s\n' "$rc" "$(head -n 3 <<<"$out")" "$err"
	return 1
}

test_unit() {
	e2e_check "sluice --help without EAL arguments: usage, nothing from EAL" no_eal --help || true
	e2e_check "sluice -V without EAL arguments: version, nothing from EAL" no_eal -V || true
	local unit prefix sed_unit out rc=0
	unit=$(installed 'sluice@.service')
	if ! command -v systemd-analyze >/dev/null; then
		printf '# SKIP: systemd-analyze verify (systemd-analyze is not installed)\n'
		return 0
	fi
	# the unit names installed paths (prefix): point them into the destdir
	prefix=$(sed -n 's|^ExecStart=\(.*\)/sbin/sluice .*|\1|p' "$unit")
	mkdir -p "$E2E_DIR/unit"
	sed_unit=$E2E_DIR/unit/sluice@.service
	sed "s|$prefix/|$DEST$prefix/|g" "$unit" >"$sed_unit"
	out=$(cd "$E2E_DIR/unit" && systemd-analyze verify --man=no ./sluice@ops.service 2>&1) || rc=$?
	if ((rc == 0)) && [[ -z $out ]]; then
		e2e_pass "systemd-analyze verify sluice@.service: no complaint"
	else
		e2e_fail "systemd-analyze verify sluice@.service: no complaint" "exit $rc" "$out"
	fi
}

# ------------------------------------------------------------ as a service

# A wrapper that starts sluice the way sluice@NAME.service does: EAL_ARGS
# from an environment file, the unit's CapabilityBoundingSet and
# NoNewPrivileges (setpriv), RUNTIME_DIRECTORY=/run/sluice/NAME, NAME being
# the file prefix. lib.sh's e2e_start_sluice runs it as $SLUICE.
make_service_wrapper() {
	local unit caps
	unit=$(installed 'sluice@.service')
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr '[:upper:]' '[:lower:]' |
		sed 's/cap_/+/g; s/ /,/g')
	cat >"$E2E_DIR/sluice-as-service" <<EOF
#!/bin/bash
# sluice as sluice@NAME.service starts it (generated by test_ops.sh)
set -euo pipefail
name=
args=("\$@")
for ((i = 0; i < \${#args[@]}; i++)); do
	[[ \${args[i]} == --file-prefix ]] && name=\${args[i + 1]}
done
export RUNTIME_DIRECTORY=/run/sluice/\$name
mkdir -p "\$RUNTIME_DIRECTORY"
exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all,$caps \\
	"$SLUICE" "\$@"
EOF
	chmod 0755 "$E2E_DIR/sluice-as-service"
	printf '%s\n' "$caps"
}

# fetch_in_guest URL SHA: busybox wget in slg, sha256 compared
fetch_in_guest() {
	local got
	got=$(ip netns exec "$E2E_G" busybox wget -q -O - "$1" | sha256sum | cut -d' ' -f1)
	[[ $got == "$2" ]] || { printf 'sha256 %s, expected %s\n' "$got" "$2"; return 1; }
}

# json_check EXPR: EXPR (python, the JSON on stdin is "d") holds
json_check() {
	"$E2E_PYTHON" -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if eval(sys.argv[1]) else 1)' "$1"
}

test_service() {
	local caps real=$SLUICE
	caps=$(make_service_wrapper)
	[[ -d /run/sluice ]] || SVC_RUN_MADE=1
	SVC_NAME=sle2e-$E2E_ID-$((E2E_SLUICE_N + 1))
	SLUICE=$E2E_DIR/sluice-as-service
	if ! e2e_start_sluice --dns-forward 127.0.0.1:53 --allow 198.51.100.2/32:22 \
		--deny 0.0.0.0/0:22 --allow 10.9.0.0/16 --deny 10.8.0.0/13; then
		SLUICE=$real
		return 1
	fi
	SLUICE=$real
	e2e_pass "sluice starts as the unit starts it (bounding set $caps, no new privileges, RUNTIME_DIRECTORY)"
	e2e_dhcp || return 1
	e2e_check "guest downloads a file from slh's 127.0.0.1 via 10.0.2.2 (sha256)" \
		fetch_in_guest "http://$E2E_GW:$HTTP_PORT/blob" "$BLOB_SHA" || true
	e2e_check "the telemetry socket is /run/sluice/NAME/dpdk/NAME/dpdk_telemetry.v2" \
		test -S "/run/sluice/$SVC_NAME/dpdk/$SVC_NAME/dpdk_telemetry.v2" || true
	ctl -f "$SVC_NAME" -j info >"$E2E_DIR/info.json" 2>&1 || true
	e2e_check "sluice-ctl -f NAME finds the service's socket; info lists the rules in first-match order" \
		json_check 'd["rules"] == ["allow 198.51.100.2/32:22-22", "deny 0.0.0.0/0:22-22", "allow 10.9.0.0/16", "deny 10.8.0.0/13"]' \
		<"$E2E_DIR/info.json" || cat "$E2E_DIR/info.json"
	PREFIX=$SVC_NAME
}

# ------------------------------------------------------------ sluice-ctl

# head_clean: "sluice-ctl info | head -1" prints one line, nothing on stderr
head_clean() {
	local out err
	out=$(ctl -f "$PREFIX" info 2>"$E2E_DIR/head.err" | head -n 1)
	err=$(cat "$E2E_DIR/head.err")
	[[ -n $out && $(wc -l <<<"$out") == 1 && -z $err ]] ||
		{ printf 'stdout: %s\nstderr: %s\n' "$out" "$err"; return 1; }
}

# wrong_prefix: one line on stderr naming the prefix, exit status 2
wrong_prefix() {
	local rc=0 err
	ctl -f "no-such-$E2E_ID" info >/dev/null 2>"$E2E_DIR/wrong.err" || rc=$?
	err=$(cat "$E2E_DIR/wrong.err")
	printf 'exit %d: %s\n' "$rc" "$err"
	((rc == 2)) && [[ $(wc -l <"$E2E_DIR/wrong.err") == 1 ]] &&
		grep -q "no-such-$E2E_ID" <<<"$err" && ! grep -q Traceback <<<"$err"
}

# A Prometheus text check with Debian's prometheus_client: every family
# parses; the counters of /sluice/stats (argv[2], JSON) are there summed and
# per worker, with the gauges; argv[3]: the family that must be positive.
cat >"$E2E_DIR/prom_check.py" <<'EOF'
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1]).read()
stats = json.load(open(sys.argv[2]))
fams = {f.name: f for f in text_string_to_metric_families(text)}
problems = []
for key, val in stats.items():
    if isinstance(val, dict) or key in ("uptime_ms", "nb_workers", "tsc_hz"):
        continue
    gauge = key in ("flows_active", "mempool_in_use", "mempool_size",
                    "payload_pool_in_use", "payload_pool_size")
    # the parser names a counter family without its _total suffix
    name = "sluice_" + (key if gauge else key[:-6] if key.endswith("_total") else key)
    fam = fams.get(name)
    if fam is None:
        problems.append("no family %s" % name)
        continue
    if fam.type != ("gauge" if gauge else "counter"):
        problems.append("%s is a %s" % (name, fam.type))
    wname = name.replace("sluice_", "sluice_worker_", 1)
    wfam = fams.get(wname)
    if wfam is None or not any(s.labels.get("worker") == "0"
                               for s in wfam.samples):
        problems.append("no %s{worker=\"0\"}" % wname)
for name in ("sluice_up", "sluice_uptime_seconds", "sluice_flows_active",
             "sluice_port_mtu", "sluice_port_link_up", "sluice_info",
             "sluice_busy_seconds", "sluice_worker_busy_seconds"):
    if name not in fams:
        problems.append("no family " + name)
rx = [s.value for s in fams["sluice_rx_frames"].samples
      if s.name == "sluice_rx_frames_total"]
if not rx or rx[0] <= 0:
    problems.append("sluice_rx_frames_total not positive: %s" % rx)
# busy seconds: the busy cycles over the timer frequency, at most uptime
busy = [s.value for s in fams["sluice_busy_seconds"].samples] \
    if "sluice_busy_seconds" in fams else []
up = [s.value for s in fams["sluice_uptime_seconds"].samples] \
    if "sluice_uptime_seconds" in fams else [0]
if not busy or not 0 < busy[0] <= up[0] * max(1, stats.get("nb_workers", 1)) \
        or abs(busy[0] - stats["poll_busy_cycles"] / stats["tsc_hz"]) > 1:
    problems.append("sluice_busy_seconds_total %s (uptime %s, stats %s/%s)"
                    % (busy, up, stats.get("poll_busy_cycles"),
                       stats.get("tsc_hz")))
print("%d families, %d samples" % (len(fams),
                                   sum(len(f.samples) for f in fams.values())))
for p in problems[:20]:
    print(p)
sys.exit(1 if problems else 0)
EOF

# A scraper: GET URL twice (a second apart), the uptime must move.
cat >"$E2E_DIR/scrape.py" <<'EOF'
import re
import sys
import time
import urllib.request

url, out = sys.argv[1], sys.argv[2]
ups = []
for i in range(2):
    with urllib.request.urlopen(url, timeout=10) as r:
        ctype = r.headers.get("Content-Type", "")
        body = r.read().decode()
    m = re.search(r"^sluice_uptime_seconds (\S+)$", body, re.M)
    ups.append(float(m.group(1)) if m else -1)
    time.sleep(1.1)
open(out, "w").write(body)
print("content type %s, uptimes %s" % (ctype, ups))
sys.exit(0 if ctype.startswith("text/plain") and 0 < ups[0] < ups[1] else 1)
EOF

test_ctl() {
	e2e_check "sluice-ctl info | head -1: one line, no traceback" head_clean || true
	e2e_check "sluice-ctl -f WRONG: one line naming it, exit status 2" wrong_prefix || true
	ctl -f "$PREFIX" metrics >"$E2E_DIR/metrics.txt" 2>&1 || true
	ctl -f "$PREFIX" -j stats >"$E2E_DIR/stats.json" 2>&1 || true
	if [[ ! -x $SYS_PYTHON ]] || ! "$SYS_PYTHON" -c 'import prometheus_client' 2>/dev/null; then
		e2e_fail "prometheus_client present" "install python3-prometheus-client (usertools/sluice-setup)"
		return 1
	fi
	e2e_check "sluice-ctl metrics: Prometheus text, every /sluice/stats counter summed and per worker, gauges" \
		"$SYS_PYTHON" "$E2E_DIR/prom_check.py" "$E2E_DIR/metrics.txt" "$E2E_DIR/stats.json" || true
	# served over HTTP, on slh's loopback (port 0: the kernel picks one)
	local log=$E2E_DIR/listen.log pid port=
	e2e_bg "$E2E_H" "$log" "$E2E_PYTHON" "$CTL" -f "$PREFIX" metrics --listen 127.0.0.1:0
	pid=$E2E_BG_PID
	if e2e_wait_for 10 grep -q 'serving http://' "$log"; then
		port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/metrics|\1|p' "$log")
	fi
	if [[ -z $port ]]; then
		e2e_fail "sluice-ctl metrics --listen 127.0.0.1:0 serves" "$(cat "$log")"
		e2e_kill_pid "$pid"
		return 1
	fi
	e2e_check "GET http://127.0.0.1:$port/metrics twice: text/plain, fresh each time" \
		ip netns exec "$E2E_H" "$E2E_PYTHON" "$E2E_DIR/scrape.py" \
		"http://127.0.0.1:$port/metrics" "$E2E_DIR/scraped.txt" || true
	e2e_check "the scraped metrics parse too" \
		"$SYS_PYTHON" "$E2E_DIR/prom_check.py" "$E2E_DIR/scraped.txt" "$E2E_DIR/stats.json" || true
	e2e_kill_pid "$pid" TERM
	if ((E2E_KILL_STATUS == 0)); then
		e2e_pass "metrics --listen stops on SIGTERM with status 0"
	else
		e2e_fail "metrics --listen stops on SIGTERM with status 0" "status $E2E_KILL_STATUS" "$(cat "$log")"
	fi
}

# ------------------------------------------------------------ sluice-netns

# The command sluice-netns runs: its address, its resolv.conf, a download
# through the gateway (sha256 printed), then exit status 7.
cat >"$E2E_DIR/netns_cmd.sh" <<EOF
#!/bin/sh
ip -4 -o addr show dev eth0 | grep -q 'inet $E2E_GUEST/$E2E_PREFIX ' || { echo "no address"; ip addr; exit 3; }
grep -q '^nameserver $E2E_DNS\$' /etc/resolv.conf || { echo "resolv.conf:"; cat /etc/resolv.conf; exit 4; }
echo "sha256 \$(busybox wget -q -O - http://$E2E_GW:$HTTP_PORT/blob | sha256sum | cut -d' ' -f1)"
exit 7
EOF
chmod 0755 "$E2E_DIR/netns_cmd.sh"

# netns_leftovers PID: what a sluice-netns of that PID left behind
netns_leftovers() {
	local id=$1 left=()
	ip netns list | grep -q "sluice-netns-$id" && left+=("namespace")
	ip -n "$E2E_H" -o link | grep -q "sln[sp]$id" && left+=("link in $E2E_H")
	ip -o link | grep -q "sln[sp]$id" && left+=("link in the root namespace")
	[[ -e /etc/netns/sluice-netns-$id ]] && left+=("/etc/netns entry")
	[[ -e /var/run/dpdk/sluice-netns-$id ]] && left+=("DPDK runtime dir")
	pgrep -f "file-prefix sluice-netns-$id" >/dev/null && left+=("sluice process")
	((${#left[@]} == 0)) || { printf 'left behind: %s\n' "${left[*]}"; return 1; }
}

# run_netns DESC [ip netns exec NS] sluice-netns OPTIONS...: run it on
# netns_cmd.sh, check status 7, the sha256 and that nothing is left.
run_netns() {
	local desc=$1 log=$E2E_DIR/netns-$E2E_SLUICE_N-$RANDOM.log pid rc=0
	shift
	"$@" -L "$log.sluice" -o --dns-forward=127.0.0.1:53 -- "$E2E_DIR/netns_cmd.sh" >"$log" 2>&1 &
	pid=$!
	wait "$pid" || rc=$?
	if ((rc == 7)) && grep -q "^sha256 $BLOB_SHA\$" "$log"; then
		e2e_pass "$desc: CMD has its address and resolv.conf, downloads sha256-identical, its status 7 comes back"
	else
		e2e_fail "$desc: CMD has its address and resolv.conf, downloads sha256-identical, its status 7 comes back" \
			"exit status $rc" "$(cat "$log")" "$(e2e_log_tail "$log.sluice" 15)"
	fi
	e2e_check "$desc: nothing left behind" netns_leftovers "$pid" || true
}

test_netns() {
	run_netns "sluice-netns (af_packet, sluice in this namespace)" \
		ip netns exec "$E2E_H" "$NETNS" -s "$SLUICE" -v
	run_netns "sluice-netns -H slh -k tap" \
		"$NETNS" -s "$SLUICE" -H "$E2E_H" -k tap
	local rc=0 out
	out=$("$NETNS" --no-such-option -- true 2>&1) || rc=$?
	if ((rc == 2)) && [[ $(wc -l <<<"$out") == 1 ]]; then
		e2e_pass "sluice-netns: a bad option gives one line and status 2"
	else
		e2e_fail "sluice-netns: a bad option gives one line and status 2" "exit $rc" "$out"
	fi
}

# ------------------------------------------------------------ main

e2e_require ip busybox groff man setpriv ethtool sha256sum || { e2e_summary; exit 1; }
e2e_setup
test_install
test_man
test_unit

mkdir -p "$E2E_DIR/www"
head -c $((4 << 20)) /dev/urandom >"$E2E_DIR/www/blob"
BLOB_SHA=$(sha256sum "$E2E_DIR/www/blob" | cut -d' ' -f1)
e2e_bg "$E2E_H" "$E2E_DIR/http.log" "$E2E_PYTHON" -m http.server --bind 127.0.0.1 \
	--directory "$E2E_DIR/www" "$HTTP_PORT"
e2e_wait_for 10 ip netns exec "$E2E_H" "$E2E_PYTHON" -c \
	"import socket; socket.create_connection(('127.0.0.1', $HTTP_PORT), 1)" || true

PREFIX=
if test_service; then
	test_ctl
	e2e_stop_sluice || true
fi
test_netns

e2e_summary
