#include "server/unary_call.h"

#include <utility>

#include "server/caller_auth.h"
#include "server/grpc_status.h"

namespace ghl::server {

grpc::Status ShuttingDownStatus() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      "ghl-gateway is shutting down; retry elsewhere");
}

grpc::ServerUnaryReactor* RunUnaryOnPool(grpc::CallbackServerContext* context, WorkerPool* pool,
                                         std::function<absl::Status()> work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (auto denied = CallerDenied(context)) {
    reactor->Finish(*denied);
    return reactor;
  }
  const bool posted =
      pool->Post([reactor, work = std::move(work)] { reactor->Finish(ToGrpcStatus(work())); });
  if (!posted) reactor->Finish(ShuttingDownStatus());
  return reactor;
}

}  // namespace ghl::server
