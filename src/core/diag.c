#include "podoom/diag.h"

#include <stdio.h>

void podoom_diag_set(struct podoom_diag *d, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}
