/*
 * fuzz_quantity.c - the Quantity parser. Properties: never crashes; a parsed
 * value's Value() rounds up (never below the exact value); parsing is
 * deterministic; a whole value printed back as plain digits parses to itself.
 */
#include "podoom/quantity.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct podoom_quantity q, q2;
	const char *msg = NULL;
	int64_t v;
	char buf[64];

	if (size > 4 * PODOOM_QUANTITY_MAX_LEN)
		return 0;
	int r = podoom_quantity_parse((const char *)data, size, &q, &msg);
	if (r < 0) {
		assert(msg != NULL);
		return 0;
	}
	assert(podoom_quantity_parse((const char *)data, size, &q2, NULL) == 0);
	assert(podoom_quantity_cmp(&q, &q2) == 0);
	if (podoom_quantity_value(&q, &v) == 0 && v >= 0) {
		struct podoom_quantity back = podoom_quantity_from_int(v, PODOOM_QUANTITY_FORMAT_DECIMAL_SI);
		assert(podoom_quantity_cmp(&back, &q) >= 0); /* rounded up */
		int n = snprintf(buf, sizeof(buf), "%lld", (long long)v);
		assert(podoom_quantity_parse(buf, (size_t)n, &q2, NULL) == 0);
		assert(podoom_quantity_cmp(&q2, &back) == 0);
	}
	return 0;
}
