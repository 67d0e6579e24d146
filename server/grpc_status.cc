#include "server/grpc_status.h"

#include <string>

#include "adapters/ghl/core/rate_budget.h"
#include "ghl/rpc/v1/error_details.pb.h"

namespace ghl::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  const std::optional<absl::Duration> delay = RetryDelay(status);
  if (!delay) return grpc::Status(code, message);
  ghl::rpc::v1::RetryInfo info;
  const int64_t ms = absl::ToInt64Milliseconds(*delay);
  info.mutable_retry_delay()->set_seconds(ms / 1000);
  info.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  ghl::rpc::v1::RpcStatus details;
  details.set_code(static_cast<int32_t>(code));
  details.set_message(message);
  auto* any = details.add_details();
  any->set_type_url(kRetryInfoTypeUrl);
  any->set_value(info.SerializeAsString());
  return grpc::Status(code, message, details.SerializeAsString());
}

absl::Time FromGrpcDeadline(std::chrono::system_clock::time_point deadline) {
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

}  // namespace ghl::server
