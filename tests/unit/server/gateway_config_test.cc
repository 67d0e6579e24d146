#include "server/gateway_config.h"

#include <cstdio>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace ghl::server {
namespace {

using ::ghl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(GatewayConfig, DefaultsListenOnLoopback) {
  auto c = ParseGatewayConfig({}, {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen, "127.0.0.1:50051");
  EXPECT_EQ(c->upstream, "https://services.leadconnectorhq.com");
}

TEST(GatewayConfig, FlagBeatsEnvironment) {
  auto c = ParseGatewayConfig({"--listen", "127.0.0.1:0", "--workers=3"},
                              {{"GHL_GATEWAY_LISTEN", "0.0.0.0:1"}, {"GHL_UPSTREAM_URL", "http://x:1"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen, "127.0.0.1:0");
  EXPECT_EQ(c->upstream, "http://x:1");
  EXPECT_EQ(c->workers, 3);
}

TEST(GatewayConfig, ErrorsNameTheOption) {
  EXPECT_THAT(ParseGatewayConfig({"--nope=1"}, {}), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--nope")));
  EXPECT_THAT(ParseGatewayConfig({"--workers", "zero"}, {}), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--workers")));
  EXPECT_THAT(ParseGatewayConfig({"--upstream"}, {}), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs a value")));
  EXPECT_THAT(ParseGatewayConfig({"--listen=127.0.0.1:99999"}, {}), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--listen")));
  EXPECT_THAT(ParseGatewayConfig({"--listen=:80"}, {}), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--listen")));
  EXPECT_THAT(ParseGatewayConfig({}, {{"GHL_UPSTREAM_URL", "ftp://x"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("GHL_UPSTREAM_URL")));
}

TEST(GatewayConfig, MetricsListenIsOffByDefaultAndLoopbackForABarePort) {
  auto off = ParseGatewayConfig({}, {});
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_EQ(off->metrics_listen, "");
  auto bare = ParseGatewayConfig({"--metrics-listen", "9464"}, {});
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->metrics_listen, "127.0.0.1:9464");
  auto colon = ParseGatewayConfig({}, {{"GHL_METRICS_LISTEN", ":9464"}});
  ASSERT_TRUE(colon.ok()) << colon.status();
  EXPECT_EQ(colon->metrics_listen, "127.0.0.1:9464");
  auto any = ParseGatewayConfig({"--metrics-listen=0.0.0.0:9464"}, {});
  ASSERT_TRUE(any.ok()) << any.status();
  EXPECT_EQ(any->metrics_listen, "0.0.0.0:9464");
  EXPECT_THAT(ParseGatewayConfig({"--metrics-listen=host:99999"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--metrics-listen")));
  EXPECT_THAT(ParseGatewayConfig({"--metrics-listen=host:"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--metrics-listen")));
  EXPECT_THAT(GatewayUsage(), HasSubstr("--metrics-listen"));
}

TEST(GatewayConfig, UpstreamMustBeAUsableBaseUrl) {
  for (const char* bad : {"http://[::1", "http://", "https://ghl.test/?x=1", "http://u:p@ghl.test",
                          "https://ghl.test/#top", "http://ghl test"}) {
    EXPECT_THAT(ParseGatewayConfig({"--upstream", bad}, {}),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--upstream")))
        << bad;
  }
  for (const char* good : {"http://127.0.0.1:8080", "https://services.leadconnectorhq.com",
                           "http://[::1]:9000", "http://localhost:1/prefix"}) {
    EXPECT_TRUE(ParseGatewayConfig({"--upstream", good}, {}).ok()) << good;
  }
}

TEST(GatewayConfig, TokenEntriesMustFitUrlsAndHeaders) {
  const std::string path = ::testing::TempDir() + "/tokens-bad.json";
  std::ofstream(path) << R"([{"locationId":"../evil","token":"s3cr3t-file"}])";
  auto bad = ParseGatewayConfig({"--tokens-file", path}, {});
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument,
                            AllOf(HasSubstr("entry #0"), HasSubstr("locationId"))));
  std::ofstream(path) << R"([{"locationId":"L1","token":"s3cr3t\r\nX-Injected: 1"}])";
  bad = ParseGatewayConfig({"--tokens-file", path}, {});
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("control characters")));
  EXPECT_THAT(std::string(bad.status().message()), Not(HasSubstr("s3cr3t")));
  auto env_bad = ParseGatewayConfig({}, {{"GHL_LOCATION_TOKENS", "L/1=s3cr3t-env"}});
  EXPECT_THAT(env_bad, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("locationId")));
  env_bad = ParseGatewayConfig({}, {{"GHL_LOCATION_TOKENS", "L1=s3cr3t\x01env"}});
  EXPECT_THAT(std::string(env_bad.status().message()), Not(HasSubstr("s3cr3t")));
}

TEST(GatewayConfig, TokensFromFileAndEnvNeverEchoed) {
  const std::string path = ::testing::TempDir() + "/tokens.json";
  std::ofstream(path) << R"([{"locationId":"L1","token":"s3cr3t-file","scopes":["contacts.readonly"]}])";
  auto c = ParseGatewayConfig({"--tokens-file", path}, {{"GHL_LOCATION_TOKENS", "L2=s3cr3t-env;L1=s3cr3t-loses"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->tokens.at("L1"), "s3cr3t-file");
  EXPECT_EQ(c->tokens.at("L2"), "s3cr3t-env");

  std::ofstream(path) << R"([{"locationId":"L1","token":"s3cr3t-file"},{"locationId":"L1","token":"s3cr3t-two"}, )";
  auto bad = ParseGatewayConfig({"--tokens-file", path}, {});
  EXPECT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), Not(HasSubstr("s3cr3t")));
  std::ofstream(path) << R"([{"locationId":"L1","token":"s3cr3t-file"},{"locationId":"L1","token":"s3cr3t-two"}])";
  bad = ParseGatewayConfig({"--tokens-file", path}, {});
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("entry #1 repeats location L1")));
  EXPECT_THAT(std::string(bad.status().message()), Not(HasSubstr("s3cr3t")));
  auto env_bad = ParseGatewayConfig({}, {{"GHL_LOCATION_TOKENS", "L2=ok;s3cr3t-naked"}});
  EXPECT_THAT(env_bad, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("entry #2")));
  EXPECT_THAT(std::string(env_bad.status().message()), Not(HasSubstr("s3cr3t")));
}

TEST(GatewayConfig, UsageListsEveryOptionWithDefault) {
  const std::string usage = GatewayUsage();
  for (const char* o : {"--listen", "--upstream", "--tokens-file", "--workers", "--upstream-timeout-ms",
                        "--retry-max-attempts", "--retry-initial-backoff-ms", "--port-file", "default: 127.0.0.1:50051"}) {
    EXPECT_THAT(usage, HasSubstr(o));
  }
}

TEST(GatewayConfig, PacingOptions) {
  auto defaults = ParseGatewayConfig({}, {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->pacing);
  EXPECT_EQ(defaults->pacing_default_max, 100);
  EXPECT_EQ(defaults->pacing_default_interval, absl::Seconds(10));
  EXPECT_EQ(defaults->max_response_mb, 32);
  auto set = ParseGatewayConfig({"--pacing=off", "--rate-limit-max", "50", "--rate-limit-interval-ms=2000",
                                 "--pacing-margin-ms=0", "--max-response-mb=4"},
                                {});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_FALSE(set->pacing);
  EXPECT_EQ(set->pacing_default_max, 50);
  EXPECT_EQ(set->pacing_default_interval, absl::Seconds(2));
  EXPECT_EQ(set->pacing_margin, absl::ZeroDuration());
  EXPECT_EQ(set->max_response_mb, 4);
  EXPECT_THAT(ParseGatewayConfig({"--pacing=maybe"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--pacing: expected on or off")));
  EXPECT_THAT(ParseGatewayConfig({}, {{"GHL_RATE_LIMIT_MAX", "0"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("GHL_RATE_LIMIT_MAX")));
  for (const char* o : {"--pacing", "--rate-limit-max", "--rate-limit-interval-ms", "--pacing-margin-ms",
                        "--max-response-mb"}) {
    EXPECT_THAT(GatewayUsage(), HasSubstr(o));
  }
}

}  // namespace
}  // namespace ghl::server
