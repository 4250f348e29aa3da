// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/netlink.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

int nl_open(struct nl *nl, int proto, struct mc_err *e)
{
	int one = 1;
	int ret;

	memset(nl, 0, sizeof(*nl));
	nl->proto = proto;
	nl->rbuf = malloc(NL_RECV_BUF);
	if (!nl->rbuf)
		return mc_err_set(e, -ENOMEM, "allocating the netlink receive buffer");
	nl->sk = mnl_socket_open2(proto, SOCK_CLOEXEC);
	if (!nl->sk) {
		ret = -errno;
		mc_err_set(e, ret, "opening netlink socket (protocol %d)", proto);
		goto err_free;
	}
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		mc_err_set(e, ret, "binding netlink socket (protocol %d)", proto);
		goto err_close;
	}
	/* A kernel that never answers must not hang us (or a signal-blocked lab up). */
	{
		struct timeval tv = { .tv_sec = NL_RECV_TIMEOUT_S };

		setsockopt(mnl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	/* Both are best effort: old kernels simply give no extended ACK. */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)getpid() << 8;
	return 0;

err_close:
	mnl_socket_close(nl->sk);
	nl->sk = NULL;
err_free:
	free(nl->rbuf);
	nl->rbuf = NULL;
	return ret;
}

int nl_open_netns(struct nl *nl, int proto, int nsfd, struct mc_err *e)
{
	int self, ret;

	if (nsfd < 0)
		return nl_open(nl, proto, e);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return mc_err_set(e, -errno, "opening /proc/self/ns/net");
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		ret = mc_err_set(e, -errno, "entering network namespace");
		goto out;
	}
	ret = nl_open(nl, proto, e);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* Continuing in the wrong namespace could change the host: stop here. */
		fprintf(stderr, "mptcpctl: cannot return to the original network namespace: %s\n",
			strerror(errno));
		abort();
	}
out:
	close(self);
	return ret;
}

void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->rbuf);
	nl->sk = NULL;
	nl->rbuf = NULL;
}

struct nlmsghdr *nl_msg_start(void *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, NL_REQ_BUF);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

static int tlv_walk(const void *p, size_t len, char *kmsg, size_t kmsglen, uint32_t *off)
{
	const struct nlattr *a = p;

	while (len >= sizeof(*a)) {
		size_t alen = a->nla_len;
		size_t plen;

		if (alen < sizeof(*a) || alen > len)
			return -EBADMSG;
		plen = alen - sizeof(*a);
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (plen && kmsglen) {
				const char *s = (const char *)(a + 1);
				size_t n = strnlen(s, plen);

				if (n >= kmsglen)
					n = kmsglen - 1;
				memcpy(kmsg, s, n);
				kmsg[n] = '\0';
				/* The kernel's text may end in a newline or spaces. */
				while (n && (kmsg[n - 1] == '\n' || kmsg[n - 1] == ' '))
					kmsg[--n] = '\0';
			}
			break;
		case NLMSGERR_ATTR_OFFS:
			if (plen >= sizeof(uint32_t) && off)
				memcpy(off, a + 1, sizeof(uint32_t));
			break;
		default:
			break;
		}
		alen = MNL_ALIGN(alen);
		if (alen >= len)
			break;
		len -= alen;
		a = (const struct nlattr *)((const char *)a + alen);
	}
	return 0;
}

int nl_error_parse(const struct nlmsghdr *nlh, int *error, char *kmsg, size_t kmsglen,
		   uint32_t *off)
{
	size_t len = nlh->nlmsg_len;
	const char *payload = (const char *)nlh + MNL_NLMSG_HDRLEN;
	size_t plen, skip;
	int err;

	if (kmsglen)
		kmsg[0] = '\0';
	if (off)
		*off = 0;
	if (len < MNL_NLMSG_HDRLEN + sizeof(int))
		return -EBADMSG;
	plen = len - MNL_NLMSG_HDRLEN;
	memcpy(&err, payload, sizeof(err));
	if (nlh->nlmsg_type == NLMSG_DONE) {
		skip = sizeof(int);
	} else {
		const struct nlmsgerr *me = (const struct nlmsgerr *)payload;
		uint32_t orig_len;

		if (plen < sizeof(*me))
			return -EBADMSG;
		memcpy(&orig_len, &me->msg.nlmsg_len, sizeof(orig_len));
		skip = sizeof(int);
		if (nlh->nlmsg_flags & NLM_F_CAPPED || err == 0) {
			skip += sizeof(struct nlmsghdr);
		} else {
			/* Bound it before aligning: MNL_ALIGN(0xffffffff) wraps to 0. */
			if (orig_len < sizeof(struct nlmsghdr) || orig_len > plen - sizeof(int))
				return -EBADMSG;
			skip += MNL_ALIGN(orig_len);
		}
		if (skip > plen)
			return -EBADMSG;
	}
	/* Errors are negative errnos; anything out of range is not from a kernel. */
	if (err > 0 || err < -4095)
		return -EBADMSG;
	*error = err;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && plen > skip)
		return tlv_walk(payload + skip, plen - skip, kmsg, kmsglen, off);
	return 0;
}

int nl_reply_parse(const void *buf, size_t len, struct nl_reply_state *st, nl_msg_cb cb, void *data,
		   struct mc_err *e)
{
	const struct nlmsghdr *nlh = buf;
	int rem = (int)len;

	if (len > (size_t)INT32_MAX)
		return mc_err_set(e, -EMSGSIZE, "netlink reply too large");
	if (!nl_msg_fits(nlh, rem))
		return mc_err_set(e, -EBADMSG, "truncated netlink message");
	while (nl_msg_fits(nlh, rem)) {
		int error = 0;
		uint32_t off;
		int ret;

		if (nlh->nlmsg_seq != st->seq)
			return mc_err_set(e, -EPROTO, "netlink reply with sequence %u, expected %u",
					  nlh->nlmsg_seq, st->seq);
		if (nlh->nlmsg_pid && nlh->nlmsg_pid != st->portid)
			return mc_err_set(e, -EPROTO, "netlink reply for port %u, we are %u",
					  nlh->nlmsg_pid, st->portid);
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			st->dump_intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_OVERRUN:
			return mc_err_set(e, -ENOBUFS, "netlink overrun");
		case NLMSG_ERROR:
		case NLMSG_DONE:
			if (nlh->nlmsg_type == NLMSG_DONE &&
			    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(int)) {
				error = 0; /* old kernels send an empty DONE */
			} else {
				ret = nl_error_parse(nlh, &error, e ? e->kmsg : NULL,
						     e ? sizeof(e->kmsg) : 0, &off);
				if (ret)
					return mc_err_set(e, ret,
							  "malformed netlink error message");
			}
			st->done = true;
			if (error)
				return mc_err_set(e, error, "netlink request");
			if (e)
				e->kmsg[0] = '\0'; /* a warning on success is not an error */
			if (st->cb_err)
				return st->cb_err;
			return 0;
		default:
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				break;
			if (cb && !st->cb_err) {
				ret = cb(nlh, data);
				if (ret < 0)
					st->cb_err = ret;
			}
			break;
		}
		nlh = mnl_nlmsg_next(nlh, &rem);
	}
	if (rem > 0)
		return mc_err_set(e, -EBADMSG, "trailing bytes in netlink reply");
	return 1;
}

/*
 * One request/reply exchange. NLM_F_DUMP shares its bits with NLM_F_EXCL and
 * NLM_F_REPLACE, so whether this is a dump is said, never guessed from flags.
 */
static int nl_exchange(struct nl *nl, struct nlmsghdr *req, bool dump, nl_msg_cb cb, void *data,
		       struct mc_err *e)
{
	struct nl_reply_state st;
	int ret;

	if (dump)
		req->nlmsg_flags = (uint16_t)((req->nlmsg_flags & ~NLM_F_ACK) | NLM_F_DUMP);
	else
		req->nlmsg_flags |= NLM_F_ACK;
	req->nlmsg_seq = ++nl->seq;
	memset(&st, 0, sizeof(st));
	st.seq = req->nlmsg_seq;
	st.portid = nl->portid;
	if (mnl_socket_sendto(nl->sk, req, req->nlmsg_len) < 0)
		return mc_err_set(e, -errno, "sending netlink request");
	do {
		ssize_t n = mnl_socket_recvfrom(nl->sk, nl->rbuf, NL_RECV_BUF);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return mc_err_set(e, errno == EAGAIN ? -ETIMEDOUT : -errno,
					  "receiving netlink reply");
		}
		ret = nl_reply_parse(nl->rbuf, (size_t)n, &st, cb, data, e);
	} while (ret > 0);
	if (ret < 0 && !st.done) {
		/* Drain what is left of this reply so the next request starts clean. */
		struct nl_reply_state drain = st;
		int r;

		do {
			ssize_t n = mnl_socket_recvfrom(nl->sk, nl->rbuf, NL_RECV_BUF);

			if (n < 0)
				break;
			r = nl_reply_parse(nl->rbuf, (size_t)n, &drain, NULL, NULL, NULL);
		} while (r > 0);
	}
	if (ret == 0 && st.dump_intr)
		return mc_err_set(e, -EINTR, "netlink dump interrupted by a concurrent change");
	return ret;
}

int nl_talk(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data, struct mc_err *e)
{
	return nl_exchange(nl, req, false, cb, data, e);
}

int nl_dump(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data,
	    void (*reset)(void *data), struct mc_err *e)
{
	int ret = -EINTR;

	for (int i = 0; i < 5 && ret == -EINTR; i++) {
		if (i && reset)
			reset(data);
		ret = nl_exchange(nl, req, true, cb, data, e);
	}
	return ret;
}

/*
 * libmnl's walkers stop quietly at the first attribute that does not fit
 * (nla_len < 4 or past the end) and report success: the attributes from
 * there on would silently be missing. Walk here and insist on reaching the end.
 */
static int attr_walk(const struct nlattr *a, const char *end, const struct nlattr **tb,
		     unsigned int max)
{
	/* mnl_attr_ok / _get_type / _next, inline: this runs for every attribute of a dump. */
	while (end - (const char *)a >= (ptrdiff_t)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= end - (const char *)a) {
		unsigned int type = a->nla_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = a;
		a = (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len));
	}
	return (const char *)a < end ? -EBADMSG : 0;
}

int nl_attr_parse(const struct nlmsghdr *nlh, unsigned int offset, const struct nlattr **tb,
		  unsigned int max)
{
	memset(tb, 0, sizeof(*tb) * (max + 1));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(offset))
		return -EBADMSG;
	return attr_walk(mnl_nlmsg_get_payload_offset(nlh, offset),
			 (const char *)nlh + nlh->nlmsg_len, tb, max);
}

int nl_attr_parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max)
{
	memset(tb, 0, sizeof(*tb) * (max + 1));
	return attr_walk(mnl_attr_get_payload(nest),
			 (const char *)mnl_attr_get_payload(nest) + mnl_attr_get_payload_len(nest),
			 tb, max);
}

int nl_attr_strcpy(const struct nlattr *a, char *buf, size_t len)
{
	const char *s = mnl_attr_get_payload(a);
	size_t plen = mnl_attr_get_payload_len(a);
	size_t n = strnlen(s, plen);

	if (n == plen || n >= len)
		return -EBADMSG;
	memcpy(buf, s, n + 1);
	return 0;
}
