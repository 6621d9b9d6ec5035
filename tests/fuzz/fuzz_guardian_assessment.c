/* The automatic approval reviewer's answer (guardian_parse.c): any bytes either give an
 * assessment within its limits or a refusal that reads as high risk, with one reason. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guardian_assessment g;
	struct err e;
	char *cut;

	err_clear(&e);
	if (guardian_parse_assessment((const char *)data, size, &g, &e) < 0) {
		if (!e.msg[0] || g.score != 100 || g.level != GUARDIAN_RISK_HIGH ||
		    guardian_approves(&g))
			abort();
	} else {
		if (g.score < 0 || g.score > 100 || g.n_evidence > GUARDIAN_MAX_EVIDENCE ||
		    strlen(g.rationale) > GUARDIAN_MAX_RATIONALE_BYTES)
			abort();
		if (guardian_approves(&g) != (g.score < GUARDIAN_RISK_THRESHOLD))
			abort();
	}
	/* Cutting any text to any budget stays within it (the marker aside). */
	cut = guardian_truncate((const char *)data, size, size / 2 + 64);
	if (cut && strlen(cut) > size / 2 + 64 && size > size / 2 + 64)
		abort();
	free(cut);
	return 0;
}
