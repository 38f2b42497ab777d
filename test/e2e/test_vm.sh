#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_vm.sh: a real virtual machine on sluice. QEMU boots a small
# Linux guest (Debian's kernel, a busybox initramfs built here) whose
# virtio-net-pci device is attached to sluice over vhost-user (sluice's port:
# --vdev net_vhost0). The guest's /init loads virtio_pci/virtio_net, gets an
# address with udhcpc, pings 10.0.2.2, fetches a random 8-32 MiB file with
# wget from an HTTP server on the host's 127.0.0.1 (in sluice's private host
# namespace slh) through 10.0.2.2, prints its sha256 on the serial console;
# then the same over IPv6 (sluice runs with --ipv6 on --host-loopback on):
# the kernel forms its fec0::/64 address (site-local scope to Linux) by
# SLAAC from sluice's router advertisements (and takes its default route
# from them), pings fec0::2 and
# fetches the file from an HTTP server on the host's ::1 through
# http://[fec0::2]/ (in the modes with an upload it sends it back over IPv6
# too); then powers off. Checks, each as a PASS/FAIL line (the IPv6 ones in
# every mode: SLAAC address and RA default route, ping6, sha256 of the IPv6
# download and upload):
#   - sluice as vhost-user server (client=0), QEMU as client: lease
#     10.0.2.15/24 via 10.0.2.2, ping, sha256 equal to the host file's
#   - the VM restarted against the same sluice: a second boot gets a lease
#     and the file again (sluice serves the new connection)
#   - sluice as vhost-user client (client=1), QEMU as server
#     (server=on,wait=off): the same, then a QEMU restart that sluice
#     reconnects to by itself
#   - sluice's counters: dhcp_acks per boot; link up/down logged
#   - multi-queue (mode "mq"): sluice with a 2-queue net_vhost port and two
#     workers (--queues 2), QEMU offering 2 queue pairs to a 1-CPU guest that
#     enables one: download, upload and 12 more connections sha256-identical;
#     worker 1's frames went out through queue 0 (tx_handed > 0), the guest's
#     frames of worker 1's flows were steered to it, none lost on the way; the
#     log shows queue pair 0 enabled, pair 1 never
#   - large segments and checksum offload (mode "tso"): sluice with
#     net_vhost's tso=1 and --mtu 1500 (so large frames exist only as TSO/
#     GSO), one boot with QEMU's default offloads (guest_csum, guest_tso4/6,
#     csum, host_tso4/6), then one with all of them off, against the same
#     sluice: each downloads the file and uploads it back (HTTP POST),
#     sha256-identical; /sluice/info during each boot shows what the guest
#     negotiated (tso, tso6 and tx_csum_offload 1, then 0: re-evaluated when
#     the new device attaches); the counters show TSO frames sent and large
#     segments received, and of them IPv6 ones (tx_tso6_frames with
#     guest_tso6, tcp6_large_segs_in with host_tso6); times and sluice's CPU
#     per GB are reported
# Slow (TCG: every boot takes 10-90 s), so run-all.sh runs it only when
# E2E_VM=1 or when it is named. Needs qemu-system-x86 (installed with
# apt-get when missing) and a Linux kernel: E2E_VM_KERNEL=/path/vmlinuz (with
# E2E_VM_MODULES=/lib/modules/VER when virtio is modular), else /boot's
# newest with its /lib/modules, else Debian's linux-image-amd64 downloaded
# with apt-get download and unpacked into the cache (nothing installed).
# Artefacts are cached in E2E_VM_CACHE (default $BUILD/vm-cache).
# Environment: E2E_VM_TIMEOUT (s per boot, default 300), E2E_VM_MIB (file
# size, default random 8-32), E2E_VM_MODES ("server client tso mq",
# default all four), E2E_VM_IPV6 (1, the default: the IPv6 checks; 0: an
# IPv4-only guest and sluice --ipv6 off).
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_vm.sh

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_vhost.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_vhost.sh"

VM_CACHE=${E2E_VM_CACHE:-$BUILD/vm-cache}
VM_TIMEOUT=${E2E_VM_TIMEOUT:-300}
VM_MODES=${E2E_VM_MODES:-server client tso mq}
VM_V6=${E2E_VM_IPV6:-1}		# 0: IPv4 only (sluice --ipv6 off)
VM_PREFIX6=fec0::/64		# sluice's defaults (--prefix6, --gateway6)
VM_GW6=fec0::2
VM_MEM=512M
VM_MAC=52:54:00:12:34:56
HTTP_PORT=8080
UP_PORT=8081			# uploads (POST): sha256 of the body
CTL=$E2E_SRC/usertools/sluice-ctl
# the guest's kernel modules, dependencies first (those that are built in
# or missing are skipped; their .modinfo "depends=" are followed as well)
VM_MODULES=(virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev
	virtio_pci failover net_failover virtio_net)

# ------------------------------------------------------------ artefacts

# vm_qemu: qemu-system-x86_64 present (apt-get install when missing).
vm_qemu() {
	command -v qemu-system-x86_64 >/dev/null 2>&1 && return 0
	e2e_info "installing qemu-system-x86 (apt-get)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		qemu-system-x86 >"$E2E_DIR/apt-qemu.log" 2>&1 ||
		{ DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
				qemu-system-x86 >>"$E2E_DIR/apt-qemu.log" 2>&1; } || {
		e2e_fail "qemu-system-x86_64 present" "$(e2e_log_tail "$E2E_DIR/apt-qemu.log" 10)"
		return 1
	}
}

# vm_newest FILE...: the existing FILE with the highest version.
vm_newest() {
	local f
	for f in "$@"; do
		[[ -e $f ]] && printf '%s\n' "$f"
	done | sort -rV | head -n 1
}

# vm_kernel: set VM_KERNEL (bzImage) and VM_MODDIR (its modules tree, may be
# empty when virtio is built in).
vm_kernel() {
	local k ver
	if [[ -n ${E2E_VM_KERNEL:-} ]]; then
		VM_KERNEL=$E2E_VM_KERNEL
		VM_MODDIR=${E2E_VM_MODULES:-}
		return 0
	fi
	for k in $(printf '%s\n' /boot/vmlinuz-* | sort -rV); do
		ver=${k#/boot/vmlinuz-}
		if [[ -r $k && -d /lib/modules/$ver/kernel ]]; then
			VM_KERNEL=$k
			VM_MODDIR=/lib/modules/$ver
			return 0
		fi
	done
	# Debian's kernel package, unpacked into the cache (not installed)
	local kdir=$VM_CACHE/kernel
	k=$(vm_newest "$kdir"/boot/vmlinuz-*)
	if [[ -z $k ]]; then
		local pkg deb tmp
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
			awk '/Depends: linux-image-/ { print $2; exit }')
		if [[ -z $pkg ]]; then
			DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
			pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
				awk '/Depends: linux-image-/ { print $2; exit }')
		fi
		if [[ -z $pkg ]]; then
			e2e_fail "guest kernel" "no /boot/vmlinuz-* and apt-cache knows no linux-image-amd64"
			return 1
		fi
		e2e_info "downloading $pkg (apt-get download) into $kdir"
		tmp=$(mktemp -d "$VM_CACHE/dl.XXXXXX")
		# a stale package list may name a version the mirror no longer
		# has: update once and retry
		if ! (cd "$tmp" && apt-get download "$pkg") >"$E2E_DIR/apt-kernel.log" 2>&1 &&
			! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
				pkg=$(apt-cache depends linux-image-amd64 |
					awk '/Depends: linux-image-/ { print $2; exit }') &&
				(cd "$tmp" && apt-get download "$pkg"); } >>"$E2E_DIR/apt-kernel.log" 2>&1; then
			rm -rf "$tmp"
			e2e_fail "guest kernel" "apt-get download $pkg failed" \
				"$(e2e_log_tail "$E2E_DIR/apt-kernel.log" 10)"
			return 1
		fi
		deb=$(ls "$tmp"/*.deb)
		mkdir -p "$tmp/x"
		# only the kernel image and the modules the guest needs
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" --wildcards \
			'./boot/vmlinuz-*' './boot/config-*' '*/modules/*/kernel/drivers/virtio/*' \
			'*/modules/*/kernel/drivers/net/virtio_net.ko*' \
			'*/modules/*/kernel/drivers/net/net_failover.ko*' \
			'*/modules/*/kernel/net/core/failover.ko*' 2>>"$E2E_DIR/apt-kernel.log" || true
		rm -rf "$kdir"
		mkdir -p "$kdir"
		mv "$tmp/x/boot" "$kdir/boot"
		local md
		md=$(find "$tmp/x" -maxdepth 4 -type d -path '*/modules/*' -name '[0-9]*' | head -n 1)
		[[ -n $md ]] && mv "$md" "$kdir/modules"
		rm -rf "$tmp"
		k=$(vm_newest "$kdir"/boot/vmlinuz-*)
		if [[ -z $k ]]; then
			e2e_fail "guest kernel" "no vmlinuz in $pkg" "$(e2e_log_tail "$E2E_DIR/apt-kernel.log" 10)"
			return 1
		fi
	fi
	VM_KERNEL=$k
	VM_MODDIR=$kdir/modules
	[[ -d $VM_MODDIR ]] || VM_MODDIR=
	return 0
}

# vm_modinfo_depends KO: the "depends=" list of a module (comma separated).
vm_modinfo_depends() {
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n 1
}

# vm_add_module NAME STAGE: copy module NAME (after its dependencies) into
# STAGE/lib/modules as NAME.ko (decompressed), appending to STAGE/modules.
vm_add_module() {
	local name=$1 stage=$2 ko dep
	grep -qx "$name" "$stage/modules" 2>/dev/null && return 0
	ko=$(find "$VM_MODDIR" -name "$name.ko" -o -name "$name.ko.*" 2>/dev/null | head -n 1)
	[[ -n $ko ]] || return 0	# built in (or absent): nothing to load
	for dep in $(vm_modinfo_depends "$ko" | tr ',' ' '); do
		vm_add_module "${dep//-/_}" "$stage"
	done
	case $ko in
	*.xz) xz -dc "$ko" ;;
	*.zst) zstd -qdc "$ko" ;;
	*.gz) gzip -dc "$ko" ;;
	*) cat "$ko" ;;
	esac >"$stage/lib/modules/$name.ko"
	echo "$name" >>"$stage/modules"
}

# vm_initramfs: build (or reuse from the cache) the guest's initramfs; sets
# VM_INITRD.
vm_initramfs() {
	local bb key stage lib
	bb=$(command -v busybox) || { e2e_fail "busybox present"; return 1; }
	key=$({
		echo "v1 $VM_KERNEL $VM_MODDIR"
		sha256sum "$bb" "$VM_KERNEL"
		declare -f vm_init_script vm_udhcpc_script vm_cpio
	} | sha256sum | cut -c1-16)
	VM_INITRD=$VM_CACHE/initramfs-$key.cpio.gz
	[[ -s $VM_INITRD ]] && return 0
	stage=$(mktemp -d "$VM_CACHE/stage.XXXXXX")
	mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,etc/udhcpc,lib/modules}
	cp "$bb" "$stage/bin/busybox"
	# a dynamic busybox brings its libraries (and the loader) along
	for lib in $(ldd "$bb" 2>/dev/null | grep -o '/[^ ]*' || true); do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
	local app
	for app in $("$bb" --list); do
		[[ $app == busybox ]] || ln -sf busybox "$stage/bin/$app"
	done
	: >"$stage/modules"
	if [[ -n $VM_MODDIR ]]; then
		local m
		for m in "${VM_MODULES[@]}"; do
			vm_add_module "$m" "$stage"
		done
	fi
	vm_init_script >"$stage/init"
	vm_udhcpc_script >"$stage/etc/udhcpc/default.script"
	chmod 0755 "$stage/init" "$stage/etc/udhcpc/default.script"
	if ! vm_cpio "$stage" "$VM_INITRD.tmp"; then
		rm -rf "$stage" "$VM_INITRD.tmp"
		e2e_fail "build the guest initramfs"
		return 1
	fi
	rm -f "$VM_CACHE"/initramfs-*.cpio.gz	# older versions of it
	mv "$VM_INITRD.tmp" "$VM_INITRD"
	e2e_info "guest modules: $(tr '\n' ' ' <"$stage/modules")"
	rm -rf "$stage"
}

# vm_cpio DIR OUT: a gzip'd newc cpio of DIR (as root:root) plus /dev/console
# (python3 stdlib: no cpio tool needed).
vm_cpio() {
	"$E2E_PYTHON" - "$1" "$2" <<'EOF'
import gzip
import os
import stat
import sys

root, out = sys.argv[1], sys.argv[2]
ino = [1000]


def entry(f, name, mode, data=b"", rdev=(0, 0), nlink=1):
    ino[0] += 1
    nb = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino[0], mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1],
        len(nb), 0))
    f.write(hdr.encode() + nb)
    f.write(b"\0" * ((4 - (110 + len(nb)) % 4) % 4))
    f.write(data)
    f.write(b"\0" * ((4 - len(data) % 4) % 4))


with gzip.open(out, "wb", compresslevel=6) as f:
    for d, dirs, files in os.walk(root):
        dirs.sort()
        rel = os.path.relpath(d, root)
        if rel != ".":
            entry(f, rel, stat.S_IFDIR | 0o755, nlink=2)
        for n in sorted(files):
            p = os.path.join(d, n)
            r = os.path.normpath(os.path.join(rel, n))
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                entry(f, r, stat.S_IFLNK | 0o777, os.readlink(p).encode())
            else:
                with open(p, "rb") as fh:
                    entry(f, r, stat.S_IFREG | (st.st_mode & 0o7777), fh.read())
        for n in sorted(dirs):
            p = os.path.join(d, n)
            if os.path.islink(p):
                entry(f, os.path.normpath(os.path.join(rel, n)),
                      stat.S_IFLNK | 0o777, os.readlink(p).encode())
    entry(f, "dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    entry(f, "TRAILER!!!", 0)
EOF
}

# vm_init_script: the guest's /init. Reads sluice.port= and sluice.run=
# from the kernel command line; every line for the test starts "SLUICE-VM:".
vm_init_script() {
	cat <<'EOF'
#!/bin/sh
# /init of the sluice test guest (generated by test/e2e/test_vm.sh)
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
say() { echo "SLUICE-VM: $*"; }
up() { cut -d' ' -f1 /proc/uptime; }
bye() { say "done $*"; sync; poweroff -f; sleep 10; }
port=8080
run=0
upport=
conns=
smallsha=
v6=
for a in $(cat /proc/cmdline); do
	case $a in
	sluice.port=*) port=${a#*=} ;;
	sluice.v6=*) v6=${a#*=} ;;
	sluice.run=*) run=${a#*=} ;;
	sluice.up=*) upport=${a#*=} ;;
	sluice.conns=*) conns=${a#*=} ;;
	sluice.smallsha=*) smallsha=${a#*=} ;;
	esac
done
say "init run=$run uptime=$(up)"
for m in $(cat /modules); do
	insmod "/lib/modules/$m.ko" || say "insmod $m failed"
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e /sys/class/net/eth0 ] || { say "no eth0"; bye fail; }
say "eth0 mac=$(cat /sys/class/net/eth0/address) features=$(cat /sys/class/net/eth0/device/features 2>/dev/null)"
ip link set lo up
ip link set eth0 up
if ! udhcpc -i eth0 -n -q -f -t 10 -T 3 -O mtu -s /etc/udhcpc/default.script; then
	say "dhcp failed"
	bye fail
fi
say "lease $(ip -4 -o addr show dev eth0 | awk '{ print $4 }') $(ip -4 route show default | head -n 1) mtu=$(cat /sys/class/net/eth0/mtu) uptime=$(up)"
if ping -c 3 -W 3 10.0.2.2 >/dev/null 2>&1; then
	say "ping ok"
else
	say "ping failed"
fi
t0=$(up)
say "wget start"
if wget -q -O /tmp/blob "http://10.0.2.2:$port/blob"; then
	t1=$(up)
	say "wget ok bytes=$(wc -c </tmp/blob) start=$t0 end=$t1"
	say "sha256 $(sha256sum /tmp/blob | cut -d' ' -f1)"
	if [ -n "$upport" ]; then
		say "upload start"
		u0=$(up)
		# nc half-closes at the end of the file, the host answers
		if nc 10.0.2.2 "$upport" </tmp/blob >/tmp/upres; then
			say "upload ok ustart=$u0 uend=$(up) $(cat /tmp/upres)"
		else
			say "upload failed"
		fi
	fi
else
	say "wget failed"
fi
if [ "$v6" = 1 ]; then
	# IPv6: the kernel forms its address by SLAAC from sluice's router
	# advertisements (accept_ra, autoconf: the defaults of a host)
	rm -f /tmp/blob
	i=0
	a6=
	while [ -z "$a6" ] && [ $i -lt 120 ]; do
		a6=$(ip -6 -o addr show dev eth0 2>/dev/null | grep -v tentative |
			grep -o 'fec0::[0-9a-f:]*/64' | head -n 1)
		[ -n "$a6" ] || sleep 0.5
		i=$((i + 1))
	done
	r6=$(ip -6 route show default | head -n 1 | awk '{ print $1, $2, $3 }')
	say "addr6 $a6 route6 $r6 uptime=$(up)"
	if ping -6 -c 3 -W 3 fec0::2 >/dev/null 2>&1 ||
		ping6 -c 3 -W 3 fec0::2 >/dev/null 2>&1; then
		say "ping6 ok"
	else
		say "ping6 failed"
	fi
	t0=$(up)
	say "wget6 start"
	if wget -q -O /tmp/blob "http://[fec0::2]:$port/blob"; then
		say "wget6 ok bytes6=$(wc -c </tmp/blob) start6=$t0 end6=$(up)"
		say "sha6 $(sha256sum /tmp/blob | cut -d' ' -f1)"
		if [ -n "$upport" ]; then
			u0=$(up)
			if nc fec0::2 "$upport" </tmp/blob >/tmp/upres; then
				say "upload6 ok ustart6=$u0 uend6=$(up) $(cat /tmp/upres)"
			else
				say "upload6 failed"
			fi
		fi
	else
		say "wget6 failed"
	fi
fi
if [ -n "$conns" ]; then
	# more connections (new source ports: flows of both workers of a
	# multi-queue port), each a small file checked by its sha256
	ok=0
	i=0
	while [ $i -lt "$conns" ]; do
		if wget -q -O /tmp/small "http://10.0.2.2:$port/small" &&
			[ "$(sha256sum /tmp/small | cut -d' ' -f1)" = "$smallsha" ]; then
			ok=$((ok + 1))
		fi
		i=$((i + 1))
	done
	say "conns ok=$ok of $conns"
fi
bye ok
EOF
}

# vm_udhcpc_script: the guest's udhcpc event script (address, route, MTU).
vm_udhcpc_script() {
	cat <<'EOF'
#!/bin/sh
case "$1" in
deconfig)
	ip -4 addr flush dev "$interface"
	ip link set dev "$interface" up
	;;
bound | renew)
	[ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
	ip -4 addr flush dev "$interface"
	ip -4 addr add "$ip/${mask:-32}" dev "$interface"
	for r in $router; do
		ip -4 route add default via "$r" dev "$interface"
		break
	done
	echo "SLUICE-VM: dhcp $1 ip=$ip mask=$mask router=$router dns=$dns mtu=$mtu serverid=$serverid"
	;;
esac
exit 0
EOF
}

# ------------------------------------------------------------ running

VM_N=0
VM_ACCEL=''

# vm_pick_accel: KVM when /dev/kvm is there and a guest really runs on it,
# else TCG; decided once (VM_ACCEL). A host may offer /dev/kvm whose guests
# never run (nested virtualisation without what QEMU asks of the CPU: seen
# as a guest that printed nothing in 300 s): the probe boots the guest's
# kernel alone (no initrd: it panics, QEMU exits on -no-reboot) and wants
# its banner on the serial console within 20 s.
vm_pick_accel() {
	[[ -n $VM_ACCEL ]] && return 0
	VM_ACCEL=tcg
	[[ -r /dev/kvm && -w /dev/kvm ]] || return 0
	local out=$E2E_DIR/kvm-probe.console
	: >"$out"
	timeout 20 qemu-system-x86_64 -accel kvm -m 256 -nodefaults -display none \
		-no-reboot -monitor none -serial "file:$out" -kernel "$VM_KERNEL" \
		-append "console=ttyS0 panic=-1" >/dev/null 2>&1 || true
	if grep -aq 'Linux version' "$out"; then
		VM_ACCEL=kvm
	else
		e2e_info "/dev/kvm is there but a guest printed nothing on it in 20 s: TCG"
	fi
}

# vm_boot MODE: boot the guest once, attached to $VM_SOCK; MODE "client"
# (QEMU connects to sluice's socket) or "server" (QEMU listens, sluice
# connects). Starts QEMU in the background: VM_PID, VM_CONSOLE, VM_LOG.
vm_boot() {
	local mode=$1 chardev accel=tcg
	VM_N=$((VM_N + 1))
	VM_CONSOLE=$E2E_DIR/vm-$VM_N.console
	VM_LOG=$E2E_DIR/vm-$VM_N.log
	: >"$VM_CONSOLE"
	chardev="socket,id=c0,path=$VM_SOCK"
	[[ $mode == server ]] && chardev+=",server=on,wait=off"
	# QEMU 7.2 (Debian 12) under TCG segfaults in msix_set_vector_notifiers
	# when the guest starts a vhost-user virtio-net device with MSI-X (no
	# KVM irqfd): give the device no MSI-X vectors (INTx) unless on KVM
	local nic="virtio-net-pci,netdev=n0,mac=$VM_MAC,mrg_rxbuf=on,romfile=${VM_NIC_EXTRA:-}"
	vm_pick_accel
	accel=$VM_ACCEL
	[[ $accel == kvm ]] || nic+=",vectors=0"
	e2e_info "boot $VM_N: QEMU ($accel) as vhost-user $mode on $VM_SOCK"
	e2e_bg "$E2E_H" "$VM_LOG" qemu-system-x86_64 -name "sluice-e2e-$E2E_ID-$VM_N" \
		-accel "$accel" -smp 1 -m "$VM_MEM" \
		-object "memory-backend-memfd,id=mem,size=$VM_MEM,share=on" \
		-numa node,memdev=mem \
		-nodefaults -display none -no-reboot -monitor none \
		-serial "file:$VM_CONSOLE" \
		-chardev "$chardev" -netdev "vhost-user,id=n0,chardev=c0${VM_NETDEV_EXTRA:-}" \
		-device "$nic" \
		-kernel "$VM_KERNEL" -initrd "$VM_INITRD" \
		-append "console=ttyS0 quiet panic=-1 sluice.port=$HTTP_PORT sluice.run=$VM_N sluice.v6=$VM_V6${VM_CMDLINE_EXTRA:-}"
	VM_PID=$E2E_BG_PID
	VM_T0=$(date +%s.%N)
}

# vm_lines: the guest's "SLUICE-VM:" console lines (the serial console
# writes CRLF: the CRs go).
vm_lines() { tr -d '\r' <"$VM_CONSOLE" 2>/dev/null | grep -a '^SLUICE-VM: ' || true; }

# vm_line WORD: the last "SLUICE-VM: WORD ..." line.
vm_line() { vm_lines | grep "^SLUICE-VM: $1\\b" | tail -n 1; }

# vm_field KEY: value of KEY=... on the guest's SLUICE-VM lines (last one).
vm_field() { vm_lines | grep -o "\\b$1=[^ ]*" | tail -n 1 | cut -d= -f2-; }

# vm_wait: wait for QEMU's exit after the guest's poweroff (up to
# VM_TIMEOUT s; QEMU is killed on time-out), noting the host time at which
# each milestone appeared on the console: VM_AT_init, _lease, _wget, _got, _done.
vm_wait() {
	local deadline=$((SECONDS + VM_TIMEOUT)) now lines
	VM_AT_init='' VM_AT_lease='' VM_AT_wget='' VM_AT_got='' VM_AT_done=''
	VM_CPU_wget='' VM_CPU_xfer=''
	while kill -0 "$VM_PID" 2>/dev/null && [[ $(ps -o stat= -p "$VM_PID" 2>/dev/null) != Z* ]]; do
		now=$(date +%s.%N)
		lines=$'\n'$(vm_lines)
		[[ -z $VM_AT_init && $lines == *$'\nSLUICE-VM: init '* ]] && VM_AT_init=$now
		if [[ -z $VM_AT_lease && $lines == *$'\nSLUICE-VM: lease '* ]]; then
			VM_AT_lease=$now
			# while the guest is attached (e.g. a telemetry query)
			[[ -n ${VM_ON_LEASE:-} ]] && $VM_ON_LEASE
		fi
		if [[ -z $VM_AT_wget && $lines == *$'\nSLUICE-VM: wget start'* ]]; then
			VM_AT_wget=$now
			VM_CPU_wget=$(vm_sluice_cpu)
		fi
		[[ -z $VM_AT_got && $lines == *$'\nSLUICE-VM: wget ok'* ]] && VM_AT_got=$now
		[[ -z $VM_CPU_xfer && $lines == *$'\nSLUICE-VM: upload '[of]* ]] && VM_CPU_xfer=$(vm_sluice_cpu)
		[[ -z $VM_AT_done && $lines == *$'\nSLUICE-VM: done'* ]] && VM_AT_done=$now
		if ((SECONDS >= deadline)); then
			e2e_info "boot $VM_N: no poweroff after $VM_TIMEOUT s, killing QEMU"
			break
		fi
		sleep 0.1
	done
	e2e_kill_pid "$VM_PID"
	VM_STATUS=$E2E_KILL_STATUS
	VM_SECS=$(vm_since "$VM_T0" "$(date +%s.%N)")
}

# vm_sluice_cpu: sluice's utime + stime so far, in clock ticks (empty when
# it is not running).
vm_sluice_cpu() {
	[[ -n ${E2E_SLUICE_PID:-} && -r /proc/$E2E_SLUICE_PID/stat ]] || return 0
	# fields after the ")" of comm: utime is the 12th, stime the 13th
	sed 's/.*) //' "/proc/$E2E_SLUICE_PID/stat" | awk '{ print $12 + $13 }'
}

# vm_since T0 T1 [DIGITS]: T1 - T0 in seconds ("?" when one is unknown).
vm_since() {
	if [[ -n $1 && -n $2 ]]; then
		awk -v a="$1" -v b="$2" -v d="${3:-1}" 'BEGIN { printf "%.*f", d, b - a }'
	else
		echo "?"
	fi
}

# vm_check_run DESC: the checks of one boot (after vm_wait).
vm_check_run() {
	local desc=$1 lease sum bytes secs mibs
	vm_details() {
		printf -- '--- console (%s) ---\n' "$VM_CONSOLE"
		tr -d '\r' <"$VM_CONSOLE" | tail -n 40
		e2e_log_tail "$VM_LOG" 10
		e2e_log_tail "$E2E_SLUICE_LOG" 20
	}
	e2e_info "boot $VM_N: QEMU exited with status $VM_STATUS after $VM_SECS s" \
		"(host clock: /init at $(vm_since "$VM_T0" "$VM_AT_init") s," \
		"lease at $(vm_since "$VM_T0" "$VM_AT_lease") s, poweroff at $(vm_since "$VM_T0" "$VM_AT_done") s)"
	vm_lines | sed 's/^/#   /'
	if [[ -n $(vm_line 'done') ]]; then
		e2e_pass "$desc: guest booted, ran its /init and powered off ($VM_SECS s)"
	else
		e2e_fail "$desc: guest booted, ran its /init and powered off" "$(vm_details)"
	fi
	lease=$(vm_line lease)
	if [[ $lease == *" $E2E_GUEST/$E2E_PREFIX default via $E2E_GW dev eth0"* ]]; then
		e2e_pass "$desc: DHCP lease $E2E_GUEST/$E2E_PREFIX, default route via $E2E_GW" \
			"($(vm_since "$VM_T0" "$VM_AT_lease") s after QEMU started, mtu $(vm_field mtu))"
	else
		e2e_fail "$desc: DHCP lease $E2E_GUEST/$E2E_PREFIX, default route via $E2E_GW" \
			"lease line: ${lease:-none}" "$(vm_details)"
	fi
	if [[ -n $(vm_line 'ping ok') ]]; then
		e2e_pass "$desc: guest pings $E2E_GW"
	else
		e2e_fail "$desc: guest pings $E2E_GW" "$(vm_details)"
	fi
	sum=$(vm_line sha256 | awk '{ print $3 }')
	bytes=$(vm_field bytes)
	if [[ -n $sum && $sum == "$BLOB_SHA" ]]; then
		# the guest's /proc/uptime brackets the transfer more tightly
		# than the host's polling of the console
		secs=$(vm_since "$(vm_field start)" "$(vm_field end)" 2)
		mibs=$(awk -v n="$bytes" -v s="$secs" 'BEGIN { if (s + 0 > 0) printf "%.1f", n / 1048576 / s; else print "?" }')
		e2e_pass "$desc: wget of $bytes bytes via $E2E_GW, sha256 equal to the host file's" \
			"($secs s, $mibs MiB/s by the guest's clock)"
	else
		e2e_fail "$desc: wget via $E2E_GW, sha256 equal to the host file's" \
			"host $BLOB_SHA" "guest ${sum:-none} (${bytes:-?} bytes)" "$(vm_details)"
	fi
	[[ $VM_V6 == 1 ]] && vm_check_run6 "$desc"
	return 0
}

# vm_check_run6 DESC: the IPv6 checks of one boot: a SLAAC address in
# $VM_PREFIX6 and a default route via the router's link-local address (both
# from sluice's router advertisements), ping6 of the gateway, the file over
# IPv6 from the host's ::1 through the gateway, sha256 equal.
vm_check_run6() {
	local desc=$1 line sum secs
	line=$(vm_line addr6)
	if [[ $line =~ addr6\ fec0::[0-9a-f:]+/64\ route6\ default\ via\ fe80:: ]]; then
		e2e_pass "$desc: SLAAC address in $VM_PREFIX6 and default route from sluice's RA" "(${line#SLUICE-VM: })"
	else
		e2e_fail "$desc: SLAAC address in $VM_PREFIX6 and default route from sluice's RA" \
			"addr6 line: ${line:-none}" "$(vm_details)"
	fi
	if [[ -n $(vm_line 'ping6 ok') ]]; then
		e2e_pass "$desc: guest pings $VM_GW6"
	else
		e2e_fail "$desc: guest pings $VM_GW6" "$(vm_line ping6)"
	fi
	sum=$(vm_line sha6 | awk '{ print $3 }')
	if [[ -n $sum && $sum == "$BLOB_SHA" ]]; then
		secs=$(vm_since "$(vm_field start6)" "$(vm_field end6)" 2)
		e2e_pass "$desc: wget of $(vm_field bytes6) bytes over IPv6 via [$VM_GW6] (the host's ::1), sha256 equal" \
			"($secs s by the guest's clock)"
	else
		e2e_fail "$desc: wget over IPv6 via [$VM_GW6], sha256 equal to the host file's" \
			"host $BLOB_SHA" "guest ${sum:-none}: $(vm_line wget6)" "$(vm_details)"
	fi
}

# vm_check_sluice NBOOTS DESC: after e2e_stop_sluice: dhcp_acks >= NBOOTS
# and link changes in its log.
vm_check_sluice() {
	local n=$1 desc=$2 acks
	acks=$(vh_counter dhcp_acks)
	if ((acks >= n)); then
		e2e_pass "$desc: sluice counted dhcp_acks $acks for $n boot(s)"
	else
		e2e_fail "$desc: sluice counted dhcp_acks >= $n" "dhcp_acks $acks" "$(vh_counters "$E2E_SLUICE_LOG")"
	fi
	local ups
	ups=$(grep -c 'Link up' "$E2E_SLUICE_LOG" || true)
	if ((ups >= n)); then
		e2e_pass "$desc: sluice logged the link coming up $ups time(s)"
	else
		e2e_fail "$desc: sluice logged the link coming up $n time(s)" \
			"$(grep -i 'link\|vhost' "$E2E_SLUICE_LOG" | tail -n 20)"
	fi
	grep -E 'VHOST_CONFIG: .*(negotiated Virtio features|features)' "$E2E_SLUICE_LOG" |
		head -n 2 | sed 's/^/# /' || true
	[[ -n ${E2E_VERBOSE:-} ]] && vh_counters "$E2E_SLUICE_LOG" | sed 's/^/# /'
	return 0
}

# ------------------------------------------------------------ offloads

# vm_up_server PORT: TCP servers on slh's 127.0.0.1:PORT and [::1]:PORT that
# read a connection to its end and answer "bytes=N sha256=HEX" (killed at
# cleanup; the guest uploads with busybox nc: its wget cannot POST binary
# files).
vm_up_server() {
	local port=$1 addr
	[[ ${VM_UP_STARTED:-} == "$port" ]] && return 0
	cat >"$E2E_DIR/upsrv.py" <<'EOF'
import hashlib
import socket
import sys

srv = socket.socket(socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[2], int(sys.argv[1])))
srv.listen(8)
while True:
    c, _ = srv.accept()
    h = hashlib.sha256()
    n = 0
    while True:
        b = c.recv(1 << 20)
        if not b:
            break
        h.update(b)
        n += len(b)
    try:
        c.sendall(("bytes=%d sha256=%s\n" % (n, h.hexdigest())).encode())
    except OSError:
        pass  # a probe that did not wait for the answer
    c.close()
EOF
	for addr in 127.0.0.1 ::1; do
		e2e_bg "$E2E_H" "$E2E_DIR/up-$port-$addr.log" "$E2E_PYTHON" "$E2E_DIR/upsrv.py" "$port" "$addr"
		if ! e2e_wait_for 15 ip netns exec "$E2E_H" "$E2E_PYTHON" -c \
			"import socket; socket.create_connection(('$addr', $port), 1).close()"; then
			e2e_fail "upload server on $E2E_H [$addr]:$port" "$(e2e_log_tail "$E2E_DIR/up-$port-$addr.log")"
			return 1
		fi
	done
	VM_UP_STARTED=$port
}

# vm_info_snapshot: /sluice/info of the running sluice into
# $E2E_DIR/info-$VM_N.json (VM_ON_LEASE hook: the guest is attached).
vm_info_snapshot() {
	"$E2E_PYTHON" "$CTL" -f "$VM_PREFIX" -j info >"$E2E_DIR/info-$VM_N.json" 2>&1 || true
}

# vm_info_check DESC EXPR: EXPR (python; "p" is port 0 of the snapshot)
# holds for this boot's /sluice/info snapshot.
vm_info_check() {
	local desc=$1 expr=$2 out
	if out=$("$E2E_PYTHON" - "$E2E_DIR/info-$VM_N.json" "$expr" 2>&1 <<'EOF'
import json
import sys

with open(sys.argv[1]) as f:
    p = json.load(f)["ports"]["0"]
keys = ("driver", "mtu", "link", "rx_csum_offload", "tx_csum_offload", "tso",
        "tso6", "guest_features", "guest_csum", "guest_tso4", "guest_tso6",
        "guest_sends_csum", "guest_sends_tso4", "guest_sends_tso6")
print(" ".join("%s=%s" % (k, p.get(k)) for k in keys))
sys.exit(0 if eval(sys.argv[2], {"p": p}) else 1)
EOF
	); then
		e2e_pass "$desc" "($out)"
	else
		e2e_fail "$desc" "$out"
	fi
}

# vm_check_upload DESC: the guest's upload of the file it fetched reached
# the host sha256-identical. Sets VM_UP_SECS.
vm_check_upload() {
	local desc=$1 line
	line=$(vm_line 'upload ok')
	VM_UP_SECS=$(vm_since "$(vm_field ustart)" "$(vm_field uend)" 2)
	if [[ $line == *"sha256=$BLOB_SHA"* ]]; then
		e2e_pass "$desc: upload of the file back to the host (TCP), sha256 equal" \
			"($VM_UP_SECS s by the guest's clock)"
	else
		e2e_fail "$desc: upload of the file back to the host (TCP), sha256 equal" \
			"upload line: ${line:-$(vm_line upload)}" "$(tr -d '\r' <"$VM_CONSOLE" | tail -n 20)"
	fi
	[[ $VM_V6 == 1 ]] || return 0
	line=$(vm_line 'upload6 ok')
	if [[ $line == *"sha256=$BLOB_SHA"* ]]; then
		e2e_pass "$desc: upload of the file over IPv6 to the host's ::1 (TCP), sha256 equal" \
			"($(vm_since "$(vm_field ustart6)" "$(vm_field uend6)" 2) s by the guest's clock)"
	else
		e2e_fail "$desc: upload of the file over IPv6 to the host's ::1 (TCP), sha256 equal" \
			"upload6 line: ${line:-$(vm_line upload6)}" "$(tr -d '\r' <"$VM_CONSOLE" | tail -n 20)"
	fi
}

# vm_cpu_per_gb: sluice's CPU seconds per GB moved during this boot's
# download + upload (2 x the file), from the ticks at "wget start" and at
# the upload's end ("?" when either is missing).
vm_cpu_per_gb() {
	local hz
	hz=$(getconf CLK_TCK)
	if [[ -n $VM_CPU_wget && -n $VM_CPU_xfer ]]; then
		awk -v a="$VM_CPU_wget" -v b="$VM_CPU_xfer" -v hz="$hz" -v n=$((2 * BLOB_MIB * 1048576)) \
			'BEGIN { printf "%.2f", (b - a) / hz / (n / 1e9) }'
	else
		echo "?"
	fi
}

# vm_offload_run: the "tso" mode. One sluice (tso=1, --mtu 1500), two
# boots: QEMU's default offloads, then none.
vm_offload_run() {
	local desc down_on up_on cpu_on down_off up_off cpu_off
	local off=",csum=off,guest_csum=off,gso=off,guest_tso4=off,guest_tso6=off,guest_ecn=off"
	off+=",guest_ufo=off,host_tso4=off,host_tso6=off,host_ecn=off,host_ufo=off"
	vm_up_server "$UP_PORT" || return 0
	vh_start_sluice "net_vhost0,iface=$VM_SOCK,client=0,tso=1" "${APP_ARGS[@]}" --mtu 1500 || return 0
	VM_PREFIX=${E2E_SLUICE_PREFIXES[-1]}
	if ! e2e_wait_for 10 test -S "$VM_SOCK"; then
		e2e_fail "sluice creates its vhost-user socket $VM_SOCK" "$(e2e_log_tail "$E2E_SLUICE_LOG")"
		e2e_stop_sluice 0 || true
		return 0
	fi
	VM_CMDLINE_EXTRA=" sluice.up=$UP_PORT"
	VM_ON_LEASE=vm_info_snapshot

	desc="tso=1, mtu 1500, guest offloads on"
	VM_NIC_EXTRA=
	vm_boot client
	vm_wait
	vm_check_run "$desc"
	vm_check_upload "$desc"
	down_on=$(vm_since "$(vm_field start)" "$(vm_field end)" 2)
	up_on=$VM_UP_SECS
	cpu_on=$(vm_cpu_per_gb)
	vm_info_check "$desc: /sluice/info shows the negotiated offloads (csum, tso, tso6 both ways)" \
		"p['mtu'] == 1500 and p['rx_csum_offload'] == 1 and p['tx_csum_offload'] == 1 and p['tso'] == 1 and p['tso6'] == 1 and p['guest_csum'] == 1 and p['guest_tso4'] == 1 and p['guest_tso6'] == 1 and p['guest_sends_tso4'] == 1 and p['guest_sends_tso6'] == 1"
	e2e_check "$desc: guest MTU 1500 from DHCP" test "$(vm_field mtu)" = 1500 || true

	desc="tso=1, mtu 1500, guest offloads off (same sluice)"
	VM_NIC_EXTRA=$off
	vm_boot client
	vm_wait
	vm_check_run "$desc"
	vm_check_upload "$desc"
	down_off=$(vm_since "$(vm_field start)" "$(vm_field end)" 2)
	up_off=$VM_UP_SECS
	cpu_off=$(vm_cpu_per_gb)
	vm_info_check "$desc: /sluice/info shows no offloads (re-evaluated for the new device)" \
		"p['tx_csum_offload'] == 0 and p['tso'] == 0 and p['tso6'] == 0 and p['guest_csum'] == 0 and p['guest_tso4'] == 0 and p['guest_tso6'] == 0 and p['guest_sends_tso4'] == 0"
	VM_NIC_EXTRA=
	VM_CMDLINE_EXTRA=
	VM_ON_LEASE=

	if e2e_stop_sluice 0; then
		vm_check_sluice 2 "tso=1"
		local tso big csum ol
		tso=$(vh_counter tx_tso_frames)
		big=$(vh_counter tcp_large_segs_in)
		csum=$(vh_counter tx_csum_offload)
		ol=$(vh_counter rx_csum_offload)
		if ((tso > 0 && big > 0 && csum > 0 && ol > 0)); then
			e2e_pass "tso=1: sluice sent TSO frames and received large segments" \
				"(tx_tso_frames $tso, tcp_large_segs_in $big, tx_csum_offload $csum, rx_csum_offload $ol)"
		else
			e2e_fail "tso=1: sluice sent TSO frames and received large segments" \
				"tx_tso_frames $tso, tcp_large_segs_in $big, tx_csum_offload $csum, rx_csum_offload $ol" \
				"$(vh_counters)"
		fi
		local tso6 big6
		tso6=$(vh_counter tx_tso6_frames)
		big6=$(vh_counter tcp6_large_segs_in)
		if ((tso6 > 0 && big6 > 0)); then
			e2e_pass "tso=1: sluice sent TSO6 frames (guest_tso6) and received large IPv6 segments (host_tso6)" \
				"(tx_tso6_frames $tso6, tcp6_large_segs_in $big6)"
		else
			e2e_fail "tso=1: sluice sent TSO6 frames (guest_tso6) and received large IPv6 segments (host_tso6)" \
				"tx_tso6_frames $tso6, tcp6_large_segs_in $big6" "$(vh_counters)"
		fi
		e2e_check "tso=1: no guest frame dropped for its checksum" test "$(vh_counter drop_l4_csum)" = 0 || true
		grep 'guest offloads' "$E2E_SLUICE_LOG" | sed 's/^/# /' || true
	fi
	e2e_info "offloads on:  download $down_on s, upload $up_on s, sluice CPU $cpu_on s/GB (guest clock; TCG)"
	e2e_info "offloads off: download $down_off s, upload $up_off s, sluice CPU $cpu_off s/GB"
}

# vm_mq_run: the "mq" mode. sluice with a 2-queue vhost-user port served by
# two workers (--queues 2, net_vhost queues=2); QEMU offers the guest 2
# queue pairs and the 1-CPU guest enables one, so worker 1's queue cannot
# deliver: its frames must go out through worker 0's (tx_handed) and the
# guest's frames of worker 1's flows arrive on queue 0 (steer_out/in).
vm_mq_run() {
	local desc="2-queue vhost-user port, 1-CPU guest" line
	local -a saved=("${E2E_LCORE_ARGS[@]}")
	vm_up_server "$UP_PORT" || return 0
	if (($(nproc) >= 2)); then
		E2E_LCORE_ARGS=(--lcores "0@0,1@1,2@1")
	else
		E2E_LCORE_ARGS=(--lcores "0@0,1@0,2@0")
	fi
	if ! vh_start_sluice "net_vhost0,iface=$VM_SOCK,client=0,queues=2" "${APP_ARGS[@]}" --queues 2; then
		E2E_LCORE_ARGS=("${saved[@]}")
		return 0
	fi
	E2E_LCORE_ARGS=("${saved[@]}")
	VM_PREFIX=${E2E_SLUICE_PREFIXES[-1]}
	if ! e2e_wait_for 10 test -S "$VM_SOCK"; then
		e2e_fail "sluice creates its vhost-user socket $VM_SOCK" "$(e2e_log_tail "$E2E_SLUICE_LOG")"
		e2e_stop_sluice 0 || true
		return 0
	fi
	VM_CMDLINE_EXTRA=" sluice.up=$UP_PORT sluice.conns=12 sluice.smallsha=$SMALL_SHA"
	VM_NETDEV_EXTRA=",queues=2"
	VM_NIC_EXTRA=",mq=on"
	VM_ON_LEASE=vm_info_snapshot
	vm_boot client
	vm_wait
	vm_check_run "$desc"
	vm_check_upload "$desc"
	line=$(vm_line conns)
	if [[ $line == "SLUICE-VM: conns ok=12 of 12" ]]; then
		e2e_pass "$desc: 12 more connections, each file sha256-identical"
	else
		e2e_fail "$desc: 12 more connections, each file sha256-identical" "${line:-no conns line}" \
			"$(tr -d '\r' <"$VM_CONSOLE" | tail -n 20)"
	fi
	vm_info_check "$desc: /sluice/info shows 2 queues served by workers 0 and 1" \
		"p['nb_queues'] == 2 and sorted(p['workers']) == [0, 1]"
	VM_CMDLINE_EXTRA=
	VM_NETDEV_EXTRA=
	VM_NIC_EXTRA=
	VM_ON_LEASE=
	if e2e_stop_sluice 0; then
		vm_check_sluice 1 "$desc"
		local handed sout sin full txd
		handed=$(vh_counter tx_handed)
		sout=$(vh_counter steer_out)
		sin=$(vh_counter steer_in)
		full=$(vh_counter drop_steer_full)
		txd=$(vh_counter tx_dropped)
		# tx_dropped: frames a full guest ring refused (the emulated
		# guest is slow), resent by TCP; reported, not a failure
		if ((handed > 0 && sout > 0 && sout == sin && full == 0)); then
			e2e_pass "$desc: worker 1's frames went out through queue 0 and the guest's reached worker 1" \
				"(tx_handed $handed, steer_out $sout, steer_in $sin, tx_dropped $txd)"
		else
			e2e_fail "$desc: worker 1's frames go out through queue 0, the guest's reach worker 1" \
				"tx_handed $handed, steer_out $sout, steer_in $sin, drop_steer_full $full, tx_dropped $txd" \
				"$(vh_counters)"
		fi
		if grep -q 'guest enabled tx queue 0' "$E2E_SLUICE_LOG" &&
			! grep -q 'guest enabled tx queue 1' "$E2E_SLUICE_LOG"; then
			e2e_pass "$desc: sluice saw the guest enable queue pair 0 only"
		else
			e2e_fail "$desc: sluice saw the guest enable queue pair 0 only" \
				"$(grep -i 'queue' "$E2E_SLUICE_LOG" | tail -n 10)"
		fi
	fi
}

# ------------------------------------------------------------ main

e2e_require ip "$E2E_PYTHON" busybox sha256sum gzip || { e2e_summary; exit 1; }
mkdir -p "$VM_CACHE"
if vm_qemu && vm_kernel && vm_initramfs && vh_host_ns; then
	e2e_pass "guest artefacts: kernel $(basename "$VM_KERNEL"), initramfs $(basename "$VM_INITRD") ($(du -k "$VM_INITRD" | cut -f1) KiB)"
	# the file the guest fetches, served on slh's 127.0.0.1
	mkdir -p "$E2E_DIR/www"
	BLOB_MIB=${E2E_VM_MIB:-$((8 + RANDOM % 25))}
	head -c $((BLOB_MIB * 1048576)) /dev/urandom >"$E2E_DIR/www/blob"
	BLOB_SHA=$(sha256sum "$E2E_DIR/www/blob" | cut -d' ' -f1)
	head -c 262144 /dev/urandom >"$E2E_DIR/www/small"
	SMALL_SHA=$(sha256sum "$E2E_DIR/www/small" | cut -d' ' -f1)
	e2e_info "host file: $BLOB_MIB MiB, sha256 $BLOB_SHA"
	vh_http_server "$E2E_DIR/www" "$HTTP_PORT" || true
	[[ $VM_V6 == 1 ]] && { vh_http_server "$E2E_DIR/www" "$HTTP_PORT" ::1 || true; }
	VM_SOCK=$E2E_DIR/vhost.sock
	APP_ARGS=(--dns-forward off --host-loopback on --ipv6 "$([[ $VM_V6 == 1 ]] && echo on || echo off)")

	for mode in $VM_MODES; do
		rm -f "$VM_SOCK"
		case $mode in
		server)
			# sluice listens (client=0) and QEMU connects; then the VM
			# boots a second time against the same sluice
			if vh_start_sluice "net_vhost0,iface=$VM_SOCK,client=0" "${APP_ARGS[@]}"; then
				if e2e_wait_for 10 test -S "$VM_SOCK"; then
					vm_boot client
					vm_wait
					vm_check_run "vhost-user server, boot 1"
					vm_boot client
					vm_wait
					vm_check_run "vhost-user server, VM restarted"
				else
					e2e_fail "sluice creates its vhost-user socket $VM_SOCK" \
						"$(e2e_log_tail "$E2E_SLUICE_LOG")"
				fi
				e2e_stop_sluice 0 && vm_check_sluice 2 "vhost-user server"
			fi
			;;
		client)
			# QEMU listens (server=on,wait=off), sluice connects; the
			# second QEMU listens on the same path: sluice reconnects
			vm_boot server
			if e2e_wait_for 20 test -S "$VM_SOCK" &&
				vh_start_sluice "net_vhost0,iface=$VM_SOCK,client=1" "${APP_ARGS[@]}"; then
				vm_wait
				vm_check_run "vhost-user client, boot 1"
				vm_boot server
				vm_wait
				vm_check_run "vhost-user client, QEMU restarted, sluice reconnected"
				e2e_stop_sluice 0 && vm_check_sluice 2 "vhost-user client"
			else
				[[ -S $VM_SOCK ]] || e2e_fail "QEMU creates its vhost-user socket $VM_SOCK" \
					"$(e2e_log_tail "$VM_LOG")"
				e2e_kill_pid "$VM_PID"
			fi
			;;
		tso)
			vm_offload_run
			;;
		mq)
			vm_mq_run
			;;
		*)
			e2e_fail "E2E_VM_MODES: unknown mode $mode (server, client, tso, mq)"
			;;
		esac
	done
fi

e2e_summary
