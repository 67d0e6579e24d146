#include "client/status_conversion.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ghl::client {
namespace {

TEST(FromGrpcStatusTest, OkIsOk) { EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok()); }

TEST(FromGrpcStatusTest, EveryCanonicalCodeKeepsCodeAndMessage) {
  struct Case {
    grpc::StatusCode grpc;
    absl::StatusCode absl;
    const char* name;
  };
  const Case cases[] = {
      {grpc::StatusCode::CANCELLED, absl::StatusCode::kCancelled, "CANCELLED"},
      {grpc::StatusCode::UNKNOWN, absl::StatusCode::kUnknown, "UNKNOWN"},
      {grpc::StatusCode::INVALID_ARGUMENT, absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT"},
      {grpc::StatusCode::DEADLINE_EXCEEDED, absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED"},
      {grpc::StatusCode::NOT_FOUND, absl::StatusCode::kNotFound, "NOT_FOUND"},
      {grpc::StatusCode::ALREADY_EXISTS, absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS"},
      {grpc::StatusCode::PERMISSION_DENIED, absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED"},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, absl::StatusCode::kResourceExhausted, "RESOURCE_EXHAUSTED"},
      {grpc::StatusCode::FAILED_PRECONDITION, absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION"},
      {grpc::StatusCode::ABORTED, absl::StatusCode::kAborted, "ABORTED"},
      {grpc::StatusCode::OUT_OF_RANGE, absl::StatusCode::kOutOfRange, "OUT_OF_RANGE"},
      {grpc::StatusCode::UNIMPLEMENTED, absl::StatusCode::kUnimplemented, "UNIMPLEMENTED"},
      {grpc::StatusCode::INTERNAL, absl::StatusCode::kInternal, "INTERNAL"},
      {grpc::StatusCode::UNAVAILABLE, absl::StatusCode::kUnavailable, "UNAVAILABLE"},
      {grpc::StatusCode::DATA_LOSS, absl::StatusCode::kDataLoss, "DATA_LOSS"},
      {grpc::StatusCode::UNAUTHENTICATED, absl::StatusCode::kUnauthenticated, "UNAUTHENTICATED"},
  };
  for (const Case& c : cases) {
    absl::Status status = FromGrpcStatus(grpc::Status(c.grpc, "GHL says no (traceId abc-123)"));
    EXPECT_EQ(status.code(), c.absl) << c.name;
    EXPECT_EQ(status.message(), "GHL says no (traceId abc-123)") << c.name;
    // ghlctl prints this name; it must be gRPC's spelling.
    EXPECT_EQ(absl::StatusCodeToString(status.code()), c.name);
  }
}

TEST(FromGrpcStatusTest, UnknownCodeBecomesUnknownAndKeepsTheNumber) {
  // 20: not a canonical code, yet inside the enum's value range (0-31), so
  // constructing it is not undefined behaviour.
  absl::Status status = FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(20), "odd"));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnknown);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("odd"));
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("20"));
}

TEST(FromGrpcStatusTest, ErrorDetailsBecomeAPayload) {
  absl::Status status = FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "busy", "binary-details"));
  absl::optional<absl::Cord> payload = status.GetPayload(kGrpcErrorDetailsPayload);
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(std::string(*payload), "binary-details");
  EXPECT_FALSE(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "busy"))
                   .GetPayload(kGrpcErrorDetailsPayload)
                   .has_value());
}

}  // namespace
}  // namespace ghl::client
