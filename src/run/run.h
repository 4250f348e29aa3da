/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mptcpctl run: start a program whose TCP sockets are MPTCP sockets.
 *
 * Backends: preload (LD_PRELOAD of libmptcpctl-preload.so; dynamically linked
 * programs), seccomp (a user-notification filter on socket(); static binaries, Go, raw
 * system calls), bpf (detected only). Nothing here prints: verbose lines go through
 * run_opts.log.
 */
#ifndef MC_RUN_H
#define MC_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../common/err.h"

#define RUN_PRELOAD_NAME "libmptcpctl-preload.so"

enum run_backend {
	RUN_AUTO,
	RUN_PRELOAD,
	RUN_SECCOMP,
	RUN_BPF,
};

const char *run_backend_name(enum run_backend b);
/* "auto", "preload", "seccomp", "bpf"; -EINVAL otherwise. */
int run_backend_parse(const char *s, enum run_backend *b);

/* What the ELF file at a path is. A "#!" script is judged by its interpreter. */
struct run_elf {
	bool elf; /* an ELF executable (else: unknown format, treated as dynamic) */
	bool dynamic; /* has PT_INTERP */
	bool go; /* .go.buildinfo section or a Go build-ID note */
};
int run_elf_inspect(const char *path, struct run_elf *info, struct mc_err *e);
/* The same on a memory image (for tests): -ENOEXEC when it is not ELF. */
int run_elf_parse(const unsigned char *buf, size_t len, struct run_elf *info);

/* PROG as execvp would find it (PATH, or as given when it has a '/'). */
int run_find_prog(const char *prog, char *out, size_t len, struct mc_err *e);
/* The preload library: next to /proc/self/exe (a build directory), else the installed one. */
int run_preload_path(char *out, size_t len, struct mc_err *e);
/* The installed path (what `enable` writes into drop-ins). */
const char *run_preload_installed_path(void);

/*
 * "a b" + "x" -> "a b x": appends item to a list kept in LD_PRELOAD (sep ' ') or
 * GODEBUG (sep ',') unless it is already there; out is malloc'd.
 */
int run_list_append(const char *list, const char *item, char sep, char **out);
/* GODEBUG value with multipathtcp=1 added (kept when the list sets multipathtcp already). */
int run_godebug_add(const char *list, char **out);

/* A copy of an environment that can be changed. */
struct run_env {
	char **v;
	size_t n, cap;
};
int run_env_init(struct run_env *env, char *const *base);
const char *run_env_get(const struct run_env *env, const char *name);
int run_env_set(struct run_env *env, const char *name, const char *value);
void run_env_free(struct run_env *env);

typedef void (*run_log_fn)(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct run_opts {
	enum run_backend backend;
	bool verbose;
	char *const *argv; /* argv[0] is PROG, as given */
	run_log_fn log; /* verbose lines; may be NULL */
	void *log_ctx;
};

/* What will be run, and how. */
struct run_plan {
	enum run_backend backend; /* never RUN_AUTO */
	const char *why; /* the reason auto picked it */
	bool go;
	char path[PATH_MAX];
	char preload[PATH_MAX];
};

/* Finds PROG, picks the backend (auto: by the ELF file), and locates the preload library. */
int run_plan_make(const struct run_opts *o, struct run_plan *p, struct mc_err *e);
/* The environment for the plan: LD_PRELOAD, GODEBUG, MPTCPCTL_VERBOSE as needed. */
int run_env_for(const struct run_opts *o, const struct run_plan *p, struct run_env *env,
		struct mc_err *e);
/* Preload backend: execve()s the program; returns only on failure. */
int run_exec(const struct run_plan *p, char *const *argv, struct run_env *env, struct mc_err *e);
/*
 * Seccomp backend: runs the program under a socket() notification filter and serves it
 * until the program exits; *status is its wait status. Forwards SIGINT, SIGTERM, SIGHUP.
 */
int run_seccomp(const struct run_opts *o, const struct run_plan *p, struct run_env *env,
		int *status, struct mc_err *e);
/* BPF backend: whether the kernel loads tracing programs; -EPERM/-EOPNOTSUPP with words. */
int run_bpf_probe(struct mc_err *e);

#endif
