/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_port.c: guest port set-up. Everything is derived from what the port
 * reports (rte_eth_dev_info): MTU range, rx scatter and tx multi-segment
 * support, descriptor limits, checksum offloads. Link changes are logged
 * from the LSC event callback when the port can raise it.
 */
#include <linux/if_packet.h>
#include <net/if.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <dirent.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "sl_hdring.h"
#include "sl_vrx.h"
#include "sl_vtx.h"
#include "sl_log.h"
#include "sl_pool.h"
#include "sl_port.h"
#include "sl_steer.h"
#include "sl_worker.h"

#define SL_DEFAULT_MTU 65520

#define PLOG(l, ...) SL_LOG(PORT, l, __VA_ARGS__)

/**
 * lsc_event - log the link of @port_id (the LSC event callback, also
 * called once at start). Return: 0.
 */
static int
lsc_event(uint16_t port_id, enum rte_eth_event_type type, void *arg,
	void *ret)
{
	struct rte_eth_link link;
	char buf[RTE_ETH_LINK_MAX_STR_LEN];

	(void)type;
	(void)arg;
	(void)ret;
	if (rte_eth_link_get_nowait(port_id, &link) == 0) {
		rte_eth_link_to_str(buf, sizeof(buf), &link);
		PLOG(INFO, "port %u: %s\n", port_id, buf);
	}
	return 0;
}

/**
 * afp_frame_data - the largest frame a net_af_packet port moves.
 * @info: the port's device info
 * @frame: set to the frame bytes (Ethernet header included), 0 when the
 *	devargs cannot be read or allow no useful frame
 * @link_mtu: set to the MTU of the kernel interface behind the port
 * @rx_buf: set to the mbuf data room (past the headroom) the PMD demands
 * @frames: set to the frames of each kernel rx ring (`framecnt`)
 *
 * net_af_packet copies each frame between its PACKET_MMAP ring and one mbuf
 * (no rx scatter): a frame is at most one ring frame (the `framesz` devarg,
 * 2048 by default, less the TPACKET_V2 header and the kernel's alignment),
 * the rx mbufs must hold a whole ring frame, and the kernel interface's MTU
 * bounds what it accepts and delivers. ethdev's view (max_rx_pktlen 1518)
 * reflects none of that.
 *
 * Return: 0, or -1 when the devargs describe a ring the PMD would misread
 * (blocksz not a multiple of framesz).
 */
static int
afp_frame_data(const struct rte_eth_dev_info *info, uint32_t *frame,
	uint32_t *link_mtu, uint32_t *rx_buf, uint32_t *frames)
{
	const struct rte_devargs *da = rte_dev_devargs(info->device);
	struct rte_kvargs *kv = NULL;
	const char *v;
	/* the PMD's defaults */
	unsigned long fs = 2048, bs = 4096, fc = 512;
	struct ifreq ifr;
	int fd;

	*frame = 0;
	*rx_buf = 0;
	*link_mtu = RTE_ETHER_MTU;
	memset(&ifr, 0, sizeof(ifr));
	if (if_indextoname(info->if_index, ifr.ifr_name) != NULL) {
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd >= 0) {
			if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
				*link_mtu = (uint32_t)ifr.ifr_mtu;
			close(fd);
		}
	}
	if (da != NULL && da->args != NULL)
		kv = rte_kvargs_parse(da->args, NULL);
	if (kv != NULL) {
		v = rte_kvargs_get(kv, "framesz");
		if (v != NULL)
			fs = strtoul(v, NULL, 0);
		v = rte_kvargs_get(kv, "blocksz");
		if (v != NULL)
			bs = strtoul(v, NULL, 0);
		v = rte_kvargs_get(kv, "framecnt");
		if (v != NULL)
			fc = strtoul(v, NULL, 0);
		rte_kvargs_free(kv);
	}
	*frames = (uint32_t)RTE_MIN(fc, (unsigned long)UINT32_MAX);
	if (fs != 0 && bs % fs != 0)
		return -1;	/* the PMD addresses frame i at i * framesz */
	/*
	 * The kernel puts a frame's MAC header at TPACKET_ALIGN(TPACKET2_HDRLEN
	 * + 16) - 14 into a ring frame (tpacket_rcv) and truncates what does
	 * not fit; the PMD's own bound (framesz - 32) is larger.
	 */
	if (fs <= TPACKET_ALIGN(TPACKET2_HDRLEN + 16) + RTE_ETHER_MIN_MTU ||
	    fs > UINT16_MAX + 1ul)
		return 0;
	*rx_buf = (uint32_t)(fs - (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll)));
	*frame = (uint32_t)(fs - TPACKET_ALIGN(TPACKET2_HDRLEN + 16) +
		RTE_ETHER_HDR_LEN);
	return 0;
}

/**
 * configure_queues - rte_eth_dev_configure with sp->nb_queues queue pairs;
 * several queues ask for RSS over IPv4 TCP/UDP with sluice's steering key
 * where the port offers it (then sp->rss), and fall back to no RSS when the
 * port refuses: steering (sl_steer.c) is correct either way.
 * Return: 0 or -errno.
 */
static int
configure_queues(uint16_t port_id, const struct rte_eth_dev_info *info,
	struct rte_eth_conf *conf, struct sl_port *sp)
{
	static uint8_t key[SL_STEER_RSS_KEY_LEN];
	uint64_t hf = info->flow_type_rss_offloads & (RTE_ETH_RSS_IPV4 |
		RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP);
	int rc;

	sp->rss = false;
	if (sp->nb_queues > 1 && hf != 0 &&
	    info->hash_key_size == SL_STEER_RSS_KEY_LEN &&
	    info->reta_size > 0) {
		memcpy(key, sl_steer_key(), sizeof(key));
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf->rx_adv_conf.rss_conf.rss_key = key;
		conf->rx_adv_conf.rss_conf.rss_key_len = sizeof(key);
		conf->rx_adv_conf.rss_conf.rss_hf = hf;
		rc = rte_eth_dev_configure(port_id, sp->nb_queues,
			sp->nb_queues, conf);
		if (rc == 0) {
			sp->rss = true;
			sp->reta_size = info->reta_size;
			return 0;
		}
		PLOG(WARNING, "port %u: RSS refused (%s): frames are steered "
			"between workers in software\n", port_id,
			rte_strerror(-rc));
		memset(&conf->rx_adv_conf, 0, sizeof(conf->rx_adv_conf));
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
	}
	return rte_eth_dev_configure(port_id, sp->nb_queues, sp->nb_queues,
		conf);
}

/**
 * rss_read_back - the hash kinds the port really computes with sluice's
 * key (sp->rss_hf), read back from it; 0 when it cannot say or its key is
 * another: then steering hashes every frame itself.
 */
static void
rss_read_back(struct sl_port *sp)
{
	uint8_t key[SL_STEER_RSS_KEY_LEN];
	struct rte_eth_rss_conf rc = { .rss_key = key,
		.rss_key_len = sizeof(key) };

	sp->rss_hf = 0;
	memset(key, 0, sizeof(key));
	if (rte_eth_dev_rss_hash_conf_get(sp->port_id, &rc) == 0 &&
	    rc.rss_key_len == sizeof(key) &&
	    memcmp(key, sl_steer_key(), sizeof(key)) == 0)
		sp->rss_hf = rc.rss_hf;
}

/**
 * program_reta - point the port's RSS indirection table at the queues the
 * way sl_steer_owner_tuple() does; without it RSS is only a hint lost.
 */
static void
program_reta(struct sl_port *sp)
{
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 /
		RTE_ETH_RETA_GROUP_SIZE];
	struct sl_steer s = { .n = sp->nb_queues };
	unsigned int i;
	int rc;

	if (!sp->rss || sp->reta_size > RTE_ETH_RSS_RETA_SIZE_512)
		goto off;
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < sp->reta_size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |=
			1ull << (i % RTE_ETH_RETA_GROUP_SIZE);
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i %
			RTE_ETH_RETA_GROUP_SIZE] = sl_steer_queue_of_entry(&s, i);
	}
	rc = rte_eth_dev_rss_reta_update(sp->port_id, reta, sp->reta_size);
	if (rc == 0) {
		rss_read_back(sp);
		return;
	}
	PLOG(WARNING, "port %u: RSS table not programmable (%s): frames are "
		"steered between workers in software\n", sp->port_id,
		rte_strerror(-rc));
off:
	sp->rss = false;
	sp->reta_size = 0;
}

/**
 * port_offloads - choose the rx/tx checksum, LRO and TSO offloads of a port
 * and enable them in @conf (rx scatter and tx multi-segment already set).
 * @info: what the port offers
 * @conf: configuration to be applied
 * @sp: rx_offloads and tx_offloads recorded (sl_offload.c turns them into
 *	the worker's SL_TXOL_* bits)
 *
 * net_vhost: its checksum offloads (rx: the guest's partial checksums and
 * GSO frames arrive flagged RX_L4_CKSUM_NONE instead of being checksummed
 * in software by the PMD; tx: the guest completes them). TSO toward a
 * vhost-user guest is not in its capabilities: it depends on the guest
 * (VIRTIO_NET_F_GUEST_TSO4 / GUEST_TSO6), decided per link-up by
 * sl_offload.c. net_tap
 * and net_virtio_user: none (tap's PMD computes checksums in software
 * itself; a vhost-user backend may forward partial checksums to a peer
 * that never completes them). Other ports: what they offer; LRO only with
 * rx scatter, TSO only with multi-segment tx and TCP checksum offload.
 */
static void
port_offloads(const struct rte_eth_dev_info *info, struct rte_eth_conf *conf,
	struct sl_port *sp)
{
	uint64_t rx = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
		RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
		RTE_ETH_RX_OFFLOAD_TCP_LRO;
	uint64_t tx = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO;

	if (strcmp(info->driver_name, "net_tap") == 0 ||
	    strcmp(info->driver_name, "net_virtio_user") == 0)
		return;
	rx &= info->rx_offload_capa;
	tx &= info->tx_offload_capa;
	if (!(conf->rxmode.offloads & RTE_ETH_RX_OFFLOAD_SCATTER) ||
	    info->max_lro_pkt_size == 0)
		rx &= ~RTE_ETH_RX_OFFLOAD_TCP_LRO;
	if (!sp->multiseg || !(tx & RTE_ETH_TX_OFFLOAD_TCP_CKSUM))
		tx &= ~RTE_ETH_TX_OFFLOAD_TCP_TSO;
	if (rx & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		conf->rxmode.max_lro_pkt_size = info->max_lro_pkt_size;
	conf->rxmode.offloads |= rx;
	conf->txmode.offloads |= tx;
	sp->rx_offloads = rx;
	sp->tx_offloads = tx;
}

/** What sl_port_setup decides about frame sizes before it makes pools. */
struct port_plan {
	uint32_t want;		/* the guest MTU */
	uint32_t eth_mtu;	/* the MTU ethdev is configured with */
	uint32_t data_room;	/* mbuf data room of the port's pool */
	uint32_t one_seg;	/* largest MTU whose frame fits one mbuf */
	uint32_t afp_frame;	/* net_af_packet: frame bytes, else 0 */
	uint32_t afp_rx_buf;	/* net_af_packet: rx mbuf room it demands */
	uint32_t afp_frames;	/* net_af_packet: frames of each rx ring */
	uint32_t link_mtu;	/* net_af_packet: MTU of its interface */
	bool tap_big;		/* net_tap: guest MTU over ethdev's limit */
	bool vrx;		/* net_af_packet: rx through sl_vrx */
};

/**
 * port_queues_desc - the port's queue pairs (--queues) and descriptors per
 * queue (--rxd, --txd, as the port adjusts them).
 * @port_id: the port
 * @cfg: its configuration
 * @info: its device info
 * @sp: sets nb_queues, nb_rxd and nb_txd
 * @err: one line on failure
 * @errlen: size of @err
 *
 * Return: 0 or -1.
 */
static int
port_queues_desc(uint16_t port_id, const struct sl_config *cfg,
	const struct rte_eth_dev_info *info, struct sl_port *sp, char *err,
	size_t errlen)
{
	int rc;

	sp->nb_queues = (uint16_t)(cfg->queues ? cfg->queues : 1);
	if (sp->nb_queues > info->max_rx_queues ||
	    sp->nb_queues > info->max_tx_queues) {
		snprintf(err, errlen, "port %u (%s): queues %u: the port has "
			"%u rx / %u tx queues (net_af_packet: qpairs=N, "
			"net_tap: up to 16, net_vhost: queues=N)", port_id,
			info->driver_name, sp->nb_queues, info->max_rx_queues,
			info->max_tx_queues);
		return -1;
	}
	sp->nb_rxd = cfg->nb_rxd ? cfg->nb_rxd : 1024;
	sp->nb_txd = cfg->nb_txd ? cfg->nb_txd : 1024;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &sp->nb_rxd,
		&sp->nb_txd);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: descriptors (%s)", port_id,
			rte_strerror(-rc));
		return -1;
	}
	return 0;
}

/**
 * port_mtu - the guest MTU (--mtu, or auto) within what the port moves,
 * and the MTU ethdev is configured with (net_tap and net_af_packet move
 * larger frames than ethdev lets us configure).
 * @port_id: the port
 * @cfg: its configuration
 * @info: its device info
 * @sp: nb_rxd is read
 * @pl: filled (want, eth_mtu, data_room, one_seg, the net_af_packet
 *	sizes, tap_big)
 * @err: one line on failure
 * @errlen: size of @err
 *
 * Return: 0 or -1.
 */
static int
port_mtu(uint16_t port_id, const struct sl_config *cfg,
	const struct rte_eth_dev_info *info, const struct sl_port *sp,
	struct port_plan *pl, char *err, size_t errlen)
{
	uint32_t max_mtu;

	memset(pl, 0, sizeof(*pl));
	pl->data_room = RTE_MBUF_DEFAULT_BUF_SIZE;
	pl->one_seg = pl->data_room - RTE_PKTMBUF_HEADROOM -
		RTE_ETHER_HDR_LEN - RTE_ETHER_CRC_LEN;
	pl->want = cfg->mtu ? cfg->mtu : SL_DEFAULT_MTU;
	max_mtu = info->max_mtu ? info->max_mtu : RTE_ETHER_MTU;
	/* ethdev checks MTU + overhead against max_rx_pktlen */
	if (info->max_rx_pktlen > RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN) {
		uint32_t ovh = (info->max_mtu != UINT16_MAX &&
			info->max_rx_pktlen > info->max_mtu) ?
			info->max_rx_pktlen - info->max_mtu :
			RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;

		max_mtu = RTE_MIN(max_mtu, info->max_rx_pktlen - ovh);
	}
	/*
	 * DPDK 22.11's net_tap reports a 1522-byte frame limit, but with rx
	 * scatter it reads each frame into as many segments as it has rx
	 * descriptors, whatever the configured MTU, and its tx writes chains
	 * of any length. The tap netdev's real MTU is the one the guest sets
	 * from our DHCP option 26. So on net_tap the guest MTU may exceed
	 * what ethdev lets us configure: configure within the limit, offer
	 * the guest the larger MTU.
	 */
	pl->tap_big = strcmp(info->driver_name, "net_tap") == 0 &&
		(info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) &&
		(info->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) &&
		pl->want > max_mtu &&
		(uint64_t)sp->nb_rxd * (RTE_MBUF_DEFAULT_BUF_SIZE -
		RTE_PKTMBUF_HEADROOM) > pl->want + RTE_ETHER_HDR_LEN;
	if (strcmp(info->driver_name, "net_af_packet") == 0 &&
	    afp_frame_data(info, &pl->afp_frame, &pl->link_mtu,
	    &pl->afp_rx_buf, &pl->afp_frames) != 0) {
		snprintf(err, errlen, "port %u (%s): blocksz must be a "
			"multiple of framesz (the PMD reads its rx ring as "
			"if frames tiled the blocks)", port_id,
			info->driver_name);
		return -1;
	}
	if (pl->tap_big) {
		/* its 1522-byte frame limit is an MTU of 1500 with a VLAN
		 * tag: ethdev's 1504 (1522 - 18) would hand a guest set to
		 * MTU 1500 packets of 1504 bytes */
		pl->eth_mtu = RTE_MIN(max_mtu, (uint32_t)RTE_ETHER_MTU);
	} else if (pl->afp_frame > RTE_PKTMBUF_HEADROOM + RTE_ETHER_HDR_LEN +
	    RTE_ETHER_MIN_MTU) {
		if (pl->afp_rx_buf + RTE_PKTMBUF_HEADROOM > UINT16_MAX) {
			snprintf(err, errlen, "port %u (%s): framesz too large: "
				"a ring frame must fit one mbuf (framesz <= "
				"%u)", port_id, info->driver_name,
				UINT16_MAX - RTE_PKTMBUF_HEADROOM +
				(uint32_t)(TPACKET2_HDRLEN -
				sizeof(struct sockaddr_ll)));
			return -1;
		}
		/* configure within ethdev's limit, use the ring's */
		pl->eth_mtu = RTE_MIN(pl->want, max_mtu);
		pl->want = RTE_MIN(pl->want, RTE_MIN(pl->link_mtu,
			pl->afp_frame - RTE_ETHER_HDR_LEN));
	} else if (pl->want > max_mtu) {
		uint16_t cur;

		/* auto: 65520 where the port allows, else the port's MTU */
		if (cfg->mtu == 0 && rte_eth_dev_get_mtu(port_id, &cur) == 0 &&
		    cur >= info->min_mtu && cur <= max_mtu)
			pl->want = cur;
		else
			pl->want = max_mtu;
	}
	if (pl->want < info->min_mtu)
		pl->want = info->min_mtu;
	if (!pl->tap_big && pl->afp_frame == 0)
		pl->eth_mtu = pl->want;
	return 0;
}

/**
 * port_segments - how frames larger than one mbuf move: chains (rx scatter,
 * tx multi-segment) where the port takes them, else one large mbuf per
 * frame (which may lower the MTU).
 * @info: the port's device info
 * @conf: its configuration (rx scatter, tx multi-segment offloads set)
 * @sp: sets multiseg and vhost
 * @pl: the plan; data_room, one_seg and want may change
 */
static void
port_segments(const struct rte_eth_dev_info *info, struct rte_eth_conf *conf,
	struct sl_port *sp, struct port_plan *pl)
{
	bool vhost_chains;

	sp->multiseg = (info->tx_offload_capa &
		RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
	/*
	 * DPDK 22.11's net_vhost reports no rx scatter, yet its rx (the vhost
	 * library's dequeue) chains mbufs for any frame larger than one (not
	 * with its linear-buffer=1 devarg) and its tx takes chains: small
	 * mbufs, chained, rather than one 64 KiB mbuf per frame.
	 */
	sp->vhost = strcmp(info->driver_name, "net_vhost") == 0;
	vhost_chains = sp->vhost && sp->multiseg;
	if (pl->afp_frame != 0 && sp->multiseg) {
		/* tx: chains of ordinary mbufs (the PMD copies them into its
		 * ring); rx: a pool of mbufs that each hold a ring frame */
		if (pl->want > pl->one_seg)
			conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	} else if (pl->want > pl->one_seg) {
		if (pl->tap_big || vhost_chains || ((info->rx_offload_capa &
		    RTE_ETH_RX_OFFLOAD_SCATTER) && sp->multiseg)) {
			if (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
				conf->rxmode.offloads |=
					RTE_ETH_RX_OFFLOAD_SCATTER;
			conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
		} else {
			/* no rx scatter: a whole frame in one (large) mbuf */
			pl->data_room = RTE_MIN((uint32_t)UINT16_MAX,
				RTE_ALIGN_CEIL(pl->want + RTE_ETHER_HDR_LEN +
				RTE_ETHER_CRC_LEN + RTE_PKTMBUF_HEADROOM, 1024));
			pl->one_seg = pl->data_room - RTE_PKTMBUF_HEADROOM -
				RTE_ETHER_HDR_LEN - RTE_ETHER_CRC_LEN;
			pl->want = RTE_MIN(pl->want, pl->one_seg);
			sp->multiseg = false;
		}
	}
}

/**
 * auto_mbufs - the pool --mbufs auto gives a port whose mbufs have the
 * default data room (sl_pool_mbufs), and TCP's reserve in it.
 * @port_id: the port
 * @cfg: its configuration
 * @pl: the plan
 * @sp: sets nb_mbufs and mbuf_reserve
 * @err: one line on failure
 * @errlen: size of @err
 *
 * Return: 0 or -1.
 */
static int
auto_mbufs(uint16_t port_id, const struct sl_config *cfg,
	const struct port_plan *pl, struct sl_port *sp, char *err,
	size_t errlen)
{
	uint32_t mtu = RTE_MAX(pl->eth_mtu, 576u);
	struct sl_pool_need need;

	memset(&need, 0, sizeof(need));
	need.queues = sp->nb_queues;
	need.rxd = sp->nb_rxd;
	need.txd = sp->nb_txd;
	/* TCP payload an mbuf carries toward the guest: an MTU's less
	 * headers, at most the mbuf's room */
	need.seg_data = RTE_MIN(pl->data_room - RTE_PKTMBUF_HEADROOM,
		mtu - 40u);
	need.tcp_buf = cfg->tcp_buf;
	need.max_buffered = cfg->max_buffered;
	/* net_af_packet copies frames to and from the kernel's rings: its
	 * descriptors hold no mbufs; rx takes this pool's only when a ring
	 * frame fits one of its mbufs (else port_pools makes an rx pool) */
	need.ring_copy = pl->afp_frame != 0;
	if (need.ring_copy && pl->afp_rx_buf <= pl->data_room -
	    RTE_PKTMBUF_HEADROOM)
		need.ring_rx = pl->afp_frames + (pl->vrx ? sl_vrx_slot_mbufs(
			pl->data_room - RTE_PKTMBUF_HEADROOM) : 0u);
	sp->nb_mbufs = sl_pool_mbufs(&need);
	sp->mbuf_reserve = sl_pool_reserve(&need);
	if (sp->nb_mbufs == 0) {
		snprintf(err, errlen, "port %u: no pool size fits %u queue(s) "
			"of %u/%u descriptors and a %u-byte TCP buffer; give "
			"--mbufs", port_id, sp->nb_queues, sp->nb_rxd,
			sp->nb_txd, cfg->tcp_buf);
		return -1;
	}
	return 0;
}

/**
 * port_pools - the port's mbuf pool (--mbufs, or sized from the rings and
 * the mbuf size), and for net_af_packet frames larger than its mbufs an rx
 * pool whose mbufs each hold one ring frame.
 * @port_id: the port
 * @cfg: its configuration
 * @socket: NUMA socket of the port
 * @pl: the plan
 * @sp: sets nb_mbufs, mp, seg_room, and nb_rx_mbufs and rx_mp if needed
 * @err: one line on failure
 * @errlen: size of @err
 *
 * Return: 0 or -1.
 */
static int
port_pools(uint16_t port_id, const struct sl_config *cfg, int socket,
	const struct port_plan *pl, struct sl_port *sp, char *err,
	size_t errlen)
{
	char pool[RTE_MEMPOOL_NAMESIZE];

	/* pool: the rings, an iteration's frames, the lcore caches and the
	 * TCP buffering the configuration allows (sl_pool_mbufs); large
	 * mbufs: fewer of them (about 512 MiB at most) */
	if (cfg->nb_mbufs)
		sp->nb_mbufs = cfg->nb_mbufs;
	else if (pl->data_room > RTE_MBUF_DEFAULT_BUF_SIZE)
		sp->nb_mbufs = RTE_MAX(sp->nb_queues * (2u * (sp->nb_rxd +
			sp->nb_txd) + SL_TX_MAX), (512u << 20) / pl->data_room);
	else if (auto_mbufs(port_id, cfg, pl, sp, err, errlen) != 0)
		return -1;
	snprintf(pool, sizeof(pool), "sl_mp_%u", port_id);
	sp->mp = sl_pool_create(pool, sp->nb_mbufs, SL_MBUF_CACHE,
		(uint16_t)pl->data_room, socket);
	if (sp->mp == NULL) {
		snprintf(err, errlen, "port %u: cannot create a pool of %u "
			"mbufs of %u bytes (%s); lower --mbufs or --mtu, or give "
			"the EAL more memory", port_id, sp->nb_mbufs,
			pl->data_room, rte_strerror(rte_errno));
		return -1;
	}
	sp->seg_room = (uint16_t)(pl->data_room - RTE_PKTMBUF_HEADROOM);
	/* a ring that drops what it cannot hold, whatever its frames' size
	 * (TCP's ring budget) */
	sp->ring_frames = pl->afp_frames;
	sp->ring_frame = pl->afp_frame;
	if (pl->afp_rx_buf > sp->seg_room) {
		/* the virtio-net rx socket (sl_vrx.c) reads into them too,
		 * holding a 64 KiB GSO frame's worth per slot */
		uint32_t room = RTE_MIN((uint32_t)UINT16_MAX, RTE_ALIGN_CEIL(
			pl->afp_rx_buf + RTE_PKTMBUF_HEADROOM, 64));
		struct sl_pool_ring ring = {
			.queues = sp->nb_queues,
			.frames = pl->afp_frames + (pl->vrx ? sl_vrx_slot_mbufs(
				room - RTE_PKTMBUF_HEADROOM) : 0u),
			.cache = SL_RING_MBUF_CACHE,
		};

		/* as many guest frames as the kernel's rx rings hold (rx
		 * stops, the ring holds the rest: backpressure, not loss) */
		sp->nb_rx_mbufs = sl_pool_ring_mbufs(&ring);
		if (sp->nb_rx_mbufs == 0) {
			snprintf(err, errlen, "port %u: framecnt %u: no rx pool "
				"fits it", port_id, pl->afp_frames);
			return -1;
		}
		snprintf(pool, sizeof(pool), "sl_rxmp_%u", port_id);
		sp->rx_mp = sl_pool_create(pool, sp->nb_rx_mbufs,
			SL_RING_MBUF_CACHE, (uint16_t)room, socket);
		if (sp->rx_mp == NULL) {
			snprintf(err, errlen, "port %u: cannot create an rx "
				"pool of %u mbufs of %u bytes (%s); lower the "
				"framesz devarg, or give the EAL more memory",
				port_id, sp->nb_rx_mbufs, room,
				rte_strerror(rte_errno));
			return -1;
		}
	}
	return 0;
}

/**
 * port_start - configure the port and its queues, start it, program its
 * RSS table, and log what it became and its link.
 * @port_id: the port
 * @info: its device info
 * @conf: its configuration (offloads are added here)
 * @socket: NUMA socket of the port
 * @sp: the port, pools made; sets started
 * @err: one line on failure
 * @errlen: size of @err
 *
 * Return: 0 or -1.
 */
static int
port_start(uint16_t port_id, const struct rte_eth_dev_info *info,
	struct rte_eth_conf *conf, int socket, struct sl_port *sp, char *err,
	size_t errlen)
{
	struct rte_eth_rxconf rxq;
	struct rte_eth_txconf txq;
	uint16_t q;
	int rc;

	/*
	 * No rx interrupts: on 22.11's net_tap, intr_conf.rxq turns off the
	 * SIGIO trigger its rx burst depends on, and rx stops. Idle workers
	 * sleep at most 1 ms in their host epoll instead (sl_worker_idle_wait).
	 */
	port_offloads(info, conf, sp);
	rc = configure_queues(port_id, info, conf, sp);
	if (rc != 0) {
		snprintf(err, errlen, "port %u (%s): configure failed (%s)",
			port_id, sp->driver, rte_strerror(-rc));
		return -1;
	}
	rxq = info->default_rxconf;
	rxq.offloads = conf->rxmode.offloads;
	txq = info->default_txconf;
	txq.offloads = conf->txmode.offloads;
	for (q = 0; rc == 0 && q < sp->nb_queues; q++) {
		rc = rte_eth_rx_queue_setup(port_id, q, sp->nb_rxd, socket,
			&rxq, sp->rx_mp != NULL ? sp->rx_mp : sp->mp);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(port_id, q, sp->nb_txd,
				socket, &txq);
	}
	if (rc != 0) {
		snprintf(err, errlen, "port %u (%s): queue set-up failed (%s)",
			port_id, sp->driver, rte_strerror(-rc));
		return -1;
	}
	if (conf->intr_conf.lsc)
		rte_eth_dev_callback_register(port_id, RTE_ETH_EVENT_INTR_LSC,
			lsc_event, NULL);
	rc = rte_eth_dev_start(port_id);
	if (rc != 0) {
		snprintf(err, errlen, "port %u (%s): start failed (%s)",
			port_id, sp->driver, rte_strerror(-rc));
		return -1;
	}
	sp->started = true;
	if (sp->nb_queues > 1)
		program_reta(sp);
	rte_eth_promiscuous_enable(port_id);
	rte_eth_macaddr_get(port_id, &sp->mac);
	PLOG(INFO, "port %u %s (%s): mtu %u (tx %u), %u queue(s)%s, %u/%u "
		"descriptors, %u mbufs%s\n", port_id, sp->name, sp->driver,
		sp->mtu, sp->tx_mtu, sp->nb_queues, sp->rss ? " with RSS" : "",
		sp->nb_rxd, sp->nb_txd, sp->nb_mbufs,
		sp->multiseg ? ", multi-segment" : "");
	/* the link at start (a vhost-user port is down until its peer
	 * connects; later changes come from lsc_event when the port has LSC) */
	lsc_event(port_id, RTE_ETH_EVENT_INTR_LSC, NULL, NULL);
	return 0;
}

/**
 * ring_fds_find - a net_af_packet port's AF_PACKET sockets (the process's
 * packet sockets bound to its interface: the PMD keeps them private), none
 * for other drivers.
 * @sp: the port (started)
 * @fds: filled
 * @max: its size
 * Return: descriptors found.
 */
static int
ring_fds_find(const struct sl_port *sp, int *fds, int max)
{
	struct rte_eth_dev_info info;
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (sp->driver == NULL || strcmp(sp->driver, "net_af_packet") != 0 ||
	    rte_eth_dev_info_get(sp->port_id, &info) != 0 ||
	    info.if_index == 0)
		return 0;
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return 0;
	while (n < max && (de = readdir(d)) != NULL) {
		struct sockaddr_ll sll;
		socklen_t len = sizeof(sll);
		int fd = atoi(de->d_name), dom = 0;
		socklen_t dlen = sizeof(dom);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
		    fd == dirfd(d))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dlen) != 0 ||
		    dom != AF_PACKET)
			continue;
		memset(&sll, 0, sizeof(sll));
		if (getsockname(fd, (struct sockaddr *)&sll, &len) == 0 &&
		    sll.sll_ifindex == (int)info.if_index)
			fds[n++] = fd;
	}
	closedir(d);
	return n;
}

/**
 * port_hdring - give a net_af_packet port its header ring (the guest's
 * SYNs and pure ACKs, sl_hdring.c); its socket joins ring_fds (idle
 * wake-ups, ring drops). Without one (an error, logged), the PMD's rings
 * take every frame as before.
 */
static void
port_hdring(struct sl_port *sp, const struct sl_config *cfg,
	const struct rte_eth_dev_info *info)
{
	char why[128];

	if (sp->nb_ring_fds == 0 || sp->nb_ring_fds >= SL_PORT_WAKE_MAX)
		return;
	/* with virtio-net headers where the rest of the guest's frames
	 * will have them (port_vrx) */
	sp->hdring = sl_hdring_open((int)info->if_index, sp->port_id,
		sp->ring_fds, sp->nb_ring_fds, cfg->afp_vnet_rx, why,
		sizeof(why));
	if (sp->hdring == NULL) {
		PLOG(WARNING, "port %u: no header ring (%s): SYNs and pure "
			"ACKs share the PMD's ring with data\n", sp->port_id,
			why);
		return;
	}
	sp->ring_fds[sp->nb_ring_fds++] = sl_hdring_fd(sp->hdring);
	PLOG(INFO, "port %u: header ring of %u frames for the guest's SYNs "
		"and pure ACKs\n", sp->port_id, SL_HDRING_FRAMES);
}

/**
 * port_vnet_close - close the port's virtio-net tx sockets (@tx) and rx
 * sockets (@rx).
 */
static void
port_vnet_close(struct sl_port *sp, bool tx, bool rx)
{
	unsigned int q;

	for (q = 0; q < RTE_DIM(sp->vtx); q++) {
		if (tx) {
			sl_vtx_close(sp->vtx[q]);
			sp->vtx[q] = NULL;
		}
		if (rx) {
			sl_vrx_close(sp->vrx[q]);
			sp->vrx[q] = NULL;
		}
	}
}

/**
 * port_vtx - send a net_af_packet port's frames toward the guest through
 * packet sockets with virtio-net headers (sl_vtx.c), one per queue (its
 * worker's): TCP checksums and TSO (both families, over chains) become the
 * port's tx offloads. Without them (off, an error: logged) the PMD sends
 * them, summed here.
 */
static void
port_vtx(struct sl_port *sp, const struct sl_config *cfg,
	const struct rte_eth_dev_info *info)
{
	char why[128];
	unsigned int q;

	if (sp->nb_ring_fds == 0 || !cfg->afp_vnet_tx || !sp->multiseg ||
	    sp->nb_queues > RTE_DIM(sp->vtx))
		return;
	for (q = 0; q < sp->nb_queues; q++) {
		sp->vtx[q] = sl_vtx_open((int)info->if_index, why,
			sizeof(why));
		if (sp->vtx[q] == NULL) {
			PLOG(WARNING, "port %u: no virtio-net tx socket (%s): "
				"frames to the guest go through the PMD, "
				"checksums summed here\n", sp->port_id, why);
			port_vnet_close(sp, true, false);
			return;
		}
	}
	sp->tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	if (sl_vtx_tso(sp->vtx[0]))
		sp->tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	PLOG(INFO, "port %u: frames to the guest through a virtio-net tx "
		"socket (TCP checksum%s offloaded)\n", sp->port_id,
		sl_vtx_tso(sp->vtx[0]) ? " and TSO" : "; no TSO: the "
		"interface does not segment TCP");
}

/**
 * port_vrx - read a net_af_packet port's guest frames through packet
 * sockets with virtio-net headers (sl_vrx.c), one per queue (its
 * worker's), into the pool the PMD would read into (the rx pool of ring-
 * frame mbufs, else the main pool: chains; port_pools counts their slots);
 * the PMD's sockets then take nothing. The sockets join ring_fds (idle wake-ups,
 * drops). Without them (off, an error: logged) the PMD reads as before.
 */
static void
port_vrx(struct sl_port *sp, const struct sl_config *cfg,
	const struct rte_eth_dev_info *info)
{
	unsigned int pmd_n = sp->nb_ring_fds - (sp->hdring != NULL), q;
	/* the ring's frames, in bytes (the kernel doubles it for its
	 * accounting): what TCP's ring budget counts on */
	uint32_t rcvbuf = sp->ring_frames * sp->ring_frame;
	char why[128];
	int rc;

	if (sp->nb_ring_fds == 0 || !cfg->afp_vnet_rx)
		return;
	if (sp->nb_ring_fds + sp->nb_queues > SL_PORT_WAKE_MAX) {
		PLOG(WARNING, "port %u: %u queues: no virtio-net rx sockets "
			"beside the PMD's, frames from the guest through the "
			"PMD\n", sp->port_id, sp->nb_queues);
		return;
	}
	for (q = 0; q < sp->nb_queues; q++) {
		sp->vrx[q] = sl_vrx_open((int)info->if_index, sp->port_id,
			sp->rx_mp != NULL ? sp->rx_mp : sp->mp, sp->mp, rcvbuf,
			sp->hdring == NULL, why, sizeof(why));
		if (sp->vrx[q] == NULL)
			goto fail;
	}
	rc = sl_vrx_mute(sp->ring_fds, pmd_n);
	if (rc != 0) {
		snprintf(why, sizeof(why), "PMD socket filter: %s",
			strerror(-rc));
		goto fail;
	}
	for (q = 0; q < sp->nb_queues; q++)
		sp->ring_fds[sp->nb_ring_fds++] = sl_vrx_fd(sp->vrx[q]);
	PLOG(INFO, "port %u: frames from the guest through a virtio-net rx "
		"socket (its checksum offload and TSO may stay on)\n",
		sp->port_id);
	return;
fail:
	PLOG(WARNING, "port %u: no virtio-net rx socket (%s): frames from "
		"the guest through the PMD, the guest must sum them\n",
		sp->port_id, why);
	port_vnet_close(sp, false, true);
	/* the PMD's sockets take what they took before */
	for (q = 0; q < pmd_n; q++)
		if (sp->hdring != NULL)
			(void)sl_hdring_attach_filter(sp->ring_fds[q], false);
		else
			(void)setsockopt(sp->ring_fds[q], SOL_SOCKET,
				SO_DETACH_FILTER, &rc, sizeof(rc));
}

int
sl_port_setup(uint16_t port_id, const struct sl_config *cfg,
	struct sl_port *sp, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct port_plan pl;
	int rc, socket;

	memset(sp, 0, sizeof(*sp));
	sp->port_id = port_id;
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: no device info (%s)", port_id,
			rte_strerror(-rc));
		return -1;
	}
	rte_eth_dev_get_name_by_port(port_id, sp->name);
	sp->driver = info.driver_name;
	socket = rte_eth_dev_socket_id(port_id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	if (port_queues_desc(port_id, cfg, &info, sp, err, errlen) != 0)
		return -1;

	memset(&conf, 0, sizeof(conf));
	if (port_mtu(port_id, cfg, &info, sp, &pl, err, errlen) != 0)
		return -1;
	port_segments(&info, &conf, sp, &pl);
	pl.vrx = pl.afp_frame != 0 && cfg->afp_vnet_rx;
	if (port_pools(port_id, cfg, socket, &pl, sp, err, errlen) != 0)
		return -1;
	/* TSO or a large MTU: segments in the payload pool (sl_tcp_out.c) */
	if (sp->multiseg && (pl.afp_frame != 0 || sp->vhost ||
	    (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_TCP_TSO) ||
	    pl.want > sp->seg_room)) {
		sp->pay_mp = sl_pool_pay_get(cfg->tcp_buf, socket);
		if (sp->pay_mp == NULL)
			PLOG(WARNING, "port %u: no payload pool (%s)\n",
				port_id, rte_strerror(rte_errno));
	}
	if (cfg->mtu && pl.want != cfg->mtu)
		PLOG(WARNING, "port %u: --mtu %u not possible, using %u\n",
			port_id, cfg->mtu, pl.want);
	sp->mtu = (uint16_t)pl.want;
	conf.rxmode.mtu = RTE_MIN(pl.eth_mtu, pl.want);
	/* net_tap drops tx frames above its configured MTU; net_af_packet
	 * sends whatever fits a ring frame */
	sp->tx_mtu = pl.afp_frame ? (uint16_t)pl.want :
		(uint16_t)conf.rxmode.mtu;
	if (info.dev_flags != NULL && (*info.dev_flags & RTE_ETH_DEV_INTR_LSC))
		conf.intr_conf.lsc = 1;
	rc = port_start(port_id, &info, &conf, socket, sp, err, errlen);
	if (rc == 0) {
		sp->nb_ring_fds = (unsigned int)ring_fds_find(sp,
			sp->ring_fds, SL_PORT_WAKE_MAX);
		port_hdring(sp, cfg, &info);
		port_vtx(sp, cfg, &info);
		port_vrx(sp, cfg, &info);
	}
	return rc;
}

void
sl_port_stop(struct sl_port *sp)
{
	sl_hdring_close(sp->hdring);
	sp->hdring = NULL;
	port_vnet_close(sp, true, true);
	if (sp->started) {
		rte_eth_dev_stop(sp->port_id);
		rte_eth_dev_close(sp->port_id);
		sp->started = false;
	}
	rte_mempool_free(sp->mp);
	sp->mp = NULL;
	rte_mempool_free(sp->rx_mp);
	sp->rx_mp = NULL;
	sl_pool_pay_put(sp->pay_mp);
	sp->pay_mp = NULL;
}

uint64_t
sl_port_ring_drops(struct sl_port *sp)
{
	unsigned int i;

	for (i = 0; i < sp->nb_ring_fds; i++) {
		struct tpacket_stats st;
		socklen_t len = sizeof(st);

		memset(&st, 0, sizeof(st));
		if (getsockopt(sp->ring_fds[i], SOL_PACKET, PACKET_STATISTICS,
		    &st, &len) == 0 && st.tp_drops > 0)
			__atomic_fetch_add(&sp->ring_drops, st.tp_drops,
				__ATOMIC_RELAXED);
	}
	return __atomic_load_n(&sp->ring_drops, __ATOMIC_RELAXED);
}

void
sl_port_ring_check(struct sl_port *sp, uint64_t now_ms)
{
	uint64_t total;

	if (sp->nb_ring_fds == 0 || (sp->ring_log_ms != 0 &&
	    now_ms - sp->ring_log_ms < SL_PORT_RING_LOG_MS))
		return;
	total = sl_port_ring_drops(sp);
	if (total == sp->ring_drops_logged)
		return;
	PLOG(WARNING, "port %u: its AF_PACKET rx ring had no room for %"
		PRIu64 " guest frames (%" PRIu64 " in all): the guest sent "
		"faster than the ring holds and resends them after its "
		"timeout; a larger framecnt holds more\n", sp->port_id,
		total - sp->ring_drops_logged, total);
	sp->ring_drops_logged = total;
	sp->ring_log_ms = now_ms;
}
