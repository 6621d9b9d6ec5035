/* Private to src/agent/: local images as data URLs (user images, view_image). */
#ifndef CODEX_AGENT_MEDIA_H
#define CODEX_AGENT_MEDIA_H

#include "base/err.h"

/* Images larger than this are refused: the API takes about 20 MB per image. */
#define MEDIA_IMAGE_MAX_BYTES (20u * 1024 * 1024)

/* "data:image/png;base64,..." for the image file at path (PNG, JPEG, GIF or WebP, by
 * its first bytes). Caller frees; NULL with e saying why. */
char *media_image_data_url(const char *path, struct err *e);

#endif
