# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/lib_multi.sh: helpers for two guests on two ports of one sluice
# (test_multi.sh, test/bench/multi_guest.sh). Source it after lib.sh (and
# lib_tcp.sh when you use its tools). Topology:
#
#   slg-ID  (guest A)  sltapID <== net_tap0 ==>  sluice in slh-ID
#   slgb-ID (guest B)  sltbID  <== net_tap1 ==>  (same sluice, port 1)
#
# Guest A is lib.sh's slg; guest B gets its own namespace and resolv.conf,
# removed on exit like the rest (our EXIT/INT/TERM traps wrap lib.sh's).
#
#   m_setup                       e2e_setup plus guest B's namespace
#   m_start_sluice NAME APPOPTS...  start sluice in slh with both taps,
#                                 which sluice moves into slg and slgb
#                                 (--netns in [port N] sections), up;
#                                 wait for them and "sluice: ready"
#   m_run_sluice NAME APPOPTS...  the same sluice run to its end (expected
#                                 to fail at start): M_RC, M_OUT, M_ERR
#   m_dhcp NS TAP ADDR GW PREFIX  udhcpc once in NS, check address + route
#   m_info [JQ-LIKE PY EXPR]      /sluice/info as JSON (sluice-ctl -j info)
#   m_port_lcores                 "port:worker:lcore" per port, one a line
#
# Environment: M_LCORES (EAL --lcores value; default one main and two
# worker lcores, spread over the CPUs there are: "0@0,1@1,2@1" on 2 CPUs),
# M_MEM (EAL -m, default 1536), M_ONE_PORT=1: only port 0 (tap A, guest A).

M_GB=slgb-$E2E_ID		# guest B namespace
M_TAPB=sltb$E2E_ID		# tap of port 1 (<= 15 chars)
M_GB_RESOLV=/etc/netns/$M_GB/resolv.conf
M_CTL=$E2E_SRC/usertools/sluice-ctl
M_PREFIX=			# file prefix of the running sluice

if [[ -z ${M_LCORES:-} ]]; then
	case $(nproc) in
	1) M_LCORES="0@0,1@0,2@0" ;;
	2) M_LCORES="0@0,1@1,2@1" ;;
	*) M_LCORES="0@0,1@1,2@2" ;;
	esac
fi

# our extra cleanup runs first, then lib.sh's (it rmdirs /etc/netns when it
# created it, so guest B's directory must be gone by then)
m_cleanup_extra() {
	rm -rf "/etc/netns/$M_GB" 2>/dev/null || true
}
m_on_exit() {
	local rc=$?
	set +e			# (under errexit the "exit $rc" below would end us)
	m_cleanup_extra
	(exit "$rc")		# e2e_on_exit reads the exit status from $?
	e2e_on_exit
}
m_on_signal() {
	m_cleanup_extra
	e2e_on_signal "$1"
}
trap m_on_exit EXIT
trap 'm_on_signal 130' INT
trap 'm_on_signal 143' TERM

# m_setup: lib.sh's namespaces plus guest B
m_setup() {
	e2e_setup || return 1
	ip netns add "$M_GB" || { e2e_fail "create namespace $M_GB"; return 1; }
	E2E_NS+=("$M_GB")
	ip -n "$M_GB" link set lo up
	mkdir -p "/etc/netns/$M_GB"
	: >"$M_GB_RESOLV"
	return 0
}

# m_eal PREFIX: the EAL options for a two-port sluice (into M_EAL)
m_eal() {
	M_EAL=(--no-pci --no-huge -m "${M_MEM:-1536}" --file-prefix "$1"
		--lcores "$M_LCORES" --vdev "net_tap0,iface=$E2E_TAP"
		"--log-level=${E2E_LOG_LEVEL:-user1:info}")
	[[ ${M_ONE_PORT:-0} == 1 ]] || M_EAL+=(--vdev "net_tap1,iface=$M_TAPB")
}

m_tap_up_in() {
	ip -n "$1" -o link show dev "$2" 2>/dev/null | grep -q '[<,]UP[,>]'
}

# m_start_sluice NAME APPOPTS...: see the header. Log in $E2E_SLUICE_LOG.
m_start_sluice() {
	local name=$1
	shift
	if [[ ! -x $SLUICE ]]; then
		e2e_fail "sluice binary present" "not found or not executable: $SLUICE"
		return 1
	fi
	E2E_SLUICE_N=$((E2E_SLUICE_N + 1))
	M_PREFIX=slm-$E2E_ID-$E2E_SLUICE_N
	E2E_SLUICE_PREFIXES+=("$M_PREFIX")
	E2E_SLUICE_LOG=$E2E_DIR/sluice-$name.log
	m_eal "$M_PREFIX"
	# sluice moves each tap into its guest's namespace (race-free)
	local nsconf=$E2E_DIR/netns-$name.conf
	printf '[port 0]\nnetns = %s\n[port 1]\nnetns = %s\n' "$E2E_G" "$M_GB" >"$nsconf"
	e2e_info "starting: $SLUICE ${M_EAL[*]} -- --config $nsconf $*"
	e2e_bg "$E2E_H" "$E2E_SLUICE_LOG" "$SLUICE" "${M_EAL[@]}" -- --config "$nsconf" "$@"
	E2E_SLUICE_PID=$E2E_BG_PID
	local deadline=$((SECONDS + ${E2E_START_TIMEOUT:-30}))
	local tapb=$M_TAPB nsb=$M_GB
	[[ ${M_ONE_PORT:-0} == 1 ]] && tapb=$E2E_TAP nsb=$E2E_G
	while ! m_tap_up_in "$E2E_G" "$E2E_TAP" || ! m_tap_up_in "$nsb" "$tapb" ||
		! grep -q '^sluice: ready' "$E2E_SLUICE_LOG"; do
		if ! e2e_sluice_alive; then
			e2e_kill_pid "$E2E_SLUICE_PID"
			e2e_fail "sluice ($name) starts" "sluice exited with status $E2E_KILL_STATUS before it was ready" \
				"$(e2e_log_tail "$E2E_SLUICE_LOG")"
			E2E_SLUICE_PID=
			return 1
		fi
		if ((SECONDS >= deadline)); then
			e2e_fail "sluice ($name) starts" "taps not up or no 'sluice: ready' after ${E2E_START_TIMEOUT:-30} s" \
				"$(e2e_log_tail "$E2E_SLUICE_LOG")"
			return 1
		fi
		sleep 0.1
	done
	sleep "${E2E_SETTLE:-0.2}"
	e2e_info "sluice pid $E2E_SLUICE_PID: $E2E_TAP in $E2E_G, $M_TAPB in $M_GB"
	return 0
}

# m_run_sluice NAME APPOPTS...: run a two-port sluice in slh to its end
# (60 s at most); sets M_RC, M_OUT, M_ERR (files).
m_run_sluice() {
	local name=$1
	shift
	E2E_SLUICE_N=$((E2E_SLUICE_N + 1))
	local prefix=slm-$E2E_ID-$E2E_SLUICE_N
	E2E_SLUICE_PREFIXES+=("$prefix")
	M_OUT=$E2E_DIR/run-$name.out
	M_ERR=$E2E_DIR/run-$name.err
	m_eal "$prefix"
	M_RC=0
	timeout 60 ip netns exec "$E2E_H" "$SLUICE" "${M_EAL[@]}" -- "$@" \
		>"$M_OUT" 2>"$M_ERR" </dev/null || M_RC=$?
}

# m_dhcp NS TAP ADDR GW PREFIX: one udhcpc run in NS; PASS/FAIL lines for
# the lease and for address + default route.
m_dhcp() {
	local ns=$1 tap=$2 addr=$3 gw=$4 plen=$5 out rc=0
	local ev=$E2E_DIR/udhcpc-$ns.events resolv=/etc/netns/$ns/resolv.conf
	out=$(timeout 40 env SLUICE_E2E_EVENTS="$ev" SLUICE_E2E_RESOLV="$resolv" \
		ip netns exec "$ns" busybox udhcpc -i "$tap" -n -q -f \
		-t 5 -T 2 -s "$E2E_UDHCPC_SCRIPT" 2>&1) || rc=$?
	if ((rc != 0)); then
		e2e_fail "DHCP in $ns: udhcpc gets a lease" "udhcpc exit status $rc" "$out" \
			"$(e2e_log_tail "$ev" 10)" "$(e2e_log_tail "$E2E_SLUICE_LOG" 20)"
		return 1
	fi
	if ip -n "$ns" -4 -o addr show dev "$tap" | grep -q "inet $addr/$plen " &&
		ip -n "$ns" -4 route show default | grep -q "via $gw dev $tap"; then
		e2e_pass "DHCP in $ns: $addr/$plen, default route via $gw"
		return 0
	fi
	e2e_fail "DHCP in $ns: $addr/$plen, default route via $gw" \
		"$(ip -n "$ns" -4 addr show dev "$tap")" "$(ip -n "$ns" -4 route)" \
		"$(tail -n 3 "$ev")"
	return 1
}

# m_info: /sluice/info of the running sluice as JSON
m_info() {
	"$E2E_PYTHON" "$M_CTL" -f "$M_PREFIX" -j info
}

# m_port_lcores: "port=P worker=W lcore=L" per port, from /sluice/info
m_port_lcores() {
	m_info | "$E2E_PYTHON" -c '
import json, sys
v = json.load(sys.stdin)
for k in sorted(v["ports"], key=int):
    p = v["ports"][k]
    w = p["worker"]
    print("port=%s worker=%s lcore=%s" % (k, w, v["workers"][str(w)]["lcore"]))
'
}
