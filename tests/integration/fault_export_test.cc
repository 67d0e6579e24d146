// Issue 5's fault test: an export of 10,000 contacts through the gateway
// while the sandbox faults 10% of the upstream calls (429 bursts, 5xx,
// malformed and truncated bodies, connection resets, slow bodies; plus
// jittered latency on all), at GHL's real rate limit. Nothing may be lost or
// repeated.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <thread>

#include "tests/integration/stack.h"

namespace ghl::testing {
namespace {

using ::ghl::contacts::v1::ListContactsRequest;

ghl::sandbox::FaultPlan TenPercentMixed(uint64_t seed) {
  ghl::sandbox::FaultPlan plan;
  plan.seed = seed;
  for (const char* spec :
       {"429:p=0.02", "5xx:p=0.02,code=503", "malformed:p=0.015", "truncated:p=0.015",
        "reset:p=0.015", "slow:p=0.015,bps=400000", "latency:dist=uniform,min=0,max=10"}) {
    auto rule = ghl::sandbox::ParseFaultRule(spec);
    EXPECT_TRUE(rule.ok()) << rule.status();
    if (rule.ok()) plan.rules.push_back(*rule);
  }
  return plan;
}

TEST(FaultExport, TenThousandContactsWithTenPercentFaultsArriveExactlyOnce) {
  StackOptions o;
  o.demo_data = false;
  o.generated_contacts = 10000;
  o.retry_max_attempts = 8;
  o.faults = TenPercentMixed(11);  // seed 11 draws every kind within the first 95 calls
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  ListContactsRequest r;
  r.set_location_id(kDemoLocation);
  Listing listing = ListAll(stack.stub(), r, -1, std::chrono::seconds(300));
  ASSERT_TRUE(listing.status.ok()) << listing.status.error_message();
  const std::set<std::string> unique(listing.ids.begin(), listing.ids.end());
  EXPECT_EQ(listing.ids.size(), 10000u);
  EXPECT_EQ(unique.size(), 10000u);
  for (const auto& id : unique) {
    ASSERT_FALSE(stack.sandbox().service()->ContactJson(id).empty()) << "unknown contact " << id;
  }
  EXPECT_TRUE(listing.pages.back().last_page());
  // The plan really faulted the run: about 10% of ~110 calls, every kind of
  // this seed's draw at least once.
  const auto stats = stack.sandbox().Stats();
  uint64_t faults = 0;
  for (const auto& [kind, count] : stats.faults) {
    if (kind != "latency") faults += count;
  }
  EXPECT_GE(faults, 5u);
  for (const char* kind : {"429", "5xx", "malformed", "truncated", "reset", "slow"}) {
    EXPECT_TRUE(stats.faults.count(kind)) << "seed 11 never drew " << kind;
  }
  std::cout << "fault export: " << stats.requests << " upstream calls, " << faults << " faulted, "
            << stats.rate_limited_429 << " rate-limit 429s\n";
}

TEST(GracefulShutdown, StreamsEndWithAResumeTokenThatContinuesOnTheNextGateway) {
  StackOptions o;
  o.demo_data = false;
  o.generated_contacts = 3000;
  o.rate_limit_max = 1000000;
  o.faults = TenPercentMixed(11);
  o.faults.rules.clear();
  o.faults.rules.push_back(*ghl::sandbox::ParseFaultRule("latency:ms=20"));
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  ListContactsRequest r;
  r.set_location_id(kDemoLocation);
  std::vector<std::string> ids;
  std::string last_token;
  grpc::Status status;
  std::multimap<std::string, std::string> trailers;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    auto reader = stack.stub().ListContacts(&ctx, r);
    ghl::contacts::v1::ListContactsResponse page;
    std::thread stopper;
    int pages = 0;
    while (reader->Read(&page)) {
      for (const auto& c : page.contacts()) ids.push_back(c.id());
      last_token = page.resume_token();
      if (++pages == 5)
        stopper = std::thread([&stack] { stack.gateway().Shutdown(absl::Seconds(20)); });
    }
    status = reader->Finish();
    if (stopper.joinable()) stopper.join();
    for (const auto& [k, v] : ctx.GetServerTrailingMetadata())
      trailers.emplace(std::string(k.data(), k.size()), std::string(v.data(), v.size()));
  }
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("shutting down"));
  ASSERT_EQ(trailers.count("ghl-resume-token"), 1u);
  EXPECT_EQ(trailers.find("ghl-resume-token")->second, last_token);
  EXPECT_LT(ids.size(), 3000u);  // it really ended early

  stack.RestartGateway();
  ASSERT_EQ(stack.error(), "");
  r.set_resume_token(last_token);
  Listing rest = ListAll(stack.stub(), r);
  ASSERT_TRUE(rest.status.ok()) << rest.status.error_message();
  ids.insert(ids.end(), rest.ids.begin(), rest.ids.end());
  const std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(ids.size(), 3000u);
  EXPECT_EQ(unique.size(), 3000u);
}

TEST(GracefulShutdown, SearchStreamsEndWithAResumeTokenToo) {
  StackOptions o;
  o.demo_data = false;
  o.generated_contacts = 3000;
  o.rate_limit_max = 1000000;
  o.faults.rules.push_back(*ghl::sandbox::ParseFaultRule("latency:ms=20"));
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  ghl::contacts::v1::SearchContactsRequest r;
  r.set_location_id(kDemoLocation);
  r.set_page_size(100);
  std::vector<std::string> ids;
  std::string last_token;
  grpc::Status status;
  std::string trailer;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    auto reader = stack.stub().SearchContacts(&ctx, r);
    ghl::contacts::v1::SearchContactsResponse page;
    std::thread stopper;
    int pages = 0;
    while (reader->Read(&page)) {
      for (const auto& c : page.contacts()) ids.push_back(c.id());
      last_token = page.resume_token();
      if (++pages == 5)
        stopper = std::thread([&stack] { stack.gateway().Shutdown(absl::Seconds(20)); });
    }
    status = reader->Finish();
    if (stopper.joinable()) stopper.join();
    auto it = ctx.GetServerTrailingMetadata().find("ghl-resume-token");
    if (it != ctx.GetServerTrailingMetadata().end())
      trailer.assign(it->second.data(), it->second.size());
  }
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(trailer, last_token);
  EXPECT_LT(ids.size(), 3000u);
  stack.RestartGateway();
  ASSERT_EQ(stack.error(), "");
  r.set_resume_token(last_token);
  grpc::ClientContext ctx;
  auto reader = stack.stub().SearchContacts(&ctx, r);
  ghl::contacts::v1::SearchContactsResponse page;
  while (reader->Read(&page)) {
    for (const auto& c : page.contacts()) ids.push_back(c.id());
  }
  ASSERT_TRUE(reader->Finish().ok());
  const std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(ids.size(), 3000u);
  EXPECT_EQ(unique.size(), 3000u);
}

}  // namespace
}  // namespace ghl::testing
