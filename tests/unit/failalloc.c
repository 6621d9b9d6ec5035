/* A failing allocator for the unit tests. The runner is linked with
 * -Wl,--wrap=malloc,... so our code's calls come here first; everything passes through
 * to the real allocator unless a failure is armed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static long countdown;
static int fired;

void failalloc_arm(long n)
{
	countdown = n;
	fired = 0;
}

void failalloc_disarm(void)
{
	countdown = 0;
}

int failalloc_fired(void)
{
	return fired;
}

static int should_fail(void)
{
	if (countdown <= 0)
		return 0;
	if (--countdown == 0) {
		fired = 1;
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t a, size_t b)
{
	return should_fail() ? NULL : __real_calloc(a, b);
}

void *__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return should_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return should_fail() ? NULL : __real_strndup(s, n);
}
