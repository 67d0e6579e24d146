// The HTTP seam of the gateway. Everything above it speaks HttpRequest /
// HttpResponse values; CurlHttpTransport (curl_http_transport.cc, the only
// file that includes <curl/curl.h>) is the production implementation, and
// tests use FakeHttpTransport or a gmock.
//
// Send returns HTTP errors (4xx/5xx) as values: only transport failures
// (DNS, connect, TLS, timeout, reset, oversized body) are a non-OK status,
// always UNAVAILABLE, marked "not sent" when the request surely never left.
//
// Thread-safety: implementations must allow concurrent Send calls.
#ifndef GHL_ADAPTERS_GHL_HTTP_HTTP_TRANSPORT_H_
#define GHL_ADAPTERS_GHL_HTTP_HTTP_TRANSPORT_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ghl::http {

/// One HTTP request.
struct HttpRequest {
  std::string method = "GET";
  /// Absolute URL, query included.
  std::string url;
  /// Header name/value pairs, sent in order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Total time allowed for this exchange.
  absl::Duration timeout = absl::Seconds(30);
  /// Whether sending this request twice is harmless. GET always is. For any
  /// other method, false makes the transport use a fresh connection, so it
  /// never re-sends on its own (libcurl silently repeats a request whose
  /// reused keep-alive connection turns out dead, which would apply a write
  /// twice).
  bool idempotent = false;
  /// The caller's absolute deadline (its gRPC deadline): no transport waits
  /// or sends past it (the exchange's timeout is cut to fit).
  absl::Time deadline = absl::InfiniteFuture();
  /// Returns true once the caller has gone away; a paced wait ends early.
  /// May be empty.
  std::function<bool()> cancelled;
  /// The request budget this request draws from (the GHL location id; see
  /// PacedHttpTransport). Empty: not paced. Never sent on the wire.
  std::string budget_key;
};

/// One HTTP response. Header names are lower-cased.
struct HttpResponse {
  int status_code = 0;
  std::map<std::string, std::string> headers;
  std::string body;

  /// The header value or empty.
  std::string Header(absl::string_view lower_name) const;
};

/// Sends HTTP requests.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  /// Sends `request` and waits for the whole response.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
  /// Sends `request` and calls `done` once with the outcome, possibly on
  /// another thread. The default runs Send inline; an implementation with an
  /// event loop can override it without changing callers.
  virtual void SendAsync(HttpRequest request,
                         std::function<void(absl::StatusOr<HttpResponse>)> done) {
    done(Send(request));
  }
};

/// Percent-encodes a query or path component (RFC 3986 unreserved kept).
std::string UrlEncode(absl::string_view s);

}  // namespace ghl::http

#endif  // GHL_ADAPTERS_GHL_HTTP_HTTP_TRANSPORT_H_
