/* The sign-in callback server's request parser: any bytes give "need more", a request
 * or a refusal, never a crash or a read past the input; a parsed request's strings are
 * whole C strings, and feeding the same head again gives the same answer (the server
 * re-parses what it has after each read). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_callback_request r, again;
	enum auth_callback_status st, st2;
	/* A private copy without a terminator: the parser must honour the length. */
	char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	st = auth_callback_parse(copy, size, &r);
	if (st == AUTH_CALLBACK_DONE) {
		if (!r.path || r.path[0] != '/' || strlen(r.method) == 0)
			abort();
		/* Touch every string so ASan sees a bad one. */
		(void)strlen(r.path);
		if (r.code)
			(void)strlen(r.code);
		if (r.state)
			(void)strlen(r.state);
		if (r.error)
			(void)strlen(r.error);
		if (r.error_description)
			(void)strlen(r.error_description);
	}
	st2 = auth_callback_parse(copy, size, &again);
	if (st2 != st)
		abort();
	if (st == AUTH_CALLBACK_DONE && strcmp(r.path, again.path) != 0)
		abort();
	auth_callback_request_free(&r);
	auth_callback_request_free(&again);
	free(copy);
	return 0;
}
