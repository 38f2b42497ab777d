/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_dhcp.h: the DHCP server (RFC 2131/2132) answering the hosts of a port,
 * and the DHCP message parser it shares with the tests.
 *
 * The server leases addresses of the guest prefix from its lease table
 * (sl_dhcp_lease.h: cfg->guest_addr first, then the pool) and names the
 * gateway as server, router and (through cfg->dns) resolver, the way QEMU's
 * user-mode network does. A request for an address the host may not have
 * is refused.
 */
#ifndef SL_DHCP_H
#define SL_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

#include "sl_dhcp_lease.h"
#include "sl_net.h"

struct sl_worker;
struct sl_pkt;

/**
 * A worker's DHCP server state (w->dhcp). The leases are used by the
 * port's queue-0 worker, which receives every DHCP message.
 */
struct sl_dhcp {
	uint32_t xid;		/**< last transaction served */
	uint64_t log_ms;	/**< last pool or decline log line */
	bool logged;
	struct sl_lease_tab leases;
};

#define SL_DHCP_OP_REQUEST	1	/**< BOOTREQUEST */
#define SL_DHCP_OP_REPLY	2	/**< BOOTREPLY */
#define SL_DHCP_HTYPE_ETHER	1
#define SL_DHCP_MAGIC		0x63825363u	/**< 99.130.83.99, host order */
#define SL_DHCP_FLAG_BROADCAST	0x8000u		/**< in flags, host order */

#define SL_DHCP_FIXED_LEN	236	/**< op .. file */
#define SL_DHCP_OPT_OFF		240	/**< fixed part + magic cookie */
#define SL_DHCP_MIN_REPLY	300	/**< BOOTP minimum, some clients need it */
#define SL_DHCP_MAX_LEN		1500	/**< largest message read */

/* Offsets in the fixed part (RFC 2131 section 2). */
#define SL_DHCP_OFF_OP		0
#define SL_DHCP_OFF_HTYPE	1
#define SL_DHCP_OFF_HLEN	2
#define SL_DHCP_OFF_HOPS	3
#define SL_DHCP_OFF_XID		4
#define SL_DHCP_OFF_SECS	8
#define SL_DHCP_OFF_FLAGS	10
#define SL_DHCP_OFF_CIADDR	12
#define SL_DHCP_OFF_YIADDR	16
#define SL_DHCP_OFF_SIADDR	20
#define SL_DHCP_OFF_GIADDR	24
#define SL_DHCP_OFF_CHADDR	28	/**< 16 bytes */
#define SL_DHCP_OFF_SNAME	44	/**< 64 bytes */
#define SL_DHCP_OFF_FILE	108	/**< 128 bytes */
#define SL_DHCP_OFF_MAGIC	236

/* Message types (option 53). */
enum sl_dhcp_type {
	SL_DHCP_DISCOVER = 1,
	SL_DHCP_OFFER = 2,
	SL_DHCP_REQUEST = 3,
	SL_DHCP_DECLINE = 4,
	SL_DHCP_ACK = 5,
	SL_DHCP_NAK = 6,
	SL_DHCP_RELEASE = 7,
	SL_DHCP_INFORM = 8,
};

/* Option codes (RFC 2132). */
#define SL_DHCP_OPT_PAD		0
#define SL_DHCP_OPT_SUBNET_MASK	1
#define SL_DHCP_OPT_ROUTER	3
#define SL_DHCP_OPT_DNS		6
#define SL_DHCP_OPT_HOSTNAME	12
#define SL_DHCP_OPT_DOMAIN	15
#define SL_DHCP_OPT_MTU		26
#define SL_DHCP_OPT_BROADCAST	28
#define SL_DHCP_OPT_REQ_IP	50
#define SL_DHCP_OPT_LEASE	51
#define SL_DHCP_OPT_OVERLOAD	52
#define SL_DHCP_OPT_MSG_TYPE	53
#define SL_DHCP_OPT_SERVER_ID	54
#define SL_DHCP_OPT_PRL		55
#define SL_DHCP_OPT_MESSAGE	56
#define SL_DHCP_OPT_MAX_SIZE	57
#define SL_DHCP_OPT_T1		58
#define SL_DHCP_OPT_T2		59
#define SL_DHCP_OPT_CLIENT_ID	61
#define SL_DHCP_OPT_END		255

#define SL_DHCP_MAX_DNS		8	/**< resolvers kept from option 6 */

/**
 * A parsed DHCP message. Addresses are in network order, other numbers in
 * host order. A value field is meaningful only when sl_dhcp_has() says its
 * option was present.
 */
struct sl_dhcp_msg {
	uint8_t op;			/**< SL_DHCP_OP_* */
	uint8_t htype;
	uint8_t hlen;
	uint8_t hops;
	uint32_t xid;			/**< host order */
	uint16_t secs;
	uint16_t flags;			/**< host order, SL_DHCP_FLAG_* */
	uint32_t ciaddr;
	uint32_t yiaddr;
	uint32_t siaddr;
	uint32_t giaddr;
	struct rte_ether_addr chaddr;

	uint8_t opt_seen[32];		/**< bitmap of option codes present */
	uint8_t type;			/**< option 53, enum sl_dhcp_type */
	uint32_t requested_ip;		/**< option 50 */
	uint32_t server_id;		/**< option 54 */
	uint32_t lease_time;		/**< option 51, seconds */
	uint32_t t1;			/**< option 58, seconds */
	uint32_t t2;			/**< option 59, seconds */
	uint32_t subnet_mask;		/**< option 1 */
	uint32_t router;		/**< option 3, first router */
	uint32_t broadcast;		/**< option 28 */
	uint16_t mtu;			/**< option 26 */
	uint16_t max_size;		/**< option 57 */
	uint8_t overload;		/**< option 52 */
	uint8_t n_dns;			/**< resolvers in dns[] */
	uint32_t dns[SL_DHCP_MAX_DNS];	/**< option 6 */
	uint8_t prl_len;		/**< option 55 length */
	uint8_t prl[255];		/**< option 55, parameter request list */
	uint8_t client_id_len;		/**< option 61 length */
	uint8_t client_id[255];		/**< option 61 */
};

/**
 * sl_dhcp_has - whether option @code was present in a parsed message.
 */
static inline bool
sl_dhcp_has(const struct sl_dhcp_msg *msg, uint8_t code)
{
	return (msg->opt_seen[code >> 3] >> (code & 7)) & 1;
}

/**
 * sl_dhcp_parse - validate and decode a DHCP message (a BOOTP payload).
 * @buf: the UDP payload
 * @len: its length
 * @out: filled on success (zeroed first, also on failure)
 *
 * Checks, before each read, that the bytes are there: the fixed part and the
 * magic cookie, op (BOOTREQUEST or BOOTREPLY), htype Ethernet with hlen 6, and
 * every option's length against the end of its field. Options may continue
 * in the file and sname fields (option 52). Options sluice interprets must
 * have their RFC 2132 length; others are skipped. A missing end option is
 * accepted when the last option ends exactly at the end of its field.
 * Message type option 53 is required.
 *
 * Return: 0, or -1 when the message is malformed.
 */
int sl_dhcp_parse(const uint8_t *buf, size_t len, struct sl_dhcp_msg *out);

/**
 * sl_dhcp_input - answer a DHCP message from the guest.
 * @w: worker
 * @p: parsed IPv4/UDP frame to port 67 (not freed here)
 *
 * DISCOVER gets an OFFER of the address the lease table chooses for its
 * chaddr (none when the pool is empty: dhcp_pool_empty, or the port has
 * its --max-hosts: hosts_limit); REQUEST an ACK when the table grants the
 * address asked for, a NAK when not, nothing when it names another server;
 * INFORM an ACK without lease; RELEASE frees the lease, DECLINE rests the
 * address (both counted). Malformed messages are counted in drop_dhcp. Replies are
 * queued with sl_tx().
 *
 * Return: false (the protocol table's input hook: the frame is not kept).
 */
bool sl_dhcp_input(struct sl_worker *w, const struct sl_pkt *p);

/** DHCP in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_dhcp_proto;

#endif /* SL_DHCP_H */
