// The search / upsert / business / followers / campaign / workflow RPCs
// through an in-process gateway (port 0) over a scripted transport: bad
// requests fail with INVALID_ARGUMENT before any upstream call, streams
// carry pages with resume tokens and end with last_page, a resumed stream
// continues where the token says, and unary calls map their answers.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"
#include "server/gateway.h"
#include "tests/support/fake_http_transport.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::testing::FakeHttpTransport;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string SearchAnswer(const std::string& prefix, int count, int total) {
  std::string contacts;
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&contacts, i == 0 ? "" : ",", R"({"id":")", prefix, i,
                    R"(","email":"x@y.z","searchAfter":[)", i, R"(,")", prefix, i, R"("]})");
  }
  return absl::StrCat(R"({"contacts":[)", contacts, R"(],"total":)", total, "}");
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GatewayConfig config;
    config.listen = "127.0.0.1:0";
    config.upstream = "http://ghl.test";
    config.workers = 2;
    config.retry_max_attempts = 1;  // no real sleeps in a unit test
    // The scripted transport answers in arrival order; numbered search pages
    // fetched ahead in parallel could take each other's answers. Lookahead
    // has its own test (search_pager_test); here pages go one at a time.
    config.search_prefetch_pages = 0;
    config.tokens = {{"L1", "tok"}};
    auto gateway = Gateway::Start(config, transport_);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::move(*gateway);
    stub_ = v1::ContactsService::NewStub(
        grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (gateway_) gateway_->Shutdown(absl::Seconds(1));
  }

  struct Stream {
    grpc::Status status;
    std::vector<v1::SearchContactsResponse> pages;
  };
  Stream Search(const v1::SearchContactsRequest& request) {
    Stream out;
    grpc::ClientContext ctx;
    auto reader = stub_->SearchContacts(&ctx, request);
    v1::SearchContactsResponse page;
    while (reader->Read(&page)) out.pages.push_back(page);
    out.status = reader->Finish();
    return out;
  }

  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<v1::ContactsService::Stub> stub_;
};

TEST_F(ServiceTest, APortInUseFailsStartWithoutACrash) {
  GatewayConfig config;
  config.listen = gateway_->address();
  config.upstream = "http://ghl.test";
  config.workers = 1;
  auto second = Gateway::Start(config, transport_);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("cannot listen on"));
}

TEST_F(ServiceTest, BadSearchesFailBeforeAnyUpstreamCall) {
  v1::SearchContactsRequest request;
  auto stream = Search(request);
  EXPECT_EQ(stream.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(stream.status.error_message(), StartsWith("location_id:"));
  request.set_location_id("L1");
  request.add_filters()->mutable_group()->set_logic(v1::SEARCH_GROUP_LOGIC_AND);
  stream = Search(request);
  EXPECT_EQ(stream.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(stream.status.error_message(),
              StartsWith("filters[0].group.filters: must not be empty"));
  request.clear_filters();
  request.set_resume_token("garbage");
  stream = Search(request);
  EXPECT_THAT(stream.status.error_message(), StartsWith("resume_token:"));
  EXPECT_TRUE(stream.pages.empty());
  EXPECT_TRUE(transport_->requests().empty());
}

TEST_F(ServiceTest, SearchStreamsPagesAndResumes) {
  transport_->AddResponse(200, SearchAnswer("a", 2, 5));
  transport_->AddResponse(200, SearchAnswer("b", 2, 5));
  transport_->AddResponse(200, SearchAnswer("c", 1, 5));
  v1::SearchContactsRequest request;
  request.set_location_id("L1");
  request.set_page_size(2);
  request.mutable_read_mask()->add_paths("id");
  auto* sort = request.add_sort();
  sort->set_field("dateAdded");
  sort->set_direction(v1::SORT_DIRECTION_ASC);
  auto stream = Search(request);
  ASSERT_TRUE(stream.status.ok()) << stream.status.error_message();
  ASSERT_EQ(stream.pages.size(), 3u);
  EXPECT_EQ(stream.pages[0].contacts(0).id(), "a0");
  EXPECT_FALSE(stream.pages[0].contacts(0).has_email());  // read_mask
  EXPECT_EQ(stream.pages[0].total_size(), 5);
  EXPECT_EQ(stream.pages[2].page_number(), 3);
  EXPECT_FALSE(stream.pages[1].last_page());
  EXPECT_TRUE(stream.pages[2].last_page());
  EXPECT_THAT(transport_->requests()[1].body,
              HasSubstr(R"("sort":[{"field":"dateAdded","direction":"asc"}])"));
  EXPECT_THAT(transport_->requests()[1].body, HasSubstr(R"("page":2)"));

  // From the first page's token: page 2 again, then 3.
  transport_->AddResponse(200, SearchAnswer("b", 2, 5));
  transport_->AddResponse(200, SearchAnswer("c", 1, 5));
  request.set_resume_token(stream.pages[0].resume_token());
  auto resumed = Search(request);
  ASSERT_TRUE(resumed.status.ok()) << resumed.status.error_message();
  ASSERT_EQ(resumed.pages.size(), 2u);
  EXPECT_EQ(resumed.pages[0].page_number(), 2);
  EXPECT_EQ(resumed.pages[0].contacts(0).id(), "b0");

  // From the last page's token: one empty last page, no upstream call.
  const size_t calls = transport_->requests().size();
  request.set_resume_token(stream.pages[2].resume_token());
  auto after = Search(request);
  ASSERT_TRUE(after.status.ok());
  ASSERT_EQ(after.pages.size(), 1u);
  EXPECT_TRUE(after.pages[0].last_page());
  EXPECT_EQ(after.pages[0].contacts_size(), 0);
  EXPECT_EQ(transport_->requests().size(), calls);
}

TEST_F(ServiceTest, SearchAgainstAnEmptyAnswerEndsCleanly) {
  transport_->AddResponse(200, "");
  v1::SearchContactsRequest request;
  request.set_location_id("L1");
  auto stream = Search(request);
  ASSERT_TRUE(stream.status.ok()) << stream.status.error_message();
  ASSERT_EQ(stream.pages.size(), 1u);
  EXPECT_TRUE(stream.pages[0].last_page());
}

TEST_F(ServiceTest, UpstreamErrorsEndTheStreamWithTheirStatus) {
  transport_->AddResponse(
      401, R"({"statusCode":401,"message":"The token is not authorized for this scope."})");
  v1::SearchContactsRequest request;
  request.set_location_id("L1");
  auto stream = Search(request);
  EXPECT_EQ(stream.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServiceTest, BusinessContactsStream) {
  transport_->AddResponse(200, R"({"contacts":[{"id":"a"},{"id":"b"}],"count":3})");
  transport_->AddResponse(200, R"({"contacts":[{"id":"c"}],"count":3})");
  v1::ListBusinessContactsRequest request;
  request.set_location_id("L1");
  request.set_business_id("B1");
  request.set_page_size(2);
  grpc::ClientContext ctx;
  auto reader = stub_->ListBusinessContacts(&ctx, request);
  std::vector<std::string> ids;
  v1::ListBusinessContactsResponse page;
  bool last = false;
  while (reader->Read(&page)) {
    for (const auto& c : page.contacts()) ids.push_back(c.id());
    last = page.last_page();
  }
  auto status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(ids, ElementsAre("a", "b", "c"));
  EXPECT_TRUE(last);
  EXPECT_THAT(transport_->requests()[1].url,
              HasSubstr("/contacts/business/B1?locationId=L1&limit=2&skip=2"));
}

TEST_F(ServiceTest, UnaryCallsValidateThenMapTheAnswer) {
  v1::UpsertContactRequest upsert;
  upsert.set_location_id("L1");
  upsert.mutable_contact()->set_email("a@b.c");
  transport_->AddResponse(
      200, R"({"new":false,"contact":{"id":"m1","locationId":"L1","email":"a@b.c"}})");
  v1::UpsertContactResponse upserted;
  {
    grpc::ClientContext ctx;
    auto s = stub_->UpsertContact(&ctx, upsert, &upserted);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_FALSE(upserted.created());
  EXPECT_EQ(upserted.matched_contact_id(), "m1");

  v1::AddFollowersRequest followers;
  followers.set_location_id("L1");
  followers.set_contact_id("m1");
  v1::AddFollowersResponse added;
  {
    grpc::ClientContext ctx;
    auto s = stub_->AddFollowers(&ctx, followers, &added);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), StartsWith("followers:"));
  }
  EXPECT_EQ(transport_->requests().size(), 1u);

  v1::RemoveFromAllCampaignsRequest all;
  all.set_location_id("L1");
  all.set_contact_id("m1");
  transport_->AddResponse(200, R"({"succeded":true})");
  google::protobuf::Empty empty;
  {
    grpc::ClientContext ctx;
    auto s = stub_->RemoveFromAllCampaigns(&ctx, all, &empty);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(transport_->requests().back().url, "http://ghl.test/contacts/m1/campaigns/removeAll");

  v1::FindDuplicateContactRequest duplicate;
  duplicate.set_location_id("L1");
  duplicate.set_email("a@b.c");
  // A contact of another location is not reported.
  transport_->AddResponse(200, R"({"contact":{"id":"z","locationId":"L9"}})");
  v1::FindDuplicateContactResponse found;
  {
    grpc::ClientContext ctx;
    auto s = stub_->FindDuplicateContact(&ctx, duplicate, &found);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_FALSE(found.has_contact());
}

}  // namespace
}  // namespace ghl::server
