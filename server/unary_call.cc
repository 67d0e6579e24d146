#include "server/unary_call.h"

#include <utility>

#include "server/call_log.h"
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
  const bool posted = pool->Post([context, reactor, work = std::move(work)] {
    absl::Status status;
    {
      CallScope call(context);  // GHL requests carry the call's request id
      status = work();
    }
    reactor->Finish(ToGrpcStatus(status));
  });
  if (!posted) reactor->Finish(ShuttingDownStatus());
  return reactor;
}

}  // namespace ghl::server
