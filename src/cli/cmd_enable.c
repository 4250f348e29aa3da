// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl enable|disable [--root DIR] UNIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../run/run.h"
#include "../run/unit.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mptcpctl enable [--root DIR] UNIT\n"
		"       mptcpctl disable [--root DIR] UNIT\n"
		"\n"
		"enable adds a systemd drop-in, /etc/systemd/system/UNIT.d/%s, that\n"
		"makes the service's TCP sockets Multipath TCP sockets: LD_PRELOAD of the\n"
		"preload library (kept after any LD_PRELOAD the unit sets) and\n"
		"GODEBUG=multipathtcp=1 (for Go programs). The unit's own file is not changed.\n"
		"disable removes exactly that drop-in. Both reload systemd when it runs and\n"
		"--root is not given; restart the service to apply.\n"
		"\n"
		"  --root DIR  work on the tree under DIR (tests, image builds)\n"
		"  UNIT        a service: NAME or NAME.service\n"
		"\n"
		"Preload library: %s\n",
		UNIT_DROPIN_NAME, run_preload_installed_path());
}

static int finish(const char *root, const char *name, const struct unit_result *r)
{
	struct mc_err e = { 0 };
	bool ran = false;

	if (!root && r->changed && unit_daemon_reload(&ran, &e))
		return cli_fail(&e, NULL);
	if (r->changed && !root)
		printf("restart %s to apply: systemctl restart %s\n", name, name);
	return EXIT_OK;
}

int cmd_enable(struct cli *cli, int argc, char **argv)
{
	bool enable = !strcmp(argv[0], "enable");
	const char *root = NULL, *unit = NULL;
	struct mc_err e = { 0 };
	struct unit_result r;
	char name[256];
	int ret;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i]) && strcmp(argv[i], "help")) {
			usage(stdout);
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "--root")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return cli_usage(enable ? "enable " : "disable ",
						 "%s: --root needs a directory", argv[0]);
			root = argv[++i];
		} else if (argv[i][0] == '-' || unit) {
			return cli_usage(enable ? "enable " : "disable ",
					 "%s: unknown argument '%s'", argv[0], argv[i]);
		} else {
			unit = argv[i];
		}
	}
	if (!unit)
		return cli_usage(enable ? "enable " : "disable ", "%s: which unit?", argv[0]);
	if (unit_name_normalize(unit, name, sizeof(name)))
		return cli_usage(enable ? "enable " : "disable ",
				 "%s: '%s' is not a service unit name", argv[0], unit);
	ret = enable ? unit_enable(root, unit, run_preload_installed_path(), &r, &e) :
		       unit_disable(root, unit, &r, &e);
	if (ret)
		return cli_fail(&e, argv[0]);
	if (r.overridden)
		cli_errorf("%s: warning: a drop-in after %s sets LD_PRELOAD or GODEBUG; it wins",
			   argv[0], UNIT_DROPIN_NAME);
	printf("%s: %s %s\n", name,
	       r.changed ? (enable ? "wrote" : "removed") :
			   (enable ? "already enabled in" : "not enabled; nothing at"),
	       r.dropin);
	return finish(root, name, &r);
}
