#include "server/resource_services.h"

#include <utility>

namespace ghl::server {

void ResourceServices::RegisterWith(grpc::ServerBuilder* builder) {
  builder->RegisterService(tasks.get());
  builder->RegisterService(notes.get());
  builder->RegisterService(appointments.get());
  builder->RegisterService(tags.get());
}

std::unique_ptr<ResourceServices> MakeResourceServices(
    std::shared_ptr<http::HttpTransport> transport, const std::string& base_url,
    std::shared_ptr<auth::TokenSource> tokens, const contacts::ConnectionOptions& options,
    WorkerPool* pool) {
  auto services = std::make_unique<ResourceServices>();
  services->tasks = std::make_unique<TasksServiceImpl>(
      std::make_shared<contacts::TasksConnection>(
          contacts::MakeDefaultTasksStub(transport, base_url, tokens), options),
      pool);
  services->notes = std::make_unique<NotesServiceImpl>(
      std::make_shared<contacts::NotesConnection>(
          contacts::MakeDefaultNotesStub(transport, base_url, tokens), options),
      pool);
  services->appointments = std::make_unique<AppointmentsServiceImpl>(
      std::make_shared<contacts::AppointmentsConnection>(
          contacts::MakeDefaultAppointmentsStub(transport, base_url, tokens), options),
      pool);
  services->tags = std::make_unique<TagsServiceImpl>(
      std::make_shared<contacts::TagsConnection>(
          contacts::MakeDefaultTagsStub(std::move(transport), base_url, std::move(tokens)),
          options),
      pool);
  return services;
}

}  // namespace ghl::server
