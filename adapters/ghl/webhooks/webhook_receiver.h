// WebhookReceiver: what the gateway does with one webhook delivery, in the
// order GHL's guide prescribes and nothing acknowledged before it is durable:
//   1. size cap, then signature over the raw bytes (401 if it fails);
//   2. parse (400 if the body is not a JSON object with a string `type`);
//   3. timestamp window: `timestamp` more than `window` away from now, in
//      either direction, is stale (rejected, 401 — a replay GHL would not
//      retry; a delivery without a timestamp is kept and flagged, the
//      signature and dedupe still hold);
//   4. dedupe by webhookId, atomically with the append (a replay: 409, not
//      logged again; GHL does not retry it);
//   5. append to the EventLog; only then 200. If the log cannot take it:
//      429, so GHL retries (GHL retries only on 429). GHL's retry of such a
//      delivery may come after the window: the webhookIds answered 429 are
//      remembered (in memory, the newest 100,000), and their retry is not
//      refused as stale (dedupe still holds, so it is logged at most once).
// Every outcome is counted (ghl_gateway_webhook_deliveries_total{outcome})
// and none logs the body or its personal data.
//
// The HTTP listener (server/) only extracts the two signature headers and the
// body and writes back the result.
//
// Thread-safety: Handle is safe for concurrent use.
#ifndef GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_RECEIVER_H_
#define GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_RECEIVER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "adapters/ghl/core/clock.h"
#include "adapters/ghl/core/metrics.h"
#include "adapters/ghl/webhooks/event_log.h"
#include "adapters/ghl/webhooks/webhook_verifier.h"

namespace ghl::webhooks {

enum class DeliveryOutcome {
  kAccepted,        ///< logged; 200
  kDuplicate,       ///< webhookId (or body) already logged; 409
  kBadSignature,    ///< 401
  kStale,           ///< outside the timestamp window; 401
  kMalformed,       ///< 400
  kTooLarge,        ///< over max_body_bytes; 413
  kLogUnavailable,  ///< the log could not make it durable; 429
};

/// "accepted", "duplicate", "bad_signature", "stale", "malformed",
/// "too_large", "log_unavailable" (the metric's `outcome` label).
const char* DeliveryOutcomeName(DeliveryOutcome outcome);

struct DeliveryResult {
  int http_status = 500;
  DeliveryOutcome outcome = DeliveryOutcome::kMalformed;
  /// Short text/plain answer for the sender; never contains body data.
  std::string message;
  /// The event's offset when accepted, the original one when duplicate.
  int64_t offset = 0;
};

struct ReceiverOptions {
  absl::Duration window = absl::Minutes(5);
  size_t max_body_bytes = 1 << 20;
};

class WebhookReceiver {
 public:
  /// `clock` and `registry` may be null (DefaultClock(), DefaultRegistry()).
  WebhookReceiver(std::shared_ptr<const WebhookVerifier> verifier, std::shared_ptr<EventLog> log,
                  ReceiverOptions options = {}, Clock* clock = nullptr,
                  metrics::Registry* registry = nullptr);

  DeliveryResult Handle(absl::string_view ghl_signature, absl::string_view wh_signature,
                        absl::string_view raw_body);

 private:
  std::shared_ptr<const WebhookVerifier> verifier_;
  std::shared_ptr<EventLog> log_;
  ReceiverOptions options_;
  Clock* clock_;
  metrics::Family<metrics::Counter>* deliveries_;
  // webhookIds answered 429, oldest first (bounded); see step 5.
  absl::Mutex deferred_mu_;
  absl::flat_hash_set<std::string> deferred_ ABSL_GUARDED_BY(deferred_mu_);
  std::deque<std::string> deferred_order_ ABSL_GUARDED_BY(deferred_mu_);
};

}  // namespace ghl::webhooks

#endif  // GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_RECEIVER_H_
