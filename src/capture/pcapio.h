/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The I/O of capture: libpcap handles (live interfaces, files) feeding the model. */
#ifndef MC_PCAPIO_H
#define MC_PCAPIO_H

#include <stdint.h>
#include <stdio.h>

#include "capture.h"

#define CAP_MAX_IFACES 16
#define CAP_SNAPLEN_DEFAULT 256

struct cap_iface {
	void *pcap; /* pcap_t */
	int dlt, fd;
	char name[CAP_IFNAMSIZ];
	bool ended; /* the handle failed (the interface went down or away) */
	double ended_at; /* seconds from the start */
	char why[256]; /* libpcap's words when it ended */
	uint64_t frames;
	uint32_t drops; /* by the kernel (ring full), from pcap_stats */
	uint32_t if_drops;
};

struct cap_live {
	struct cap_iface v[CAP_MAX_IFACES];
	int n;
};

struct cap_opts {
	const char *filter; /* a pcap filter, ANDed with "tcp"; NULL for all TCP */
	int snaplen;
	uint64_t duration_us; /* 0: until stopped */
	uint64_t count; /* frames; 0: no limit */
	int stop_fd; /* readable: stop (a signalfd); -1 for none */
	/* Offline reads: called about every 0.25 s with bytes read and the file's size. */
	void (*progress)(void *arg, uint64_t done, uint64_t total, uint64_t frames);
	void *progress_arg;
};

/* Opens every interface (0 or -errno; e names the interface and libpcap's words). */
int cap_live_open(struct cap_live *l, char *const *ifaces, int n, const struct cap_opts *o,
		  struct mc_err *e);
/* Captures into m until the duration, the count or stop_fd says stop, or every
 * interface ended. 0 or -errno. */
int cap_live_run(struct cap_live *l, struct cap_model *m, const struct cap_opts *o,
		 struct mc_err *e);
void cap_live_close(struct cap_live *l);

/*
 * Reads a pcap or pcapng file (path, or f when not NULL: an open stream, as
 * the fuzzer passes) into m. -EBADMSG when the file is not a capture or is
 * cut short (m then holds what came before it; e says where), -ENOENT etc.
 * for the file itself, -EPROTONOSUPPORT for a link type we do not decode.
 */
int cap_file_read(const char *path, FILE *f, struct cap_model *m, const struct cap_opts *o,
		  struct mc_err *e);

#endif
