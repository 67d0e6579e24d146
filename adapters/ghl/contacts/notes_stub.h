// NotesStub: one method per GHL REST operation on a contact's notes
// (get-all-notes, get-note, create-note, update-note, delete-note). Builds
// the request (resource_mapping.h bodies), sends it once through
// GhlRestCall, and maps the answer with the Note mapper. No retries:
// NotesConnection retries.
//
// Requests are the gRPC request messages, validated by the caller (ids are
// still percent-encoded into the path).
//
// Thread-safety: the default stub is safe for concurrent use if its
// transport and token source are.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_NOTES_STUB_H_
#define GHL_ADAPTERS_GHL_CONTACTS_NOTES_STUB_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/contacts/contacts_stub.h"
#include "adapters/ghl/http/http_transport.h"
#include "ghl/contacts/v1/notes_service.pb.h"

namespace ghl::contacts {

/// The note operations of apps/contacts.json.
class NotesStub {
 public:
  virtual ~NotesStub() = default;
  /// GET /contacts/{contactId}/notes
  virtual absl::StatusOr<ghl::contacts::v1::ListNotesResponse> ListNotes(
      const CallOptions& options, const ghl::contacts::v1::ListNotesRequest& request) = 0;
  /// GET /contacts/{contactId}/notes/{id}
  virtual absl::StatusOr<ghl::contacts::v1::Note> GetNote(
      const CallOptions& options, const ghl::contacts::v1::GetNoteRequest& request) = 0;
  /// POST /contacts/{contactId}/notes
  virtual absl::StatusOr<ghl::contacts::v1::Note> CreateNote(
      const CallOptions& options, const ghl::contacts::v1::CreateNoteRequest& request) = 0;
  /// PUT /contacts/{contactId}/notes/{id}
  virtual absl::StatusOr<ghl::contacts::v1::Note> UpdateNote(
      const CallOptions& options, const ghl::contacts::v1::UpdateNoteRequest& request) = 0;
  /// DELETE /contacts/{contactId}/notes/{id}
  virtual absl::Status DeleteNote(const CallOptions& options,
                                  const ghl::contacts::v1::DeleteNoteRequest& request) = 0;
};

/// Builds the production stub.
/// @param base_url e.g. https://services.leadconnectorhq.com.
std::shared_ptr<NotesStub> MakeDefaultNotesStub(std::shared_ptr<http::HttpTransport> transport,
                                                std::string base_url,
                                                std::shared_ptr<auth::TokenSource> tokens);

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_NOTES_STUB_H_
