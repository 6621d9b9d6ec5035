/* Where TLS trust anchors come from. A static binary cannot rely on a build-time path,
 * so the roots are looked up at run time, in this order:
 *   1. $SSL_CERT_FILE (a PEM bundle; set but unreadable is an error, not a fallback)
 *   2. $SSL_CERT_DIR (colon-separated directories of PEM files; same rule)
 *   3. the usual distribution bundle files (Debian, Fedora/RHEL, openSUSE, Alpine, ...)
 *   4. the usual certificate directories
 *   5. Debian's ca-certificates bundle embedded at build time. */
#ifndef CODEX_BASE_CA_H
#define CODEX_BASE_CA_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

struct ca_roots {
	/* Exactly one of file / pem is set. file: borrowed (environment or a static
	 * string), lives for the process. pem: PEM text (owned by the struct when
	 * pem_owned.data is set, else the embedded bundle). */
	const char *file;
	const char *pem;
	size_t pem_len;
	struct buf pem_owned;
	char source[300]; /* for messages: "SSL_CERT_FILE=/x", "/etc/ssl/...", "embedded" */
};

/* Finds the roots as described above. Free with ca_roots_free. */
int ca_roots_find(struct ca_roots *out, struct err *e);
void ca_roots_free(struct ca_roots *r);

/* Collects every PEM certificate found in the files of dir (non-recursive) into out.
 * Returns the number of certificates added, or -1. */
long ca_collect_dir(const char *dir, struct buf *out, struct err *e);

#endif
