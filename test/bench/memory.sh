#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/bench/memory.sh: memory of an idle sluice with 1..N guests on one
# process (a benchmark, not a test): net_tap ports, or with KIND=afp
# net_af_packet ports on veth pairs (devargs AFP_DEVARGS, default
# framesz=61440,blocksz=61440,framecnt=256: the "large frames" recipe of
# the README; sluice's end at MTU 65520). For each count of ports it
# starts sluice (EAL --no-pci, a private file prefix, -m MEM, hugepages
# unless NOHUGE=1 or none are configured) in a private network namespace,
# waits for "sluice: ready" and SETTLE seconds, and prints one line:
#   ports N  rss_kib R  hugepages_kib H  total_mib T  per_further_mib P
# R is VmRSS of /proc/PID/status (with --no-huge the mbuf pools are in it:
# RssShmem), H the hugepages the process took (HugePages_Free before less
# after, times Hugepagesize, from /proc/meminfo), T = R + H. The guests
# are idle taps (no traffic); the pools, rings, flow tables and per-worker
# state are what is measured; with KIND=afp also the kernel's PACKET_MMAP
# rings (framecnt x framesz, rx and tx, per queue pair), which the process
# maps and which count in its RSS.
# Usage (root): [BUILD=dir] [PORTS=3] [MEM=512] [SETTLE=2] [NOHUGE=1]
#               [KIND=tap|afp] [AFP_DEVARGS=...] [TAG=slm]
#               test/bench/memory.sh [SLUICE APP OPTIONS...]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${BUILD:-$here/../../build}
bin=$build/app/sluice
ports=${PORTS:-3}
mem=${MEM:-512}
settle=${SETTLE:-2}
kind=${KIND:-tap}
tag=${TAG:-slm}	# names: namespace TAG-PID-N, interfaces TAGPID..., file prefix
afp_devargs=${AFP_DEVARGS:-framesz=61440,blocksz=61440,framecnt=256}
case $kind in tap | afp) ;; *) echo "memory.sh: KIND tap or afp" >&2; exit 2 ;; esac
[[ -x $bin ]] || { echo "memory.sh: no $bin" >&2; exit 1; }

huge_free() { awk '/^HugePages_Free/ { print $2 }' /proc/meminfo; }
huge_kib() { awk '/^Hugepagesize/ { print $2 }' /proc/meminfo; }
huge=()
if [[ -n ${NOHUGE:-} || $(awk '/^HugePages_Total/ { print $2 }' /proc/meminfo) == 0 ]]; then
	huge=(--no-huge)
fi

first=
for ((n = 1; n <= ports; n++)); do
	id=$$-$n
	ns=$tag-$id
	dir=$(mktemp -d)
	ip netns add "$ns"
	vdev=()
	: >"$dir/conf"
	for ((i = 0; i < n; i++)); do
		if [[ $kind == afp ]]; then
			ip -n "$ns" link add "$tag$$a$i" mtu 65520 type veth peer name "$tag$$b$i"
			ip -n "$ns" link set "$tag$$a$i" up
			ip -n "$ns" link set "$tag$$b$i" up
			vdev+=(--vdev "net_af_packet$i,iface=$tag$$a$i,$afp_devargs")
		else
			vdev+=(--vdev "net_tap$i,iface=$tag$$x$i")
		fi
		((i == 0)) || printf '[port %d]\ngateway = 10.0.%d.2\nguest-addr = 10.0.%d.15\ndns = 10.0.%d.3\n' \
			"$i" $((i + 2)) $((i + 2)) $((i + 2)) >>"$dir/conf"
	done
	h0=$(huge_free)
	ip netns exec "$ns" "$bin" --no-pci "${huge[@]}" -m "$mem" \
		--file-prefix "$tag-$id" -l 0,1 "${vdev[@]}" -- \
		--config "$dir/conf" "$@" >"$dir/log" 2>&1 &
	pid=$!
	for ((t = 0; t < 300; t++)); do
		grep -q '^sluice: ready' "$dir/log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	sleep "$settle"
	if kill -0 "$pid" 2>/dev/null; then
		rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
		hk=$(( (h0 - $(huge_free)) * $(huge_kib) ))
		total=$(( (rss + hk) / 1024 ))
		[[ -n $first ]] || first=$total
		per=-
		((n == 1)) || per=$(( (total - first) / (n - 1) ))
		echo "ports $n  rss_kib $rss  hugepages_kib $hk  total_mib $total  per_further_mib $per"
		kill "$pid"
		wait "$pid" 2>/dev/null || true
	else
		echo "ports $n: sluice did not start (-m $mem too small?)" >&2
		tail -3 "$dir/log" >&2
		wait "$pid" 2>/dev/null || true
	fi
	ip netns del "$ns"
	rm -rf "$dir" "/var/run/dpdk/$tag-$id"
done
