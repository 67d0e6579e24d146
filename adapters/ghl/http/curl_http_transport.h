// HttpTransport over libcurl easy handles.
//
// Connection reuse: finished easy handles go back to a pool and keep their
// connections alive, and every handle shares one DNS / TLS-session cache, so
// a paged export reuses one keep-alive connection per concurrent caller.
// Timeouts: a connect timeout and the request's total timeout; a response
// larger than `max_response_bytes` is aborted (INTERNAL: a retry would get the same answer), so a hostile or
// broken upstream cannot exhaust memory.
//
// Thread-safety: Send may be called from many threads at once; each call
// borrows its own easy handle.
#ifndef GHL_ADAPTERS_GHL_HTTP_CURL_HTTP_TRANSPORT_H_
#define GHL_ADAPTERS_GHL_HTTP_CURL_HTTP_TRANSPORT_H_

#include <cstddef>
#include <memory>

#include "absl/time/time.h"
#include "adapters/ghl/http/http_transport.h"

namespace ghl::http {

/// Settings of CurlHttpTransport.
struct CurlOptions {
  absl::Duration connect_timeout = absl::Seconds(5);
  size_t max_response_bytes = 32 << 20;
  /// Idle handles kept for reuse.
  size_t max_pooled_handles = 16;
  std::string user_agent = "ghl-gateway/0.1";
};

/// Creates the libcurl transport. curl_global_init runs once per process.
std::unique_ptr<HttpTransport> MakeCurlHttpTransport(CurlOptions options = {});

/// Checks that `url` is an http:// or https:// URL libcurl can use as a base
/// URL (a host, no query or fragment), so a typo fails at start, not on every
/// call. @return INVALID_ARGUMENT saying what is wrong.
absl::Status CheckBaseUrl(const std::string& url);

}  // namespace ghl::http

#endif  // GHL_ADAPTERS_GHL_HTTP_CURL_HTTP_TRANSPORT_H_
