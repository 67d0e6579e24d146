#include "adapters/ghl/contacts/contacts_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/ghl/core/status.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/status_matchers.h"

namespace ghl::contacts {
namespace {

using ::ghl::testing::FakeHttpTransport;
using ::ghl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

class StubTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  std::shared_ptr<ContactsStub> stub_ = MakeDefaultContactsStub(
      transport_, "http://ghl.test/",
      std::make_shared<auth::StaticTokenSource>(std::map<std::string, std::string>{{"LOC1", "secret-token"}}));
  CallOptions options_;
};

TEST_F(StubTest, GetContactSendsVersionAndBearerAndParses) {
  transport_->AddResponse(200, R"({"contact":{"id":"c1","locationId":"LOC1","firstName":"Zoë"}})");
  auto c = stub_->GetContact(options_, "LOC1", "c1");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->first_name(), "Zoë");
  auto req = transport_->requests().at(0);
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url, "http://ghl.test/contacts/c1");
  EXPECT_THAT(req.headers, Contains(Pair("Version", "2021-07-28")));
  EXPECT_THAT(req.headers, Contains(Pair("Authorization", "Bearer secret-token")));
}

TEST_F(StubTest, UnknownLocationFailsBeforeAnyRequest) {
  auto c = stub_->GetContact(options_, "OTHER", "c1");
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("OTHER")));
  EXPECT_TRUE(transport_->requests().empty());
}

TEST_F(StubTest, HttpErrorsGoThroughTheTable) {
  transport_->AddResponse(404, R"({"statusCode":404,"message":"Contact not found","traceId":"tr-9"})");
  auto c = stub_->GetContact(options_, "LOC1", "nope");
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kNotFound,
                          AllOf(HasSubstr("Contact not found"), HasSubstr("tr-9"))));
}

TEST_F(StubTest, MalformedJsonIsUnavailableNotACrash) {
  transport_->AddResponse(200, R"({"contact":{"id":"c1",)");
  EXPECT_THAT(stub_->GetContact(options_, "LOC1", "c1"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("malformed JSON")));
  transport_->AddResponse(200, R"({"contact":"c1"})");
  EXPECT_THAT(stub_->GetContact(options_, "LOC1", "c1"), StatusIs(absl::StatusCode::kInternal, HasSubstr("no contact")));
  transport_->AddResponse(200, R"([1,2])");
  EXPECT_THAT(stub_->GetContact(options_, "LOC1", "c1"), StatusIs(absl::StatusCode::kInternal, HasSubstr("not an object")));
}

TEST_F(StubTest, UnusableAnswersNameTheUpstreamTraceIdAndRequestsCarryTheBudgetKey) {
  transport_->AddResponse(200, R"({"contacts":[{"id":"c1"},)", {{"x-request-id", "req-77"}});
  options_.deadline = absl::FromUnixSeconds(2000000000);
  ListContactsPageRequest list;
  list.location_id = "LOC1";
  auto page = stub_->ListContacts(options_, list);
  EXPECT_THAT(page, StatusIs(absl::StatusCode::kUnavailable,
                             AllOf(HasSubstr("malformed JSON"), HasSubstr("(traceId: req-77)"))));
  EXPECT_EQ(UpstreamTraceId(page.status()), "req-77");
  transport_->AddResponse(200, R"({"contact":[]})", {{"x-request-id", "req-78"}});
  EXPECT_THAT(stub_->GetContact(options_, "LOC1", "c1"),
              StatusIs(absl::StatusCode::kInternal, AllOf(HasSubstr("no contact"), HasSubstr("req-78"))));
  const auto requests = transport_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].budget_key, "LOC1");
  EXPECT_EQ(requests[0].deadline, absl::FromUnixSeconds(2000000000));
}

TEST_F(StubTest, ListSendsBothCursorHalvesAndReadsMeta) {
  transport_->AddResponse(
      200,
      R"({"contacts":[{"id":"a"},{"id":"b"}],"count":5,"meta":{"total":5,"startAfterId":"b","startAfter":1631087949919,"nextPage":2}})",
      {{"x-ratelimit-remaining", "97"}, {"x-ratelimit-max", "100"}});
  ListContactsPageRequest request{"LOC1", "Zoë x", 2, ListCursor{1600000000000, "z9"}};
  auto page = stub_->ListContacts(options_, request);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->contacts.size(), 2u);
  EXPECT_EQ(page->total, 5);
  ASSERT_TRUE(page->next.has_value());
  EXPECT_EQ(page->next->start_after_id, "b");
  EXPECT_EQ(page->next->start_after, 1631087949919);
  EXPECT_EQ(page->rate_limit.remaining, 97);
  EXPECT_EQ(transport_->requests().at(0).url,
            "http://ghl.test/contacts/?locationId=LOC1&limit=2&query=Zo%C3%AB%20x&startAfterId=z9&startAfter=1600000000000");
}

TEST(ParseListContactsBody, LastPageHasNoNextCursor) {
  for (const char* body :
       {R"({"contacts":[{"id":"a"}],"meta":{"total":1,"startAfterId":null,"startAfter":null,"nextPage":null}})",
        R"({"contacts":[{"id":"a"}],"meta":{"total":1,"startAfterId":"a","startAfter":1,"nextPage":null}})",
        R"({"contacts":[{"id":"a"}],"count":1})", R"({"contacts":[],"meta":{"startAfterId":"a","startAfter":1}})"}) {
    auto page = ParseListContactsBody(body);
    ASSERT_TRUE(page.ok()) << body;
    EXPECT_FALSE(page->next.has_value()) << body;
  }
}

TEST(ParseListContactsBody, WrongShapesAreErrors) {
  EXPECT_THAT(ParseListContactsBody(R"({"contacts":{}})"), StatusIs(absl::StatusCode::kInternal, HasSubstr("not an array")));
  EXPECT_THAT(ParseListContactsBody(R"({"contacts":[1]})"), StatusIs(absl::StatusCode::kInternal, HasSubstr("contacts[0]")));
  EXPECT_THAT(ParseListContactsBody(""), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("malformed")));
}

TEST_F(StubTest, UpdateSendsOnlyTheMaskAndSaysWhenAppliedButUnusable) {
  transport_->AddResponse(200, R"({"succeded":true})");
  v1::Contact c;
  c.set_id("c1");
  c.set_first_name("Ana");
  google::protobuf::FieldMask mask;
  mask.add_paths("first_name");
  auto r = stub_->UpdateContact(options_, "LOC1", c, mask);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInternal, HasSubstr("applied the update")));
  auto req = transport_->requests().at(0);
  EXPECT_EQ(req.method, "PUT");
  EXPECT_EQ(req.url, "http://ghl.test/contacts/c1");
  EXPECT_EQ(req.body, R"({"firstName":"Ana"})");
}

TEST_F(StubTest, DeleteReportsSuccededFalse) {
  transport_->AddResponse(200, R"({"succeded":false})");
  EXPECT_THAT(stub_->DeleteContact(options_, "LOC1", "c1"), StatusIs(absl::StatusCode::kInternal, HasSubstr("succeded=false")));
  transport_->AddResponse(200, R"({"succeded":true})");
  EXPECT_TRUE(stub_->DeleteContact(options_, "LOC1", "c1").ok());
  EXPECT_EQ(transport_->requests().at(1).method, "DELETE");
}

}  // namespace
}  // namespace ghl::contacts
