/* Windows build: interface names are not resolved (IPv6 zone ids by name): 0, which
 * callers treat as an unknown interface. */
#ifndef CODEX_WIN_NET_IF_H
#define CODEX_WIN_NET_IF_H
#include <sys/socket.h>
#define if_nametoindex(name) ((unsigned)0 * (unsigned)(name != NULL))
#endif
