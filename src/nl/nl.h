/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Netlink transport over libmnl: open/bind (optionally inside another network
 * namespace), request+ACK, dumps (multi-part, NLM_F_DUMP_INTR), sequence and
 * port checks, and the kernel's extended-ACK text in every error.
 *
 * The reply walker (nl_reply_parse) and the error decoder (nl_error_parse) do
 * no I/O, so unit tests feed them golden bytes and fuzzers feed them garbage.
 */
#ifndef MC_NL_H
#define MC_NL_H

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

#define NL_RECV_BUF 65536
#define NL_REQ_BUF 4096
#define NL_RECV_TIMEOUT_S 15

struct nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	int proto;
	char *rbuf;
};

/* Called for every data message of a reply; returns 0 or -errno (stops the walk). */
typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

int nl_open(struct nl *nl, int proto, struct mc_err *e);
/* Opens the socket inside the network namespace nsfd (the socket stays there). */
int nl_open_netns(struct nl *nl, int proto, int nsfd, struct mc_err *e);
void nl_close(struct nl *nl);

/* Starts a request in buf (NL_REQ_BUF bytes): header with type and flags, zeroed payload. */
struct nlmsghdr *nl_msg_start(void *buf, uint16_t type, uint16_t flags);

/*
 * Sends one (non-dump) request with NLM_F_ACK and reads until its ACK.
 * cb (may be NULL) sees every data message of the reply.
 */
int nl_talk(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data, struct mc_err *e);
/*
 * A dump (NLM_F_DUMP is set here) read until NLMSG_DONE; restarted, after
 * reset(data), up to 4 times while the kernel marks it NLM_F_DUMP_INTR, then -EINTR.
 */
int nl_dump(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data,
	    void (*reset)(void *data), struct mc_err *e);

/* --- pure decoders --- */

/*
 * Whether a whole message starts at nlh with rem bytes left. mnl_nlmsg_ok()
 * compares (int)nlmsg_len, so a length of 2^31 or more passes as negative:
 * every walk over received bytes uses this instead.
 */
static inline bool nl_msg_fits(const struct nlmsghdr *nlh, int rem)
{
	return mnl_nlmsg_ok(nlh, rem) && nlh->nlmsg_len <= (unsigned int)rem;
}

struct nl_reply_state {
	uint32_t seq;
	uint32_t portid;
	bool done;
	bool dump_intr;
	int cb_err; /* first error returned by the callback; later messages are skipped */
};

/*
 * Walks one received datagram. Returns 1 when more datagrams are expected,
 * 0 when the reply is complete (ACK or DONE), or -errno (kernel error with
 * e->kmsg set, a malformed or foreign message -EPROTO/-EBADMSG, a callback error).
 */
int nl_reply_parse(const void *buf, size_t len, struct nl_reply_state *st, nl_msg_cb cb, void *data,
		   struct mc_err *e);

/*
 * Decodes an NLMSG_ERROR or NLMSG_DONE message: *error gets the (negative)
 * errno or 0, kmsg the extended-ACK text ("" if none), *off the offset of the
 * offending attribute (0 if none). Returns 0, or -EBADMSG when truncated.
 */
int nl_error_parse(const struct nlmsghdr *nlh, int *error, char *kmsg, size_t kmsglen,
		   uint32_t *off);

/* Attribute helpers for decoders: a validating mnl_attr_parse into tb[0..max]. */
int nl_attr_parse(const struct nlmsghdr *nlh, unsigned int offset, const struct nlattr **tb,
		  unsigned int max);
int nl_attr_parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max);
/*
 * A fixed-size attribute of exactly 'size' payload bytes (as mnl_attr_validate
 * with MNL_TYPE_U8/U16/U32/U64 checks) read into out; -EBADMSG otherwise.
 * Inline: the decoders of large dumps call it for every attribute.
 */
static inline int nl_attr_get(const struct nlattr *a, void *out, size_t size)
{
	if (a->nla_len != MNL_ATTR_HDRLEN + size)
		return -EBADMSG;
	memcpy(out, (const char *)a + MNL_ATTR_HDRLEN, size);
	return 0;
}

/* Copies a string attribute into buf if it is NUL-terminated within its payload. */
int nl_attr_strcpy(const struct nlattr *a, char *buf, size_t len);

#endif
