#include "adapters/ghl/http/metrics_http_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/fake_http_transport.h"

namespace ghl::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(UpstreamPathTemplateTest, IdsAndQueriesNeverReachALabel) {
  EXPECT_EQ(UpstreamPathTemplate("https://services.leadconnectorhq.com/contacts/?locationId=ve9EPM428h8vShlRW1KT&startAfterId=x"),
            "/contacts/");
  EXPECT_EQ(UpstreamPathTemplate("http://127.0.0.1:8080/contacts/0p6lxrDAGRSULCw5xK9W/tasks/abc123"),
            "/contacts/{id}/tasks/{id}");
  EXPECT_EQ(UpstreamPathTemplate("http://h/contacts/search/duplicate?email=a@b"),
            "/contacts/search/duplicate");
  EXPECT_EQ(UpstreamPathTemplate("http://h/contacts/business/EbK3XbStzG60Ths4nvnk"),
            "/contacts/business/{id}");
  EXPECT_EQ(UpstreamPathTemplate("http://h/oauth/token"), "/oauth/token");
  EXPECT_EQ(UpstreamPathTemplate("http://h"), "/");
  EXPECT_EQ(UpstreamPathTemplate("http://h/contacts/a%20b/x\"y"), "/contacts/{id}/{id}");
  // Ids that look like words are still ids (a caller must not be able to
  // mint series): only GHL's own path words are kept.
  EXPECT_EQ(UpstreamPathTemplate("http://h/contacts/zzzzqqqq"), "/contacts/{id}");
  EXPECT_EQ(UpstreamPathTemplate("http://h/contacts/c1/workflow/welcome"),
            "/contacts/{id}/workflow/{id}");
  EXPECT_EQ(UpstreamPathTemplate("http://h/contacts/c1/campaigns/removeAll"),
            "/contacts/{id}/campaigns/removeAll");
  EXPECT_EQ(UpstreamPathTemplate("http://h/contacts/bulk/tags/update/add"),
            "/contacts/bulk/tags/update/{id}");
}

TEST(MetricsHttpTransportTest, RecordsStatusLatency429sAndRemaining) {
  metrics::Registry registry;
  auto fake = std::make_shared<testing::FakeHttpTransport>();
  fake->AddResponse(200, "{}", {{"x-ratelimit-remaining", "41"}});
  fake->AddResponse(429, "{}", {{"x-ratelimit-remaining", "0"}});
  fake->AddError(absl::UnavailableError("connection refused"));
  fake->AddResponse(200, "{}", {{"x-ratelimit-remaining", "7"}});
  auto transport = MakeMetricsHttpTransport(fake, &registry);

  HttpRequest get;
  get.url = "http://h/contacts/AbCdEf0123456789wxyz?locationId=LOC1";
  get.budget_key = "LOC1";
  ASSERT_TRUE(transport->Send(get).ok());
  ASSERT_TRUE(transport->Send(get).ok());
  ASSERT_FALSE(transport->Send(get).ok());
  HttpRequest post;
  post.method = "POST";
  post.url = "http://h/contacts/";
  post.budget_key = "LOC2";
  ASSERT_TRUE(transport->Send(post).ok());

  const std::string text = registry.Exposition();
  EXPECT_THAT(text, HasSubstr("ghl_gateway_upstream_requests_total{method=\"GET\",path=\"/contacts/{id}\",status=\"200\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("ghl_gateway_upstream_requests_total{method=\"GET\",path=\"/contacts/{id}\",status=\"429\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("ghl_gateway_upstream_requests_total{method=\"GET\",path=\"/contacts/{id}\",status=\"error\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("ghl_gateway_upstream_requests_total{method=\"POST\",path=\"/contacts/\",status=\"200\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("ghl_gateway_upstream_request_duration_seconds_count{method=\"GET\",path=\"/contacts/{id}\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("ghl_gateway_upstream_request_duration_seconds_bucket{method=\"GET\",path=\"/contacts/{id}\",le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("ghl_gateway_upstream_rate_limited_total{location=\"LOC1\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("ghl_gateway_upstream_rate_limited_total{location=\"LOC2\"}")));
  // The last answer's header (the transport failure leaves it alone).
  EXPECT_THAT(text, HasSubstr("ghl_gateway_rate_limit_remaining{location=\"LOC1\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("ghl_gateway_rate_limit_remaining{location=\"LOC2\"} 7\n"));
  EXPECT_THAT(text, Not(HasSubstr("AbCdEf0123456789wxyz")));
}

}  // namespace
}  // namespace ghl::http
