/* An MCP inputSchema reduced to the subset the model is given (codex-mcp.md §5.2):
 * type (integer becomes number), description on leaves and arrays, properties in
 * alphabetical order, required, items, additionalProperties; everything else dropped,
 * and a node without a type gets one inferred from what it has. */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "mcp/mcp.h"

/* Deeper schemas are cut (the rest becomes a string): no real tool nests this far and
 * the walk is recursive. */
#define SCHEMA_MAX_DEPTH 64

static const char *type_of(const cJSON *s)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "type");
	static const char *const known[] = {"object", "array", "string", "number",
					    "integer", "boolean", NULL};

	/* A list of types ("type": ["string","null"]): the first one we know. */
	if (cJSON_IsArray(t)) {
		const cJSON *x;
		cJSON_ArrayForEach(x, t)
			for (size_t i = 0; cJSON_IsString(x) && known[i]; i++)
				if (strcmp(x->valuestring, known[i]) == 0)
					return known[i];
		t = NULL;
	}
	if (cJSON_IsString(t)) {
		for (size_t i = 0; known[i]; i++)
			if (strcmp(t->valuestring, known[i]) == 0)
				return strcmp(known[i], "integer") == 0 ? "number" : known[i];
	}
	if (cJSON_GetObjectItemCaseSensitive(s, "properties") ||
	    cJSON_GetObjectItemCaseSensitive(s, "required") ||
	    cJSON_GetObjectItemCaseSensitive(s, "additionalProperties"))
		return "object";
	if (cJSON_GetObjectItemCaseSensitive(s, "items"))
		return "array";
	if (cJSON_GetObjectItemCaseSensitive(s, "enum") || cJSON_GetObjectItemCaseSensitive(s, "const") ||
	    cJSON_GetObjectItemCaseSensitive(s, "format"))
		return "string";
	if (cJSON_GetObjectItemCaseSensitive(s, "minimum") ||
	    cJSON_GetObjectItemCaseSensitive(s, "maximum") ||
	    cJSON_GetObjectItemCaseSensitive(s, "exclusiveMinimum") ||
	    cJSON_GetObjectItemCaseSensitive(s, "exclusiveMaximum") ||
	    cJSON_GetObjectItemCaseSensitive(s, "multipleOf"))
		return "number";
	return "string";
}

static int cmp_names(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string, y->string);
}

static cJSON *reduce(const cJSON *s, int depth, bool top);

/* properties, sorted by name. */
static cJSON *reduce_properties(const cJSON *props, int depth)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *p, **v = NULL;
	size_t n = 0, i = 0;

	if (!out)
		return NULL;
	if (!cJSON_IsObject(props))
		return out;
	cJSON_ArrayForEach(p, props)
		n++;
	if (n && !(v = calloc(n, sizeof *v)))
		goto oom;
	cJSON_ArrayForEach(p, props)
		v[i++] = p;
	if (n) /* qsort's array may not be NULL, even when empty */
		qsort(v, n, sizeof *v, cmp_names);
	for (i = 0; i < n; i++) {
		cJSON *r = reduce(v[i], depth + 1, false);
		if (!r || !cJSON_AddItemToObject(out, v[i]->string, r)) {
			cJSON_Delete(r);
			goto oom;
		}
	}
	free(v);
	return out;
oom:
	free(v);
	cJSON_Delete(out);
	return NULL;
}

static cJSON *reduce(const cJSON *s, int depth, bool top)
{
	cJSON *out = cJSON_CreateObject(), *r;
	const cJSON *d, *x;
	const char *ty;

	if (!out)
		return NULL;
	/* A boolean sub-schema (true: anything) and anything that is not a schema. */
	if (!cJSON_IsObject(s) || depth > SCHEMA_MAX_DEPTH) {
		if (cJSON_AddStringToObject(out, "type", top ? "object" : "string") &&
		    (!top || cJSON_AddObjectToObject(out, "properties")))
			return out;
		goto oom;
	}
	ty = top ? "object" : type_of(s);
	if (!cJSON_AddStringToObject(out, "type", ty))
		goto oom;
	d = cJSON_GetObjectItemCaseSensitive(s, "description");
	if (cJSON_IsString(d) && strcmp(ty, "object") != 0 &&
	    !cJSON_AddStringToObject(out, "description", d->valuestring))
		goto oom;
	if (strcmp(ty, "object") == 0) {
		x = cJSON_GetObjectItemCaseSensitive(s, "properties");
		if (x || top) {
			if (!(r = reduce_properties(x, depth)) ||
			    !cJSON_AddItemToObject(out, "properties", r)) {
				cJSON_Delete(r);
				goto oom;
			}
		}
		x = cJSON_GetObjectItemCaseSensitive(s, "required");
		if (cJSON_IsArray(x)) {
			cJSON *req = cJSON_AddArrayToObject(out, "required");
			const cJSON *q;
			if (!req)
				goto oom;
			cJSON_ArrayForEach(q, x)
				if (cJSON_IsString(q) &&
				    !cJSON_AddItemToArray(req, cJSON_CreateString(q->valuestring)))
					goto oom;
		}
		x = cJSON_GetObjectItemCaseSensitive(s, "additionalProperties");
		if (cJSON_IsBool(x)) {
			if (!cJSON_AddBoolToObject(out, "additionalProperties", cJSON_IsTrue(x)))
				goto oom;
		} else if (cJSON_IsObject(x)) {
			if (!(r = reduce(x, depth + 1, false)) ||
			    !cJSON_AddItemToObject(out, "additionalProperties", r)) {
				cJSON_Delete(r);
				goto oom;
			}
		}
	} else if (strcmp(ty, "array") == 0) {
		x = cJSON_GetObjectItemCaseSensitive(s, "items");
		if (x) {
			if (!(r = reduce(cJSON_IsArray(x) ? cJSON_GetArrayItem(x, 0) : x, depth + 1,
					 false)) ||
			    !cJSON_AddItemToObject(out, "items", r)) {
				cJSON_Delete(r);
				goto oom;
			}
		}
	}
	return out;
oom:
	cJSON_Delete(out);
	return NULL;
}

cJSON *mcp_schema_reduce(const cJSON *input_schema)
{
	return reduce(input_schema, 0, true);
}
