// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Corpus replay without libFuzzer: runs LLVMFuzzerTestOneInput on every
 * regular file of a corpus directory (sorted, not recursive), so the seeds
 * and past findings of each harness run as an ordinary test under gcc.
 *
 * Usage: replay_NAME DIR|FILE...
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads a whole file into an exactly sized buffer (so overreads stay detectable). */
static int run_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) < 0 || st.st_size < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		fclose(f);
		return -1;
	}
	/* malloc(0) may return NULL: keep a valid pointer for empty inputs. */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		fclose(f);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		size_t n = fread(buf + got, 1, (size_t)st.st_size - got, f);

		if (n == 0)
			break;
		got += n;
	}
	fclose(f);
	if (got != (size_t)st.st_size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, got);
	free(buf);
	return 0;
}

static int is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Returns the number of inputs run, or -1. */
static int run_dir(const char *dir)
{
	struct dirent **ents;
	int n, count = 0, ret = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		int len;

		len = snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (len < 0 || (size_t)len >= sizeof(path)) {
			fprintf(stderr, "replay: %s/%s: path too long\n", dir, ents[i]->d_name);
			ret = -1;
		} else if (is_regular(path)) {
			if (run_file(path) < 0)
				ret = -1;
			else
				count++;
		}
		free(ents[i]);
	}
	free(ents);
	return ret < 0 ? -1 : count;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int n;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode))
			n = run_dir(argv[i]);
		else if (S_ISREG(st.st_mode))
			n = run_file(argv[i]) < 0 ? -1 : 1;
		else
			n = -1;
		if (n < 0 && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
			fprintf(stderr, "replay: %s: not a file or directory\n", argv[i]);
		if (n < 0) {
			status = 1;
			continue;
		}
		if (n == 0) {
			fprintf(stderr, "replay: %s: no inputs (empty corpus)\n", argv[i]);
			status = 1;
			continue;
		}
		printf("replayed %d inputs from %s\n", n, argv[i]);
	}
	return status;
}
