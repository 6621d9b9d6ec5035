/* UUIDs for session (thread) ids: version 7 (RFC 9562), the unix time in milliseconds
 * followed by random bits, so ids sort by creation time, as upstream's later builds
 * make them. Text form only: 36 lowercase characters with hyphens. */
#ifndef CODEX_BASE_UUID_H
#define CODEX_BASE_UUID_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define UUID_STR_LEN 36

/* A new v7 uuid for the time unix_ms into out (UUID_STR_LEN + 1 bytes). Randomness
 * comes from getrandom(2); -1 with e filled when the kernel gives none. */
int uuid_v7(uint64_t unix_ms, char out[UUID_STR_LEN + 1], struct err *e);

/* The current time in milliseconds since the epoch, for uuid_v7. */
uint64_t uuid_now_ms(void);

/* True when s is a uuid in text form (8-4-4-4-12 hex digits, either case). */
bool uuid_valid(const char *s);

#endif
