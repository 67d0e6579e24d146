// ghl-sandbox's OAuth endpoints (apps/oauth.json) through SandboxService:
// the authorization page's redirect, the three grant types, user_type,
// single-use codes and refresh tokens (rotation), location tokens, installed
// locations, GHL's error bodies, and the issued tokens' use on the API.
#include "tools/ghl-sandbox/sandbox_oauth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "tools/ghl-sandbox/sandbox_service.h"

namespace ghl::sandbox {
namespace {

using ::testing::HasSubstr;

constexpr char kLocation[] = "ve9EPM428h8vShlRW1KT";

class SandboxOAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SandboxOptions o;
    o.generate_contacts = 3;
    o.generate_location_id = kLocation;
    o.oauth.client_id = "cid";
    o.oauth.client_secret = "csecret";
    o.oauth.access_token_lifetime_s = 120;
    o.clock = [this] { return now_; };
    auto s = SandboxService::Create(o);
    ASSERT_TRUE(s.ok()) << s.status();
    service_ = *std::move(s);
  }
  HttpResponse Get(const std::string& path, std::vector<std::pair<std::string, std::string>> query,
                   const std::string& token = "") {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.query = std::move(query);
    r.headers["version"] = "2021-07-28";
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return service_->Handle(r);
  }
  HttpResponse PostForm(const std::string& path, const std::string& body,
                        const std::string& token = "") {
    HttpRequest r;
    r.method = "POST";
    r.path = path;
    r.body = body;
    r.headers["content-type"] = "application/x-www-form-urlencoded";
    r.headers["version"] = "2021-07-28";
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return service_->Handle(r);
  }
  std::string Code(const std::string& extra = "") {
    std::vector<std::pair<std::string, std::string>> q = {
        {"response_type", "code"}, {"client_id", "cid"}, {"redirect_uri", "http://app/cb"}};
    if (!extra.empty()) q.emplace_back("userType", extra);
    HttpResponse r = Get("/v2/oauth/chooselocation", q);
    EXPECT_EQ(r.status, 302);
    for (const auto& [k, v] : r.headers) {
      if (k == "Location") return v.substr(v.find("code=") + 5);
    }
    return "";
  }
  rapidjson::Document Json(const HttpResponse& r) {
    rapidjson::Document d;
    d.Parse(r.body.data(), r.body.size());
    EXPECT_FALSE(d.HasParseError()) << r.body;
    return d;
  }
  std::string Grant(const std::string& grant, const std::string& name, const std::string& value) {
    return absl::StrCat("client_id=cid&client_secret=csecret&grant_type=", grant, "&", name, "=",
                        value);
  }

  absl::Time now_ = absl::FromUnixSeconds(1750000000);
  std::unique_ptr<SandboxService> service_;
};

TEST_F(SandboxOAuthTest, CodeThenRotatingRefreshTokens) {
  const std::string code = Code();
  HttpResponse r =
      PostForm("/oauth/token", Grant("authorization_code", "code", code) + "&user_type=Location");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = Json(r);
  EXPECT_EQ(std::string(d["userType"].GetString()), "Location");
  EXPECT_EQ(std::string(d["locationId"].GetString()), kLocation);
  EXPECT_EQ(d["expires_in"].GetInt(), 120);
  EXPECT_TRUE(d.HasMember("userId"));
  const std::string access = d["access_token"].GetString();
  const std::string refresh = d["refresh_token"].GetString();
  // The code was single use.
  r = PostForm("/oauth/token", Grant("authorization_code", "code", code));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("invalid_grant"));
  // The access token works on the API until it expires.
  EXPECT_EQ(Get("/contacts/", {{"locationId", kLocation}}, access).status, 200);
  now_ += absl::Seconds(121);
  EXPECT_EQ(Get("/contacts/", {{"locationId", kLocation}}, access).status, 401);
  // Refresh: a new pair; the old refresh token is dead.
  r = PostForm("/oauth/token", Grant("refresh_token", "refresh_token", refresh));
  ASSERT_EQ(r.status, 200) << r.body;
  auto d2 = Json(r);
  EXPECT_NE(std::string(d2["refresh_token"].GetString()), refresh);
  EXPECT_EQ(Get("/contacts/", {{"locationId", kLocation}}, d2["access_token"].GetString()).status,
            200);
  r = PostForm("/oauth/token", Grant("refresh_token", "refresh_token", refresh));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(std::string(Json(r)["error"].GetString()), "invalid_grant");
  const auto stats = service_->oauth().Stats();
  EXPECT_EQ(stats.refreshes_ok, 1u);
  EXPECT_EQ(stats.invalid_grants, 2u);
}

TEST_F(SandboxOAuthTest, ValidationAndClientErrorsUseGhlBodies) {
  HttpResponse r = PostForm("/oauth/token", "grant_type=password");
  EXPECT_EQ(r.status, 422);
  EXPECT_THAT(r.body, HasSubstr("client_id should not be empty"));
  EXPECT_THAT(r.body, HasSubstr("grant_type must be one of the following values"));
  r = PostForm("/oauth/token", Grant("refresh_token", "refresh_token", "x") + "&user_type=Agency");
  EXPECT_EQ(r.status, 422);
  EXPECT_THAT(r.body,
              HasSubstr("user_type must be one of the following values: Company, Location"));
  r = PostForm("/oauth/token",
               "client_id=cid&client_secret=wrong&grant_type=refresh_token&refresh_token=x");
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(r.body, HasSubstr("\"error\":\"Unauthorized\""));
  // user_type must match what was authorized.
  r = PostForm("/oauth/token", Grant("authorization_code", "code", Code()) + "&user_type=Company");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("user_type Location"));
}

TEST_F(SandboxOAuthTest, CompanyTokenMintsLocationTokensAndListsInstalls) {
  HttpResponse r = PostForm("/oauth/token", Grant("authorization_code", "code", Code("Company")));
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = Json(r);
  EXPECT_EQ(std::string(d["userType"].GetString()), "Company");
  EXPECT_FALSE(d.HasMember("locationId"));
  const std::string company = d["access_token"].GetString();
  const std::string company_id = d["companyId"].GetString();
  // A company token is not an API token.
  EXPECT_EQ(Get("/contacts/", {{"locationId", kLocation}}, company).status, 401);
  r = Get("/oauth/installedLocations",
          {{"companyId", company_id}, {"appId", "sandboxApp0000000001"}}, company);
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = Json(r);
  ASSERT_EQ(list["locations"].Size(), 1u);
  EXPECT_EQ(std::string(list["locations"][0]["_id"].GetString()), kLocation);
  r = Get("/oauth/installedLocations", {{"appId", "x"}}, company);
  EXPECT_EQ(r.status, 422);
  EXPECT_THAT(r.body, HasSubstr("companyId should not be empty"));
  r = PostForm("/oauth/locationToken",
               absl::StrCat("companyId=", company_id, "&locationId=", kLocation), company);
  ASSERT_EQ(r.status, 200) << r.body;
  auto minted = Json(r);
  EXPECT_FALSE(minted.HasMember("refresh_token"));
  EXPECT_EQ(
      Get("/contacts/", {{"locationId", kLocation}}, minted["access_token"].GetString()).status,
      200);
  r = PostForm("/oauth/locationToken",
               absl::StrCat("companyId=", company_id, "&locationId=NOTINSTALLED"), company);
  EXPECT_EQ(r.status, 400);
  // A location token cannot mint.
  r = PostForm("/oauth/locationToken",
               absl::StrCat("companyId=", company_id, "&locationId=", kLocation),
               minted["access_token"].GetString());
  EXPECT_EQ(r.status, 401);
  // Client credentials: a company token without a refresh token.
  r = PostForm("/oauth/token", "client_id=cid&client_secret=csecret&grant_type=client_credentials");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(Json(r).HasMember("refresh_token"));
}

TEST_F(SandboxOAuthTest, ExpireAccessTokensEndsThemAll) {
  auto d = Json(PostForm("/oauth/token", Grant("authorization_code", "code", Code())));
  const std::string access = d["access_token"].GetString();
  EXPECT_EQ(Get("/contacts/", {{"locationId", kLocation}}, access).status, 200);
  service_->oauth().ExpireAccessTokens();
  EXPECT_EQ(Get("/contacts/", {{"locationId", kLocation}}, access).status, 401);
}

TEST(SandboxOAuthForm, DecodesPercentAndPlus) {
  auto form = ParseForm("a=1%2B2&b=x+y&c&d=%zz");
  ASSERT_EQ(form.size(), 4u);
  EXPECT_EQ(form[0].second, "1+2");
  EXPECT_EQ(form[1].second, "x y");
  EXPECT_EQ(form[2].first, "c");
  EXPECT_EQ(form[3].second, "%zz");
}

}  // namespace
}  // namespace ghl::sandbox
