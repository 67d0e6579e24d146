// RunUnaryOnPool: the unary half of the callback-API pattern of
// contacts_service_impl.cc, shared by the tasks, notes, appointments and
// tags services: the handler returns at once, `work` (validation, then the
// upstream call) runs on the worker pool, never on a gRPC thread, and its
// status finishes the call.
//
// Thread-safety: `work` runs on a pool thread; it may touch the request and
// response (gRPC keeps them alive until Finish).
#ifndef GHL_SERVER_UNARY_CALL_H_
#define GHL_SERVER_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>

#include <functional>

#include "absl/status/status.h"
#include "server/worker_pool.h"

namespace ghl::server {

/// Posts `work` to `pool` and finishes the call with its status (UNAVAILABLE
/// "shutting down" if the pool no longer accepts work).
/// @return the reactor to return from the handler.
grpc::ServerUnaryReactor* RunUnaryOnPool(grpc::CallbackServerContext* context, WorkerPool* pool,
                                         std::function<absl::Status()> work);

/// The status of a call refused because the gateway is shutting down.
grpc::Status ShuttingDownStatus();

}  // namespace ghl::server

#endif  // GHL_SERVER_UNARY_CALL_H_
