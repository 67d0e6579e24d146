// Fault injection over real sockets: what a client sees for each kind, the
// seeded schedule, and the /_sandbox/faults admin endpoint.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "tests/unit/sandbox/sandbox_test_util.h"
#include "tools/ghl-sandbox/sandbox.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::Api;
using ::ghl::sandbox::testing::kDemoLocation;
using ::ghl::sandbox::testing::kReadWrite;
using ::ghl::sandbox::testing::TestTokens;
using ::testing::HasSubstr;

class SandboxFaultsTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> specs, uint64_t seed = 1) {
    SandboxOptions o;
    o.generate_contacts = 40;
    o.generate_location_id = kDemoLocation;
    o.tokens = TestTokens();
    o.rate_limit_max = 1000000;
    o.faults.seed = seed;
    for (const auto& s : specs) {
      auto rule = ParseFaultRule(s);
      ASSERT_TRUE(rule.ok()) << rule.status();
      o.faults.rules.push_back(*rule);
    }
    sandbox_ = std::make_unique<Sandbox>(std::move(o));
    ASSERT_TRUE(sandbox_->Start().ok());
  }
  httplib::Result List() {
    httplib::Client c("127.0.0.1", sandbox_->port());
    c.set_read_timeout(10, 0);
    return c.Get(absl::StrCat("/contacts/?locationId=", kDemoLocation, "&limit=10"),
                 Api(kReadWrite));
  }
  std::unique_ptr<Sandbox> sandbox_;
};

TEST_F(SandboxFaultsTest, TruncatedAndResetBreakTheTransfer) {
  Start({"truncated:every=2", "reset:every=3"});
  EXPECT_EQ(List()->status, 200);  // 1
  auto truncated = List();         // 2
  EXPECT_FALSE(truncated) << "a truncated body must not read as a whole answer";
  auto reset = List();  // 3
  EXPECT_FALSE(reset);
  EXPECT_FALSE(List());            // 4: truncated again
  EXPECT_EQ(List()->status, 200);  // 5
  const SandboxStats stats = sandbox_->Stats();
  EXPECT_EQ(stats.faults.at("truncated"), 2u);
  EXPECT_EQ(stats.faults.at("reset"), 1u);
}

TEST_F(SandboxFaultsTest, MalformedIsA200WithBrokenJson) {
  Start({"malformed:after=2"});
  auto ok = List();
  ASSERT_TRUE(ok);
  rapidjson::Document good;
  good.Parse(ok->body.c_str());
  EXPECT_FALSE(good.HasParseError());
  auto bad = List();
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 200);
  rapidjson::Document doc;
  doc.Parse(bad->body.c_str());
  EXPECT_TRUE(doc.HasParseError());
}

TEST_F(SandboxFaultsTest, AnswerFaultsCarryGhlBodies) {
  Start({"5xx:every=2,code=502", "429:every=3", "token-expiry:after=5"});
  EXPECT_EQ(List()->status, 200);
  auto e5xx = List();
  EXPECT_EQ(e5xx->status, 502);
  EXPECT_THAT(e5xx->body, HasSubstr(R"("statusCode":502)"));
  EXPECT_FALSE(e5xx->has_header("X-RateLimit-Remaining"));
  auto e429 = List();
  EXPECT_EQ(e429->status, 429);
  EXPECT_TRUE(e429->has_header("X-RateLimit-Remaining"));
  EXPECT_EQ(List()->status, 502);  // 4
  auto expired = List();           // 5
  EXPECT_EQ(expired->status, 401);
  EXPECT_THAT(expired->body, HasSubstr("Invalid JWT"));
  EXPECT_EQ(List()->status, 502);  // 6: the first matching rule wins
  EXPECT_EQ(List()->status, 401);  // 7: expired for good
}

TEST_F(SandboxFaultsTest, SlowBodiesArriveWhole) {
  Start({"slow:bps=200000", "latency:ms=30"});
  const auto start = std::chrono::steady_clock::now();
  auto slow = List();
  ASSERT_TRUE(slow);
  EXPECT_EQ(slow->status, 200);
  rapidjson::Document doc;
  doc.Parse(slow->body.c_str());
  EXPECT_FALSE(doc.HasParseError());
  // At least the added latency and one trickle step passed (a lower bound:
  // never flaky on a slow machine).
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(130));
}

TEST_F(SandboxFaultsTest, AdminEndpointReplacesShowsAndClearsThePlan) {
  Start({});
  httplib::Client c("127.0.0.1", sandbox_->port());
  auto put =
      c.Put("/_sandbox/faults", R"({"seed": 9, "faults": ["5xx:every=1"]})", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200);
  EXPECT_THAT(put->body, HasSubstr(R"("faults":["5xx:every=1"])"));
  EXPECT_EQ(List()->status, 503);
  auto get = c.Get("/_sandbox/faults");
  EXPECT_THAT(get->body, HasSubstr(R"("counts":{"5xx":1})"));
  auto stats = c.Get("/_sandbox/stats");
  EXPECT_THAT(stats->body, HasSubstr(R"("faults":{"5xx":1})"));
  auto bad = c.Put("/_sandbox/faults", R"({"faults": ["5xx:code=99"]})", "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(bad->body, HasSubstr("invalid value for code"));
  EXPECT_EQ(c.Delete("/_sandbox/faults")->status, 200);
  EXPECT_EQ(List()->status, 200);
}

}  // namespace
}  // namespace ghl::sandbox
