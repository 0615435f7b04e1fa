/*
 * grow - the one way podoom grows an array: doubling, overflow-checked.
 */
#ifndef PODOOM_GROW_H
#define PODOOM_GROW_H

#include <stddef.h>

/*
 * podoom_grow() - make *@pptr (an array of @elem_size-byte items with room
 * for *@cap of them, or NULL) hold at least @need items. On failure the
 * array is left as it was.
 * Return: 0; -ENOMEM (also when the byte count would overflow).
 */
int podoom_grow(void *pptr, size_t *cap, size_t need, size_t elem_size, size_t first_cap);

#endif
