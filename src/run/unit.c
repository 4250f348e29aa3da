// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl enable/disable: the systemd drop-in. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "unit.h"

/* Where units live, highest priority first (systemd's system unit search path). */
static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system",	  "/usr/local/lib/systemd/system",
	"/lib/systemd/system", "/usr/lib/systemd/system",
};
#define NDIRS (sizeof(unit_dirs) / sizeof(unit_dirs[0]))

int unit_name_normalize(const char *in, char *out, size_t len)
{
	const char *dot = strrchr(in, '.');
	size_t n = strlen(in);

	if (!n || n > 240 || in[0] == '.' || in[0] == '@')
		return -EINVAL;
	for (const char *p = in; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_.\\@-",
			    *p))
			return -EINVAL;
	if (dot && strcmp(dot, ".service"))
		return -EINVAL; /* Environment= is a service setting */
	if ((size_t)snprintf(out, len, "%s%s", in, dot ? "" : ".service") >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* "foo@bar.service" -> "foo@.service"; false when not an instance. */
static bool template_of(const char *name, char *out, size_t len)
{
	const char *at = strchr(name, '@'), *dot = strrchr(name, '.');

	if (!at || !dot || dot == at + 1)
		return false;
	return (size_t)snprintf(out, len, "%.*s%s", (int)(at - name + 1), name, dot) < len;
}

void unit_env_free(struct unit_env *u)
{
	free(u->ld_preload);
	free(u->godebug);
	memset(u, 0, sizeof(*u));
}

/* One word of an Environment= value, unquoted and unescaped; NULL at the end. */
static char *next_word(const char **pp)
{
	const char *p = *pp;
	char q = 0, *w, *o;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	w = o = malloc(strlen(p) + 1);
	if (!w)
		return NULL;
	for (; *p; p++) {
		if (!q && (*p == ' ' || *p == '\t'))
			break;
		if (*p == '\\' && p[1]) {
			p++;
			*o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
		} else if (!q && (*p == '"' || *p == '\'')) {
			q = *p;
		} else if (q && *p == q) {
			q = 0;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	*pp = p;
	return w;
}

static int set_var(char **slot, const char *v)
{
	char *c = strdup(v);

	if (!c)
		return -ENOMEM;
	free(*slot);
	*slot = c;
	return 0;
}

static int feed_assignments(struct unit_env *u, const char *value, bool after)
{
	const char *p = value;
	char *w;
	int ret = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p && !after) {
		/* Environment= with nothing resets the list. */
		free(u->ld_preload);
		free(u->godebug);
		u->ld_preload = u->godebug = NULL;
		return 0;
	}
	while (!ret && (w = next_word(&p))) {
		char **slot = !strncmp(w, "LD_PRELOAD=", 11) ? &u->ld_preload :
			      !strncmp(w, "GODEBUG=", 8)     ? &u->godebug :
							       NULL;

		if (slot && after)
			u->overridden = true;
		else if (slot)
			ret = set_var(slot, strchr(w, '=') + 1);
		free(w);
	}
	return ret;
}

int unit_env_feed(struct unit_env *u, const char *text, bool after_ours)
{
	bool service = false;
	char *buf = strdup(text), *line, *save = NULL;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	/* Line continuations: a backslash at the end of a line joins the next one. */
	for (char *p = buf; (p = strstr(p, "\\\n"));)
		p[0] = p[1] = ' ';
	for (line = strtok_r(buf, "\n", &save); line && !ret; line = strtok_r(NULL, "\n", &save)) {
		char *k = line, *eq;
		size_t kl;

		while (*k == ' ' || *k == '\t')
			k++;
		if (*k == '#' || *k == ';' || !*k)
			continue;
		if (*k == '[') {
			service = !strncmp(k, "[Service]", 9);
			continue;
		}
		eq = strchr(k, '=');
		if (!service || !eq)
			continue;
		kl = (size_t)(eq - k);
		while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
			kl--;
		if (kl == 11 && !strncmp(k, "Environment", 11))
			ret = feed_assignments(u, eq + 1, after_ours);
	}
	free(buf);
	return ret;
}

/* "VAR=value" quoted for a unit file: \ and " escaped, the whole in double quotes. */
static int append_env(FILE *f, const char *var, const char *value)
{
	fprintf(f, "Environment=\"%s=", var);
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', f);
		fputc(*p, f);
	}
	fputs("\"\n", f);
	return 0;
}

int unit_dropin_text(const struct unit_env *u, const char *preload, char **out)
{
	char *ld = NULL, *gd = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (strpbrk(preload, " :%\"\\\n"))
		return -EINVAL;
	ret = run_list_append(u->ld_preload, preload, ' ', &ld);
	if (!ret)
		ret = run_godebug_add(u->godebug, &gd);
	f = ret ? NULL : open_memstream(out, &len);
	if (!f) {
		free(ld);
		free(gd);
		return ret ? ret : -ENOMEM;
	}
	fputs("# Written by mptcpctl enable: the service's TCP sockets become Multipath TCP.\n"
	      "# 'mptcpctl disable' removes this file; the unit's own file is not changed.\n"
	      "[Service]\n",
	      f);
	append_env(f, "LD_PRELOAD", ld);
	append_env(f, "GODEBUG", gd);
	free(ld);
	free(gd);
	return fclose(f) ? -ENOMEM : 0;
}

static int slurp(const char *path, char **out)
{
	FILE *f = fopen(path, "re");
	size_t cap = 4096, n = 0;
	char *buf, *nb;

	if (!f)
		return -errno;
	buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fclose(f);
			return -ENOMEM;
		}
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		cap *= 2;
		nb = realloc(buf, cap);
		if (!nb)
			free(buf);
		buf = nb;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	return 0;
}

static int feed_file(struct unit_env *u, const char *path, bool after, struct mc_err *e)
{
	char *text;
	int ret = slurp(path, &text);

	if (ret)
		return mc_err_set(e, ret, "reading %s", path);
	ret = unit_env_feed(u, text, after);
	free(text);
	return ret ? mc_err_set(e, ret, "reading %s", path) : 0;
}

static int find_unit(const char *root, const char *name, char *path, size_t len)
{
	char tmpl[256];

	for (int pass = 0; pass < 2; pass++) {
		const char *n = name;

		if (pass == 1 && !template_of(name, tmpl, sizeof(tmpl)))
			break;
		if (pass == 1)
			n = tmpl;
		for (size_t i = 0; i < NDIRS; i++) {
			struct stat st;

			snprintf(path, len, "%s%s/%s", root, unit_dirs[i], n);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				return 0;
		}
	}
	return -ENOENT;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(strrchr(*(char *const *)a, '/') + 1, strrchr(*(char *const *)b, '/') + 1);
}

/* The drop-ins of name (and of its template) by file name, a name in a higher dir winning. */
static int collect_dropins(const char *root, const char *name, char ***out, size_t *n)
{
	char tmpl[256], dir[PATH_MAX];
	const char *names[2] = { name, template_of(name, tmpl, sizeof(tmpl)) ? tmpl : NULL };
	char **v = NULL;
	size_t cnt = 0;

	for (int k = 0; k < 2 && names[k]; k++) {
		for (size_t i = 0; i < NDIRS; i++) {
			struct dirent *de;
			DIR *d;

			snprintf(dir, sizeof(dir), "%s%s/%s.d", root, unit_dirs[i], names[k]);
			d = opendir(dir);
			while (d && (de = readdir(d))) {
				size_t l = strlen(de->d_name);
				bool dup = false;
				char **nv;

				if (l < 6 || strcmp(de->d_name + l - 5, ".conf"))
					continue;
				for (size_t j = 0; j < cnt && !dup; j++)
					dup = !strcmp(strrchr(v[j], '/') + 1, de->d_name);
				if (dup)
					continue;
				nv = realloc(v, (cnt + 1) * sizeof(*v));
				if (!nv || asprintf(&nv[cnt], "%s/%s", dir, de->d_name) < 0) {
					closedir(d);
					*out = nv ? nv : v;
					*n = cnt;
					return -ENOMEM;
				}
				v = nv;
				cnt++;
			}
			if (d)
				closedir(d);
		}
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), name_cmp);
	*out = v;
	*n = cnt;
	return 0;
}

static int write_atomic(const char *path, const char *text)
{
	char tmp[PATH_MAX + 8];
	size_t len = strlen(text);
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		ret = errno ? -errno : -EIO;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int paths(const char *root, const char *unit, char *name, size_t nlen, struct unit_result *r,
		 char *dir, size_t dlen, struct mc_err *e)
{
	int ret = unit_name_normalize(unit, name, nlen);

	if (ret)
		return mc_err_set(e, -EINVAL, "'%s' is not a service unit name", unit);
	if ((size_t)snprintf(dir, dlen, "%s/etc/systemd/system/%s.d", root, name) >= dlen ||
	    (size_t)snprintf(r->dropin, sizeof(r->dropin), "%s/%s", dir, UNIT_DROPIN_NAME) >=
		    sizeof(r->dropin))
		return mc_err_set(e, -ENAMETOOLONG, "unit %s", name);
	return 0;
}

int unit_enable(const char *root, const char *unit, const char *preload, struct unit_result *r,
		struct mc_err *e)
{
	struct unit_env u = { 0 };
	char name[256], dir[PATH_MAX], **drop = NULL, *text = NULL, *old = NULL;
	size_t n = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	root = root ? root : "";
	ret = paths(root, unit, name, sizeof(name), r, dir, sizeof(dir), e);
	if (ret)
		return ret;
	if (find_unit(root, name, r->unit_path, sizeof(r->unit_path)))
		return mc_err_set(e, -ENOENT, "unit %s not found", name);
	ret = feed_file(&u, r->unit_path, false, e);
	if (!ret && collect_dropins(root, name, &drop, &n))
		ret = mc_err_set(e, -ENOMEM, "listing drop-ins of %s", name);
	for (size_t i = 0; i < n; i++) {
		int c = strcmp(strrchr(drop[i], '/') + 1, UNIT_DROPIN_NAME);

		if (!ret && c)
			ret = feed_file(&u, drop[i], c > 0, e);
		free(drop[i]);
	}
	free(drop);
	r->overridden = u.overridden;
	if (!ret) {
		ret = unit_dropin_text(&u, preload, &text);
		if (ret)
			mc_err_set(e, ret, "preload library path '%s'", preload);
	}
	unit_env_free(&u);
	if (!ret && slurp(r->dropin, &old) == 0 && !strcmp(old, text))
		goto out; /* already there, byte for byte */
	if (!ret && (ret = mkdirs(dir)))
		mc_err_set(e, ret, "creating %s", dir);
	if (!ret && (ret = write_atomic(r->dropin, text)))
		mc_err_set(e, ret, "writing %s", r->dropin);
	r->changed = !ret;
out:
	free(old);
	free(text);
	return ret;
}

int unit_disable(const char *root, const char *unit, struct unit_result *r, struct mc_err *e)
{
	char name[256], dir[PATH_MAX];
	bool found;
	int ret;

	memset(r, 0, sizeof(*r));
	root = root ? root : "";
	ret = paths(root, unit, name, sizeof(name), r, dir, sizeof(dir), e);
	if (ret)
		return ret;
	found = !find_unit(root, name, r->unit_path, sizeof(r->unit_path));
	if (unlink(r->dropin) == 0) {
		r->changed = true;
	} else if (errno != ENOENT) {
		return mc_err_set(e, -errno, "removing %s", r->dropin);
	} else if (!found) {
		return mc_err_set(e, -ENOENT, "unit %s not found", name);
	}
	if (rmdir(dir) < 0 && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT)
		return mc_err_set(e, -errno, "removing %s", dir);
	return 0;
}

int unit_daemon_reload(bool *ran, struct mc_err *e)
{
	struct stat st;
	int status;
	pid_t pid;

	*ran = false;
	if (stat("/run/systemd/system", &st) < 0 || !S_ISDIR(st.st_mode))
		return 0; /* systemd is not the service manager here */
	pid = fork();
	if (pid < 0)
		return mc_err_set(e, -errno, "systemctl daemon-reload");
	if (pid == 0) {
		execlp("systemctl", "systemctl", "daemon-reload", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return mc_err_set(e, -errno, "systemctl daemon-reload");
	*ran = true;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return mc_err_set(e, -EIO, "systemctl daemon-reload failed (status %d)",
				  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
