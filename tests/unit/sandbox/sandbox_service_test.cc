// Handler-level tests of SandboxService: no sockets, a fake clock.
#include "tools/ghl-sandbox/sandbox_service.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/sandbox/sandbox_test_util.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::kDemoLocation;
using ::ghl::sandbox::testing::kOtherLocation;
using ::ghl::sandbox::testing::kOtherRw;
using ::ghl::sandbox::testing::kReadOnly;
using ::ghl::sandbox::testing::kReadWrite;
using ::ghl::sandbox::testing::ParseJson;
using ::ghl::sandbox::testing::TestTokens;
using ::ghl::sandbox::testing::WithoutTraceId;

class SandboxServiceTest : public ::testing::Test {
 protected:
  std::unique_ptr<SandboxService> Make(SandboxOptions options) {
    options.tokens = TestTokens();
    options.clock = [this] { return now_; };
    auto service = SandboxService::Create(std::move(options));
    EXPECT_TRUE(service.ok()) << service.status();
    return service.ok() ? *std::move(service) : nullptr;
  }

  static HttpRequest Request(const std::string& method, const std::string& path,
                             const std::string& token = kReadWrite, const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.headers["version"] = "2021-07-28";
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    r.headers["host"] = "sandbox.test:1234";
    r.body = body;
    return r;
  }

  static std::string HeaderOf(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  absl::Time now_ = absl::FromUnixMillis(1625203106704);
};

TEST_F(SandboxServiceTest, SlidingWindowWithFakeClock) {
  SandboxOptions options;
  options.generate_contacts = 10;
  options.rate_limit_max = 2;
  options.rate_limit_interval_ms = 1000;
  auto service = Make(options);
  HttpRequest list = Request("GET", "/contacts/", kReadOnly);
  list.query = {{"locationId", kDemoLocation}};
  EXPECT_EQ(service->Handle(list).status, 200);
  now_ += absl::Milliseconds(600);
  EXPECT_EQ(service->Handle(list).status, 200);
  now_ += absl::Milliseconds(399);
  const HttpResponse limited = service->Handle(list);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(HeaderOf(limited, "X-RateLimit-Remaining"), "0");
  now_ += absl::Milliseconds(1);
  const HttpResponse ok = service->Handle(list);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(HeaderOf(ok, "X-RateLimit-Remaining"), "0");
  EXPECT_EQ(HeaderOf(ok, "X-RateLimit-Daily-Remaining"), "199997");
  EXPECT_EQ(service->Stats().rate_limited_429, 1u);
}

TEST_F(SandboxServiceTest, TimestampsComeFromTheClock) {
  auto service = Make({});
  const HttpResponse created = service->Handle(Request(
      "POST", "/contacts/", kReadWrite, absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","firstName":"A"})")));
  ASSERT_EQ(created.status, 201) << created.body;
  const rapidjson::Document c = ParseJson(created.body);
  EXPECT_STREQ(c["contact"]["dateAdded"].GetString(), "2021-07-02T05:18:26.704Z");
  const std::string id = c["contact"]["id"].GetString();
  now_ += absl::Seconds(1);
  const HttpResponse updated = service->Handle(Request("PUT", "/contacts/" + id, kReadWrite, R"({"city":"Rome"})"));
  ASSERT_EQ(updated.status, 200) << updated.body;
  const rapidjson::Document u = ParseJson(updated.body);
  EXPECT_STREQ(u["contact"]["dateUpdated"].GetString(), "2021-07-02T05:18:27.704Z");
  EXPECT_STREQ(u["contact"]["dateAdded"].GetString(), "2021-07-02T05:18:26.704Z");
}

TEST_F(SandboxServiceTest, RequestIdHeaderMatchesTraceId) {
  auto service = Make({});
  const HttpResponse r = service->Handle(Request("GET", "/contacts/unknown", kReadOnly));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(HeaderOf(r, "X-Request-Id"), ParseJson(r.body)["traceId"].GetString());
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
}

TEST_F(SandboxServiceTest, BearerSchemeIsCaseInsensitive) {
  auto service = Make({});
  HttpRequest r = Request("GET", "/contacts/unknown", "");
  r.headers["authorization"] = std::string("bearer ") + kReadOnly;
  EXPECT_EQ(service->Handle(r).status, 404);
  r.headers["authorization"] = kReadOnly;
  EXPECT_EQ(service->Handle(r).status, 401);
}

TEST_F(SandboxServiceTest, UnknownMethodOrNestedPathIsCannot) {
  auto service = Make({});
  EXPECT_EQ(WithoutTraceId(service->Handle(Request("PATCH", "/contacts/abc")).body),
            R"({"statusCode":404,"message":"Cannot PATCH /contacts/abc","error":"Not Found"})");
  EXPECT_EQ(service->Handle(Request("GET", "/contacts/abc/tasks")).status, 404);
  EXPECT_EQ(service->Handle(Request("DELETE", "/contacts/")).status, 404);
}

TEST_F(SandboxServiceTest, StormWithoutTokenHasNoRateLimitHeaders) {
  SandboxOptions options;
  options.storm_429 = 1;
  auto service = Make(options);
  const HttpResponse r = service->Handle(Request("GET", "/contacts/x", ""));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(HeaderOf(r, "X-RateLimit-Remaining"), "");
  EXPECT_EQ(service->Handle(Request("GET", "/contacts/x", "")).status, 401);
}

TEST_F(SandboxServiceTest, LocationsWithoutDataStillAcceptCreates) {
  auto service = Make({});
  const std::string body = absl::StrCat(R"({"locationId":")", kOtherLocation, R"(","email":"a@b.co"})");
  EXPECT_EQ(service->Handle(Request("POST", "/contacts/", kOtherRw, body)).status, 201);
  const std::string with_field = absl::StrCat(R"({"locationId":")", kOtherLocation,
                                              R"(","customFields":[{"id":"x","field_value":1}]})");
  EXPECT_EQ(service->Handle(Request("POST", "/contacts/", kOtherRw, with_field)).status, 422);
  HttpRequest list = Request("GET", "/contacts/", kOtherRw);
  list.query = {{"locationId", kOtherLocation}};
  const rapidjson::Document page = ParseJson(service->Handle(list).body);
  EXPECT_EQ(page["count"].GetInt(), 1);
  EXPECT_EQ(service->ContactCount(), 1u);
}

TEST_F(SandboxServiceTest, NextPageUrlUsesHostAndCursor) {
  SandboxOptions options;
  options.generate_contacts = 50;
  auto service = Make(options);
  HttpRequest list = Request("GET", "/contacts/", kReadOnly);
  list.query = {{"locationId", kDemoLocation}, {"limit", "2"}, {"query", "@"}};
  const rapidjson::Document page = ParseJson(service->Handle(list).body);
  const std::string url = page["meta"]["nextPageUrl"].GetString();
  EXPECT_EQ(url, absl::StrCat("http://sandbox.test:1234/contacts/?locationId=", kDemoLocation,
                              "&startAfter=", page["meta"]["startAfter"].GetInt64(),
                              "&startAfterId=", page["meta"]["startAfterId"].GetString(),
                              "&limit=2&query=%40"))
      << url;
}

TEST_F(SandboxServiceTest, MalformedAndNonObjectBodies) {
  auto service = Make({});
  const HttpResponse bad = service->Handle(Request("POST", "/contacts/", kReadWrite, "{\"a\":tru}"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(WithoutTraceId(bad.body),
            R"({"statusCode":400,"message":"Unexpected token } in JSON at position 8","error":"Bad Request"})");
  EXPECT_EQ(service->Handle(Request("POST", "/contacts/", kReadWrite, "[]")).status, 422);
  EXPECT_EQ(service->Handle(Request("POST", "/contacts/", kReadWrite, "")).status, 422);
}

TEST_F(SandboxServiceTest, AdminStorm) {
  auto service = Make({});
  HttpRequest storm = Request("POST", "/_sandbox/storm429", "");
  storm.query = {{"count", "3"}};
  const HttpResponse r = service->Handle(storm);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"stormRemaining":3})");
  storm.query = {{"count", "x"}};
  EXPECT_EQ(service->Handle(storm).status, 400);
  EXPECT_EQ(service->Stats().storm_remaining, 3);
  EXPECT_EQ(service->Stats().requests, 0u);
}

}  // namespace
}  // namespace ghl::sandbox
