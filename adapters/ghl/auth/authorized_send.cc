#include "adapters/ghl/auth/authorized_send.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/core/status.h"

namespace ghl::auth {

absl::StatusOr<http::HttpResponse> SendAuthorized(TokenSource& tokens,
                                                  http::HttpTransport& transport,
                                                  absl::string_view location_id,
                                                  http::HttpRequest request,
                                                  std::string* token_used) {
  // First, where the stubs always put it.
  request.headers.insert(request.headers.begin(), {"Authorization", ""});
  const size_t auth_index = 0;
  for (int attempt = 0;; ++attempt) {
    auto token = tokens.GetToken(location_id);
    if (!token.ok()) return token.status();
    request.headers[auth_index].second = absl::StrCat("Bearer ", *token);
    *token_used = *std::move(token);
    auto response = transport.Send(request);
    // A 401 for a missing scope ("not authorized for this scope", which the
    // status table reads as PERMISSION_DENIED) is not cured by a new token.
    if (!response.ok() || response->status_code != 401 || attempt > 0 ||
        HttpStatusToStatus(401, response->body).code() != absl::StatusCode::kUnauthenticated ||
        !tokens.Invalidate(location_id, *token_used)) {
      return response;
    }
  }
}

}  // namespace ghl::auth
