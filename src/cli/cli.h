/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CLI: the only layer that prints and exits. */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/err.h"

struct plan;

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2
};

struct cli {
	bool json;
	bool pretty;
	int verbose;
};

struct cli_cmd {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	const char *summary;
};

/* Subcommands: argv[0] is the subcommand's name. */
int cmd_lab_main(struct cli *cli, int argc, char **argv);
int cmd_status_main(struct cli *cli, int argc, char **argv);
int cmd_monitor_main(struct cli *cli, int argc, char **argv);
int cmd_setup_main(struct cli *cli, int argc, char **argv);
int cmd_doctor_main(struct cli *cli, int argc, char **argv);
int cmd_tune_main(struct cli *cli, int argc, char **argv);
/* setup show / undo of the record of one kind ("setup", "tune"); argv[1] is "undo". */
int cmd_setup_show(struct cli *cli, const char *kind);
int cmd_setup_undo(struct cli *cli, const char *kind, int argc, char **argv);
/* Prints a plan's steps (or JSON) under the verb "dry-run", "applied", ... */
void cli_print_plan(struct cli *cli, const struct plan *p, const char *verb);
bool cli_has_cap_net_admin(void);
int cmd_run(struct cli *cli, int argc, char **argv);
/* enable and disable (by argv[0]). */
int cmd_enable(struct cli *cli, int argc, char **argv);

int cmd_bench_main(struct cli *cli, int argc, char **argv);
int cmd_daemon_main(struct cli *cli, int argc, char **argv);
int cmd_capture_main(struct cli *cli, int argc, char **argv);

/* "mptcpctl: " + message to stderr. */
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints e with context, returns EXIT_FAIL (EXIT_USAGE for -EINVAL when usage is true). */
int cli_fail(const struct mc_err *e, const char *ctx);
/* A usage error: message, a hint, exit code 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cli_is_help(const char *arg);
/* Any of argv[1..] asks for help: checked before a subcommand's words are
 * dispatched, so that "doctor undo --help" or "bench client --help" prints
 * the usage instead of acting on (or resolving) "--help". */
bool cli_wants_help(int argc, char **argv);
/* "a,b,c" -> up to max items through parse(); a single item applies to all n. */
int cli_split_list(const char *s, char items[][32], int max);

#endif
