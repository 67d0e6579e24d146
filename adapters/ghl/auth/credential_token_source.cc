#include "adapters/ghl/auth/credential_token_source.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/ghl/core/metrics.h"

namespace ghl::auth {
namespace {

// ghl_gateway_token_refreshes_total{result}: ok, error, invalid_grant.
metrics::Counter& RefreshCounter(const char* result) {
  static auto* family = &metrics::DefaultRegistry().AddCounter(
      "ghl_gateway_token_refreshes_total",
      "GHL token renewals (refresh_token grants and minted location tokens) by result: ok, "
      "error, invalid_grant.",
      {"result"});
  return family->WithLabels({result});
}

absl::Status NotConnected(absl::string_view location_id) {
  return absl::FailedPreconditionError(
      absl::StrCat("location ", location_id, " is not connected to this gateway (no credential)"));
}

Credential Renewed(const Credential& old, const OAuthTokens& t) {
  Credential c = old;
  c.access_token = t.access_token;
  // GHL rotates refresh tokens; an answer without one keeps the old one (RFC 6749 6).
  if (!t.refresh_token.empty()) c.refresh_token = t.refresh_token;
  c.expires_at = t.expires_at;
  if (!t.scope.empty()) c.scope = t.scope;
  c.reauthorization_reason.clear();
  return c;
}

}  // namespace

absl::Status NeedsReauthorizationError(absl::string_view key, absl::string_view reason) {
  return absl::FailedPreconditionError(absl::StrCat(
      key, " needs re-authorization: ", reason,
      "; connect it again (ghlctl auth, then the OAuth callback) before calling for it"));
}

CredentialTokenSource::CredentialTokenSource(std::shared_ptr<TokenStore> store,
                                             std::shared_ptr<const OAuthClient> client,
                                             Clock& clock, CredentialTokenSourceOptions options)
    : store_(std::move(store)), client_(std::move(client)), clock_(clock), options_(options) {
  // Every result's series exists from the start at 0, so rate() sees the
  // first renewal.
  for (const char* result : {"ok", "error", "invalid_grant"}) (void)RefreshCounter(result);
}

absl::StatusOr<std::shared_ptr<CredentialTokenSource>> CredentialTokenSource::Create(
    std::shared_ptr<TokenStore> store, std::shared_ptr<const OAuthClient> client, Clock& clock,
    CredentialTokenSourceOptions options) {
  if (!store) return absl::InvalidArgumentError("CredentialTokenSource needs a token store");
  if (options.refresh_margin < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("refresh margin must not be negative");
  }
  auto records = store->LoadAll();
  if (!records.ok()) return records.status();
  std::shared_ptr<CredentialTokenSource> source(
      new CredentialTokenSource(std::move(store), std::move(client), clock, options));
  for (auto& c : *records) {
    auto entry = std::make_shared<Entry>();
    const std::string key = c.key;
    entry->credential = std::move(c);
    source->entries_.emplace(key, std::move(entry));
  }
  return source;
}

std::shared_ptr<CredentialTokenSource::Entry> CredentialTokenSource::Find(
    absl::string_view key) const {
  std::shared_lock<std::shared_mutex> lock(map_mu_);
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second;
}

std::shared_ptr<CredentialTokenSource::Entry> CredentialTokenSource::FindOrAdd(
    const std::string& key) {
  std::unique_lock<std::shared_mutex> lock(map_mu_);
  auto& slot = entries_[key];
  if (!slot) slot = std::make_shared<Entry>();
  return slot;
}

absl::StatusOr<std::string> CredentialTokenSource::GetToken(absl::string_view location_id) {
  // Company credentials only mint; callers name locations.
  if (absl::StartsWith(location_id, "company:")) return NotConnected(location_id);
  auto entry = Find(location_id);
  if (!entry) return NotConnected(location_id);
  std::lock_guard<std::mutex> lock(entry->mu);
  return FreshToken(*entry);
}

std::vector<std::string> CredentialTokenSource::Locations() const {
  std::shared_lock<std::shared_mutex> lock(map_mu_);
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_) {
    if (!absl::StartsWith(key, "company:")) out.push_back(key);
  }
  return out;
}

CredentialDescription CredentialTokenSource::Describe(absl::string_view location_id) const {
  CredentialDescription d;
  if (absl::StartsWith(location_id, "company:")) return d;
  auto entry = Find(location_id);
  if (!entry) return d;
  std::lock_guard<std::mutex> lock(entry->mu);
  const Credential& c = entry->credential;
  d.present = true;
  switch (c.kind) {
    case CredentialKind::kPrivateIntegration:
      d.kind = "private-integration";
      break;
    case CredentialKind::kOAuth:
      d.kind = "oauth-location";
      break;
    case CredentialKind::kMintedLocation:
      d.kind = "oauth-company-minted";
      break;
  }
  for (absl::string_view s : absl::StrSplit(c.scope, ' ', absl::SkipEmpty())) {
    d.scopes.emplace_back(s);
  }
  d.expires_at = c.kind == CredentialKind::kPrivateIntegration ? absl::InfiniteFuture() : c.expires_at;
  d.reauthorization_reason = c.reauthorization_reason;
  return d;
}

bool CredentialTokenSource::Invalidate(absl::string_view location_id,
                                       absl::string_view rejected_token) {
  auto entry = Find(location_id);
  if (!entry) return false;
  std::lock_guard<std::mutex> lock(entry->mu);
  Credential& c = entry->credential;
  if (c.kind == CredentialKind::kPrivateIntegration) return false;
  // Another caller already renewed it: the retry gets the new token.
  if (c.access_token != rejected_token) return true;
  c.expires_at = absl::InfinitePast();
  return true;
}

void CredentialTokenSource::Event(const std::string& line) const {
  if (options_.on_event) options_.on_event(line);
}

absl::Status CredentialTokenSource::MarkNeedsReauthorization(Entry& entry) {
  Credential& c = entry.credential;
  c.reauthorization_reason = absl::StrCat(
      "GHL refused its ",
      c.kind == CredentialKind::kMintedLocation ? "company credential" : "refresh token",
      " (invalid_grant)");
  c.access_token.clear();
  c.refresh_token.clear();
  // Best effort: the mark matters less than the answer, which says the same.
  (void)store_->Save(c);
  entry.unsaved = false;
  absl::Status out = NeedsReauthorizationError(c.key, c.reauthorization_reason);
  Event(std::string(out.message()));
  out.SetPayload(kInvalidGrantPayload, absl::Cord("1"));
  return out;
}

absl::StatusOr<OAuthTokens> CredentialTokenSource::Renew(const Credential& c) {
  if (!client_) {
    return absl::FailedPreconditionError(absl::StrCat(
        c.key, ": its token expired and no OAuth app (client id and secret) is configured"));
  }
  renewals_.fetch_add(1);
  if (c.kind == CredentialKind::kOAuth) {
    if (c.refresh_token.empty()) {
      return NeedsReauthorizationError(c.key, "it has no refresh token");
    }
    return client_->Refresh(c.refresh_token, c.user_type);
  }
  // kMintedLocation: mint again with the company's credential.
  auto company = Find(CompanyKey(c.company_id));
  if (!company) {
    return NeedsReauthorizationError(
        c.key, absl::StrCat("its company ", c.company_id, " is not connected"));
  }
  // A company token GHL rejects (401) is renewed once, like an API call's.
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<std::string> company_token;
    {
      std::lock_guard<std::mutex> lock(company->mu);
      company_token = FreshToken(*company);
    }
    if (!company_token.ok()) return company_token.status();
    auto minted = client_->MintLocationToken(*company_token, c.company_id, c.key);
    if (minted.ok() || attempt > 0 ||
        minted.status().code() != absl::StatusCode::kUnauthenticated ||
        !Invalidate(CompanyKey(c.company_id), *company_token)) {
      return minted;
    }
  }
}

absl::StatusOr<std::string> CredentialTokenSource::FreshToken(Entry& entry) {
  Credential& c = entry.credential;
  // An entry Put() has created but not filled yet.
  if (c.key.empty()) return absl::UnavailableError("the location is being connected; retry");
  if (!c.reauthorization_reason.empty()) {
    return NeedsReauthorizationError(c.key, c.reauthorization_reason);
  }
  if (entry.unsaved) {
    if (absl::Status s = store_->Save(c); !s.ok()) {
      return absl::UnavailableError(
          absl::StrCat(c.key, ": renewed credential not yet stored, so not used: ", s.message()));
    }
    entry.unsaved = false;
  }
  if (c.kind == CredentialKind::kPrivateIntegration) return c.access_token;
  const absl::Time now = clock_.Now();
  const absl::Duration margin = entry.lifetime > absl::ZeroDuration()
                                    ? std::min(options_.refresh_margin, entry.lifetime / 2)
                                    : options_.refresh_margin;
  if (!c.access_token.empty() && now + margin < c.expires_at) {
    return c.access_token;
  }
  auto renewed = Renew(c);
  if (!renewed.ok()) {
    const bool invalid_grant = IsInvalidGrant(renewed.status());
    RefreshCounter(invalid_grant ? "invalid_grant" : "error").Increment();
    if (invalid_grant) return MarkNeedsReauthorization(entry);
    // Still valid (inside the margin): use it, renew on a later call.
    if (!c.access_token.empty() && now < c.expires_at &&
        renewed.status().code() == absl::StatusCode::kUnavailable) {
      return c.access_token;
    }
    absl::Status failed(
        renewed.status().code(),
        absl::StrCat(c.key, ": cannot renew its token: ", renewed.status().message()));
    Event(std::string(failed.message()));
    return failed;
  }
  c = Renewed(c, *renewed);
  entry.lifetime = c.expires_at - now;
  if (absl::Status s = store_->Save(c); !s.ok()) {
    entry.unsaved = true;
    return absl::UnavailableError(
        absl::StrCat(c.key, ": renewed credential not yet stored, so not used: ", s.message()));
  }
  RefreshCounter("ok").Increment();
  Event(absl::StrCat(c.key, ": token renewed and stored (",
                     c.kind == CredentialKind::kMintedLocation ? "minted from its company"
                                                               : "refresh_token grant, rotated",
                     "), valid until ", absl::FormatTime(c.expires_at, absl::UTCTimeZone())));
  return c.access_token;
}

absl::Status CredentialTokenSource::Put(Credential credential) {
  if (credential.key.empty()) return absl::InvalidArgumentError("credential has no location id");
  if (credential.access_token.empty() && credential.refresh_token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("credential of ", credential.key,
                                                   " has neither an access nor a refresh token"));
  }
  auto entry = FindOrAdd(credential.key);
  std::unique_lock<std::mutex> lock(entry->mu);
  if (absl::Status s = store_->Save(credential); !s.ok()) {
    if (entry->credential.key.empty()) {
      // A new location that could not be stored is not connected at all.
      lock.unlock();
      std::unique_lock<std::shared_mutex> map_lock(map_mu_);
      auto it = entries_.find(credential.key);
      if (it != entries_.end() && it->second == entry) {
        std::lock_guard<std::mutex> again(entry->mu);
        if (entry->credential.key.empty()) entries_.erase(it);
      }
    }
    return s;
  }
  entry->credential = std::move(credential);
  entry->unsaved = false;
  return absl::OkStatus();
}

absl::StatusOr<bool> CredentialTokenSource::PutIfAbsent(Credential credential) {
  if (Find(credential.key)) return false;
  if (auto s = Put(std::move(credential)); !s.ok()) return s;
  return true;
}

absl::StatusOr<std::vector<std::string>> CredentialTokenSource::ConnectCompany(
    const OAuthTokens& company, absl::string_view app_id) {
  if (!client_) return absl::FailedPreconditionError("no OAuth app is configured");
  if (company.company_id.empty()) {
    return absl::InvalidArgumentError("the company token answer has no companyId");
  }
  Credential cc;
  cc.key = CompanyKey(company.company_id);
  cc.kind = CredentialKind::kOAuth;
  cc.access_token = company.access_token;
  cc.refresh_token = company.refresh_token;
  cc.expires_at = company.expires_at;
  cc.scope = company.scope;
  cc.user_type = "Company";
  cc.company_id = company.company_id;
  if (absl::Status s = Put(cc); !s.ok()) return s;
  auto entry = Find(cc.key);
  absl::StatusOr<std::string> token;
  {
    std::lock_guard<std::mutex> lock(entry->mu);
    token = FreshToken(*entry);
  }
  if (!token.ok()) return token.status();
  auto locations = client_->InstalledLocations(*token, company.company_id, app_id);
  if (!locations.ok()) return locations.status();
  std::vector<std::string> connected;
  for (const auto& loc : *locations) {
    renewals_.fetch_add(1);
    auto minted = client_->MintLocationToken(*token, company.company_id, loc.id);
    if (!minted.ok()) return minted.status();
    Credential lc;
    lc.key = loc.id;
    lc.kind = CredentialKind::kMintedLocation;
    lc.access_token = minted->access_token;
    lc.expires_at = minted->expires_at;
    lc.scope = minted->scope;
    lc.user_type = "Location";
    lc.company_id = company.company_id;
    if (absl::Status s = Put(std::move(lc)); !s.ok()) return s;
    connected.push_back(loc.id);
  }
  return connected;
}

}  // namespace ghl::auth
