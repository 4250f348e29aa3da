// SPDX-License-Identifier: GPL-2.0-or-later
#include "svg.h"

#include <errno.h>

static const char *const colours[SVG_MAX_SERIES] = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
						     "#9467bd", "#8c564b", "#e377c2", "#7f7f7f" };

static void text_escaped(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

int svg_stacked(FILE *f, const struct svg_chart *c)
{
	const double W = 720, H = 360, L = 60, R = 130, T = 40, B = 40;
	double tmax, ymax = 0, pw = W - L - R, ph = H - T - B;

	if (c->n < 2 || c->nseries < 1 || c->nseries > SVG_MAX_SERIES)
		return -EINVAL;
	tmax = c->t[c->n - 1] > 0 ? c->t[c->n - 1] : 1;
	for (int i = 0; i < c->n; i++) {
		double sum = 0;

		for (int s = 0; s < c->nseries; s++)
			sum += c->y[s][i] > 0 ? c->y[s][i] : 0;
		if (sum > ymax)
			ymax = sum;
	}
	if (ymax <= 0)
		ymax = 1;
	ymax *= 1.1;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n",
		W, H);
	fprintf(f,
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%.0f\" y=\"22\" "
		"font-size=\"15\">",
		L);
	text_escaped(f, c->title);
	fputs("</text>\n", f);
	/* Stacked areas, bottom series first. */
	for (int s = 0; s < c->nseries; s++) {
		fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.75\" points=\"", colours[s]);
		for (int i = 0; i < c->n; i++) {
			double top = 0;

			for (int k = 0; k <= s; k++)
				top += c->y[k][i] > 0 ? c->y[k][i] : 0;
			fprintf(f, "%.1f,%.1f ", L + pw * c->t[i] / tmax,
				T + ph * (1 - top / ymax));
		}
		for (int i = c->n - 1; i >= 0; i--) {
			double bottom = 0;

			for (int k = 0; k < s; k++)
				bottom += c->y[k][i] > 0 ? c->y[k][i] : 0;
			fprintf(f, "%.1f,%.1f ", L + pw * c->t[i] / tmax,
				T + ph * (1 - bottom / ymax));
		}
		fputs("\"/>\n", f);
		fprintf(f,
			"<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			"<text x=\"%.0f\" y=\"%.0f\">",
			W - R + 15, T + 20.0 * s, colours[s], W - R + 32, T + 20.0 * s + 11);
		text_escaped(f, c->names[s]);
		fputs("</text>\n", f);
	}
	/* Axes, ticks and labels. */
	fprintf(f, "<path d=\"M%.0f,%.0f V%.0f H%.0f\" stroke=\"black\" fill=\"none\"/>\n", L, T,
		T + ph, L + pw);
	for (int k = 0; k <= 4; k++) {
		double v = ymax * k / 4, y = T + ph * (1 - (double)k / 4);

		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.2g</text>\n", L - 6,
			y + 4, v);
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%.1f</text>\n",
			L + pw * k / 4, T + ph + 16, tmax * k / 4);
	}
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">seconds</text>\n",
		L + pw / 2, H - 6);
	fprintf(f,
		"<text x=\"14\" y=\"%.0f\" transform=\"rotate(-90 14 %.0f)\" "
		"text-anchor=\"middle\">",
		T + ph / 2, T + ph / 2);
	text_escaped(f, c->ylabel);
	fputs("</text>\n", f);
	if (c->mark_t >= 0) {
		double x = L + pw * c->mark_t / tmax;

		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"red\" "
			"stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%.0f\" fill=\"red\">",
			x, T, x, T + ph, x + 4, T + 12);
		text_escaped(f, c->mark_label);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}
