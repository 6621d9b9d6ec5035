/* Local images for the model: read, recognised by their magic bytes, base64-encoded. */
#include "agent/media.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/buf.h"
#include "base/file.h"

static const char *image_mime(const unsigned char *p, size_t n)
{
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && memcmp(p, "\xff\xd8\xff", 3) == 0)
		return "image/jpeg";
	if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		return "image/gif";
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}

char *media_image_data_url(const char *path, struct err *e)
{
	struct buf b, url;
	const char *mime;
	char *b64 = NULL, *res = NULL;

	buf_init(&b, MEDIA_IMAGE_MAX_BYTES);
	buf_init(&url, 2 * MEDIA_IMAGE_MAX_BYTES);
	if (file_read_all(path, &b, e) < 0)
		goto out;
	mime = image_mime((const unsigned char *)b.data, b.len);
	if (!mime) {
		err_set(e, "%s is not a PNG, JPEG, GIF or WebP image", path);
		goto out;
	}
	b64 = base64_encode(b.data, b.len, false);
	if (!b64 || buf_printf(&url, "data:%s;base64,%s", mime, b64) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	res = buf_take(&url);
out:
	free(b64);
	buf_free(&b);
	buf_free(&url);
	return res;
}
