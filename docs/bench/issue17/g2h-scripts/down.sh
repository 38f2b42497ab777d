#!/bin/bash
[ -f /tmp/g2h/sluice.pid ] && kill $(cat /tmp/g2h/sluice.pid) 2>/dev/null; sleep 1
[ -f /tmp/g2h/iperf3.pid ] && kill $(cat /tmp/g2h/iperf3.pid) 2>/dev/null
rm -f /tmp/g2h/sluice.pid /tmp/g2h/iperf3.pid
ip netns del g2hg 2>/dev/null; ip netns del g2hh 2>/dev/null; rm -rf /etc/netns/g2hg
true
