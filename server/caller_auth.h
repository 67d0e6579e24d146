// Caller authentication and authorization of the gateway's gRPC methods.
//
// Every method annotated with `ghl.api.v1.operation` (proto/ghl/api/v1/
// annotations.proto) needs a gateway API key in the metadata
// `authorization: Bearer <key>` that holds the request's `location_id` and
// the annotation's `scope` (or, for a method served from the gateway's own
// state such as EventsService.WatchEvents, its `ghl.api.v1.caller_scope`
// option). The scope comes from the annotation, read from
// the descriptor pool, so no hand-kept list can drift from the protos.
// Methods without the annotation (health, reflection, the catalog) are open:
// they describe the API, never data.
//
// How: a server interceptor (CallerAuthInterceptorFactory) sees each call's
// metadata and its request message before the handler runs, decides, and
// records the decision for the call's ServerContext. The handlers' common
// entry points (RunUnaryOnPool, ContactsServiceImpl::RunUnary and the stream
// reactors) call CallerDenied(context) first, so a refused call finishes with
// UNAUTHENTICATED or PERMISSION_DENIED before any validation or upstream
// request. A gateway built without the interceptor records nothing, and
// CallerDenied then allows every call (the loopback, no-state-file mode).
//
// Messages name the missing scope or location, never the presented key.
//
// Thread-safety: everything here is safe for concurrent use.
#ifndef GHL_SERVER_CALLER_AUTH_H_
#define GHL_SERVER_CALLER_AUTH_H_

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "adapters/ghl/auth/api_key_store.h"

namespace ghl::server {

/// The scope a gRPC method needs, from its ghl.api.v1.operation annotation.
/// @param method "/package.Service/Method" (as gRPC names it).
/// @return nullopt for methods without the annotation.
std::optional<std::string> RequiredScope(absl::string_view method);

/// Creates the per-call interceptors. Register with
/// ServerBuilder::experimental().SetInterceptorCreators.
class CallerAuthInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallerAuthInterceptorFactory(std::shared_ptr<auth::ApiKeyStore> keys)
      : keys_(std::move(keys)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::shared_ptr<auth::ApiKeyStore> keys_;
};

/// The decision recorded for this call: nullopt to go ahead, else the status
/// to finish the call with.
std::optional<grpc::Status> CallerDenied(grpc::ServerContextBase* context);

/// Decides one call (the interceptor's logic, for tests).
/// @param authorization the `authorization` metadata value (may be empty).
/// @param key_id when non-null, receives the id of a valid presented key
///        (also when the call is then refused for its location or scope).
grpc::Status AuthorizeCall(auth::ApiKeyStore& keys, absl::string_view method,
                           absl::string_view authorization, absl::string_view location_id,
                           std::string* key_id = nullptr);

/// The `location_id` string field of a request message ("" when it has
/// none, or `message` is null).
std::string RequestLocationId(const google::protobuf::Message* message);

/// A server-stream reactor that only finishes with `status` (a refused call).
template <typename Response>
class FinishedWriteReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit FinishedWriteReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace ghl::server

#endif  // GHL_SERVER_CALLER_AUTH_H_
