/*
 * fuzz_podnames.c - names from `kubectl get pods -o json` and /var/log/pods
 * folder names. Properties: never crashes or leaks; every pod added can be
 * found again by its UID.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/podnames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct podoom_podnames *t;
	struct podoom_diag d = {0};
	char dir[256];
	int n;

	if (size > (1u << 20))
		return 0;
	t = podoom_podnames_new();
	if (!t)
		return 0;
	n = podoom_podnames_add_json(t, (const char *)data, size, &d);
	assert(n != 0);
	if (n < 0)
		assert(d.msg[0] != '\0');
	/* the same bytes as a log folder name */
	if (size < sizeof(dir) && !memchr(data, '\0', size)) {
		memcpy(dir, data, size);
		dir[size] = '\0';
		if (podoom_podnames_add_log_dir(t, dir) == 0) {
			const char *uid = strrchr(dir, '_') + 1;
			assert(podoom_podnames_by_uid(t, uid) != NULL);
		}
	}
	(void)podoom_podnames_container(t, "0123456789abcdef", NULL);
	podoom_podnames_free(t);
	return 0;
}
