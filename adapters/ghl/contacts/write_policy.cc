#include "adapters/ghl/contacts/write_policy.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/core/retry.h"
#include "adapters/ghl/core/status.h"

namespace ghl::contacts {

bool MayHaveApplied(const absl::Status& status, bool multi_target) {
  if (status.ok() || IsNotSent(status)) return false;
  const std::optional<int> http = UpstreamHttpCode(status);
  if (!http) {
    // A transport failure after sending (timeout, reset): the request may
    // have been processed.
    return status.code() == absl::StatusCode::kUnavailable ||
           status.code() == absl::StatusCode::kDeadlineExceeded ||
           status.code() == absl::StatusCode::kUnknown;
  }
  return *http >= 500 || (multi_target && *http == 422);
}

absl::Status SayMayHaveApplied(const absl::Status& status, const char* operation,
                               bool multi_target) {
  if (!MayHaveApplied(status, multi_target)) return status;
  const bool partial = multi_target && UpstreamHttpCode(status) == 422;
  absl::Status out(status.code(), absl::StrCat(status.message(), "; GHL may have applied ",
                                               partial ? "part of " : "", operation,
                                               " (not retried): check before sending it again"));
  status.ForEachPayload([&out](absl::string_view k, const absl::Cord& v) { out.SetPayload(k, v); });
  return out;
}

absl::Status NotSentIfRateLimited(absl::Status status) {
  // GHL's rate limiter refuses before any processing: safe to resend.
  if (UpstreamHttpCode(status) == 429) return MarkNotSent(std::move(status));
  return status;
}

}  // namespace ghl::contacts
