#include "server/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"

namespace ghl::server {
namespace {

TEST(MethodLabelTest, ServedMethodsKeepTheirNameOthersAreUnknown) {
  // Links the service's descriptors into the generated pool.
  ASSERT_NE(ghl::contacts::v1::ListContactsRequest::descriptor(), nullptr);
  EXPECT_EQ(MethodLabel("/ghl.contacts.v1.ContactsService/ListContacts"),
            "/ghl.contacts.v1.ContactsService/ListContacts");
  EXPECT_EQ(MethodLabel("/grpc.health.v1.Health/Check"), "/grpc.health.v1.Health/Check");
  EXPECT_EQ(MethodLabel("/ghl.contacts.v1.ContactsService/NoSuchMethod"), "unknown");
  EXPECT_EQ(MethodLabel("/made.Up/Name"), "unknown");
  EXPECT_EQ(MethodLabel("/a/b/c"), "unknown");
  EXPECT_EQ(MethodLabel(""), "unknown");
}

TEST(MethodLabelTest, CodeNames) {
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
}

TEST(MetricsListenTest, BarePortsMeanLoopback) {
  EXPECT_EQ(*NormalizeMetricsListen("9464"), "127.0.0.1:9464");
  EXPECT_EQ(*NormalizeMetricsListen(":0"), "127.0.0.1:0");
  EXPECT_EQ(*NormalizeMetricsListen("[::1]:9464"), "[::1]:9464");
  EXPECT_FALSE(NormalizeMetricsListen("x:-1").ok());
  EXPECT_FALSE(NormalizeMetricsListen("").ok());
}

TEST(MetricsServerTest, APortInUseIsRefusedNotShared) {
  MetricsServer first;
  ASSERT_TRUE(first.Start("127.0.0.1:0").ok());
  MetricsServer second;
  const absl::Status s = second.Start(absl::StrCat("127.0.0.1:", first.port()));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("cannot listen"));
}

}  // namespace
}  // namespace ghl::server
