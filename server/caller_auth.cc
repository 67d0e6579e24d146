#include "server/caller_auth.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <mutex>
#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "ghl/api/v1/annotations.pb.h"
#include "ghl/contacts/v1/appointments_service.pb.h"
#include "ghl/contacts/v1/contacts_service.pb.h"
#include "ghl/contacts/v1/diagnostics_service.pb.h"
#include "ghl/contacts/v1/events_service.pb.h"
#include "ghl/contacts/v1/notes_service.pb.h"
#include "ghl/contacts/v1/tags_service.pb.h"
#include "ghl/contacts/v1/tasks_service.pb.h"
#include "server/call_log.h"
#include "server/request_validation.h"

namespace ghl::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Decisions per live call, keyed by its ServerContext; see the header.
struct Decision {
  const void* owner;  // the interceptor that recorded it
  grpc::Status status;
};

class DecisionTable {
 public:
  void Record(grpc::ServerContextBase* context, const void* owner, grpc::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    decisions_[context] = Decision{owner, std::move(status)};
  }
  void Forget(grpc::ServerContextBase* context, const void* owner) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = decisions_.find(context);
    if (it != decisions_.end() && it->second.owner == owner) decisions_.erase(it);
  }
  std::optional<grpc::Status> Find(grpc::ServerContextBase* context) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = decisions_.find(context);
    if (it == decisions_.end()) return std::nullopt;
    return it->second.status;
  }

 private:
  std::mutex mu_;
  std::unordered_map<grpc::ServerContextBase*, Decision> decisions_;
};

DecisionTable& Table() {
  static auto* table = new DecisionTable();
  return *table;
}

class CallerAuthInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallerAuthInterceptor(grpc::experimental::ServerRpcInfo* info, auth::ApiKeyStore* keys,
                        std::optional<std::string> scope)
      : info_(info), keys_(keys), scope_(std::move(scope)) {}
  ~CallerAuthInterceptor() override { Table().Forget(info_->server_context(), this); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (scope_.has_value()) {
      if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
        auto* metadata = methods->GetRecvInitialMetadata();
        auto it = metadata->find("authorization");
        if (it != metadata->end()) authorization_.assign(it->second.data(), it->second.size());
      }
      if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
        // The callback API hands over the deserialized request (a protobuf
        // message of the method's input type).
        const auto* message =
            static_cast<const google::protobuf::Message*>(methods->GetRecvMessage());
        std::string key_id;
        Table().Record(info_->server_context(), this,
                       AuthorizeCall(*keys_, info_->method(), authorization_,
                                     RequestLocationId(message), &key_id));
        if (!key_id.empty()) SetCallerKeyId(info_->server_context(), key_id);
      }
      if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
        Table().Forget(info_->server_context(), this);
      }
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  auth::ApiKeyStore* keys_;
  const std::optional<std::string> scope_;
  std::string authorization_;
};

}  // namespace

// Touching one message of each service file links and registers its
// descriptors, so the pool lookup below can never miss a served method.
static void EnsureServiceDescriptors() {
  static const bool linked = [] {
    return ghl::contacts::v1::GetContactRequest::descriptor() != nullptr &&
           ghl::contacts::v1::ListTasksRequest::descriptor() != nullptr &&
           ghl::contacts::v1::ListNotesRequest::descriptor() != nullptr &&
           ghl::contacts::v1::ListContactAppointmentsRequest::descriptor() != nullptr &&
           ghl::contacts::v1::AddTagsRequest::descriptor() != nullptr &&
           ghl::contacts::v1::CheckLocationRequest::descriptor() != nullptr &&
           ghl::contacts::v1::WatchEventsRequest::descriptor() != nullptr;
  }();
  (void)linked;
}

// A method of our own packages that the pool does not know is refused
// rather than left open.
constexpr char kUnknownMethodScope[] = "(unknown method)";

std::optional<std::string> RequiredScope(absl::string_view method) {
  EnsureServiceDescriptors();
  // "/pkg.Service/Method" -> "pkg.Service.Method".
  if (!absl::ConsumePrefix(&method, "/")) return std::nullopt;
  std::string full(method);
  const size_t slash = full.find('/');
  if (slash == std::string::npos) return std::nullopt;
  full[slash] = '.';
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full);
  if (descriptor == nullptr) {
    if (absl::StartsWith(full, "ghl.")) return std::string(kUnknownMethodScope);
    return std::nullopt;
  }
  const auto& options = descriptor->options();
  // The caller's scope when it is set apart from GHL's: methods served from
  // the gateway's own state (the event log, diagnostics) and operations
  // GHL's spec gives no scope.
  if (options.HasExtension(ghl::api::v1::caller_scope)) {
    return options.GetExtension(ghl::api::v1::caller_scope);
  }
  if (options.HasExtension(ghl::api::v1::operation)) {
    return options.GetExtension(ghl::api::v1::operation).scope();
  }
  return std::nullopt;
}

grpc::experimental::Interceptor* CallerAuthInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallerAuthInterceptor(info, keys_.get(), RequiredScope(info->method()));
}

std::optional<grpc::Status> CallerDenied(grpc::ServerContextBase* context) {
  auto decision = Table().Find(context);
  if (!decision.has_value() || decision->ok()) return std::nullopt;
  return decision;
}

std::string RequestLocationId(const google::protobuf::Message* message) {
  if (message == nullptr) return {};
  const auto* field = message->GetDescriptor()->FindFieldByName("location_id");
  if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      field->is_repeated()) {
    return {};
  }
  return message->GetReflection()->GetString(*message, field);
}

grpc::Status AuthorizeCall(auth::ApiKeyStore& keys, absl::string_view method,
                           absl::string_view authorization, absl::string_view location_id,
                           std::string* key_id) {
  const std::optional<std::string> scope = RequiredScope(method);
  if (!scope.has_value()) return grpc::Status::OK;
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  if (value.empty()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "no gateway API key: send metadata `authorization: Bearer <key>`");
  }
  if (value.size() <= 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "the authorization metadata must be `Bearer <key>`");
  }
  auto record = keys.Verify(absl::StripAsciiWhitespace(value.substr(7)));
  if (!record.ok()) {
    const bool unauthenticated = record.status().code() == absl::StatusCode::kUnauthenticated;
    return grpc::Status(
        unauthenticated ? grpc::StatusCode::UNAUTHENTICATED : grpc::StatusCode::UNAVAILABLE,
        std::string(record.status().message()));
  }
  if (key_id != nullptr) *key_id = record->id;
  // A malformed location is the caller's INVALID_ARGUMENT (as without keys),
  // never echoed into a PERMISSION_DENIED.
  if (absl::Status s = ValidateId("location_id", location_id); !s.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(s.message()));
  }
  if (!record->HoldsLocation(location_id)) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        absl::StrCat("API key ", record->id, " does not hold location ", location_id));
  }
  if (!scope->empty() && !record->HasScope(*scope)) {
    return grpc::Status(
        grpc::StatusCode::PERMISSION_DENIED,
        absl::StrCat("API key ", record->id, " lacks scope ", *scope, " (needed by ", method, ")"));
  }
  return grpc::Status::OK;
}

}  // namespace ghl::server
