#include "base/ca.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/limits.h"

/* From src/base/ca_embedded.S. */
extern const char ca_embedded_bundle[];
extern const char ca_embedded_bundle_end[];

static const char *const bundle_files[] = {
	"/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Arch, Gentoo */
	"/etc/pki/tls/certs/ca-bundle.crt",                  /* Fedora, RHEL 6 */
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* CentOS, RHEL 7+ */
	"/etc/ssl/ca-bundle.pem",                            /* openSUSE */
	"/etc/pki/tls/cacert.pem",                           /* OpenELEC */
	"/etc/ssl/cert.pem",                                 /* Alpine, the BSDs, macOS */
	NULL,
};

static const char *const cert_dirs[] = {
	"/etc/ssl/certs",                /* SLES, Debian without the bundle */
	"/etc/pki/tls/certs",
	"/system/etc/security/cacerts",  /* Android */
	NULL,
};

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_end[] = "-----END CERTIFICATE-----";

/* Appends every certificate block of text to out; returns how many, or -1. */
static long append_pem_blocks(const char *text, struct buf *out)
{
	long n = 0;
	const char *p = text;

	while ((p = strstr(p, pem_begin))) {
		const char *end = strstr(p, pem_end);
		if (!end)
			break;
		end += sizeof pem_end - 1;
		if (buf_append(out, p, (size_t)(end - p)) < 0 || buf_putc(out, '\n') < 0)
			return -1;
		n++;
		p = end;
	}
	return n;
}

struct seen_files {
	dev_t dev[4096];
	ino_t ino[4096];
	size_t n;
};

/* Directories such as /etc/ssl/certs hold each certificate under several names
 * (hash links, .pem links, and the bundle): read each inode once. */
static int seen_before(struct seen_files *seen, const struct stat *st)
{
	for (size_t i = 0; i < seen->n; i++)
		if (seen->dev[i] == st->st_dev && seen->ino[i] == st->st_ino)
			return 1;
	if (seen->n < sizeof seen->dev / sizeof seen->dev[0]) {
		seen->dev[seen->n] = st->st_dev;
		seen->ino[seen->n] = st->st_ino;
		seen->n++;
	}
	return 0;
}

long ca_collect_dir(const char *dir, struct buf *out, struct err *e)
{
	struct seen_files *seen;
	struct dirent *de;
	long total = 0;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		/* A missing directory in a search list is skipped, as OpenSSL does. */
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return err_sys(e, errno, "cannot open certificate directory %s", dir);
	}
	seen = calloc(1, sizeof *seen);
	if (!seen) {
		closedir(d);
		return err_set(e, "out of memory");
	}
	while ((de = readdir(d))) {
		struct stat st;
		struct buf text;
		char *path;
		long n;

		if (de->d_name[0] == '.')
			continue;
		path = path_join(dir, de->d_name);
		if (!path)
			goto oom;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || seen_before(seen, &st)) {
			free(path);
			continue;
		}
		buf_init(&text, LIMIT_CA_BUNDLE_BYTES);
		/* An unreadable file among many is skipped, as OpenSSL does for a hashed dir. */
		if (file_read_all(path, &text, NULL) == 0 && text.data) {
			n = append_pem_blocks(text.data, out);
			if (n < 0) {
				buf_free(&text);
				free(path);
				closedir(d);
				free(seen);
				return err_set(e, "certificates in %s exceed %u bytes", dir,
					       LIMIT_CA_BUNDLE_BYTES);
			}
			total += n;
		}
		buf_free(&text);
		free(path);
	}
	closedir(d);
	free(seen);
	return total;
oom:
	closedir(d);
	free(seen);
	return err_set(e, "out of memory");
}

static int readable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* Uses the directories of a colon-separated list; 0 when certificates were found. */
static int use_dir_list(struct ca_roots *out, const char *list, const char *what,
			struct err *e)
{
	char *copy = strdup(list), *save = NULL, *dir;
	long n = 0;

	if (!copy)
		return err_set(e, "out of memory");
	buf_init(&out->pem_owned, LIMIT_CA_BUNDLE_BYTES);
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		long k = ca_collect_dir(dir, &out->pem_owned, e);
		if (k < 0) {
			free(copy);
			buf_free(&out->pem_owned);
			return -1;
		}
		n += k;
	}
	free(copy);
	if (n == 0) {
		buf_free(&out->pem_owned);
		return err_set(e, "no certificates found in %s", what);
	}
	out->pem = out->pem_owned.data;
	out->pem_len = out->pem_owned.len;
	return 0;
}

int ca_roots_find(struct ca_roots *out, struct err *e)
{
	const char *env;

	memset(out, 0, sizeof *out);
	buf_init(&out->pem_owned, LIMIT_CA_BUNDLE_BYTES);

	/* Upstream's own variable first (its HTTP clients read CODEX_CA_CERTIFICATE, else
	 * SSL_CERT_FILE), so a proxy's CA can be given to codex alone. */
	static const char *const file_vars[] = {"CODEX_CA_CERTIFICATE", "SSL_CERT_FILE"};
	for (size_t i = 0; i < 2; i++) {
		env = getenv(file_vars[i]);
		if (!env || !*env)
			continue;
		if (!readable_file(env))
			return err_sys(e, errno ? errno : EACCES, "%s=%s cannot be read",
				       file_vars[i], env);
		out->file = env;
		snprintf(out->source, sizeof out->source, "%s=%s", file_vars[i], env);
		return 0;
	}
	env = getenv("SSL_CERT_DIR");
	if (env && *env) {
		char what[300];
		snprintf(what, sizeof what, "SSL_CERT_DIR=%s", env);
		if (use_dir_list(out, env, what, e) < 0)
			return -1;
		snprintf(out->source, sizeof out->source, "%s", what);
		return 0;
	}
	for (size_t i = 0; bundle_files[i]; i++) {
		if (readable_file(bundle_files[i])) {
			out->file = bundle_files[i];
			snprintf(out->source, sizeof out->source, "%s", bundle_files[i]);
			return 0;
		}
	}
	for (size_t i = 0; cert_dirs[i]; i++) {
		struct err ignored;
		if (use_dir_list(out, cert_dirs[i], cert_dirs[i], &ignored) == 0) {
			snprintf(out->source, sizeof out->source, "%s", cert_dirs[i]);
			return 0;
		}
	}
	out->pem = ca_embedded_bundle;
	out->pem_len = (size_t)(ca_embedded_bundle_end - ca_embedded_bundle);
	snprintf(out->source, sizeof out->source, "embedded");
	return 0;
}

void ca_roots_free(struct ca_roots *r)
{
	buf_free(&r->pem_owned);
	r->pem = NULL;
	r->file = NULL;
}
