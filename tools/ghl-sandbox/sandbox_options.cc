#include "tools/ghl-sandbox/sandbox_options.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace ghl::sandbox {

absl::StatusOr<WebhookSignature> ParseWebhookSignature(absl::string_view text) {
  if (text == "ed25519") return WebhookSignature::kEd25519;
  if (text == "rsa") return WebhookSignature::kRsa;
  if (text == "both") return WebhookSignature::kBoth;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown webhook signature \"", text, "\" (use ed25519, rsa or both)"));
}

const char* WebhookSignatureName(WebhookSignature signature) {
  switch (signature) {
    case WebhookSignature::kEd25519:
      return "ed25519";
    case WebhookSignature::kRsa:
      return "rsa";
    case WebhookSignature::kBoth:
      break;
  }
  return "both";
}

std::string DefaultWebhookKeyDir() {
  const char* tmp = std::getenv("TMPDIR");
  const std::string base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  return absl::StrCat(base, "/ghl-sandbox-webhook-keys");
}

absl::StatusOr<std::vector<TokenGrant>> LoadTokensFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read tokens file ", path));
  std::stringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  rapidjson::Document doc;
  doc.Parse(content.data(), content.size());
  // The parse error names only an offset: the text around it could be a token.
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat("tokens file ", path, " is not valid JSON (",
                                                   rapidjson::GetParseError_En(doc.GetParseError()),
                                                   " at offset ", doc.GetErrorOffset(), ")"));
  }
  if (!doc.IsArray()) {
    return absl::InvalidArgumentError(absl::StrCat("tokens file ", path, " must hold a JSON array"));
  }
  std::vector<TokenGrant> grants;
  absl::flat_hash_map<std::string, size_t> seen;
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    const auto& entry = doc[i];
    const std::string where = absl::StrCat("token #", i + 1, " in ", path);
    if (!entry.IsObject()) return absl::InvalidArgumentError(absl::StrCat(where, " is not an object"));
    TokenGrant grant;
    const auto token = entry.FindMember("token");
    if (token == entry.MemberEnd() || !token->value.IsString() || token->value.GetStringLength() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(where, " has no non-empty string \"token\""));
    }
    grant.token.assign(token->value.GetString(), token->value.GetStringLength());
    const auto location = entry.FindMember("locationId");
    if (location == entry.MemberEnd() || !location->value.IsString() ||
        location->value.GetStringLength() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(where, " has no non-empty string \"locationId\""));
    }
    grant.location_id.assign(location->value.GetString(), location->value.GetStringLength());
    const auto scopes = entry.FindMember("scopes");
    if (scopes != entry.MemberEnd()) {
      if (!scopes->value.IsArray()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": \"scopes\" must be an array of strings"));
      }
      for (const auto& s : scopes->value.GetArray()) {
        if (!s.IsString()) {
          return absl::InvalidArgumentError(absl::StrCat(where, ": \"scopes\" must be an array of strings"));
        }
        grant.scopes.emplace_back(s.GetString(), s.GetStringLength());
      }
    }
    const auto [it, inserted] = seen.emplace(grant.token, i + 1);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " repeats the token of token #", it->second));
    }
    grants.push_back(std::move(grant));
  }
  return grants;
}

}  // namespace ghl::sandbox
