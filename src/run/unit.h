/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mptcpctl enable/disable: a systemd drop-in, ROOT/etc/systemd/system/UNIT.d/
 * 50-mptcpctl.conf, that adds the preload library (LD_PRELOAD) and
 * GODEBUG=multipathtcp=1 to a service. Environment= in a drop-in replaces the same
 * variable of the unit, so the values the unit (and its earlier drop-ins) set are read
 * and kept in ours. The unit's file is never written.
 */
#ifndef MC_UNIT_H
#define MC_UNIT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"

#define UNIT_DROPIN_NAME "50-mptcpctl.conf"

/* "foo" -> "foo.service"; -EINVAL for a name systemd would not accept, or not a service. */
int unit_name_normalize(const char *in, char *out, size_t len);

/* The variables a service's unit and drop-ins (all but ours) set, as systemd sees them. */
struct unit_env {
	char *ld_preload; /* NULL when unset */
	char *godebug;
	bool overridden; /* a drop-in after ours sets one of them: ours will not win */
};
void unit_env_free(struct unit_env *u);

/*
 * Feeds one file's text: Environment= assignments of its [Service] section (quotes and
 * backslash escapes as systemd reads them; an empty Environment= resets). A file that
 * sorts after our drop-in only marks the values overridden.
 */
int unit_env_feed(struct unit_env *u, const char *text, bool after_ours);

/* The drop-in's content for the preload library path and the unit's values. */
int unit_dropin_text(const struct unit_env *u, const char *preload, char **out);

struct unit_result {
	char unit_path[PATH_MAX]; /* where the unit was found */
	char dropin[PATH_MAX];
	bool changed; /* a file was written or removed */
	bool overridden;
};

/* root: NULL or "" for "/". */
int unit_enable(const char *root, const char *unit, const char *preload, struct unit_result *r,
		struct mc_err *e);
int unit_disable(const char *root, const char *unit, struct unit_result *r, struct mc_err *e);
/* `systemctl daemon-reload` when systemd runs (/run/systemd/system); *ran says whether. */
int unit_daemon_reload(bool *ran, struct mc_err *e);

#endif
