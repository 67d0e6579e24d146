#include "server/tasks_service_impl.h"

#include <utility>

#include "server/resource_validation.h"
#include "server/unary_call.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;

}  // namespace

grpc::ServerUnaryReactor* TasksServiceImpl::ListTasks(grpc::CallbackServerContext* context,
                                                      const v1::ListTasksRequest* request,
                                                      v1::ListTasksResponse* response) {
  return RunUnaryOnPool(context, pool_, [this, context, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    auto tasks = connection_->ListTasks(*request, [context] { return context->IsCancelled(); });
    if (!tasks.ok()) return tasks.status();
    *response = *std::move(tasks);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TasksServiceImpl::GetTask(grpc::CallbackServerContext* context,
                                                    const v1::GetTaskRequest* request,
                                                    v1::Task* response) {
  return RunUnaryOnPool(context, pool_, [this, context, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    if (auto s = ValidateId("task_id", request->task_id()); !s.ok()) return s;
    auto task = connection_->GetTask(*request, [context] { return context->IsCancelled(); });
    if (!task.ok()) return task.status();
    *response = *std::move(task);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TasksServiceImpl::CreateTask(grpc::CallbackServerContext* context,
                                                       const v1::CreateTaskRequest* request,
                                                       v1::Task* response) {
  return RunUnaryOnPool(context, pool_, [this, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    const v1::Task& task = request->task();
    if (task.title().empty()) return absl::InvalidArgumentError("task.title: must be set");
    if (!task.has_due_date()) return absl::InvalidArgumentError("task.due_date: must be set");
    if (auto s = ValidateSameContact("task.contact_id", task.has_contact_id(), task.contact_id(),
                                     request->contact_id());
        !s.ok())
      return s;
    auto created = connection_->CreateTask(*request);
    if (!created.ok()) return created.status();
    *response = *std::move(created);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TasksServiceImpl::UpdateTask(grpc::CallbackServerContext* context,
                                                       const v1::UpdateTaskRequest* request,
                                                       v1::Task* response) {
  return RunUnaryOnPool(context, pool_, [this, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    if (auto s = ValidateId("task.id", request->task().id()); !s.ok()) return s;
    if (auto s = ValidateSameContact("task.contact_id", request->task().has_contact_id(),
                                     request->task().contact_id(), request->contact_id());
        !s.ok())
      return s;
    if (request->update_mask().paths_size() == 0) {
      return absl::InvalidArgumentError("update_mask: must name at least one field");
    }
    auto updated = connection_->UpdateTask(*request);
    if (!updated.ok()) return updated.status();
    *response = *std::move(updated);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TasksServiceImpl::SetTaskCompleted(
    grpc::CallbackServerContext* context, const v1::SetTaskCompletedRequest* request,
    v1::Task* response) {
  return RunUnaryOnPool(context, pool_, [this, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    if (auto s = ValidateId("task_id", request->task_id()); !s.ok()) return s;
    auto task = connection_->SetTaskCompleted(*request);
    if (!task.ok()) return task.status();
    *response = *std::move(task);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TasksServiceImpl::DeleteTask(grpc::CallbackServerContext* context,
                                                       const v1::DeleteTaskRequest* request,
                                                       google::protobuf::Empty*) {
  return RunUnaryOnPool(context, pool_, [this, request]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    if (auto s = ValidateId("task_id", request->task_id()); !s.ok()) return s;
    return connection_->DeleteTask(*request);
  });
}

}  // namespace ghl::server
