// SendAuthorized: sends one GHL request with a location's bearer token and,
// when GHL answers 401, tells the token source and retries exactly once with
// the token it then gives (a renewed OAuth token). Static tokens are not
// retried, nor is a 401 for a missing scope (a new token has the same scopes). This is the one place the stubs get a token and set the
// `Authorization` header.
//
// Thread-safety: as safe as the token source and transport (both must allow
// concurrent use).
#ifndef GHL_ADAPTERS_GHL_AUTH_AUTHORIZED_SEND_H_
#define GHL_ADAPTERS_GHL_AUTH_AUTHORIZED_SEND_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/http/http_transport.h"

namespace ghl::auth {

/// Adds `Authorization: Bearer <token of location_id>` to `request`, sends it,
/// and on a 401 retries once if `tokens.Invalidate` allows.
/// @param token_used set to the token of the answer returned (for redaction).
/// @return the transport's answer (any HTTP status), the transport's error,
///         or the token source's error (e.g. FAILED_PRECONDITION).
absl::StatusOr<http::HttpResponse> SendAuthorized(TokenSource& tokens,
                                                  http::HttpTransport& transport,
                                                  absl::string_view location_id,
                                                  http::HttpRequest request,
                                                  std::string* token_used);

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_AUTHORIZED_SEND_H_
