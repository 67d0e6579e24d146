#include "client/server_reflection.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <google/protobuf/descriptor.pb.h>
#include <grpc/support/time.h>
#include <grpcpp/client_context.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/sync_stream.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/status_conversion.h"
#include "ghl_internal/reflection/v1alpha/reflection.pb.h"

namespace ghl::client {
namespace {

namespace refl = ::ghl::internal::reflection::v1alpha;

// The method as the server registers it; our renamed messages have the
// same wire format as grpc.reflection.v1alpha's.
constexpr char kReflectionMethod[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

using Stream = grpc::ClientReaderWriter<refl::ServerReflectionRequest, refl::ServerReflectionResponse>;

class Collector : public google::protobuf::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& filename, const std::string& element_name, const google::protobuf::Message*,
                ErrorLocation, const std::string& message) override {
    errors.push_back(absl::StrCat(filename, ": ", element_name, ": ", message));
  }
  std::vector<std::string> errors;
};

// Builds `name` after its dependencies. `files` holds every file received.
absl::Status BuildFile(const std::string& name, const std::map<std::string, google::protobuf::FileDescriptorProto>& files,
                       std::set<std::string>* building, google::protobuf::DescriptorPool* pool) {
  if (pool->FindFileByName(name) != nullptr) return absl::OkStatus();
  auto it = files.find(name);
  if (it == files.end()) {
    return absl::InternalError(absl::StrCat("the server's reflection did not send '", name, "'"));
  }
  if (!building->insert(name).second) {
    return absl::InternalError(absl::StrCat("import cycle through '", name, "'"));
  }
  for (const std::string& dependency : it->second.dependency()) {
    absl::Status status = BuildFile(dependency, files, building, pool);
    if (!status.ok()) return status;
  }
  Collector collector;
  if (pool->BuildFileCollectingErrors(it->second, &collector) == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot build '", name, "' from reflection: ", absl::StrJoin(collector.errors, "; ")));
  }
  return absl::OkStatus();
}

// One request/response exchange on the stream; a broken stream returns
// nullopt (the caller then reads the status from Finish()).
std::optional<refl::ServerReflectionResponse> Exchange(Stream* stream, const refl::ServerReflectionRequest& request) {
  refl::ServerReflectionResponse response;
  if (!stream->Write(request) || !stream->Read(&response)) return std::nullopt;
  return response;
}

absl::Status StreamBroke(Stream* stream) {
  stream->WritesDone();
  absl::Status status = FromGrpcStatus(stream->Finish());
  if (status.ok()) return absl::InternalError("the reflection stream ended early");
  return absl::Status(status.code(), absl::StrCat("server reflection: ", status.message()));
}

}  // namespace

ServerReflectionClient::ServerReflectionClient(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : channel_(std::move(channel)), timeout_(timeout) {}

absl::StatusOr<ReflectedSchema> ServerReflectionClient::Fetch() const {
  grpc::ClientContext context;
  if (timeout_ > absl::ZeroDuration() && timeout_ != absl::InfiniteDuration()) {
    context.set_deadline(gpr_time_from_millis(absl::ToInt64Milliseconds(timeout_), GPR_TIMESPAN));
  }
  // What generated stubs do for a bidi method; no public header offers a
  // synchronous generic bidi call.
  const grpc::internal::RpcMethod method(kReflectionMethod, grpc::internal::RpcMethod::BIDI_STREAMING, channel_);
  std::unique_ptr<Stream> stream(
      grpc::internal::ClientReaderWriterFactory<refl::ServerReflectionRequest, refl::ServerReflectionResponse>::Create(
          channel_.get(), method, &context));

  ReflectedSchema schema;
  refl::ServerReflectionRequest list;
  list.set_list_services("*");
  std::optional<refl::ServerReflectionResponse> listed = Exchange(stream.get(), list);
  if (!listed.has_value()) return StreamBroke(stream.get());
  if (listed->has_error_response()) {
    return absl::Status(static_cast<absl::StatusCode>(listed->error_response().error_code()),
                        absl::StrCat("server reflection: ", listed->error_response().error_message()));
  }
  for (const refl::ServiceResponse& service : listed->list_services_response().service()) {
    schema.services.push_back(service.name());
  }

  // Every file received, by name. Which file declares which service is left
  // to the pool: gRPC 1.51 reuses one response message across a stream, so
  // a later answer also repeats the files of earlier ones.
  std::map<std::string, google::protobuf::FileDescriptorProto> files;
  for (const std::string& service : schema.services) {
    refl::ServerReflectionRequest request;
    request.set_file_containing_symbol(service);
    std::optional<refl::ServerReflectionResponse> response = Exchange(stream.get(), request);
    if (!response.has_value()) return StreamBroke(stream.get());
    if (!response->has_file_descriptor_response() ||
        response->file_descriptor_response().file_descriptor_proto_size() == 0) {
      schema.unresolved.push_back(service);
      continue;
    }
    const auto& protos = response->file_descriptor_response().file_descriptor_proto();
    for (const std::string& bytes : protos) {
      google::protobuf::FileDescriptorProto file;
      if (!file.ParseFromString(bytes)) {
        return absl::InternalError(absl::StrCat("server reflection sent an unparsable file for ", service));
      }
      files.emplace(file.name(), std::move(file));
    }
  }
  stream->WritesDone();
  absl::Status finished = FromGrpcStatus(stream->Finish());
  if (!finished.ok()) return absl::Status(finished.code(), absl::StrCat("server reflection: ", finished.message()));

  schema.pool = std::make_unique<google::protobuf::DescriptorPool>();
  std::set<std::string> building;
  for (const auto& [name, file] : files) {
    absl::Status status = BuildFile(name, files, &building, schema.pool.get());
    if (!status.ok()) return status;
  }
  for (auto it = schema.services.begin(); it != schema.services.end(); ++it) {
    const bool resolved = schema.pool->FindServiceByName(*it) != nullptr;
    const bool listed = std::find(schema.unresolved.begin(), schema.unresolved.end(), *it) != schema.unresolved.end();
    if (!resolved && !listed) schema.unresolved.push_back(*it);
  }
  return schema;
}

}  // namespace ghl::client
