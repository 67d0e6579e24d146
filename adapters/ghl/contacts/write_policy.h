// What every non-idempotent write (contacts, tasks, notes, tags, campaigns,
// ...) shares: it is re-sent only when GHL surely did not act on it (the
// request never left the process, or GHL's rate limiter refused it with a
// 429, which happens before any processing), and when it fails after GHL
// may have acted (a transport failure after sending, a 5xx, or a 422 to a
// write over a list, which GHL applies item by item) the status says so,
// so a caller checks before re-sending.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_WRITE_POLICY_H_
#define GHL_ADAPTERS_GHL_CONTACTS_WRITE_POLICY_H_

#include "absl/status/status.h"

namespace ghl::contacts {

/// True when GHL may have applied a write that ended in `status`.
/// @param multi_target the write names several items (a 422 may be partial).
bool MayHaveApplied(const absl::Status& status, bool multi_target);

/// `status` with "; GHL may have applied <operation> (not retried): check
/// before sending it again" when MayHaveApplied, else `status` unchanged.
absl::Status SayMayHaveApplied(const absl::Status& status, const char* operation,
                               bool multi_target);

/// A 429 is marked not sent (safe to re-send); anything else is unchanged.
absl::Status NotSentIfRateLimited(absl::Status status);

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_WRITE_POLICY_H_
