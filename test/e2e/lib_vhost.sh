# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/lib_vhost.sh: helpers for the tests that attach sluice to a
# vhost-user port (test_vm.sh: net_vhost with QEMU as the peer;
# test_virtio_user.sh: net_virtio_user with dpdk-testpmd as the peer).
# Source lib.sh first. Everything lives in $E2E_DIR (the vhost-user sockets
# too: they are filesystem paths, so sluice can sit in its own netns).
#
#   vh_host_ns                 create only slh-ID (sluice's "host"), lo up
#   vh_start_sluice VDEV ARGS  start sluice in slh on port VDEV (no tap),
#                              wait for "sluice: ready"; e2e_stop_sluice
#                              stops it as usual (= vh_launch_sluice, then
#                              vh_wait_sluice VDEV)
#   vh_http_server DIR PORT [ADDR]  python3 http.server on slh's 127.0.0.1
#                              (or ADDR: ::1)
#   vh_counter NAME [LOG]      a counter from sluice's exit report
#   vh_counters [LOG]          the exit report
#   vh_hugepages N             reserve N more 2 MiB hugepages (restored at
#                              cleanup), for E2E_VH_HUGE=1
#
# Memory: by default sluice runs with --no-huge -m $E2E_VH_MEM (1024). The
# vhost-user peer shares its memory with sluice through file descriptors
# (memfd), which DPDK 22.11 can do in --no-huge mode. E2E_VH_HUGE=1 uses
# hugepages instead (--in-memory --single-file-segments: hugetlb memfds, no
# mount needed); the test reserves them and gives them back at cleanup.

E2E_VH_MEM=${E2E_VH_MEM:-1024}
VH_HUGE_ORIG=			# nr_hugepages before vh_hugepages, for cleanup
VH_HUGE_FILE=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages

# vh_host_ns: the one namespace these tests need: slh, where sluice, its
# host services and (for tidiness) its peers run.
vh_host_ns() {
	if [[ $(id -u) != 0 ]]; then
		e2e_fail "running as root" "the e2e tests need root (network namespaces)"
		return 1
	fi
	ip netns add "$E2E_H" || { e2e_fail "create namespace $E2E_H"; return 1; }
	E2E_NS+=("$E2E_H")
	ip -n "$E2E_H" link set lo up
	ip netns exec "$E2E_H" sysctl -q -w net.ipv4.ping_group_range="0 2147483647"
}

# vh_mem_args: the EAL memory options (array VH_MEM_ARGS). With
# E2E_VH_HUGE=1 also makes sure the hugepages are there (vh_hugepages);
# returns 1 (after a FAIL line) when they cannot be had.
vh_mem_args() {
	if [[ -n ${E2E_VH_HUGE:-} ]]; then
		# --in-memory: hugepage memfds, no hugetlbfs mount needed; one
		# fd per memseg list, which the vhost-user peer maps
		VH_MEM_ARGS=(--in-memory --single-file-segments -m "$E2E_VH_MEM")
		if ! vh_hugepages $(((E2E_VH_MEM + 1) / 2)); then
			e2e_fail "reserve $(((E2E_VH_MEM + 1) / 2)) free 2 MiB hugepages (E2E_VH_HUGE=1)"
			return 1
		fi
	else
		VH_MEM_ARGS=(--no-huge -m "$E2E_VH_MEM")
	fi
}

# vh_hugepages N: make sure N free 2 MiB hugepages exist (raising
# nr_hugepages; the old value comes back at cleanup).
vh_hugepages() {
	local want=$1 total free
	[[ -w $VH_HUGE_FILE ]] || return 1
	total=$(cat "$VH_HUGE_FILE")
	free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
	((free >= want)) && return 0
	[[ -n $VH_HUGE_ORIG ]] || VH_HUGE_ORIG=$total
	echo $((total + want - free)) >"$VH_HUGE_FILE"
	free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
	((free >= want))
}

vh_cleanup() {
	if [[ -n $VH_HUGE_ORIG ]]; then
		echo "$VH_HUGE_ORIG" >"$VH_HUGE_FILE" 2>/dev/null
		VH_HUGE_ORIG=
	fi
}

# vh_start_sluice VDEV [APP OPTIONS...]: sluice in slh with the one port
# VDEV (a --vdev value); waits up to E2E_START_TIMEOUT (30) s for
# "sluice: ready". Sets E2E_SLUICE_PID and E2E_SLUICE_LOG like
# e2e_start_sluice. E2E_EAL_EXTRA (array) adds EAL options.
vh_start_sluice() {
	vh_launch_sluice "$@" && vh_wait_sluice "$1"
}

# vh_launch_sluice VDEV [APP OPTIONS...]: start sluice, do not wait (a
# virtio-user port with server=1 blocks sluice's start until its peer
# connects: start the peer, then vh_wait_sluice).
vh_launch_sluice() {
	local vdev=$1
	shift
	if [[ ! -x $SLUICE ]]; then
		e2e_fail "sluice binary present" "not found or not executable: $SLUICE"
		return 1
	fi
	E2E_SLUICE_N=$((E2E_SLUICE_N + 1))
	local prefix=sle2e-$E2E_ID-$E2E_SLUICE_N
	E2E_SLUICE_PREFIXES+=("$prefix")
	E2E_SLUICE_LOG=$E2E_DIR/sluice-$E2E_SLUICE_N.log
	vh_mem_args || return 1
	local -a eal=(--no-pci "${VH_MEM_ARGS[@]}" --file-prefix "$prefix"
		"${E2E_LCORE_ARGS[@]}" --vdev "$vdev"
		"--log-level=${E2E_LOG_LEVEL:-user1:info}")
	if [[ -n ${E2E_EAL_EXTRA+x} ]]; then
		eal+=("${E2E_EAL_EXTRA[@]}")
	fi
	e2e_info "starting: $SLUICE ${eal[*]} -- $*"
	e2e_bg "$E2E_H" "$E2E_SLUICE_LOG" "$SLUICE" "${eal[@]}" -- "$@"
	E2E_SLUICE_PID=$E2E_BG_PID
}

# vh_wait_sluice VDEV: wait for the "sluice: ready" of vh_launch_sluice.
vh_wait_sluice() {
	local vdev=$1
	local deadline=$((SECONDS + ${E2E_START_TIMEOUT:-30}))
	while ! grep -q '^sluice: ready' "$E2E_SLUICE_LOG"; do
		if ! e2e_sluice_alive; then
			e2e_kill_pid "$E2E_SLUICE_PID"
			e2e_fail "sluice starts on $vdev" "sluice exited with status $E2E_KILL_STATUS" \
				"$(e2e_log_tail "$E2E_SLUICE_LOG")"
			E2E_SLUICE_PID=
			return 1
		fi
		if ((SECONDS >= deadline)); then
			e2e_fail "sluice starts on $vdev" "no 'sluice: ready' line after ${E2E_START_TIMEOUT:-30} s" \
				"$(e2e_log_tail "$E2E_SLUICE_LOG")"
			return 1
		fi
		sleep 0.1
	done
	e2e_info "sluice pid $E2E_SLUICE_PID on $vdev"
	return 0
}

# vh_counter NAME [LOG]: value of counter NAME in sluice's exit report.
vh_counter() {
	local log=${2:-$E2E_SLUICE_LOG} v
	v=$(sed -n '/^sluice: counters/,$p' "$log" 2>/dev/null |
		awk -v n="$1" '$1 == n { print $2; exit }')
	echo "${v:-0}"
}

# vh_counters [LOG]: the exit report, for FAIL details.
vh_counters() {
	sed -n '/^sluice: counters/,$p' "${1:-$E2E_SLUICE_LOG}" 2>/dev/null
}

# vh_http_server DIR PORT [ADDR]: python3's http.server on slh's ADDR:PORT
# (default 127.0.0.1; ::1 for IPv6) serving DIR (killed at cleanup; its PID
# in VH_HTTP_PID); waits until it accepts connections.
vh_http_server() {
	local dir=$1 port=$2 addr=${3:-127.0.0.1}
	e2e_bg "$E2E_H" "$E2E_DIR/http-$port-$addr.log" "$E2E_PYTHON" -m http.server \
		--bind "$addr" --directory "$dir" "$port"
	# shellcheck disable=SC2034 # for the callers
	VH_HTTP_PID=$E2E_BG_PID
	if ! e2e_wait_for 15 ip netns exec "$E2E_H" "$E2E_PYTHON" -c \
		"import socket; socket.create_connection(('$addr', $port), 1).close()"; then
		e2e_fail "HTTP server on $E2E_H [$addr]:$port" "$(e2e_log_tail "$E2E_DIR/http-$port-$addr.log")"
		return 1
	fi
}

# e2e_cleanup (lib.sh, run from its traps) also gives back the hugepages
# reserved here, after our processes are gone.
eval "$(declare -f e2e_cleanup | sed '1s/^e2e_cleanup /vh_e2e_cleanup_base /')"
e2e_cleanup() {
	vh_e2e_cleanup_base
	vh_cleanup
	return 0
}
