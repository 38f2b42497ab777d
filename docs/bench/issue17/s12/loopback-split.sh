#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The sluice authors
#
# loopback-split.sh: where one loopback HTTP connection's CPU goes (issue 17,
# twelfth round): wrk -> nginx on 127.0.0.1 in a private namespace, one
# request per connection (Connection: close, 32 connections), and over the
# middle 2 s of each 3 s run the user and system time of wrk and of nginx
# per connection, beside the whole machine's busy time per connection.
# The system time of each is the kernel work run in its system calls (its
# TCP end, and on loopback the peer's receive processing of what it sends).
# REPS (default 5). Run as root; removes its namespace and processes.
set -eu
REPS=${REPS:-5}
NS=lsplit$$
DIR=$(mktemp -d)
NP=""
cleanup() {
	[ -n "$NP" ] && kill "$NP" 2>/dev/null && wait "$NP" 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$DIR"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
mkdir -p "$DIR/www"
head -c 100 /dev/zero | tr '\0' a > "$DIR/www/small.txt"
cat > "$DIR/nginx.conf" <<EOC
daemon off; master_process off; worker_processes 1;
pid $DIR/nginx.pid; error_log $DIR/err.log warn;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $DIR/b; proxy_temp_path $DIR/p;
  fastcgi_temp_path $DIR/f; uwsgi_temp_path $DIR/u; scgi_temp_path $DIR/s;
  default_type text/plain;
  server { listen 127.0.0.1:8080 backlog=4096; root $DIR/www; } }
EOC
ip netns exec "$NS" nginx -e "$DIR/err.log" -p "$DIR" -c "$DIR/nginx.conf" &
NP=$!
sleep 1
HZ=$(getconf CLK_TCK)
# utime and stime (ticks) of a process
ticks() { awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$1/stat"; }
busy() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
echo "rep conn/s machine_us wrk_user_us wrk_sys_us nginx_user_us nginx_sys_us"
for r in $(seq 1 "$REPS"); do
	ip netns exec "$NS" wrk -t1 -c32 -d3 -H 'Connection: close' \
		http://127.0.0.1:8080/small.txt > "$DIR/wrk.out" &
	WP=$!		# ip netns exec execs wrk: this is wrk's PID
	sleep 0.5
	read -r wu0 ws0 < <(ticks "$WP")
	read -r nu0 ns0 < <(ticks "$NP")
	b0=$(busy)
	sleep 2
	b1=$(busy)
	read -r wu1 ws1 < <(ticks "$WP")
	read -r nu1 ns1 < <(ticks "$NP")
	wait "$WP"
	rps=$(awk '/Requests\/sec/ { print $2 }' "$DIR/wrk.out")
	awk -v r="$r" -v rps="$rps" -v hz="$HZ" -v b="$((b1 - b0))" \
	    -v wu="$((wu1 - wu0))" -v ws="$((ws1 - ws0))" \
	    -v nu="$((nu1 - nu0))" -v ns="$((ns1 - ns0))" 'BEGIN {
		n = rps * 2; us = 1e6 / hz
		printf "%d %.0f %.1f %.1f %.1f %.1f %.1f\n", r, rps, b * us / n,
		    wu * us / n, ws * us / n, nu * us / n, ns * us / n }'
done
