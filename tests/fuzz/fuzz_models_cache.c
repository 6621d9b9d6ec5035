/* Fuzz target: models_cache.json (src/model/catalog_cache.c). A file anyone could have
 * written in CODEX_HOME: whatever it accepts is the catalog parser's bounded output
 * and an etag within its limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_cache_key k = {"0.1.0", "http://127.0.0.1/v1/models?client_version=0.1.0",
				    1765000000};
	struct model_catalog c;
	struct err e;
	char *etag;

	if (model_cache_parse((const char *)data, size, &k, &c, &etag, &e) < 0) {
		if (c.n != 0 || c.v != NULL || etag != NULL)
			abort();
		return 0;
	}
	if (c.n == 0 || c.n > MODEL_CATALOG_MAX_MODELS ||
	    (etag && strlen(etag) > MODEL_CACHE_ETAG_MAX))
		abort();
	free(etag);
	model_catalog_free(&c);
	return 0;
}
