// Reads a small JSON file that must hold an array (the tokens and
// credentials files). Errors name the file and an offset, never the
// content around it: these files hold secrets.
#ifndef GHL_ADAPTERS_GHL_AUTH_JSON_ARRAY_FILE_H_
#define GHL_ADAPTERS_GHL_AUTH_JSON_ARRAY_FILE_H_

#include <rapidjson/document.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ghl::auth {

/// Parses `path` into `doc`.
/// @param what names the file in errors, e.g. "tokens file".
/// @param shape says what the array holds, e.g. "{locationId, token}".
/// @return NOT_FOUND when unreadable; INVALID_ARGUMENT for invalid JSON or
///         a document that is not an array.
absl::Status ReadJsonArrayFile(const std::string& path, absl::string_view what,
                               absl::string_view shape, rapidjson::Document* doc);

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_JSON_ARRAY_FILE_H_
