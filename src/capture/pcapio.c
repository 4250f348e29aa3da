// SPDX-License-Identifier: GPL-2.0-or-later
/* libpcap in, the capture model out: live interfaces and files. */
#include <errno.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pcapio.h"

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int set_filter(pcap_t *p, const char *filter, const char *what, struct mc_err *e)
{
	struct bpf_program prog;
	char expr[1024];
	int ret;

	if (filter && *filter)
		ret = snprintf(expr, sizeof(expr), "tcp and (%s)", filter);
	else
		ret = snprintf(expr, sizeof(expr), "tcp");
	if (ret < 0 || (size_t)ret >= sizeof(expr))
		return mc_err_set(e, -EINVAL, "filter '%s': too long", filter);
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return mc_err_set(e, -EINVAL, "filter '%s': %s", filter ? filter : "",
				  pcap_geterr(p));
	ret = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (ret < 0)
		return mc_err_set(e, -EINVAL, "%s: setting the filter: %s", what, pcap_geterr(p));
	return 0;
}

static int open_one(struct cap_iface *c, const char *name, const struct cap_opts *o,
		    struct mc_err *e)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;
	int ret;

	if (strlen(name) >= CAP_IFNAMSIZ)
		return mc_err_set(e, -EINVAL, "interface '%s': name too long", name);
	snprintf(c->name, sizeof(c->name), "%s", name);
	p = pcap_create(name, errbuf);
	if (!p)
		return mc_err_set(e, -ENODEV, "interface %s: %s", name, errbuf);
	pcap_set_snaplen(p, o->snaplen > 0 ? o->snaplen : CAP_SNAPLEN_DEFAULT);
	pcap_set_promisc(p, 0);
	pcap_set_timeout(p, 50);
	pcap_set_buffer_size(p, 32 << 20);
	ret = pcap_activate(p);
	if (ret < 0) {
		/* An interface that does not exist says so plainly. */
		int code = ret == PCAP_ERROR_NO_SUCH_DEVICE ? -ENODEV :
			   ret == PCAP_ERROR_PERM_DENIED    ? -EPERM :
			   ret == PCAP_ERROR_IFACE_NOT_UP   ? -ENETDOWN :
							      -EIO;
		mc_err_set(e, code, "interface %s: %s", name,
			   ret == PCAP_ERROR_NO_SUCH_DEVICE ?
				   "no such interface in this namespace" :
				   pcap_geterr(p));
		pcap_close(p);
		return code;
	}
	c->pcap = p;
	/* "any" names each frame's interface only in the SLL2 header. */
	if (!strcmp(name, "any"))
		pcap_set_datalink(p, CAP_DLT_LINUX_SLL2);
	c->dlt = pcap_datalink(p);
	if (!cap_dlt_supported(c->dlt))
		return mc_err_set(e, -EPROTONOSUPPORT, "interface %s: link type %s is not decoded",
				  name, pcap_datalink_val_to_name(c->dlt));
	ret = set_filter(p, o->filter, name, e);
	if (ret)
		return ret;
	if (pcap_setnonblock(p, 1, errbuf) < 0)
		return mc_err_set(e, -EIO, "interface %s: %s", name, errbuf);
	c->fd = pcap_get_selectable_fd(p);
	if (c->fd < 0)
		return mc_err_set(e, -EIO, "interface %s: no selectable descriptor", name);
	return 0;
}

int cap_live_open(struct cap_live *l, char *const *ifaces, int n, const struct cap_opts *o,
		  struct mc_err *e)
{
	memset(l, 0, sizeof(*l));
	if (n < 1 || n > CAP_MAX_IFACES)
		return mc_err_set(e, -EINVAL, "%d interfaces: give 1 to %d", n, CAP_MAX_IFACES);
	for (int i = 0; i < n; i++) {
		int ret;

		for (int k = 0; k < i; k++)
			if (!strcmp(ifaces[k], ifaces[i]))
				return mc_err_set(e, -EINVAL, "interface %s given twice",
						  ifaces[i]);
		ret = open_one(&l->v[i], ifaces[i], o, e);
		l->n = i + 1;
		if (ret) {
			cap_live_close(l);
			return ret;
		}
	}
	return 0;
}

struct feed {
	struct cap_model *m;
	struct cap_iface *c;
	int ret;
};

static void on_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct feed *fd = (struct feed *)arg;
	const char *name = fd->c ? fd->c->name : NULL;
	char ifn[IF_NAMESIZE];
	int ret;

	if (fd->ret)
		return;
	if (fd->c) {
		fd->c->frames++;
		/* "any": the frame names its interface by index. */
		if (!strcmp(fd->c->name, "any") && fd->c->dlt == CAP_DLT_LINUX_SLL2 &&
		    h->caplen >= 8) {
			unsigned int idx = (unsigned)bytes[4] << 24 | (unsigned)bytes[5] << 16 |
					   (unsigned)bytes[6] << 8 | bytes[7];

			name = if_indextoname(idx, ifn) ? ifn : NULL;
		}
	}
	ret = cap_model_frame(fd->m, fd->c ? fd->c->dlt : 0, bytes, h->caplen, h->len,
			      (double)h->ts.tv_sec + h->ts.tv_usec / 1e6, name);
	if (ret)
		fd->ret = ret;
}

int cap_live_run(struct cap_live *l, struct cap_model *m, const struct cap_opts *o,
		 struct mc_err *e)
{
	double start = mono_now(), end = start + (double)o->duration_us / 1e6;
	struct pollfd pfd[CAP_MAX_IFACES + 1];
	uint64_t frames = 0;

	for (;;) {
		int np = 0, alive = 0, timeout = 200;
		double now = mono_now();

		if (o->duration_us && now >= end)
			break;
		if (o->duration_us && (end - now) * 1000 < timeout)
			timeout = (int)((end - now) * 1000) + 1;
		for (int i = 0; i < l->n; i++) {
			if (l->v[i].ended)
				continue;
			pfd[np++] = (struct pollfd){ .fd = l->v[i].fd, .events = POLLIN };
			alive++;
		}
		if (!alive)
			break;
		if (o->stop_fd >= 0)
			pfd[np++] = (struct pollfd){ .fd = o->stop_fd, .events = POLLIN };
		if (poll(pfd, (nfds_t)np, timeout) < 0 && errno != EINTR)
			return mc_err_set(e, -errno, "waiting for frames");
		if (o->stop_fd >= 0 && pfd[np - 1].revents & POLLIN)
			break;
		for (int i = 0; i < l->n; i++) {
			struct cap_iface *c = &l->v[i];
			struct feed fd = { .m = m, .c = c };
			int got;

			if (c->ended)
				continue;
			/* count N: no more than the frames still wanted. */
			got = pcap_dispatch(c->pcap, o->count ? (int)(o->count - frames) : -1,
					    on_frame, (u_char *)&fd);
			if (fd.ret)
				return mc_err_set(e, fd.ret, "capture on %s", c->name);
			if (got < 0) {
				/* The interface went down or away: the others go on. */
				c->ended = true;
				c->ended_at = mono_now() - start;
				snprintf(c->why, sizeof(c->why), "%s", pcap_geterr(c->pcap));
				continue;
			}
			frames += (uint64_t)got;
			if (o->count && frames >= o->count)
				break;
		}
		if (o->count && frames >= o->count)
			break;
	}
	for (int i = 0; i < l->n; i++) {
		struct pcap_stat st;

		if (!l->v[i].ended && pcap_stats(l->v[i].pcap, &st) == 0) {
			l->v[i].drops = st.ps_drop;
			l->v[i].if_drops = st.ps_ifdrop;
		}
	}
	return 0;
}

void cap_live_close(struct cap_live *l)
{
	for (int i = 0; i < l->n; i++)
		if (l->v[i].pcap)
			pcap_close(l->v[i].pcap);
	l->n = 0;
}

int cap_file_read(const char *path, FILE *f, struct cap_model *m, const struct cap_opts *o,
		  struct mc_err *e)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *bytes;
	uint64_t total = 0, n = 0;
	double next = mono_now() + 0.25;
	struct stat st;
	pcap_t *p;
	int dlt, ret = 0, got;

	p = f ? pcap_fopen_offline(f, errbuf) : pcap_open_offline(path, errbuf);
	if (!p) {
		/* libpcap says "No such file" or "unknown file format" in its words. */
		if (!f && stat(path, &st) < 0)
			return mc_err_set(e, -errno, "%s", path);
		return mc_err_set(e, -EBADMSG, "%s: not a capture file libpcap reads (%s)", path,
				  errbuf);
	}
	dlt = pcap_datalink(p);
	if (!cap_dlt_supported(dlt)) {
		ret = mc_err_set(e, -EPROTONOSUPPORT, "%s: link type %s is not decoded", path,
				 pcap_datalink_val_to_name(dlt));
		goto out;
	}
	if ((ret = set_filter(p, o->filter, path, e)))
		goto out;
	if (!f && stat(path, &st) == 0)
		total = (uint64_t)st.st_size;
	while ((got = pcap_next_ex(p, &h, &bytes)) == 1) {
		ret = cap_model_frame(m, dlt, bytes, h->caplen, h->len,
				      (double)h->ts.tv_sec + h->ts.tv_usec / 1e6, NULL);
		if (ret) {
			mc_err_set(e, ret, "%s: frame %llu", path, (unsigned long long)n + 1);
			goto out;
		}
		if ((++n & 0xffff) == 0 && o->progress && mono_now() >= next) {
			FILE *pf = pcap_file(p);
			long pos = pf ? ftell(pf) : -1;

			o->progress(o->progress_arg, pos > 0 ? (uint64_t)pos : 0, total, n);
			next = mono_now() + 0.25;
		}
		if (o->count && n >= o->count)
			break;
	}
	if (got == PCAP_ERROR)
		ret = mc_err_set(e, -EBADMSG, "%s: cut short after %llu frames: %s", path,
				 (unsigned long long)n, pcap_geterr(p));
out:
	pcap_close(p);
	return ret;
}
