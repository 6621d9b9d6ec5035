/* TOML trees: nodes, tables with an insertion-ordered entry list (plus a hash index
 * once they grow, so a large generated table stays linear to build), freeing, copying
 * and formatting. See toml.h. */
#include "config/toml_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/vec.h"

/* Tables up to this many entries are searched linearly; larger ones get an index. */
#define TABLE_INDEX_MIN 12

char *toml_memdup(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

struct toml_value *toml_node_new(enum toml_type type)
{
	struct toml_value *v = calloc(1, sizeof *v);

	if (v)
		v->type = type;
	return v;
}

struct toml_value *toml_table_new(void)
{
	return toml_node_new(TOML_TABLE);
}

/* The characters live in the same allocation, right after the node: one malloc per
 * string instead of two (strings are most of a config). */
struct toml_value *toml_string_new(const char *s, size_t len)
{
	struct toml_value *v;

	if (len > SIZE_MAX - sizeof *v - 1)
		return NULL;
	v = malloc(sizeof *v + len + 1);
	if (!v)
		return NULL;
	memset(v, 0, sizeof *v);
	v->type = TOML_STRING;
	v->u.str.ptr = (char *)(v + 1);
	if (len)
		memcpy(v->u.str.ptr, s, len);
	v->u.str.ptr[len] = '\0';
	v->u.str.len = len;
	return v;
}

/* FNV-1a with linear probing. A config is the user's own file, so colliding keys are
 * not a threat worth a keyed hash; at worst such a file parses slowly, bounded by
 * LIMIT_CONFIG_FILE_BYTES. */
static uint32_t key_hash(const char *k, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 16777619u;
	}
	return h;
}

static void index_put(uint32_t *index, size_t cap, const struct toml_entry *e, uint32_t slot)
{
	size_t i = key_hash(e->key, e->key_len) & (cap - 1);

	while (index[i])
		i = (i + 1) & (cap - 1);
	index[i] = slot + 1;
}

/* Rebuilds the index with room for at least twice the entries. */
static int index_rebuild(struct toml_value *t, size_t want)
{
	size_t cap = 32;
	uint32_t *index;

	while (cap < want * 2)
		cap *= 2;
	index = calloc(cap, sizeof *index);
	if (!index)
		return -1;
	for (size_t k = 0; k < t->u.table.n; k++)
		index_put(index, cap, &t->u.table.entries[k], (uint32_t)k);
	free(t->u.table.index);
	t->u.table.index = index;
	t->u.table.index_cap = cap;
	return 0;
}

/* The index of key's entry in t, or -1. */
static long table_find(const struct toml_value *t, const char *key, size_t key_len)
{
	const struct toml_entry *ents = t->u.table.entries;

	if (t->u.table.index) {
		size_t cap = t->u.table.index_cap;
		size_t i = key_hash(key, key_len) & (cap - 1);
		uint32_t slot;

		while ((slot = t->u.table.index[i]) != 0) {
			const struct toml_entry *e = &ents[slot - 1];
			if (e->key_len == key_len && memcmp(e->key, key, key_len) == 0)
				return (long)slot - 1;
			i = (i + 1) & (cap - 1);
		}
		return -1;
	}
	for (size_t k = 0; k < t->u.table.n; k++)
		if (ents[k].key_len == key_len && memcmp(ents[k].key, key, key_len) == 0)
			return (long)k;
	return -1;
}

struct toml_value *toml_table_getn(const struct toml_value *t, const char *key,
				   size_t key_len)
{
	long k;

	if (!t || t->type != TOML_TABLE)
		return NULL;
	k = table_find(t, key, key_len);
	return k < 0 ? NULL : t->u.table.entries[k].value;
}

struct toml_value *toml_table_get(const struct toml_value *t, const char *key)
{
	return toml_table_getn(t, key, strlen(key));
}

int toml_table_append(struct toml_value *t, char *key, size_t key_len, struct toml_value *v)
{
	size_t n = t->u.table.n;
	struct toml_entry *ents;

	if (!key || !v)
		goto fail;
	ents = vec_grow(t->u.table.entries, &t->u.table.cap, n, sizeof *ents, LIMIT_TOML_ENTRIES);
	if (!ents)
		goto fail;
	t->u.table.entries = ents;
	if (n + 1 >= TABLE_INDEX_MIN &&
	    (!t->u.table.index || (n + 1) * 2 > t->u.table.index_cap) &&
	    index_rebuild(t, n + 1) < 0)
		goto fail;
	ents = t->u.table.entries;
	ents[n].key = key;
	ents[n].key_len = key_len;
	ents[n].value = v;
	t->u.table.n = n + 1;
	if (t->u.table.index)
		index_put(t->u.table.index, t->u.table.index_cap, &ents[n], (uint32_t)n);
	return 0;
fail:
	free(key);
	toml_free(v);
	return -1;
}

int toml_table_set(struct toml_value *t, const char *key, struct toml_value *v)
{
	size_t len = strlen(key);
	long k;

	if (!t || t->type != TOML_TABLE || !v) {
		toml_free(v);
		return -1;
	}
	k = table_find(t, key, len);
	if (k >= 0) {
		toml_free(t->u.table.entries[k].value);
		t->u.table.entries[k].value = v;
		return 0;
	}
	return toml_table_append(t, toml_memdup(key, len), len, v);
}

int toml_array_append(struct toml_value *a, struct toml_value *v)
{
	size_t n = a->u.array.n;
	struct toml_value **items;

	if (!v)
		return -1;
	items = vec_grow(a->u.array.items, &a->u.array.cap, n, sizeof *items, LIMIT_TOML_ENTRIES);
	if (!items) {
		toml_free(v);
		return -1;
	}
	a->u.array.items = items;
	items[n] = v;
	a->u.array.n = n + 1;
	return 0;
}

/* Recursion is bounded: every tree this module builds is at most LIMIT_TOML_DEPTH deep
 * (config adds at most as many levels again with -c paths). */
void toml_free(struct toml_value *v)
{
	if (!v)
		return;
	switch (v->type) {
	case TOML_TABLE:
		for (size_t k = 0; k < v->u.table.n; k++) {
			free(v->u.table.entries[k].key);
			toml_free(v->u.table.entries[k].value);
		}
		free(v->u.table.entries);
		free(v->u.table.index);
		break;
	case TOML_ARRAY:
		for (size_t k = 0; k < v->u.array.n; k++)
			toml_free(v->u.array.items[k]);
		free(v->u.array.items);
		break;
	case TOML_STRING: /* the characters are part of the node */
	case TOML_INTEGER:
	case TOML_FLOAT:
	case TOML_BOOL:
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		break;
	}
	free(v);
}

struct toml_value *toml_clone(const struct toml_value *v)
{
	struct toml_value *c = v->type == TOML_STRING ? toml_string_new(v->u.str.ptr, v->u.str.len)
						      : toml_node_new(v->type);

	if (!c)
		return NULL;
	c->line = v->line;
	c->col = v->col;
	c->tag = v->tag;
	c->depth = v->depth;
	c->flags = v->flags;
	switch (v->type) {
	case TOML_TABLE:
		for (size_t k = 0; k < v->u.table.n; k++) {
			const struct toml_entry *e = &v->u.table.entries[k];
			struct toml_value *cv = toml_clone(e->value);
			if (!cv || toml_table_append(c, toml_memdup(e->key, e->key_len), e->key_len,
						     cv) < 0)
				goto fail;
		}
		break;
	case TOML_ARRAY:
		for (size_t k = 0; k < v->u.array.n; k++)
			if (toml_array_append(c, toml_clone(v->u.array.items[k])) < 0)
				goto fail;
		break;
	case TOML_STRING:
		break;
	case TOML_INTEGER:
	case TOML_FLOAT:
	case TOML_BOOL:
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		c->u = v->u;
		break;
	}
	return c;
fail:
	toml_free(c);
	return NULL;
}

const char *toml_type_name(enum toml_type t)
{
	switch (t) {
	case TOML_TABLE:
		return "table";
	case TOML_ARRAY:
		return "array";
	case TOML_STRING:
		return "string";
	case TOML_INTEGER:
		return "integer";
	case TOML_FLOAT:
		return "float";
	case TOML_BOOL:
		return "boolean";
	case TOML_DATETIME:
		return "offset date-time";
	case TOML_DATETIME_LOCAL:
		return "local date-time";
	case TOML_DATE_LOCAL:
		return "local date";
	case TOML_TIME_LOCAL:
		return "local time";
	}
	return "?";
}

static size_t format_time(const struct toml_datetime *dt, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%02d:%02d:%02d", dt->hour, dt->minute, dt->second);

	if (dt->frac_digits > 0) {
		char frac[16];
		snprintf(frac, sizeof frac, "%09u", (unsigned)dt->nanosecond);
		n += snprintf(out + n, cap - (size_t)n, ".%.*s", dt->frac_digits, frac);
	}
	return (size_t)n;
}

size_t toml_datetime_format(const struct toml_value *v, char *out)
{
	const struct toml_datetime *dt = &v->u.dt;
	size_t cap = TOML_DATETIME_MAX, n = 0;

	out[0] = '\0';
	switch (v->type) {
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
		n = (size_t)snprintf(out, cap, "%04d-%02d-%02d", dt->year, dt->month, dt->day);
		if (v->type == TOML_DATE_LOCAL)
			return n;
		out[n++] = 'T';
		n += format_time(dt, out + n, cap - n);
		if (v->type == TOML_DATETIME_LOCAL)
			return n;
		if (dt->offset_z) {
			out[n++] = 'Z';
			out[n] = '\0';
		} else {
			int off = dt->offset_minutes < 0 ? -dt->offset_minutes : dt->offset_minutes;
			n += (size_t)snprintf(out + n, cap - n, "%c%02d:%02d",
					      dt->offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
		}
		return n;
	case TOML_TIME_LOCAL:
		return format_time(dt, out, cap);
	case TOML_TABLE:
	case TOML_ARRAY:
	case TOML_STRING:
	case TOML_INTEGER:
	case TOML_FLOAT:
	case TOML_BOOL:
		break;
	}
	return 0;
}
