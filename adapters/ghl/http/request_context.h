// RequestContext: what the gateway knows about the gRPC call an upstream
// request serves (its request id), and what the requests of that call
// report back (how many were sent, GHL's trace id of the last failed one),
// for the per-call log line (server/call_log.h).
//
// The context travels as a thread-local "current call": ScopedRequestContext
// installs it for the work of one call on one thread (a worker running a
// unary call, a stream reactor's page fetch, a search page fetched ahead),
// and RequestIdHttpTransport reads it for every request it sends: it adds
// `X-Request-Id: <id>` and counts the request. A request sent with no
// current call (token refreshes at start, tests) goes out unchanged.
//
// Thread-safety: RequestContext is safe for concurrent use (several threads
// may serve one call); the current-call slot is per thread.
// Errors: none (the decorator passes the inner transport's through).
#ifndef GHL_ADAPTERS_GHL_HTTP_REQUEST_CONTEXT_H_
#define GHL_ADAPTERS_GHL_HTTP_REQUEST_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/ghl/http/http_transport.h"

namespace ghl::http {

/// The header every upstream request of a call carries.
inline constexpr char kRequestIdHeader[] = "X-Request-Id";

class RequestContext {
 public:
  explicit RequestContext(std::string request_id) : request_id_(std::move(request_id)) {}
  const std::string& request_id() const { return request_id_; }
  /// Upstream requests sent for the call so far (retries included).
  int64_t upstream_calls() const { return upstream_calls_.load(); }
  /// GHL's trace id of the newest non-2xx answer (empty: none).
  std::string upstream_trace_id() const;
  /// Called by RequestIdHttpTransport for each answer.
  void RecordUpstream(const absl::StatusOr<HttpResponse>& answer);

 private:
  const std::string request_id_;
  std::atomic<int64_t> upstream_calls_{0};
  mutable std::mutex mu_;
  std::string trace_id_;  // guarded by mu_
};

/// The current thread's call context (null: none).
std::shared_ptr<RequestContext> CurrentRequestContext();

/// Installs `context` as the current thread's for its lifetime, restoring
/// the previous one after (scopes nest).
class ScopedRequestContext {
 public:
  explicit ScopedRequestContext(std::shared_ptr<RequestContext> context);
  ~ScopedRequestContext();
  ScopedRequestContext(const ScopedRequestContext&) = delete;
  ScopedRequestContext& operator=(const ScopedRequestContext&) = delete;

 private:
  std::shared_ptr<RequestContext> previous_;
};

/// The upstream trace id of a response's headers (x-trace-id, x-request-id
/// or x-amzn-trace-id), or empty.
std::string TraceHeader(const HttpResponse& r);

/// Wraps `inner`: adds X-Request-Id of the current call to each request and
/// records the answer in its context.
std::shared_ptr<HttpTransport> MakeRequestIdHttpTransport(std::shared_ptr<HttpTransport> inner);

}  // namespace ghl::http

#endif  // GHL_ADAPTERS_GHL_HTTP_REQUEST_CONTEXT_H_
