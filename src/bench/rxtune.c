// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Receive batching, chosen while the test runs (pure: time and byte counts
 * in, the SO_RCVLOWAT to use out).
 *
 * Waking the receiver only once RXT_MAX_LOWAT bytes are queued halves its CPU
 * (measured unshaped, 2 subflows: 35 % -> 12-15 %), and over unshaped veth
 * it raised the goodput too (20.8 -> 22.7 Gbit/s). But where the sender's CPU
 * is the limit and the receiver's reads were doing part of its work (the
 * window updates it sends run the sender's ACK processing on the receiver's
 * CPU when both ends share a machine), it lowered 2 x 10 Gbit/s shaped from
 * 18.3 to 16.2 Gbit/s. Neither setting wins everywhere, so both are tried:
 * after a warm-up, RXT_PROBE of reading at once, then RXT_PROBE with the
 * batch; the faster one is kept, the batch when they are within 1 % (it costs
 * less CPU). Every RXT_REPROBE the choice is made again. Below about 1 Gbit/s
 * the batch would be under RXT_MIN_LOWAT and is never used: the saving is
 * small there and the reads would come late.
 */
#include "bench.h"

#include <string.h>

#define NS_MS 1000000ULL
#define RXT_WARM (300 * NS_MS)
#define RXT_SETTLE (50 * NS_MS) /* after a switch, before counting */
#define RXT_PROBE (200 * NS_MS)
#define RXT_REPROBE (10000 * NS_MS)
/* Half a millisecond of data at the measured rate, within these bounds. */
#define RXT_MAX_LOWAT (256U << 10)
#define RXT_MIN_LOWAT (64U << 10)

void rxtune_init(struct rxtune *r, uint64_t now)
{
	memset(r, 0, sizeof(*r));
	r->phase = RXT_WARMUP;
	r->t_phase = now;
}

static void phase(struct rxtune *r, enum rxt_phase p, uint64_t now)
{
	r->phase = p;
	r->t_phase = now;
	r->counting = false;
}

/* The bytes/s of the current probe, measured from RXT_SETTLE after its start. */
static bool probe_done(struct rxtune *r, uint64_t now, uint64_t bytes, double *rate)
{
	if (!r->counting) {
		if (now - r->t_phase < RXT_SETTLE)
			return false;
		r->counting = true;
		r->t_count = now;
		r->b_count = bytes;
		return false;
	}
	if (now - r->t_count < RXT_PROBE)
		return false;
	*rate = (double)(bytes - r->b_count) * 1e9 / (double)(now - r->t_count);
	return true;
}

uint32_t rxtune_step(struct rxtune *r, uint64_t now, uint64_t bytes)
{
	double rate;

	switch (r->phase) {
	case RXT_WARMUP:
		if (now - r->t_phase >= RXT_WARM)
			phase(r, RXT_PROBE_NOW, now);
		break;
	case RXT_PROBE_NOW:
		if (!probe_done(r, now, bytes, &rate))
			break;
		r->rate[0] = rate;
		r->lowat = (uint32_t)(rate / 2000 > RXT_MAX_LOWAT ? RXT_MAX_LOWAT : rate / 2000);
		if (r->lowat < RXT_MIN_LOWAT) {
			r->lowat = 0;
			r->rate[1] = 0;
			r->decisions++;
			phase(r, RXT_KEEP, now);
			break;
		}
		phase(r, RXT_PROBE_BATCH, now);
		r->applied = r->lowat;
		break;
	case RXT_PROBE_BATCH:
		if (!probe_done(r, now, bytes, &rate))
			break;
		r->rate[1] = rate;
		r->decisions++;
		if (rate < 0.99 * r->rate[0])
			r->lowat = 0;
		r->applied = r->lowat;
		phase(r, RXT_KEEP, now);
		break;
	case RXT_KEEP:
		if (now - r->t_phase >= RXT_REPROBE) {
			phase(r, RXT_PROBE_NOW, now);
			r->applied = 0;
		}
		break;
	}
	return r->applied;
}
