// TasksService, NotesService, AppointmentsService and TagsService through an
// in-process gateway (port 0) over a scripted transport: bad requests fail
// with INVALID_ARGUMENT naming the field before any upstream call, answers
// are mapped, upstream errors keep their gRPC code, and the appointments
// stream carries one page with a resume token and always ends with
// last_page (also when resumed after it).
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ghl/contacts/v1/appointments_service.grpc.pb.h"
#include "ghl/contacts/v1/notes_service.grpc.pb.h"
#include "ghl/contacts/v1/tags_service.grpc.pb.h"
#include "ghl/contacts/v1/tasks_service.grpc.pb.h"
#include "server/appointments_service_impl.h"
#include "server/gateway.h"
#include "server/resource_validation.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/status_matchers.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::testing::FakeHttpTransport;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ResourceServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GatewayConfig config;
    config.listen = "127.0.0.1:0";
    config.upstream = "http://ghl.test";
    config.workers = 2;
    config.retry_max_attempts = 1;  // no real sleeps in a unit test
    config.tokens = {{"L1", "tok"}};
    auto gateway = Gateway::Start(config, transport_);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::move(*gateway);
    auto channel = grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials());
    tasks_ = v1::TasksService::NewStub(channel);
    notes_ = v1::NotesService::NewStub(channel);
    appointments_ = v1::AppointmentsService::NewStub(channel);
    tags_ = v1::TagsService::NewStub(channel);
  }
  void TearDown() override {
    if (gateway_) gateway_->Shutdown(absl::Seconds(1));
  }

  template <typename Request>
  static Request For(const char* contact_id) {
    Request request;
    request.set_location_id("L1");
    request.set_contact_id(contact_id);
    return request;
  }

  // Expects INVALID_ARGUMENT whose message starts with `field`, and no
  // upstream request.
  void ExpectRefused(const grpc::Status& status, const std::string& field) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_THAT(status.error_message(), StartsWith(field));
    EXPECT_TRUE(transport_->requests().empty());
  }

  struct Stream {
    grpc::Status status;
    std::vector<v1::ListContactAppointmentsResponse> pages;
  };
  Stream Appointments(const v1::ListContactAppointmentsRequest& request) {
    Stream out;
    grpc::ClientContext ctx;
    auto reader = appointments_->ListContactAppointments(&ctx, request);
    v1::ListContactAppointmentsResponse page;
    while (reader->Read(&page)) out.pages.push_back(page);
    out.status = reader->Finish();
    return out;
  }

  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<v1::TasksService::Stub> tasks_;
  std::unique_ptr<v1::NotesService::Stub> notes_;
  std::unique_ptr<v1::AppointmentsService::Stub> appointments_;
  std::unique_ptr<v1::TagsService::Stub> tags_;
};

TEST_F(ResourceServicesTest, TaskRequestsAreValidatedFirst) {
  grpc::ClientContext c1, c2, c3, c4, c5, c6, c7;
  v1::ListTasksResponse list;
  v1::Task task;
  google::protobuf::Empty empty;
  ExpectRefused(tasks_->ListTasks(&c1, v1::ListTasksRequest(), &list), "location_id:");
  ExpectRefused(tasks_->ListTasks(&c2, For<v1::ListTasksRequest>("bad/id"), &list), "contact_id:");
  ExpectRefused(tasks_->GetTask(&c3, For<v1::GetTaskRequest>("c1"), &task), "task_id:");
  auto create = For<v1::CreateTaskRequest>("c1");
  ExpectRefused(tasks_->CreateTask(&c4, create, &task), "task.title:");
  create.mutable_task()->set_title("t");
  create.mutable_task()->set_contact_id("c2");
  create.mutable_task()->mutable_due_date()->set_seconds(1);
  ExpectRefused(tasks_->CreateTask(&c5, create, &task), "task.contact_id:");
  auto update = For<v1::UpdateTaskRequest>("c1");
  update.mutable_task()->set_id("t1");
  ExpectRefused(tasks_->UpdateTask(&c6, update, &task), "update_mask:");
  ExpectRefused(tasks_->DeleteTask(&c7, For<v1::DeleteTaskRequest>("c1"), &empty), "task_id:");
}

TEST_F(ResourceServicesTest, TaskCallsMapAnswersAndErrors) {
  transport_->AddResponse(200,
                          R"({"tasks":[{"id":"t1","title":"a"},{"id":"t2","completed":true}]})");
  transport_->AddResponse(200, R"({"task":{"id":"t1","completed":true}})");
  transport_->AddResponse(404, R"({"statusCode":404,"message":"Task not found"})");
  grpc::ClientContext c1, c2, c3;
  v1::ListTasksResponse list;
  ASSERT_TRUE(tasks_->ListTasks(&c1, For<v1::ListTasksRequest>("c1"), &list).ok());
  ASSERT_EQ(list.tasks_size(), 2);
  EXPECT_TRUE(list.tasks(1).completed());
  auto complete = For<v1::SetTaskCompletedRequest>("c1");
  complete.set_task_id("t1");
  complete.set_completed(true);
  v1::Task task;
  ASSERT_TRUE(tasks_->SetTaskCompleted(&c2, complete, &task).ok());
  EXPECT_TRUE(task.completed());
  EXPECT_EQ(transport_->requests().at(1).url, "http://ghl.test/contacts/c1/tasks/t1/completed");
  auto get = For<v1::GetTaskRequest>("c1");
  get.set_task_id("t9");
  auto status = tasks_->GetTask(&c3, get, &task);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("Task not found"));
}

TEST_F(ResourceServicesTest, NoteRequestsAreValidatedFirst) {
  grpc::ClientContext c1, c2, c3, c4;
  v1::Note note;
  google::protobuf::Empty empty;
  ExpectRefused(notes_->GetNote(&c1, For<v1::GetNoteRequest>("c1"), &note), "note_id:");
  ExpectRefused(notes_->CreateNote(&c2, For<v1::CreateNoteRequest>("c1"), &note), "note.body:");
  auto update = For<v1::UpdateNoteRequest>("c1");
  ExpectRefused(notes_->UpdateNote(&c3, update, &note), "note.id:");
  ExpectRefused(notes_->DeleteNote(&c4, For<v1::DeleteNoteRequest>(""), &empty), "contact_id:");
}

TEST_F(ResourceServicesTest, NoteCallsMapAnswers) {
  transport_->AddResponse(
      201, R"({"note":{"id":"n1","body":"hello","dateAdded":"2021-07-08T12:02:11.285Z"}})");
  transport_->AddResponse(200, R"({"succeded":true})");
  grpc::ClientContext c1, c2;
  auto create = For<v1::CreateNoteRequest>("c1");
  create.mutable_note()->set_body("hello");
  v1::Note note;
  ASSERT_TRUE(notes_->CreateNote(&c1, create, &note).ok());
  EXPECT_EQ(note.id(), "n1");
  EXPECT_EQ(note.date_added().seconds(), 1625745731);
  auto remove = For<v1::DeleteNoteRequest>("c1");
  remove.set_note_id("n1");
  google::protobuf::Empty empty;
  ASSERT_TRUE(notes_->DeleteNote(&c2, remove, &empty).ok());
  EXPECT_EQ(transport_->requests().at(1).method, "DELETE");
}

TEST_F(ResourceServicesTest, TagRequestsAreValidatedFirst) {
  grpc::ClientContext c1, c2, c3, c4, c5, c6;
  v1::AddTagsResponse added;
  v1::RemoveTagsResponse removed;
  v1::BulkUpdateTagsResponse bulk;
  ExpectRefused(tags_->AddTags(&c1, For<v1::AddTagsRequest>("c1"), &added), "tags:");
  auto remove = For<v1::RemoveTagsRequest>("c1");
  remove.add_tags("ok");
  remove.add_tags("");
  ExpectRefused(tags_->RemoveTags(&c2, remove, &removed), "tags[1]:");
  v1::BulkUpdateTagsRequest request;
  request.set_location_id("L1");
  ExpectRefused(tags_->BulkUpdateTags(&c3, request, &bulk), "type:");
  request.set_type(v1::BULK_TAGS_UPDATE_TYPE_ADD);
  request.set_remove_all_tags(true);
  ExpectRefused(tags_->BulkUpdateTags(&c4, request, &bulk), "remove_all_tags:");
  request.set_remove_all_tags(false);
  ExpectRefused(tags_->BulkUpdateTags(&c5, request, &bulk), "contact_ids:");
  request.add_contact_ids("c1");
  ExpectRefused(tags_->BulkUpdateTags(&c6, request, &bulk), "tags:");
}

TEST_F(ResourceServicesTest, TagsTravelAsListsAndRemoveAllNeedsNoTags) {
  transport_->AddResponse(201, R"({"tags":["a, b","c"]})");
  transport_->AddResponse(201, R"({"succeded":true,"errorCount":0,"responses":[]})");
  grpc::ClientContext c1, c2;
  auto add = For<v1::AddTagsRequest>("c1");
  add.add_tags("a, b");
  v1::AddTagsResponse added;
  ASSERT_TRUE(tags_->AddTags(&c1, add, &added).ok());
  EXPECT_THAT(added.tags(), ElementsAre("a, b", "c"));
  EXPECT_EQ(transport_->requests().at(0).body, R"({"tags":["a, b"]})");
  v1::BulkUpdateTagsRequest bulk;
  bulk.set_location_id("L1");
  bulk.set_type(v1::BULK_TAGS_UPDATE_TYPE_REMOVE);
  bulk.set_remove_all_tags(true);
  bulk.add_contact_ids("c1");
  v1::BulkUpdateTagsResponse answer;
  ASSERT_TRUE(tags_->BulkUpdateTags(&c2, bulk, &answer).ok());
  EXPECT_TRUE(answer.succeeded());
  EXPECT_EQ(transport_->requests().at(1).url, "http://ghl.test/contacts/bulk/tags/update/remove");
}

TEST_F(ResourceServicesTest, AppointmentsStreamOnePageAndResumeAfterIt) {
  transport_->AddResponse(
      200, R"({"events":[{"id":"a1","startTime":"2026-05-17T21:03:56.525Z"},{"id":"a2"}]})");
  auto request = For<v1::ListContactAppointmentsRequest>("c1");
  auto stream = Appointments(request);
  ASSERT_TRUE(stream.status.ok()) << stream.status.error_message();
  ASSERT_EQ(stream.pages.size(), 1u);
  const auto& page = stream.pages[0];
  EXPECT_EQ(page.appointments_size(), 2);
  EXPECT_EQ(page.page_number(), 1);
  EXPECT_TRUE(page.last_page());
  ASSERT_FALSE(page.resume_token().empty());

  request.set_resume_token(page.resume_token());
  auto resumed = Appointments(request);
  ASSERT_TRUE(resumed.status.ok());
  ASSERT_EQ(resumed.pages.size(), 1u);
  EXPECT_EQ(resumed.pages[0].appointments_size(), 0);
  EXPECT_TRUE(resumed.pages[0].last_page());
  EXPECT_EQ(resumed.pages[0].page_number(), 1);
  EXPECT_EQ(transport_->requests().size(), 1u);  // nothing re-fetched
}

TEST_F(ResourceServicesTest, AppointmentsRefuseBadRequestsAndTokens) {
  auto request = For<v1::ListContactAppointmentsRequest>("");
  auto stream = Appointments(request);
  ExpectRefused(stream.status, "contact_id:");
  request.set_contact_id("c1");
  request.set_resume_token("!!not base64!!");
  ExpectRefused(Appointments(request).status, "resume_token:");
  v1::ContactAppointmentsCursor other;
  other.set_location_id("L1");
  other.set_contact_id("c2");
  other.set_done(true);
  request.set_resume_token(EncodeAppointmentsResumeToken(other));
  ExpectRefused(Appointments(request).status, "resume_token:");
}

TEST_F(ResourceServicesTest, AppointmentsUpstreamErrorEndsTheStream) {
  transport_->AddResponse(401, R"({"statusCode":401,"message":"Invalid JWT"})");
  auto stream = Appointments(For<v1::ListContactAppointmentsRequest>("c1"));
  EXPECT_EQ(stream.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(stream.pages.empty());
}

TEST(ResourceValidationTest, Tags) {
  google::protobuf::RepeatedPtrField<std::string> tags;
  EXPECT_THAT(ValidateTags("tags", tags),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at least one tag")));
  EXPECT_THAT(ValidateTags("tags", tags, /*may_be_empty=*/true), IsOk());
  tags.Add("has, comma");
  EXPECT_THAT(ValidateTags("tags", tags), IsOk());
  tags.Add(std::string(256, 'x'));
  EXPECT_THAT(ValidateTags("tags", tags),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tags[1]: longer than 255")));
}

}  // namespace
}  // namespace ghl::server
