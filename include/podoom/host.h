/*
 * host - the only code that reads the live system. Every path is resolved
 * under a root directory ("/" in production, a fixture tree in tests).
 */
#ifndef PODOOM_HOST_H
#define PODOOM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Largest input file we read whole (manifests, scenarios). */
#define PODOOM_HOST_MAX_FILE_BYTES (64u << 20)

/*
 * podoom_file_read() - the whole of @path ("-" for standard input) into a
 * malloc'd buffer with a NUL after the last byte.
 * Return: 0 with *ret_buf and *ret_len set; -errno from open/read; -EFBIG when
 * larger than @max_bytes; -EISDIR for a directory.
 */
int podoom_file_read(const char *path, size_t max_bytes, char **ret_buf, size_t *ret_len);

/*
 * podoom_file_read_small() - up to @size - 1 bytes of @path into @buf, NUL
 * after them, with no allocation (proc and cgroup files, read often).
 * Return: the length; -errno from open/read; -EINVAL for a zero @size.
 */
int podoom_file_read_small(const char *path, char *buf, size_t size);

/*
 * podoom_file_read_fd() - up to @size - 1 bytes from the open @fd into @buf,
 * NUL after them. @until_eof false: stop after a read that did not fill the
 * buffer (proc and cgroup files give all they have in one read: this saves
 * the read that returns 0). Return: the length; -errno; -EINVAL zero @size.
 */
ssize_t podoom_file_read_fd(int fd, char *buf, size_t size, bool until_eof);

/*
 * podoom_host_meminfo() - the "<key>: <n> kB" line of <root>/proc/meminfo in
 * bytes (cAdvisor's reading: the kB value times 1024).
 * Return: 0; -ENOENT when the file or the key is missing; -EINVAL malformed.
 */
int podoom_host_meminfo(const char *root, const char *key, int64_t *ret_bytes);

/*
 * podoom_host_memtotal() - MemTotal from <root>/proc/meminfo in bytes, as
 * cAdvisor reads it (the kB value times 1024).
 * Return: 0; -ENOENT when the file or the field is missing; -EINVAL malformed.
 */
int podoom_host_memtotal(const char *root, int64_t *ret_bytes);

/* podoom_host_memavailable() - MemAvailable from <root>/proc/meminfo in bytes;
 * same returns. */
int podoom_host_memavailable(const char *root, int64_t *ret_bytes);

#endif
