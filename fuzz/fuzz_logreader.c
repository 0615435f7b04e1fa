/*
 * fuzz_logreader.c - the streaming log reader and, through it, every transport parser.
 * Properties, beyond not crashing:
 *  - the lines do not depend on how the input is cut: whole, in chunks of a size taken from the
 *    input, and cut at two offsets taken from the input give the same line sequence;
 *  - a good dmesg line appended after any input comes back intact as the last line;
 *  - every line keeps to the contract: msg inside the cap, a known transport, prio -1..7,
 *    line numbers that never go back, continued records only after a line.
 * The cap on a line comes from the input too (128..1144 bytes, or the 1 MiB default), so cut lines
 * are exercised as often as whole ones.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/logreader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT ((size_t)1 << 20)
#define GOOD_MSG "Memory cgroup out of memory: Killed process 4242 (fuzz)"
#define GOOD_LINE "\n[ 4242.000042] " GOOD_MSG "\n"

struct digest {
	uint64_t hash;
	uint64_t lines;
	uint64_t last_line_no;
	struct podoom_logline last;
	char last_msg[sizeof(GOOD_MSG)];
	size_t last_msg_len;
};

static void mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ULL; /* FNV-1a */
	}
}

static void take(struct digest *d, const struct podoom_logline *l, size_t cap)
{
	uint64_t fields[8] = {(uint64_t)l->transport, l->msg_len, l->host_len,
			      l->has_mono ? l->mono_usec : UINT64_MAX,
			      l->has_wall ? (uint64_t)l->wall_usec : UINT64_MAX,
			      l->has_seq ? l->seq : UINT64_MAX, (uint64_t)(int64_t)l->prio,
			      l->line_no};
	unsigned char flags = (unsigned char)(l->kmsg_continued | l->truncated << 1 |
					      l->record_continued << 2);

	assert((unsigned)l->transport < PODOOM_LOGLINE_TRANSPORT_COUNT);
	assert(l->msg != NULL || l->msg_len == 0);
	assert(l->msg_len <= cap);
	assert(l->prio >= -1 && l->prio <= 7);
	assert(l->line_no >= 1 && l->line_no >= d->last_line_no);
	assert(!l->record_continued || d->lines > 0);
	assert(l->host == NULL || l->host_len > 0);
	mix(&d->hash, fields, sizeof(fields));
	mix(&d->hash, &flags, 1);
	mix(&d->hash, l->msg, l->msg_len); /* every byte read: ASan checks the pointers */
	if (l->host)
		mix(&d->hash, l->host, l->host_len);
	d->lines++;
	d->last_line_no = l->line_no;
	d->last = *l;
	d->last_msg_len = l->msg_len < sizeof(d->last_msg) ? l->msg_len : sizeof(d->last_msg);
	memcpy(d->last_msg, l->msg, d->last_msg_len);
}

static void drain(struct podoom_logreader *r, struct digest *d, size_t cap)
{
	struct podoom_logline l;
	int n;

	while ((n = podoom_logreader_next(r, &l)) == 1)
		take(d, &l, cap);
	assert(n == 0);
}

/* Read a, then b (either may be empty), in pieces of `step` bytes (0: whole), with an extra cut
 * at `cut` (an offset in a + b). */
static struct digest run(const uint8_t *a, size_t na, const uint8_t *b, size_t nb, size_t cap,
			 size_t step, size_t cut)
{
	struct podoom_logreader *r = podoom_logreader_new(cap);
	struct digest d = {.hash = 0xcbf29ce484222325ULL};
	size_t total = na + nb, off = 0;

	assert(r);
	while (off < total) {
		size_t n = step ? step : total - off;
		const uint8_t *p;

		if (off < cut && off + n > cut)
			n = cut - off;
		/* a piece never spans a and b: they are separate buffers */
		if (off < na) {
			if (n > na - off)
				n = na - off;
			p = a + off;
		} else {
			if (n > total - off)
				n = total - off;
			p = b + (off - na);
		}
		assert(podoom_logreader_feed(r, p, n) == 0);
		drain(r, &d, cap);
		off += n;
	}
	assert(podoom_logreader_finish(r) == 0);
	drain(r, &d, cap);
	podoom_logreader_free(r);
	return d;
}

static bool same(const struct digest *x, const struct digest *y)
{
	return x->hash == y->hash && x->lines == y->lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap, step, cut1, cut2;
	struct digest whole, a, b, good;

	if (size < 4 || size > MAX_INPUT)
		return 0;
	cap = data[0] < 128 ? 128 + (size_t)data[0] * 8 : 0; /* above the good line */
	step = (size_t)data[1] % 97 + 1;
	cut1 = ((size_t)data[2] << 8 | data[3]) % (size + 1);
	cut2 = size / 2;
	if (cap == 0)
		cap = PODOOM_LOGREADER_DEFAULT_MAX_LINE_BYTES;

	whole = run(data, size, NULL, 0, cap, 0, SIZE_MAX);
	a = run(data, size, NULL, 0, cap, step, cut1);
	b = run(data, size, NULL, 0, cap, 0, cut2);
	assert(same(&whole, &a));
	assert(same(&whole, &b));

	/* the good line after the input, in its own buffer, split where the input says */
	good = run(data, size, (const uint8_t *)GOOD_LINE, sizeof(GOOD_LINE) - 1, cap, step, cut1);
	assert(good.lines >= 1);
	assert(good.last.transport == PODOOM_LOGLINE_DMESG);
	assert(good.last.has_mono && good.last.mono_usec == 4242000042u);
	assert(!good.last.truncated && !good.last.record_continued);
	assert(good.last_msg_len == sizeof(GOOD_MSG) - 1);
	assert(memcmp(good.last_msg, GOOD_MSG, sizeof(GOOD_MSG) - 1) == 0);
	return 0;
}
