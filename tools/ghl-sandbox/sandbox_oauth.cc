#include "tools/ghl-sandbox/sandbox_oauth.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "rapidjson/stringbuffer.h"
#include "tools/ghl-sandbox/api_util.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

using internal::Error;
using internal::Finish;
using internal::Json;
using internal::Unprocessable;
using internal::WriteString;
using Writer = internal::JsonWriter;

constexpr absl::string_view kApiVersion = "2021-07-28";
constexpr absl::Duration kCodeLifetime = absl::Minutes(10);
constexpr char kUserId[] = "sandboxUser000000001";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

const std::string* Field(const std::vector<std::pair<std::string, std::string>>& form,
                         absl::string_view name) {
  for (const auto& [k, v] : form) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string FieldOr(const std::vector<std::pair<std::string, std::string>>& form,
                    absl::string_view name) {
  const std::string* v = Field(form, name);
  return v ? *v : std::string();
}

bool IsForm(const HttpRequest& request) {
  const std::string* type = request.Header("content-type");
  return type &&
         absl::StartsWith(absl::AsciiStrToLower(*type), "application/x-www-form-urlencoded");
}

HttpResponse InvalidGrant(absl::string_view description, absl::string_view trace_id) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("statusCode");
  w.Int(400);
  w.Key("message");
  WriteString(w, absl::StrCat("Invalid grant: ", description));
  w.Key("error");
  w.String("invalid_grant");
  w.Key("error_description");
  WriteString(w, description);
  w.Key("traceId");
  WriteString(w, trace_id);
  w.EndObject();
  return Json(400, Finish(buffer));
}

HttpResponse Redirect(const std::string& location) {
  HttpResponse r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Found. Redirecting to the app";
  r.headers.emplace_back("Location", location);
  return r;
}

std::string BearerOf(const HttpRequest& request) {
  const std::string* auth = request.Header("authorization");
  if (auth == nullptr) return {};
  absl::string_view v = absl::StripAsciiWhitespace(*auth);
  if (v.size() <= 7 || !absl::EqualsIgnoreCase(v.substr(0, 7), "bearer ")) return {};
  return std::string(absl::StripAsciiWhitespace(v.substr(7)));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseForm(absl::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view pair : absl::StrSplit(body, '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    if (eq == absl::string_view::npos) {
      out.emplace_back(FormDecode(pair), "");
    } else {
      out.emplace_back(FormDecode(pair.substr(0, eq)), FormDecode(pair.substr(eq + 1)));
    }
  }
  return out;
}

SandboxOAuth::SandboxOAuth(SandboxOAuthOptions options, std::string default_location,
                           std::function<absl::Time()> clock)
    : options_(std::move(options)), clock_(std::move(clock)), rng_(std::random_device{}()) {
  installed_ = options_.installed_locations;
  if (installed_.empty() && !default_location.empty()) installed_.push_back(default_location);
}

bool SandboxOAuth::Serves(absl::string_view path) {
  return absl::StartsWith(path, "/oauth/") || path == "/v2/oauth/chooselocation";
}

std::string SandboxOAuth::NewSecret() {
  static constexpr char kAlphabet[] = "abcdef0123456789";
  std::string out;
  for (int i = 0; i < 40; ++i) out.push_back(kAlphabet[rng_() % 16]);
  issued_.push_back(out);
  return out;
}

std::vector<std::string> SandboxOAuth::IssuedSecrets() {
  std::lock_guard<std::mutex> lock(mu_);
  return issued_;
}

bool SandboxOAuth::Installed(absl::string_view location_id) const {
  return std::find(installed_.begin(), installed_.end(), location_id) != installed_.end();
}

HttpResponse SandboxOAuth::Handle(const HttpRequest& request, absl::string_view trace_id) {
  const absl::string_view path(request.path);
  if (request.method == "GET" && path == "/v2/oauth/chooselocation") {
    return ChooseLocation(request, trace_id);
  }
  if (request.method == "POST" && path == "/oauth/token") return Token(request, trace_id);
  if (request.method == "POST" && path == "/oauth/locationToken") {
    return LocationToken(request, trace_id);
  }
  if (request.method == "GET" && path == "/oauth/installedLocations") {
    return InstalledLocations(request, trace_id);
  }
  return Error(404, absl::StrCat("Cannot ", request.method, " ", request.path), "Not Found",
               trace_id);
}

HttpResponse SandboxOAuth::ChooseLocation(const HttpRequest& request, absl::string_view trace_id) {
  std::vector<std::string> messages;
  const std::string* response_type = request.Query("response_type");
  const std::string* client_id = request.Query("client_id");
  const std::string* redirect_uri = request.Query("redirect_uri");
  if (response_type == nullptr || *response_type != "code") {
    messages.push_back("response_type must be code");
  }
  if (client_id == nullptr || client_id->empty())
    messages.push_back("client_id should not be empty");
  if (redirect_uri == nullptr || redirect_uri->empty()) {
    messages.push_back("redirect_uri should not be empty");
  }
  if (!messages.empty()) return Unprocessable(messages, trace_id);
  if (options_.client_id.empty() || *client_id != options_.client_id) {
    return Error(400, "Invalid client_id", "Bad Request", trace_id);
  }
  Code code;
  const std::string* user_type = request.Query("userType");
  code.subject.user_type = user_type && *user_type == "Company" ? "Company" : "Location";
  if (code.subject.user_type == "Location") {
    const std::string* location = request.Query("locationId");
    code.subject.location_id = location && !location->empty()
                                   ? *location
                                   : (installed_.empty() ? std::string() : installed_.front());
    if (!Installed(code.subject.location_id)) {
      return Error(400, "The app is not installed for this location", "Bad Request", trace_id);
    }
  }
  if (const std::string* scope = request.Query("scope")) {
    code.subject.scopes = absl::StrSplit(*scope, ' ', absl::SkipEmpty());
  }
  code.redirect_uri = *redirect_uri;
  std::lock_guard<std::mutex> lock(mu_);
  code.expires_at = Now() + kCodeLifetime;
  const std::string value = NewSecret();
  codes_.emplace(value, std::move(code));
  const char sep = absl::StrContains(*redirect_uri, '?') ? '&' : '?';
  std::string target = absl::StrCat(*redirect_uri, std::string(1, sep), "code=", value);
  // OAuth 2.0: the client's state comes back unchanged.
  if (const std::string* state = request.Query("state"); state && !state->empty()) {
    absl::StrAppend(&target, "&state=", UrlEncode(*state));
  }
  return Redirect(target);
}

std::string SandboxOAuth::IssueTokens(const Subject& subject, bool with_refresh) {
  const std::string access = NewSecret();
  access_[access] = Access{subject, Now() + absl::Seconds(options_.access_token_lifetime_s)};
  std::string refresh;
  if (with_refresh) {
    refresh = NewSecret();
    refresh_[refresh] = subject;
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("access_token");
  WriteString(w, access);
  w.Key("token_type");
  w.String("Bearer");
  w.Key("expires_in");
  w.Int(options_.access_token_lifetime_s);
  if (with_refresh) {
    w.Key("refresh_token");
    WriteString(w, refresh);
  }
  w.Key("scope");
  WriteString(w, absl::StrJoin(subject.scopes, " "));
  w.Key("userType");
  WriteString(w, subject.user_type);
  if (subject.user_type == "Location") {
    w.Key("locationId");
    WriteString(w, subject.location_id);
  }
  w.Key("companyId");
  WriteString(w, options_.company_id);
  if (subject.user_type == "Company") {
    w.Key("approvedLocations");
    internal::WriteStringArray(w, installed_);
  }
  w.Key("userId");
  w.String(kUserId);
  w.Key("isBulkInstallation");
  w.Bool(false);
  w.EndObject();
  return Finish(buffer);
}

HttpResponse SandboxOAuth::Token(const HttpRequest& request, absl::string_view trace_id) {
  const auto form = ParseForm(IsForm(request) ? absl::string_view(request.body) : "");
  const std::string grant_type = FieldOr(form, "grant_type");
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.token_requests[grant_type];
  }
  std::vector<std::string> messages;
  if (!IsForm(request))
    messages.push_back("Content-Type must be application/x-www-form-urlencoded");
  if (FieldOr(form, "client_id").empty()) messages.push_back("client_id should not be empty");
  if (FieldOr(form, "client_secret").empty())
    messages.push_back("client_secret should not be empty");
  if (grant_type != "authorization_code" && grant_type != "refresh_token" &&
      grant_type != "client_credentials") {
    messages.push_back(
        "grant_type must be one of the following values: authorization_code, refresh_token, "
        "client_credentials");
  }
  const std::string* user_type = Field(form, "user_type");
  if (user_type && *user_type != "Company" && *user_type != "Location") {
    messages.push_back("user_type must be one of the following values: Company, Location");
  }
  if (grant_type == "authorization_code" && FieldOr(form, "code").empty()) {
    messages.push_back("code should not be empty");
  }
  if (grant_type == "refresh_token" && FieldOr(form, "refresh_token").empty()) {
    messages.push_back("refresh_token should not be empty");
  }
  if (!messages.empty()) return Unprocessable(messages, trace_id);
  if (options_.client_id.empty() || FieldOr(form, "client_id") != options_.client_id ||
      FieldOr(form, "client_secret") != options_.client_secret) {
    return Error(401, "Invalid client credentials", "Unauthorized", trace_id);
  }

  std::lock_guard<std::mutex> lock(mu_);
  Subject subject;
  if (grant_type == "authorization_code") {
    auto it = codes_.find(FieldOr(form, "code"));
    if (it == codes_.end() || it->second.expires_at <= Now()) {
      if (it != codes_.end()) codes_.erase(it);
      ++stats_.invalid_grants;
      return InvalidGrant("authorization code is invalid, expired or already used", trace_id);
    }
    const std::string* redirect_uri = Field(form, "redirect_uri");
    if (redirect_uri && *redirect_uri != it->second.redirect_uri) {
      ++stats_.invalid_grants;
      return InvalidGrant("redirect_uri does not match the authorization request", trace_id);
    }
    subject = it->second.subject;
    codes_.erase(it);  // single use, even when user_type below refuses it
    if (user_type && *user_type != subject.user_type) {
      ++stats_.invalid_grants;
      return InvalidGrant(absl::StrCat("the code was granted for user_type ", subject.user_type),
                          trace_id);
    }
  } else if (grant_type == "refresh_token") {
    auto it = refresh_.find(FieldOr(form, "refresh_token"));
    if (it == refresh_.end()) {
      ++stats_.invalid_grants;
      return InvalidGrant("refresh token is invalid or already used", trace_id);
    }
    subject = it->second;
    if (user_type && *user_type != subject.user_type) {
      ++stats_.invalid_grants;
      return InvalidGrant(
          absl::StrCat("the refresh token belongs to user_type ", subject.user_type), trace_id);
    }
    refresh_.erase(it);  // rotation: the old one is dead from now on
    ++stats_.refreshes_ok;
  } else {
    subject.user_type = "Company";
  }
  if (subject.scopes.empty()) subject.scopes = options_.scopes;
  if (subject.user_type == "Company") {
    for (const char* s : {"oauth.readonly", "oauth.write"}) {
      if (std::find(subject.scopes.begin(), subject.scopes.end(), s) == subject.scopes.end()) {
        subject.scopes.push_back(s);
      }
    }
  }
  return Json(200, IssueTokens(subject, grant_type != "client_credentials"));
}

std::optional<HttpResponse> SandboxOAuth::CheckCompanyToken(const HttpRequest& request,
                                                            absl::string_view scope,
                                                            absl::string_view trace_id) {
  const std::string token = BearerOf(request);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = access_.find(token);
  if (it == access_.end() || it->second.expires_at <= Now()) {
    return Error(401, "Invalid token: access token is invalid", "Unauthorized", trace_id);
  }
  const std::string* version = request.Header("version");
  if (version == nullptr || absl::StripAsciiWhitespace(*version) != kApiVersion) {
    return Error(400, "Version header was not found", "", trace_id);
  }
  const Subject& s = it->second.subject;
  if (s.user_type != "Company" ||
      std::find(s.scopes.begin(), s.scopes.end(), scope) == s.scopes.end()) {
    return Error(401, "The token is not authorized for this scope.", "Unauthorized", trace_id);
  }
  return std::nullopt;
}

HttpResponse SandboxOAuth::LocationToken(const HttpRequest& request, absl::string_view trace_id) {
  if (auto error = CheckCompanyToken(request, "oauth.write", trace_id)) return *error;
  const auto form = ParseForm(IsForm(request) ? absl::string_view(request.body) : "");
  std::vector<std::string> messages;
  if (!IsForm(request))
    messages.push_back("Content-Type must be application/x-www-form-urlencoded");
  const std::string company = FieldOr(form, "companyId");
  const std::string location = FieldOr(form, "locationId");
  if (company.empty()) messages.push_back("companyId should not be empty");
  if (location.empty()) messages.push_back("locationId should not be empty");
  if (!messages.empty()) return Unprocessable(messages, trace_id);
  if (company != options_.company_id) {
    return Error(403, "The token does not have access to this company", "Forbidden", trace_id);
  }
  if (!Installed(location)) {
    return Error(400, "The app is not installed for this location", "Bad Request", trace_id);
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.location_tokens;
  Subject subject{"Location", location, options_.scopes};
  const std::string access = NewSecret();
  access_[access] = Access{subject, Now() + absl::Seconds(options_.access_token_lifetime_s)};
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("access_token");
  WriteString(w, access);
  w.Key("token_type");
  w.String("Bearer");
  w.Key("expires_in");
  w.Int(options_.access_token_lifetime_s);
  w.Key("scope");
  WriteString(w, absl::StrJoin(subject.scopes, " "));
  w.Key("locationId");
  WriteString(w, location);
  w.Key("userId");
  w.String(kUserId);
  w.Key("appId");
  WriteString(w, options_.app_id);
  w.EndObject();
  return Json(200, Finish(buffer));
}

HttpResponse SandboxOAuth::InstalledLocations(const HttpRequest& request,
                                              absl::string_view trace_id) {
  if (auto error = CheckCompanyToken(request, "oauth.readonly", trace_id)) return *error;
  std::vector<std::string> messages;
  const std::string* company = request.Query("companyId");
  const std::string* app = request.Query("appId");
  if (company == nullptr || company->empty()) messages.push_back("companyId should not be empty");
  if (app == nullptr || app->empty()) messages.push_back("appId should not be empty");
  size_t skip = 0;
  size_t limit = 20;
  if (const std::string* s = request.Query("skip"); s && !absl::SimpleAtoi(*s, &skip)) {
    messages.push_back("skip must be a number string");
  }
  if (const std::string* s = request.Query("limit"); s && !absl::SimpleAtoi(*s, &limit)) {
    messages.push_back("limit must be a number string");
  }
  if (!messages.empty()) return Unprocessable(messages, trace_id);
  if (*company != options_.company_id) {
    return Error(403, "The token does not have access to this company", "Forbidden", trace_id);
  }
  std::vector<std::string> listed;
  if (*app == options_.app_id) listed = installed_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.installed_locations;
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("locations");
  w.StartArray();
  for (size_t i = skip; i < listed.size() && i < skip + limit; ++i) {
    w.StartObject();
    w.Key("_id");
    WriteString(w, listed[i]);
    w.Key("name");
    WriteString(w, absl::StrCat("Sandbox location ", i + 1));
    w.Key("address");
    w.String("47 W 13th St, New York, NY 10011, USA");
    w.Key("isInstalled");
    w.Bool(true);
    w.EndObject();
  }
  w.EndArray();
  w.Key("count");
  w.Uint64(listed.size());
  w.Key("installToFutureLocations");
  w.Bool(false);
  w.EndObject();
  return Json(200, Finish(buffer));
}

std::optional<TokenGrant> SandboxOAuth::Lookup(absl::string_view access_token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = access_.find(std::string(access_token));
  if (it == access_.end() || it->second.expires_at <= Now() ||
      it->second.subject.user_type != "Location") {
    return std::nullopt;
  }
  return TokenGrant{it->first, it->second.subject.location_id, it->second.subject.scopes};
}

void SandboxOAuth::ExpireAccessTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time now = Now();
  for (auto& [token, access] : access_) access.expires_at = std::min(access.expires_at, now);
}

SandboxOAuthStats SandboxOAuth::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace ghl::sandbox
