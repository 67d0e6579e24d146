// CredentialTokenSource with a fake clock and a fake token endpoint that
// rotates refresh tokens like GHL (each used once): refresh before expiry,
// single flight under 50 concurrent callers, rotation stored before use,
// invalid_grant -> needs re-authorization, 401 invalidation, minted
// location tokens, and SendAuthorized's one retry.
#include "adapters/ghl/auth/credential_token_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/ghl/auth/authorized_send.h"
#include "adapters/ghl/core/metrics.h"
#include "tests/support/status_matchers.h"

namespace ghl::auth {
namespace {

using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;

// A token endpoint: refresh tokens are single use; each refresh returns
// access "at-N" and refresh "rt-N".
class FakeTokenEndpoint : public http::HttpTransport {
 public:
  absl::StatusOr<http::HttpResponse> Send(const http::HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    http::HttpResponse r;
    if (absl::EndsWith(request.url, "/oauth/locationToken")) {
      ++mints_;
      r.status_code = 200;
      r.body = absl::StrCat(R"({"access_token":"minted-)", mints_, R"(","expires_in":3600})");
      return r;
    }
    if (fail_next_ > 0) {
      --fail_next_;
      return absl::UnavailableError("connection reset");
    }
    std::map<std::string, std::string> form;
    for (absl::string_view kv : absl::StrSplit(request.body, '&')) {
      std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
      form.insert(p);
    }
    ++refreshes_;
    if (form["refresh_token"] != live_refresh_) {
      r.status_code = 400;
      r.body =
          R"({"statusCode":400,"message":"Invalid grant: refresh token is invalid","error":"invalid_grant"})";
      return r;
    }
    ++issued_;
    live_refresh_ = absl::StrCat("rt-", issued_);
    r.status_code = 200;
    r.body = absl::StrCat(R"({"access_token":"at-)", issued_, R"(","refresh_token":")",
                          live_refresh_, R"(","expires_in":)", expires_in_,
                          R"(,"userType":"Location"})");
    return r;
  }
  int refreshes() {
    std::lock_guard<std::mutex> lock(mu_);
    return refreshes_;
  }
  int mints() {
    std::lock_guard<std::mutex> lock(mu_);
    return mints_;
  }
  void SetExpiresIn(int seconds) {
    std::lock_guard<std::mutex> lock(mu_);
    expires_in_ = seconds;
  }
  void FailNext(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_next_ = n;
  }
  std::string live_refresh() {
    std::lock_guard<std::mutex> lock(mu_);
    return live_refresh_;
  }

 private:
  std::mutex mu_;
  std::string live_refresh_ = "rt-0";
  int issued_ = 0;
  int refreshes_ = 0;
  int mints_ = 0;
  int fail_next_ = 0;
  int expires_in_ = 3600;
};

// Records what it saved, and can refuse.
class RecordingStore : public TokenStore {
 public:
  absl::StatusOr<std::vector<Credential>> LoadAll() override { return inner_.LoadAll(); }
  absl::Status Save(const Credential& c) override {
    absl::Status s = inner_.Save(c);
    if (s.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      saved_refresh_.push_back(c.refresh_token);
    }
    return s;
  }
  absl::Status Remove(absl::string_view key) override { return inner_.Remove(key); }
  void FailNextSaves(int n) { inner_.FailNextSaves(n); }
  std::vector<std::string> saved_refresh() {
    std::lock_guard<std::mutex> lock(mu_);
    return saved_refresh_;
  }

 private:
  InMemoryTokenStore inner_;
  std::mutex mu_;
  std::vector<std::string> saved_refresh_;
};

class CredentialTokenSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OAuthAppConfig app{"client", "secret", "http://ghl.test"};
    client_ = std::make_shared<OAuthClient>(endpoint_, app, clock_);
    auto source = CredentialTokenSource::Create(store_, client_, clock_);
    ASSERT_THAT(source, IsOk());
    source_ = *source;
  }
  Credential OAuthCredential(absl::Duration expires_in) {
    Credential c;
    c.key = "LOC1";
    c.kind = CredentialKind::kOAuth;
    c.access_token = "at-0";
    c.refresh_token = "rt-0";
    c.expires_at = clock_.Now() + expires_in;
    c.user_type = "Location";
    return c;
  }

  FakeClock clock_;
  std::shared_ptr<FakeTokenEndpoint> endpoint_ = std::make_shared<FakeTokenEndpoint>();
  std::shared_ptr<RecordingStore> store_ = std::make_shared<RecordingStore>();
  std::shared_ptr<OAuthClient> client_;
  std::shared_ptr<CredentialTokenSource> source_;
};

TEST_F(CredentialTokenSourceTest, FreshTokenIsReturnedWithoutRefresh) {
  ASSERT_THAT(source_->Put(OAuthCredential(absl::Hours(1))), IsOk());
  EXPECT_THAT(source_->GetToken("LOC1"), IsOk());
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-0");
  EXPECT_EQ(endpoint_->refreshes(), 0);
}

TEST_F(CredentialTokenSourceTest, DescribeTellsKindScopesAndExpiryNeverTokens) {
  EXPECT_FALSE(source_->Describe("LOC1").present);
  Credential c = OAuthCredential(absl::Hours(1));
  c.scope = "contacts.readonly  contacts.write";
  ASSERT_THAT(source_->Put(c), IsOk());
  const CredentialDescription d = source_->Describe("LOC1");
  EXPECT_TRUE(d.present);
  EXPECT_EQ(d.kind, "oauth-location");
  EXPECT_EQ(d.scopes, (std::vector<std::string>{"contacts.readonly", "contacts.write"}));
  EXPECT_EQ(d.expires_at, c.expires_at);
  Credential pit;
  pit.key = "LOC2";
  pit.access_token = "pit-token";
  ASSERT_THAT(source_->Put(pit), IsOk());
  EXPECT_EQ(source_->Describe("LOC2").kind, "private-integration");
  EXPECT_EQ(source_->Describe("LOC2").expires_at, absl::InfiniteFuture());
  EXPECT_TRUE(source_->Describe("LOC2").scopes.empty());
  EXPECT_FALSE(source_->Describe("company:X").present);
  StaticTokenSource file_tokens(std::map<std::string, std::string>{{"L3", "t"}});
  EXPECT_EQ(file_tokens.Describe("L3").kind, "private-integration");
  EXPECT_FALSE(file_tokens.Describe("L4").present);
}

TEST_F(CredentialTokenSourceTest, RefreshesInsideTheMarginAndStoresTheRotatedTokenFirst) {
  ASSERT_THAT(source_->Put(OAuthCredential(absl::Minutes(4))), IsOk());  // margin is 5 min
  auto token = source_->GetToken("LOC1");
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(*token, "at-1");
  EXPECT_EQ(endpoint_->refreshes(), 1);
  EXPECT_EQ(store_->saved_refresh().back(), "rt-1");
  // Stays fresh for its hour (minus the margin).
  clock_.Advance(absl::Minutes(50));
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-1");
  EXPECT_EQ(endpoint_->refreshes(), 1);
  clock_.Advance(absl::Minutes(6));
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-2");
  EXPECT_EQ(endpoint_->refreshes(), 2);
}

TEST_F(CredentialTokenSourceTest, TokensShorterThanTheMarginRenewAtHalfTheirLife) {
  // 20 s tokens under the default 5 minute margin: without a cap every
  // call would renew (a refresh storm); with it, a token serves half its life.
  endpoint_->SetExpiresIn(20);
  ASSERT_THAT(source_->Put(OAuthCredential(absl::ZeroDuration())), IsOk());
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-1");
  for (int i = 0; i < 30; ++i) EXPECT_EQ(*source_->GetToken("LOC1"), "at-1");
  clock_.Advance(absl::Seconds(9));
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-1");
  EXPECT_EQ(endpoint_->refreshes(), 1);
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-2");
  EXPECT_EQ(endpoint_->refreshes(), 2);
}

TEST_F(CredentialTokenSourceTest, FiftyConcurrentCallersCauseExactlyOneRefresh) {
  ASSERT_THAT(source_->Put(OAuthCredential(absl::ZeroDuration())), IsOk());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  std::mutex mu;
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      auto t = source_->GetToken("LOC1");
      if (t.ok()) {
        ++ok;
        std::lock_guard<std::mutex> lock(mu);
        seen.insert(*t);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(endpoint_->refreshes(), 1);
  EXPECT_EQ(seen, std::set<std::string>{"at-1"});
}

TEST_F(CredentialTokenSourceTest, InvalidGrantMarksTheLocationForReauthorization) {
  Credential c = OAuthCredential(absl::ZeroDuration());
  c.refresh_token = "rt-stale";
  ASSERT_THAT(source_->Put(c), IsOk());
  EXPECT_THAT(source_->GetToken("LOC1"), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                  HasSubstr("LOC1 needs re-authorization")));
  EXPECT_EQ(endpoint_->refreshes(), 1);
  // No retry loop against GHL: the mark answers from now on.
  EXPECT_THAT(source_->GetToken("LOC1"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("invalid_grant")));
  EXPECT_EQ(endpoint_->refreshes(), 1);
  // The mark is stored, so a restart keeps it.
  auto reloaded = CredentialTokenSource::Create(store_, client_, clock_);
  ASSERT_THAT(reloaded, IsOk());
  EXPECT_THAT((*reloaded)->GetToken("LOC1"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("re-authorization")));
  // A new authorization (Put) clears it.
  ASSERT_THAT(source_->Put(OAuthCredential(absl::Hours(1))), IsOk());
  EXPECT_THAT(source_->GetToken("LOC1"), IsOk());
}

TEST_F(CredentialTokenSourceTest, AFailedSaveWithholdsTheNewTokenUntilStored) {
  ASSERT_THAT(source_->Put(OAuthCredential(absl::ZeroDuration())), IsOk());
  store_->FailNextSaves(1);
  EXPECT_THAT(source_->GetToken("LOC1"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("not yet stored")));
  EXPECT_EQ(endpoint_->refreshes(), 1);
  // The next call stores the kept tokens first, with no second refresh (the
  // old refresh token is already dead upstream).
  auto token = source_->GetToken("LOC1");
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(*token, "at-1");
  EXPECT_EQ(endpoint_->refreshes(), 1);
  EXPECT_EQ(store_->saved_refresh().back(), "rt-1");
}

TEST_F(CredentialTokenSourceTest, ANewLocationThatCannotBeStoredIsNotConnected) {
  store_->FailNextSaves(1);
  EXPECT_THAT(source_->Put(OAuthCredential(absl::Hours(1))), StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_THAT(source_->GetToken("LOC1"), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not connected")));
  EXPECT_TRUE(source_->Locations().empty());
  ASSERT_THAT(source_->Put(OAuthCredential(absl::Hours(1))), IsOk());
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-0");
}

// ghl_gateway_token_refreshes_total{result=...} in the process registry.
double RefreshesCounted(const std::string& result) {
  const std::string text = metrics::DefaultRegistry().Exposition();
  const std::string series =
      absl::StrCat("ghl_gateway_token_refreshes_total{result=\"", result, "\"} ");
  const size_t at = text.find(series);
  if (at == std::string::npos) return 0;
  const size_t end = text.find('\n', at);
  double value = 0;
  EXPECT_TRUE(absl::SimpleAtod(text.substr(at + series.size(), end - at - series.size()), &value));
  return value;
}

TEST_F(CredentialTokenSourceTest, RefreshesAreCountedByResult) {
  const double ok = RefreshesCounted("ok");
  const double error = RefreshesCounted("error");
  const double invalid = RefreshesCounted("invalid_grant");
  // 50 concurrent callers on an expired token: one renewal, counted once.
  ASSERT_THAT(source_->Put(OAuthCredential(absl::ZeroDuration())), IsOk());
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) threads.emplace_back([&] { (void)source_->GetToken("LOC1"); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(RefreshesCounted("ok") - ok, 1);
  // A transient failure inside the margin (the valid token is still used).
  ASSERT_THAT(source_->Put(OAuthCredential(absl::Minutes(2))), IsOk());
  endpoint_->FailNext(1);
  ASSERT_THAT(source_->GetToken("LOC1"), IsOk());
  EXPECT_EQ(RefreshesCounted("error") - error, 1);
  Credential stale = OAuthCredential(absl::ZeroDuration());
  stale.refresh_token = "rt-stale";
  ASSERT_THAT(source_->Put(stale), IsOk());
  EXPECT_FALSE(source_->GetToken("LOC1").ok());
  EXPECT_FALSE(source_->GetToken("LOC1").ok());  // the mark answers; no second refresh
  EXPECT_EQ(RefreshesCounted("invalid_grant") - invalid, 1);
  EXPECT_EQ(RefreshesCounted("ok") - ok, 1);
}

TEST_F(CredentialTokenSourceTest, TransientFailureInsideTheMarginKeepsTheValidToken) {
  ASSERT_THAT(source_->Put(OAuthCredential(absl::Minutes(2))), IsOk());
  endpoint_->FailNext(1);
  auto token = source_->GetToken("LOC1");
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(*token, "at-0");
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-1");
}

TEST_F(CredentialTokenSourceTest, TransientFailureAfterExpiryIsUnavailable) {
  ASSERT_THAT(source_->Put(OAuthCredential(-absl::Minutes(1))), IsOk());
  endpoint_->FailNext(1);
  EXPECT_THAT(source_->GetToken("LOC1"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot renew")));
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-1");
}

TEST_F(CredentialTokenSourceTest, InvalidateForcesOneRefreshPerRejectedToken) {
  ASSERT_THAT(source_->Put(OAuthCredential(absl::Hours(1))), IsOk());
  EXPECT_TRUE(source_->Invalidate("LOC1", "at-0"));
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-1");
  // A late 401 for the old token does not refresh again.
  EXPECT_TRUE(source_->Invalidate("LOC1", "at-0"));
  EXPECT_EQ(*source_->GetToken("LOC1"), "at-1");
  EXPECT_EQ(endpoint_->refreshes(), 1);
}

TEST_F(CredentialTokenSourceTest, PrivateIntegrationTokensNeverRefresh) {
  Credential c;
  c.key = "LOC2";
  c.access_token = "pit-1";
  ASSERT_THAT(source_->Put(c), IsOk());
  EXPECT_EQ(*source_->GetToken("LOC2"), "pit-1");
  EXPECT_FALSE(source_->Invalidate("LOC2", "pit-1"));
  EXPECT_THAT(source_->GetToken("NOPE"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not connected")));
  EXPECT_THAT(source_->GetToken("company:CO1"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not connected")));
}

TEST_F(CredentialTokenSourceTest, MintedLocationTokenRenewsThroughItsCompany) {
  Credential company = OAuthCredential(absl::Hours(1));
  company.key = CompanyKey("CO1");
  company.user_type = "Company";
  company.company_id = "CO1";
  ASSERT_THAT(source_->Put(company), IsOk());
  Credential minted;
  minted.key = "LOC3";
  minted.kind = CredentialKind::kMintedLocation;
  minted.access_token = "minted-0";
  minted.company_id = "CO1";
  minted.expires_at = clock_.Now();
  ASSERT_THAT(source_->Put(minted), IsOk());
  EXPECT_EQ(*source_->GetToken("LOC3"), "minted-1");
  EXPECT_EQ(endpoint_->mints(), 1);
  EXPECT_EQ(endpoint_->refreshes(), 0);
  EXPECT_THAT(source_->Locations(), ::testing::UnorderedElementsAre("LOC3"));
}

TEST_F(CredentialTokenSourceTest, NoOAuthAppMeansExpiredTokensCannotRenew) {
  auto bare =
      CredentialTokenSource::Create(std::make_shared<InMemoryTokenStore>(), nullptr, clock_);
  ASSERT_THAT(bare, IsOk());
  ASSERT_THAT((*bare)->Put(OAuthCredential(absl::ZeroDuration())), IsOk());
  EXPECT_THAT((*bare)->GetToken("LOC1"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no OAuth app")));
}

TEST_F(CredentialTokenSourceTest, EventsNameTheLocationNeverATheToken) {
  std::vector<std::string> events;
  CredentialTokenSourceOptions options;
  options.on_event = [&](const std::string& line) { events.push_back(line); };
  auto source = CredentialTokenSource::Create(store_, client_, clock_, options);
  ASSERT_THAT(source, IsOk());
  ASSERT_THAT((*source)->Put(OAuthCredential(absl::ZeroDuration())), IsOk());
  ASSERT_THAT((*source)->GetToken("LOC1"), IsOk());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_THAT(events[0], HasSubstr("LOC1: token renewed and stored"));
  Credential stale = OAuthCredential(absl::ZeroDuration());
  stale.refresh_token = "rt-stale";
  ASSERT_THAT((*source)->Put(stale), IsOk());
  EXPECT_FALSE((*source)->GetToken("LOC1").ok());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_THAT(events[1], HasSubstr("needs re-authorization"));
  for (const auto& e : events) {
    for (const char* secret : {"at-0", "at-1", "rt-0", "rt-1", "rt-stale"}) {
      EXPECT_THAT(e, ::testing::Not(HasSubstr(secret)));
    }
  }
}

// The API side of SendAuthorized: a 401 invalidates and retries once.
class ApiAfter401 : public http::HttpTransport {
 public:
  absl::StatusOr<http::HttpResponse> Send(const http::HttpRequest& request) override {
    authorizations.push_back(request.headers[0].second);
    http::HttpResponse r;
    r.status_code = status_codes.empty() ? 200 : status_codes.front();
    if (!status_codes.empty()) status_codes.erase(status_codes.begin());
    return r;
  }
  std::vector<int> status_codes;
  std::vector<std::string> authorizations;
};

TEST_F(CredentialTokenSourceTest, SendAuthorizedRetriesOnceAfter401) {
  ASSERT_THAT(source_->Put(OAuthCredential(absl::Hours(1))), IsOk());
  ApiAfter401 api;
  api.status_codes = {401, 200};
  std::string used;
  auto response = SendAuthorized(*source_, api, "LOC1", http::HttpRequest{}, &used);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status_code, 200);
  EXPECT_EQ(api.authorizations, (std::vector<std::string>{"Bearer at-0", "Bearer at-1"}));
  EXPECT_EQ(used, "at-1");
  // A second 401 in a row is returned, not retried again.
  api.status_codes = {401, 401};
  api.authorizations.clear();
  response = SendAuthorized(*source_, api, "LOC1", http::HttpRequest{}, &used);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status_code, 401);
  EXPECT_EQ(api.authorizations.size(), 2u);
}

TEST_F(CredentialTokenSourceTest, SendAuthorizedDoesNotRefreshForAMissingScope) {
  ASSERT_THAT(source_->Put(OAuthCredential(absl::Hours(1))), IsOk());
  class ScopeDenied : public http::HttpTransport {
   public:
    absl::StatusOr<http::HttpResponse> Send(const http::HttpRequest&) override {
      ++sent;
      http::HttpResponse r;
      r.status_code = 401;
      r.body = R"({"statusCode":401,"message":"The token is not authorized for this scope.","error":"Unauthorized"})";
      return r;
    }
    int sent = 0;
  } api;
  std::string used;
  auto response = SendAuthorized(*source_, api, "LOC1", http::HttpRequest{}, &used);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status_code, 401);
  EXPECT_EQ(api.sent, 1);
  EXPECT_EQ(endpoint_->refreshes(), 0);
}

TEST_F(CredentialTokenSourceTest, SendAuthorizedDoesNotRetryStaticTokens) {
  StaticTokenSource pit(std::map<std::string, std::string>{{"LOC1", "pit"}});
  ApiAfter401 api;
  api.status_codes = {401};
  std::string used;
  auto response = SendAuthorized(pit, api, "LOC1", http::HttpRequest{}, &used);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status_code, 401);
  EXPECT_EQ(api.authorizations.size(), 1u);
}

}  // namespace
}  // namespace ghl::auth
