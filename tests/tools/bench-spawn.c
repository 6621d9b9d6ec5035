/* Runs a command many times and measures it, for tests/bench/:
 *
 *   bench-spawn [-w WARMUP] [-p PREPARE] [-i STDIN] [-C DIR] RUNS COMMAND [ARGS...]
 *
 * prints "<median ms> <p90 ms> <peak KiB>": wall time of each run (fork to reaped) and
 * the largest maximum resident set (wait4's ru_maxrss covers the whole process tree,
 * and counts the memory of the process that forked it too: being this small static
 * program, it adds almost nothing). WARMUP runs (default 5) go first. PREPARE, a
 * /bin/sh command, runs before every run, untimed (a fresh copy of the files a run
 * changes); the command reads STDIN (default /dev/null) and runs in DIR. stdout and
 * stderr of the command go to /dev/null; a run that fails stops everything (exit 1). */
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
	const char *prepare = NULL, *in = "/dev/null", *dir = NULL;
	int warmup = WARMUP, runs, opt;
	double *ms;
	long peak = 0;

	while ((opt = getopt(argc, argv, "+w:p:i:C:")) != -1) {
		switch (opt) {
		case 'w':
			warmup = atoi(optarg);
			break;
		case 'p':
			prepare = optarg;
			break;
		case 'i':
			in = optarg;
			break;
		case 'C':
			dir = optarg;
			break;
		default:
			return 2;
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	runs = argc > 2 ? atoi(argv[1]) : 0;
	if (runs < 1 || warmup < 0) {
		fprintf(stderr, "usage: bench-spawn [-w WARMUP] [-p PREPARE] [-i STDIN] [-C DIR] "
				"RUNS COMMAND [ARGS...]\n");
		return 2;
	}
	ms = calloc((size_t)runs, sizeof *ms);
	for (int i = -warmup; i < runs; i++) {
		struct rusage ru;
		double t0;
		int status;
		pid_t pid;

		if (prepare && system(prepare) != 0) {
			fprintf(stderr, "bench-spawn: %s failed\n", prepare);
			return 1;
		}
		t0 = now_ms();
		pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);
			int input = open(in, O_RDONLY | O_CLOEXEC);
			if (null < 0 || input < 0 || (dir && chdir(dir) < 0))
				_exit(126);
			dup2(input, 0);
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
