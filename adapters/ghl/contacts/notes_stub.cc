#include "adapters/ghl/contacts/notes_stub.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/resource_mapping.h"
#include "adapters/ghl/contacts/rest_call.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::http::UrlEncode;

std::string NotesPath(const std::string& contact_id) {
  return absl::StrCat("/contacts/", UrlEncode(contact_id), "/notes");
}

std::string NotePath(const std::string& contact_id, const std::string& note_id) {
  return absl::StrCat(NotesPath(contact_id), "/", UrlEncode(note_id));
}

class DefaultNotesStub final : public NotesStub {
 public:
  explicit DefaultNotesStub(GhlRestCall rest) : rest_(std::move(rest)) {}

  absl::StatusOr<v1::ListNotesResponse> ListNotes(const CallOptions& options,
                                                  const v1::ListNotesRequest& request) override {
    v1::ListNotesResponse out;
    auto status = ReadListAnswer(
        rest_.Send(options, request.location_id(), "GET", NotesPath(request.contact_id()), ""),
        "notes", NoteJson(), "get-all-notes", out.mutable_notes());
    if (!status.ok()) return status;
    return out;
  }

  absl::StatusOr<v1::Note> GetNote(const CallOptions& options,
                                   const v1::GetNoteRequest& request) override {
    return ReadResourceAnswer<v1::Note>(
        rest_.Send(options, request.location_id(), "GET",
                   NotePath(request.contact_id(), request.note_id()), ""),
        "note", NoteJson(), "get-note", AnswerOf::kRead);
  }

  absl::StatusOr<v1::Note> CreateNote(const CallOptions& options,
                                      const v1::CreateNoteRequest& request) override {
    auto body = CreateNoteBody(request.note());
    if (!body.ok()) return body.status();
    return ReadResourceAnswer<v1::Note>(
        rest_.Send(options, request.location_id(), "POST", NotesPath(request.contact_id()),
                   *std::move(body)),
        "note", NoteJson(), "create-note", AnswerOf::kWrite);
  }

  absl::StatusOr<v1::Note> UpdateNote(const CallOptions& options,
                                      const v1::UpdateNoteRequest& request) override {
    auto body = UpdateNoteBody(request.note(), request.update_mask());
    if (!body.ok()) return body.status();
    return ReadResourceAnswer<v1::Note>(
        rest_.Send(options, request.location_id(), "PUT",
                   NotePath(request.contact_id(), request.note().id()), *std::move(body)),
        "note", NoteJson(), "update-note", AnswerOf::kWrite);
  }

  absl::Status DeleteNote(const CallOptions& options,
                          const v1::DeleteNoteRequest& request) override {
    auto response = rest_.Send(options, request.location_id(), "DELETE",
                               NotePath(request.contact_id(), request.note_id()), "");
    if (!response.ok()) return response.status();
    return CheckSucceeded(response->body, "delete-note");
  }

 private:
  GhlRestCall rest_;
};

}  // namespace

std::shared_ptr<NotesStub> MakeDefaultNotesStub(std::shared_ptr<http::HttpTransport> transport,
                                                std::string base_url,
                                                std::shared_ptr<auth::TokenSource> tokens) {
  return std::make_shared<DefaultNotesStub>(
      GhlRestCall(std::move(transport), std::move(base_url), std::move(tokens)));
}

}  // namespace ghl::contacts
