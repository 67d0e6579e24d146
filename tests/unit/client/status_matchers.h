// StatusIs / IsOk matchers for absl::Status and absl::StatusOr in the client
// tests (abseil 20220623 ships none).
#ifndef GHL_TESTS_UNIT_CLIENT_STATUS_MATCHERS_H_
#define GHL_TESTS_UNIT_CLIENT_STATUS_MATCHERS_H_

#include <gmock/gmock.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ghl::client::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER_P2(StatusIs, code, message_matcher, "") {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(status.message()), result_listener);
}

MATCHER(IsOk, "") {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.ok();
}

}  // namespace ghl::client::testing

#endif  // GHL_TESTS_UNIT_CLIENT_STATUS_MATCHERS_H_
