// WebhookListener: the HTTP listener GHL delivers webhooks to (cpp-httplib,
// included only in its .cc), on its own port (--webhook-listen), separate
// from gRPC, /metrics and /oauth/callback.
//
//   POST /webhooks/ghl  the delivery: the raw body and the `X-GHL-Signature`
//                       / `x-wh-signature` headers (names case-insensitive)
//                       go to WebhookReceiver::Handle; its status and
//                       text/plain message are the answer (200 logged,
//                       400 malformed, 401 bad signature or stale, 409
//                       replay, 413 too large, 429 log unavailable: retry).
//   GET  /healthz       200 "ok".
// Any other path is 404; another method on /webhooks/ghl is 405. Only the
// one path is served, so a URL configured wrongly at GHL fails visibly.
// Nothing logs a body or a header value.
//
// Connections are served by a pool of `threads` threads (cpp-httplib's
// task queue); more concurrent deliveries than threads wait in its queue,
// so 1,000 at once all complete. Stop() closes the port, then waits for the
// deliveries in flight (their appends) to finish.
//
// Thread-safety: Start/Stop from one thread; requests are concurrent.
#ifndef GHL_SERVER_WEBHOOK_LISTENER_H_
#define GHL_SERVER_WEBHOOK_LISTENER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "adapters/ghl/webhooks/webhook_receiver.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace ghl::server {

/// The path deliveries are POSTed to (give GHL https://<host>/webhooks/ghl).
inline constexpr char kWebhookPath[] = "/webhooks/ghl";

struct WebhookListenerOptions {
  /// Threads serving connections.
  int threads = 64;
  /// Bodies larger than this are cut off by the HTTP layer (413); the
  /// receiver applies its own cap below it.
  size_t max_body_bytes = 1 << 20;
};

class WebhookListener {
 public:
  WebhookListener(std::shared_ptr<ghl::webhooks::WebhookReceiver> receiver,
                  WebhookListenerOptions options = {});
  ~WebhookListener();
  WebhookListener(const WebhookListener&) = delete;
  WebhookListener& operator=(const WebhookListener&) = delete;

  /// Binds `listen` (host:port, port 0 picks one) and serves on a thread.
  /// @return UNAVAILABLE naming the address when it cannot bind.
  absl::Status Start(const std::string& listen);
  /// Stops accepting, finishes the requests in flight. Idempotent.
  void Stop();
  /// The bound port (0 before Start).
  int port() const { return port_; }
  /// The URL deliveries go to, as bound ("http://host:port/webhooks/ghl");
  /// behind a TLS proxy GHL is given the proxy's URL instead.
  std::string url() const;
  /// Whether GET /healthz on the bound port answers 200 within `timeout`
  /// (ghlctl doctor's reachability check, made from the gateway itself).
  bool ProbeHealthz(absl::Duration timeout) const;

 private:
  std::shared_ptr<ghl::webhooks::WebhookReceiver> receiver_;
  WebhookListenerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_WEBHOOK_LISTENER_H_
