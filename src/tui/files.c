/* The `@` file-search popup's data: the files under the cwd (listed once, on the first
 * `@`), and the ones matching a query. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "tui/internal.h"

/* A huge tree is cut here rather than walked for seconds. */
#define FILES_MAX 20000
#define FILES_DEPTH_MAX 16

/* Directories nobody means to mention: VCS data and dependency trees. */
static bool skipped_dir(const char *name)
{
	return name[0] == '.' || strcmp(name, "node_modules") == 0 || strcmp(name, "target") == 0 ||
	       strcmp(name, "build") == 0 || strcmp(name, "__pycache__") == 0;
}

static void walk(const char *root, const char *rel, int depth, struct tui_rows *out)
{
	char path[4096];
	DIR *d;
	struct dirent *de;

	if ((size_t)snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel) >= sizeof path)
		return; /* too deep to name: skipped */
	d = opendir(path);
	if (!d)
		return; /* unreadable: its files are simply not offered */
	while ((de = readdir(d)) && out->n < FILES_MAX) {
		char child[4096];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(child, sizeof child, "%s%s%s", rel, *rel ? "/" : "", de->d_name) >=
			    sizeof child ||
		    (size_t)snprintf(path, sizeof path, "%s/%s", root, child) >= sizeof path ||
		    lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (!skipped_dir(de->d_name) && depth < FILES_DEPTH_MAX)
				walk(root, child, depth + 1, out);
		} else if (S_ISREG(st.st_mode) && de->d_name[0] != '.') {
			(void)!tui_rows_push(out, child, strlen(child));
		}
	}
	closedir(d);
}

void files_list(struct app *a)
{
	if (a->files_listed)
		return;
	a->files_listed = true;
	walk(a->o->cwd, "", 0, &a->files);
}

/* Case-insensitive subsequence; the score prefers a match in the file name, then
 * shorter paths. -1: no match. */
static long score(const char *path, const char *q)
{
	const char *p = path, *base = strrchr(path, '/');
	size_t qn = strlen(q);

	base = base ? base + 1 : path;
	for (const char *c = q; *c; c++) {
		while (*p && tolower((unsigned char)*p) != tolower((unsigned char)*c))
			p++;
		if (!*p)
			return -1;
		p++;
	}
	return (long)strlen(path) + (qn && strncasecmp(base, q, qn) == 0 ? 0 : strcasestr(base, q) ? 100 : 1000);
}

size_t files_match(struct app *a, const char *q, const char **out, size_t max)
{
	long best[8];
	size_t n = 0;

	if (max > 8)
		max = 8;
	for (size_t i = 0; i < a->files.n; i++) {
		long s = score(a->files.v[i], q);
		size_t k;
		if (s < 0 || (n == max && s >= best[n - 1]))
			continue;
		/* insertion into the best `max` so far, the worst one dropped */
		k = n < max ? n : max - 1;
		while (k > 0 && best[k - 1] > s) {
			best[k] = best[k - 1];
			out[k] = out[k - 1];
			k--;
		}
		best[k] = s;
		out[k] = a->files.v[i];
		if (n < max)
			n++;
	}
	return n;
}

bool files_at_token(const struct composer *c, size_t *start, size_t *len)
{
	const char *t = composer_text(c);
	size_t s = c->cur;

	while (s > 0 && t[s - 1] != ' ' && t[s - 1] != '\n' && t[s - 1] != '\t')
		s--;
	if (t[s] != '@' || s == c->cur)
		return false;
	*start = s;
	*len = c->cur - s;
	return true;
}
