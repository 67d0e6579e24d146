#include "adapters/ghl/auth/json_array_file.h"

#include <rapidjson/error/en.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace ghl::auth {

absl::Status ReadJsonArrayFile(const std::string& path, absl::string_view what,
                               absl::string_view shape, rapidjson::Document* doc) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  doc->Parse(text.data(), text.size());
  if (doc->HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " ", path, ": invalid JSON at offset ", doc->GetErrorOffset(), ": ",
        rapidjson::GetParseError_En(doc->GetParseError())));
  }
  if (!doc->IsArray()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, ": expected a JSON array of ", shape));
  }
  return absl::OkStatus();
}

}  // namespace ghl::auth
