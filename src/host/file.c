#include "podoom/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int podoom_file_read(const char *path, size_t max_bytes, char **ret_buf, size_t *ret_len)
{
	int fd = 0, r = 0;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct stat st;

	if (path[0] != '-' || path[1] != '\0') {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	for (;;) {
		if (cap - len < 4096 + 1) {
			size_t ncap = cap ? cap * 2 : 65536;
			if (ncap > max_bytes + 4096 + 1)
				ncap = max_bytes + 4096 + 1;
			if (ncap <= cap) {
				r = -EFBIG;
				goto out;
			}
			char *nb = realloc(buf, ncap);
			if (!nb) {
				r = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max_bytes) {
			r = -EFBIG;
			goto out;
		}
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	buf = NULL;
out:
	if (fd > 0)
		close(fd);
	free(buf);
	return r;
}

ssize_t podoom_file_read_fd(int fd, char *buf, size_t size, bool until_eof)
{
	size_t len = 0;

	if (size == 0)
		return -EINVAL;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len += (size_t)n;
		/* proc and cgroup files hand out all they have in one read */
		if (n == 0 || (!until_eof && len + 1 < size))
			break;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

int podoom_file_read_small(const char *path, char *buf, size_t size)
{
	int fd;
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = podoom_file_read_fd(fd, buf, size, true);
	close(fd);
	if (n < 0)
		return (int)n;
	return n > INT32_MAX ? INT32_MAX : (int)n;
}
