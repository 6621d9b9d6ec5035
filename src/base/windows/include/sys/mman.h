/* Windows build: no mmap; every call fails, and callers take their read() path. */
#ifndef CODEX_WIN_SYS_MMAN_H
#define CODEX_WIN_SYS_MMAN_H
#include <stddef.h>
#include <sys/types.h>
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_SHARED 1
#define MAP_FAILED ((void *)-1)
void *mmap(void *addr, size_t n, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t n);
#define MADV_POPULATE_WRITE 23
int madvise(void *addr, size_t n, int advice);
#endif
