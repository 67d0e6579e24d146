#include "server/http_listener.h"

#include <atomic>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/core/clock.h"

namespace ghl::server {

absl::StatusOr<int> ServeInBackground(httplib::Server& server, const std::string& listen,
                                      absl::string_view flag, std::thread* thread,
                                      int backlog) {
  const auto colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": expected host:port"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  // The listening socket, seen by the socket-options hook (same options as
  // ListenExclusively), so its queue can be raised once it listens.
  auto socket = std::make_shared<std::atomic<int>>(-1);
  server.set_socket_options([socket](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    socket->store(sock);
  });
  const int bound =
      port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen, " (--", flag, ")"));
  }
  // listen(2) again on a listening socket only resizes its queue.
  if (backlog > 0 && socket->load() >= 0) ::listen(socket->load(), backlog);
  *thread = std::thread([&server] { server.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it (bounded).
  for (int i = 0; i < 10000 && !server.is_running(); ++i) {
    DefaultClock().SleepFor(absl::Milliseconds(1));
  }
  if (!server.is_running()) {
    StopServing(server, thread);
    return absl::DeadlineExceededError(absl::StrCat("the --", flag, " listener did not start"));
  }
  return bound;
}

void StopServing(httplib::Server& server, std::thread* thread) {
  if (!thread->joinable()) return;
  server.stop();
  thread->join();
}

}  // namespace ghl::server
