/* The auth.json reader (and, inside it, the JWT claims decoder and the RFC 3339 parser):
 * any bytes either give a file that serialises and parses back to the same text, or a
 * clear error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_file f = AUTH_FILE_INIT, again = AUTH_FILE_INIT;
	struct err e;
	char *text, *text2;

	if (auth_file_parse((const char *)data, size, &f, &e) < 0)
		return 0;
	text = auth_file_serialize(&f);
	if (text) {
		if (auth_file_parse(text, strlen(text), &again, &e) < 0)
			abort();
		text2 = auth_file_serialize(&again);
		if (text2 && strcmp(text, text2) != 0)
			abort();
		free(text2);
		auth_file_free(&again);
	}
	free(text);
	auth_file_free(&f);
	return 0;
}
