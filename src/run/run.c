// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl run: program lookup, backend choice, environment, the preload and bpf backends. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "run.h"

#ifndef MPTCPCTL_PRELOAD_PATH
#define MPTCPCTL_PRELOAD_PATH "/usr/local/lib/mptcpctl/" RUN_PRELOAD_NAME
#endif

static const char *const backend_names[] = {
	[RUN_AUTO] = "auto",
	[RUN_PRELOAD] = "preload",
	[RUN_SECCOMP] = "seccomp",
	[RUN_BPF] = "bpf",
};

const char *run_backend_name(enum run_backend b)
{
	return (unsigned)b < sizeof(backend_names) / sizeof(backend_names[0]) ? backend_names[b] :
										"?";
}

int run_backend_parse(const char *s, enum run_backend *b)
{
	for (unsigned i = 0; i < sizeof(backend_names) / sizeof(backend_names[0]); i++) {
		if (!strcmp(s, backend_names[i])) {
			*b = (enum run_backend)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int check_exec(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (access(path, X_OK) < 0)
		return -errno;
	return 0;
}

int run_find_prog(const char *prog, char *out, size_t len, struct mc_err *e)
{
	const char *path = getenv("PATH"), *p;
	int ret, first = -ENOENT;

	if (!*prog)
		return mc_err_set(e, -ENOENT, "program ''");
	if (strchr(prog, '/')) {
		ret = check_exec(prog);
		if (ret)
			return mc_err_set(e, ret, "program %s", prog);
		if ((size_t)snprintf(out, len, "%s", prog) >= len)
			return mc_err_set(e, -ENAMETOOLONG, "program %s", prog);
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p++) {
		const char *c = strchr(p, ':');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		/* An empty PATH entry is the current directory, as for execvp. */
		if ((size_t)snprintf(out, len, "%.*s%s%s", (int)n, n ? p : ".", "/", prog) < len) {
			ret = check_exec(out);
			if (!ret)
				return 0;
			if (ret != -ENOENT && ret != -ENOTDIR && first == -ENOENT)
				first = ret;
		}
		if (!c)
			break;
		p = c;
	}
	if (first == -ENOENT)
		return mc_err_set(e, -ENOENT, "program %s: not found in PATH", prog);
	return mc_err_set(e, first, "program %s", prog);
}

const char *run_preload_installed_path(void)
{
	return MPTCPCTL_PRELOAD_PATH;
}

int run_preload_path(char *out, size_t len, struct mc_err *e)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if ((size_t)snprintf(out, len, "%s/%s", self, RUN_PRELOAD_NAME) < len &&
			    access(out, R_OK) == 0)
				return 0;
		}
	}
	if ((size_t)snprintf(out, len, "%s", MPTCPCTL_PRELOAD_PATH) >= len)
		return mc_err_set(e, -ENAMETOOLONG, "preload library path");
	if (access(out, R_OK) < 0)
		return mc_err_set(e, -errno, "preload library %s (is mptcpctl installed?)", out);
	return 0;
}

static bool list_has(const char *list, const char *item, const char *seps)
{
	size_t n = strlen(item);

	for (const char *p = list; *p;) {
		size_t k = strcspn(p, seps);

		if (k == n && !strncmp(p, item, n))
			return true;
		p += k;
		if (*p)
			p++;
	}
	return false;
}

int run_list_append(const char *list, const char *item, char sep, char **out)
{
	/* LD_PRELOAD splits on spaces and colons; GODEBUG on commas. */
	const char *seps = sep == ',' ? "," : " :";
	size_t ll = list ? strlen(list) : 0;

	while (ll && strchr(seps, list[ll - 1]))
		ll--; /* no empty item at the end */
	if (list && list_has(list, item, seps))
		*out = strdup(list);
	else if (ll && asprintf(out, "%.*s%c%s", (int)ll, list, sep, item) < 0)
		*out = NULL;
	else if (!ll)
		*out = strdup(item);
	return *out ? 0 : -ENOMEM;
}

int run_godebug_add(const char *list, char **out)
{
	/* An explicit multipathtcp= setting of the user's wins. */
	if (list && (!strncmp(list, "multipathtcp=", 13) || strstr(list, ",multipathtcp="))) {
		*out = strdup(list);
		return *out ? 0 : -ENOMEM;
	}
	return run_list_append(list, "multipathtcp=1", ',', out);
}

int run_env_init(struct run_env *env, char *const *base)
{
	size_t n = 0;

	while (base && base[n])
		n++;
	env->cap = n + 8;
	env->n = 0;
	env->v = calloc(env->cap, sizeof(*env->v));
	if (!env->v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		env->v[i] = strdup(base[i]);
		if (!env->v[i]) {
			run_env_free(env);
			return -ENOMEM;
		}
		env->n++;
	}
	return 0;
}

static ssize_t env_find(const struct run_env *env, const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], name, nl) && env->v[i][nl] == '=')
			return (ssize_t)i;
	return -1;
}

const char *run_env_get(const struct run_env *env, const char *name)
{
	ssize_t i = env_find(env, name);

	return i < 0 ? NULL : env->v[i] + strlen(name) + 1;
}

int run_env_set(struct run_env *env, const char *name, const char *value)
{
	ssize_t i = env_find(env, name);
	char *kv;

	if (asprintf(&kv, "%s=%s", name, value) < 0)
		return -ENOMEM;
	if (i >= 0) {
		free(env->v[i]);
		env->v[i] = kv;
		return 0;
	}
	if (env->n + 1 >= env->cap) {
		char **v = realloc(env->v, (env->cap * 2) * sizeof(*v));

		if (!v) {
			free(kv);
			return -ENOMEM;
		}
		env->v = v;
		env->cap *= 2;
	}
	env->v[env->n++] = kv;
	env->v[env->n] = NULL;
	return 0;
}

void run_env_free(struct run_env *env)
{
	for (size_t i = 0; env->v && i < env->n; i++)
		free(env->v[i]);
	free(env->v);
	env->v = NULL;
	env->n = env->cap = 0;
}

int run_plan_make(const struct run_opts *o, struct run_plan *p, struct mc_err *e)
{
	struct run_elf elf;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = run_find_prog(o->argv[0], p->path, sizeof(p->path), e);
	if (ret)
		return ret;
	ret = run_elf_inspect(p->path, &elf, e);
	if (ret)
		return ret;
	p->go = elf.go;
	p->backend = o->backend;
	if (o->backend == RUN_AUTO) {
		if (elf.go) {
			p->backend = RUN_SECCOMP;
			p->why = "a Go program (raw system calls; GODEBUG=multipathtcp=1 too)";
		} else if (!elf.dynamic) {
			p->backend = RUN_SECCOMP;
			p->why = "statically linked";
		} else {
			p->backend = RUN_PRELOAD;
			p->why = elf.elf ? "dynamically linked" : "not an ELF file";
		}
	} else {
		p->why = "chosen";
	}
	if (p->backend == RUN_PRELOAD)
		return run_preload_path(p->preload, sizeof(p->preload), e);
	return 0;
}

int run_env_for(const struct run_opts *o, const struct run_plan *p, struct run_env *env,
		struct mc_err *e)
{
	char *v = NULL;
	int ret = 0;

	if (p->backend == RUN_PRELOAD) {
		/* Ours goes last: a sanitizer runtime must stay first in the list. */
		if (strpbrk(p->preload, " :"))
			return mc_err_set(e, -EINVAL,
					  "preload library path %s has a space or colon",
					  p->preload);
		ret = run_list_append(run_env_get(env, "LD_PRELOAD"), p->preload, ' ', &v);
		if (!ret)
			ret = run_env_set(env, "LD_PRELOAD", v);
		free(v);
		v = NULL;
		if (!ret && o->verbose)
			ret = run_env_set(env, "MPTCPCTL_VERBOSE", "1");
	}
	if (!ret && p->go) {
		ret = run_godebug_add(run_env_get(env, "GODEBUG"), &v);
		if (!ret)
			ret = run_env_set(env, "GODEBUG", v);
		free(v);
	}
	if (ret)
		return mc_err_set(e, ret, "composing the environment");
	return 0;
}

int run_exec(const struct run_plan *p, char *const *argv, struct run_env *env, struct mc_err *e)
{
	execve(p->path, argv, env->v);
	return mc_err_set(e, -errno, "executing %s", p->path);
}

int run_bpf_probe(struct mc_err *e)
{
	/* r0 = 0; exit: the smallest program; the verifier is never reached when the
	 * kernel refuses the program type. */
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_TRACING;
	a.expected_attach_type = BPF_MODIFY_RETURN;
	a.insns = (unsigned long)insns;
	a.insn_cnt = 2;
	a.license = (unsigned long)"GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd >= 0) {
		close((int)fd);
		return mc_err_set(e, -EOPNOTSUPP, "backend bpf: not implemented in this build");
	}
	if (errno == EPERM || errno == EACCES)
		return mc_err_set(e, -EPERM,
				  "backend bpf: this kernel refuses BPF tracing programs "
				  "(BPF_PROG_TYPE_TRACING, needed for fmod_ret/"
				  "update_socket_protocol); use backend seccomp or preload");
	if (errno == ENOSYS)
		return mc_err_set(e, -EOPNOTSUPP, "backend bpf: this kernel has no bpf()");
	/* EINVAL and friends: the type is allowed (no attach target given). */
	return mc_err_set(e, -EOPNOTSUPP,
			  "backend bpf: tracing programs load here, but this build has no BPF "
			  "backend; use backend seccomp or preload");
}
