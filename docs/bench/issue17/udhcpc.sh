#!/bin/sh
# busybox udhcpc's script for the issue-17 benchmark scripts: the address,
# the MTU and the default route sluice's DHCP offers
case "$1" in
deconfig) ip -4 addr flush dev "$interface"; ip link set dev "$interface" up ;;
bound|renew)
  [ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
  ip -4 addr flush dev "$interface"
  ip -4 addr add "$ip/${mask:-24}" dev "$interface"
  for r in $router; do ip -4 route replace default via "$r" dev "$interface"; break; done ;;
esac
exit 0
