/* Fuzz target: the SKILL.md front-matter parser and the skill checks (src/agent/
 * skills_parse.c), and the `$name` mention scanner over the same bytes. Whatever they
 * accept must hold what they promise: one-line fields within their limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/skills.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct skill_front f;
	struct agent_skill sk;
	struct agent_skills list;
	struct err e;
	char *text;
	size_t picked[8];

	if (skill_front_parse((const char *)data, size, &f, &e) == 0)
		skill_front_free(&f);
	if (skill_from_text("/skills/fuzz/SKILL.md", (const char *)data, size, AGENT_SKILL_REPO,
			    &sk, &e) == 0) {
		check(*sk.name && chars(sk.name) <= AGENT_SKILL_NAME_MAX);
		check(*sk.description && chars(sk.description) <= AGENT_SKILL_DESCRIPTION_MAX);
		check(!strpbrk(sk.name, "\n\r\t") && !strpbrk(sk.description, "\n\r\t"));
		/* The prompt mentioning it by name selects it. */
		text = malloc(size + 1);
		if (text) {
			memcpy(text, data, size);
			text[size] = '\0';
			memset(&list, 0, sizeof list);
			list.v = &sk;
			list.n = 1;
			check(skills_mentioned(&list, text, picked, 8) <= 1);
			free(text);
		}
		skill_clear(&sk);
	}
	return 0;
}
