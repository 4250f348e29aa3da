// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper for tests/integration/nft_loss.sh:
 *
 *   nft_loss_tool NSNAME IFNAME PCT [IFNAME PCT ...]   set random egress loss
 *   nft_loss_tool NSNAME clear                          remove it
 *
 * NSNAME is a namespace under /run/netns (as `ip netns add` makes them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "nft/nft.h"
#include "ns/ns.h"

#define MAX_PAIRS 32

static int usage(void)
{
	fprintf(stderr, "usage: nft_loss_tool NSNAME IFNAME PCT [IFNAME PCT ...]\n"
			"       nft_loss_tool NSNAME clear\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *ifnames[MAX_PAIRS];
	double pcts[MAX_PAIRS];
	struct mc_err e = { 0 };
	char msg[1024];
	int nsfd = -1, n = 0, ret;

	if (argc == 3 && !strcmp(argv[2], "clear")) {
		n = -1;
	} else if (argc >= 4 && argc % 2 == 0 && (argc - 2) / 2 <= MAX_PAIRS) {
		for (int i = 2; i < argc; i += 2) {
			char *end;

			errno = 0;
			pcts[n] = strtod(argv[i + 1], &end);
			if (errno || end == argv[i + 1] || *end) {
				fprintf(stderr, "nft_loss_tool: bad percentage \"%s\"\n",
					argv[i + 1]);
				return 2;
			}
			ifnames[n++] = argv[i];
		}
	} else {
		return usage();
	}

	ret = netns_open(argv[1], &nsfd, &e);
	if (ret)
		goto err;
	if (n < 0)
		ret = nft_loss_clear(nsfd, &e);
	else
		ret = nft_loss_set(nsfd, ifnames, pcts, n, &e);
	close(nsfd);
	if (ret)
		goto err;
	return 0;
err:
	fprintf(stderr, "nft_loss_tool: %s\n", mc_err_str(&e, msg, sizeof(msg)));
	return 1;
}
