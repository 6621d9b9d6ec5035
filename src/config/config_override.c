/* -c key=value: the key is a TOML dotted key (quoted parts allowed); the value is read
 * as a TOML value and, when that fails, taken as a literal string with surrounding
 * quotes trimmed (the upstream rule, so `-c model=o3` works unquoted). */
#include "config/config_internal.h"

#include <stdlib.h>
#include <string.h>


static void tag_all(struct toml_value *v, uint32_t tag)
{
	v->tag = tag;
	if (v->type == TOML_TABLE)
		for (size_t k = 0; k < v->u.table.n; k++)
			tag_all(v->u.table.entries[k].value, tag);
	else if (v->type == TOML_ARRAY)
		for (size_t k = 0; k < v->u.array.n; k++)
			tag_all(v->u.array.items[k], tag);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The value text as a string node: whitespace, then quote characters, trimmed from
 * both ends. */
static struct toml_value *literal_string(const char *s, size_t n)
{
	while (n && (is_space(*s) || *s == '"' || *s == '\'')) {
		s++;
		n--;
	}
	while (n && (is_space(s[n - 1]) || s[n - 1] == '"' || s[n - 1] == '\''))
		n--;
	return toml_string_new(s, n);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static struct toml_value *parse_override_value(const char *s, size_t n, struct err *e)
{
	struct toml_value *v;
	struct err ve;

	while (n && is_space(*s)) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	v = toml_parse_value(s, n, &ve);
	if (!v && !ends_with(ve.msg, ": " TOML_ERR_NOMEM))
		v = literal_string(s, n);
	if (!v)
		err_set(e, "out of memory");
	return v;
}

int config_apply_override(struct toml_value *root, const char *text, uint32_t tag,
			  struct err *e)
{
	struct strv path = STRV_INIT;
	struct toml_value *v = NULL, *t = root;
	size_t lead = 0, end = 0, len = strlen(text);
	const char *eq;
	struct err ke;
	int rc = -1;

	if (!strchr(text, '='))
		return err_set(e, "-c %s: expected key=value", text);
	while (is_space(text[lead]))
		lead++;
	if (toml_parse_key(text + lead, len - lead, &path, &end, &ke) < 0) {
		err_set(e, "-c %s: invalid key (%s)", text, ke.msg);
		goto out;
	}
	eq = text + lead + end;
	if (*eq != '=') {
		err_set(e, "-c %s: expected '=' after the key", text);
		goto out;
	}
	v = parse_override_value(eq + 1, len - (size_t)(eq + 1 - text), e);
	if (!v)
		goto out;
	tag_all(v, tag);
	for (size_t i = 0; i + 1 < path.n; i++) {
		struct toml_value *child = toml_table_get(t, path.v[i]);

		/* Like upstream, a value in the way is replaced by a table. */
		if (!child || child->type != TOML_TABLE) {
			child = toml_table_new();
			if (!child || toml_table_set(t, path.v[i], child) < 0) {
				err_set(e, "out of memory");
				goto out;
			}
			child->tag = tag;
		}
		t = child;
	}
	rc = toml_table_set(t, path.v[path.n - 1], v);
	v = NULL;
	if (rc < 0)
		err_set(e, "out of memory");
out:
	toml_free(v);
	strv_free(&path);
	return rc;
}
