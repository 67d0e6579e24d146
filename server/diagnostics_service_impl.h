// DiagnosticsServiceImpl: the gRPC DiagnosticsService (behind `ghlctl
// doctor`). CheckLocation reports, for one location, the credential the
// gateway holds (presence, kind, scopes, expiry; never a token), one live
// read (GET /contacts/{id}, or POST /contacts/search with pageLimit 1) whose
// X-RateLimit-* headers fill the rate-limit headroom, and the webhook
// listener's state from an injected WebhookStatusProvider. Every finding is
// a plain sentence in `problems`; only a bad request is an error
// (INVALID_ARGUMENT naming the field).
//
// LocationDiagnostics holds the logic (tested with a FakeHttpTransport);
// the service only runs it on the worker pool behind caller auth (scope
// contacts.readonly, see caller_auth.cc).
//
// Thread-safety: both classes are immutable after construction and serve
// concurrent calls; the provider must be safe to call concurrently.
#ifndef GHL_SERVER_DIAGNOSTICS_SERVICE_IMPL_H_
#define GHL_SERVER_DIAGNOSTICS_SERVICE_IMPL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/contacts/rest_call.h"
#include "adapters/ghl/http/http_transport.h"
#include "ghl/contacts/v1/diagnostics_service.grpc.pb.h"
#include "server/worker_pool.h"

namespace ghl::server {

/// What the webhook listener says about one location.
struct WebhookStatus {
  /// Whether a listener is configured (--webhook-listen).
  bool configured = false;
  /// Whether it answered the gateway's probe (GET /healthz).
  bool reachable = false;
  /// The URL GHL should send to.
  std::string url;
  /// Events of the location in the event log.
  int64_t events_logged = 0;
  /// Newest event's receive time (InfinitePast: none).
  absl::Time last_event_time = absl::InfinitePast();
};

/// Answers WebhookStatus for a location id. Must be safe for concurrent use.
using WebhookStatusProvider = std::function<WebhookStatus(const std::string& location_id)>;

/// The provider of a gateway without a webhook listener: "not configured".
WebhookStatusProvider NoWebhookListener();

/// Below this share of X-RateLimit-Max (or of the daily limit) left, the
/// headroom is reported as a problem.
inline constexpr double kLowHeadroomShare = 0.1;

class LocationDiagnostics {
 public:
  /// @param webhooks null: NoWebhookListener().
  LocationDiagnostics(std::shared_ptr<http::HttpTransport> transport, std::string base_url,
                      std::shared_ptr<auth::TokenSource> tokens, absl::Duration timeout,
                      WebhookStatusProvider webhooks = nullptr);

  /// Runs every check. `options.timeout` is replaced by the configured one.
  /// @return INVALID_ARGUMENT naming location_id or contact_id; otherwise
  ///         OK with the findings (a failed read is a problem, not an error).
  absl::StatusOr<ghl::contacts::v1::CheckLocationResponse> Check(
      const ghl::contacts::v1::CheckLocationRequest& request,
      contacts::CallOptions options) const;

 private:
  std::shared_ptr<auth::TokenSource> tokens_;
  contacts::GhlRestCall rest_;
  absl::Duration timeout_;
  WebhookStatusProvider webhooks_;
};

class DiagnosticsServiceImpl final
    : public ghl::contacts::v1::DiagnosticsService::CallbackService {
 public:
  /// `pool` must outlive the gRPC server.
  DiagnosticsServiceImpl(std::shared_ptr<const LocationDiagnostics> diagnostics, WorkerPool* pool)
      : diagnostics_(std::move(diagnostics)), pool_(pool) {}

  grpc::ServerUnaryReactor* CheckLocation(
      grpc::CallbackServerContext* context,
      const ghl::contacts::v1::CheckLocationRequest* request,
      ghl::contacts::v1::CheckLocationResponse* response) override;

 private:
  std::shared_ptr<const LocationDiagnostics> diagnostics_;
  WorkerPool* pool_;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_DIAGNOSTICS_SERVICE_IMPL_H_
