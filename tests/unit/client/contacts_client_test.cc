#include "client/contacts_client.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/client/fake_clock.h"
#include "tests/unit/client/fake_contacts_service.h"
#include "tests/unit/client/status_matchers.h"

namespace ghl::client {
namespace {

using ::ghl::client::testing::FakeClock;
using ::ghl::client::testing::FakeContactsService;
using ::ghl::client::testing::IsOk;
using ::ghl::client::testing::MakeContacts;
using ::ghl::client::testing::StatusIs;
using ::ghl::client::testing::TestServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace v1 = ::ghl::contacts::v1;

class ContactsClientTest : public ::testing::Test {
 protected:
  ContactsClientTest()
      : server_(&service_),
        clock_(std::make_shared<FakeClock>()),
        client_(v1::ContactsService::NewStub(server_.channel()), ContactsClientOptions{}, clock_) {}

  v1::ListContactsRequest ListRequest(int page_size) {
    v1::ListContactsRequest request;
    request.set_location_id("loc1");
    request.set_page_size(page_size);
    return request;
  }

  // Runs an export collecting ids and progress reports.
  absl::StatusOr<ExportProgress> Export(const v1::ListContactsRequest& request) {
    return client_.ExportContacts(
        request,
        [this](const v1::Contact& contact) {
          ids_.push_back(contact.id());
          return absl::OkStatus();
        },
        [this](const ExportProgress& progress) { reports_.push_back(progress); });
  }

  static std::vector<std::string> Ids(int from, int to) {
    std::vector<std::string> ids;
    for (const v1::Contact& c : MakeContacts(to)) ids.push_back(c.id());
    return std::vector<std::string>(ids.begin() + (from - 1), ids.end());
  }

  std::vector<std::string> Tokens() {
    std::vector<std::string> tokens;
    for (const v1::ListContactsRequest& r : service_.list_requests()) tokens.push_back(r.resume_token());
    return tokens;
  }

  FakeContactsService service_;
  TestServer server_;
  std::shared_ptr<FakeClock> clock_;
  ContactsClient client_;
  std::vector<std::string> ids_;
  std::vector<ExportProgress> reports_;
};

TEST_F(ContactsClientTest, GetContactForwardsTheRequest) {
  service_.SetContacts(MakeContacts(3));
  v1::GetContactRequest request;
  request.set_location_id("loc1");
  request.set_contact_id("c0002");
  request.mutable_read_mask()->add_paths("first_name");
  absl::StatusOr<v1::Contact> contact = client_.GetContact(request);
  ASSERT_THAT(contact, IsOk());
  EXPECT_EQ(contact->first_name(), "First2");
  ASSERT_EQ(service_.get_requests().size(), 1u);
  EXPECT_THAT(service_.get_requests()[0].read_mask().paths(), ElementsAre("first_name"));
}

TEST_F(ContactsClientTest, GetContactConvertsErrors) {
  v1::GetContactRequest request;
  request.set_location_id("loc1");
  request.set_contact_id("nope");
  EXPECT_THAT(client_.GetContact(request), StatusIs(absl::StatusCode::kNotFound, "contact nope not found"));

  service_.SetUnaryError(grpc::Status(grpc::StatusCode::UNAVAILABLE, "GHL 503: try later (traceId t-1)"));
  EXPECT_THAT(client_.GetContact(request),
              StatusIs(absl::StatusCode::kUnavailable, "GHL 503: try later (traceId t-1)"));
}

TEST_F(ContactsClientTest, WritesForwardTheRequestAndReturnTheContact) {
  v1::CreateContactRequest create;
  create.set_location_id("loc1");
  create.mutable_contact()->set_email("a@example.com");
  absl::StatusOr<v1::Contact> created = client_.CreateContact(create);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->email(), "a@example.com");

  v1::UpdateContactRequest update;
  update.set_location_id("loc1");
  update.mutable_contact()->set_id("c1");
  update.mutable_update_mask()->add_paths("email");
  ASSERT_THAT(client_.UpdateContact(update), IsOk());
  ASSERT_EQ(service_.update_requests().size(), 1u);
  EXPECT_THAT(service_.update_requests()[0].update_mask().paths(), ElementsAre("email"));

  v1::DeleteContactRequest del;
  del.set_location_id("loc1");
  del.set_contact_id("c1");
  EXPECT_THAT(client_.DeleteContact(del), IsOk());
  service_.SetUnaryError(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "read-only key"));
  EXPECT_THAT(client_.DeleteContact(del), StatusIs(absl::StatusCode::kPermissionDenied, "read-only key"));
  EXPECT_THAT(client_.CreateContact(create), StatusIs(absl::StatusCode::kPermissionDenied, "read-only key"));
  // A failed create is not retried.
  EXPECT_EQ(service_.create_requests().size(), 2u);
}

TEST_F(ContactsClientTest, UnaryCallsHaveADeadline) {
  ContactsClientOptions options;
  options.timeout = absl::Milliseconds(100);
  ContactsClient client(v1::ContactsService::NewStub(server_.channel()), options, clock_);
  service_.SetHangUnary(true);
  v1::GetContactRequest request;
  request.set_contact_id("c0001");
  EXPECT_THAT(client.GetContact(request), StatusIs(absl::StatusCode::kDeadlineExceeded, ::testing::_));
}

TEST_F(ContactsClientTest, ExportFlattensPagesInOrderAndReportsProgress) {
  service_.SetContacts(MakeContacts(250));
  clock_->Advance(absl::Seconds(1));
  absl::StatusOr<ExportProgress> result = Export(ListRequest(100));
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(ids_, Ids(1, 250));
  EXPECT_EQ(result->contacts, 250);
  EXPECT_EQ(result->pages, 3);
  EXPECT_EQ(result->total, 250);
  EXPECT_EQ(result->reconnects, 0);
  ASSERT_EQ(reports_.size(), 3u);
  EXPECT_EQ(reports_[0].contacts, 100);
  EXPECT_EQ(reports_[0].pages, 1);
  EXPECT_EQ(reports_[0].resume_token, "after:1");
  EXPECT_EQ(reports_[1].contacts, 200);
  EXPECT_EQ(reports_[2].contacts, 250);
  EXPECT_EQ(reports_[2].total, 250);
  EXPECT_TRUE(clock_->sleeps().empty());
  ASSERT_EQ(service_.list_requests().size(), 1u);
  EXPECT_EQ(service_.list_requests()[0].page_size(), 100);
}

TEST_F(ContactsClientTest, ExportOfAnEmptyLocationDeliversNothing) {
  absl::StatusOr<ExportProgress> result = Export(ListRequest(100));
  ASSERT_THAT(result, IsOk());
  EXPECT_TRUE(ids_.empty());
  EXPECT_EQ(result->pages, 1);
  EXPECT_EQ(result->contacts, 0);
}

TEST_F(ContactsClientTest, ExportResumesAfterBreaksWithoutLossOrDuplicates) {
  service_.SetContacts(MakeContacts(50));
  // Call 0 breaks with UNAVAILABLE after 2 pages; call 1 ends cleanly but
  // without last_page after 1 page; call 2 completes.
  service_.SetBreaks({FakeContactsService::Break{2, grpc::Status(grpc::StatusCode::UNAVAILABLE, "gateway restart")},
                      FakeContactsService::Break{1, grpc::Status::OK}, std::nullopt});
  absl::StatusOr<ExportProgress> result = Export(ListRequest(10));
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(ids_, Ids(1, 50));
  EXPECT_EQ(result->contacts, 50);
  EXPECT_EQ(result->pages, 5);
  EXPECT_EQ(result->reconnects, 2);
  EXPECT_THAT(Tokens(), ElementsAre("", "after:2", "after:3"));
  // Each break followed a delivered page, so each is a first failure.
  EXPECT_THAT(clock_->sleeps(), ElementsAre(absl::Milliseconds(250), absl::Milliseconds(250)));
}

TEST_F(ContactsClientTest, ExportStartsFromACallerResumeToken) {
  service_.SetContacts(MakeContacts(30));
  v1::ListContactsRequest request = ListRequest(10);
  request.set_resume_token("after:1");
  absl::StatusOr<ExportProgress> result = Export(request);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(ids_, Ids(11, 30));
}

TEST_F(ContactsClientTest, ReconnectKeepsTheCallerTokenUntilAPageArrives) {
  service_.SetContacts(MakeContacts(30));
  service_.SetBreaks({FakeContactsService::Break{0, grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")}});
  v1::ListContactsRequest request = ListRequest(10);
  request.set_resume_token("after:1");
  ASSERT_THAT(Export(request), IsOk());
  EXPECT_THAT(Tokens(), ElementsAre("after:1", "after:1"));
  EXPECT_EQ(ids_, Ids(11, 30));
}

TEST_F(ContactsClientTest, ExportGivesUpAfterMaxAttemptsWithExponentialBackoff) {
  service_.SetContacts(MakeContacts(30));
  const FakeContactsService::Break down{0, grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused")};
  service_.SetBreaks({FakeContactsService::Break{1, down.status}, down, down, down, down, down, down, down});
  absl::StatusOr<ExportProgress> result = Export(ListRequest(10));
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("gave up after 6 attempts")));
  EXPECT_THAT(result.status().message(), HasSubstr("after 10 contacts in 1 pages, resume token after:1"));
  // The first call broke after its page (failure 1), then 5 more failed in
  // a row: 6 attempts, 5 sleeps between them.
  EXPECT_EQ(service_.list_requests().size(), 6u);
  EXPECT_THAT(clock_->sleeps(), ElementsAre(absl::Milliseconds(250), absl::Milliseconds(500), absl::Seconds(1),
                                            absl::Seconds(2), absl::Seconds(4)));
  EXPECT_EQ(ids_, Ids(1, 10));
}

TEST_F(ContactsClientTest, NonRetryableErrorsStopAtOnce) {
  service_.SetContacts(MakeContacts(30));
  service_.SetBreaks({FakeContactsService::Break{
      1, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "GHL 403: location not allowed (traceId x)")}});
  absl::StatusOr<ExportProgress> result = Export(ListRequest(10));
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("GHL 403: location not allowed")));
  EXPECT_EQ(service_.list_requests().size(), 1u);
  EXPECT_TRUE(clock_->sleeps().empty());
}

TEST_F(ContactsClientTest, SinkErrorStopsTheExport) {
  service_.SetContacts(MakeContacts(30));
  int seen = 0;
  absl::StatusOr<ExportProgress> result = client_.ExportContacts(ListRequest(10), [&seen](const v1::Contact&) {
    return ++seen == 15 ? absl::ResourceExhaustedError("disk full") : absl::OkStatus();
  });
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("disk full")));
  EXPECT_EQ(seen, 15);
  EXPECT_EQ(service_.list_requests().size(), 1u);
}

TEST_F(ContactsClientTest, PagesWithoutResumeTokenCannotBeResumed) {
  service_.SetContacts(MakeContacts(30));
  service_.SetOmitResumeTokens(true);
  EXPECT_THAT(Export(ListRequest(10)), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("no resume_token")));
  EXPECT_EQ(ids_, Ids(1, 10));
}

TEST_F(ContactsClientTest, APageGapAfterResumeIsDataLoss) {
  service_.SetContacts(MakeContacts(30));
  service_.SetSkipPageOnResume(true);
  service_.SetBreaks({FakeContactsService::Break{1, grpc::Status(grpc::StatusCode::UNAVAILABLE, "x")}});
  EXPECT_THAT(Export(ListRequest(10)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("page 3 arrived after page 1")));
  EXPECT_EQ(ids_, Ids(1, 10));
}

TEST(ExportRetryPolicyTest, BackoffGrowsAndIsCapped) {
  ExportRetryPolicy policy;
  policy.initial_backoff = absl::Milliseconds(100);
  policy.max_backoff = absl::Milliseconds(700);
  policy.multiplier = 3;
  EXPECT_EQ(policy.BackoffFor(1), absl::Milliseconds(100));
  EXPECT_EQ(policy.BackoffFor(2), absl::Milliseconds(300));
  EXPECT_EQ(policy.BackoffFor(3), absl::Milliseconds(700));
  EXPECT_EQ(policy.BackoffFor(1000), absl::Milliseconds(700));
}

}  // namespace
}  // namespace ghl::client
