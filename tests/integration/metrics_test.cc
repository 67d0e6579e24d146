// Issue 7: the gateway's Prometheus metrics, scraped from --metrics-listen
// around real traffic (sandbox + gateway in-process), asserting how much
// each counter moved.
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/ghl/core/clock.h"
#include "adapters/ghl/http/curl_http_transport.h"
#include "ghl/contacts/v1/diagnostics_service.grpc.pb.h"
#include "tests/integration/stack.h"

namespace ghl::testing {
namespace {

using ::ghl::contacts::v1::ListContactsRequest;
using ::ghl::contacts::v1::ListContactsResponse;

constexpr char kListMethod[] = "/ghl.contacts.v1.ContactsService/ListContacts";

// Series ("name{labels}") -> value.
using Samples = std::map<std::string, double>;

struct Scrape {
  int status = 0;
  std::string content_type;
  std::string body;
  Samples samples;
};

Scrape ScrapeMetrics(int port) {
  Scrape out;
  auto transport = ghl::http::MakeCurlHttpTransport({});
  ghl::http::HttpRequest request;
  request.url = absl::StrCat("http://127.0.0.1:", port, "/metrics");
  request.timeout = absl::Seconds(10);
  auto response = transport->Send(request);
  if (!response.ok()) {
    ADD_FAILURE() << "scrape: " << response.status();
    return out;
  }
  out.status = response->status_code;
  out.content_type = response->Header("content-type");
  out.body = response->body;
  for (absl::string_view line : absl::StrSplit(out.body, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#")) continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    if (space == absl::string_view::npos || !absl::SimpleAtod(line.substr(space + 1), &value)) {
      ADD_FAILURE() << "malformed sample line: " << line;
      continue;
    }
    out.samples[std::string(line.substr(0, space))] = value;
  }
  return out;
}

double Get(const Samples& s, const std::string& series) {
  auto it = s.find(series);
  return it == s.end() ? 0 : it->second;
}

double Delta(const Scrape& before, const Scrape& after, const std::string& series) {
  return Get(after.samples, series) - Get(before.samples, series);
}

// Sum of every series of `name` whose labels contain `label_part`.
double SumDelta(const Scrape& before, const Scrape& after, const std::string& name,
                const std::string& label_part = "") {
  double sum = 0;
  for (const auto& [series, value] : after.samples) {
    if (!absl::StartsWith(series, name + "{") || !absl::StrContains(series, label_part)) continue;
    sum += value - Get(before.samples, series);
  }
  return sum;
}

std::string Calls(const std::string& code) {
  return absl::StrCat("ghl_gateway_grpc_calls_total{method=\"", kListMethod, "\",code=\"", code,
                      "\"}");
}

constexpr char kGetContacts[] = "method=\"GET\",path=\"/contacts/\"";

// Polls (bounded) until the open-streams gauge reads `want`: the server
// releases a call a moment after the client has seen its status.
double OpenStreamsEventually(int port, double want) {
  double last = -1;
  for (int i = 0; i < 600; ++i) {  // 30 s at most
    last = Get(ScrapeMetrics(port).samples, "ghl_gateway_open_streams");
    if (last == want) return last;
    DefaultClock().SleepFor(absl::Milliseconds(50));
  }
  return last;
}

StackOptions WithMetrics(StackOptions o = {}) {
  o.metrics_listen = "127.0.0.1:0";
  return o;
}

TEST(GatewayMetrics, DemoExportMovesEveryCounterByItsAmount) {
  Stack stack(WithMetrics());
  ASSERT_EQ(stack.error(), "");
  const int port = stack.gateway().metrics_port();
  ASSERT_GT(port, 0);
  const Scrape before = ScrapeMetrics(port);
  ASSERT_EQ(before.status, 200);
  EXPECT_THAT(before.content_type, ::testing::HasSubstr("text/plain; version=0.0.4"));

  ListContactsRequest request;
  request.set_location_id(kDemoLocation);
  Listing listing = ListAll(stack.stub(), request);
  ASSERT_TRUE(listing.status.ok()) << listing.status.error_message();
  ASSERT_EQ(listing.ids.size(), 5000u);
  ASSERT_EQ(listing.pages.size(), 50u);
  EXPECT_EQ(OpenStreamsEventually(port, Get(before.samples, "ghl_gateway_open_streams")),
            Get(before.samples, "ghl_gateway_open_streams"));

  const Scrape after = ScrapeMetrics(port);
  EXPECT_EQ(Delta(before, after, "ghl_gateway_contacts_streamed_total"), 5000);
  EXPECT_EQ(Delta(before, after, Calls("OK")), 1);
  EXPECT_EQ(SumDelta(before, after, "ghl_gateway_grpc_calls_total"), 1);
  // 50 pages, 50 upstream GETs of /contacts/ (ids and the query never in a label), all 200.
  EXPECT_EQ(Delta(before, after,
                  absl::StrCat("ghl_gateway_upstream_requests_total{", kGetContacts,
                               ",status=\"200\"}")),
            50);
  EXPECT_EQ(SumDelta(before, after, "ghl_gateway_upstream_requests_total"), 50);
  EXPECT_FALSE(absl::StrContains(after.body, "locationId="));
  EXPECT_FALSE(absl::StrContains(after.body, "startAfterId"));
  // The latency histogram: 50 observations, +Inf == _count.
  EXPECT_EQ(Delta(before, after,
                  absl::StrCat("ghl_gateway_upstream_request_duration_seconds_count{",
                               kGetContacts, "}")),
            50);
  EXPECT_EQ(Get(after.samples, absl::StrCat("ghl_gateway_upstream_request_duration_seconds_bucket{",
                                            kGetContacts, ",le=\"+Inf\"}")),
            Get(after.samples, absl::StrCat("ghl_gateway_upstream_request_duration_seconds_count{",
                                            kGetContacts, "}")));
  EXPECT_GT(Get(after.samples, absl::StrCat("ghl_gateway_upstream_request_duration_seconds_sum{",
                                            kGetContacts, "}")),
            0);
  // The sandbox allows 100 per window and this stack sent exactly 50.
  EXPECT_EQ(Get(after.samples, absl::StrCat("ghl_gateway_rate_limit_remaining{location=\"",
                                            kDemoLocation, "\"}")),
            50);
  EXPECT_EQ(SumDelta(before, after, "ghl_gateway_upstream_rate_limited_total"), 0);
  EXPECT_EQ(SumDelta(before, after, "ghl_gateway_token_refreshes_total"), 0);
  EXPECT_FALSE(absl::StrContains(after.body, kFullToken));
}

TEST(GatewayMetrics, CountsUpstream429sPerLocation) {
  StackOptions o = WithMetrics();
  auto rule = ghl::sandbox::ParseFaultRule("429:every=10");
  ASSERT_TRUE(rule.ok()) << rule.status();
  o.faults.rules.push_back(*rule);
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  const int port = stack.gateway().metrics_port();
  const Scrape before = ScrapeMetrics(port);
  ListContactsRequest request;
  request.set_location_id(kDemoLocation);
  Listing listing = ListAll(stack.stub(), request);
  ASSERT_TRUE(listing.status.ok()) << listing.status.error_message();
  ASSERT_EQ(listing.ids.size(), 5000u);
  const Scrape after = ScrapeMetrics(port);
  const double throttled = Delta(
      before, after,
      absl::StrCat("ghl_gateway_upstream_requests_total{", kGetContacts, ",status=\"429\"}"));
  // Every 10th request of 50 + the retries: requests 10, 20, ..., 50 (55 in all).
  EXPECT_EQ(throttled, 5);
  EXPECT_EQ(Delta(before, after,
                  absl::StrCat("ghl_gateway_upstream_rate_limited_total{location=\"",
                               kDemoLocation, "\"}")),
            throttled);
  EXPECT_EQ(Delta(before, after,
                  absl::StrCat("ghl_gateway_upstream_requests_total{", kGetContacts,
                               ",status=\"200\"}")),
            50);
  EXPECT_EQ(Delta(before, after, "ghl_gateway_contacts_streamed_total"), 5000);
  EXPECT_EQ(Delta(before, after, Calls("OK")), 1);
}

TEST(GatewayMetrics, OpenStreamsCountsAStreamWhileItRunsAndReturnsAfterCancel) {
  // Two requests per 2 minute window: the stream is surely open while we
  // scrape, and after the cancel it waits for a slot a minute or more away.
  // It must notice the cancel long before that slot (the budget timer
  // re-checks every 250 ms), so the gauge drops within the 30 s poll.
  StackOptions o = WithMetrics();
  o.rate_limit_max = 2;
  o.rate_limit_interval_ms = 120000;
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  const int port = stack.gateway().metrics_port();
  const double idle = Get(ScrapeMetrics(port).samples, "ghl_gateway_open_streams");

  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::hours(1));
  ListContactsRequest request;
  request.set_location_id(kDemoLocation);
  auto reader = stack.stub().ListContacts(&ctx, request);
  ListContactsResponse page;
  ASSERT_TRUE(reader->Read(&page));
  EXPECT_EQ(Get(ScrapeMetrics(port).samples, "ghl_gateway_open_streams"), idle + 1);
  ctx.TryCancel();
  while (reader->Read(&page)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(OpenStreamsEventually(port, idle), idle);
}

// A unary call after the export: its method and code, its one upstream
// search (by operation), and the location's remaining budget one lower.
TEST(GatewayMetrics, DiagnosticsCallMovesItsSeriesByOne) {
  StackOptions o = WithMetrics();
  o.rate_limit_interval_ms = 3600000;  // one window for the whole test, however slow
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  const int port = stack.gateway().metrics_port();
  ListContactsRequest list;
  list.set_location_id(kDemoLocation);
  ASSERT_TRUE(ListAll(stack.stub(), list).status.ok());
  const Scrape before = ScrapeMetrics(port);
  auto diagnostics = ghl::contacts::v1::DiagnosticsService::NewStub(stack.channel());
  grpc::ClientContext ctx;
  ghl::contacts::v1::CheckLocationRequest request;
  request.set_location_id(kDemoLocation);
  ghl::contacts::v1::CheckLocationResponse response;
  ASSERT_TRUE(diagnostics->CheckLocation(&ctx, request, &response).ok());
  ASSERT_TRUE(response.credential().read_ok());
  const Scrape after = ScrapeMetrics(port);
  EXPECT_EQ(Delta(before, after,
                  "ghl_gateway_grpc_calls_total{method=\"/ghl.contacts.v1.DiagnosticsService/"
                  "CheckLocation\",code=\"OK\"}"),
            1);
  EXPECT_EQ(SumDelta(before, after, "ghl_gateway_grpc_calls_total"), 1);
  const std::string search = "method=\"POST\",path=\"/contacts/search\"";
  EXPECT_EQ(Delta(before, after,
                  absl::StrCat("ghl_gateway_upstream_requests_total{", search, ",status=\"200\"}")),
            1);
  EXPECT_EQ(SumDelta(before, after, "ghl_gateway_upstream_requests_total"), 1);
  EXPECT_EQ(Delta(before, after,
                  absl::StrCat("ghl_gateway_upstream_request_duration_seconds_count{", search, "}")),
            1);
  const std::string remaining =
      absl::StrCat("ghl_gateway_rate_limit_remaining{location=\"", kDemoLocation, "\"}");
  EXPECT_EQ(Delta(before, after, remaining), -1);
  EXPECT_EQ(Get(after.samples, remaining), response.rate_limit().remaining());
  EXPECT_EQ(Delta(before, after, "ghl_gateway_contacts_streamed_total"), 0);
}

TEST(GatewayMetrics, NoListenerWithoutTheFlag) {
  Stack stack(StackOptions{});
  ASSERT_EQ(stack.error(), "");
  EXPECT_EQ(stack.gateway().metrics_port(), 0);
}

}  // namespace
}  // namespace ghl::testing
