#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# test/e2e/test_tcp.sh: end-to-end test of the window-aware TCP relay
# (issue 3). The guest (netns slg) talks TCP to servers on slh's loopback
# through 10.0.2.2; sluice terminates the guest's TCP and relays to kernel
# sockets. Checks, each as a PASS/FAIL line:
#   - 64 MiB download and upload, sha256-identical
#   - the same with 2% random loss both ways on the guest's link (nftables)
#   - a host reader that stops for 5 s: sluice advertises a zero window
#     (tcp_zero_window_adv) and reopens it (tcp_window_reopen) by itself; the
#     rest arrives at full speed after the reader resumes (EOF within 3 s;
#     the guest's blocked send returns within 1 s: no wait for the guest's
#     persist probe); run on a sluice of its own so the counters belong to
#     this case alone
#   - a guest that stops reading for 5 s while the host sends 64 MiB: sluice's
#     RSS stays within +64 MiB of its RSS right after start, the host sender
#     blocks (backpressure: sluice does not read it all into memory), and the
#     transfer completes intact
#   - a connection to a closed host port is refused (RST) within 1 s
#   - half-close: the guest shuts down its write side and still receives the
#     host's reply (sha256 of what it sent + 1 MiB)
#   - a host server that writes 1 MiB and closes with request bytes unread
#     (Linux resets the connection): the guest gets all of it (sha256), as
#     a client on the host itself does, then the reset
#   - 1000 concurrent connections, 64 KiB each, echo-verified; sluice still
#     answers ping afterwards
#   - SIGTERM: exit 0; counters show tcp_closed_normal > 0
# Ends with "N passed, N failed"; exit status 1 when anything failed.
# Usage (root): BUILD=/path/to/build test/e2e/test_tcp.sh
# TCP_BIG (default 67108864) sets the size of the bulk transfers.

set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_tcp.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_tcp.sh"

BIG=${TCP_BIG:-$((64 << 20))}
ZW_SIZE=			# zero-window case: set in test_zero_window
ZW_DRAIN_MAX=3			# s from the reader's resume to EOF
ZW_REOPEN_MAX=1			# s from the reader's resume to the guest sending
RSS_SLACK_KB=$((64 << 10))	# sluice RSS bound above its start-up RSS
MANY=1000
MANY_SIZE=65536
LO=127.0.0.1

# start_guest_net DESC [SLUICE OPTIONS...]: sluice + DHCP + a long tap queue
start_guest_net() {
	local what=$1
	shift
	e2e_start_sluice "$@" || return 1
	e2e_pass "sluice starts ($what)"
	# shellcheck disable=SC2119 # no extra udhcpc arguments
	e2e_dhcp || return 1
	tcp_tune_guest
}

# ------------------------------------------------------------ zero window

# A reader on the host that stops for 5 s: the guest's data piles up in the
# host socket and in sluice until sluice must advertise a zero window; when
# the reader resumes, sluice must reopen the window itself.
test_zero_window() {
	start_guest_net "zero-window case" || return 1
	# enough to stall for sure: more than the guest's send buffer and the
	# send buffer of sluice's host socket can take (autotuning limits of
	# the namespaces, copied from the host's), plus 8 MiB
	local gw hw
	gw=$(ip netns exec "$E2E_G" sysctl -n net.ipv4.tcp_wmem | awk '{ print $3 }')
	hw=$(ip netns exec "$E2E_H" sysctl -n net.ipv4.tcp_wmem | awk '{ print $3 }')
	ZW_SIZE=$(((8 << 20) + gw + 2 * hw))
	ZW_SIZE=$((ZW_SIZE < (16 << 20) ? (16 << 20) : ZW_SIZE))
	TCP_SPAUSE=5 tcp_xfer "zero window: guest uploads $((ZW_SIZE >> 20)) MiB to a host reader paused 5 s" \
		90 up "$ZW_SIZE" "$E2E_H" "$LO" 7101 "$E2E_G" "$E2E_GW" 7101 || true
	local drain resume stall stall_end delay
	drain=$(tcp_field drain "$TCP_XFER_SLOG")
	if [[ -n $drain ]] && awk -v d="$drain" -v m="$ZW_DRAIN_MAX" 'BEGIN { exit !(d < m) }'; then
		e2e_pass "zero window: the rest arrives ${drain} s after the reader resumes (bound $ZW_DRAIN_MAX s)"
	else
		e2e_fail "zero window: the rest arrives within $ZW_DRAIN_MAX s after the reader resumes" \
			"resume to EOF: '${drain}' s" "$(cat "$TCP_XFER_SLOG")"
	fi
	# the guest's send that blocked longest (the stall) must return right
	# after the reader resumes: sluice reopens the window by itself. Waiting
	# for the guest's next persist probe instead would take ~2 s here (its
	# probes back off: ~0.2, 0.4, 0.9, 1.7, 3.4 s apart)
	resume=$(tcp_field resume "$TCP_XFER_SLOG")
	stall=$(tcp_field stall "$TCP_XFER_CLOG")
	stall_end=$(tcp_field stall_end "$TCP_XFER_CLOG")
	delay=$(awk -v r="$resume" -v e="$stall_end" 'BEGIN { if (r == "" || e == "") print "none"; else printf "%.3f", e - r }')
	if [[ $delay != none ]] && awk -v d="$delay" -v s="$stall" -v m="$ZW_REOPEN_MAX" \
		'BEGIN { exit !(s >= 3 && d < m) }'; then
		e2e_pass "zero window: the guest's blocked send (${stall} s) resumes ${delay} s after the reader (bound $ZW_REOPEN_MAX s: no wait for a persist probe)"
	else
		e2e_fail "zero window: the guest's blocked send resumes within $ZW_REOPEN_MAX s of the reader (no wait for a persist probe)" \
			"reader resumed at '$resume', longest guest send blocked '$stall' s and returned at '$stall_end' (delay $delay s)" \
			"server: $(cat "$TCP_XFER_SLOG")" "client: $(cat "$TCP_XFER_CLOG")"
	fi
	e2e_stop_sluice 0 || return 1
	local zw reopen
	zw=$(tcp_counter tcp_zero_window_adv)
	reopen=$(tcp_counter tcp_window_reopen)
	e2e_info "zero-window counters: tcp_zero_window_adv=$zw tcp_window_reopen=$reopen" \
		"tcp_persist_probes=$(tcp_counter tcp_persist_probes)" \
		"tcp_zwp_answered=$(tcp_counter tcp_zwp_answered)" \
		"tcp_window_updates=$(tcp_counter tcp_window_updates)"
	if ((zw >= 1)); then
		e2e_pass "zero window: sluice advertised a zero window (tcp_zero_window_adv $zw)"
	else
		e2e_fail "zero window: sluice advertised a zero window (tcp_zero_window_adv >= 1)" \
			"$(tcp_counters)"
	fi
	if ((reopen >= 1)); then
		e2e_pass "zero window: sluice reopened the window (tcp_window_reopen $reopen)"
	else
		e2e_fail "zero window: sluice reopened the window (tcp_window_reopen >= 1)" \
			"$(tcp_counters)"
	fi
}

# ------------------------------------------------------------ guest stall

RSS_BASE=0
RSS_MAX=0
rss_sample() {
	local r
	r=$(tcp_rss_kb "$E2E_SLUICE_PID")
	((r > RSS_MAX)) && RSS_MAX=$r
	return 0
}

# The host sends 64 MiB to a guest that does not read for 5 s: sluice may
# only buffer up to its window, not the whole stream.
test_guest_stall() {
	RSS_MAX=0
	TCP_XFER_HOOK=rss_sample TCP_CPAUSE=5 \
		tcp_xfer "guest stall: the host sends $((BIG >> 20)) MiB to a guest that sleeps 5 s before reading" \
		120 down "$BIG" "$E2E_H" "$LO" 7102 "$E2E_G" "$E2E_GW" 7102 || true
	# backpressure: sluice stops reading the host socket once its buffer
	# for the flow is full, so the host sender must block for most of the
	# guest's 5 s pause (an unbounded relay would let it finish at once)
	local stall
	stall=$(tcp_field stall "$TCP_XFER_SLOG")
	if [[ -n $stall ]] && awk -v s="$stall" 'BEGIN { exit !(s >= 3) }'; then
		e2e_pass "guest stall: backpressure reaches the host sender (one send blocked ${stall} s)"
	else
		e2e_fail "guest stall: backpressure reaches the host sender (a send blocks >= 3 s)" \
			"longest blocked send: '${stall}' s" "$(cat "$TCP_XFER_SLOG")"
	fi
	local grow=$((RSS_MAX - RSS_BASE))
	if ((RSS_MAX > 0 && grow <= RSS_SLACK_KB)); then
		e2e_pass "guest stall: sluice RSS peaked at $((RSS_MAX >> 10)) MiB, +$((grow >> 10)) MiB over start (bound +$((RSS_SLACK_KB >> 10)) MiB)"
	else
		e2e_fail "guest stall: sluice RSS stays within +$((RSS_SLACK_KB >> 10)) MiB of start" \
			"RSS at start ${RSS_BASE} KiB, peak ${RSS_MAX} KiB (+${grow} KiB)"
	fi
}

# ------------------------------------------------------------ many

test_many() {
	tcp_bg "$E2E_H" echo-many "$TCP_PY" "$TCP_TOOLS" echo-server "$LO" 7103
	local spid=$E2E_BG_PID
	if ! tcp_wait_listen "$E2E_H" tcp 7103 10; then
		e2e_fail "$MANY concurrent connections: echo server listens" "$(cat "$TCP_BG_LOG")"
		return 1
	fi
	tcp_many "$MANY concurrent connections of $((MANY_SIZE >> 10)) KiB each, echo-verified" \
		"$E2E_G" "$E2E_GW" 7103 "$MANY" "$MANY_SIZE" 170 || true
	e2e_kill_pid "$spid"
}

# ------------------------------------------------------------ refused, half-close

test_refused() {
	# nothing listens on 7104 in slh
	local out rc=0
	out=$(timeout 20 ip netns exec "$E2E_G" "$TCP_PY" "$TCP_TOOLS" refused "$E2E_GW" 7104 2>&1) || rc=$?
	if ((rc == 0)); then
		e2e_pass "connect to a closed host port is refused: ConnectionRefusedError after ${out##*ms=} ms"
	else
		e2e_fail "connect to a closed host port is refused (RST) within 1 s" "$out"
	fi
}

test_half_close() {
	tcp_bg "$E2E_H" hash-server "$TCP_PY" "$TCP_TOOLS" hash-server "$LO" 7105 $((1 << 20))
	local spid=$E2E_BG_PID slog=$TCP_BG_LOG
	if ! tcp_wait_listen "$E2E_H" tcp 7105 10; then
		e2e_fail "half-close: server listens" "$(cat "$slog")"
		return 1
	fi
	local out rc=0
	out=$(timeout 60 ip netns exec "$E2E_G" "$TCP_PY" "$TCP_TOOLS" half-close \
		"$E2E_GW" 7105 $((4 << 20)) $((1 << 20)) 2>&1) || rc=$?
	if ((rc == 0)); then
		e2e_pass "half-close: guest shuts down its write side after 4 MiB and still gets the reply"
		[[ -n ${E2E_VERBOSE:-} ]] && printf '    . %s\n' "$out"
	else
		e2e_fail "half-close: guest shuts down its write side and still gets the reply" \
			"$out" "server: $(cat "$slog")"
	fi
	e2e_kill_pid "$spid"
}

# ------------------------------------------------------------ reply, then reset

# The end of the server's reply sits in sluice's host socket (the guest
# stops reading for 1 s before the last 64 KiB) when the server's close
# resets the connection: sluice must deliver it before the reset, as the
# kernel does for a direct client.
test_reply_reset() {
	local size=$((1 << 20)) port=7106
	tcp_bg "$E2E_H" reply-reset "$TCP_PY" "$TCP_TOOLS" reply-reset-server "$LO" "$port" "$size"
	local spid=$E2E_BG_PID slog=$TCP_BG_LOG
	if ! tcp_wait_listen "$E2E_H" tcp "$port" 10; then
		e2e_fail "reply then reset: server listens" "$(cat "$slog")"
		return 1
	fi
	local ns host out sha got how
	for ns in "$E2E_H" "$E2E_G"; do
		host=$LO
		[[ $ns == "$E2E_G" ]] && host=$E2E_GW
		out=$(timeout 60 ip netns exec "$ns" "$TCP_PY" "$TCP_TOOLS" reply-reset-client \
			"$host" "$port" "$size" --pause 1 2>&1) || true
		sleep 0.2
		sha=$(tcp_field sha "$slog")
		got=$(tcp_field bytes <(echo "$out"))
		how=$(tcp_field how <(echo "$out"))
		if [[ $got == "$size" && -n $sha && $(tcp_field sha <(echo "$out")) == "$sha" ]]; then
			e2e_pass "reply then reset ($ns client): all $((size >> 10)) KiB arrive (sha256 ${sha:0:16}...), then $how"
		else
			e2e_fail "reply then reset ($ns client): all $((size >> 10)) KiB arrive before the reset" \
				"client: $out" "server: $(tail -n 2 "$slog")"
		fi
	done
	e2e_kill_pid "$spid"
}

# ------------------------------------------------------------ main

if [[ ! -x $SLUICE ]]; then
	e2e_fail "sluice binary present" "not found or not executable: $SLUICE" \
		"build it first (usertools/sluice-setup) or set BUILD / SLUICE"
	e2e_summary || exit 1
fi
e2e_require ip ss nft busybox timeout "$TCP_PY" || true

if e2e_setup; then
	test_zero_window || true

	if start_guest_net "main run"; then
		RSS_BASE=$(tcp_rss_kb "$E2E_SLUICE_PID")
		e2e_info "sluice RSS after start: $((RSS_BASE >> 10)) MiB"
		test_guest_stall || true

		tcp_xfer "download: $((BIG >> 20)) MiB host -> guest" 120 down "$BIG" \
			"$E2E_H" "$LO" 7110 "$E2E_G" "$E2E_GW" 7110 || true
		tcp_xfer "upload: $((BIG >> 20)) MiB guest -> host" 120 up "$BIG" \
			"$E2E_H" "$LO" 7111 "$E2E_G" "$E2E_GW" 7111 || true

		if tcp_loss_on "$E2E_G" 2; then
			tcp_xfer "download with 2% loss both ways: $((BIG >> 20)) MiB host -> guest" 300 down "$BIG" \
				"$E2E_H" "$LO" 7112 "$E2E_G" "$E2E_GW" 7112 || true
			tcp_xfer "upload with 2% loss both ways: $((BIG >> 20)) MiB guest -> host" 300 up "$BIG" \
				"$E2E_H" "$LO" 7113 "$E2E_G" "$E2E_GW" 7113 || true
			e2e_info "loss: $(tcp_loss_dropped "$E2E_G") packets dropped in $E2E_G"
			tcp_loss_off "$E2E_G"
		else
			e2e_fail "2% loss on the guest link (nftables meta random)" "nft failed"
		fi

		test_refused || true
		test_half_close || true
		test_reply_reset || true
		# last: when it wedges sluice, the checks above still tell
		test_many || true
		e2e_check "ICMP: sluice still answers ping $E2E_GW after $MANY connections" \
			e2e_ping "$E2E_G" "$E2E_GW" 3 || true
		e2e_info "sluice RSS at the end: $(($(tcp_rss_kb "$E2E_SLUICE_PID") >> 10)) MiB"

		if e2e_stop_sluice 0; then
			closed=$(tcp_counter tcp_closed_normal)
			if ((closed > 0)); then
				e2e_pass "counters: tcp_closed_normal $closed, tcp_refused $(tcp_counter tcp_refused)," \
					"flows_closed $(tcp_counter flows_closed)"
			else
				e2e_fail "counters: tcp_closed_normal > 0" "$(tcp_counters)"
			fi
			e2e_info "counters: drop_nomem $(tcp_counter drop_nomem)," \
				"tcp_closed_timeout $(tcp_counter tcp_closed_timeout)," \
				"tcp_rexmit_rto $(tcp_counter tcp_rexmit_rto), tcp_rexmit_fast $(tcp_counter tcp_rexmit_fast)"
			[[ -n ${E2E_VERBOSE:-} ]] && tcp_counters | sed 's/^/# /'
		fi
	fi
fi

e2e_summary
