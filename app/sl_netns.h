/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_netns.h: handing a net_tap port's interface to the guest's network
 * namespace (--netns), race-free.
 *
 * net_tap creates its tap while the EAL probes devices, but opens the queue
 * descriptors, by the tap's name, only when the port's queues are set up.
 * A tap moved into another namespace in between is no longer found by that
 * name, so the kernel creates a second tap of the same name in sluice's
 * namespace and the PMD serves that one, while the guest's stays unread.
 * So sluice moves the tap itself, once every port is started (netlink
 * RTM_NEWLINK with IFLA_NET_NS_FD, by the interface index the PMD created,
 * and IFF_UP in the same request), and before that checks every tap: one
 * whose name now has another index than the one created is that second tap.
 */
#ifndef SL_NETNS_H
#define SL_NETNS_H

#include <stddef.h>

struct sl_app;

/**
 * sl_netns_check - whether @val is a usable --netns value: empty (none), a
 * name as `ip netns` makes them (under /run/netns; no '/', not "." or "..",
 * no blanks) or an absolute path to a namespace file (/proc/PID/ns/net).
 * @val: the value
 * @why: the reason, quoting @val, on error
 * @whylen: size of @why
 *
 * Return: 0 or -1.
 */
int sl_netns_check(const char *val, char *why, size_t whylen);

/**
 * sl_netns_ports_place - once every port is started, before "ready": check
 * that each net_tap port still serves the tap it created (log an error
 * when the tap was moved before the port was set up) and move the taps of
 * ports with --netns into their namespace (up there with --netns-up on).
 * @app: the application, ports and per-port configurations set up
 * @err: one line on failure
 * @errlen: size of @err
 *
 * Return: 0; 1 when a tap was moved too early or cannot be moved; 2 for a
 * bad --netns (no such namespace, or not a net_tap port).
 */
int sl_netns_ports_place(struct sl_app *app, char *err, size_t errlen);

#endif /* SL_NETNS_H */
