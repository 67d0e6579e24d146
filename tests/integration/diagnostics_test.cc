// DiagnosticsService.CheckLocation against the sandbox through the real
// gateway: a healthy location (credential, one contact read live, the
// sandbox's rate-limit headers), a contact that does not exist (GHL's 404
// and trace id as a problem), a location without a credential, a bad id.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ghl/contacts/v1/diagnostics_service.grpc.pb.h"
#include "tests/integration/stack.h"

namespace ghl::testing {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

grpc::Status Check(v1::DiagnosticsService::Stub& stub, const std::string& location,
                   const std::string& contact, v1::CheckLocationResponse* out) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::CheckLocationRequest request;
  request.set_location_id(location);
  request.set_contact_id(contact);
  return stub.CheckLocation(&ctx, request, out);
}

TEST(Diagnostics, CheckLocationAgainstTheSandbox) {
  StackOptions o;
  o.pacing = false;  // the headers come straight from the sandbox's limiter
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  auto stub = v1::DiagnosticsService::NewStub(stack.channel());

  v1::CheckLocationResponse healthy;
  grpc::Status s = Check(*stub, kDemoLocation, "", &healthy);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(healthy.credential().present());
  EXPECT_EQ(healthy.credential().kind(), "private-integration");
  EXPECT_TRUE(healthy.credential().read_ok());
  EXPECT_FALSE(healthy.contact().id().empty());
  EXPECT_TRUE(healthy.rate_limit().reported());
  EXPECT_EQ(healthy.rate_limit().max(), 100);
  EXPECT_EQ(healthy.rate_limit().remaining(), 99);  // this was the window's first request
  EXPECT_EQ(healthy.rate_limit().interval_ms(), 10000);
  EXPECT_EQ(healthy.rate_limit().daily_limit(), 200000);
  EXPECT_FALSE(healthy.webhook().configured());
  EXPECT_THAT(healthy.problems(), ElementsAre(HasSubstr("No webhook listener is configured")));

  // The contact the search returned, fetched by id.
  v1::CheckLocationResponse by_id;
  s = Check(*stub, kDemoLocation, healthy.contact().id(), &by_id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(by_id.credential().read_ok());
  EXPECT_EQ(by_id.contact().id(), healthy.contact().id());
  EXPECT_EQ(by_id.contact().email(), healthy.contact().email());
  EXPECT_EQ(by_id.rate_limit().remaining(), 98);

  v1::CheckLocationResponse missing;
  s = Check(*stub, kDemoLocation, "NoSuchContact000001", &missing);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(missing.credential().read_ok());
  EXPECT_FALSE(missing.has_contact());
  ASSERT_GE(missing.problems_size(), 1);
  EXPECT_THAT(missing.problems(0), HasSubstr("Reading contact NoSuchContact000001 of location"));
  EXPECT_THAT(missing.problems(0), HasSubstr("GHL HTTP 40"));
  EXPECT_THAT(missing.problems(0), HasSubstr("traceId: "));
  EXPECT_THAT(missing.problems(0), Not(HasSubstr(kFullToken)));

  v1::CheckLocationResponse absent;
  s = Check(*stub, "NotConnected00000001", "", &absent);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(absent.credential().present());
  EXPECT_THAT(absent.problems(0), HasSubstr("holds no credential for location NotConnected00000001"));

  v1::CheckLocationResponse bad;
  s = Check(*stub, "", "", &bad);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("location_id"));
}

}  // namespace
}  // namespace ghl::testing
