// The search and business pagers and the connection's write policy, over
// the real stub and a scripted transport, with a fake clock (no sleeps):
// the switch from page numbers to searchAfter at GHL's 10,000-result cap,
// a repeated searchAfter as an error (not a loop), resume positions, when a
// search ends, offset paging, and which writes retry.
#include "adapters/ghl/contacts/search_pager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/core/retry.h"
#include "rapidjson/document.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/status_matchers.h"

namespace ghl::contacts {
namespace {

using ::ghl::testing::FakeHttpTransport;
using ::ghl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// A search answer of `count` contacts named <prefix><i>, each with its
// searchAfter [<sort>, "<id>"] unless `with_search_after` is false.
std::string SearchAnswer(const std::string& prefix, int count, int64_t total,
                         bool with_search_after = true) {
  std::string contacts;
  for (int i = 0; i < count; ++i) {
    const std::string id = absl::StrCat(prefix, i);
    absl::StrAppend(&contacts, i == 0 ? "" : ",", R"({"id":")", id, R"(")");
    if (with_search_after)
      absl::StrAppend(&contacts, R"(,"searchAfter":[)", i, R"(,")", id, R"("])");
    absl::StrAppend(&contacts, "}");
  }
  return absl::StrCat(R"({"contacts":[)", contacts, R"(],"total":)", total, "}");
}

class PagerTest : public ::testing::Test {
 protected:
  PagerTest() {
    ConnectionOptions o;
    o.clock = &clock_;
    o.jitter = [] { return 1.0; };
    o.initial_backoff = absl::Milliseconds(100);
    o.retry.max_attempts = 4;
    connection_ = std::make_unique<ContactsConnection>(
        MakeDefaultContactsStub(
            transport_, "http://ghl.test",
            std::make_shared<auth::StaticTokenSource>(
                std::map<std::string, std::string>{{"L", "pit-pager-test-token"}})),
        o);
  }

  std::unique_ptr<SearchPager> Search(int page_limit, SearchPosition start = {}) {
    v1::SearchContactsRequest query;
    query.set_location_id("L");
    return connection_->SearchContacts(query, page_limit, start);
  }

  std::string Body(size_t i) { return transport_->requests().at(i).body; }

  FakeClock clock_;
  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  std::unique_ptr<ContactsConnection> connection_;
};

TEST_F(PagerTest, SwitchesToSearchAfterAtTheTenThousandCap) {
  // 20 full pages of 500 by number, then searchAfter from the last contact
  // of page 20, then a short page.
  for (int p = 1; p <= 20; ++p)
    transport_->AddResponse(200, SearchAnswer(absl::StrCat("p", p, "-"), 500, 10260));
  transport_->AddResponse(200, SearchAnswer("p21-", 260, 10260));
  auto pager = Search(500);
  std::set<std::string> ids;
  int pages = 0;
  while (!pager->done()) {
    auto page = pager->NextPage();
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->contacts) EXPECT_TRUE(ids.insert(c.id()).second) << c.id();
    ++pages;
  }
  EXPECT_EQ(pages, 21);
  EXPECT_EQ(ids.size(), 10260u);
  ASSERT_EQ(transport_->requests().size(), 21u);
  EXPECT_EQ(Body(0), R"({"locationId":"L","pageLimit":500,"page":1})");
  EXPECT_EQ(Body(19), R"({"locationId":"L","pageLimit":500,"page":20})");
  EXPECT_EQ(Body(20), R"({"locationId":"L","pageLimit":500,"searchAfter":[499,"p20-499"]})");
  EXPECT_EQ(pager->position().contacts_delivered, 10260);
}

TEST_F(PagerTest, SwitchesBeforeAPageThatWouldStraddleTheCap) {
  // 3 per page: page 3333 ends at 9,999 and is the last by number; page
  // 3334 would end past 10,000, so searchAfter takes over.
  SearchPosition start;
  start.next_page = 3333;
  start.pages_delivered = 3332;
  start.contacts_delivered = 9996;
  transport_->AddResponse(200, SearchAnswer("a", 3, 20000));
  auto pager = Search(3, start);
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_THAT(Body(0), HasSubstr(R"("page":3333)"));
  EXPECT_EQ(pager->position().next_page, 0);
  EXPECT_EQ(pager->position().search_after, R"([2,"a2"])");
}

TEST_F(PagerTest, ARepeatedSearchAfterIsAnErrorNotALoop) {
  SearchPosition start;
  start.next_page = 0;
  start.search_after = R"([9,"z"])";
  transport_->AddResponse(200, SearchAnswer("a", 2, -1));  // ends at [1,"a1"]
  transport_->AddResponse(200, SearchAnswer("a", 2, -1));  // the same again
  auto pager = Search(2, start);
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_EQ(Body(0), R"({"locationId":"L","pageLimit":2,"searchAfter":[9,"z"]})");
  const SearchPosition before = pager->position();
  EXPECT_THAT(pager->NextPage(),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("repeated a searchAfter")));
  EXPECT_FALSE(pager->done());
  EXPECT_EQ(pager->position().search_after, before.search_after);
  EXPECT_EQ(transport_->requests().size(), 2u);
}

TEST_F(PagerTest, AResumedSearchAfterCountsAsSeen) {
  SearchPosition start;
  start.next_page = 0;
  start.search_after = R"([1,"a1"])";
  transport_->AddResponse(200, SearchAnswer("a", 2, -1));
  EXPECT_THAT(Search(2, start)->NextPage(),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("repeated")));
}

TEST_F(PagerTest, NoSearchAfterPastTheCapIsAnError) {
  SearchPosition start;
  start.next_page = 20;
  transport_->AddResponse(200, SearchAnswer("a", 500, 12000, /*with_search_after=*/false));
  auto pager = Search(500, start);
  EXPECT_THAT(pager->NextPage(),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("no searchAfter")));
  EXPECT_EQ(pager->position().next_page, 20);
}

TEST_F(PagerTest, NoSearchAfterIsFineWithinTheCap) {
  transport_->AddResponse(200, SearchAnswer("a", 2, -1, false));
  transport_->AddResponse(200, SearchAnswer("b", 1, -1, false));
  auto pager = Search(2);
  ASSERT_TRUE(pager->NextPage().ok());
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_TRUE(pager->done());
}

TEST_F(PagerTest, AnExactTotalEndsTheSearchWithoutAnotherCall) {
  transport_->AddResponse(200, SearchAnswer("a", 2, 4));
  transport_->AddResponse(200, SearchAnswer("b", 2, 4));
  auto pager = Search(2);
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_FALSE(pager->done());
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_TRUE(pager->done());
  EXPECT_EQ(transport_->requests().size(), 2u);
  EXPECT_THAT(pager->NextPage(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("complete")));
}

TEST_F(PagerTest, ATotalAtTheCapIsNotTrustedToEndTheSearch) {
  // A search engine may report 10,000 for "10,000 or more".
  SearchPosition start;
  start.next_page = 5000;  // 5000 * 2 = 10,000: the last page by number
  start.pages_delivered = 4999;
  start.contacts_delivered = 9998;
  transport_->AddResponse(200, SearchAnswer("a", 2, 10000));
  transport_->AddResponse(200, SearchAnswer("b", 0, 10000));
  auto pager = Search(2, start);
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_FALSE(pager->done());
  auto last = pager->NextPage();
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_TRUE(last->contacts.empty());
  EXPECT_TRUE(pager->done());
  EXPECT_EQ(Body(1), R"({"locationId":"L","pageLimit":2,"searchAfter":[1,"a1"]})");
}

TEST_F(PagerTest, ATotalPastTheCapIsExact) {
  SearchPosition start;
  start.next_page = 0;
  start.search_after = R"([7,"z"])";
  start.pages_delivered = 5999;
  start.contacts_delivered = 11998;
  transport_->AddResponse(200, SearchAnswer("a", 2, 12000));
  auto pager = Search(2, start);
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_TRUE(pager->done());
  EXPECT_EQ(transport_->requests().size(), 1u);
}

TEST_F(PagerTest, AnEmptyAnswerEndsTheSearch) {
  transport_->AddResponse(200, "");  // Prism's mock
  auto pager = Search(100);
  auto page = pager->NextPage();
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->contacts.empty());
  EXPECT_TRUE(pager->done());
}

TEST_F(PagerTest, ResumesAtTheRecordedPage) {
  SearchPosition start;
  start.next_page = 7;
  start.pages_delivered = 6;
  start.contacts_delivered = 60;
  transport_->AddResponse(200, SearchAnswer("a", 3, -1));
  auto pager = Search(10, start);
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_THAT(Body(0), HasSubstr(R"("page":7)"));
  EXPECT_EQ(pager->position().pages_delivered, 7);
  EXPECT_EQ(pager->position().contacts_delivered, 63);
  EXPECT_TRUE(pager->done());
}

TEST_F(PagerTest, SearchPagesRetryTransientErrors) {
  transport_->AddResponse(429, R"({"statusCode":429,"message":"Too Many Requests"})");
  transport_->AddResponse(502, "<html>bad gateway</html>");
  transport_->AddResponse(200, SearchAnswer("a", 1, 1));
  auto pager = Search(10);
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_THAT(clock_.Sleeps(), ElementsAre(absl::Milliseconds(100), absl::Milliseconds(200)));
  EXPECT_EQ(Body(0), Body(2));
}

// Answers each search by its page number (any order, any thread), so pages
// fetched ahead on their own threads get the right answer.
class PageServingTransport : public http::HttpTransport {
 public:
  PageServingTransport(int page_limit, int64_t total) : page_limit_(page_limit), total_(total) {}
  absl::StatusOr<http::HttpResponse> Send(const http::HttpRequest& request) override {
    rapidjson::Document body;
    body.Parse(request.body.c_str());
    const int page = body["page"].GetInt();
    std::unique_lock<std::mutex> lock(mu_);
    pages_.push_back(page);
    cv_.notify_all();
    if (page == 2) {
      // Page 2 answers only once page 3 was asked for: without lookahead
      // this would never happen (a failure after 10 s, never a pass).
      cv_.wait_for(lock, std::chrono::seconds(10),
                   [this] { return std::find(pages_.begin(), pages_.end(), 3) != pages_.end(); });
    }
    http::HttpResponse r;
    if (fail_page_ == page) {
      fail_page_ = 0;
      r.status_code = 400;
      r.body = R"({"statusCode":400,"message":"bad page"})";
      return r;
    }
    const int64_t first = int64_t{page - 1} * page_limit_;
    const int count =
        static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(page_limit_, total_ - first)));
    r.status_code = 200;
    r.body = SearchAnswer(absl::StrCat("p", page, "-"), count, total_);
    return r;
  }
  std::vector<int> pages() {
    std::lock_guard<std::mutex> lock(mu_);
    return pages_;
  }
  void FailOnce(int page) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_page_ = page;
  }

 private:
  const int page_limit_;
  const int64_t total_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> pages_;
  int fail_page_ = 0;
};

TEST(SearchLookahead, PagesAheadAreInFlightDeliveredInOrderAndNeverPastTheTotal) {
  FakeClock clock;
  auto transport = std::make_shared<PageServingTransport>(10, 65);  // 7 pages, the last short
  ConnectionOptions o;
  o.clock = &clock;
  o.jitter = [] { return 1.0; };
  o.search_lookahead = 3;
  ContactsConnection connection(
      MakeDefaultContactsStub(
          transport, "http://ghl.test",
          std::make_shared<auth::StaticTokenSource>(
              std::map<std::string, std::string>{{"L", "pit-pager-test-token"}})),
      o);
  v1::SearchContactsRequest query;
  query.set_location_id("L");
  auto pager = connection.SearchContacts(query, 10, {});
  transport->FailOnce(4);
  std::vector<std::string> ids;
  int errors = 0;
  while (!pager->done()) {
    auto page = pager->NextPage();
    if (!page.ok()) {
      // The failed page fetched ahead is reported when asked for, and the
      // pager stays there: asking again fetches it anew.
      EXPECT_THAT(page, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad page")));
      EXPECT_EQ(pager->position().next_page, 4);
      ASSERT_LE(++errors, 1);
      continue;
    }
    for (const auto& c : page->contacts) ids.push_back(c.id());
  }
  ASSERT_EQ(ids.size(), 65u);
  for (int i = 0; i < 65; ++i) EXPECT_EQ(ids[i], absl::StrCat("p", i / 10 + 1, "-", i % 10));
  EXPECT_EQ(errors, 1);
  std::vector<int> asked = transport->pages();
  std::sort(asked.begin(), asked.end());
  // Each page once, page 4 twice (it failed once); nothing past page 7.
  EXPECT_THAT(asked, ElementsAre(1, 2, 3, 4, 4, 5, 6, 7));
}

TEST_F(PagerTest, BusinessPagerWalksSkipUntilTheCount) {
  transport_->AddResponse(200, R"({"contacts":[{"id":"a"},{"id":"b"}],"count":5})");
  transport_->AddResponse(200, R"({"contacts":[{"id":"c"},{"id":"d"}],"count":5})");
  transport_->AddResponse(200, R"({"contacts":[{"id":"e"}],"count":5})");
  auto pager = connection_->ListBusinessContacts({"L", "B", "", 2, 0}, BusinessPosition{});
  std::vector<std::string> ids;
  while (!pager->done()) {
    auto page = pager->NextPage();
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->contacts) ids.push_back(c.id());
  }
  EXPECT_THAT(ids, ElementsAre("a", "b", "c", "d", "e"));
  ASSERT_EQ(transport_->requests().size(), 3u);
  EXPECT_THAT(transport_->requests()[0].url, HasSubstr("limit=2&skip=0"));
  EXPECT_THAT(transport_->requests()[1].url, HasSubstr("limit=2&skip=2"));
  EXPECT_THAT(transport_->requests()[2].url, HasSubstr("limit=2&skip=4"));
}

TEST_F(PagerTest, BusinessPagerResumesAndStopsWhenSkipIsIgnored) {
  transport_->AddResponse(200, R"({"contacts":[{"id":"a"},{"id":"b"}]})");
  transport_->AddResponse(200, R"({"contacts":[{"id":"a"},{"id":"b"}]})");
  BusinessPosition start;
  start.skip = 10;
  start.pages_delivered = 5;
  auto pager = connection_->ListBusinessContacts({"L", "B", "", 2, 0}, start);
  ASSERT_TRUE(pager->NextPage().ok());
  EXPECT_THAT(transport_->requests()[0].url, HasSubstr("skip=10"));
  EXPECT_THAT(pager->NextPage(), StatusIs(absl::StatusCode::kInternal, HasSubstr("ignored skip")));
  EXPECT_EQ(pager->position().skip, 12);
}

// ---------------------------------------------------------------------------
// Which writes retry

v1::AddToCampaignRequest Campaign() {
  v1::AddToCampaignRequest r;
  r.set_location_id("L");
  r.set_contact_id("c");
  r.set_campaign_id("k");
  return r;
}

TEST_F(PagerTest, WritesAreNotRetriedOnceSentAndSaySoWhenGhlMayHaveActed) {
  transport_->AddResponse(503, R"({"message":"busy"})");
  EXPECT_THAT(
      connection_->AddToCampaign(Campaign()),
      StatusIs(absl::StatusCode::kUnavailable,
               AllOf(HasSubstr("busy"), HasSubstr("GHL may have applied the campaign change"))));
  transport_->AddError(absl::UnavailableError("connection reset by peer"));
  v1::RemoveFromWorkflowRequest workflow;
  workflow.set_location_id("L");
  workflow.set_contact_id("c");
  workflow.set_workflow_id("w");
  EXPECT_THAT(
      connection_->RemoveFromWorkflow(workflow),
      StatusIs(absl::StatusCode::kUnavailable, HasSubstr("may have applied the workflow change")));
  EXPECT_EQ(transport_->requests().size(), 2u);
}

TEST_F(PagerTest, WritesRetryWhatGhlSurelyDidNotAct) {
  transport_->AddResponse(429, R"({"statusCode":429,"message":"Too Many Requests"})");
  transport_->AddError(MarkNotSent(absl::UnavailableError("connection refused")));
  transport_->AddResponse(201, R"({"succeded":true})");
  EXPECT_TRUE(connection_->AddToCampaign(Campaign()).ok());
  EXPECT_EQ(transport_->requests().size(), 3u);
  EXPECT_THAT(clock_.Sleeps(), ElementsAre(absl::Milliseconds(100), absl::Milliseconds(200)));
}

TEST_F(PagerTest, A422IsDefinitiveExceptForWritesOverALists) {
  const char* k422 = R"({"statusCode":422,"message":["campaign not active","contact is dnd"]})";
  transport_->AddResponse(422, k422);
  EXPECT_THAT(connection_->AddToCampaign(Campaign()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("campaign not active; contact is dnd"),
                             Not(HasSubstr("may have")))));
  transport_->AddResponse(422, k422);
  v1::BulkUpdateBusinessRequest bulk;
  bulk.set_location_id("L");
  bulk.add_contact_ids("a");
  bulk.set_business_id("b");
  EXPECT_THAT(connection_->BulkUpdateBusiness(bulk),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("may have applied part of the business update")));
  transport_->AddResponse(422, k422);
  v1::AddFollowersRequest followers;
  followers.set_location_id("L");
  followers.set_contact_id("c");
  followers.add_followers("u");
  EXPECT_THAT(connection_->AddFollowers(followers),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("may have applied part of the follower change")));
  EXPECT_EQ(transport_->requests().size(), 3u);
}

TEST_F(PagerTest, UpsertIsRetriedUnlessItMayCreateDuplicates) {
  const char* ok = R"({"new":true,"contact":{"id":"n1"}})";
  transport_->AddResponse(503, R"({"message":"busy"})");
  transport_->AddResponse(200, ok);
  v1::UpsertContactRequest upsert;
  upsert.set_location_id("L");
  upsert.mutable_contact()->set_email("a@b.c");
  auto result = connection_->UpsertContact(upsert);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->contact().id(), "n1");
  EXPECT_EQ(transport_->requests().size(), 2u);

  upsert.set_create_new_if_duplicate_allowed(true);
  transport_->AddResponse(503, R"({"message":"busy"})");
  EXPECT_THAT(connection_->UpsertContact(upsert),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("may have applied the upsert")));
  EXPECT_EQ(transport_->requests().size(), 3u);
}

TEST_F(PagerTest, DuplicateLookupIsARead) {
  transport_->AddResponse(500, R"({"message":"oops"})");
  transport_->AddResponse(200, R"({"contact":null})");
  v1::FindDuplicateContactRequest request;
  request.set_location_id("L");
  request.set_email("a@b.c");
  auto result = connection_->FindDuplicateContact(request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->has_contact());
  EXPECT_EQ(transport_->requests().size(), 2u);
}

}  // namespace
}  // namespace ghl::contacts
