// `ghlctl upsert`: UpsertContact, the idempotent write. The contact comes
// from the same field flags (or --json) as `ghlctl create`, parsed by
// cli.h's own parser, so both commands accept exactly the same fields.
#include <rapidjson/document.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "client/ghlctl/group_util.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

// The field flags part of `ghlctl create --help`.
std::string FieldFlagsHelp() {
  const std::string create = CommandUsage(Command::kCreate);
  const size_t start = create.find("Field flags");
  return start == std::string::npos ? std::string() : create.substr(start);
}

absl::StatusOr<v1::UpsertContactRequest> BuildUpsert(const FlagValues& flags, std::istream& in) {
  std::vector<std::string> args = {"create"};
  for (const auto& [name, value] : flags.entries()) {
    if (name == "allow-duplicate") continue;
    args.push_back(absl::StrCat("--", name));
    args.push_back(value);
  }
  absl::StatusOr<Invocation> parsed = ParseArgs(args, nullptr, in);
  if (!parsed.ok()) {
    // The group parser adds "ghlctl upsert: " itself.
    absl::string_view message = parsed.status().message();
    absl::ConsumePrefix(&message, "ghlctl create: ");
    return absl::InvalidArgumentError(absl::StrReplaceAll(message, {{"ghlctl create", "ghlctl upsert"}}));
  }
  v1::UpsertContactRequest request;
  request.set_location_id(parsed->location_id);
  *request.mutable_contact() = parsed->contact;
  request.set_create_new_if_duplicate_allowed(flags.Has("allow-duplicate"));
  return request;
}

int RunUpsert(const v1::UpsertContactRequest& request, const FlagValues&, const GroupContext& context) {
  std::unique_ptr<ContactsClient> client = ContactsClientOf(context);
  absl::StatusOr<v1::UpsertContactResponse> response = client->UpsertContact(request);
  if (!response.ok()) return FailWith(context, response.status());
  rapidjson::Document doc(rapidjson::kObjectType);
  doc.AddMember("new", response->created(), doc.GetAllocator());
  if (!response->matched_contact_id().empty()) {
    doc.AddMember("matchedContactId", rapidjson::Value(response->matched_contact_id().c_str(), doc.GetAllocator()),
                  doc.GetAllocator());
  }
  rapidjson::Value contact;
  ghl::contacts::ContactToJson(response->contact(), &contact, doc.GetAllocator());
  doc.AddMember("contact", contact, doc.GetAllocator());
  *context.console->out << PrettyJson(doc) << std::flush;
  return kExitOk;
}

}  // namespace

CommandGroup MakeUpsertGroup() {
  CommandGroup group;
  group.name = "upsert";
  group.summary = "Create a contact, or update the one GHL matches by email/phone.";
  Subcommand upsert = MakeSubcommand<v1::UpsertContactRequest>(
      "", group.summary,
      absl::StrCat(R"(Usage: ghlctl upsert --location L (--json JSON | field flags...) [--allow-duplicate]

Creates the contact, or updates the existing one GHL matches (by email and
phone, in the location's configured order), and prints
{"new": true|false, "matchedContactId": "...", "contact": {...}}.
Idempotent: safe to repeat, and retried by the gateway on transient errors.

Flags:
  --location L        GHL location id. Required.
  --allow-duplicate   GHL's createNewIfDuplicateAllowed: create a new contact
                      without matching when the location allows duplicates
                      (then not idempotent, and not retried).
)",
                   FieldFlagsHelp()),
      {LocationFlag(), {"allow-duplicate", GroupFlagKind::kBool}}, BuildUpsert, RunUpsert);
  upsert.pass_through_flags = true;
  group.subcommands.push_back(std::move(upsert));
  return group;
}

}  // namespace ghl::client::ghlctl
