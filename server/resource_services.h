// The tasks, notes, appointments and tags services of the gateway, built
// over one transport, base URL and token source (the stubs, connections and
// service impls of each), so gateway.cc wires them in two lines.
//
// Thread-safety: built and registered from one thread; the services are
// concurrent. Must outlive the gRPC server they are registered with; the
// pool must outlive them.
#ifndef GHL_SERVER_RESOURCE_SERVICES_H_
#define GHL_SERVER_RESOURCE_SERVICES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/contacts/contacts_connection.h"
#include "adapters/ghl/http/http_transport.h"
#include "server/appointments_service_impl.h"
#include "server/notes_service_impl.h"
#include "server/tags_service_impl.h"
#include "server/tasks_service_impl.h"
#include "server/worker_pool.h"

namespace ghl::server {

/// TasksService, NotesService, AppointmentsService and TagsService.
struct ResourceServices {
  std::unique_ptr<TasksServiceImpl> tasks;
  std::unique_ptr<NotesServiceImpl> notes;
  std::unique_ptr<AppointmentsServiceImpl> appointments;
  std::unique_ptr<TagsServiceImpl> tags;

  /// Registers every service with `builder`.
  void RegisterWith(grpc::ServerBuilder* builder);
};

/// Builds the four services.
/// @param base_url the upstream, e.g. https://services.leadconnectorhq.com.
/// @param options retry and timeout settings shared with ContactsService.
/// @param pool not owned; runs every upstream call.
std::unique_ptr<ResourceServices> MakeResourceServices(
    std::shared_ptr<http::HttpTransport> transport, const std::string& base_url,
    std::shared_ptr<auth::TokenSource> tokens, const contacts::ConnectionOptions& options,
    WorkerPool* pool);

}  // namespace ghl::server

#endif  // GHL_SERVER_RESOURCE_SERVICES_H_
