// WebhookSender: delivers the sandbox's webhooks as GHL does. Each event
// (webhook_events.h) is signed over the exact body bytes sent
// (`X-GHL-Signature`: Ed25519, `x-wh-signature`: RSA-SHA256, base64; which
// ones per WebhookOptions::signature) with the sandbox's test keys
// (ghl::webhooks::LoadOrCreateKeyDir) and POSTed as application/json.
//
// Retry rule (GHL's): only a 429 answer is retried, after a backoff
// (Retry-After seconds when the answer has it, else initial_backoff doubling
// per attempt, both capped at max_backoff), up to max_attempts attempts in
// all. Any other answer (2xx delivered; 3xx/4xx/5xx final) and a connection
// error or timeout are final. Failures are counted by reason and logged to
// stderr by type and webhookId only (never the body: it holds personal
// data).
//
// Delivery runs on `delivery_threads` background threads with one bounded
// queue over all of them: Emit never blocks and never does I/O (a full
// queue drops the event, counted as "queue_full"). A location's events all
// go through one thread, so they arrive in the order Emit saw them (callers
// emit under the store's write lock, i.e. in the order of the changes).
// An event emitted while no URL is set (or webhooks are disabled) is not
// queued (counted in not_queued). Stop(): every pending event, and one
// waiting for its retry, gets one more attempt and is then dropped
// ("shutdown" when that attempt would have been retried); attempts not
// started within WebhookOptions::shutdown_grace of Stop are dropped as
// "shutdown" too, so a hanging receiver cannot hold shutdown.
//
// Thread-safety: every public method is safe to call concurrently.
// Errors: Create and Configure return INVALID_ARGUMENT for a URL that is not
// `http[s]://host[:port][/path]` and the key-dir errors of LoadOrCreateKeyDir
// (naming the file, never key material).
#ifndef GHL_TOOLS_GHL_SANDBOX_WEBHOOK_SENDER_H_
#define GHL_TOOLS_GHL_SANDBOX_WEBHOOK_SENDER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/ghl-sandbox/sandbox_options.h"

namespace ghl::webhooks {
class WebhookSigner;
}  // namespace ghl::webhooks

namespace ghl::sandbox {

/// A webhook URL split for the HTTP client.
struct WebhookUrl {
  std::string origin;  ///< "http://host:port" or "https://host:port"
  std::string path;    ///< "/path?query" ("/" when the URL has none)
};
/// Parses `http[s]://host[:port][/path]` (https verifies the server's
/// certificate against the system's CAs).
/// @return INVALID_ARGUMENT naming the URL's problem.
absl::StatusOr<WebhookUrl> ParseWebhookUrl(absl::string_view url);

/// The wait after the `attempt`-th attempt (1-based) was answered 429 with
/// header Retry-After `retry_after` ("" when absent): Retry-After's
/// delta-seconds when it is a non-negative number, else
/// initial_backoff * 2^(attempt-1); either capped at max_backoff.
absl::Duration WebhookRetryDelay(const WebhookOptions& options, int attempt,
                                 absl::string_view retry_after);

/// Delivery counters since creation.
struct WebhookStats {
  bool enabled = false;
  std::string url;             ///< the URL in force ("" when none)
  uint64_t queued = 0;         ///< events accepted for delivery
  uint64_t not_queued = 0;     ///< events while no URL was set or webhooks were disabled
  uint64_t pending = 0;        ///< queued and not yet final
  uint64_t sent = 0;           ///< HTTP attempts made (retries included)
  uint64_t delivered_2xx = 0;  ///< events answered 2xx
  uint64_t retried_429 = 0;    ///< 429 answers followed by another attempt
  /// Events that ended undelivered, by reason: "http_<status>",
  /// "connection", "attempts_exhausted" (429 to the last attempt),
  /// "queue_full", "shutdown", "disabled" (URL cleared while queued),
  /// "sign_error".
  std::map<std::string, uint64_t> failed_final;
  std::map<std::string, uint64_t> by_type;  ///< queued events per event type
  int last_status = 0;  ///< the last attempt's HTTP status; 0 none yet; -1 no answer
};

/// See the file comment.
class WebhookSender {
 public:
  /// Loads the key dir now when `options.url` is set (else on the first
  /// Configure that sets one) and starts the delivery threads.
  static absl::StatusOr<std::unique_ptr<WebhookSender>> Create(WebhookOptions options);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  /// Queues one event of `location_id` (or counts it as not queued). Never
  /// blocks; the body is built, stamped and signed on a delivery thread.
  /// @param timestamp the change's time, RFC 3339 UTC with milliseconds.
  void Emit(absl::string_view type, absl::string_view location_id, std::string resource_json,
            std::string timestamp);

  /// Changes the URL (when given; "" turns webhooks off) and/or enabling.
  /// Queued events go to the URL in force when they are sent.
  /// @return INVALID_ARGUMENT for a bad URL, the key-dir errors; nothing
  ///         changes then.
  absl::Status Configure(std::optional<std::string> url, std::optional<bool> enabled);

  /// Whether an event emitted now would be queued (a URL is set, enabled,
  /// not stopped).
  bool Active() const;

  /// The key directory (resolved default included).
  const std::string& key_dir() const { return key_dir_; }
  WebhookStats Stats() const;

  /// Stops after the last attempts (see the file comment); idempotent.
  /// Emit after Stop counts as not queued.
  void Stop();

 private:
  struct Event {
    std::string type;
    std::string location_id;
    std::string resource_json;
    std::string timestamp;
    std::string webhook_id;
  };
  struct Shard {
    std::deque<Event> queue;  // guarded by mu_
    std::thread thread;
  };

  explicit WebhookSender(WebhookOptions options);
  absl::Status LoadKeysLocked();  // mu_ held
  void Run(Shard* shard);
  void Deliver(const Event& event);
  // Counts and logs an event that ends undelivered.
  void Final(const Event& event, const std::string& reason, int attempts,
             absl::string_view detail = "");

  const WebhookOptions options_;
  const std::string key_dir_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;                                  // guarded by mu_
  absl::Time stop_deadline_;                               // guarded by mu_
  bool enabled_ = true;                                    // guarded by mu_
  std::string url_;                                        // guarded by mu_
  std::optional<WebhookUrl> parsed_url_;                   // guarded by mu_
  std::shared_ptr<const webhooks::WebhookSigner> signer_;  // guarded by mu_
  std::vector<std::unique_ptr<Shard>> shards_;
  WebhookStats stats_;    // guarded by mu_ (enabled/url/pending filled in Stats)
  uint64_t pending_ = 0;  // guarded by mu_
};

/// GET /_sandbox/webhooks: `{"enabled", "url", "keyDir", "signature",
/// "queued", "notQueued", "pending", "sent", "delivered2xx", "retried429",
/// "failedFinal": {reason: n}, "lastStatus", "byType": {type: n}}`.
std::string WebhookStatsJson(const WebhookStats& stats, absl::string_view key_dir,
                             WebhookSignature signature);

/// POST /_sandbox/webhooks: applies `{"url": "http://..." | "", "enabled":
/// bool}` (both optional) to `sender`.
/// @return INVALID_ARGUMENT naming the member for a body that is not such an
///         object (unknown members included), and Configure's errors.
absl::Status ConfigureWebhooksJson(absl::string_view body, WebhookSender& sender);

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_WEBHOOK_SENDER_H_
