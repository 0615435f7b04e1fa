/*
 * logreader_throughput.c - a throwaway micro-measurement, not a test: how long
 * the log reader takes to split and classify every line of a file, read in
 * 256 KiB chunks with read(2), as the CLI will. Prints lines, seconds, MB/s
 * and, with -k, how many messages start with "Killed process" (a stand-in for
 * the report parser's cheapest check). With -m the file is mapped in 8 MiB
 * windows instead (each unmapped after use, so RSS stays bounded) and each
 * window fed whole: no read(2) copy, and the reader copies only the lines that
 * straddle two windows. Build and run: see bench/README.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "podoom/logreader.h"

#define CHUNK_BYTES (256u << 10)
#define WINDOW_BYTES ((size_t)8 << 20)

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char buf[CHUNK_BYTES];
	struct podoom_logreader *r;
	struct podoom_logreader_stats st;
	struct podoom_logline l;
	struct rusage ru;
	uint64_t killed = 0, mono = 0;
	bool count_killed = false, use_mmap = false;
	const char *path = NULL;
	double t0, t1;
	ssize_t n;
	int fd;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-k") == 0)
			count_killed = true;
		else if (strcmp(argv[i], "-m") == 0)
			use_mmap = true;
		else
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: logreader_throughput [-k] [-m] FILE\n");
		return 2;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	r = podoom_logreader_new(0);
	if (!r)
		return 1;
	t0 = now_sec();
	if (use_mmap) {
		struct stat sb;
		off_t off = 0;

		if (fstat(fd, &sb) < 0)
			return 1;
		while (off < sb.st_size) {
			size_t len = (size_t)(sb.st_size - off) < WINDOW_BYTES ? (size_t)(sb.st_size - off)
									      : WINDOW_BYTES;
			void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);

			if (m == MAP_FAILED)
				return 1;
			madvise(m, len, MADV_SEQUENTIAL | MADV_WILLNEED);
			podoom_logreader_feed(r, m, len);
			while (podoom_logreader_next(r, &l) > 0) {
				mono += l.mono_usec;
				if (count_killed && l.msg_len >= 14 && memcmp(l.msg, "Killed process", 14) == 0)
					killed++;
			}
			munmap(m, len);
			off += (off_t)len;
		}
		podoom_logreader_finish(r);
		while (podoom_logreader_next(r, &l) > 0)
			mono += l.mono_usec;
	} else {
		for (;;) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0) {
				fprintf(stderr, "%s: %s\n", path, strerror(errno));
				return 1;
			}
			if (n == 0)
				podoom_logreader_finish(r);
			else
				podoom_logreader_feed(r, buf, (size_t)n);
			while (podoom_logreader_next(r, &l) > 0) {
				mono += l.mono_usec; /* keep the line's fields live */
				if (count_killed && l.msg_len >= 14 &&
				    memcmp(l.msg, "Killed process", 14) == 0)
					killed++;
			}
			if (n == 0)
				break;
		}
	}
	t1 = now_sec();
	podoom_logreader_get_stats(r, &st);
	getrusage(RUSAGE_SELF, &ru);
	printf("lines %" PRIu64 " returned %" PRIu64 " bytes %" PRIu64 " killed %" PRIu64
	       " seconds %.3f MB/s %.0f cpu_seconds %.3f maxrss_kib %ld (checksum %" PRIu64 ")\n",
	       st.lines, st.returned, st.bytes, killed, t1 - t0, (double)st.bytes / 1e6 / (t1 - t0),
	       (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
	       ru.ru_maxrss, mono);
	podoom_logreader_free(r);
	close(fd);
	return 0;
}
