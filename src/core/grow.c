#include "podoom/grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int podoom_grow(void *pptr, size_t *cap, size_t need, size_t elem_size, size_t first_cap)
{
	void *old, *p;
	size_t ncap = *cap ? *cap : first_cap;

	if (need <= *cap)
		return 0;
	if (elem_size == 0 || first_cap == 0)
		return -EINVAL;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (elem_size && ncap > SIZE_MAX / elem_size)
		return -ENOMEM;
	memcpy(&old, pptr, sizeof(old));
	p = realloc(old, ncap * elem_size);
	if (!p)
		return -ENOMEM;
	memcpy(pptr, &p, sizeof(p));
	*cap = ncap;
	return 0;
}
