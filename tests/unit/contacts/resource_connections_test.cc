// The retry rules of the task, note, appointment and tag connections, over
// the real stubs and a scripted transport with a fake clock (no sleeping):
// reads retry transient failures with backoff; writes retry only a request
// that surely never left; nothing retries a permanent error.
#include "adapters/ghl/contacts/resource_connections.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/ghl/core/clock.h"
#include "adapters/ghl/core/retry.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/contacts/stub_test_util.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::contacts::testing::ForContact;
using ::ghl::contacts::testing::kBaseUrl;
using ::ghl::contacts::testing::kLocation;
using ::ghl::contacts::testing::OperationExample;
using ::ghl::contacts::testing::TestTokens;
using ::ghl::testing::FakeHttpTransport;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

class ResourceConnectionsTest : public ::testing::Test {
 protected:
  ConnectionOptions Options() {
    ConnectionOptions o;
    o.retry.max_attempts = 3;
    o.retry.max_elapsed = absl::Minutes(5);
    o.initial_backoff = absl::Seconds(1);
    o.jitter = [] { return 1.0; };
    o.clock = &clock_;
    return o;
  }

  FakeClock clock_;
  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  TasksConnection tasks_{MakeDefaultTasksStub(transport_, kBaseUrl, TestTokens()), Options()};
  NotesConnection notes_{MakeDefaultNotesStub(transport_, kBaseUrl, TestTokens()), Options()};
  AppointmentsConnection appointments_{
      MakeDefaultAppointmentsStub(transport_, kBaseUrl, TestTokens()), Options()};
  TagsConnection tags_{MakeDefaultTagsStub(transport_, kBaseUrl, TestTokens()), Options()};
};

TEST_F(ResourceConnectionsTest, ReadsRetryTransientFailuresWithBackoff) {
  const absl::Time start = clock_.Now();
  transport_->AddResponse(429, "");
  transport_->AddResponse(503, "");
  transport_->AddResponse(200, OperationExample("get", "/contacts/{contactId}/tasks", "200"));
  auto tasks = tasks_.ListTasks(ForContact<v1::ListTasksRequest>("c1"));
  ASSERT_THAT(tasks, IsOk());
  EXPECT_EQ(tasks->tasks_size(), 1);
  EXPECT_EQ(transport_->requests().size(), 3u);
  EXPECT_GT(clock_.Now(), start);  // waited on the fake clock only
}

TEST_F(ResourceConnectionsTest, ReadsGiveUpAfterTheBudget) {
  for (int i = 0; i < 3; ++i) transport_->AddResponse(502, "");
  auto request = ForContact<v1::GetNoteRequest>("c1");
  request.set_note_id("n1");
  EXPECT_THAT(notes_.GetNote(request),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("after 3 attempts")));
}

TEST_F(ResourceConnectionsTest, ReadsStopWhenTheCallerIsGone) {
  transport_->AddResponse(503, "");
  EXPECT_THAT(appointments_.ListContactAppointments(kLocation, "c1", [] { return true; }),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_EQ(transport_->requests().size(), 1u);
}

TEST_F(ResourceConnectionsTest, PermanentErrorsAreNotRetried) {
  transport_->AddResponse(404, R"({"statusCode":404,"message":"Task not found"})");
  auto request = ForContact<v1::GetTaskRequest>("c1");
  request.set_task_id("t1");
  EXPECT_THAT(tasks_.GetTask(request), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  EXPECT_EQ(transport_->requests().size(), 1u);
}

TEST_F(ResourceConnectionsTest, WritesThatMayHaveArrivedAreNotRetried) {
  transport_->AddResponse(503, "");
  transport_->AddResponse(503, "");
  transport_->AddResponse(503, "");
  transport_->AddResponse(503, "");
  auto create = ForContact<v1::CreateNoteRequest>("c1");
  create.mutable_note()->set_body("b");
  // Each failure says GHL may have acted, so no caller re-sends blindly.
  EXPECT_THAT(notes_.CreateNote(create),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("GHL may have applied the note creation (not retried)")));
  auto remove = ForContact<v1::DeleteTaskRequest>("c1");
  remove.set_task_id("t1");
  EXPECT_THAT(tasks_.DeleteTask(remove),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("may have applied the task deletion")));
  v1::AddTagsRequest add = ForContact<v1::AddTagsRequest>("c1");
  add.add_tags("t");
  EXPECT_THAT(tags_.AddTags(add),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("may have applied the tag change")));
  auto complete = ForContact<v1::SetTaskCompletedRequest>("c1");
  complete.set_task_id("t1");
  EXPECT_THAT(tasks_.SetTaskCompleted(complete),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("may have applied the task completion")));
  EXPECT_EQ(transport_->requests().size(), 4u);  // one attempt each
}

TEST_F(ResourceConnectionsTest, WritesRefusedByTheRateLimiterAreRetried) {
  // GHL's 429 comes before any processing: re-sending cannot apply it twice.
  transport_->AddResponse(429, R"({"statusCode":429,"message":"Too Many Requests"})");
  transport_->AddResponse(201, OperationExample("post", "/contacts/{contactId}/notes", "201"));
  auto create = ForContact<v1::CreateNoteRequest>("c1");
  create.mutable_note()->set_body("b");
  EXPECT_THAT(notes_.CreateNote(create), IsOk());
  EXPECT_EQ(transport_->requests().size(), 2u);
}

TEST_F(ResourceConnectionsTest, AWriteRefusedOutrightSaysNothingOfMaybe) {
  transport_->AddResponse(422, R"({"statusCode":422,"message":["body must be a string"]})");
  auto create = ForContact<v1::CreateNoteRequest>("c1");
  create.mutable_note()->set_body("b");
  EXPECT_THAT(notes_.CreateNote(create),
              StatusIs(absl::StatusCode::kInvalidArgument, Not(HasSubstr("may have applied"))));
}

TEST_F(ResourceConnectionsTest, WritesThatNeverLeftAreRetried) {
  transport_->AddError(MarkNotSent(absl::UnavailableError("connect refused")));
  transport_->AddResponse(201,
                          OperationExample("post", "/contacts/bulk/tags/update/{type}", "201"));
  v1::BulkUpdateTagsRequest request;
  request.set_location_id(kLocation);
  request.set_type(v1::BULK_TAGS_UPDATE_TYPE_ADD);
  request.add_contact_ids("c1");
  request.add_tags("t");
  auto answer = tags_.BulkUpdateTags(request);
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(transport_->requests().size(), 2u);
}

}  // namespace
}  // namespace ghl::contacts
