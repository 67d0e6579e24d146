// TasksServiceImpl: the gRPC TasksService over TasksConnection. Translation
// only: validate the request (INVALID_ARGUMENT naming the field, before any
// upstream call), run the connection call on the worker pool (never on a
// gRPC thread), map the result to gRPC status.
//
// Thread-safety: one instance serves all calls concurrently. The connection
// and pool must outlive the gRPC server.
#ifndef GHL_SERVER_TASKS_SERVICE_IMPL_H_
#define GHL_SERVER_TASKS_SERVICE_IMPL_H_

#include <memory>

#include "adapters/ghl/contacts/resource_connections.h"
#include "ghl/contacts/v1/tasks_service.grpc.pb.h"
#include "server/worker_pool.h"

namespace ghl::server {

class TasksServiceImpl final : public ghl::contacts::v1::TasksService::CallbackService {
 public:
  TasksServiceImpl(std::shared_ptr<ghl::contacts::TasksConnection> connection, WorkerPool* pool)
      : connection_(std::move(connection)), pool_(pool) {}

  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* context,
                                      const ghl::contacts::v1::ListTasksRequest* request,
                                      ghl::contacts::v1::ListTasksResponse* response) override;
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* context,
                                    const ghl::contacts::v1::GetTaskRequest* request,
                                    ghl::contacts::v1::Task* response) override;
  grpc::ServerUnaryReactor* CreateTask(grpc::CallbackServerContext* context,
                                       const ghl::contacts::v1::CreateTaskRequest* request,
                                       ghl::contacts::v1::Task* response) override;
  grpc::ServerUnaryReactor* UpdateTask(grpc::CallbackServerContext* context,
                                       const ghl::contacts::v1::UpdateTaskRequest* request,
                                       ghl::contacts::v1::Task* response) override;
  grpc::ServerUnaryReactor* SetTaskCompleted(
      grpc::CallbackServerContext* context,
      const ghl::contacts::v1::SetTaskCompletedRequest* request,
      ghl::contacts::v1::Task* response) override;
  grpc::ServerUnaryReactor* DeleteTask(grpc::CallbackServerContext* context,
                                       const ghl::contacts::v1::DeleteTaskRequest* request,
                                       google::protobuf::Empty* response) override;

 private:
  std::shared_ptr<ghl::contacts::TasksConnection> connection_;
  WorkerPool* pool_;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_TASKS_SERVICE_IMPL_H_
