// Test helpers for the webhook listener and WatchEvents (issue 6): a GHL
// stand-in that signs deliveries with generated keys (WebhookSigner, the
// keys written as ghl-sandbox writes them), posts them over HTTP, and a
// reader that collects a whole WatchEvents stream.
#ifndef GHL_TESTS_INTEGRATION_WEBHOOK_SUPPORT_H_
#define GHL_TESTS_INTEGRATION_WEBHOOK_SUPPORT_H_

#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "adapters/ghl/webhooks/webhook_signer.h"
#include "ghl/contacts/v1/events_service.grpc.pb.h"

namespace ghl::testing {

/// Signs bodies as GHL would, with the keys of a key directory.
class FakeGhl {
 public:
  /// Creates (or loads) the key pairs in `key_dir`.
  explicit FakeGhl(const std::string& key_dir) {
    auto keys = ghl::webhooks::LoadOrCreateKeyDir(key_dir);
    if (!keys.ok()) {
      error_ = std::string(keys.status().message());
      return;
    }
    keys_ = *keys;
    auto signer = ghl::webhooks::WebhookSigner::Create(keys_.ed25519.private_pem, keys_.rsa.private_pem);
    if (!signer.ok()) {
      error_ = std::string(signer.status().message());
      return;
    }
    signer_ = *std::move(signer);
  }
  const std::string& error() const { return error_; }
  const ghl::webhooks::WebhookKeyDir& keys() const { return keys_; }
  const ghl::webhooks::WebhookSigner& signer() const { return *signer_; }

  /// A ContactCreate body for `location` with `webhook_id`, `timestamp` now
  /// + `skew`.
  static std::string ContactCreate(const std::string& location, const std::string& contact_id,
                                   const std::string& webhook_id,
                                   absl::Duration skew = absl::ZeroDuration()) {
    return absl::StrCat(R"({"type":"ContactCreate","locationId":")", location, R"(","id":")",
                        contact_id, R"(","firstName":"Test","webhookId":")", webhook_id,
                        R"(","timestamp":")", Rfc3339(absl::Now() + skew), R"("})");
  }
  /// A TaskCreate body.
  static std::string TaskCreate(const std::string& location, const std::string& task_id,
                                const std::string& webhook_id) {
    return absl::StrCat(R"({"type":"TaskCreate","locationId":")", location, R"(","id":")", task_id,
                        R"(","contactId":"c-of-)", task_id, R"(","title":"Call","webhookId":")",
                        webhook_id, R"(","timestamp":")", Rfc3339(absl::Now()), R"("})");
  }
  static std::string Rfc3339(absl::Time t) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
  }

  /// The headers of a delivery of `body`, signed with Ed25519 (and RSA).
  httplib::Headers Sign(const std::string& body, bool ed25519 = true, bool rsa = true) const {
    httplib::Headers headers;
    if (ed25519) headers.emplace("X-GHL-Signature", *signer_->SignEd25519(body));
    if (rsa) headers.emplace("x-wh-signature", *signer_->SignRsa(body));
    return headers;
  }

 private:
  std::string error_;
  ghl::webhooks::WebhookKeyDir keys_;
  std::unique_ptr<ghl::webhooks::WebhookSigner> signer_;
};

/// POSTs `body` to /webhooks/ghl on 127.0.0.1:port. @return the HTTP status,
/// or -1 when no answer arrived (connection refused or reset).
inline int PostWebhook(httplib::Client& client, const std::string& body,
                       const httplib::Headers& headers, std::string* answer = nullptr) {
  auto res = client.Post("/webhooks/ghl", headers, body, "application/json");
  if (!res) return -1;
  if (answer) *answer = res->body;
  return res->status;
}

/// A whole WatchEvents stream (stop_at_end, or cut after `max_events`).
struct WatchResult {
  grpc::Status status;
  std::vector<ghl::contacts::v1::WatchEventsResponse> messages;
  std::vector<ghl::contacts::v1::Event> events;
};

inline WatchResult WatchAll(ghl::contacts::v1::EventsService::Stub& stub,
                            const ghl::contacts::v1::WatchEventsRequest& request,
                            std::chrono::seconds deadline = std::chrono::seconds(120)) {
  WatchResult out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  auto reader = stub.WatchEvents(&ctx, request);
  ghl::contacts::v1::WatchEventsResponse message;
  while (reader->Read(&message)) {
    out.messages.push_back(message);
    if (message.has_event()) out.events.push_back(message.event());
  }
  out.status = reader->Finish();
  return out;
}

}  // namespace ghl::testing

#endif  // GHL_TESTS_INTEGRATION_WEBHOOK_SUPPORT_H_
