// The gateway's catalog: every action (a gRPC method that adapts one GHL
// REST operation, with the OAuth scope it needs) and every trigger (a GHL
// webhook event type), read from a running gateway's server reflection.
//
// Actions are the methods of the served ghl.* services that carry a
// `(ghl.api.v1.operation)` option; triggers are the values of the
// ghl.contacts.v1.EventType enum (reachable because the gateway serves
// CatalogService) with their `(ghl.contacts.v1.event_description)` option.
// Nothing is listed by hand: a new RPC or event type appears once the
// gateway serves it.
//
// Custom options in a reflected pool: DescriptorPool parses every options
// message into the generated C++ class (MethodOptions, EnumValueOptions), so
// an extension compiled into this binary is a real extension there, and one
// that is not stays in the options' unknown fields. The Read*Option
// functions accept both, reading the unknown field by its number
// (ghl.api.v1.operation = 51234, event_description = 51235), so the catalog
// does not depend on which generated files a binary happens to link.
//
// Threading: pure functions (FetchCatalog does blocking I/O on the caller's
// thread).
#ifndef GHL_CLIENT_CATALOG_H_
#define GHL_CLIENT_CATALOG_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ghl/api/v1/annotations.pb.h"
#include "ghl/contacts/v1/events.pb.h"

namespace ghl::client {

/// An action: one gRPC method and the GHL operation it calls.
struct CatalogAction {
  /// gRPC method path without the leading slash, e.g.
  /// "ghl.contacts.v1.ContactsService/GetContact".
  std::string method;
  /// True for a server-streaming method (a listing).
  bool server_streaming = false;
  /// The GHL operation (operation_id, http_method, path, scope).
  ghl::api::v1::GhlOperation operation;
};

/// A trigger: one webhook event type.
struct CatalogTrigger {
  /// Enum value name, e.g. "EVENT_TYPE_CONTACT_CREATE".
  std::string event_type;
  /// Enum value number.
  int number = 0;
  /// GHL event name, payload `type` string and summary.
  ghl::contacts::v1::EventTypeDescription description;
};

/// What a gateway serves.
struct Catalog {
  /// Actions ordered by service name, then declaration order.
  std::vector<CatalogAction> actions;
  /// Triggers in enum order (EVENT_TYPE_UNSPECIFIED left out).
  std::vector<CatalogTrigger> triggers;
};

/// @return the `(ghl.api.v1.operation)` option of a method, from the
///         extension or from unknown field 51234; nullopt when absent.
std::optional<ghl::api::v1::GhlOperation> ReadOperationOption(const google::protobuf::MethodOptions& options);

/// @return the `(ghl.contacts.v1.event_description)` option of an enum value,
///         from the extension or from unknown field 51235; nullopt when absent.
std::optional<ghl::contacts::v1::EventTypeDescription> ReadEventDescriptionOption(
    const google::protobuf::EnumValueOptions& options);

/// Builds the catalog from a pool.
/// @param pool descriptors of the served services and their dependencies.
/// @param services full service names (e.g. from reflection); services
///        outside the "ghl." packages or absent from the pool are skipped.
Catalog CatalogFromPool(const google::protobuf::DescriptorPool& pool, const std::vector<std::string>& services);

/// Reads the catalog of the gateway at the end of `channel` through server
/// reflection.
/// @param timeout deadline of the reflection stream.
/// @return the catalog, or the reflection error (see ServerReflectionClient).
absl::StatusOr<Catalog> FetchCatalog(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);

/// @return the catalog as two aligned text tables (ACTIONS, TRIGGERS), each
///         with a header row and a count.
std::string FormatCatalogTable(const Catalog& catalog);

/// @return the catalog as one JSON document (2-space indent, newline at the
///         end): {"actions": [{"method", "serverStreaming", "operationId",
///         "httpMethod", "path", "scope"}], "triggers": [{"eventType",
///         "number", "name", "payloadType", "summary"}]}.
std::string FormatCatalogJson(const Catalog& catalog);

}  // namespace ghl::client

#endif  // GHL_CLIENT_CATALOG_H_
