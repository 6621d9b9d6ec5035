/* The apply_patch roles: the same texts and exit codes as upstream's binary
 * (reference §3, §5): 0 applied, 1 failed, 2 usage. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bigbuf.h"
#include "base/err.h"
#include "base/limits.h"
#include "patch/internal.h"

#define RUN_AS_FLAG "--codex-run-as-apply-patch"

static void write_out(FILE *f, const char *s, size_t n)
{
	/* A closed stdout or stderr cannot be reported anywhere else; the exit code
	 * still tells the caller what happened. */
	if (n)
		(void)!fwrite(s, 1, n, f);
	fflush(f);
}

static int fail(const char *text)
{
	write_out(stderr, text, strlen(text));
	return EXIT_FAILURE_GENERIC;
}

/* Parses and applies text in the current directory; prints the summary or the error.
 * text outlives the patch. */
static int run(const char *text, size_t len)
{
	struct patch_options opts = {patch_eol_mode_from_env()};
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	struct buf out;
	char *cwd = getcwd(NULL, 0);
	int rc;

	if (!cwd) {
		fprintf(stderr, "Error: Failed to determine current directory.\n%s (os error %d)\n",
			strerror(errno), errno);
		return EXIT_FAILURE_GENERIC;
	}
	buf_init(&out, (size_t)-1 / 2);
	if (patch_parse_borrowed(text, len, &p, &pe) == 0 && patch_apply(p, cwd, &opts, NULL, &pe) == 0) {
		rc = EXIT_OK;
		if (patch_summary(p, &out) < 0)
			rc = fail("Error: out of memory\n");
		else
			write_out(stdout, out.data, out.len);
	} else {
		rc = EXIT_FAILURE_GENERIC;
		if (patch_error_text(&pe, PATCH_ERROR_CLI, &out) < 0 || buf_putc(&out, '\n') < 0)
			fail("out of memory\n");
		else
			write_out(stderr, out.data, out.len);
	}
	buf_free(&out);
	patch_error_free(&pe);
	patch_free(p);
	free(cwd);
	return rc;
}

/* Reads stdin to the end into in; -1 with errno set (EFBIG: over in->max). A regular
 * file is read straight into a buffer of its size. */
static int read_stdin(struct buf *in)
{
	char chunk[65536];
	struct stat st;

	if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < in->max && !in->data) {
		in->data = bigbuf_alloc((size_t)st.st_size + 1);
		if (!in->data) {
			errno = ENOMEM;
			return -1;
		}
		in->cap = (size_t)st.st_size + 1;
		in->data[0] = '\0';
		while (in->len + 1 < in->cap) {
			ssize_t n = read(STDIN_FILENO, in->data + in->len, in->cap - in->len - 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -1;
			if (n == 0)
				return 0;
			in->len += (size_t)n;
			in->data[in->len] = '\0';
		}
	}
	for (;;) {
		ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if ((size_t)n > in->max - in->len) {
			errno = EFBIG;
			return -1;
		}
		if (buf_append(in, chunk, (size_t)n) < 0) {
			errno = ENOMEM;
			return -1;
		}
	}
}

int patch_main(int argc, char **argv)
{
	struct buf in;
	int rc;

	if (argc >= 2) {
		if (!utf8_valid(argv[1], strlen(argv[1])))
			return fail("Error: apply_patch requires a UTF-8 PATCH argument.\n");
		if (argc > 2) {
			fputs("Error: apply_patch accepts exactly one argument.\n", stderr);
			return EXIT_USAGE;
		}
		return run(argv[1], strlen(argv[1]));
	}
	/* No argument: the patch comes on stdin (how patches beyond the kernel's
	 * argument size limit get in). */
	buf_init(&in, LIMIT_PATCH_BYTES);
	if (read_stdin(&in) < 0) {
		if (errno == EFBIG)
			fprintf(stderr, "Error: Failed to read PATCH from stdin.\n"
				"patch is larger than the %u-byte limit\n", LIMIT_PATCH_BYTES);
		else
			fprintf(stderr, "Error: Failed to read PATCH from stdin.\n%s (os error %d)\n",
				strerror(errno), errno);
		buf_free(&in);
		return EXIT_FAILURE_GENERIC;
	}
	if (in.len == 0) {
		fputs("Usage: apply_patch 'PATCH'\n       echo 'PATCH' | apply_patch\n", stderr);
		buf_free(&in);
		return EXIT_USAGE;
	}
	if (!utf8_valid(in.data, in.len)) {
		buf_free(&in);
		return fail("Error: Failed to read PATCH from stdin.\n"
			    "stream did not contain valid UTF-8\n");
	}
	rc = run(in.data, in.len);
	buf_free(&in);
	return rc;
}

int patch_main_run_as(int argc, char **argv)
{
	if (argc < 2 || !utf8_valid(argv[1], strlen(argv[1])))
		return fail("Error: " RUN_AS_FLAG " requires a UTF-8 PATCH argument.\n");
	return run(argv[1], strlen(argv[1]));
}
