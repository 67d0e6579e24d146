// AppointmentsStub against a scripted transport: the exact request, the
// spec's example answer, and error mapping.
#include "adapters/ghl/contacts/appointments_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/ghl/contacts/json_mapping.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/contacts/stub_test_util.h"

namespace ghl::contacts {
namespace {

using ::ghl::contacts::testing::ExpectRequest;
using ::ghl::contacts::testing::kLocation;
using ::ghl::contacts::testing::OperationExample;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;

class AppointmentsStubTest : public testing::ScriptedStubTest<AppointmentsStub> {
 protected:
  AppointmentsStubTest() : ScriptedStubTest(MakeDefaultAppointmentsStub) {}
};

TEST_F(AppointmentsStubTest, ParsesTheSpecExample) {
  transport_->AddResponse(200,
                          OperationExample("get", "/contacts/{contactId}/appointments", "200"));
  auto page = stub_->ListContactAppointments(options_, kLocation, "c1");
  ASSERT_THAT(page, IsOk());
  ExpectRequest(transport_->requests().at(0), "GET", "http://ghl.test/contacts/c1/appointments",
                "");
  ASSERT_EQ(page->appointments.size(), 1);
  EXPECT_EQ(page->appointments[0].id(), "YS3jaqqeehkR2Is80miy");
  EXPECT_EQ(page->appointments[0].extra().fields().at("startTime").string_value(),
            "2021-07-16 11:00:00");
}

TEST_F(AppointmentsStubTest, TypesRfc3339Dates) {
  transport_->AddResponse(
      200, R"({"events":[{"id":"a1","startTime":"2026-05-17T21:03:56.525Z"},{"id":"a2"}]})");
  auto page = stub_->ListContactAppointments(options_, kLocation, "c1");
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->appointments.size(), 2);
  EXPECT_EQ(FormatGhlTime(page->appointments[0].start_time()), "2026-05-17T21:03:56.525Z");
}

TEST_F(AppointmentsStubTest, ErrorsAndShapes) {
  transport_->AddResponse(422, R"({"statusCode":422,"message":["contactId is invalid"]})");
  transport_->AddResponse(200, R"({"events":"none"})");
  transport_->AddResponse(503, "upstream down");
  transport_->AddResponse(200, R"({})");
  EXPECT_THAT(stub_->ListContactAppointments(options_, kLocation, "c1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("contactId is invalid")));
  EXPECT_THAT(stub_->ListContactAppointments(options_, kLocation, "c1"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("`events` is not an array")));
  EXPECT_THAT(stub_->ListContactAppointments(options_, kLocation, "c1"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("503")));
  auto empty = stub_->ListContactAppointments(options_, kLocation, "c1");
  ASSERT_THAT(empty, IsOk());
  EXPECT_TRUE(empty->appointments.empty());
}

}  // namespace
}  // namespace ghl::contacts
