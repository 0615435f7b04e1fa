/*
 * fuzz_watch_state.c - the `podoom watch` state file and the kmsg record
 * header. Properties: never crashes; a state file that parses formats back
 * to text that parses to the same state; an error leaves the output alone
 * and says why; a kmsg sequence number read from a record is the one the
 * record parser reads.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/logline.h"
#include "podoom/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct podoom_watch_state st = {.seq = 42}, again;
	struct podoom_diag d = {0};
	char buf[256];
	uint64_t seq;
	int r;

	if (size > PODOOM_WATCH_STATE_MAX_BYTES + 16)
		return 0;
	r = podoom_watch_state_parse((const char *)data, size, &st, &d);
	if (r < 0) {
		assert(st.seq == 42 && !st.has_seq);
		assert(d.msg[0] != '\0');
	} else {
		int n = podoom_watch_state_format(&st, buf, sizeof(buf));
		assert(n > 0);
		assert(podoom_watch_state_parse(buf, (size_t)n, &again, NULL) == 0);
		assert(again.has_seq == st.has_seq && again.seq == st.seq && strcmp(again.boot_id, st.boot_id) == 0);
	}
	if (podoom_logline_kmsg_seq((const char *)data, size, &seq) == 0) {
		char *copy = malloc(size ? size : 1);
		struct podoom_logline l;
		memcpy(copy, data, size);
		if (podoom_logline_parse(copy, size, PODOOM_LOGLINE_RAW, &l) == 0 && l.transport == PODOOM_LOGLINE_KMSG)
			assert(l.has_seq && l.seq == seq);
		free(copy);
	}
	return 0;
}
