#include "adapters/ghl/contacts/tasks_stub.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/resource_mapping.h"
#include "adapters/ghl/contacts/rest_call.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::http::UrlEncode;

std::string TasksPath(const std::string& contact_id) {
  return absl::StrCat("/contacts/", UrlEncode(contact_id), "/tasks");
}

std::string TaskPath(const std::string& contact_id, const std::string& task_id) {
  return absl::StrCat(TasksPath(contact_id), "/", UrlEncode(task_id));
}

class DefaultTasksStub final : public TasksStub {
 public:
  explicit DefaultTasksStub(GhlRestCall rest) : rest_(std::move(rest)) {}

  absl::StatusOr<v1::ListTasksResponse> ListTasks(const CallOptions& options,
                                                  const v1::ListTasksRequest& request) override {
    v1::ListTasksResponse out;
    auto status = ReadListAnswer(
        rest_.Send(options, request.location_id(), "GET", TasksPath(request.contact_id()), ""),
        "tasks", TaskJson(), "get-all-tasks", out.mutable_tasks());
    if (!status.ok()) return status;
    return out;
  }

  absl::StatusOr<v1::Task> GetTask(const CallOptions& options,
                                   const v1::GetTaskRequest& request) override {
    return ReadResourceAnswer<v1::Task>(
        rest_.Send(options, request.location_id(), "GET",
                   TaskPath(request.contact_id(), request.task_id()), ""),
        "task", TaskJson(), "get-task", AnswerOf::kRead);
  }

  absl::StatusOr<v1::Task> CreateTask(const CallOptions& options,
                                      const v1::CreateTaskRequest& request) override {
    auto body = CreateTaskBody(request.task());
    if (!body.ok()) return body.status();
    return ReadResourceAnswer<v1::Task>(
        rest_.Send(options, request.location_id(), "POST", TasksPath(request.contact_id()),
                   *std::move(body)),
        "task", TaskJson(), "create-task", AnswerOf::kWrite);
  }

  absl::StatusOr<v1::Task> UpdateTask(const CallOptions& options,
                                      const v1::UpdateTaskRequest& request) override {
    auto body = UpdateTaskBody(request.task(), request.update_mask());
    if (!body.ok()) return body.status();
    return ReadResourceAnswer<v1::Task>(
        rest_.Send(options, request.location_id(), "PUT",
                   TaskPath(request.contact_id(), request.task().id()), *std::move(body)),
        "task", TaskJson(), "update-task", AnswerOf::kWrite);
  }

  absl::StatusOr<v1::Task> SetTaskCompleted(const CallOptions& options,
                                            const v1::SetTaskCompletedRequest& request) override {
    return ReadResourceAnswer<v1::Task>(
        rest_.Send(options, request.location_id(), "PUT",
                   absl::StrCat(TaskPath(request.contact_id(), request.task_id()), "/completed"),
                   TaskCompletedBody(request.completed())),
        "task", TaskJson(), "update-task-completed", AnswerOf::kWrite);
  }

  absl::Status DeleteTask(const CallOptions& options,
                          const v1::DeleteTaskRequest& request) override {
    auto response = rest_.Send(options, request.location_id(), "DELETE",
                               TaskPath(request.contact_id(), request.task_id()), "");
    if (!response.ok()) return response.status();
    return CheckSucceeded(response->body, "delete-task");
  }

 private:
  GhlRestCall rest_;
};

}  // namespace

std::shared_ptr<TasksStub> MakeDefaultTasksStub(std::shared_ptr<http::HttpTransport> transport,
                                                std::string base_url,
                                                std::shared_ptr<auth::TokenSource> tokens) {
  return std::make_shared<DefaultTasksStub>(
      GhlRestCall(std::move(transport), std::move(base_url), std::move(tokens)));
}

}  // namespace ghl::contacts
