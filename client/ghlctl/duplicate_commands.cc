// `ghlctl duplicate`: FindDuplicateContact, the contact GHL would treat as a
// duplicate of an email and/or phone.
#include <rapidjson/document.h>

#include "adapters/ghl/contacts/contact_mapping.h"
#include "client/ghlctl/group_util.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

absl::StatusOr<v1::FindDuplicateContactRequest> BuildDuplicate(const FlagValues& flags, std::istream&) {
  v1::FindDuplicateContactRequest request;
  request.set_location_id(flags.GetOr("location"));
  request.set_email(flags.GetOr("email"));
  request.set_phone(flags.GetOr("phone"));
  if (request.email().empty() && request.phone().empty()) {
    return absl::InvalidArgumentError("give --email, --phone or both");
  }
  return request;
}

int RunDuplicate(const v1::FindDuplicateContactRequest& request, const FlagValues&, const GroupContext& context) {
  std::unique_ptr<ContactsClient> client = ContactsClientOf(context);
  absl::StatusOr<v1::FindDuplicateContactResponse> response = client->FindDuplicateContact(request);
  if (!response.ok()) return FailWith(context, response.status());
  rapidjson::Document doc(rapidjson::kObjectType);
  rapidjson::Value contact;  // null when there is no duplicate
  if (response->has_contact()) ghl::contacts::ContactToJson(response->contact(), &contact, doc.GetAllocator());
  doc.AddMember("contact", contact, doc.GetAllocator());
  *context.console->out << PrettyJson(doc) << std::flush;
  return kExitOk;
}

}  // namespace

CommandGroup MakeDuplicateGroup() {
  CommandGroup group;
  group.name = "duplicate";
  group.summary = "Find the contact GHL treats as a duplicate of an email/phone.";
  group.subcommands.push_back(MakeSubcommand<v1::FindDuplicateContactRequest>(
      "", group.summary,
      R"(Usage: ghlctl duplicate --location L [--email E] [--phone P]

Prints {"contact": {...}} with the contact GHL would treat as a duplicate
(matched in the location's configured order), or {"contact": null}. No
match is not an error.

Flags:
  --location L   GHL location id. Required.
  --email E      Email to match.
  --phone P      Phone to match, e.g. +14155550123.
)",
      {LocationFlag(), {"email", GroupFlagKind::kValue}, {"phone", GroupFlagKind::kValue}}, BuildDuplicate,
      RunDuplicate));
  return group;
}

}  // namespace ghl::client::ghlctl
