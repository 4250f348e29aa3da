// SPDX-License-Identifier: GPL-2.0-or-later
/* Is a program dynamically linked, static, or Go? Read from its ELF headers. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

struct hdr {
	bool is64, le;
	uint64_t phoff, shoff;
	unsigned phentsize, phnum, shentsize, shnum, shstrndx;
};

static uint64_t rd(const unsigned char *p, unsigned n, bool le)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[le ? i : n - 1 - i] << (8 * i);
	return v;
}

static bool in(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

/* A Go build-ID note: name "Go", type 4 (Go's own ELF note). */
static bool note_is_go(const unsigned char *b, size_t len, uint64_t off, uint64_t size, bool le)
{
	uint64_t end;

	if (!in(len, off, size))
		return false;
	end = off + size;
	while (off + 12 <= end) {
		uint64_t namesz = rd(b + off, 4, le), descsz = rd(b + off + 4, 4, le);
		uint64_t type = rd(b + off + 8, 4, le);
		uint64_t name = off + 12;

		if (namesz == 3 && type == 4 && name + 3 <= end && !memcmp(b + name, "Go", 3))
			return true;
		off = name + ((namesz + 3) & ~3ull) + ((descsz + 3) & ~3ull);
	}
	return false;
}

int run_elf_parse(const unsigned char *b, size_t len, struct run_elf *info)
{
	struct hdr h = { 0 };

	memset(info, 0, sizeof(*info));
	if (len < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG))
		return -ENOEXEC;
	h.is64 = b[EI_CLASS] == ELFCLASS64;
	h.le = b[EI_DATA] == ELFDATA2LSB;
	if ((!h.is64 && b[EI_CLASS] != ELFCLASS32) || (!h.le && b[EI_DATA] != ELFDATA2MSB) ||
	    len < (h.is64 ? 64u : 52u))
		return -ENOEXEC;
	if (h.is64) {
		h.phoff = rd(b + 32, 8, h.le);
		h.shoff = rd(b + 40, 8, h.le);
		h.phentsize = (unsigned)rd(b + 54, 2, h.le);
		h.phnum = (unsigned)rd(b + 56, 2, h.le);
		h.shentsize = (unsigned)rd(b + 58, 2, h.le);
		h.shnum = (unsigned)rd(b + 60, 2, h.le);
		h.shstrndx = (unsigned)rd(b + 62, 2, h.le);
	} else {
		h.phoff = rd(b + 28, 4, h.le);
		h.shoff = rd(b + 32, 4, h.le);
		h.phentsize = (unsigned)rd(b + 42, 2, h.le);
		h.phnum = (unsigned)rd(b + 44, 2, h.le);
		h.shentsize = (unsigned)rd(b + 46, 2, h.le);
		h.shnum = (unsigned)rd(b + 48, 2, h.le);
		h.shstrndx = (unsigned)rd(b + 50, 2, h.le);
	}
	info->elf = true;
	if (h.phentsize < (h.is64 ? 56u : 32u) && h.phnum)
		return -ENOEXEC;
	for (unsigned i = 0; i < h.phnum; i++) {
		uint64_t o = h.phoff + (uint64_t)i * h.phentsize, off, size;
		uint32_t type;

		if (!in(len, o, h.phentsize))
			break; /* program headers beyond what was read */
		type = (uint32_t)rd(b + o, 4, h.le);
		off = h.is64 ? rd(b + o + 8, 8, h.le) : rd(b + o + 4, 4, h.le);
		size = h.is64 ? rd(b + o + 32, 8, h.le) : rd(b + o + 16, 4, h.le);
		if (type == PT_INTERP)
			info->dynamic = true;
		else if (type == PT_NOTE && note_is_go(b, len, off, size, h.le))
			info->go = true;
	}
	if (h.shnum && h.shstrndx < h.shnum && h.shentsize >= (h.is64 ? 64u : 40u)) {
		uint64_t so = h.shoff + (uint64_t)h.shstrndx * h.shentsize, stroff, strsize;

		if (!in(len, so, h.shentsize))
			return 0;
		stroff = h.is64 ? rd(b + so + 24, 8, h.le) : rd(b + so + 16, 4, h.le);
		strsize = h.is64 ? rd(b + so + 32, 8, h.le) : rd(b + so + 20, 4, h.le);
		if (!in(len, stroff, strsize))
			return 0;
		for (unsigned i = 0; i < h.shnum; i++) {
			uint64_t o = h.shoff + (uint64_t)i * h.shentsize;
			uint64_t name;
			static const char want[] = ".go.buildinfo";

			if (!in(len, o, h.shentsize))
				break;
			name = rd(b + o, 4, h.le);
			if (name < strsize && strsize - name >= sizeof(want) &&
			    !memcmp(b + stroff + name, want, sizeof(want)))
				info->go = true;
		}
	}
	return 0;
}

/* Maps the file: only the pages the headers touch are read, however large it is. */
static int map_file(const char *path, unsigned char **buf, size_t *len, struct mc_err *e)
{
	struct stat st = { 0 };
	void *p;
	int ret, fd = open(path, O_RDONLY | O_CLOEXEC);

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return mc_err_set(e, -errno, "opening %s", path);
	ret = fstat(fd, &st) < 0 ? -errno : 0;
	if (!ret && !S_ISREG(st.st_mode))
		ret = -EACCES;
	if (ret) {
		close(fd);
		return mc_err_set(e, ret, "reading %s", path);
	}
	if (st.st_size == 0) {
		close(fd);
		return 0;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return mc_err_set(e, -errno, "reading %s", path);
	*buf = p;
	*len = (size_t)st.st_size;
	return 0;
}

static void unmap(unsigned char *buf, size_t len)
{
	if (buf)
		munmap(buf, len);
}

int run_elf_inspect(const char *path, struct run_elf *info, struct mc_err *e)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = map_file(path, &buf, &len, e);
	if (ret)
		return ret;
	ret = run_elf_parse(buf, len, info);
	if (ret == -ENOEXEC && len > 2 && buf[0] == '#' && buf[1] == '!') {
		/* A script: judge its interpreter (one level, as the kernel allows a few). */
		char interp[PATH_MAX];
		size_t i = 2, n = 0;

		while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		while (i < len && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		       n < sizeof(interp) - 1)
			interp[n++] = (char)buf[i++];
		interp[n] = '\0';
		unmap(buf, len);
		buf = NULL;
		if (n && interp[0] == '/' && !map_file(interp, &buf, &len, e))
			ret = run_elf_parse(buf, len, info);
	}
	unmap(buf, len);
	if (ret == -ENOEXEC) {
		/* Unknown format: execve decides; the preload is the harmless guess. */
		memset(info, 0, sizeof(*info));
		info->dynamic = true;
		ret = 0;
	}
	return ret;
}
