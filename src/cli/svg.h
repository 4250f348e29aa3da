/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A stacked-area chart in SVG: the renderer for plots (the CLI layer draws, models never do). */
#ifndef MC_SVG_H
#define MC_SVG_H

#include <stdio.h>

#define SVG_MAX_SERIES 8

struct svg_chart {
	const char *title;
	const char *ylabel; /* e.g. "Gbit/s" */
	int n; /* points */
	const double *t; /* seconds, ascending */
	int nseries;
	const char *names[SVG_MAX_SERIES];
	const double *y[SVG_MAX_SERIES]; /* stacked in this order */
	double mark_t; /* a vertical marker (e.g. a cut) at this time; < 0: none */
	const char *mark_label;
};

/* Writes a complete SVG document; 0 or -EINVAL (nothing to draw) / -EIO. */
int svg_stacked(FILE *f, const struct svg_chart *c);

#endif
