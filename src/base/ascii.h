/* ASCII character helpers for the protocol and file-format parsers, which must not
 * depend on the C library's locale (isxdigit and friends do). */
#ifndef CODEX_BASE_ASCII_H
#define CODEX_BASE_ASCII_H

/* The value of a hexadecimal digit (either case), or -1 when c is not one. */
static inline int ascii_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
