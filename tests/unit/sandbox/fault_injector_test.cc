// The fault plan: spec parsing, determinism by seed, schedules, one answer
// fault per request, latency distributions, and the admin endpoint's JSON.
#include "tools/ghl-sandbox/fault_injector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace ghl::sandbox {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

FaultPlan Plan(uint64_t seed, std::vector<std::string> specs) {
  FaultPlan plan;
  plan.seed = seed;
  for (const auto& s : specs) {
    auto rule = ParseFaultRule(s);
    EXPECT_TRUE(rule.ok()) << rule.status();
    if (rule.ok()) plan.rules.push_back(*rule);
  }
  return plan;
}

std::vector<uint64_t> Hits(FaultInjector& f, int requests) {
  std::vector<uint64_t> hits;
  for (int i = 0; i < requests; ++i) {
    FaultDecision d = f.Next();
    if (d.fault) hits.push_back(d.request_number);
  }
  return hits;
}

TEST(ParseFaultRule, ReadsEveryKindAndKey) {
  auto r = ParseFaultRule("5xx:p=0.25,code=502,every=2,after=10,until=100");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, FaultKind::k5xx);
  EXPECT_DOUBLE_EQ(r->probability, 0.25);
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(r->every, 2u);
  EXPECT_EQ(r->after, 10u);
  EXPECT_EQ(r->until, 100u);
  EXPECT_EQ(r->spec, "5xx:p=0.25,code=502,every=2,after=10,until=100");
  auto latency = ParseFaultRule("latency:dist=normal,mean=250,sd=40");
  ASSERT_TRUE(latency.ok());
  EXPECT_EQ(latency->distribution, LatencyDistribution::kNormal);
  EXPECT_EQ(latency->latency, absl::Milliseconds(250));
  EXPECT_EQ(latency->latency_sd, absl::Milliseconds(40));
  for (const char* ok : {"429", "malformed:p=1", "truncated", "reset:every=7", "slow:bps=100",
                         "token-expiry:after=3", "latency:ms=0", "latency:dist=uniform,min=1,max=2",
                         "latency:dist=exponential,mean=10"}) {
    EXPECT_TRUE(ParseFaultRule(ok).ok()) << ok;
  }
}

TEST(ParseFaultRule, NamesTheBadPart) {
  struct Case {
    const char* spec;
    const char* message;
  } cases[] = {
      {"boom", "unknown kind"},
      {"5xx:p=2", "invalid value for p"},
      {"5xx:code=404", "invalid value for code"},
      {"429:code=503", "unknown key code"},
      {"latency", "latency needs ms="},
      {"latency:dist=zipf", "unknown dist"},
      {"latency:dist=uniform,min=5,max=1", "min= <= max="},
      {"reset:every=0", "invalid value for every"},
      {"reset:after=5,until=5", "until= must be greater"},
      {"slow:bps", "expected key=value"},
  };
  for (const auto& c : cases) {
    auto r = ParseFaultRule(c.spec);
    ASSERT_FALSE(r.ok()) << c.spec;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(c.message)) << c.spec;
    EXPECT_THAT(r.status().message(), HasSubstr(c.spec));
  }
}

TEST(FaultInjector, SameSeedSameFaultsOtherSeedOthers) {
  FaultInjector a(Plan(7, {"5xx:p=0.1"})), b(Plan(7, {"5xx:p=0.1"})), c(Plan(8, {"5xx:p=0.1"}));
  const auto ha = Hits(a, 2000), hb = Hits(b, 2000), hc = Hits(c, 2000);
  EXPECT_EQ(ha, hb);
  EXPECT_NE(ha, hc);
  // 10% of 2000, give or take what a fair coin does.
  EXPECT_GT(ha.size(), 150u);
  EXPECT_LT(ha.size(), 250u);
  // SetPlan restarts the numbering: the same requests fault again.
  a.SetPlan(Plan(7, {"5xx:p=0.1"}));
  EXPECT_EQ(Hits(a, 2000), ha);
}

TEST(FaultInjector, SchedulesSelectRequestsByNumber) {
  FaultInjector every(Plan(1, {"reset:every=3"}));
  EXPECT_THAT(Hits(every, 10), ElementsAre(3, 6, 9));
  FaultInjector window(Plan(1, {"truncated:after=5,until=8"}));
  EXPECT_THAT(Hits(window, 10), ElementsAre(5, 6, 7));
  FaultInjector expiry(Plan(1, {"token-expiry:after=4"}));
  EXPECT_THAT(Hits(expiry, 6), ElementsAre(4, 5, 6));
}

TEST(FaultInjector, OneAnswerFaultPerRequestWhileLatencyStacks) {
  FaultInjector f(Plan(1, {"latency:ms=100", "5xx:code=500", "429", "latency:ms=50"}));
  FaultDecision d = f.Next();
  ASSERT_TRUE(d.fault.has_value());
  EXPECT_EQ(*d.fault, FaultKind::k5xx);
  EXPECT_EQ(d.status, 500);
  EXPECT_EQ(d.delay, absl::Milliseconds(150));
  EXPECT_EQ(f.Counts(), (std::map<std::string, uint64_t>{{"5xx", 1}, {"latency", 2}}));
  EXPECT_EQ(f.Requests(), 1u);
}

TEST(FaultInjector, LatencyDistributionsStayInShape) {
  FaultInjector uniform(Plan(3, {"latency:dist=uniform,min=100,max=200"}));
  FaultInjector normal(Plan(3, {"latency:dist=normal,mean=20,sd=40"}));
  FaultInjector exponential(Plan(3, {"latency:dist=exponential,mean=100"}));
  absl::Duration exp_sum;
  std::set<int64_t> distinct;
  for (int i = 0; i < 5000; ++i) {
    const absl::Duration u = uniform.Next().delay;
    EXPECT_GE(u, absl::Milliseconds(100));
    EXPECT_LE(u, absl::Milliseconds(200));
    distinct.insert(absl::ToInt64Microseconds(u));
    EXPECT_GE(normal.Next().delay, absl::ZeroDuration());
    exp_sum += exponential.Next().delay;
  }
  EXPECT_GT(distinct.size(), 1000u);
  const double mean_ms = absl::ToDoubleMilliseconds(exp_sum) / 5000;
  EXPECT_GT(mean_ms, 90);
  EXPECT_LT(mean_ms, 110);
}

TEST(ParseFaultPlanJson, AcceptsSpecStringsAndObjects) {
  auto plan = ParseFaultPlanJson(
      R"({"seed": 42, "faults": ["429:p=0.5", {"kind": "latency", "ms": 250}, {"kind": "5xx", "code": "502", "every": 4}]})");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->seed, 42u);
  ASSERT_EQ(plan->rules.size(), 3u);
  EXPECT_EQ(plan->rules[1].latency, absl::Milliseconds(250));
  EXPECT_EQ(plan->rules[2].status, 502);
  EXPECT_EQ(plan->rules[2].every, 4u);
  const std::string json = FaultPlanJson(*plan, {{"429", 3}}, 9);
  EXPECT_THAT(json, HasSubstr(R"("seed":42)"));
  EXPECT_THAT(json, HasSubstr(R"("429:p=0.5")"));
  EXPECT_THAT(json, HasSubstr(R"("counts":{"429":3})"));
  EXPECT_THAT(json, HasSubstr(R"("requests":9)"));
}

TEST(ParseFaultPlanJson, RejectsWhatItCannotRead) {
  EXPECT_THAT(ParseFaultPlanJson("[]").status().message(), HasSubstr("JSON object"));
  EXPECT_THAT(ParseFaultPlanJson(R"({"seed": -1})").status().message(), HasSubstr("seed"));
  EXPECT_THAT(ParseFaultPlanJson(R"({"faults": {}})").status().message(), HasSubstr("array"));
  EXPECT_THAT(ParseFaultPlanJson(R"({"faults": [{"ms": 5}]})").status().message(),
              HasSubstr("kind"));
  EXPECT_THAT(
      ParseFaultPlanJson(R"({"faults": [{"kind": "latency", "ms": [1]}]})").status().message(),
      HasSubstr("faults[0].ms"));
  EXPECT_THAT(ParseFaultPlanJson(R"({"faults": ["nope"]})").status().message(),
              HasSubstr("unknown kind"));
}

}  // namespace
}  // namespace ghl::sandbox
