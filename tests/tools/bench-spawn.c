/* Runs a command many times and measures it, for tests/bench/:
 *
 *   bench-spawn RUNS COMMAND [ARGS...]
 *
 * prints "<median ms> <p90 ms> <peak KiB>": wall time of each run (fork to reaped) and
 * the largest maximum resident set (wait4's ru_maxrss covers the whole process tree,
 * and counts the memory of the process that forked it too: being this small static
 * program, it adds almost nothing). Five warm-up runs go first. stdout and stderr of
 * the command go to /dev/null; a run that fails stops everything (exit 1). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WARMUP 5

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[1]) : 0;
	double *ms;
	long peak = 0;

	if (runs < 1) {
		fprintf(stderr, "usage: bench-spawn RUNS COMMAND [ARGS...]\n");
		return 2;
	}
	ms = calloc((size_t)runs, sizeof *ms);
	for (int i = -WARMUP; i < runs; i++) {
		struct rusage ru;
		double t0 = now_ms();
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);
			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench-spawn: %s failed (status %d)\n", argv[2], status);
			return 1;
		}
		if (i < 0)
			continue;
		ms[i] = now_ms() - t0;
		if (ru.ru_maxrss > peak)
			peak = ru.ru_maxrss;
	}
	qsort(ms, (size_t)runs, sizeof *ms, cmp);
	printf("%.2f %.2f %ld\n", ms[runs / 2], ms[(runs * 9 + 9) / 10 - 1], peak);
	free(ms);
	return 0;
}
