/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Random packet loss on an interface's egress, through the nf_tables netlink
 * API (NETLINK_NETFILTER) directly. For every (ifname, pct) the rule is what
 *
 *   nft add rule inet mptcpctl_lab loss oifname "IF" numgen random mod 10000 < N drop
 *
 * makes, with N = round(pct * 100), in a base chain "loss" (type filter, hook
 * postrouting, priority 0, policy accept) of the table inet mptcpctl_lab.
 */
#ifndef MC_NFT_H
#define MC_NFT_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

#define NFT_LAB_TABLE "mptcpctl_lab"
#define NFT_LAB_CHAIN "loss"

/*
 * Builds the whole nf_tables batch (begin, table, chain, one rule per
 * (ifname,pct), end) into buf of len bytes. Pure, no I/O; returns bytes used
 * or -errno (-ENOSPC). seq_base numbers the messages.
 *
 * The messages get seq_base, seq_base + 1, ...; every message between begin
 * and end carries NLM_F_ACK (begin and end do not: kernels before 6.10 never
 * acknowledge them, later ones only when asked). Entries with pct 0 are
 * skipped; when all are 0 (or n is 0) nothing is built and 0 is returned.
 * -EINVAL for a pct outside [0,100], a NULL, empty or too long (>= IFNAMSIZ)
 * interface name, n < 0, or a buf not aligned to 4 bytes.
 */
int nft_loss_batch_build(void *buf, size_t len, uint32_t seq_base, const char *const *ifnames,
			 const double *pcts, int n);

/*
 * Applies it: opens NETLINK_NETFILTER inside nsfd (nl_open_netns; -1 = the
 * current namespace), sends the batch, collects every ACK, reports the
 * kernel's extended-ack text in e on failure. Replaces any previous
 * mptcpctl_lab table atomically (the batch first ensures the table exists,
 * deletes it, then creates the new one). pct in (0,100]; entries with pct 0
 * are skipped; if all are 0 nothing is created (the old table is removed).
 */
int nft_loss_set(int nsfd, const char *const *ifnames, const double *pcts, int n, struct mc_err *e);

/* Removes the table; 0 if it did not exist. */
int nft_loss_clear(int nsfd, struct mc_err *e);

#endif
