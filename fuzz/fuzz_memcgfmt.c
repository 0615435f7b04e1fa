/*
 * fuzz_memcgfmt.c - the memory-cgroup and /proc text podoom top and watch
 * read, which --root lets a user supply. Properties: never crashes; what
 * parses is in range (no negative sizes, adj within -1000..1000, pids > 0);
 * a parsed task's oom_score on every kernel profile computes without
 * overflow (UBSan checks the arithmetic).
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "podoom/kernel.h"
#include "podoom/memcgfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct podoom_task t = {.pid = 1, .tgid = 1, .memcg = -1};
	int64_t v;
	int32_t a, pid;
	size_t pos = 0;

	if (size > 1 << 16)
		return 0;
	if (podoom_memcgfmt_keyed(s, size, "anon", &v) == 0)
		assert(v >= 0);
	if (podoom_memcgfmt_keyed(s, size, "oom_kill", &v) == 0)
		assert(v >= 0);
	if (podoom_memcgfmt_limit(s, size, &v) == 0)
		assert(v >= -1 && v < PODOOM_MEMCGFMT_UNLIMITED_BYTES);
	while (podoom_memcgfmt_next_pid(s, size, &pos, &pid) == 1)
		assert(pid > 0 && pos <= size);
	if (podoom_memcgfmt_adj(s, size, &a) == 0)
		assert(a >= -1000 && a <= 1000);
	else
		a = 0;
	if (podoom_memcgfmt_status(s, size, &t) == 0) {
		assert(strlen(t.comm) < sizeof(t.comm));
		assert(t.tgid >= 0 && t.ppid >= 0);
		t.oom_score_adj = a;
		for (size_t i = 0; podoom_kernel_profile_at(i); i++)
			(void)podoom_oom_score(podoom_kernel_profile_at(i), &t, 6291456, 4096);
	}
	return 0;
}
