/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_netns.c: moving net_tap interfaces into the guests' network namespaces
 * and catching taps moved by hand too early (theory in sl_netns.h). No
 * setns(), no ioctl, no `ip`: one netlink request per tap.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>

#include "sl_app.h"
#include "sl_log.h"
#include "sl_netns.h"

#define PLOG(l, ...) SL_LOG(PORT, l, __VA_ARGS__)

int
sl_netns_check(const char *val, char *why, size_t whylen)
{
	size_t n = strlen(val), i;

	if (n >= SL_NETNS_LEN) {
		snprintf(why, whylen, "'%.40s...' is longer than %d characters",
			val, SL_NETNS_LEN - 1);
		return -1;
	}
	if (n == 0 || val[0] == '/')
		return 0;
	for (i = 0; i < n; i++)
		if (val[i] == '/' || val[i] <= ' ' || val[i] == 0x7f)
			break;
	if (i < n || strcmp(val, ".") == 0 || strcmp(val, "..") == 0) {
		snprintf(why, whylen, "'%s' is neither a network namespace name "
			"(as in ip netns) nor an absolute path", val);
		return -1;
	}
	return 0;
}

/**
 * tap_name - the interface name of a net_tap port: its iface devarg, else
 * the name of the interface index it created.
 * Return: 0, or -1 when neither is known.
 */
static int
tap_name(const struct rte_eth_dev_info *info, char name[IF_NAMESIZE])
{
	const struct rte_devargs *da = rte_dev_devargs(info->device);
	struct rte_kvargs *kv = NULL;
	const char *v;

	if (da != NULL && da->args != NULL)
		kv = rte_kvargs_parse(da->args, NULL);
	v = kv != NULL ? rte_kvargs_get(kv, "iface") : NULL;
	if (v != NULL && strlen(v) < IF_NAMESIZE) {
		snprintf(name, IF_NAMESIZE, "%s", v);
		rte_kvargs_free(kv);
		return 0;
	}
	rte_kvargs_free(kv);
	if (info->if_index != 0 && if_indextoname(info->if_index, name) != NULL)
		return 0;
	return -1;
}

/**
 * link_move - move interface @ifindex into the namespace of @nsfd, and set
 * it up there when @up: one RTM_NEWLINK (the kernel moves the link first,
 * then applies the flags in its new namespace).
 * Return: 0 or -errno.
 */
static int
link_move(unsigned int ifindex, int nsfd, bool up)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[RTA_SPACE(sizeof(uint32_t))];
	} req;
	union {
		struct nlmsghdr nh;
		char buf[1024];
	} ans;
	struct timeval tv = { .tv_sec = 2 };
	struct rtattr *rta;
	uint32_t v = (uint32_t)nsfd;
	ssize_t n;
	int fd, rc = -EIO;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.nh.nlmsg_type = RTM_NEWLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = (int)ifindex;
	if (up) {
		req.ifi.ifi_flags = IFF_UP;
		req.ifi.ifi_change = IFF_UP;
	}
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = IFLA_NET_NS_FD;
	rta->rta_len = RTA_LENGTH(sizeof(v));
	memcpy(RTA_DATA(rta), &v, sizeof(v));
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_SPACE(sizeof(v));

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		rc = -errno;
		goto out;
	}
	/* the answer to a NLM_F_ACK request: an NLMSG_ERROR, 0 for success */
	n = recv(fd, &ans, sizeof(ans), 0);
	if (n < 0)
		rc = -errno;
	else if (NLMSG_OK(&ans.nh, (size_t)n) &&
	    ans.nh.nlmsg_type == NLMSG_ERROR &&
	    ans.nh.nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		rc = ((struct nlmsgerr *)NLMSG_DATA(&ans.nh))->error;
out:
	close(fd);
	return rc;
}

/**
 * place_tap - check a net_tap port's tap (see sl_netns_ports_place()) and
 * move it into pc->netns when one is set.
 * Return: 0, 1 or 2 as sl_netns_ports_place().
 */
static int
place_tap(const struct sl_port *sp, const struct sl_config *pc, char *err,
	size_t errlen)
{
	struct rte_eth_dev_info info;
	char name[IF_NAMESIZE], path[SL_NETNS_LEN + 16];
	unsigned int now;
	int nsfd, rc;

	if (rte_eth_dev_info_get(sp->port_id, &info) != 0 ||
	    tap_name(&info, name) != 0) {
		if (pc->netns[0] == '\0')
			return 0;
		snprintf(err, errlen, "port %u: --netns %s: the port's tap "
			"interface is unknown", sp->port_id, pc->netns);
		return 1;
	}
	now = if_nametoindex(name);
	if (now != 0 && info.if_index != 0 && now != info.if_index) {
		snprintf(err, errlen, "port %u: tap %s was moved out of "
			"sluice's network namespace before the port was set up: "
			"net_tap then created a second %s here (ifindex %u, not "
			"%u) and the moved one would never be read; let sluice "
			"move it (--netns NAME) instead", sp->port_id, name,
			name, now, info.if_index);
		return 1;
	}
	if (pc->netns[0] == '\0') {
		if (now == 0)
			PLOG(INFO, "port %u: tap %s was moved out of sluice's "
				"network namespace\n", sp->port_id, name);
		return 0;
	}
	if (now == 0) {
		snprintf(err, errlen, "port %u: --netns %s: tap %s is no "
			"longer in sluice's network namespace (moved by hand?)",
			sp->port_id, pc->netns, name);
		return 1;
	}
	snprintf(path, sizeof(path), "%s%s", pc->netns[0] == '/' ? "" :
		"/run/netns/", pc->netns);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		snprintf(err, errlen, "port %u: --netns %s: cannot open %s: %s",
			sp->port_id, pc->netns, path, strerror(errno));
		return 2;
	}
	rc = link_move(now, nsfd, pc->netns_up);
	close(nsfd);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: --netns %s: cannot move tap %s "
			"there: %s", sp->port_id, pc->netns, name,
			strerror(-rc));
		return rc == -EINVAL || rc == -EBADF ? 2 : 1;
	}
	PLOG(INFO, "port %u: tap %s (ifindex %u) moved into network namespace "
		"%s%s\n", sp->port_id, name, now, pc->netns,
		pc->netns_up ? ", up" : "");
	return 0;
}

int
sl_netns_ports_place(struct sl_app *app, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	for (i = 0; i < app->nb_ports; i++) {
		const struct sl_port *sp = &app->ports[i];
		const struct sl_config *pc = &app->port_cfg[i];

		if (sp->driver == NULL || strcmp(sp->driver, "net_tap") != 0) {
			if (pc->netns[0] == '\0')
				continue;
			snprintf(err, errlen, "port %u (%s): --netns %s: only "
				"a net_tap port's interface can be moved",
				sp->port_id, sp->driver != NULL ? sp->driver :
				"?", pc->netns);
			return 2;
		}
		rc = place_tap(sp, pc, err, errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}
