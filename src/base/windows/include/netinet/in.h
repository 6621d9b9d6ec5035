/* Windows build: all of it is in Winsock (see sys/socket.h). */
#include <sys/socket.h>
