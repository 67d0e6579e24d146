#include "server/oauth_callback.h"

#include <httplib.h>

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/ghl/core/clock.h"
#include "server/http_listener.h"

namespace ghl::server {
namespace {

const std::string* First(const std::multimap<std::string, std::string>& query,
                         const std::string& name) {
  auto it = query.find(name);
  return it == query.end() ? nullptr : &it->second;
}

}  // namespace

CallbackPage OAuthCallback::Handle(const std::multimap<std::string, std::string>& query) const {
  if (const std::string* error = First(query, "error")) {
    // The admin refused, or GHL did: its own words, no secrets involved.
    return {400, absl::StrCat("authorization failed: ", *error, "\n")};
  }
  const std::string* code = First(query, "code");
  if (code == nullptr || code->empty()) {
    return {400, "the callback has no code parameter\n"};
  }
  if (states_) {
    const std::string* state = First(query, "state");
    if (auto s = states_->Consume(state ? *state : "", DefaultClock().Now()); !s.ok()) {
      return {403, absl::StrCat(s.message(), "\n")};
    }
  }
  auto granted = client_->ExchangeCode(*code, redirect_uri_, "");
  if (!granted.ok()) {
    return {502, absl::StrCat("the code exchange failed: ", granted.status().message(), "\n")};
  }
  if (granted->user_type == "Company") {
    if (app_id_.empty()) {
      return {500,
              "a company authorized the app, but the gateway has no --oauth-app-id to list "
              "its installed locations\n"};
    }
    auto locations = tokens_->ConnectCompany(*granted, app_id_);
    if (!locations.ok()) {
      return {502, absl::StrCat("company ", granted->company_id,
                                " authorized, but connecting its locations failed: ",
                                locations.status().message(), "\n")};
    }
    return {200,
            absl::StrCat("company ", granted->company_id, " connected with ", locations->size(),
                         " location(s): ", absl::StrJoin(*locations, ", "), "\n")};
  }
  if (granted->location_id.empty()) {
    return {502, "the token answer names no locationId\n"};
  }
  auth::Credential c;
  c.key = granted->location_id;
  c.kind = auth::CredentialKind::kOAuth;
  c.access_token = granted->access_token;
  c.refresh_token = granted->refresh_token;
  c.expires_at = granted->expires_at;
  c.scope = granted->scope;
  c.user_type = "Location";
  c.company_id = granted->company_id;
  if (auto s = tokens_->Put(std::move(c)); !s.ok()) {
    return {500, absl::StrCat("the tokens could not be stored: ", s.message(), "\n")};
  }
  return {200, absl::StrCat("location ", granted->location_id, " connected\n")};
}

OAuthCallbackServer::OAuthCallbackServer(std::shared_ptr<OAuthCallback> callback)
    : callback_(std::move(callback)), server_(std::make_unique<httplib::Server>()) {
  // A browser's idle keep-alive connection must not hold Stop() for long.
  server_->set_keep_alive_timeout(1);
  ListenExclusively(*server_);
}

OAuthCallbackServer::~OAuthCallbackServer() { Stop(); }

absl::Status OAuthCallbackServer::Start(const std::string& listen) {
  server_->Get(
      "/oauth/callback", [cb = callback_](const httplib::Request& req, httplib::Response& res) {
        std::multimap<std::string, std::string> query(req.params.begin(), req.params.end());
        const CallbackPage page = cb->Handle(query);
        res.status = page.status;
        res.set_header("Cache-Control", "no-store");
        res.set_content(page.body, "text/plain; charset=utf-8");
      });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain; charset=utf-8");
  });
  auto port = ServeInBackground(*server_, listen, "http-listen", &thread_);
  if (!port.ok()) return port.status();
  port_ = *port;
  return absl::OkStatus();
}

void OAuthCallbackServer::Stop() { StopServing(*server_, &thread_); }

}  // namespace ghl::server
