// OAuthClient against a scripted transport: the token-client cases of
// Envoy's oauth_test.cc (success, missing expires_in, error body, network
// error, malformed body), plus invalid_grant, the form encoding and the
// location-token / installed-locations requests.
#include "adapters/ghl/auth/oauth_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/ghl/core/clock.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/status_matchers.h"

namespace ghl::auth {
namespace {

using ::ghl::testing::FakeHttpTransport;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "client-secret-9f1e";
constexpr char kRefresh[] = "refresh-old-3c2b";

class OAuthClientTest : public ::testing::Test {
 protected:
  OAuthClientTest() {
    OAuthAppConfig config;
    config.client_id = "app-client-1";
    config.client_secret = kSecret;
    config.base_url = "http://ghl.test/";
    config.default_lifetime = absl::Minutes(30);
    client_ = std::make_unique<OAuthClient>(transport_, config, clock_);
  }
  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  FakeClock clock_;
  std::unique_ptr<OAuthClient> client_;
};

TEST_F(OAuthClientTest, RefreshSuccessSendsTheFormAndReadsEveryField) {
  transport_->AddResponse(200, R"({"access_token":"at-new","token_type":"Bearer","expires_in":86399,
    "refresh_token":"rt-new","scope":"contacts.readonly contacts.write","userType":"Location",
    "locationId":"LOC1","companyId":"CO1","userId":"U1"})");
  auto tokens = client_->Refresh(kRefresh, "Location");
  ASSERT_THAT(tokens, IsOk());
  EXPECT_EQ(tokens->access_token, "at-new");
  EXPECT_EQ(tokens->refresh_token, "rt-new");
  EXPECT_EQ(tokens->expires_at, clock_.Now() + absl::Seconds(86399));
  EXPECT_EQ(tokens->location_id, "LOC1");
  EXPECT_EQ(tokens->company_id, "CO1");
  EXPECT_EQ(tokens->user_type, "Location");
  const auto requests = transport_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].url, "http://ghl.test/oauth/token");
  EXPECT_EQ(requests[0].body,
            "client_id=app-client-1&client_secret=client-secret-9f1e&grant_type=refresh_token&"
            "refresh_token=refresh-old-3c2b&user_type=Location");
  bool form = false;
  for (const auto& [name, value] : requests[0].headers) {
    form = form || (name == "Content-Type" && value == "application/x-www-form-urlencoded");
  }
  EXPECT_TRUE(form);
}

TEST_F(OAuthClientTest, MissingExpiresInKeepsTheTokensWithTheDefaultLifetime) {
  transport_->AddResponse(200,
                          R"({"access_token":"at","refresh_token":"rt","userType":"Location"})");
  auto tokens = client_->Refresh(kRefresh, "");
  ASSERT_THAT(tokens, IsOk());
  EXPECT_EQ(tokens->refresh_token, "rt");
  EXPECT_EQ(tokens->expires_at, clock_.Now() + absl::Minutes(30));
}

TEST_F(OAuthClientTest, UnusableExpiresInFallsBackToo) {
  transport_->AddResponse(200, R"({"access_token":"at","refresh_token":"rt","expires_in":-5})");
  auto tokens = client_->Refresh(kRefresh, "");
  ASSERT_THAT(tokens, IsOk());
  EXPECT_EQ(tokens->expires_at, clock_.Now() + absl::Minutes(30));
}

TEST_F(OAuthClientTest, ErrorBodyBecomesItsStatusWithoutSecrets) {
  transport_->AddResponse(
      401,
      R"({"statusCode":401,"message":"Invalid client credentials client-secret-9f1e","error":"Unauthorized"})");
  auto tokens = client_->Refresh(kRefresh, "");
  EXPECT_THAT(tokens, StatusIs(absl::StatusCode::kUnauthenticated,
                               HasSubstr("Invalid client credentials")));
  EXPECT_THAT(std::string(tokens.status().message()), Not(HasSubstr(kSecret)));
  EXPECT_FALSE(IsInvalidGrant(tokens.status()));
}

TEST_F(OAuthClientTest, InvalidGrantIsFailedPreconditionWithItsMark) {
  transport_->AddResponse(400,
                          R"({"statusCode":400,"message":"Invalid grant: refresh token is invalid",
    "error":"invalid_grant","error_description":"refresh token is invalid"})");
  auto tokens = client_->Refresh(kRefresh, "");
  EXPECT_THAT(tokens, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("invalid_grant")));
  EXPECT_TRUE(IsInvalidGrant(tokens.status()));
}

TEST_F(OAuthClientTest, InvalidGrantInGhlMessageTextOnly) {
  transport_->AddResponse(400, R"({"statusCode":400,"message":"Invalid grant: the code is used"})");
  EXPECT_TRUE(IsInvalidGrant(client_->ExchangeCode("code-1", "", "").status()));
}

TEST_F(OAuthClientTest, ServerErrorsAreUnavailable) {
  transport_->AddResponse(503, "upstream down");
  EXPECT_THAT(client_->Refresh(kRefresh, ""),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("503")));
}

TEST_F(OAuthClientTest, NetworkErrorIsUnavailable) {
  transport_->AddError(absl::UnavailableError("connect to ghl.test failed"));
  EXPECT_THAT(client_->Refresh(kRefresh, ""),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("connect to ghl.test failed")));
}

TEST_F(OAuthClientTest, MalformedBodyIsUnavailableAndShowsNoContent) {
  transport_->AddResponse(200, R"({"access_token":"at-leak","refresh_token":)");
  auto tokens = client_->Refresh(kRefresh, "");
  EXPECT_THAT(tokens, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("malformed JSON")));
  EXPECT_THAT(std::string(tokens.status().message()), Not(HasSubstr("at-leak")));
}

TEST_F(OAuthClientTest, AnswerWithoutAccessTokenIsInternal) {
  transport_->AddResponse(200, R"({"refresh_token":"rt"})");
  EXPECT_THAT(client_->Refresh(kRefresh, ""),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("access_token")));
  transport_->AddResponse(200, R"(["not an object"])");
  EXPECT_THAT(client_->Refresh(kRefresh, ""),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("not an object")));
}

TEST_F(OAuthClientTest, EmptyInputsAreRejectedBeforeAnyRequest) {
  EXPECT_THAT(client_->Refresh("", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("refresh_token")));
  EXPECT_THAT(client_->ExchangeCode("", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("code")));
  EXPECT_THAT(client_->MintLocationToken("t", "", "L"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("companyId")));
  EXPECT_TRUE(transport_->requests().empty());
}

TEST_F(OAuthClientTest, CodeExchangeEncodesTheRedirectUri) {
  transport_->AddResponse(200, R"({"access_token":"at","refresh_token":"rt","expires_in":10})");
  ASSERT_THAT(client_->ExchangeCode("c/1", "http://gw.test/oauth/callback", "Location"), IsOk());
  EXPECT_EQ(transport_->requests()[0].body,
            "client_id=app-client-1&client_secret=client-secret-9f1e&grant_type=authorization_code&"
            "code=c%2F1&user_type=Location&redirect_uri=http%3A%2F%2Fgw.test%2Foauth%2Fcallback");
}

TEST_F(OAuthClientTest, LocationTokenUsesTheCompanyTokenAndVersion) {
  transport_->AddResponse(200, R"({"access_token":"loc-at","expires_in":100,"userId":"U"})");
  auto tokens = client_->MintLocationToken("company-at", "CO1", "LOC9");
  ASSERT_THAT(tokens, IsOk());
  EXPECT_EQ(tokens->location_id, "LOC9");
  EXPECT_EQ(tokens->company_id, "CO1");
  EXPECT_TRUE(tokens->refresh_token.empty());
  const auto r = transport_->requests()[0];
  EXPECT_EQ(r.url, "http://ghl.test/oauth/locationToken");
  EXPECT_EQ(r.body, "companyId=CO1&locationId=LOC9");
  EXPECT_THAT(r.headers, ::testing::Contains(std::make_pair(std::string("Authorization"),
                                                            std::string("Bearer company-at"))));
  EXPECT_THAT(r.headers, ::testing::Contains(
                             std::make_pair(std::string("Version"), std::string("2021-07-28"))));
}

TEST_F(OAuthClientTest, InstalledLocationsPagesUntilCount) {
  std::string page1 = R"({"count":101,"locations":[)";
  for (int i = 0; i < 100; ++i) {
    page1 += (i ? "," : "") + std::string(R"({"_id":"L)") + std::to_string(i) +
             R"(","name":"n","address":"a"})";
  }
  page1 += "]}";
  transport_->AddResponse(200, page1);
  transport_->AddResponse(
      200,
      R"({"count":101,"locations":[{"_id":"L100","name":"n","address":"a","isInstalled":true}]})");
  auto locations = client_->InstalledLocations("company-at", "CO1", "APP1");
  ASSERT_THAT(locations, IsOk());
  EXPECT_EQ(locations->size(), 101u);
  EXPECT_EQ(locations->back().id, "L100");
  const auto requests = transport_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(requests[1].url, HasSubstr("skip=100"));
  EXPECT_THAT(requests[1].url, HasSubstr("companyId=CO1&appId=APP1"));
}

TEST_F(OAuthClientTest, InstalledLocationsWithoutIdIsInternal) {
  transport_->AddResponse(200, R"({"locations":[{"name":"x"}]})");
  EXPECT_THAT(client_->InstalledLocations("t", "CO1", "APP1"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("locations[0] has no _id")));
}

}  // namespace
}  // namespace ghl::auth
