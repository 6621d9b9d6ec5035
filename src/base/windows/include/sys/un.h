/* Windows build: struct sockaddr_un from afunix.h. */
#include <sys/socket.h>
