// PacedHttpTransport: an HttpTransport decorator that makes every request
// with a `budget_key` (the GHL location) wait for its turn in the
// location's RateBudget and feeds every answer's X-RateLimit-* headers back
// into it, so all calls of a location (streams, unary calls, every service)
// share one budget and the gateway slows down instead of drawing 429s.
//
// - The wait happens before the request is sent, through the injected Clock,
//   in slices of at most `poll` so a cancelled caller stops waiting early
//   (CANCELLED, marked not sent).
// - A wait that would end past the request's deadline fails at once with
//   DEADLINE_EXCEEDED (marked not sent) instead of sleeping in vain.
// - A spent daily budget fails at once with RESOURCE_EXHAUSTED carrying
//   kRetryDelayPayload (marked not sent, and not retryable).
// - A request whose transport failure says it never left gives its
//   reservation back.
//
// Thread-safety: as thread-safe as the wrapped transport; the budget is
// internally locked. Ownership: shares the inner transport and the budget.
#ifndef GHL_ADAPTERS_GHL_HTTP_PACED_HTTP_TRANSPORT_H_
#define GHL_ADAPTERS_GHL_HTTP_PACED_HTTP_TRANSPORT_H_

#include <memory>

#include "absl/time/time.h"
#include "adapters/ghl/core/clock.h"
#include "adapters/ghl/core/rate_budget.h"
#include "adapters/ghl/http/http_transport.h"

namespace ghl::http {

/// GHL's rate-limit headers of a response (absent or malformed: -1).
RateLimitHeaders ReadRateLimitHeaders(const HttpResponse& response);

/// Settings of PacedHttpTransport.
struct PacingOptions {
  /// Not owned; must outlive the transport. Null: the real clock.
  Clock* clock = nullptr;
  /// Longest single sleep while waiting, so cancellation is noticed.
  absl::Duration poll = absl::Milliseconds(100);
};

/// Wraps `inner` so requests with a budget_key draw from `budget`.
std::shared_ptr<HttpTransport> MakePacedHttpTransport(std::shared_ptr<HttpTransport> inner,
                                                      std::shared_ptr<RateBudget> budget,
                                                      PacingOptions options = {});

}  // namespace ghl::http

#endif  // GHL_ADAPTERS_GHL_HTTP_PACED_HTTP_TRANSPORT_H_
