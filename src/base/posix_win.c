/* The POSIX calls the portable modules use, on Windows (see src/base/windows/posix.h
 * for why each exists). Paths are the C library's (the ANSI code page); descriptors are
 * the C library's, opened binary and not inherited. */
#include <windows.h>
#include <bcrypt.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>

#undef mkdir
#undef rename
#undef open
#undef fstat
#undef stat

/* Every descriptor and stdio stream in binary mode: a patch, a config file or the plan
 * JSON must come out with exactly the bytes written ("\n" never becomes "\r\n"). */
__attribute__((constructor)) static void binary_stdio(void)
{
	_fmode = _O_BINARY;
	_setmode(0, _O_BINARY);
	_setmode(1, _O_BINARY);
	_setmode(2, _O_BINARY);
}

/* errno from the last Win32 error, for the few calls that go through Win32. */
static int errno_from_win32(DWORD w)
{
	switch (w) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
		return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
		return EACCES;
	case ERROR_ALREADY_EXISTS:
	case ERROR_FILE_EXISTS:
		return EEXIST;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return ENOMEM;
	case ERROR_DISK_FULL:
	case ERROR_HANDLE_DISK_FULL:
		return ENOSPC;
	case ERROR_DIR_NOT_EMPTY:
		return ENOTEMPTY;
	case ERROR_FILENAME_EXCED_RANGE:
		return ENAMETOOLONG;
	default:
		return EIO;
	}
}

int posix_win_mkdir(const char *path, int mode)
{
	return _mkdir(path);
}

/* POSIX rename replaces an existing target in one step; the C library's refuses. */
int posix_win_rename(const char *from, const char *to)
{
	if (MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
		return 0;
	errno = errno_from_win32(GetLastError());
	return -1;
}

static bool is_directory_handle(HANDLE h)
{
	BY_HANDLE_FILE_INFORMATION fi;

	return GetFileInformationByHandle(h, &fi) &&
	       (fi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
}

/* path in UTF-16 (the manifest makes the ANSI code page UTF-8, but CreateFileW is
 * explicit); NULL with errno set. */
static wchar_t *wide_path(const char *path)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
	wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;

	if (!w || MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, w, n) <= 0) {
		free(w);
		errno = n > 0 ? ENOMEM : EINVAL;
		return NULL;
	}
	return w;
}

int posix_win_open(const char *path, int flags, ...)
{
	int mode = 0;

	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	if (flags & O_DIRECTORY) {
		wchar_t *w = wide_path(path);
		HANDLE h;
		int fd;
		if (!w)
			return -1;
		h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
				NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
		free(w);
		if (h == INVALID_HANDLE_VALUE) {
			errno = errno_from_win32(GetLastError());
			return -1;
		}
		if (!(GetFileType(h) == FILE_TYPE_DISK && is_directory_handle(h))) {
			CloseHandle(h);
			errno = ENOTDIR;
			return -1;
		}
		if ((fd = _open_osfhandle((intptr_t)h, _O_RDONLY | _O_NOINHERIT)) < 0)
			CloseHandle(h);
		return fd;
	}
	/* Windows keeps only the owner's write bit (read-only or not). */
	return _open(path, (flags & ~O_NONBLOCK) | _O_BINARY | _O_NOINHERIT,
		     mode & (_S_IREAD | _S_IWRITE) ?
		     mode & (_S_IREAD | _S_IWRITE) : _S_IREAD | _S_IWRITE);
}

/* The file's identity: its volume's serial number and (folded into the C library's
 * 16-bit st_ino) its file index. */
static void set_identity(HANDLE h, struct stat *st)
{
	BY_HANDLE_FILE_INFORMATION info;

	if (h != INVALID_HANDLE_VALUE && GetFileInformationByHandle(h, &info)) {
		st->st_dev = info.dwVolumeSerialNumber;
		st->st_ino = (_ino_t)(info.nFileIndexLow ^ (info.nFileIndexLow >> 16) ^
				      info.nFileIndexHigh);
	} else {
		st->st_dev = 0;
		st->st_ino = 0;
	}
}

/* No symlinks are followed specially: stat is lstat (S_ISLNK is always false). */
int posix_win_lstat(const char *path, struct stat *st)
{
	HANDLE h;

	if (stat(path, st) < 0)
		return -1;
	/* Access 0: attributes only; FILE_FLAG_BACKUP_SEMANTICS opens directories too. */
	h = CreateFileA(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
			OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
	set_identity(h, st);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	return 0;
}

int posix_win_fstat(int fd, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return -1;
	set_identity((HANDLE)_get_osfhandle(fd), st);
	return 0;
}

ssize_t posix_win_readlink(const char *path, char *buf, size_t n)
{
	errno = EINVAL; /* not a symlink, as POSIX says of a regular file */
	return -1;
}

/* The absolute path of an existing file, with '/' separators (like getcwd's). */
char *posix_win_realpath(const char *path, char *resolved)
{
	char full[PATH_MAX];
	DWORD n = GetFullPathNameA(path, sizeof full, full, NULL);
	struct stat st;

	if (n == 0 || n >= sizeof full) {
		errno = n ? ENAMETOOLONG : errno_from_win32(GetLastError());
		return NULL;
	}
	if (stat(full, &st) < 0)
		return NULL;
	for (char *p = full; *p; p++)
		if (*p == '\\')
			*p = '/';
	if (resolved) {
		memcpy(resolved, full, (size_t)n + 1);
		return resolved;
	}
	return strdup(full);
}

/* A new file from a template ending in XXXXXX, created exclusively. */
int posix_win_mkostemp(char *tmpl, int flags)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(tmpl);
	char *x;

	if (len < 6 || strcmp(tmpl + len - 6, "XXXXXX") != 0) {
		errno = EINVAL;
		return -1;
	}
	x = tmpl + len - 6;
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned char r[6];
		int fd;
		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
			return -1;
		for (int i = 0; i < 6; i++)
			x[i] = chars[r[i] % (sizeof chars - 1)];
		fd = _open(tmpl, _O_RDWR | _O_CREAT | _O_EXCL | _O_BINARY | _O_NOINHERIT,
			   _S_IREAD | _S_IWRITE);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* Only the owner's write bit exists; the file stays writable for us either way until
 * it is closed, so this succeeds without changing anything. */
int posix_win_fchmod(int fd, int mode)
{
	return 0;
}

int posix_win_fsync(int fd)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);

	if (h != INVALID_HANDLE_VALUE && is_directory_handle(h))
		return 0; /* see O_DIRECTORY in posix.h */
	return _commit(fd);
}

char *posix_win_getcwd(char *buf, size_t n)
{
	char *cwd = _getcwd(buf, (int)(n > INT_MAX ? INT_MAX : n));

	for (char *p = cwd; p && *p; p++)
		if (*p == '\\')
			*p = '/';
	return cwd;
}

uid_t posix_win_getuid(void)
{
	return 0;
}

/* The user's profile directory stands in for the home directory. */
struct passwd *getpwuid(int uid)
{
	static struct passwd pw;
	static char dir[PATH_MAX];
	const char *profile = getenv("USERPROFILE");
	size_t len = profile ? strlen(profile) : 0;

	if (!len || len >= sizeof dir)
		return NULL;
	memcpy(dir, profile, len + 1);
	for (char *p = dir; *p; p++) /* '/' separators, like getcwd's */
		if (*p == '\\')
			*p = '/';
	pw.pw_name = (char *)"user";
	pw.pw_dir = dir;
	pw.pw_shell = (char *)"cmd.exe";
	return &pw;
}

ssize_t getrandom(void *buf, size_t n, unsigned flags)
{
	if (n > ULONG_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (BCryptGenRandom(NULL, buf, (ULONG)n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)n;
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	ssize_t total = 0;

	for (int i = 0; i < n; i++) {
		const char *p = iov[i].iov_base;
		size_t left = iov[i].iov_len;
		while (left) {
			int w = _write(fd, p, left > INT_MAX ? INT_MAX : (unsigned)left);
			if (w < 0)
				return total ? total : -1;
			total += w;
			p += w;
			left -= (size_t)w;
			if (w == 0)
				return total;
		}
	}
	return total;
}

void *mmap(void *addr, size_t n, int prot, int flags, int fd, off_t off)
{
	errno = ENODEV;
	return MAP_FAILED;
}

int munmap(void *addr, size_t n)
{
	errno = EINVAL;
	return -1;
}

int madvise(void *addr, size_t n, int advice)
{
	errno = EINVAL;
	return -1;
}


int faccessat(int dirfd, const char *path, int mode, int flags)
{
	return _access(path, mode);
}

/* The volatile pointer keeps the compiler from dropping the stores as dead. */
void explicit_bzero(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = malloc(len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *memrchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	while (n--)
		if (p[n] == (unsigned char)c)
			return (void *)(p + n);
	return NULL;
}

char *strcasestr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (_strnicmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return n ? NULL : (char *)haystack;
}

/* Locks the whole file (all 64 bits of range) through the descriptor's handle. */
int flock(int fd, int op)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov;
	DWORD flags = (op & LOCK_EX ? LOCKFILE_EXCLUSIVE_LOCK : 0) |
		      (op & LOCK_NB ? LOCKFILE_FAIL_IMMEDIATELY : 0);

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	memset(&ov, 0, sizeof ov);
	if (op & LOCK_UN) {
		if (UnlockFileEx(h, 0, MAXDWORD, MAXDWORD, &ov))
			return 0;
	} else if (LockFileEx(h, flags, 0, MAXDWORD, MAXDWORD, &ov)) {
		return 0;
	}
	errno = GetLastError() == ERROR_LOCK_VIOLATION || GetLastError() == ERROR_IO_PENDING
			? EWOULDBLOCK
			: errno_from_win32(GetLastError());
	return -1;
}

/* A read at off that leaves the descriptor's position alone, as POSIX pread does. */
ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov;
	DWORD got = 0;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	memset(&ov, 0, sizeof ov);
	ov.Offset = (DWORD)((unsigned long long)off & 0xffffffffu);
	ov.OffsetHigh = (DWORD)((unsigned long long)off >> 32);
	if (!ReadFile(h, buf, n > MAXDWORD ? MAXDWORD : (DWORD)n, &got, &ov)) {
		if (GetLastError() == ERROR_HANDLE_EOF)
			return 0;
		errno = errno_from_win32(GetLastError());
		return -1;
	}
	return (ssize_t)got;
}

/* The real version (RtlGetVersion: GetVersionEx lies to programs without a manifest
 * entry for the running Windows). */
int uname(struct utsname *u)
{
	typedef LONG(WINAPI * get_version_fn)(OSVERSIONINFOW *);
	OSVERSIONINFOW v;
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");
	get_version_fn get = nt ? (get_version_fn)(void (*)(void))GetProcAddress(nt, "RtlGetVersion")
				: NULL;
	DWORD len = sizeof u->nodename;

	memset(u, 0, sizeof *u);
	memset(&v, 0, sizeof v);
	v.dwOSVersionInfoSize = sizeof v;
	snprintf(u->sysname, sizeof u->sysname, "Windows");
	if (!GetComputerNameA(u->nodename, &len))
		u->nodename[0] = '\0';
	if (get && get(&v) == 0)
		snprintf(u->release, sizeof u->release, "%lu.%lu.%lu",
			 (unsigned long)v.dwMajorVersion, (unsigned long)v.dwMinorVersion,
			 (unsigned long)v.dwBuildNumber);
	snprintf(u->machine, sizeof u->machine, "x86_64");
	return 0;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov;
	DWORD put = 0;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	memset(&ov, 0, sizeof ov);
	ov.Offset = (DWORD)((unsigned long long)off & 0xffffffffu);
	ov.OffsetHigh = (DWORD)((unsigned long long)off >> 32);
	if (!WriteFile(h, buf, n > MAXDWORD ? MAXDWORD : (DWORD)n, &put, &ov)) {
		errno = errno_from_win32(GetLastError());
		return -1;
	}
	return (ssize_t)put;
}

#undef fopen
FILE *posix_win_fopen(const char *path, const char *mode)
{
	char m[16];
	size_t n = 0;

	for (const char *c = mode; *c && n < sizeof m - 1; c++)
		if (*c != 'e')
			m[n++] = *c;
	m[n] = '\0';
	/* codex-lint: no-cloexec Windows does not inherit C library files unless asked */
	return fopen(path, m);
}
