// The per-call line's formats and levels, request-id acceptance, the
// logger's level filter and file, and the log options.
#include "server/call_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/gateway_config.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace ghl::server {
namespace {

using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

CallRecord Sample() {
  CallRecord r;
  r.time = absl::FromUnixMillis(1764818400123);
  r.level = LogLevel::kWarn;
  r.request_id = "req-1";
  r.method = "/ghl.contacts.v1.ContactsService/GetContact";
  r.location_id = "LOC1";
  r.code = "NOT_FOUND";
  r.duration_ms = 12;
  r.upstream_calls = 2;
  r.peer = "ipv4:127.0.0.1:5555";
  r.key_id = "k1";
  r.message = "GHL HTTP 404: Contact \"x\" not found";
  r.trace_id = "tr-9";
  return r;
}

TEST(CallLog, JsonLineHasEveryFieldEscaped) {
  EXPECT_EQ(FormatCallRecord(Sample(), LogFormat::kJson),
            R"({"time":"2025-12-04T03:20:00.123Z","level":"warn","request_id":"req-1",)"
            R"("method":"/ghl.contacts.v1.ContactsService/GetContact","location_id":"LOC1",)"
            R"("code":"NOT_FOUND","duration_ms":12,"upstream_calls":2,"peer":"ipv4:127.0.0.1:5555",)"
            R"("key_id":"k1","trace_id":"tr-9","message":"GHL HTTP 404: Contact \"x\" not found"})");
  CallRecord ok = Sample();
  ok.location_id.clear();
  ok.key_id.clear();
  ok.message.clear();
  ok.trace_id.clear();
  const std::string line = FormatCallRecord(ok, LogFormat::kJson);
  for (const char* absent : {"location_id", "key_id", "message", "trace_id"}) {
    EXPECT_THAT(line, Not(HasSubstr(absent)));
  }
}

TEST(CallLog, TextLineQuotesWhatIsNotPlain) {
  EXPECT_EQ(FormatCallRecord(Sample(), LogFormat::kText),
            "2025-12-04T03:20:00.123Z warn request_id=req-1 "
            "method=/ghl.contacts.v1.ContactsService/GetContact location_id=LOC1 code=NOT_FOUND "
            "duration_ms=12 upstream_calls=2 peer=ipv4:127.0.0.1:5555 key_id=k1 trace_id=tr-9 "
            "message=\"GHL HTTP 404: Contact \\\"x\\\" not found\"");
}

TEST(CallLog, LevelsOfCodes) {
  EXPECT_EQ(CallLevel(grpc::StatusCode::OK), LogLevel::kInfo);
  EXPECT_EQ(CallLevel(grpc::StatusCode::NOT_FOUND), LogLevel::kWarn);
  EXPECT_EQ(CallLevel(grpc::StatusCode::PERMISSION_DENIED), LogLevel::kWarn);
  EXPECT_EQ(CallLevel(grpc::StatusCode::UNAVAILABLE), LogLevel::kError);
  EXPECT_EQ(CallLevel(grpc::StatusCode::INTERNAL), LogLevel::kError);
}

TEST(CallLog, RequestIdsFromCallersOnlyWhenSane) {
  EXPECT_EQ(AcceptOrMakeRequestId("abc-123_x.y:z"), "abc-123_x.y:z");
  EXPECT_EQ(AcceptOrMakeRequestId(std::string(128, 'a')), std::string(128, 'a'));
  for (const std::string bad : {std::string(), std::string(129, 'a'), std::string("a b"),
                                std::string("a\nb"), std::string("{\"x\":1}")}) {
    const std::string made = AcceptOrMakeRequestId(bad);
    EXPECT_EQ(made.size(), 32u) << bad;
    EXPECT_NE(made, bad);
  }
  EXPECT_NE(AcceptOrMakeRequestId(""), AcceptOrMakeRequestId(""));
}

TEST(CallLog, LoggerFiltersByLevelAndAppendsToItsFile) {
  const std::string path = ::testing::TempDir() + "/call-log-unit.log";
  std::remove(path.c_str());
  {
    auto logger = CallLogger::Open(LogFormat::kJson, LogLevel::kWarn, path);
    ASSERT_TRUE(logger.ok()) << logger.status();
    CallRecord info = Sample();
    info.level = LogLevel::kInfo;
    info.request_id = "dropped";
    (*logger)->Write(info);
    (*logger)->Write(Sample());
  }
  const std::string text = ghl::testing::ReadFile(path);
  EXPECT_THAT(text, Not(HasSubstr("dropped")));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_THAT(CallLogger::Open(LogFormat::kJson, LogLevel::kInfo, "/nonexistent-dir/x.log"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--log-file: cannot open")));
}

TEST(CallLog, OptionsAreValidated) {
  auto c = ParseGatewayConfig({"--log-format=text", "--log-level", "error"}, {{"GHL_LOG_FILE", "/tmp/x.log"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->log_format, "text");
  EXPECT_EQ(c->log_level, "error");
  EXPECT_EQ(c->log_file, "/tmp/x.log");
  auto d = ParseGatewayConfig({}, {});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->log_format, "json");
  EXPECT_EQ(d->log_level, "info");
  EXPECT_THAT(ParseGatewayConfig({"--log-format=xml"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--log-format: expected json or text")));
  EXPECT_THAT(ParseGatewayConfig({"--log-level=loud"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--log-level")));
}

}  // namespace
}  // namespace ghl::server
