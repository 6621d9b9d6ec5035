/* The reviewer's answer (guardian.c): strict JSON {risk_level, risk_score, rationale,
 * evidence}, read as upstream 0.118 reads it (the whole text, else the span from the
 * first '{' to the last '}'), with our limits. Pure: the unit test and the fuzz target
 * call it directly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "base/utf8.h"

const char *guardian_risk_str(enum guardian_risk r)
{
	switch (r) {
	case GUARDIAN_RISK_LOW:
		return "low";
	case GUARDIAN_RISK_MEDIUM:
		return "medium";
	case GUARDIAN_RISK_HIGH:
		return "high";
	}
	return "high";
}

/* Length of the longest prefix of s (at most max bytes) that ends on a character
 * boundary; invalid bytes count as one character each. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	size_t i = 0;

	while (i < len) {
		int n = utf8_char_len((const unsigned char *)s + i, len - i);
		if (n < 1)
			n = 1;
		if (i + (size_t)n > max)
			break;
		i += (size_t)n;
	}
	return i;
}

static int from_json(const cJSON *o, struct guardian_assessment *out, struct err *e)
{
	const cJSON *level = cJSON_GetObjectItemCaseSensitive(o, "risk_level");
	const cJSON *score = cJSON_GetObjectItemCaseSensitive(o, "risk_score");
	const cJSON *why = cJSON_GetObjectItemCaseSensitive(o, "rationale");
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(o, "evidence"), *it;
	size_t n = 0, keep;

	if (!cJSON_IsObject(o))
		return err_set(e, "guardian assessment is not a JSON object");
	if (!cJSON_IsString(level))
		return err_set(e, "guardian assessment has no risk_level");
	if (strcmp(level->valuestring, "low") == 0)
		out->level = GUARDIAN_RISK_LOW;
	else if (strcmp(level->valuestring, "medium") == 0)
		out->level = GUARDIAN_RISK_MEDIUM;
	else if (strcmp(level->valuestring, "high") == 0)
		out->level = GUARDIAN_RISK_HIGH;
	else
		return err_set(e, "guardian assessment has an unknown risk_level");
	/* An integer in 0..100, as the schema says (upstream's u8 takes up to 255; a score
	 * that large would be refused anyway). */
	if (!cJSON_IsNumber(score) || !isfinite(score->valuedouble) || score->valuedouble < 0 ||
	    score->valuedouble > 100 || score->valuedouble != floor(score->valuedouble))
		return err_set(e, "guardian assessment has no risk_score from 0 to 100");
	out->score = (int)score->valuedouble;
	if (!cJSON_IsString(why))
		return err_set(e, "guardian assessment has no rationale");
	if (!cJSON_IsArray(ev))
		return err_set(e, "guardian assessment has no evidence list");
	cJSON_ArrayForEach(it, ev) {
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "message")) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "why")))
			return err_set(e, "guardian assessment has malformed evidence");
		if (++n > GUARDIAN_MAX_EVIDENCE)
			return err_set(e, "guardian assessment has more than %d evidence items",
				       GUARDIAN_MAX_EVIDENCE);
	}
	out->n_evidence = n;
	keep = utf8_cut(why->valuestring, strlen(why->valuestring), GUARDIAN_MAX_RATIONALE_BYTES);
	memcpy(out->rationale, why->valuestring, keep);
	out->rationale[keep] = '\0';
	return 0;
}

static int parse_span(const char *text, size_t len, struct guardian_assessment *out,
		      struct err *e)
{
	const char *end = NULL;
	cJSON *o = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	int rc;

	if (!o)
		return err_set(e, "guardian assessment was not valid JSON");
	/* Only white space may follow the object. */
	while (end && end < text + len && (*end == ' ' || *end == '\n' || *end == '\r' ||
					   *end == '\t'))
		end++;
	if (end && end != text + len) {
		cJSON_Delete(o);
		return err_set(e, "guardian assessment was not valid JSON");
	}
	rc = from_json(o, out, e);
	cJSON_Delete(o);
	return rc;
}

int guardian_parse_assessment(const char *text, size_t len, struct guardian_assessment *out,
			      struct err *e)
{
	const char *first, *last;
	struct err whole;
	struct guardian_assessment tmp;

	memset(out, 0, sizeof *out);
	out->level = GUARDIAN_RISK_HIGH;
	out->score = 100;
	if (!text || len == 0)
		return err_set(e, "guardian review completed without an assessment payload");
	if (len > GUARDIAN_MAX_ANSWER_BYTES)
		return err_set(e, "guardian assessment is longer than %u bytes",
			       GUARDIAN_MAX_ANSWER_BYTES);
	if (memchr(text, '\0', len))
		return err_set(e, "guardian assessment was not valid JSON");

	if (parse_span(text, len, &tmp, &whole) == 0) {
		*out = tmp;
		return 0;
	}
	/* Prose around the object ("Here is my assessment: {...}") is tolerated. */
	first = memchr(text, '{', len);
	last = NULL;
	for (const char *p = text + len; p > text; p--)
		if (p[-1] == '}') {
			last = p - 1;
			break;
		}
	if (first && last && first < last) {
		if (parse_span(first, (size_t)(last - first) + 1, &tmp, e) < 0)
			return -1;
		*out = tmp;
		return 0;
	}
	*e = whole;
	return -1;
}

bool guardian_approves(const struct guardian_assessment *g)
{
	return g->score < GUARDIAN_RISK_THRESHOLD;
}

/* The first character start at or after byte i (or len): the tail never grows past its
 * budget. */
static size_t utf8_forward(const char *s, size_t len, size_t i)
{
	while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
		i++;
	return i;
}

char *guardian_truncate(const char *text, size_t len, size_t max)
{
	char marker[96], *out;
	size_t head, tail_from, mlen, avail;
	int n;

	if (len <= max) {
		out = malloc(len + 1);
		if (out) {
			memcpy(out, text, len);
			out[len] = '\0';
		}
		return out;
	}
	/* Upstream counts tokens as ceil(bytes / 4). */
	n = snprintf(marker, sizeof marker, "<truncated omitted_approx_tokens=\"%zu\" />",
		     (len - max + 3) / 4);
	mlen = n > 0 ? (size_t)n : 0;
	if (max <= mlen)
		return strdup(marker);
	avail = max - mlen;
	head = utf8_cut(text, len, avail / 2);
	tail_from = utf8_forward(text, len, len - (avail - avail / 2));
	if (tail_from < head)
		tail_from = head;
	out = malloc(head + mlen + (len - tail_from) + 1);
	if (!out)
		return NULL;
	memcpy(out, text, head);
	memcpy(out + head, marker, mlen);
	memcpy(out + head + mlen, text + tail_from, len - tail_from);
	out[head + mlen + len - tail_from] = '\0';
	return out;
}
