// TasksStub against a scripted transport: exact URLs, methods, headers and
// bodies of each operation, the spec's example answers parsed, and the
// error paths (HTTP table, unknown location, malformed and misshapen
// answers, refused bodies that are never sent).
#include "adapters/ghl/contacts/tasks_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/ghl/contacts/json_mapping.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/contacts/stub_test_util.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::contacts::testing::ExpectRequest;
using ::ghl::contacts::testing::ForContact;
using ::ghl::contacts::testing::OperationExample;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

class TasksStubTest : public testing::ScriptedStubTest<TasksStub> {
 protected:
  TasksStubTest() : ScriptedStubTest(MakeDefaultTasksStub) {}
};

TEST_F(TasksStubTest, ListTasksParsesTheSpecExample) {
  transport_->AddResponse(200, OperationExample("get", "/contacts/{contactId}/tasks", "200"));
  auto tasks = stub_->ListTasks(options_, ForContact<v1::ListTasksRequest>("c1"));
  ASSERT_THAT(tasks, IsOk());
  ExpectRequest(transport_->requests().at(0), "GET", "http://ghl.test/contacts/c1/tasks", "");
  ASSERT_EQ(tasks->tasks_size(), 1);
  EXPECT_EQ(tasks->tasks(0).id(), "lJpzYrWdpkC2hX6t2yue");
  EXPECT_TRUE(tasks->tasks(0).has_due_date());
}

TEST_F(TasksStubTest, ListTasksAcceptsAnEmptyAnswerAndRefusesWrongShapes) {
  transport_->AddResponse(200, "{}");
  transport_->AddResponse(200, R"({"tasks":{}})");
  transport_->AddResponse(200, R"({"tasks":[{"id":"a"},"b"]})");
  transport_->AddResponse(200, R"({"tasks":[)");
  auto empty = stub_->ListTasks(options_, ForContact<v1::ListTasksRequest>("c1"));
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(empty->tasks_size(), 0);
  EXPECT_THAT(stub_->ListTasks(options_, ForContact<v1::ListTasksRequest>("c1")),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("`tasks` is not an array")));
  EXPECT_THAT(stub_->ListTasks(options_, ForContact<v1::ListTasksRequest>("c1")),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("tasks[1] is not an object")));
  EXPECT_THAT(stub_->ListTasks(options_, ForContact<v1::ListTasksRequest>("c1")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("malformed JSON")));
}

TEST_F(TasksStubTest, GetTaskEncodesIdsIntoThePath) {
  transport_->AddResponse(200,
                          OperationExample("get", "/contacts/{contactId}/tasks/{taskId}", "200"));
  auto request = ForContact<v1::GetTaskRequest>("c 1/x");
  request.set_task_id("t?1");
  auto task = stub_->GetTask(options_, request);
  ASSERT_THAT(task, IsOk());
  ExpectRequest(transport_->requests().at(0), "GET",
                "http://ghl.test/contacts/c%201%2Fx/tasks/t%3F1", "");
  EXPECT_EQ(task->title(), "test");
}

TEST_F(TasksStubTest, CreateTaskPostsCreateTaskParams) {
  transport_->AddResponse(201, OperationExample("post", "/contacts/{contactId}/tasks", "201"));
  auto request = ForContact<v1::CreateTaskRequest>("c1");
  request.mutable_task()->set_title("Call back");
  ASSERT_TRUE(ParseGhlTime("2026-03-01T09:30:00Z", request.mutable_task()->mutable_due_date()));
  auto task = stub_->CreateTask(options_, request);
  ASSERT_THAT(task, IsOk());
  ExpectRequest(transport_->requests().at(0), "POST", "http://ghl.test/contacts/c1/tasks",
                R"({"title":"Call back","dueDate":"2026-03-01T09:30:00.000Z","completed":false})");
  EXPECT_EQ(task->id(), "lJpzYrWdpkC2hX6t2yue");
}

TEST_F(TasksStubTest, CreateTaskWithoutRequiredFieldsSendsNothing) {
  auto request = ForContact<v1::CreateTaskRequest>("c1");
  request.mutable_task()->set_title("no due date");
  EXPECT_THAT(stub_->CreateTask(options_, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.due_date")));
  EXPECT_TRUE(transport_->requests().empty());
}

TEST_F(TasksStubTest, UpdateTaskPutsTheMaskedFields) {
  transport_->AddResponse(200,
                          OperationExample("put", "/contacts/{contactId}/tasks/{taskId}", "200"));
  auto request = ForContact<v1::UpdateTaskRequest>("c1");
  request.mutable_task()->set_id("t1");
  request.mutable_task()->set_title("new title");
  request.mutable_task()->set_body("not sent");
  request.mutable_update_mask()->add_paths("title");
  ASSERT_THAT(stub_->UpdateTask(options_, request), IsOk());
  ExpectRequest(transport_->requests().at(0), "PUT", "http://ghl.test/contacts/c1/tasks/t1",
                R"({"title":"new title"})");
}

TEST_F(TasksStubTest, UpdateTaskWithABadMaskSendsNothing) {
  auto request = ForContact<v1::UpdateTaskRequest>("c1");
  request.mutable_task()->set_id("t1");
  request.mutable_update_mask()->add_paths("id");
  EXPECT_THAT(stub_->UpdateTask(options_, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not writable")));
  EXPECT_TRUE(transport_->requests().empty());
}

TEST_F(TasksStubTest, UnusableAnswerToAWriteSaysItWasApplied) {
  transport_->AddResponse(200, R"({"ok":true})");
  auto request = ForContact<v1::SetTaskCompletedRequest>("c1");
  request.set_task_id("t1");
  EXPECT_THAT(stub_->SetTaskCompleted(options_, request),
              StatusIs(absl::StatusCode::kInternal,
                       AllOf(HasSubstr("GHL applied the update-task-completed"),
                             HasSubstr("no task object"))));
}

TEST_F(TasksStubTest, SetTaskCompletedPutsUpdateTaskStatusParams) {
  transport_->AddResponse(
      200, OperationExample("put", "/contacts/{contactId}/tasks/{taskId}/completed", "200"));
  transport_->AddResponse(
      200, OperationExample("put", "/contacts/{contactId}/tasks/{taskId}/completed", "200"));
  auto request = ForContact<v1::SetTaskCompletedRequest>("c1");
  request.set_task_id("t1");
  ASSERT_THAT(stub_->SetTaskCompleted(options_, request), IsOk());
  request.set_completed(true);
  ASSERT_THAT(stub_->SetTaskCompleted(options_, request), IsOk());
  ExpectRequest(transport_->requests().at(0), "PUT",
                "http://ghl.test/contacts/c1/tasks/t1/completed", R"({"completed":false})");
  ExpectRequest(transport_->requests().at(1), "PUT",
                "http://ghl.test/contacts/c1/tasks/t1/completed", R"({"completed":true})");
}

TEST_F(TasksStubTest, DeleteTaskChecksSucceded) {
  transport_->AddResponse(
      200, OperationExample("delete", "/contacts/{contactId}/tasks/{taskId}", "200"));
  transport_->AddResponse(200, R"({"succeded":false})");
  transport_->AddResponse(200, "");
  auto request = ForContact<v1::DeleteTaskRequest>("c1");
  request.set_task_id("t1");
  EXPECT_THAT(stub_->DeleteTask(options_, request), IsOk());
  ExpectRequest(transport_->requests().at(0), "DELETE", "http://ghl.test/contacts/c1/tasks/t1", "");
  EXPECT_THAT(stub_->DeleteTask(options_, request),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("succeded=false")));
  EXPECT_THAT(stub_->DeleteTask(options_, request), IsOk());
}

TEST_F(TasksStubTest, HttpErrorsGoThroughTheTable) {
  transport_->AddResponse(401,
                          R"({"statusCode":401,"message":"Invalid JWT","error":"Unauthorized"})");
  transport_->AddResponse(404, R"({"statusCode":404,"message":"Task not found","traceId":"tr-1"})");
  transport_->AddResponse(
      422, R"({"statusCode":422,"message":["title must be a string","dueDate is required"]})");
  transport_->AddResponse(429, "");
  transport_->AddError(absl::UnavailableError("connection reset"));
  auto get = ForContact<v1::GetTaskRequest>("c1");
  get.set_task_id("t1");
  EXPECT_THAT(stub_->GetTask(options_, get),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("Invalid JWT")));
  EXPECT_THAT(
      stub_->GetTask(options_, get),
      StatusIs(absl::StatusCode::kNotFound, AllOf(HasSubstr("Task not found"), HasSubstr("tr-1"))));
  auto create = ForContact<v1::CreateTaskRequest>("c1");
  create.mutable_task()->set_title("x");
  create.mutable_task()->mutable_due_date()->set_seconds(1);
  EXPECT_THAT(
      stub_->CreateTask(options_, create),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("title must be a string"), HasSubstr("dueDate is required"))));
  EXPECT_THAT(stub_->GetTask(options_, get),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("429")));
  EXPECT_THAT(stub_->GetTask(options_, get),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("connection reset")));
}

TEST_F(TasksStubTest, UnknownLocationFailsBeforeAnyRequest) {
  v1::ListTasksRequest request;
  request.set_location_id("OTHER");
  request.set_contact_id("c1");
  EXPECT_THAT(stub_->ListTasks(options_, request),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("OTHER")));
  EXPECT_TRUE(transport_->requests().empty());
}

}  // namespace
}  // namespace ghl::contacts
