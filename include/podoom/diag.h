/*
 * diag - where a user's input went wrong, and what was expected there.
 * Filled by the pure parsers; the CLI adds the file name and prints
 * "FILE:LINE:COL: MESSAGE".
 */
#ifndef PODOOM_DIAG_H
#define PODOOM_DIAG_H

#include <stdarg.h>
#include <stdint.h>

struct podoom_diag {
	uint32_t line; /* 1-based; 0 when the error has no position */
	uint32_t col;  /* 1-based */
	char msg[320];
};

/* podoom_diag_set() - record a position and a printf-style message (truncated
 * to fit). NULL @d is allowed and ignored. */
void podoom_diag_set(struct podoom_diag *d, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
