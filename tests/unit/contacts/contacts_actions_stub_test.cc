// The stub's search, upsert, duplicate, business, followers, campaign,
// workflow and bulk business methods against a scripted transport: exact
// method, URL, headers and body of each request, and how each answer maps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/ghl/contacts/contacts_stub.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/status_matchers.h"

namespace ghl::contacts {
namespace {

using ::ghl::testing::FakeHttpTransport;
using ::ghl::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

class ActionsStubTest : public ::testing::Test {
 protected:
  http::HttpRequest Sent(size_t i = 0) { return transport_->requests().at(i); }

  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  std::shared_ptr<ContactsStub> stub_ =
      MakeDefaultContactsStub(transport_, "http://ghl.test",
                              std::make_shared<auth::StaticTokenSource>(
                                  std::map<std::string, std::string>{{"LOC1", "secret-token"}}));
  CallOptions options_;
};

TEST_F(ActionsStubTest, SearchPostsTheBodyAndParsesThePage) {
  transport_->AddResponse(200, R"({"contacts":[{"id":"a","searchAfter":[5,"a"]}],"total":1})",
                          {{"x-ratelimit-remaining", "9"}});
  SearchPageRequest request;
  request.request.set_location_id("LOC1");
  request.page_limit = 50;
  request.page = 2;
  auto page = stub_->SearchContacts(options_, request);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->contacts.size(), 1u);
  EXPECT_EQ(page->search_after, R"([5,"a"])");
  const auto sent = Sent();
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "http://ghl.test/contacts/search");
  EXPECT_EQ(sent.body, R"({"locationId":"LOC1","pageLimit":50,"page":2})");
  EXPECT_THAT(sent.headers, Contains(Pair("Authorization", "Bearer secret-token")));
  EXPECT_THAT(sent.headers, Contains(Pair("Version", "2021-07-28")));
  EXPECT_THAT(sent.headers, Contains(Pair("Content-Type", "application/json")));
}

TEST_F(ActionsStubTest, SearchWithAnEmptyAnswerIsAnEmptyPage) {
  transport_->AddResponse(200, "");
  SearchPageRequest request;
  request.request.set_location_id("LOC1");
  auto page = stub_->SearchContacts(options_, request);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->contacts.empty());
}

TEST_F(ActionsStubTest, InvalidSearchNeverLeaves) {
  SearchPageRequest request;  // no location
  EXPECT_THAT(stub_->SearchContacts(options_, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("location_id")));
  EXPECT_TRUE(transport_->requests().empty());
}

TEST_F(ActionsStubTest, SearchErrorsKeepEveryItemOfA422List) {
  transport_->AddResponse(
      422,
      R"({"statusCode":422,"message":["pageLimit must not be greater than 500","filters.0.field should not be empty"]})");
  SearchPageRequest request;
  request.request.set_location_id("LOC1");
  EXPECT_THAT(
      stub_->SearchContacts(options_, request),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr(
                   "pageLimit must not be greater than 500; filters.0.field should not be empty")));
}

TEST_F(ActionsStubTest, UpsertPostsTheDtoAndSaysWhatHappened) {
  transport_->AddResponse(
      200,
      R"({"new":false,"contact":{"id":"c7","locationId":"LOC1","email":"a@b.c"},"traceId":"t"})");
  v1::UpsertContactRequest request;
  request.set_location_id("LOC1");
  request.mutable_contact()->set_email("a@b.c");
  request.mutable_contact()->add_tags("x, y");
  auto result = stub_->UpsertContact(options_, request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->created());
  EXPECT_EQ(result->matched_contact_id(), "c7");
  EXPECT_EQ(Sent().method, "POST");
  EXPECT_EQ(Sent().url, "http://ghl.test/contacts/upsert");
  EXPECT_EQ(Sent().body, R"({"locationId":"LOC1","email":"a@b.c","tags":["x, y"]})");
}

TEST_F(ActionsStubTest, UpsertAppliedButUnusableSaysSo) {
  transport_->AddResponse(200, R"({"new":true})");
  v1::UpsertContactRequest request;
  request.set_location_id("LOC1");
  EXPECT_THAT(stub_->UpsertContact(options_, request),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr("GHL applied the upsert but its answer was unusable")));
}

TEST_F(ActionsStubTest, DuplicateGetsWithEncodedQuery) {
  transport_->AddResponse(200, R"({"contact":{"id":"d1","locationId":"LOC1"}})");
  v1::FindDuplicateContactRequest request;
  request.set_location_id("LOC1");
  request.set_email("a+b@c.d");
  auto found = stub_->FindDuplicateContact(options_, request);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->contact().id(), "d1");
  EXPECT_EQ(Sent().method, "GET");
  EXPECT_EQ(Sent().url,
            "http://ghl.test/contacts/search/duplicate?locationId=LOC1&email=a%2Bb%40c.d");
  EXPECT_EQ(Sent().body, "");
  EXPECT_THAT(Sent().headers, Not(Contains(Pair("Content-Type", "application/json"))));
}

TEST_F(ActionsStubTest, BusinessContactsPagesBySkipAndLimit) {
  transport_->AddResponse(200, R"({"contacts":[{"id":"a"},{"id":"b"}],"count":5})");
  BusinessContactsPageRequest request{"LOC1", "biz 1", "Zoë", 2, 4};
  auto page = stub_->ListBusinessContacts(options_, request);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->contacts.size(), 2u);
  EXPECT_EQ(page->total, 5);
  EXPECT_FALSE(page->next.has_value());
  EXPECT_EQ(
      Sent().url,
      "http://ghl.test/contacts/business/biz%201?locationId=LOC1&limit=2&skip=4&query=Zo%C3%AB");
}

TEST_F(ActionsStubTest, FollowersPostAndDeleteWithTheSameBody) {
  transport_->AddResponse(201, R"({"followers":["u1","u2"],"followersAdded":["u2"]})");
  transport_->AddResponse(200, R"({"followers":["u1"],"followersRemoved":["u2"]})");
  v1::AddFollowersRequest add;
  add.set_location_id("LOC1");
  add.set_contact_id("c1");
  add.add_followers("u2");
  auto added = stub_->AddFollowers(options_, add);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_THAT(added->followers_added(), ElementsAre("u2"));
  v1::RemoveFollowersRequest remove;
  remove.set_location_id("LOC1");
  remove.set_contact_id("c1");
  remove.add_followers("u2");
  auto removed = stub_->RemoveFollowers(options_, remove);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_THAT(removed->followers(), ElementsAre("u1"));
  EXPECT_EQ(Sent(0).method, "POST");
  EXPECT_EQ(Sent(1).method, "DELETE");
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(Sent(i).url, "http://ghl.test/contacts/c1/followers");
    EXPECT_EQ(Sent(i).body, R"({"followers":["u2"]})");
  }
}

TEST_F(ActionsStubTest, CampaignCalls) {
  for (int i = 0; i < 3; ++i) transport_->AddResponse(i == 0 ? 201 : 200, R"({"succeded":true})");
  v1::AddToCampaignRequest add;
  add.set_location_id("LOC1");
  add.set_contact_id("c1");
  add.set_campaign_id("camp1");
  EXPECT_TRUE(stub_->AddToCampaign(options_, add).ok());
  v1::RemoveFromCampaignRequest remove;
  remove.set_location_id("LOC1");
  remove.set_contact_id("c1");
  remove.set_campaign_id("camp1");
  EXPECT_TRUE(stub_->RemoveFromCampaign(options_, remove).ok());
  v1::RemoveFromAllCampaignsRequest all;
  all.set_location_id("LOC1");
  all.set_contact_id("c1");
  EXPECT_TRUE(stub_->RemoveFromAllCampaigns(options_, all).ok());
  EXPECT_EQ(Sent(0).method, "POST");
  EXPECT_EQ(Sent(0).url, "http://ghl.test/contacts/c1/campaigns/camp1");
  EXPECT_EQ(Sent(0).body, "{}");  // AddContactToCampaignDto: required, no properties
  EXPECT_EQ(Sent(1).method, "DELETE");
  EXPECT_EQ(Sent(1).url, "http://ghl.test/contacts/c1/campaigns/camp1");
  EXPECT_EQ(Sent(1).body, "");
  EXPECT_EQ(Sent(2).method, "DELETE");
  EXPECT_EQ(Sent(2).url, "http://ghl.test/contacts/c1/campaigns/removeAll");
}

TEST_F(ActionsStubTest, CampaignSuccededFalseIsAnError) {
  transport_->AddResponse(200, R"({"succeded":false})");
  v1::RemoveFromAllCampaignsRequest all;
  all.set_location_id("LOC1");
  all.set_contact_id("c1");
  EXPECT_THAT(
      stub_->RemoveFromAllCampaigns(options_, all),
      StatusIs(absl::StatusCode::kInternal, HasSubstr("remove-contact-from-every-campaign")));
}

TEST_F(ActionsStubTest, WorkflowCallsCarryEventStartTime) {
  transport_->AddResponse(200, R"({"succeded":true})");
  transport_->AddResponse(200, R"({"succeded":true})");
  v1::AddToWorkflowRequest add;
  add.set_location_id("LOC1");
  add.set_contact_id("c1");
  add.set_workflow_id("wf1");
  add.mutable_event_start_time()->set_seconds(1624415400);
  EXPECT_TRUE(stub_->AddToWorkflow(options_, add).ok());
  v1::RemoveFromWorkflowRequest remove;
  remove.set_location_id("LOC1");
  remove.set_contact_id("c1");
  remove.set_workflow_id("wf1");
  EXPECT_TRUE(stub_->RemoveFromWorkflow(options_, remove).ok());
  EXPECT_EQ(Sent(0).method, "POST");
  EXPECT_EQ(Sent(0).url, "http://ghl.test/contacts/c1/workflow/wf1");
  EXPECT_EQ(Sent(0).body, R"({"eventStartTime":"2021-06-23T02:30:00.000Z"})");
  EXPECT_EQ(Sent(1).method, "DELETE");
  EXPECT_EQ(Sent(1).url, "http://ghl.test/contacts/c1/workflow/wf1");
  EXPECT_EQ(Sent(1).body, "{}");  // CreateWorkflowDto is required on DELETE too
}

TEST_F(ActionsStubTest, BulkBusinessPostsIdsAndNullToRemove) {
  transport_->AddResponse(200, R"({"success":true,"ids":["a"]})");
  v1::BulkUpdateBusinessRequest request;
  request.set_location_id("LOC1");
  request.add_contact_ids("a");
  request.add_contact_ids("b");
  request.set_remove_from_business(true);
  auto result = stub_->BulkUpdateBusiness(options_, request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->contact_ids(), ElementsAre("a"));
  EXPECT_EQ(Sent().method, "POST");
  EXPECT_EQ(Sent().url, "http://ghl.test/contacts/bulk/business");
  EXPECT_EQ(Sent().body, R"({"locationId":"LOC1","ids":["a","b"],"businessId":null})");
}

TEST_F(ActionsStubTest, UnknownLocationFailsBeforeAnyRequest) {
  v1::AddToCampaignRequest add;
  add.set_location_id("OTHER");
  add.set_contact_id("c1");
  add.set_campaign_id("x");
  EXPECT_THAT(stub_->AddToCampaign(options_, add),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("OTHER")));
  EXPECT_TRUE(transport_->requests().empty());
}

}  // namespace
}  // namespace ghl::contacts
