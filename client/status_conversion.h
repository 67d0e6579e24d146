// The one place where a grpc::Status becomes an absl::Status.
//
// Why: the client library speaks absl::Status like the rest of the code base
// (design.md, "No exception crosses a module boundary"); gRPC and abseil use
// the same canonical code numbers, so the conversion keeps code and message
// and carries gRPC's binary error details (a serialized google.rpc.Status,
// e.g. with ErrorInfo holding GHL's trace id) as a payload.
//
// Threading: pure functions.
#ifndef GHL_CLIENT_STATUS_CONVERSION_H_
#define GHL_CLIENT_STATUS_CONVERSION_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ghl::client {

/// Payload type URL under which FromGrpcStatus stores grpc::Status::error_details().
inline constexpr absl::string_view kGrpcErrorDetailsPayload = "type.googleapis.com/google.rpc.Status";

/// Converts a gRPC status: same code, same message; non-empty error details
/// are attached as the kGrpcErrorDetailsPayload payload.
/// @param status the status returned by a stub call or a stream's Finish().
/// @return OK for OK, otherwise an error with the same canonical code (an
///         out-of-range code becomes UNKNOWN).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace ghl::client

#endif  // GHL_CLIENT_STATUS_CONVERSION_H_
