// Socket options for the gateway's own HTTP listeners (/metrics,
// /oauth/callback). cpp-httplib's defaults include SO_REUSEPORT, with which
// a second process binds a port already in use without an error and the
// kernel splits the connections between the two (scrapes would alternate
// between gateways). SO_REUSEADDR alone still allows a quick restart.
#ifndef GHL_SERVER_HTTP_LISTENER_H_
#define GHL_SERVER_HTTP_LISTENER_H_

#include <httplib.h>
#include <sys/socket.h>

namespace ghl::server {

/// Makes `server` refuse a port another listener holds.
inline void ListenExclusively(httplib::Server& server) {
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
}

}  // namespace ghl::server

#endif  // GHL_SERVER_HTTP_LISTENER_H_
