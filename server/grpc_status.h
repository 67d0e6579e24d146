// absl::Status -> grpc::Status, in one place. The codes are numerically the
// same; the message keeps GHL's message and trace id (see core/status.h).
#ifndef GHL_SERVER_GRPC_STATUS_H_
#define GHL_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ghl::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace ghl::server

#endif  // GHL_SERVER_GRPC_STATUS_H_
