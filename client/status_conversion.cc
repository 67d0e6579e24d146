#include "client/status_conversion.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace ghl::client {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const int raw = static_cast<int>(status.error_code());
  // gRPC and abseil share the canonical codes 1..16; anything else is a
  // status we do not understand.
  const bool known = raw >= 1 && raw <= 16;
  const absl::StatusCode code = known ? static_cast<absl::StatusCode>(raw) : absl::StatusCode::kUnknown;
  std::string message = status.error_message();
  if (!known) message = absl::StrCat(message, " [grpc code ", raw, "]");
  absl::Status out(code, message);
  if (!status.error_details().empty()) {
    out.SetPayload(kGrpcErrorDetailsPayload, absl::Cord(status.error_details()));
  }
  return out;
}

}  // namespace ghl::client
