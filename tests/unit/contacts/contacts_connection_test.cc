#include "adapters/ghl/contacts/contacts_connection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/status_matchers.h"

namespace ghl::contacts {
namespace {

using ::ghl::testing::FakeHttpTransport;
using ::ghl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Page(std::vector<std::string> ids, const std::string& next_id, int64_t next_after,
                 int total = 9) {
  std::string contacts;
  for (const auto& id : ids) absl::StrAppend(&contacts, contacts.empty() ? "" : ",", R"({"id":")", id, R"("})");
  std::string meta = next_id.empty()
                         ? absl::StrCat(R"({"total":)", total, R"(,"startAfterId":null,"startAfter":null,"nextPage":null})")
                         : absl::StrCat(R"({"total":)", total, R"(,"startAfterId":")", next_id, R"(","startAfter":)",
                                        next_after, "}");
  return absl::StrCat(R"({"contacts":[)", contacts, R"(],"meta":)", meta, "}");
}

class ConnectionTest : public ::testing::Test {
 protected:
  ConnectionTest() {
    ConnectionOptions o;
    o.clock = &clock_;
    o.jitter = [] { return 1.0; };
    o.initial_backoff = absl::Milliseconds(100);
    o.retry.max_attempts = 4;
    connection_ = std::make_unique<ContactsConnection>(
        MakeDefaultContactsStub(transport_, "http://ghl.test",
                                std::make_shared<auth::StaticTokenSource>(
                                    std::map<std::string, std::string>{{"L", "pit-connection-test-token"}})),
        o);
  }
  FakeClock clock_;
  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  std::unique_ptr<ContactsConnection> connection_;
};

TEST_F(ConnectionTest, WalksCursorPagesToTheEnd) {
  transport_->AddResponse(200, Page({"a", "b"}, "b", 2));
  transport_->AddResponse(200, Page({"c", "d"}, "d", 4));
  transport_->AddResponse(200, Page({"e"}, "", 0, 5));
  auto pager = connection_->ListContacts({"L", "", 2, std::nullopt});
  std::vector<std::string> ids;
  while (!pager->done()) {
    auto page = pager->NextPage();
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->contacts) ids.push_back(c.id());
  }
  EXPECT_THAT(ids, ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_EQ(pager->position().pages_delivered, 3);
  EXPECT_EQ(pager->position().contacts_delivered, 5);
  auto reqs = transport_->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_THAT(reqs[1].url, HasSubstr("startAfterId=b&startAfter=2"));
  EXPECT_THAT(reqs[2].url, HasSubstr("startAfterId=d&startAfter=4"));
}

TEST_F(ConnectionTest, RepeatedCursorIsAnErrorNotALoop) {
  transport_->AddResponse(200, Page({"a", "b"}, "b", 2));
  transport_->AddResponse(200, Page({"c", "d"}, "b", 2));  // upstream bug: same cursor again
  auto pager = connection_->ListContacts({"L", "", 2, std::nullopt});
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_THAT(pager->NextPage(), StatusIs(absl::StatusCode::kInternal, HasSubstr("repeated a cursor")));
  EXPECT_FALSE(pager->done());
  EXPECT_EQ(transport_->requests().size(), 2u);
}

TEST_F(ConnectionTest, ResumedCursorCountsAsSeen) {
  transport_->AddResponse(200, Page({"c"}, "b", 2));
  ListPosition start;
  start.cursor = ListCursor{2, "b"};
  start.pages_delivered = 1;
  auto pager = connection_->ListContacts({"L", "", 2, std::nullopt}, start);
  EXPECT_THAT(pager->NextPage(), StatusIs(absl::StatusCode::kInternal, HasSubstr("repeated")));
}

TEST_F(ConnectionTest, PageRetriesTransientErrorsWithBackoffThenResumesSamePage) {
  transport_->AddResponse(429, R"({"statusCode":429,"message":"Too Many Requests"})");
  transport_->AddError(absl::UnavailableError("connection reset"));
  transport_->AddResponse(200, Page({"a"}, "", 0, 1));
  auto pager = connection_->ListContacts({"L", "", 2, std::nullopt});
  auto page = pager->NextPage();
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(clock_.Sleeps(), ElementsAre(absl::Milliseconds(100), absl::Milliseconds(200)));
  auto reqs = transport_->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].url, reqs[2].url);
}

TEST_F(ConnectionTest, EndingBeforeMetaTotalIsAnErrorNotASilentSuccess) {
  transport_->AddResponse(200, Page({"a", "b"}, "b", 2, 6));
  transport_->AddResponse(200, R"({"contacts":[],"meta":{"total":6}})");  // an empty page mid-way
  auto pager = connection_->ListContacts({"L", "", 2, std::nullopt});
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_THAT(pager->NextPage(), StatusIs(absl::StatusCode::kInternal, HasSubstr("after 2 of meta.total 6")));
  EXPECT_FALSE(pager->done());
}

TEST_F(ConnectionTest, OverlappingPagesDoNotDuplicateContacts) {
  transport_->AddResponse(200, Page({"a", "b"}, "b", 2, 3));
  transport_->AddResponse(200, Page({"b", "c"}, "", 0, 3));  // repeats "b"
  auto pager = connection_->ListContacts({"L", "", 2, std::nullopt});
  std::vector<std::string> ids;
  while (!pager->done()) {
    auto page = pager->NextPage();
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->contacts) ids.push_back(c.id());
  }
  EXPECT_THAT(ids, ElementsAre("a", "b", "c"));
  EXPECT_EQ(pager->position().contacts_delivered, 3);
}

TEST_F(ConnectionTest, EndlessNewCursorsStopPastTheTotal) {
  auto pager = connection_->ListContacts({"L", "", 100, std::nullopt});
  absl::Status last;
  for (int i = 0; i < 30 && last.ok(); ++i) {
    std::vector<std::string> ids;
    for (int j = 0; j < 100; ++j) ids.push_back(absl::StrCat("p", i, "c", j));
    transport_->AddResponse(200, Page(ids, absl::StrCat("p", i, "c99"), i + 1, 250));
    last = pager->NextPage().status();
  }
  EXPECT_THAT(last, StatusIs(absl::StatusCode::kInternal, HasSubstr("past its own total")));
}

TEST_F(ConnectionTest, CreateIsNotRetriedOnceSent) {
  transport_->AddResponse(503, R"({"message":"busy"})");
  auto r = connection_->CreateContact("L", v1::Contact());
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("busy")));
  EXPECT_EQ(transport_->requests().size(), 1u);
}

TEST_F(ConnectionTest, CreateRetriesWhenNeverSent) {
  transport_->AddError(MarkNotSent(absl::UnavailableError("connection refused")));
  transport_->AddResponse(201, R"({"contact":{"id":"new1","locationId":"L"}})");
  auto r = connection_->CreateContact("L", v1::Contact());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->id(), "new1");
  EXPECT_EQ(transport_->requests().size(), 2u);
}

TEST_F(ConnectionTest, GetGivesUpAfterMaxAttempts) {
  for (int i = 0; i < 4; ++i) transport_->AddResponse(502, "<html>bad gateway</html>");
  auto r = connection_->GetContact("L", "c");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("after 4 attempts")));
  EXPECT_EQ(transport_->requests().size(), 4u);
}

}  // namespace
}  // namespace ghl::contacts
