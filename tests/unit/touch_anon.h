/* touch_anon.h - what the real-kernel tests' child processes do to use
 * memory: map @bytes of anonymous memory and touch every page, so that it is
 * resident and charged to the child's memory cgroup. A failed mapping ends
 * the child with status 3. */
#ifndef PODOOM_TESTS_TOUCH_ANON_H
#define PODOOM_TESTS_TOUCH_ANON_H

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

static inline void touch_anon(size_t bytes)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(3);
	for (size_t i = 0; i < bytes; i += 4096)
		p[i] = 1;
}

#endif
