#include "adapters/ghl/auth/oauth_client.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/core/status.h"
#include "adapters/ghl/http/request_context.h"

namespace ghl::auth {
namespace {

constexpr char kGhlApiVersion[] = "2021-07-28";
constexpr int kInstalledPageSize = 100;

std::string Member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string TrimmedBase(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// invalid_grant comes as RFC 6749's {"error":"invalid_grant"} or in GHL's
// {"statusCode":400,"message":"Invalid grant: ..."}.
bool BodySaysInvalidGrant(absl::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  if (Member(doc, "error") == "invalid_grant") return true;
  const std::string message = absl::AsciiStrToLower(Member(doc, "message"));
  return absl::StrContains(message, "invalid_grant") || absl::StrContains(message, "invalid grant");
}

absl::Status Redacted(absl::Status status, const std::vector<absl::string_view>& secrets) {
  for (absl::string_view s : secrets) status = RedactSecret(status, s);
  return status;
}

// A non-2xx answer of an OAuth endpoint as a Status.
absl::Status ErrorAnswer(const http::HttpResponse& response, absl::string_view operation) {
  absl::Status upstream =
      HttpStatusToStatus(response.status_code, response.body, http::TraceHeader(response));
  if ((response.status_code == 400 || response.status_code == 401) &&
      BodySaysInvalidGrant(response.body)) {
    absl::Status out = absl::FailedPreconditionError(absl::StrCat(
        "GHL ", operation, " refused the grant (invalid_grant): ", upstream.message()));
    upstream.ForEachPayload(
        [&](absl::string_view key, const absl::Cord& value) { out.SetPayload(key, value); });
    out.SetPayload(kInvalidGrantPayload, absl::Cord("1"));
    return out;
  }
  return absl::Status(upstream.code(), absl::StrCat("GHL ", operation, ": ", upstream.message()));
}

}  // namespace

bool IsInvalidGrant(const absl::Status& status) {
  return status.code() == absl::StatusCode::kFailedPrecondition &&
         status.GetPayload(kInvalidGrantPayload).has_value();
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    absl::StrAppend(&out, http::UrlEncode(name), "=", http::UrlEncode(value));
  }
  return out;
}

absl::StatusOr<OAuthTokens> ParseTokenAnswer(absl::string_view body, absl::Time now,
                                             absl::Duration default_lifetime) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError()) {
    // Offsets only: the body holds tokens.
    return absl::UnavailableError(absl::StrCat(
        "malformed JSON from the GHL token endpoint (", body.size(), " bytes, offset ",
        doc.GetErrorOffset(), "): ", rapidjson::GetParseError_En(doc.GetParseError())));
  }
  if (!doc.IsObject()) {
    return absl::InternalError("the GHL token endpoint answered JSON that is not an object");
  }
  OAuthTokens t;
  t.access_token = Member(doc, "access_token");
  if (t.access_token.empty()) {
    return absl::InternalError("the GHL token endpoint answer has no access_token");
  }
  t.refresh_token = Member(doc, "refresh_token");
  t.scope = Member(doc, "scope");
  t.user_type = Member(doc, "userType");
  t.location_id = Member(doc, "locationId");
  t.company_id = Member(doc, "companyId");
  t.user_id = Member(doc, "userId");
  absl::Duration lifetime = default_lifetime;
  auto expires = doc.FindMember("expires_in");
  if (expires != doc.MemberEnd() && expires->value.IsNumber()) {
    const double seconds = expires->value.GetDouble();
    // Anything beyond ten years is as unusable as a negative number.
    if (std::isfinite(seconds) && seconds >= 0 && seconds < 10 * 366 * 86400.0) {
      lifetime = absl::Seconds(seconds);
    }
  }
  t.expires_at = now + lifetime;
  auto approved = doc.FindMember("approvedLocations");
  if (approved != doc.MemberEnd() && approved->value.IsArray()) {
    for (const auto& v : approved->value.GetArray()) {
      if (v.IsString()) t.approved_locations.emplace_back(v.GetString(), v.GetStringLength());
    }
  }
  return t;
}

OAuthClient::OAuthClient(std::shared_ptr<http::HttpTransport> transport, OAuthAppConfig config,
                         Clock& clock)
    : transport_(std::move(transport)), config_(std::move(config)), clock_(clock) {
  config_.base_url = TrimmedBase(config_.base_url);
}

absl::StatusOr<OAuthTokens> OAuthClient::PostToken(std::string form,
                                                   std::vector<absl::string_view> secrets,
                                                   absl::string_view operation) const {
  secrets.push_back(config_.client_secret);
  http::HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat(config_.base_url, "/oauth/token");
  request.timeout = config_.timeout;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = std::move(form);
  const absl::Time sent_at = clock_.Now();
  auto response = transport_->Send(request);
  if (!response.ok()) {
    return Redacted(
        absl::Status(response.status().code(),
                     absl::StrCat("GHL ", operation, ": ", response.status().message())),
        secrets);
  }
  if (response->status_code < 200 || response->status_code >= 300) {
    return Redacted(ErrorAnswer(*response, operation), secrets);
  }
  // Lifetimes count from when the request left: the conservative end.
  auto tokens = ParseTokenAnswer(response->body, sent_at, config_.default_lifetime);
  if (!tokens.ok()) {
    return Redacted(absl::Status(tokens.status().code(),
                                 absl::StrCat("GHL ", operation, ": ", tokens.status().message())),
                    secrets);
  }
  return tokens;
}

absl::StatusOr<OAuthTokens> OAuthClient::ExchangeCode(absl::string_view code,
                                                      absl::string_view redirect_uri,
                                                      absl::string_view user_type) const {
  if (code.empty()) return absl::InvalidArgumentError("code must not be empty");
  std::vector<std::pair<std::string, std::string>> fields = {
      {"client_id", config_.client_id},
      {"client_secret", config_.client_secret},
      {"grant_type", "authorization_code"},
      {"code", std::string(code)}};
  if (!user_type.empty()) fields.emplace_back("user_type", std::string(user_type));
  if (!redirect_uri.empty()) fields.emplace_back("redirect_uri", std::string(redirect_uri));
  return PostToken(FormEncode(fields), {code}, "authorization_code grant");
}

absl::StatusOr<OAuthTokens> OAuthClient::Refresh(absl::string_view refresh_token,
                                                 absl::string_view user_type) const {
  if (refresh_token.empty()) return absl::InvalidArgumentError("refresh_token must not be empty");
  std::vector<std::pair<std::string, std::string>> fields = {
      {"client_id", config_.client_id},
      {"client_secret", config_.client_secret},
      {"grant_type", "refresh_token"},
      {"refresh_token", std::string(refresh_token)}};
  if (!user_type.empty()) fields.emplace_back("user_type", std::string(user_type));
  return PostToken(FormEncode(fields), {refresh_token}, "refresh_token grant");
}

absl::StatusOr<OAuthTokens> OAuthClient::MintLocationToken(absl::string_view company_access_token,
                                                           absl::string_view company_id,
                                                           absl::string_view location_id) const {
  if (company_id.empty()) return absl::InvalidArgumentError("companyId must not be empty");
  if (location_id.empty()) return absl::InvalidArgumentError("locationId must not be empty");
  http::HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat(config_.base_url, "/oauth/locationToken");
  request.timeout = config_.timeout;
  request.headers = {{"Authorization", absl::StrCat("Bearer ", company_access_token)},
                     {"Version", kGhlApiVersion},
                     {"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = FormEncode(
      {{"companyId", std::string(company_id)}, {"locationId", std::string(location_id)}});
  const std::vector<absl::string_view> secrets = {company_access_token, config_.client_secret};
  const absl::Time sent_at = clock_.Now();
  auto response = transport_->Send(request);
  if (!response.ok()) {
    return Redacted(absl::Status(response.status().code(),
                                 absl::StrCat("GHL location token: ", response.status().message())),
                    secrets);
  }
  if (response->status_code < 200 || response->status_code >= 300) {
    return Redacted(ErrorAnswer(*response, "location token"), secrets);
  }
  auto tokens = ParseTokenAnswer(response->body, sent_at, config_.default_lifetime);
  if (!tokens.ok()) {
    return Redacted(absl::Status(tokens.status().code(),
                                 absl::StrCat("GHL location token: ", tokens.status().message())),
                    secrets);
  }
  if (tokens->location_id.empty()) tokens->location_id = std::string(location_id);
  if (tokens->company_id.empty()) tokens->company_id = std::string(company_id);
  tokens->user_type = "Location";
  return tokens;
}

absl::StatusOr<std::vector<InstalledLocation>> OAuthClient::InstalledLocations(
    absl::string_view company_access_token, absl::string_view company_id,
    absl::string_view app_id) const {
  if (company_id.empty()) return absl::InvalidArgumentError("companyId must not be empty");
  if (app_id.empty()) return absl::InvalidArgumentError("appId must not be empty");
  const std::vector<absl::string_view> secrets = {company_access_token, config_.client_secret};
  std::vector<InstalledLocation> out;
  for (int skip = 0;; skip += kInstalledPageSize) {
    http::HttpRequest request;
    request.url = absl::StrCat(config_.base_url,
                               "/oauth/installedLocations?companyId=", http::UrlEncode(company_id),
                               "&appId=", http::UrlEncode(app_id), "&isInstalled=true&skip=", skip,
                               "&limit=", kInstalledPageSize);
    request.timeout = config_.timeout;
    request.headers = {{"Authorization", absl::StrCat("Bearer ", company_access_token)},
                       {"Version", kGhlApiVersion},
                       {"Accept", "application/json"}};
    auto response = transport_->Send(request);
    if (!response.ok()) {
      return Redacted(
          absl::Status(response.status().code(),
                       absl::StrCat("GHL installed locations: ", response.status().message())),
          secrets);
    }
    if (response->status_code < 200 || response->status_code >= 300) {
      return Redacted(ErrorAnswer(*response, "installed locations"), secrets);
    }
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(response->body.data(), response->body.size());
    if (doc.HasParseError() || !doc.IsObject()) {
      return absl::UnavailableError("GHL installed locations: the answer is not a JSON object");
    }
    auto locations = doc.FindMember("locations");
    if (locations == doc.MemberEnd() || !locations->value.IsArray()) {
      return absl::InternalError("GHL installed locations: the answer has no locations array");
    }
    int index = 0;
    for (const auto& item : locations->value.GetArray()) {
      if (!item.IsObject() || Member(item, "_id").empty()) {
        return absl::InternalError(
            absl::StrCat("GHL installed locations: locations[", skip + index, "] has no _id"));
      }
      InstalledLocation loc;
      loc.id = Member(item, "_id");
      loc.name = Member(item, "name");
      auto installed = item.FindMember("isInstalled");
      // The query asked for installed ones: absent means installed.
      loc.is_installed =
          installed == item.MemberEnd() || !installed->value.IsBool() || installed->value.GetBool();
      if (loc.is_installed) out.push_back(std::move(loc));
      ++index;
    }
    double count = -1;
    auto c = doc.FindMember("count");
    if (c != doc.MemberEnd() && c->value.IsNumber()) count = c->value.GetDouble();
    const int page = static_cast<int>(locations->value.Size());
    if (page < kInstalledPageSize || (count >= 0 && skip + page >= count)) break;
  }
  return out;
}

}  // namespace ghl::auth
