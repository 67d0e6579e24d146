#include "server/grpc_status.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/core/rate_budget.h"
#include "adapters/ghl/core/status.h"
#include "ghl/rpc/v1/error_details.pb.h"

namespace ghl::server {

namespace {

void AddDetail(const google::protobuf::Message& detail, const char* type_url,
               ghl::rpc::v1::RpcStatus* details) {
  auto* any = details->add_details();
  any->set_type_url(type_url);
  any->set_value(detail.SerializeAsString());
}

// "contact.email: must be ..." names its field first (server/ and the
// validators write every INVALID_ARGUMENT that way): the field's path, or
// empty when the message does not start with one.
absl::string_view LeadingFieldPath(absl::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == absl::string_view::npos || colon == 0) return {};
  const absl::string_view path = message.substr(0, colon);
  if (!absl::ascii_isalpha(static_cast<unsigned char>(path[0])) && path[0] != '_') return {};
  for (char c : path) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '[' &&
        c != ']') {
      return {};
    }
  }
  return path;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  ghl::rpc::v1::RpcStatus details;
  // An upstream error: what GHL answered, in fields a program can read.
  if (const std::optional<int> http_code = UpstreamHttpCode(status)) {
    ghl::rpc::v1::ErrorInfo info;
    info.set_reason(absl::StrCat("GHL_HTTP_", *http_code));
    info.set_domain(kGhlErrorDomain);
    (*info.mutable_metadata())["http_code"] = absl::StrCat(*http_code);
    if (const std::optional<std::string> trace = UpstreamTraceId(status)) {
      (*info.mutable_metadata())["trace_id"] = *trace;
    }
    AddDetail(info, kErrorInfoTypeUrl, &details);
  } else if (code == grpc::StatusCode::INVALID_ARGUMENT) {
    const absl::string_view field = LeadingFieldPath(message);
    if (!field.empty()) {
      ghl::rpc::v1::BadRequest bad;
      auto* violation = bad.add_field_violations();
      violation->set_field(std::string(field));
      violation->set_description(std::string(absl::string_view(message).substr(field.size() + 2)));
      AddDetail(bad, kBadRequestTypeUrl, &details);
    }
  }
  if (const std::optional<absl::Duration> delay = RetryDelay(status)) {
    ghl::rpc::v1::RetryInfo info;
    const int64_t ms = absl::ToInt64Milliseconds(*delay);
    info.mutable_retry_delay()->set_seconds(ms / 1000);
    info.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
    AddDetail(info, kRetryInfoTypeUrl, &details);
  }
  if (details.details_size() == 0) return grpc::Status(code, message);
  details.set_code(static_cast<int32_t>(code));
  details.set_message(message);
  return grpc::Status(code, message, details.SerializeAsString());
}

absl::Time FromGrpcDeadline(std::chrono::system_clock::time_point deadline) {
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

}  // namespace ghl::server
