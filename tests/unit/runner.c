/* Runs every registered unit-test case (or those whose "file:name" contains argv[1])
 * and prints one line per case: "ok - file:name" or "not ok - file:name" followed by
 * "#"-prefixed diagnostics. Exit status 1 when any case failed. */
#include <ftw.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "test.h"

static struct test_case *cases;
/* Static: setjmp/longjmp must not clobber them. */
static int failed, ran;
static int case_failed;
static int capturing, captured;
static jmp_buf case_abort;
static char tmpdir[4096];
static char scratch[8][4096];
static int scratch_next;

void test_register(struct test_case *tc)
{
	tc->next = cases;
	cases = tc;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (capturing) {
		captured++;
		return;
	}
	case_failed = 1;
	printf("#   %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int test_case_failed(void)
{
	return case_failed;
}

void test_capture_begin(void)
{
	capturing = 1;
	captured = 0;
}

int test_capture_end(void)
{
	capturing = 0;
	return captured;
}

void test_abort(void)
{
	longjmp(case_abort, 1);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void tmpdir_cleanup(void)
{
	if (tmpdir[0]) {
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		tmpdir[0] = '\0';
	}
}

const char *test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (tmpdir[0])
		return tmpdir;
	snprintf(tmpdir, sizeof tmpdir, "%s/codex-unit-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		test_fail(__FILE__, __LINE__, "mkdtemp failed");
		tmpdir[0] = '\0';
		test_abort();
	}
	return tmpdir;
}

const char *test_write_file(const char *rel, const char *content)
{
	char *path = scratch[scratch_next++ % 8];
	char *slash;
	FILE *f;

	snprintf(path, sizeof scratch[0], "%s/%s", test_tmpdir(), rel);
	for (slash = path + strlen(tmpdir) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "wb");
	if (!f) {
		test_fail(__FILE__, __LINE__, "cannot write %s", path);
		test_abort();
	}
	fputs(content, f);
	fclose(f);
	return path;
}

char *test_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[4096];

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			data = realloc(data, cap);
		}
		memcpy(data + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (!data)
		data = calloc(1, 1);
	else
		data[len] = '\0';
	return data;
}

int test_wait_child(pid_t pid, int seconds, int *status)
{
	struct timespec start, now, tick = {0, 10 * 1000 * 1000};
	int st;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t got = waitpid(pid, &st, WNOHANG | WUNTRACED | __WALL);
		if (got == pid && !WIFSTOPPED(st)) {
			*status = st;
			return 0;
		}
		if (got == pid) {
			test_fail(__FILE__, __LINE__, "child %d stopped by signal %d (%s)", (int)pid,
				  WSTOPSIG(st), strsignal(WSTOPSIG(st)));
			break;
		}
		if (got < 0) {
			test_fail(__FILE__, __LINE__, "cannot wait for child %d", (int)pid);
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= seconds) {
			test_fail(__FILE__, __LINE__, "child %d still running after %d s", (int)pid,
				  seconds);
			break;
		}
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL); /* ends a stopped or traced child too */
	waitpid(pid, &st, __WALL);
	return -1;
}

static const char *short_file(const char *file)
{
	const char *s = strrchr(file, '/');
	return s ? s + 1 : file;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	struct test_case *rev = NULL, *next;
	static struct test_case *tc;
	char label[512];

	/* Cases that start sandboxed commands re-execute this binary as the launcher. */
	if (argc > 0 && strcmp(short_file(argv[0]), "codex-linux-sandbox") == 0)
		return sandbox_launcher_main(argc, argv);

	/* Registration order is reversed; restore the source order. */
	for (tc = cases; tc; tc = next) {
		next = tc->next;
		tc->next = rev;
		rev = tc;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (tc = rev; tc; tc = tc->next) {
		snprintf(label, sizeof label, "unit %s:%s", short_file(tc->file), tc->name);
		if (filter && !strstr(label, filter))
			continue;
		case_failed = 0;
		capturing = 0;
		if (setjmp(case_abort) == 0)
			tc->fn();
		failalloc_disarm();
		tmpdir_cleanup();
		printf("%s - %s\n", case_failed ? "not ok" : "ok", label);
		failed += case_failed;
		ran++;
	}
	if (ran == 0 && filter) {
		printf("not ok - no unit test matches %s\n", filter);
		return 1;
	}
	return failed ? 1 : 0;
}
