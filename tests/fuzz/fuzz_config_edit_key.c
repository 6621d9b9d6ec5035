/* Fuzz target: config_edit_set_key (src/config/config_edit_key.c) on any document, in a
 * table or the root table, setting or removing the key. Whatever it returns must parse,
 * and must hold the key with the value written (or not hold it, once removed). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "config/config.h"
#include "config/toml.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tables[] = {"network", "mcp_servers.srv.tools.t", "a", ""};
	const char *table;
	bool remove;
	struct buf out;
	struct err e;
	struct toml_value *root, *v;

	if (size < 1)
		return 0;
	table = tables[data[0] % 4];
	remove = data[0] & 0x80;
	buf_init(&out, 4u << 20);
	if (config_edit_set_key((const char *)data + 1, size - 1, table, "allowed_domains",
				remove ? NULL : "[\"fuzz.test\"]", &out, &e) == 0) {
		root = toml_parse(out.data ? out.data : "", out.len, &e);
		check(root != NULL);
		v = root;
		for (const char *p = table; v && *p;) {
			const char *dot = strchr(p, '.');
			size_t n = dot ? (size_t)(dot - p) : strlen(p);
			v = toml_table_getn(v, p, n);
			p = dot ? dot + 1 : p + n;
		}
		v = v ? toml_table_get(v, "allowed_domains") : NULL;
		if (remove)
			check(v == NULL);
		else
			check(v && v->type == TOML_ARRAY && v->u.array.n == 1);
		toml_free(root);
	}
	buf_free(&out);
	return 0;
}
