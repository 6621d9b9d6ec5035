/* The Windows entry point (linked with -municode): the command line as UTF-8, which the
 * portable code expects (a patch with "é" in it must arrive as those bytes, not in the
 * ANSI code page), then the same main() as on Linux (src/main.c). */
#include <windows.h>

#include <stdlib.h>

int main(int argc, char **argv);

int wmain(int argc, wchar_t **wargv)
{
	char **argv = calloc((size_t)argc + 1, sizeof *argv);

	if (!argv)
		return 1;
	for (int i = 0; i < argc; i++) {
		int n = WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, NULL, 0, NULL, NULL);
		if (n <= 0 || !(argv[i] = malloc((size_t)n)) ||
		    WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, argv[i], n, NULL, NULL) <= 0)
			return 1; /* out of memory before anything ran: nothing to report to */
	}
	return main(argc, argv);
}
