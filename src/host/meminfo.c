#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/host.h"

#define MEMINFO_MAX_BYTES (64u << 10)

int podoom_host_meminfo(const char *root, const char *key, int64_t *ret_bytes)
{
	char path[4096];
	char *buf = NULL;
	size_t len, kl = strlen(key);
	int r;

	if (snprintf(path, sizeof(path), "%s/proc/meminfo", root) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	r = podoom_file_read(path, MEMINFO_MAX_BYTES, &buf, &len);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) != 0 || p[kl] != ':')
			continue;
		p += kl + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		int64_t kb = 0;
		const char *d = p;
		while (*p >= '0' && *p <= '9' && kb < (INT64_MAX / 1024 - 9) / 10)
			kb = kb * 10 + (*p++ - '0');
		r = (p == d || strncmp(p, " kB", 3) != 0) ? -EINVAL : 0;
		if (r == 0)
			*ret_bytes = kb * 1024;
		break;
	}
	free(buf);
	return r;
}

int podoom_host_memtotal(const char *root, int64_t *ret_bytes)
{
	return podoom_host_meminfo(root, "MemTotal", ret_bytes);
}

int podoom_host_memavailable(const char *root, int64_t *ret_bytes)
{
	return podoom_host_meminfo(root, "MemAvailable", ret_bytes);
}
