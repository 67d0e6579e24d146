// `ghlctl notes list|get|create|update|delete`: a contact's notes
// (NotesService). Results print as GHL's JSON for notes.
#include <google/protobuf/empty.pb.h>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/resource_mapping.h"
#include "client/ghlctl/group_util.h"
#include "client/resource_clients.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

NotesClient Client(const GroupContext& context) {
  return NotesClient(v1::NotesService::NewStub(context.channel), ClientOptionsOf(context));
}

int PrintNote(const GroupContext& context, const absl::StatusOr<v1::Note>& note) {
  if (!note.ok()) return FailWith(context, note.status());
  *context.console->out << MessageJson(ghl::contacts::NoteJson(), *note) << std::flush;
  return kExitOk;
}

// The note fields given as flags, and the update mask they make.
absl::Status ApplyNoteFlags(const FlagValues& flags, v1::Note* note, google::protobuf::FieldMask* mask) {
  auto add = [mask](const char* path) {
    if (mask != nullptr) mask->add_paths(path);
  };
  if (std::optional<std::string> body = flags.Get("body")) {
    note->set_body(*body);
    add("body");
  }
  if (std::optional<std::string> title = flags.Get("title")) {
    note->set_title(*title);
    add("title");
  }
  if (std::optional<std::string> user = flags.Get("user")) {
    note->set_user_id(*user);
    add("user_id");
  }
  if (std::optional<std::string> color = flags.Get("color")) {
    note->set_color(*color);
    add("color");
  }
  if (std::optional<std::string> pinned = flags.Get("pinned")) {
    absl::StatusOr<bool> value = ParseBoolFlag("pinned", *pinned);
    if (!value.ok()) return value.status();
    note->set_pinned(*value);
    add("pinned");
  }
  return absl::OkStatus();
}

std::vector<GroupFlag> NoteIdFlags() { return {LocationFlag(), ContactFlag(), {"note", GroupFlagKind::kValue, true}}; }

std::vector<GroupFlag> NoteFieldFlags(std::vector<GroupFlag> flags, bool create) {
  flags.push_back({"body", GroupFlagKind::kValue, create});
  flags.push_back({"title", GroupFlagKind::kValue});
  flags.push_back({"user", GroupFlagKind::kValue});
  flags.push_back({"color", GroupFlagKind::kValue});
  flags.push_back({"pinned", GroupFlagKind::kValue});
  return flags;
}

constexpr char kNoteFieldHelp[] = R"(  --body TEXT     The note's text.
  --title TEXT    Title.
  --user USER     GHL user id of the author.
  --color TEXT    Color.
  --pinned BOOL   true or false.
)";

}  // namespace

CommandGroup MakeNotesGroup() {
  CommandGroup group;
  group.name = "notes";
  group.summary = "A contact's notes: list, get, create, update, delete.";
  group.usage =
      "Usage: ghlctl notes <command> --location L --contact C [flags]\n\n"
      "A contact's notes. Results print as GHL's JSON for notes.\n";

  group.subcommands.push_back(MakeSubcommand<v1::ListNotesRequest>(
      "list", "Print the contact's notes ({\"notes\": [...]}).",
      "Usage: ghlctl notes list --location L --contact C\n\nPrints the contact's notes as {\"notes\": [...]}.\n",
      {LocationFlag(), ContactFlag()},
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::ListNotesRequest> {
        return ContactScoped<v1::ListNotesRequest>(flags);
      },
      [](const v1::ListNotesRequest& request, const FlagValues&, const GroupContext& context) {
        absl::StatusOr<v1::ListNotesResponse> notes = Client(context).ListNotes(request);
        if (!notes.ok()) return FailWith(context, notes.status());
        *context.console->out << ListJson(ghl::contacts::NoteJson(), "notes", notes->notes()) << std::flush;
        return static_cast<int>(kExitOk);
      }));

  group.subcommands.push_back(MakeSubcommand<v1::GetNoteRequest>(
      "get", "Print one note.", "Usage: ghlctl notes get --location L --contact C --note N\n\nPrints one note.\n",
      NoteIdFlags(),
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::GetNoteRequest> {
        v1::GetNoteRequest request = ContactScoped<v1::GetNoteRequest>(flags);
        request.set_note_id(flags.GetOr("note"));
        return request;
      },
      [](const v1::GetNoteRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintNote(context, Client(context).GetNote(request));
      }));

  group.subcommands.push_back(MakeSubcommand<v1::CreateNoteRequest>(
      "create", "Create a note and print it.",
      absl::StrCat("Usage: ghlctl notes create --location L --contact C --body TEXT [flags]\n\n"
                   "Creates a note and prints it. Not retried once it may have reached GHL.\n\nFlags:\n",
                   kNoteFieldHelp),
      NoteFieldFlags({LocationFlag(), ContactFlag()}, /*create=*/true),
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::CreateNoteRequest> {
        v1::CreateNoteRequest request = ContactScoped<v1::CreateNoteRequest>(flags);
        absl::Status status = ApplyNoteFlags(flags, request.mutable_note(), nullptr);
        if (!status.ok()) return status;
        return request;
      },
      [](const v1::CreateNoteRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintNote(context, Client(context).CreateNote(request));
      }));

  group.subcommands.push_back(MakeSubcommand<v1::UpdateNoteRequest>(
      "update", "Update the given fields of a note and print it.",
      absl::StrCat("Usage: ghlctl notes update --location L --contact C --note N [field flags]\n\n"
                   "Updates exactly the fields given (at least one) and prints the note.\n\nFlags:\n",
                   kNoteFieldHelp),
      NoteFieldFlags(NoteIdFlags(), /*create=*/false),
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::UpdateNoteRequest> {
        v1::UpdateNoteRequest request = ContactScoped<v1::UpdateNoteRequest>(flags);
        request.mutable_note()->set_id(flags.GetOr("note"));
        absl::Status status = ApplyNoteFlags(flags, request.mutable_note(), request.mutable_update_mask());
        if (!status.ok()) return status;
        if (request.update_mask().paths_size() == 0) {
          return absl::InvalidArgumentError("give at least one of --body, --title, --user, --color, --pinned");
        }
        return request;
      },
      [](const v1::UpdateNoteRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintNote(context, Client(context).UpdateNote(request));
      }));

  group.subcommands.push_back(MakeSubcommand<v1::DeleteNoteRequest>(
      "delete", "Delete a note.",
      "Usage: ghlctl notes delete --location L --contact C --note N\n\nDeletes a note and prints \"deleted note "
      "N\".\n",
      NoteIdFlags(),
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::DeleteNoteRequest> {
        v1::DeleteNoteRequest request = ContactScoped<v1::DeleteNoteRequest>(flags);
        request.set_note_id(flags.GetOr("note"));
        return request;
      },
      [](const v1::DeleteNoteRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintDone(context, Client(context).DeleteNote(request), "deleted note " + request.note_id());
      }));
  return group;
}

}  // namespace ghl::client::ghlctl
