// Conformance of the OAuth half (issue 4): the gateway's OAuthClient talks
// to ghl-sandbox through `prism proxy apps/oauth.json --errors`, so every
// request it sends and every answer the sandbox gives (success and the
// documented 400/401/422 errors) is checked against the official spec; any
// problem Prism logs fails the test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/auth/oauth_client.h"
#include "adapters/ghl/core/clock.h"
#include "adapters/ghl/http/curl_http_transport.h"
#include "tests/integration/prism_log.h"
#include "tests/integration/stack.h"

namespace ghl::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kClientId[] = "conformance-client";
constexpr char kClientSecret[] = "conformance-secret-61d0";

TEST(PrismProxyOAuth, TokenClientAndSandboxConformToTheSpec) {
  if (PrismBin().empty() || access(PrismBin().c_str(), X_OK) != 0) {
    if (PrismRequired())
      FAIL() << "GHL_PRISM_BIN is not an executable Prism (" << PrismBin() << ")";
    GTEST_SKIP() << "Prism not installed (run tools/install-deps); set GHL_PRISM_BIN";
  }
  sandbox::SandboxOptions so;
  so.generate_contacts = 5;
  so.generate_location_id = kDemoLocation;
  so.oauth.client_id = kClientId;
  so.oauth.client_secret = kClientSecret;
  sandbox::Sandbox sandbox(so);
  ASSERT_TRUE(sandbox.Start().ok());
  const std::string direct = absl::StrCat("http://127.0.0.1:", sandbox.port());
  const int port = FreePort();
  const std::string log = ::testing::TempDir() + absl::StrCat("/prism-oauth-", port, ".log");
  Subprocess prism({PrismBin(), "proxy", SharedDir() + "/ghl-api/apps/oauth.json", direct, "-p",
                    absl::StrCat(port), "-h", "127.0.0.1", "--errors"},
                   log);
  ASSERT_TRUE(WaitForPort(port, std::chrono::seconds(60))) << prism.log();

  std::shared_ptr<http::HttpTransport> transport = http::MakeCurlHttpTransport();
  auth::OAuthAppConfig app{kClientId, kClientSecret, absl::StrCat("http://127.0.0.1:", port)};
  auth::OAuthClient client(transport, app, DefaultClock());
  // The authorization page is the marketplace's, not in the spec: straight to the sandbox.
  auto code_for = [&](const std::string& user_type) {
    http::HttpRequest r;
    r.url =
        absl::StrCat(direct, "/v2/oauth/chooselocation?response_type=code&client_id=", kClientId,
                     "&redirect_uri=http%3A%2F%2Fapp.test%2Fcb&userType=", user_type);
    auto answer = transport->Send(r);
    EXPECT_TRUE(answer.ok());
    const std::string location = answer->Header("location");
    return location.substr(location.find("code=") + 5);
  };

  auto location = client.ExchangeCode(code_for("Location"), "http://app.test/cb", "Location");
  ASSERT_TRUE(location.ok()) << location.status() << "\n" << prism.log();
  EXPECT_EQ(location->location_id, kDemoLocation);
  auto refreshed = client.Refresh(location->refresh_token, "Location");
  ASSERT_TRUE(refreshed.ok()) << refreshed.status() << "\n" << prism.log();
  // Documented errors: 400 invalid_grant (the rotated-out token), 401 bad client.
  auto reused = client.Refresh(location->refresh_token, "Location");
  EXPECT_TRUE(auth::IsInvalidGrant(reused.status())) << reused.status() << "\n" << prism.log();
  auth::OAuthClient wrong(transport, {kClientId, "not-the-secret", app.base_url}, DefaultClock());
  EXPECT_EQ(wrong.Refresh(refreshed->refresh_token, "").status().code(),
            absl::StatusCode::kUnauthenticated);

  auto company = client.ExchangeCode(code_for("Company"), "http://app.test/cb", "Company");
  ASSERT_TRUE(company.ok()) << company.status() << "\n" << prism.log();
  auto installed =
      client.InstalledLocations(company->access_token, company->company_id, so.oauth.app_id);
  ASSERT_TRUE(installed.ok()) << installed.status() << "\n" << prism.log();
  ASSERT_EQ(installed->size(), 1u);
  auto minted =
      client.MintLocationToken(company->access_token, company->company_id, (*installed)[0].id);
  ASSERT_TRUE(minted.ok()) << minted.status() << "\n" << prism.log();
  // 401 "not authorized for this scope": a location token cannot mint (a
  // missing scope reads as PERMISSION_DENIED through the status table).
  EXPECT_EQ(client.MintLocationToken(minted->access_token, company->company_id, kDemoLocation)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto creds = [&] {
    http::HttpRequest r;
    r.method = "POST";
    r.url = app.base_url + "/oauth/token";
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    r.body = absl::StrCat("client_id=", kClientId, "&client_secret=", kClientSecret,
                          "&grant_type=client_credentials");
    return transport->Send(r);
  }();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->status_code, 200) << creds->body;

  prism.Stop();
  const auto problems = PrismReportedProblems(prism.log());
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
  sandbox.Stop();
}

}  // namespace
}  // namespace ghl::testing
