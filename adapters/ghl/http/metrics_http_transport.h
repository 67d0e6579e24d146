// MetricsHttpTransport: an HttpTransport decorator that records every
// upstream exchange in the metrics registry (core/metrics.h):
//
//   ghl_gateway_upstream_requests_total{method,path,status}
//   ghl_gateway_upstream_request_duration_seconds{method,path}  (histogram)
//   ghl_gateway_upstream_rate_limited_total{location}           (429 answers)
//   ghl_gateway_rate_limit_remaining{location}                  (X-RateLimit-Remaining)
//
// `path` is a template (UpstreamPathTemplate): ids are replaced by {id} and
// the query is dropped, so labels never carry raw ids. `status` is the HTTP
// code, or "error" for a transport failure. Wrap the transport that really
// sends (below pacing), so the latency is the upstream's, not a paced wait.
//
// Thread-safety: as thread-safe as the wrapped transport.
#ifndef GHL_ADAPTERS_GHL_HTTP_METRICS_HTTP_TRANSPORT_H_
#define GHL_ADAPTERS_GHL_HTTP_METRICS_HTTP_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "adapters/ghl/core/metrics.h"
#include "adapters/ghl/http/http_transport.h"

namespace ghl::http {

/// The URL's path with every segment that is not a fixed word (lower-case
/// letters, '-' and '_') replaced by {id}; no scheme, host or query.
/// "https://h/contacts/AbC123/tasks?x=1" -> "/contacts/{id}/tasks".
std::string UpstreamPathTemplate(absl::string_view url);

/// Wraps `inner`; records into `registry` (null: DefaultRegistry()).
std::shared_ptr<HttpTransport> MakeMetricsHttpTransport(std::shared_ptr<HttpTransport> inner,
                                                        metrics::Registry* registry = nullptr);

}  // namespace ghl::http

#endif  // GHL_ADAPTERS_GHL_HTTP_METRICS_HTTP_TRANSPORT_H_
