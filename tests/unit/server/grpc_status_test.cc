// absl::Status -> grpc::Status: codes and messages as they are, and a
// retry delay as a google.rpc.RetryInfo detail (wire form of google.rpc).
#include "server/grpc_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/cord.h"
#include "adapters/ghl/core/rate_budget.h"
#include "adapters/ghl/core/status.h"
#include "ghl/rpc/v1/error_details.pb.h"

namespace ghl::server {
namespace {

TEST(ToGrpcStatus, KeepsCodeAndMessageWithoutDetails) {
  const grpc::Status s = ToGrpcStatus(absl::NotFoundError("contact c1 not found"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "contact c1 not found");
  EXPECT_TRUE(s.error_details().empty());
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(ToGrpcStatus, ARetryDelayBecomesRetryInfo) {
  absl::Status exhausted = absl::ResourceExhaustedError("daily budget spent");
  exhausted.SetPayload(kRetryDelayPayload, absl::Cord("3723500"));
  const grpc::Status s = ToGrpcStatus(exhausted);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ghl::rpc::v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(details.message(), "daily budget spent");
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.RetryInfo");
  ghl::rpc::v1::RetryInfo info;
  ASSERT_TRUE(info.ParseFromString(details.details(0).value()));
  EXPECT_EQ(info.retry_delay().seconds(), 3723);
  EXPECT_EQ(info.retry_delay().nanos(), 500000000);
}

TEST(ToGrpcStatus, AnUpstreamErrorCarriesErrorInfo) {
  const grpc::Status s = ToGrpcStatus(ghl::HttpStatusToStatus(
      422, R"({"statusCode":422,"message":["email must be an email"],"traceId":"tr-9"})"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ghl::rpc::v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  ASSERT_EQ(details.details_size(), 1);  // GHL's, so no BadRequest guessed from its text
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.ErrorInfo");
  ghl::rpc::v1::ErrorInfo info;
  ASSERT_TRUE(info.ParseFromString(details.details(0).value()));
  EXPECT_EQ(info.reason(), "GHL_HTTP_422");
  EXPECT_EQ(info.domain(), "services.leadconnectorhq.com");
  EXPECT_EQ(info.metadata().at("http_code"), "422");
  EXPECT_EQ(info.metadata().at("trace_id"), "tr-9");
}

TEST(ToGrpcStatus, AnInvalidFieldBecomesABadRequestViolation) {
  const grpc::Status s =
      ToGrpcStatus(absl::InvalidArgumentError("filters[0].group.filters: must not be empty"));
  ghl::rpc::v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.BadRequest");
  ghl::rpc::v1::BadRequest bad;
  ASSERT_TRUE(bad.ParseFromString(details.details(0).value()));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "filters[0].group.filters");
  EXPECT_EQ(bad.field_violations(0).description(), "must not be empty");
  // A single-word field counts ("query: longer than 256 characters"); a
  // message that does not start with a field path gets no guess.
  EXPECT_FALSE(ToGrpcStatus(absl::InvalidArgumentError("query: too long")).error_details().empty());
  EXPECT_TRUE(ToGrpcStatus(absl::InvalidArgumentError("GHL said no")).error_details().empty());
  EXPECT_TRUE(ToGrpcStatus(absl::InvalidArgumentError("two words: no")).error_details().empty());
}

TEST(FromGrpcDeadline, NoDeadlineIsInfinite) {
  EXPECT_EQ(FromGrpcDeadline(std::chrono::system_clock::time_point::max()), absl::InfiniteFuture());
  const auto t = std::chrono::system_clock::from_time_t(1800000000);
  EXPECT_EQ(FromGrpcDeadline(t), absl::FromUnixSeconds(1800000000));
}

}  // namespace
}  // namespace ghl::server
