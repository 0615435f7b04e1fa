/*
 * memcgfmt - the text the kernel hands out in memory-cgroup and /proc files,
 * parsed on buffers (pure): "key value" lines (memory.stat, memory.events,
 * memory.oom_control), one-number limit files (memory.max "max",
 * memory.limit_in_bytes), cgroup.procs, and the fields of /proc/<pid>/status
 * the kernel's OOM model needs. The host layer reads the files, under a root
 * that may be a fixture tree a user gave (--root), so nothing here trusts its
 * input: every number is checked and capped.
 */
#ifndef PODOOM_MEMCGFMT_H
#define PODOOM_MEMCGFMT_H

#include <stddef.h>
#include <stdint.h>

#include "podoom/badness.h"

/* v1 prints "no limit" as PAGE_COUNTER_MAX * PAGE_SIZE: LONG_MAX rounded
 * down to a page, 9223372036854771712 with 4 KiB pages, 9223372036854710272
 * with 64 KiB. Any limit at or above 2^62 bytes counts as none. */
#define PODOOM_MEMCGFMT_UNLIMITED_BYTES (1LL << 62)

/*
 * podoom_memcgfmt_keyed() - the value of the line "<key> <n>" of @text
 * (@len bytes, need not be NUL-terminated): a non-negative decimal ending the
 * line. The first line with that key counts.
 * Return: 0 with *ret set; -ENOENT no such line; -EINVAL not a decimal;
 * -ERANGE over INT64_MAX.
 */
int podoom_memcgfmt_keyed(const char *text, size_t len, const char *key, int64_t *ret);

/*
 * podoom_memcgfmt_limit() - a file holding one limit in bytes: "max" (v2)
 * or a decimal (v1 and v2, e.g. memory.max, memory.limit_in_bytes,
 * memory.current); a final newline is allowed.
 * Return: 0 with *ret set, -1 for "max" and for v1's "no limit"; -EINVAL
 * (also for a number over INT64_MAX).
 */
int podoom_memcgfmt_limit(const char *text, size_t len, int64_t *ret);

/*
 * podoom_memcgfmt_next_pid() - the next pid of a cgroup.procs (one decimal
 * per line) from *pos, which moves past it. Lines that are no pid (empty,
 * not a decimal, 0, above INT32_MAX) are skipped.
 * Return: 1 with *ret set; 0 at the end.
 */
int podoom_memcgfmt_next_pid(const char *text, size_t len, size_t *pos, int32_t *ret);

/*
 * podoom_memcgfmt_status() - fill @t's comm, tgid, ppid, uid, rss_pages
 * (RssAnon + RssFile + RssShmem), swap_pages (VmSwap), pgtables_bytes
 * (VmPTE) and PODOOM_TASK_KTHREAD (Kthread: 1, or no VmSize: no mm) from the
 * text of /proc/<pid>/status. Sizes are in kB, pages taken as 4 KiB
 * (x86_64, arm64 with 4K pages); each is capped at 2^50 kB so that no sum
 * overflows. Fields not given stay as they were; a field whose value is not
 * a decimal counts as absent.
 * Return: 0; -EINVAL when there is no "Name:" line (not a status file).
 */
int podoom_memcgfmt_status(const char *text, size_t len, struct podoom_task *t);

/*
 * podoom_memcgfmt_adj() - /proc/<pid>/oom_score_adj: a decimal in
 * [-1000, 1000] (OOM_SCORE_ADJ_MIN..MAX), a final newline allowed.
 * Return: 0 with *ret set; -EINVAL.
 */
int podoom_memcgfmt_adj(const char *text, size_t len, int32_t *ret);

#endif
