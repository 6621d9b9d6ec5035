/* Fuzz target for the TOML parser and the typed config pass behind it: any bytes go
 * through toml_parse, toml_parse_value and toml_parse_key; a document that parses is
 * copied, formatted and read by the config schema (as if it were config.toml), and the
 * debug JSON is produced. Sanitizers report any memory error or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/strv.h"
#include "config/config_internal.h"
#include "config/toml.h"

/* Touches every node: date-times are formatted, strings read to their length. */
static size_t walk(const struct toml_value *v)
{
	char text[TOML_DATETIME_MAX];
	size_t n = 1;

	switch (v->type) {
	case TOML_TABLE:
		for (size_t k = 0; k < v->u.table.n; k++)
			n += v->u.table.entries[k].key_len + walk(v->u.table.entries[k].value);
		break;
	case TOML_ARRAY:
		for (size_t k = 0; k < v->u.array.n; k++)
			n += walk(v->u.array.items[k]);
		break;
	case TOML_STRING:
		n += v->u.str.len;
		break;
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		n += toml_datetime_format(v, text);
		break;
	case TOML_INTEGER:
	case TOML_FLOAT:
	case TOML_BOOL:
		break;
	}
	return n;
}

static void typed_pass(const struct toml_value *doc)
{
	struct config_source src = {"fuzz.toml", NULL, NULL};
	struct config *cfg = calloc(1, sizeof *cfg);
	struct err e;

	if (!cfg)
		return;
	cfg->provenance = calloc(1, sizeof *cfg->provenance);
	if (cfg->provenance && config_set_defaults(cfg) == 0 &&
	    config_extract(cfg, doc, &src, &e) == 0)
		free(config_to_json(cfg));
	config_free(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct toml_value *doc, *copy;
	struct strv segments = STRV_INIT;
	struct err e;
	size_t end;

	doc = toml_parse(text, size, &e);
	if (doc) {
		copy = toml_clone(doc);
		if (copy)
			walk(copy);
		toml_free(copy);
		typed_pass(doc);
		toml_free(doc);
	}
	toml_free(toml_parse_value(text, size, &e));
	if (toml_parse_key(text, size, &segments, &end, &e) == 0 && end > size)
		abort(); /* the key cannot end past the input */
	strv_free(&segments);
	return 0;
}
