// NotesServiceImpl: the gRPC NotesService over NotesConnection. Translation
// only: validate the request (INVALID_ARGUMENT naming the field, before any
// upstream call), run the connection call on the worker pool (never on a
// gRPC thread), map the result to gRPC status.
//
// Thread-safety: one instance serves all calls concurrently. The connection
// and pool must outlive the gRPC server.
#ifndef GHL_SERVER_NOTES_SERVICE_IMPL_H_
#define GHL_SERVER_NOTES_SERVICE_IMPL_H_

#include <memory>

#include "adapters/ghl/contacts/resource_connections.h"
#include "ghl/contacts/v1/notes_service.grpc.pb.h"
#include "server/worker_pool.h"

namespace ghl::server {

class NotesServiceImpl final : public ghl::contacts::v1::NotesService::CallbackService {
 public:
  NotesServiceImpl(std::shared_ptr<ghl::contacts::NotesConnection> connection, WorkerPool* pool)
      : connection_(std::move(connection)), pool_(pool) {}

  grpc::ServerUnaryReactor* ListNotes(grpc::CallbackServerContext* context,
                                      const ghl::contacts::v1::ListNotesRequest* request,
                                      ghl::contacts::v1::ListNotesResponse* response) override;
  grpc::ServerUnaryReactor* GetNote(grpc::CallbackServerContext* context,
                                    const ghl::contacts::v1::GetNoteRequest* request,
                                    ghl::contacts::v1::Note* response) override;
  grpc::ServerUnaryReactor* CreateNote(grpc::CallbackServerContext* context,
                                       const ghl::contacts::v1::CreateNoteRequest* request,
                                       ghl::contacts::v1::Note* response) override;
  grpc::ServerUnaryReactor* UpdateNote(grpc::CallbackServerContext* context,
                                       const ghl::contacts::v1::UpdateNoteRequest* request,
                                       ghl::contacts::v1::Note* response) override;
  grpc::ServerUnaryReactor* DeleteNote(grpc::CallbackServerContext* context,
                                       const ghl::contacts::v1::DeleteNoteRequest* request,
                                       google::protobuf::Empty* response) override;

 private:
  std::shared_ptr<ghl::contacts::NotesConnection> connection_;
  WorkerPool* pool_;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_NOTES_SERVICE_IMPL_H_
