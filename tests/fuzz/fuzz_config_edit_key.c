/* Fuzz target: config_edit_set_key (src/config/config_edit_key.c) on any document.
 * Whatever it returns must parse, and must hold the key with the value written. */
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
	static const char *const tables[] = {"network", "mcp_servers.srv.tools.t", "a"};
	const char *table;
	struct buf out;
	struct err e;
	struct toml_value *root, *v;

	if (size < 1)
		return 0;
	table = tables[data[0] % 3];
	buf_init(&out, 4u << 20);
	if (config_edit_set_key((const char *)data + 1, size - 1, table, "allowed_domains",
				"[\"fuzz.test\"]", &out, &e) == 0) {
		root = toml_parse(out.data ? out.data : "", out.len, &e);
		check(root != NULL);
		v = root;
		for (const char *p = table; v && p;) {
			const char *dot = strchr(p, '.');
			size_t n = dot ? (size_t)(dot - p) : strlen(p);
			v = toml_table_getn(v, p, n);
			p = dot ? dot + 1 : NULL;
		}
		v = toml_table_get(v, "allowed_domains");
		check(v && v->type == TOML_ARRAY && v->u.array.n == 1);
		toml_free(root);
	}
	buf_free(&out);
	return 0;
}
