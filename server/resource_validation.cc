#include "server/resource_validation.h"

#include "absl/strings/str_cat.h"

namespace ghl::server {
namespace {

constexpr size_t kMaxTagLength = 255;

}  // namespace

absl::Status ValidateSameContact(absl::string_view field, bool has_value, const std::string& value,
                                 const std::string& contact_id) {
  if (has_value && value != contact_id) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": differs from contact_id"));
  }
  return absl::OkStatus();
}

absl::Status ValidateTags(absl::string_view field,
                          const google::protobuf::RepeatedPtrField<std::string>& tags,
                          bool may_be_empty) {
  if (tags.empty() && !may_be_empty) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must name at least one tag"));
  }
  for (int i = 0; i < tags.size(); ++i) {
    if (tags[i].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "]: must not be empty"));
    }
    if (tags[i].size() > kMaxTagLength) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: longer than ", kMaxTagLength, " bytes"));
    }
  }
  return absl::OkStatus();
}

}  // namespace ghl::server
