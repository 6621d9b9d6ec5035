#include "base/uuid.h"

#include <errno.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

uint64_t uuid_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int uuid_v7(uint64_t unix_ms, char out[UUID_STR_LEN + 1], struct err *e)
{
	unsigned char b[16];
	size_t got = 0;

	while (got < 10) {
		ssize_t n = getrandom(b + 6 + got, 10 - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(e, errno, "cannot get random bytes for a session id");
		}
		got += (size_t)n;
	}
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(unix_ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | (b[6] & 0x0f)); /* version 7 */
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f)); /* variant 10 */
	snprintf(out, UUID_STR_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
	return 0;
}

bool uuid_valid(const char *s)
{
	for (int i = 0; i < UUID_STR_LEN; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			     (c >= 'A' && c <= 'F'))) {
			return false;
		}
	}
	return s[UUID_STR_LEN] == '\0';
}
