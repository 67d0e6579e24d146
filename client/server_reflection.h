// ServerReflectionClient: reads a gRPC server's schema through server
// reflection (grpc.reflection.v1alpha, the version gRPC 1.51 serves) and
// builds it into a DescriptorPool, so tools can read services, methods and
// their custom options (e.g. ghl.api.v1.operation) from a running gateway
// instead of from protos compiled into the tool.
//
// How: one ServerReflectionInfo stream per Fetch: `list_services`, then
// `file_containing_symbol` per service. The server answers each with the
// declaring file and all its dependencies; files are deduplicated by name
// and built dependencies first, so a bad or missing file is reported by name.
// Services the server lists without a descriptor (gRPC's built-in health
// service has none) are reported as unresolved, not as errors.
//
// Why not grpc::ProtoReflectionDescriptorDatabase: Debian's gRPC 1.51 does
// not install it (nor reflection.grpc.pb.h). The request/response messages
// are compiled from /usr/share/grpc-proto's reflection.proto renamed into
// package ghl.internal.reflection.v1alpha (see client/CMakeLists.txt): the
// original names would collide with libgrpc++_reflection's copy in any
// binary that also runs the gateway. Message names never reach the wire.
//
// Threading: Fetch may be called concurrently (one stream each).
// Ownership: the returned schema owns its pool.
#ifndef GHL_CLIENT_SERVER_REFLECTION_H_
#define GHL_CLIENT_SERVER_REFLECTION_H_

#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ghl::client {

/// A server's schema as read through reflection.
struct ReflectedSchema {
  /// Every service the server lists, in the server's order.
  std::vector<std::string> services;
  /// Listed services without a descriptor (e.g. grpc.health.v1.Health).
  std::vector<std::string> unresolved;
  /// The files of every resolved service and their dependencies.
  std::unique_ptr<google::protobuf::DescriptorPool> pool;
};

/// Client of gRPC server reflection v1alpha. See the file comment.
class ServerReflectionClient {
 public:
  /// @param channel to the server; must not be null.
  /// @param timeout deadline of one Fetch (the whole stream).
  ServerReflectionClient(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);

  /// Lists the services and fetches their files.
  /// @return the schema; the server's error (e.g. UNAVAILABLE, or
  ///         UNIMPLEMENTED when it serves no reflection), or INTERNAL when a
  ///         file it sent does not parse or build.
  absl::StatusOr<ReflectedSchema> Fetch() const;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  absl::Duration timeout_;
};

}  // namespace ghl::client

#endif  // GHL_CLIENT_SERVER_REFLECTION_H_
