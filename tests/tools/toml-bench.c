/* toml-bench FILE [ROUNDS]: parses FILE ROUNDS times (default 1) with toml_parse and
 * prints the fastest round in milliseconds ("parse_ms <n>"), for tests/bench/config.sh.
 * Exit 1 with the error when the file does not parse. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "config/toml.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct buf in;
	struct err e = {{0}};
	int rounds = argc > 2 ? atoi(argv[2]) : 1;
	double best = -1;

	if (argc < 2 || rounds < 1) {
		fprintf(stderr, "usage: toml-bench FILE [ROUNDS]\n");
		return 2;
	}
	buf_init(&in, LIMIT_CONFIG_FILE_BYTES);
	if (file_read_all(argv[1], &in, &e) < 0) {
		err_print("toml-bench", &e);
		return 1;
	}
	for (int r = 0; r < rounds; r++) {
		double t0 = now_ms(), dt;
		struct toml_value *doc = toml_parse(in.data ? in.data : "", in.len, &e);

		dt = now_ms() - t0;
		if (!doc) {
			err_print("toml-bench", &e);
			buf_free(&in);
			return 1;
		}
		toml_free(doc);
		if (best < 0 || dt < best)
			best = dt;
	}
	printf("parse_ms %.3f\n", best);
	buf_free(&in);
	return 0;
}
