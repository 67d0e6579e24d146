// absl::Status -> grpc::Status, in one place. The codes are numerically the
// same; the message keeps GHL's message and trace id (see core/status.h).
// A status carrying kRetryDelayPayload (e.g. a spent daily budget) also
// gets a google.rpc.RetryInfo detail (grpc-status-details-bin), so callers
// know when to come back without parsing text.
//
// Thread-safety: pure functions.
#ifndef GHL_SERVER_GRPC_STATUS_H_
#define GHL_SERVER_GRPC_STATUS_H_

#include <chrono>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ghl::server {

/// Type URL of the RetryInfo detail (the google.rpc one; see
/// proto/ghl/rpc/v1/error_details.proto).
inline constexpr char kRetryInfoTypeUrl[] = "type.googleapis.com/google.rpc.RetryInfo";

grpc::Status ToGrpcStatus(const absl::Status& status);

/// A gRPC deadline as an absl::Time (InfiniteFuture when none was set).
absl::Time FromGrpcDeadline(std::chrono::system_clock::time_point deadline);

}  // namespace ghl::server

#endif  // GHL_SERVER_GRPC_STATUS_H_
