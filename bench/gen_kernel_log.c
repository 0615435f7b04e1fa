/*
 * gen_kernel_log.c - a large, deterministic kernel log for bench/: mostly
 * unrelated kernel lines in `dmesg` format (network, storage, USB, audit,
 * systemd-style noise as a busy node prints it), with every given OOM report
 * mixed in again and again, its timestamps rewritten to keep time increasing.
 *
 *   gen_kernel_log SIZE_MB EVERY_N_LINES report.log... > big.log
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const noise[] = {
	"IPv6: ADDRCONF(NETDEV_CHANGE): cali4f1c2d3e5a6: link becomes ready",
	"cni0: port 3(veth9a8b7c6d) entered forwarding state",
	"EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode. Quota mode: none.",
	"audit: type=1400 audit(1700000000.123:456): apparmor=\"STATUS\" operation=\"profile_load\" profile=\"unconfined\" name=\"cri-containerd.apparmor.d\" pid=1234 comm=\"apparmor_parser\"",
	"eth0: renamed from vethb3c2a1d0",
	"overlayfs: upper fs does not support RENAME_WHITEOUT.",
	"xfs filesystem being remounted at /var/lib/kubelet/pods/5b9c/volumes supports timestamps until 2038 (0x7fffffff)",
	"TCP: request_sock_TCP: Possible SYN flooding on port 10250. Sending cookies.  Check SNMP counters.",
	"nf_conntrack: nf_conntrack: table full, dropping packet",
	"usb 1-1: new high-speed USB device number 2 using xhci_hcd",
	"kauditd_printk_skb: 12 callbacks suppressed",
	"device veth0a1b2c3 entered promiscuous mode",
};

struct report {
	char **lines;
	size_t n;
};

static int load(const char *path, struct report *r)
{
	FILE *f = fopen(path, "r");
	char buf[8192];

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f)) {
		char *msg = buf;
		size_t len = strlen(buf);
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		/* keep the message: drop a leading "[ ... ] " timestamp if present */
		if (buf[0] == '[') {
			char *end = strchr(buf, ']');
			if (end && end[1] == ' ')
				msg = end + 2;
		}
		r->lines = realloc(r->lines, (r->n + 1) * sizeof(*r->lines));
		r->lines[r->n++] = strdup(msg);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct report *reports;
	unsigned long long target, written = 0, line_no = 0, usec = 1000000;
	unsigned long every;
	size_t nrep, next = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: gen_kernel_log SIZE_MB EVERY_N_LINES report.log...\n");
		return 2;
	}
	target = strtoull(argv[1], NULL, 10) << 20;
	every = strtoul(argv[2], NULL, 10);
	nrep = (size_t)(argc - 3);
	reports = calloc(nrep, sizeof(*reports));
	for (size_t i = 0; i < nrep; i++)
		if (load(argv[3 + i], &reports[i]) < 0) {
			perror(argv[3 + i]);
			return 1;
		}
	while (written < target) {
		int n;
		usec += 1733;
		if (every && ++line_no % every == 0) {
			const struct report *r = &reports[next++ % nrep];
			for (size_t k = 0; k < r->n; k++) {
				n = printf("[%5llu.%06llu] %s\n", usec / 1000000, usec % 1000000, r->lines[k]);
				written += (unsigned long long)n;
			}
			continue;
		}
		n = printf("[%5llu.%06llu] %s\n", usec / 1000000, usec % 1000000,
			   noise[(line_no * 7) % (sizeof(noise) / sizeof(noise[0]))]);
		written += (unsigned long long)n;
	}
	return 0;
}
