// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pure parts of mptcpctl run/enable: ELF classification (hand-built images: a
 * dynamic one with PT_INTERP, a static one, Go by note and by section, garbage,
 * truncation), LD_PRELOAD/GODEBUG composition, systemd Environment= parsing, the
 * drop-in text, unit names.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "run/run.h"
#include "run/unit.h"

/* A 64-bit little-endian image: header, 2 program headers, a note, 3 sections. */
struct img {
	unsigned char b[1024];
	size_t len;
};

static void build(struct img *m, bool interp, bool go_note, bool go_section)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)m->b;
	Elf64_Phdr *ph = (Elf64_Phdr *)(m->b + 64);
	Elf64_Shdr *sh = (Elf64_Shdr *)(m->b + 512);
	static const char strtab[] = "\0.shstrtab\0.go.buildinfo\0.text";
	unsigned char *note = m->b + 200;

	memset(m, 0, sizeof(*m));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_phoff = 64;
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 2;
	eh->e_shoff = 512;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 3;
	eh->e_shstrndx = 1;
	ph[0].p_type = interp ? PT_INTERP : PT_LOAD;
	ph[1].p_type = PT_NOTE;
	ph[1].p_offset = 200;
	ph[1].p_filesz = 16 + 8;
	/* namesz 3 "Go\0" (padded to 4), descsz 8, type 4 (Go build ID) or 3 (GNU). */
	note[0] = 3;
	note[4] = 8;
	note[8] = go_note ? 4 : 3;
	memcpy(note + 12, go_note ? "Go" : "GN", 3);
	memcpy(m->b + 400, strtab, sizeof(strtab));
	sh[1].sh_type = SHT_STRTAB;
	sh[1].sh_offset = 400;
	sh[1].sh_size = sizeof(strtab);
	sh[1].sh_name = 1;
	sh[2].sh_name = go_section ? 11 : 25;
	m->len = 512 + 3 * sizeof(Elf64_Shdr);
}

static void test_elf(void **state)
{
	struct run_elf info;
	struct img m;

	build(&m, true, false, false);
	assert_int_equal(run_elf_parse(m.b, m.len, &info), 0);
	assert_true(info.elf && info.dynamic && !info.go);
	build(&m, false, false, false);
	assert_int_equal(run_elf_parse(m.b, m.len, &info), 0);
	assert_true(info.elf && !info.dynamic && !info.go);
	build(&m, false, true, false);
	assert_int_equal(run_elf_parse(m.b, m.len, &info), 0);
	assert_true(!info.dynamic && info.go);
	build(&m, true, false, true);
	assert_int_equal(run_elf_parse(m.b, m.len, &info), 0);
	assert_true(info.dynamic && info.go);
	/* Truncated before the sections: what was read still counts, nothing overruns. */
	build(&m, true, false, true);
	for (size_t len = 0; len <= m.len; len++) {
		int ret = run_elf_parse(m.b, len, &info);

		assert_true(ret == 0 || ret == -ENOEXEC);
	}
	assert_int_equal(run_elf_parse((const unsigned char *)"#!/bin/sh\n", 10, &info), -ENOEXEC);
	/* Hostile offsets. */
	build(&m, true, true, true);
	((Elf64_Ehdr *)m.b)->e_phoff = UINT64_MAX - 8;
	((Elf64_Ehdr *)m.b)->e_shoff = UINT64_MAX - 100;
	assert_int_equal(run_elf_parse(m.b, m.len, &info), 0);
	assert_false(info.dynamic);
}

static void test_elf_files(void **state)
{
	struct run_elf info;
	struct mc_err e = { 0 };

	/* /bin/sh is dynamically linked on every Debian; a script is judged by #!. */
	assert_int_equal(run_elf_inspect("/bin/sh", &info, &e), 0);
	assert_true(info.elf && info.dynamic && !info.go);
	assert_int_equal(run_elf_inspect("/nonexistent/x", &info, &e), -ENOENT);
}

static void expect_append(const char *list, const char *item, char sep, const char *want)
{
	char *out = NULL;

	assert_int_equal(run_list_append(list, item, sep, &out), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_lists(void **state)
{
	char *out = NULL;

	expect_append(NULL, "/l/p.so", ' ', "/l/p.so");
	expect_append("", "/l/p.so", ' ', "/l/p.so");
	expect_append("/a.so", "/l/p.so", ' ', "/a.so /l/p.so");
	expect_append("/a.so:/b.so", "/l/p.so", ' ', "/a.so:/b.so /l/p.so");
	expect_append("/a.so /l/p.so", "/l/p.so", ' ', "/a.so /l/p.so");
	expect_append("/l/p.so:/a.so", "/l/p.so", ' ', "/l/p.so:/a.so");
	expect_append("/a.so ", "/l/p.so", ' ', "/a.so /l/p.so");
	expect_append("/l/p.so.1", "/l/p.so", ' ', "/l/p.so.1 /l/p.so");
	assert_int_equal(run_godebug_add(NULL, &out), 0);
	assert_string_equal(out, "multipathtcp=1");
	free(out);
	assert_int_equal(run_godebug_add("http2client=0", &out), 0);
	assert_string_equal(out, "http2client=0,multipathtcp=1");
	free(out);
	assert_int_equal(run_godebug_add("a=1,multipathtcp=0", &out), 0);
	assert_string_equal(out, "a=1,multipathtcp=0");
	free(out);
}

static void test_env(void **state)
{
	char *base[] = { "A=1", "LD_PRELOAD=/x.so", NULL };
	struct run_env env;

	assert_int_equal(run_env_init(&env, base), 0);
	assert_string_equal(run_env_get(&env, "LD_PRELOAD"), "/x.so");
	assert_null(run_env_get(&env, "LD_PRELOA"));
	assert_int_equal(run_env_set(&env, "LD_PRELOAD", "/x.so /y.so"), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(run_env_set(&env, i % 2 ? "B" : "C", "v"), 0);
	assert_string_equal(run_env_get(&env, "LD_PRELOAD"), "/x.so /y.so");
	assert_int_equal(env.n, 4);
	assert_null(env.v[env.n]);
	run_env_free(&env);
}

static void test_backend(void **state)
{
	enum run_backend b;

	assert_int_equal(run_backend_parse("seccomp", &b), 0);
	assert_int_equal(b, RUN_SECCOMP);
	assert_int_equal(run_backend_parse("bpf", &b), 0);
	assert_int_equal(run_backend_parse("ebpf", &b), -EINVAL);
	assert_string_equal(run_backend_name(RUN_PRELOAD), "preload");
}

static void test_unit_env(void **state)
{
	struct unit_env u = { 0 };
	char *text = NULL;

	assert_int_equal(unit_env_feed(&u,
				       "[Unit]\nEnvironment=LD_PRELOAD=/not/service.so\n"
				       "[Service]\n"
				       "# Environment=LD_PRELOAD=/comment.so\n"
				       "Environment=LANG=C \"LD_PRELOAD=/usr/lib/a b.so\" X=1\n"
				       "Environment = GODEBUG=x=1\\\n"
				       "  Y=2\n",
				       false),
			 0);
	assert_string_equal(u.ld_preload, "/usr/lib/a b.so");
	assert_string_equal(u.godebug, "x=1");
	assert_int_equal(unit_dropin_text(&u, "/p/libmptcpctl-preload.so", &text), 0);
	assert_string_equal(text, "# Written by mptcpctl enable: the service's TCP sockets become "
				  "Multipath TCP.\n"
				  "# 'mptcpctl disable' removes this file; the unit's own file is "
				  "not changed.\n"
				  "[Service]\n"
				  "Environment=\"LD_PRELOAD=/usr/lib/a b.so "
				  "/p/libmptcpctl-preload.so\"\n"
				  "Environment=\"GODEBUG=x=1,multipathtcp=1\"\n");
	free(text);
	/* An empty Environment= resets; a later drop-in only marks "overridden". */
	assert_int_equal(unit_env_feed(&u, "[Service]\nEnvironment=\n", false), 0);
	assert_null(u.ld_preload);
	assert_int_equal(unit_env_feed(&u, "[Service]\nEnvironment='LD_PRELOAD=/z.so'\n", true), 0);
	assert_null(u.ld_preload);
	assert_true(u.overridden);
	assert_int_equal(
		unit_env_feed(&u, "[Service]\nEnvironment=\"LD_PRELOAD=/q\\\"x.so\"\n", false), 0);
	assert_string_equal(u.ld_preload, "/q\"x.so");
	assert_int_equal(unit_dropin_text(&u, "/p.so", &text), 0);
	assert_non_null(strstr(text, "Environment=\"LD_PRELOAD=/q\\\"x.so /p.so\"\n"));
	free(text);
	assert_int_equal(unit_dropin_text(&u, "/p%i.so", &text), -EINVAL);
	unit_env_free(&u);
}

static void test_unit_names(void **state)
{
	char out[64];

	assert_int_equal(unit_name_normalize("nginx", out, sizeof(out)), 0);
	assert_string_equal(out, "nginx.service");
	assert_int_equal(unit_name_normalize("getty@tty1.service", out, sizeof(out)), 0);
	assert_string_equal(out, "getty@tty1.service");
	assert_int_equal(unit_name_normalize("../x", out, sizeof(out)), -EINVAL);
	assert_int_equal(unit_name_normalize("a/b", out, sizeof(out)), -EINVAL);
	assert_int_equal(unit_name_normalize("x.socket", out, sizeof(out)), -EINVAL);
	assert_int_equal(unit_name_normalize("", out, sizeof(out)), -EINVAL);
	assert_int_equal(unit_name_normalize(".service", out, sizeof(out)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf),	   cmocka_unit_test(test_elf_files),
		cmocka_unit_test(test_lists),	   cmocka_unit_test(test_env),
		cmocka_unit_test(test_backend),	   cmocka_unit_test(test_unit_env),
		cmocka_unit_test(test_unit_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
