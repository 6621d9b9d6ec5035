/* js_repl on Windows (js_repl.h): not ported yet; the feature is turned off for the
 * session with this reason, as upstream turns it off when Node is unusable. */
#include "agent/js_repl.h"

int js_repl_node_resolve(const char *cfg_path, char **out, struct err *e)
{
	(void)cfg_path;
	*out = NULL;
	return err_set(e, "js_repl is not available in the Windows build yet");
}

char *js_repl_tmp_dir_new(void)
{
	return NULL;
}

void js_repl_tmp_dir_remove(const char *path)
{
	(void)path;
}
