#include "adapters/ghl/auth/token_source.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/ghl/auth/json_array_file.h"

namespace ghl::auth {

CredentialDescription TokenSource::Describe(absl::string_view location_id) const {
  CredentialDescription d;
  for (const auto& l : Locations()) {
    if (l == location_id) d.present = true;
  }
  return d;
}

CredentialDescription StaticTokenSource::Describe(absl::string_view location_id) const {
  CredentialDescription d;
  if (tokens_.count(std::string(location_id)) == 0) return d;
  d.present = true;
  d.kind = "private-integration";
  return d;
}

absl::StatusOr<std::string> StaticTokenSource::GetToken(absl::string_view location_id) {
  auto it = tokens_.find(std::string(location_id));
  if (it == tokens_.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "location ", location_id, " is not connected to this gateway (no credential)"));
  }
  return it->second;
}

std::vector<std::string> StaticTokenSource::Locations() const {
  std::vector<std::string> out;
  for (const auto& [loc, token] : tokens_) out.push_back(loc);
  return out;
}

namespace {

// A location id goes into URLs and a token into an HTTP header: refuse what
// would break either, naming the entry but never echoing the token.
absl::Status CheckEntry(absl::string_view where, absl::string_view location,
                        absl::string_view token) {
  if (location.size() > 64 || !std::all_of(location.begin(), location.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      })) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": locationId must be 1 to 64 letters, digits, '-' or '_'"));
  }
  if (!std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": the token has spaces, control characters or non-ASCII bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> LoadTokensFile(const std::string& path) {
  rapidjson::Document doc;
  if (absl::Status s = ReadJsonArrayFile(path, "tokens file", "{locationId, token}", &doc);
      !s.ok()) {
    return s;
  }
  std::map<std::string, std::string> out;
  int index = 0;
  for (const auto& entry : doc.GetArray()) {
    const std::string where = absl::StrCat("tokens file ", path, ": entry #", index++);
    if (!entry.IsObject()) return absl::InvalidArgumentError(where + " is not an object");
    auto loc = entry.FindMember("locationId");
    auto tok = entry.FindMember("token");
    if (loc == entry.MemberEnd() || !loc->value.IsString() || loc->value.GetStringLength() == 0) {
      return absl::InvalidArgumentError(where + " has no locationId");
    }
    if (tok == entry.MemberEnd() || !tok->value.IsString() || tok->value.GetStringLength() == 0) {
      return absl::InvalidArgumentError(where + " has no token");
    }
    std::string location(loc->value.GetString(), loc->value.GetStringLength());
    if (auto s = CheckEntry(where, location,
                            absl::string_view(tok->value.GetString(), tok->value.GetStringLength()));
        !s.ok()) {
      return s;
    }
    if (out.count(location)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " repeats location ", location));
    }
    out.emplace(std::move(location), std::string(tok->value.GetString(), tok->value.GetStringLength()));
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> ParseTokensEnv(absl::string_view text) {
  std::map<std::string, std::string> out;
  int index = 0;
  for (absl::string_view entry : absl::StrSplit(text, absl::ByAnyChar(";\n"), absl::SkipWhitespace())) {
    ++index;
    entry = absl::StripAsciiWhitespace(entry);
    auto eq = entry.find('=');
    if (eq == absl::string_view::npos || eq == 0 || eq + 1 == entry.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "GHL_LOCATION_TOKENS entry #", index, " is not LOCATION=TOKEN"));
    }
    if (auto s = CheckEntry(absl::StrCat("GHL_LOCATION_TOKENS entry #", index), entry.substr(0, eq),
                            entry.substr(eq + 1));
        !s.ok()) {
      return s;
    }
    out[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
  }
  return out;
}

}  // namespace ghl::auth
