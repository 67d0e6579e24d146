#include "adapters/ghl/core/status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace ghl {
namespace {

using ::ghl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

struct Row {
  int http;
  absl::StatusCode code;
};

TEST(HttpCodeToStatusCode, Table) {
  const Row rows[] = {
      {200, absl::StatusCode::kOk},
      {201, absl::StatusCode::kOk},
      {400, absl::StatusCode::kInvalidArgument},
      {401, absl::StatusCode::kUnauthenticated},
      {403, absl::StatusCode::kPermissionDenied},
      {404, absl::StatusCode::kNotFound},
      {408, absl::StatusCode::kUnavailable},
      {409, absl::StatusCode::kAborted},
      {410, absl::StatusCode::kInvalidArgument},
      {422, absl::StatusCode::kInvalidArgument},
      {429, absl::StatusCode::kUnavailable},
      {500, absl::StatusCode::kUnavailable},
      {502, absl::StatusCode::kUnavailable},
      {503, absl::StatusCode::kUnavailable},
      {504, absl::StatusCode::kUnavailable},
      {501, absl::StatusCode::kUnimplemented},
      {302, absl::StatusCode::kUnknown},
      {100, absl::StatusCode::kUnknown},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(HttpCodeToStatusCode(r.http), r.code) << "HTTP " << r.http;
  }
}

TEST(HttpStatusToStatus, KeepsEvery422MessageAndTraceId) {
  auto s = HttpStatusToStatus(
      422, R"({"statusCode":422,"message":["email must be an email","phone is invalid"],"error":"Unprocessable Entity","traceId":"t-123"})");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          AllOf(HasSubstr("GHL HTTP 422"), HasSubstr("email must be an email"),
                                HasSubstr("phone is invalid"), HasSubstr("traceId: t-123"))));
  EXPECT_EQ(UpstreamHttpCode(s), 422);
  EXPECT_EQ(UpstreamTraceId(s), "t-123");
}

TEST(HttpStatusToStatus, Unauthorized) {
  auto s = HttpStatusToStatus(
      401, R"({"statusCode":401,"message":"Invalid token: access token is invalid","error":"Unauthorized"})",
      "hdr-trace");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnauthenticated,
                          AllOf(HasSubstr("access token is invalid"), HasSubstr("traceId: hdr-trace"))));
}

TEST(HttpStatusToStatus, ScopeErrorIsPermissionDenied) {
  auto s = HttpStatusToStatus(
      401, R"({"statusCode":401,"message":"The token is not authorized for this scope.","error":"Unauthorized"})");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("scope")));
}

TEST(HttpStatusToStatus, ProblemJsonBodiesKeepTheirDetails) {
  auto s = HttpStatusToStatus(
      500, R"({"type":"x","title":"Request/Response not valid","status":500,"detail":"d","validation":[{"message":"contact.customFields.1.value must be string"}]})");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          AllOf(HasSubstr("Request/Response not valid"), HasSubstr("customFields.1.value must be string"))));
}

TEST(RedactSecret, RemovesAnEchoedTokenFromMessageAndPayloads) {
  auto s = RedactSecret(
      HttpStatusToStatus(401, R"({"message":"Invalid JWT: Bearer pit-s3cr3t","traceId":"pit-s3cr3t"})"),
      "pit-s3cr3t");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("Bearer [REDACTED]")));
  EXPECT_EQ(std::string(s.message()).find("pit-s3cr3t"), std::string::npos);
  EXPECT_EQ(UpstreamTraceId(s), "[REDACTED]");
  EXPECT_EQ(UpstreamHttpCode(s), 401);
}

TEST(HttpStatusToStatus, MalformedBodiesNeverCrash) {
  for (const char* body : {"", "<html>502 Bad Gateway</html>", "{", "[]", "{\"message\":42}",
                           "{\"message\":[1,null,{}]}", "\xff\xfe"}) {
    auto s = HttpStatusToStatus(502, body);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("GHL HTTP 502"))) << body;
  }
}

TEST(HttpStatusToStatus, HugeMessagesAreTruncated) {
  std::string body = R"({"message":")" + std::string(100000, 'x') + R"("})";
  auto s = HttpStatusToStatus(400, body);
  EXPECT_LT(s.message().size(), 2200u);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("...")));
}

}  // namespace
}  // namespace ghl

namespace ghl {
namespace {

TEST(WithUpstreamTrace, AddsTheIdOnceAndOnlyToErrors) {
  absl::Status s = WithUpstreamTrace(absl::UnavailableError("malformed JSON from GHL"), "t-1");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "malformed JSON from GHL (traceId: t-1)");
  EXPECT_EQ(UpstreamTraceId(s), "t-1");
  // A status that already names its trace keeps it.
  EXPECT_EQ(WithUpstreamTrace(s, "t-2").message(), s.message());
  EXPECT_TRUE(WithUpstreamTrace(absl::OkStatus(), "t-3").ok());
  EXPECT_EQ(WithUpstreamTrace(absl::InternalError("x"), "").message(), "x");
}

}  // namespace
}  // namespace ghl
