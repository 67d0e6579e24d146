#include "server/notes_service_impl.h"

#include <utility>

#include "server/resource_validation.h"
#include "server/unary_call.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;

}  // namespace

grpc::ServerUnaryReactor* NotesServiceImpl::ListNotes(grpc::CallbackServerContext* context,
                                                      const v1::ListNotesRequest* request,
                                                      v1::ListNotesResponse* response) {
  return RunUnaryOnPool(context, pool_, [this, context, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    auto notes = connection_->ListNotes(*request, [context] { return context->IsCancelled(); });
    if (!notes.ok()) return notes.status();
    *response = *std::move(notes);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotesServiceImpl::GetNote(grpc::CallbackServerContext* context,
                                                    const v1::GetNoteRequest* request,
                                                    v1::Note* response) {
  return RunUnaryOnPool(context, pool_, [this, context, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    if (auto s = ValidateId("note_id", request->note_id()); !s.ok()) return s;
    auto note = connection_->GetNote(*request, [context] { return context->IsCancelled(); });
    if (!note.ok()) return note.status();
    *response = *std::move(note);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotesServiceImpl::CreateNote(grpc::CallbackServerContext* context,
                                                       const v1::CreateNoteRequest* request,
                                                       v1::Note* response) {
  return RunUnaryOnPool(context, pool_, [this, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    if (request->note().body().empty()) return absl::InvalidArgumentError("note.body: must be set");
    if (auto s = ValidateSameContact("note.contact_id", request->note().has_contact_id(),
                                     request->note().contact_id(), request->contact_id());
        !s.ok())
      return s;
    auto created = connection_->CreateNote(*request);
    if (!created.ok()) return created.status();
    *response = *std::move(created);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotesServiceImpl::UpdateNote(grpc::CallbackServerContext* context,
                                                       const v1::UpdateNoteRequest* request,
                                                       v1::Note* response) {
  return RunUnaryOnPool(context, pool_, [this, request, response]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    if (auto s = ValidateId("note.id", request->note().id()); !s.ok()) return s;
    if (auto s = ValidateSameContact("note.contact_id", request->note().has_contact_id(),
                                     request->note().contact_id(), request->contact_id());
        !s.ok())
      return s;
    if (request->update_mask().paths_size() == 0) {
      return absl::InvalidArgumentError("update_mask: must name at least one field");
    }
    auto updated = connection_->UpdateNote(*request);
    if (!updated.ok()) return updated.status();
    *response = *std::move(updated);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotesServiceImpl::DeleteNote(grpc::CallbackServerContext* context,
                                                       const v1::DeleteNoteRequest* request,
                                                       google::protobuf::Empty*) {
  return RunUnaryOnPool(context, pool_, [this, request]() -> absl::Status {
    if (auto s = ValidateContactParent(*request); !s.ok()) return s;
    if (auto s = ValidateId("note_id", request->note_id()); !s.ok()) return s;
    return connection_->DeleteNote(*request);
  });
}

}  // namespace ghl::server
