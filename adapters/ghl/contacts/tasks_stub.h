// TasksStub: one method per GHL REST operation on a contact's tasks
// (get-all-tasks, get-task, create-task, update-task, update-task-completed,
// delete-task). Builds the request (resource_mapping.h bodies), sends it once
// through GhlRestCall, and maps the answer with the Task mapper. No retries:
// TasksConnection retries.
//
// Requests are the gRPC request messages, validated by the caller (ids are
// still percent-encoded into the path).
//
// Thread-safety: the default stub is safe for concurrent use if its
// transport and token source are.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_TASKS_STUB_H_
#define GHL_ADAPTERS_GHL_CONTACTS_TASKS_STUB_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/contacts/contacts_stub.h"
#include "adapters/ghl/http/http_transport.h"
#include "ghl/contacts/v1/tasks_service.pb.h"

namespace ghl::contacts {

/// The task operations of apps/contacts.json.
class TasksStub {
 public:
  virtual ~TasksStub() = default;
  /// GET /contacts/{contactId}/tasks
  virtual absl::StatusOr<ghl::contacts::v1::ListTasksResponse> ListTasks(
      const CallOptions& options, const ghl::contacts::v1::ListTasksRequest& request) = 0;
  /// GET /contacts/{contactId}/tasks/{taskId}
  virtual absl::StatusOr<ghl::contacts::v1::Task> GetTask(
      const CallOptions& options, const ghl::contacts::v1::GetTaskRequest& request) = 0;
  /// POST /contacts/{contactId}/tasks
  virtual absl::StatusOr<ghl::contacts::v1::Task> CreateTask(
      const CallOptions& options, const ghl::contacts::v1::CreateTaskRequest& request) = 0;
  /// PUT /contacts/{contactId}/tasks/{taskId}
  virtual absl::StatusOr<ghl::contacts::v1::Task> UpdateTask(
      const CallOptions& options, const ghl::contacts::v1::UpdateTaskRequest& request) = 0;
  /// PUT /contacts/{contactId}/tasks/{taskId}/completed
  virtual absl::StatusOr<ghl::contacts::v1::Task> SetTaskCompleted(
      const CallOptions& options, const ghl::contacts::v1::SetTaskCompletedRequest& request) = 0;
  /// DELETE /contacts/{contactId}/tasks/{taskId}
  virtual absl::Status DeleteTask(const CallOptions& options,
                                  const ghl::contacts::v1::DeleteTaskRequest& request) = 0;
};

/// Builds the production stub.
/// @param base_url e.g. https://services.leadconnectorhq.com.
std::shared_ptr<TasksStub> MakeDefaultTasksStub(std::shared_ptr<http::HttpTransport> transport,
                                                std::string base_url,
                                                std::shared_ptr<auth::TokenSource> tokens);

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_TASKS_STUB_H_
