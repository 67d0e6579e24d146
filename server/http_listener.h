// The gateway's own HTTP listeners (/metrics, /oauth/callback, the webhook
// listener) share two things here:
//   - ListenExclusively: cpp-httplib's defaults include SO_REUSEPORT, with
//     which a second process binds a port already in use without an error
//     and the kernel splits the connections between the two (scrapes would
//     alternate between gateways). SO_REUSEADDR alone still allows a quick
//     restart.
//   - ServeInBackground: bind host:port (port 0 picks one) and run the
//     accept loop on a thread, returning once it accepts (stop() is a no-op
//     before that).
//
// Thread-safety: call from the thread that owns the server (Start/Stop).
// Errors: UNAVAILABLE naming the address and the flag.
#ifndef GHL_SERVER_HTTP_LISTENER_H_
#define GHL_SERVER_HTTP_LISTENER_H_

#include <httplib.h>
#include <sys/socket.h>

#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ghl::server {

/// Makes `server` refuse a port another listener holds.
inline void ListenExclusively(httplib::Server& server) {
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
}

/// Binds `listen` ("host:port"; "[v6]:port" too) exclusively (as
/// ListenExclusively) and starts `*thread` on the accept loop; `flag` names
/// the option in errors ("metrics-listen"). `backlog` > 0 raises the listen
/// queue above cpp-httplib's fixed 5 (a burst of connections beyond the
/// queue waits for SYN retransmits, seconds each).
/// @return the bound port.
absl::StatusOr<int> ServeInBackground(httplib::Server& server, const std::string& listen,
                                      absl::string_view flag, std::thread* thread,
                                      int backlog = 0);

/// Stops `server` and joins `*thread` (nothing when it never started).
void StopServing(httplib::Server& server, std::thread* thread);

}  // namespace ghl::server

#endif  // GHL_SERVER_HTTP_LISTENER_H_
