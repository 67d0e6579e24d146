#include "adapters/ghl/auth/credentials_file.h"

#include <rapidjson/document.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "adapters/ghl/auth/json_array_file.h"

namespace ghl::auth {
namespace {

// The string member `name`: absent is "", a non-string is an error.
absl::StatusOr<std::string> StringMember(const rapidjson::Value& entry, const char* name,
                                         const std::string& where) {
  auto it = entry.FindMember(name);
  if (it == entry.MemberEnd() || it->value.IsNull()) return std::string();
  if (!it->value.IsString()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", name, " must be a string"));
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

absl::StatusOr<std::vector<Credential>> LoadCredentialsFile(const std::string& path) {
  rapidjson::Document doc;
  if (absl::Status s = ReadJsonArrayFile(path, "credentials file", "{locationId, refreshToken}", &doc);
      !s.ok()) {
    return s;
  }
  std::vector<Credential> out;
  std::set<std::string> keys;
  int index = 0;
  for (const auto& entry : doc.GetArray()) {
    const std::string where = absl::StrCat("credentials file ", path, ": entry #", index++);
    if (!entry.IsObject()) return absl::InvalidArgumentError(where + " is not an object");
    std::string fields[6];
    const char* names[6] = {"locationId", "refreshToken", "accessToken", "expiresAt", "userType",
                            "companyId"};
    for (int i = 0; i < 6; ++i) {
      auto v = StringMember(entry, names[i], where);
      if (!v.ok()) return v.status();
      fields[i] = *std::move(v);
    }
    Credential c;
    c.kind = CredentialKind::kOAuth;
    c.refresh_token = fields[1];
    c.access_token = fields[2];
    c.user_type = fields[4].empty() ? "Location" : fields[4];
    c.company_id = fields[5];
    if (c.user_type != "Location" && c.user_type != "Company") {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": userType must be Location or Company"));
    }
    if (c.refresh_token.empty()) return absl::InvalidArgumentError(where + " has no refreshToken");
    if (c.user_type == "Company") {
      if (c.company_id.empty()) return absl::InvalidArgumentError(where + " (Company) has no companyId");
      c.key = CompanyKey(c.company_id);
    } else {
      if (fields[0].empty()) return absl::InvalidArgumentError(where + " has no locationId");
      c.key = fields[0];
    }
    c.expires_at = absl::InfinitePast();  // refresh on first use
    if (!c.access_token.empty() && !fields[3].empty()) {
      std::string error;
      if (!absl::ParseTime(absl::RFC3339_full, fields[3], &c.expires_at, &error)) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": expiresAt is not an RFC 3339 time"));
      }
    } else if (!fields[3].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": expiresAt needs accessToken"));
    }
    if (!keys.insert(c.key).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, " repeats ", c.key));
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace ghl::auth
