/* Fuzz target: the /models catalog parser (src/model/catalog.c). Whatever it accepts
 * must respect its bounds and hold only printable text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void check_text(const char *s)
{
	check(s != NULL);
	check(strlen(s) <= MODEL_CATALOG_TEXT_MAX);
	for (; *s; s++)
		check((unsigned char)*s >= 0x20 && *s != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_catalog c;
	struct err e;

	if (model_catalog_parse((const char *)data, size, &c, &e) < 0) {
		check(c.n == 0 && c.v == NULL);
		return 0;
	}
	check(c.n > 0 && c.n <= MODEL_CATALOG_MAX_MODELS);
	for (size_t i = 0; i < c.n; i++) {
		check_text(c.v[i].slug);
		check_text(c.v[i].display_name);
		check_text(c.v[i].description);
		check(c.v[i].n_efforts <= MODEL_CATALOG_MAX_EFFORTS);
		for (size_t k = 0; k < c.v[i].n_efforts; k++) {
			check_text(c.v[i].efforts[k].effort);
			check_text(c.v[i].efforts[k].description);
		}
	}
	check(c.n_upgrades <= MODEL_CATALOG_MAX_MODELS);
	for (size_t i = 0; i < c.n_upgrades; i++) {
		check_text(c.upgrades[i].from);
		check_text(c.upgrades[i].to);
		check(strcmp(c.upgrades[i].from, c.upgrades[i].to) != 0);
		if (c.upgrades[i].markdown) {
			check(strlen(c.upgrades[i].markdown) <= MODEL_CATALOG_MARKDOWN_MAX);
			for (const char *s = c.upgrades[i].markdown; *s; s++)
				check(*s == '\n' || ((unsigned char)*s >= 0x20 && *s != 0x7f));
		}
	}
	model_catalog_free(&c);
	return 0;
}
