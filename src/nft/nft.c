// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "../nl/nl.h"

/* numgen random mod NFT_LOSS_MOD < N: N = pct * 100 gives 0.01 % steps. */
#define NFT_LOSS_MOD 10000u
/* Largest batch nft_loss_set builds (about 45000 rules). */
#define NFT_BATCH_MAX (16u << 20)

/*
 * Batch builder. Every helper is a no-op once the buffer is full, so a build
 * runs to the end and the caller checks b->full once.
 */
struct bb {
	char *buf;
	size_t len;
	size_t off; /* start of the message being built */
	uint32_t seq;
	uint32_t nmsgs;
	struct nlmsghdr *nlh;
	bool full;
};

static void bb_full(struct bb *b)
{
	b->full = true;
	b->nlh = NULL;
}

static void msg_start(struct bb *b, uint16_t type, uint16_t flags, uint8_t family, uint16_t res_id)
{
	struct nfgenmsg *nfg;

	if (b->full)
		return;
	if (b->len - b->off < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg))) {
		bb_full(b);
		return;
	}
	b->nlh = mnl_nlmsg_put_header(b->buf + b->off);
	b->nlh->nlmsg_type = type;
	b->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	b->nlh->nlmsg_seq = b->seq++;
	nfg = mnl_nlmsg_put_extra_header(b->nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(res_id);
	b->nmsgs++;
}

static void msg_end(struct bb *b)
{
	if (!b->nlh)
		return;
	b->off += MNL_ALIGN(b->nlh->nlmsg_len);
	b->nlh = NULL;
}

static void put(struct bb *b, uint16_t type, size_t len, const void *data)
{
	if (!b->nlh)
		return;
	if (!mnl_attr_put_check(b->nlh, b->len - b->off, type, len, data))
		bb_full(b);
}

static void put_be32(struct bb *b, uint16_t type, uint32_t v)
{
	uint32_t be = htonl(v);

	put(b, type, sizeof(be), &be);
}

static void put_str(struct bb *b, uint16_t type, const char *s)
{
	put(b, type, strlen(s) + 1, s);
}

static struct nlattr *nest_start(struct bb *b, uint16_t type)
{
	struct nlattr *nest;

	if (!b->nlh)
		return NULL;
	nest = mnl_attr_nest_start_check(b->nlh, b->len - b->off, type);
	if (!nest)
		bb_full(b);
	return nest;
}

static void nest_end(struct bb *b, struct nlattr *nest)
{
	if (b->nlh && nest)
		mnl_attr_nest_end(b->nlh, nest);
}

static void batch_msg(struct bb *b, uint16_t type)
{
	/* res_id carries the subsystem, in network byte order. */
	msg_start(b, type, 0, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	msg_end(b);
}

static uint16_t nft_type(int msg)
{
	return (uint16_t)(NFNL_SUBSYS_NFTABLES << 8 | msg);
}

/* Attribute order as nft(8) 1.0.6 sends them. */
static void table_msg(struct bb *b, int msg)
{
	msg_start(b, nft_type(msg), NLM_F_ACK, NFPROTO_INET, 0);
	put_str(b, NFTA_TABLE_NAME, NFT_LAB_TABLE);
	if (msg == NFT_MSG_NEWTABLE)
		put_be32(b, NFTA_TABLE_FLAGS, 0);
	msg_end(b);
}

static void chain_msg(struct bb *b)
{
	struct nlattr *hook;

	msg_start(b, nft_type(NFT_MSG_NEWCHAIN), NLM_F_CREATE | NLM_F_ACK, NFPROTO_INET, 0);
	put_str(b, NFTA_CHAIN_TABLE, NFT_LAB_TABLE);
	put_str(b, NFTA_CHAIN_NAME, NFT_LAB_CHAIN);
	put_str(b, NFTA_CHAIN_TYPE, "filter");
	put_be32(b, NFTA_CHAIN_POLICY, NF_ACCEPT);
	hook = nest_start(b, NFTA_CHAIN_HOOK);
	put_be32(b, NFTA_HOOK_HOOKNUM, NF_INET_POST_ROUTING);
	put_be32(b, NFTA_HOOK_PRIORITY, 0);
	nest_end(b, hook);
	msg_end(b);
}

struct expr {
	struct nlattr *elem;
	struct nlattr *data;
};

static struct expr expr_start(struct bb *b, const char *name)
{
	struct expr x;

	x.elem = nest_start(b, NFTA_LIST_ELEM);
	put_str(b, NFTA_EXPR_NAME, name);
	x.data = nest_start(b, NFTA_EXPR_DATA);
	return x;
}

static void expr_end(struct bb *b, struct expr x)
{
	nest_end(b, x.data);
	nest_end(b, x.elem);
}

static void cmp_expr(struct bb *b, enum nft_cmp_ops op, const void *val, size_t len)
{
	struct expr x = expr_start(b, "cmp");
	struct nlattr *data;

	put_be32(b, NFTA_CMP_SREG, NFT_REG_1);
	put_be32(b, NFTA_CMP_OP, op);
	data = nest_start(b, NFTA_CMP_DATA);
	put(b, NFTA_DATA_VALUE, len, val);
	nest_end(b, data);
	expr_end(b, x);
}

/* oifname "IF" numgen random mod 10000 < N drop */
static void rule_msg(struct bb *b, const char *ifname, uint32_t thresh)
{
	char name[IFNAMSIZ] = { 0 };
	struct nlattr *exprs, *data, *verdict;
	uint32_t be;
	struct expr x;

	memcpy(name, ifname, strlen(ifname)); /* validated: shorter than IFNAMSIZ */

	msg_start(b, nft_type(NFT_MSG_NEWRULE), NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK,
		  NFPROTO_INET, 0);
	put_str(b, NFTA_RULE_TABLE, NFT_LAB_TABLE);
	put_str(b, NFTA_RULE_CHAIN, NFT_LAB_CHAIN);
	exprs = nest_start(b, NFTA_RULE_EXPRESSIONS);

	/* [ meta load oifname => reg 1 ] */
	x = expr_start(b, "meta");
	put_be32(b, NFTA_META_KEY, NFT_META_OIFNAME);
	put_be32(b, NFTA_META_DREG, NFT_REG_1);
	expr_end(b, x);

	/* [ cmp eq reg 1 "IF" padded to IFNAMSIZ ] */
	cmp_expr(b, NFT_CMP_EQ, name, sizeof(name));

	/* [ numgen reg 1 = random mod 10000 ] */
	x = expr_start(b, "numgen");
	put_be32(b, NFTA_NG_DREG, NFT_REG_1);
	put_be32(b, NFTA_NG_MODULUS, NFT_LOSS_MOD);
	put_be32(b, NFTA_NG_TYPE, NFT_NG_RANDOM);
	put_be32(b, NFTA_NG_OFFSET, 0);
	expr_end(b, x);

	/* [ byteorder reg 1 = hton(reg 1, 4, 4) ]: cmp lt compares big-endian bytes. */
	x = expr_start(b, "byteorder");
	put_be32(b, NFTA_BYTEORDER_SREG, NFT_REG_1);
	put_be32(b, NFTA_BYTEORDER_DREG, NFT_REG_1);
	put_be32(b, NFTA_BYTEORDER_OP, NFT_BYTEORDER_HTON);
	put_be32(b, NFTA_BYTEORDER_LEN, sizeof(uint32_t));
	put_be32(b, NFTA_BYTEORDER_SIZE, sizeof(uint32_t));
	expr_end(b, x);

	/* [ cmp lt reg 1 htonl(N) ] */
	be = htonl(thresh);
	cmp_expr(b, NFT_CMP_LT, &be, sizeof(be));

	/* [ immediate reg 0 drop ] */
	x = expr_start(b, "immediate");
	put_be32(b, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
	data = nest_start(b, NFTA_IMMEDIATE_DATA);
	verdict = nest_start(b, NFTA_DATA_VERDICT);
	put_be32(b, NFTA_VERDICT_CODE, NF_DROP);
	nest_end(b, verdict);
	nest_end(b, data);
	expr_end(b, x);

	nest_end(b, exprs);
	msg_end(b);
}

/* Returns the index of the first invalid entry, or -1; *active gets the entries to apply. */
static int entries_check(const char *const *ifnames, const double *pcts, int n, int *active)
{
	*active = 0;
	for (int i = 0; i < n; i++) {
		size_t len;

		/* Also false for NaN. */
		if (!(pcts[i] >= 0.0 && pcts[i] <= 100.0))
			return i;
		if (pcts[i] == 0.0)
			continue;
		len = ifnames[i] ? strlen(ifnames[i]) : 0;
		if (len == 0 || len >= IFNAMSIZ)
			return i;
		(*active)++;
	}
	return -1;
}

static uint32_t loss_thresh(double pct)
{
	/* round(pct * 100) for 0 < pct <= 100, without libm. */
	return (uint32_t)(pct * 100.0 + 0.5);
}

/*
 * replace puts "add table; delete table" first, so the new table replaces an
 * old one in the same transaction whether it existed or not. With no active
 * entry a plain build is empty and a replace build only removes the table.
 */
static int batch_build(void *buf, size_t len, uint32_t seq_base, const char *const *ifnames,
		       const double *pcts, int n, bool replace, uint32_t *nmsgs)
{
	struct bb b = { .buf = buf, .len = len, .seq = seq_base };
	int active;

	*nmsgs = 0;
	if (n < 0 || (n > 0 && (!ifnames || !pcts)) || (len && !buf) || ((uintptr_t)buf & 3))
		return -EINVAL;
	if (entries_check(ifnames, pcts, n, &active) >= 0)
		return -EINVAL;
	if (!active && !replace)
		return 0;
	if (b.len > INT_MAX)
		b.len = INT_MAX;
	if (b.len)
		memset(buf, 0, b.len);

	batch_msg(&b, NFNL_MSG_BATCH_BEGIN);
	if (replace) {
		table_msg(&b, NFT_MSG_NEWTABLE);
		table_msg(&b, NFT_MSG_DELTABLE);
	}
	if (active) {
		table_msg(&b, NFT_MSG_NEWTABLE);
		chain_msg(&b);
		for (int i = 0; i < n; i++)
			if (pcts[i] > 0.0)
				rule_msg(&b, ifnames[i], loss_thresh(pcts[i]));
	}
	batch_msg(&b, NFNL_MSG_BATCH_END);
	if (b.full)
		return -ENOSPC;
	*nmsgs = b.nmsgs;
	return (int)b.off;
}

int nft_loss_batch_build(void *buf, size_t len, uint32_t seq_base, const char *const *ifnames,
			 const double *pcts, int n)
{
	uint32_t nmsgs;

	return batch_build(buf, len, seq_base, ifnames, pcts, n, false, &nmsgs);
}

/*
 * Sends a batch of nmsgs messages numbered from seq_base, in which all but
 * begin and end ask for an ACK, and reads the ACKs in order. On a kernel
 * error *bad gets the index of the message it names (the kernel reports a
 * failed commit against the first message after begin) and kmsg its
 * extended-ACK text.
 */
static int batch_talk(struct nl *nl, const void *buf, size_t len, uint32_t seq_base, uint32_t nmsgs,
		      uint32_t *bad, char *kmsg, size_t kmsglen)
{
	uint32_t want = nmsgs - 2, acked = 0;

	*bad = UINT32_MAX;
	kmsg[0] = '\0';
	if (mnl_socket_sendto(nl->sk, buf, len) < 0)
		return -errno;
	while (acked < want) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->rbuf;
		ssize_t n = mnl_socket_recvfrom(nl->sk, nl->rbuf, NL_RECV_BUF);
		int rem;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		rem = (int)n;
		if (!nl_msg_fits(nlh, rem))
			return -EBADMSG;
		for (; nl_msg_fits(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
			uint32_t idx = nlh->nlmsg_seq - seq_base;
			int error, ret;
			uint32_t off;

			if (nlh->nlmsg_pid && nlh->nlmsg_pid != nl->portid)
				return -EPROTO;
			if (nlh->nlmsg_type == NLMSG_NOOP)
				continue;
			if (nlh->nlmsg_type == NLMSG_OVERRUN)
				return -ENOBUFS;
			if (nlh->nlmsg_type != NLMSG_ERROR)
				return -EPROTO; /* we asked for no data and joined no group */
			if (idx >= nmsgs)
				return -EPROTO;
			ret = nl_error_parse(nlh, &error, kmsg, kmsglen, &off);
			if (ret)
				return ret;
			if (error) {
				*bad = idx;
				return error;
			}
			kmsg[0] = '\0'; /* a warning on success is not an error */
			/* ACKs come in message order, one for each of 1 .. nmsgs - 2. */
			if (idx != acked + 1)
				return -EPROTO;
			acked++;
		}
		if (rem > 0)
			return -EBADMSG;
	}
	return 0;
}

/* Which message of a replace batch idx is, in words. */
static void describe(char *out, size_t len, uint32_t idx, uint32_t nmsgs,
		     const char *const *ifnames, const double *pcts, int n)
{
	uint32_t rule;

	if (idx == UINT32_MAX) {
		snprintf(out, len, "exchanging the nf_tables batch with the kernel");
		return;
	}
	if (idx == 0) {
		snprintf(out, len, "starting the nf_tables transaction");
		return;
	}
	if (idx == nmsgs - 1) {
		snprintf(out, len, "committing the nf_tables transaction");
		return;
	}
	switch (idx) {
	case 1:
		snprintf(out, len, "adding table inet %s", NFT_LAB_TABLE);
		return;
	case 2:
		snprintf(out, len, "deleting the previous table inet %s", NFT_LAB_TABLE);
		return;
	case 3:
		snprintf(out, len, "creating table inet %s", NFT_LAB_TABLE);
		return;
	case 4:
		snprintf(out, len, "creating chain %s (hook postrouting) in table inet %s",
			 NFT_LAB_CHAIN, NFT_LAB_TABLE);
		return;
	default:
		break;
	}
	rule = idx - 5;
	for (int i = 0; i < n; i++) {
		if (!(pcts[i] > 0.0))
			continue;
		if (rule-- == 0) {
			snprintf(out, len, "adding the rule dropping %.2f%% of packets leaving %s",
				 loss_thresh(pcts[i]) / 100.0, ifnames[i]);
			return;
		}
	}
	snprintf(out, len, "nf_tables message %u", idx);
}

static void kmsg_copy(struct mc_err *e, const char *kmsg)
{
	if (e)
		snprintf(e->kmsg, sizeof(e->kmsg), "%s", kmsg);
}

int nft_loss_set(int nsfd, const char *const *ifnames, const double *pcts, int n, struct mc_err *e)
{
	char kmsg[sizeof(((struct mc_err *)0)->kmsg)];
	char what[160];
	size_t cap = 4096;
	uint32_t nmsgs, bad, seq;
	char *buf = NULL;
	int active, bad_entry, len, ret;
	struct nl nl;

	if (n < 0 || (n > 0 && (!ifnames || !pcts)))
		return mc_err_set(e, -EINVAL, "setting packet loss: invalid arguments");
	bad_entry = entries_check(ifnames, pcts, n, &active);
	if (bad_entry >= 0) {
		const char *name = ifnames[bad_entry] ? ifnames[bad_entry] : "(null)";

		if (!(pcts[bad_entry] >= 0.0 && pcts[bad_entry] <= 100.0))
			return mc_err_set(e, -EINVAL,
					  "setting packet loss on %s: %g%% is not within 0..100",
					  name, pcts[bad_entry]);
		return mc_err_set(e, -EINVAL,
				  "setting packet loss: \"%s\" is not an interface name", name);
	}

	ret = nl_open_netns(&nl, NETLINK_NETFILTER, nsfd, e);
	if (ret)
		return mc_err_ctx(e, ret, "setting packet loss");
	seq = nl.seq + 1;
	for (;;) {
		buf = malloc(cap);
		if (!buf) {
			ret = mc_err_set(e, -ENOMEM, "setting packet loss: allocating the batch");
			goto out;
		}
		len = batch_build(buf, cap, seq, ifnames, pcts, n, true, &nmsgs);
		if (len != -ENOSPC || cap >= NFT_BATCH_MAX)
			break;
		free(buf);
		cap *= 2;
	}
	if (len < 0) {
		ret = mc_err_set(e, len, "setting packet loss: building the nf_tables batch");
		goto out;
	}
	nl.seq += nmsgs;
	ret = batch_talk(&nl, buf, (size_t)len, seq, nmsgs, &bad, kmsg, sizeof(kmsg));
	if (ret) {
		describe(what, sizeof(what), bad, nmsgs, ifnames, pcts, n);
		mc_err_set(e, ret, "setting packet loss: %s", what);
		kmsg_copy(e, kmsg);
	}
out:
	free(buf);
	nl_close(&nl);
	return ret;
}

int nft_loss_clear(int nsfd, struct mc_err *e)
{
	char kmsg[sizeof(((struct mc_err *)0)->kmsg)];
	uint32_t buf[64]; /* 4-byte aligned, room for begin, delete table, end */
	struct bb b = { .buf = (char *)buf, .len = sizeof(buf) };
	uint32_t bad;
	struct nl nl;
	int ret;

	ret = nl_open_netns(&nl, NETLINK_NETFILTER, nsfd, e);
	if (ret)
		return mc_err_ctx(e, ret, "removing packet loss");
	b.seq = nl.seq + 1;
	memset(buf, 0, sizeof(buf));
	batch_msg(&b, NFNL_MSG_BATCH_BEGIN);
	table_msg(&b, NFT_MSG_DELTABLE);
	batch_msg(&b, NFNL_MSG_BATCH_END);
	if (b.full) {
		ret = mc_err_set(e, -ENOSPC, "removing packet loss: building the nf_tables batch");
		goto out;
	}
	nl.seq += b.nmsgs;
	ret = batch_talk(&nl, buf, b.off, b.seq - b.nmsgs, b.nmsgs, &bad, kmsg, sizeof(kmsg));
	if (ret == -ENOENT && bad == 1) {
		ret = 0; /* no table: nothing to remove */
	} else if (ret) {
		mc_err_set(e, ret, "removing packet loss: %s table inet %s",
			   bad == 1	     ? "deleting" :
			   bad == UINT32_MAX ? "exchanging with the kernel the deletion of" :
					       "starting the deletion of",
			   NFT_LAB_TABLE);
		kmsg_copy(e, kmsg);
	}
out:
	nl_close(&nl);
	return ret;
}
