// Request checks shared by the tasks, notes, appointments and tags services
// (on top of request_validation.h). Every failure is INVALID_ARGUMENT whose
// message starts with the offending field's name.
//
// Thread-safety: pure functions.
#ifndef GHL_SERVER_RESOURCE_VALIDATION_H_
#define GHL_SERVER_RESOURCE_VALIDATION_H_

#include <google/protobuf/repeated_field.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/request_validation.h"

namespace ghl::server {

/// Checks `location_id` and `contact_id` of a request about one contact.
template <typename Request>
absl::Status ValidateContactParent(const Request& request) {
  if (auto s = ValidateId("location_id", request.location_id()); !s.ok()) return s;
  return ValidateId("contact_id", request.contact_id());
}

/// An output-only `contact_id` inside a written resource must be absent or
/// equal the request's (`field` names it, e.g. "task.contact_id").
absl::Status ValidateSameContact(absl::string_view field, bool has_value, const std::string& value,
                                 const std::string& contact_id);

/// A tag list: at least one tag unless `may_be_empty`, each non-empty and at
/// most 255 bytes. Commas are fine (tags travel as lists).
absl::Status ValidateTags(absl::string_view field,
                          const google::protobuf::RepeatedPtrField<std::string>& tags,
                          bool may_be_empty = false);

}  // namespace ghl::server

#endif  // GHL_SERVER_RESOURCE_VALIDATION_H_
