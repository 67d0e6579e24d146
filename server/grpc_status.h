// absl::Status -> grpc::Status, in one place. The codes are numerically the
// same; the message keeps GHL's message and trace id (see core/status.h).
// Details (grpc-status-details-bin, google.rpc.Status), so callers in any
// language act on errors without parsing text:
// - an upstream error: google.rpc.ErrorInfo {reason GHL_HTTP_<code>,
//   domain services.leadconnectorhq.com, metadata http_code, trace_id};
// - an INVALID_ARGUMENT naming its field ("field: what is wrong"):
//   google.rpc.BadRequest with that field violation;
// - a status carrying kRetryDelayPayload (e.g. a spent daily budget):
//   google.rpc.RetryInfo, so callers know when to come back.
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
/// Type URLs of the ErrorInfo and BadRequest details.
inline constexpr char kErrorInfoTypeUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
inline constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";
/// ErrorInfo.domain of upstream errors.
inline constexpr char kGhlErrorDomain[] = "services.leadconnectorhq.com";

grpc::Status ToGrpcStatus(const absl::Status& status);

/// A gRPC deadline as an absl::Time (InfiniteFuture when none was set).
absl::Time FromGrpcDeadline(std::chrono::system_clock::time_point deadline);

}  // namespace ghl::server

#endif  // GHL_SERVER_GRPC_STATUS_H_
