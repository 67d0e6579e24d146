// `ghlctl business list|bulk-add|bulk-remove`: the contacts of a business
// (ListBusinessContacts, streamed to JSONL like export) and moving contacts
// into or out of a business (BulkUpdateBusiness).
#include "absl/strings/str_join.h"
#include "client/ghlctl/group_util.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

absl::StatusOr<v1::ListBusinessContactsRequest> BuildList(const FlagValues& flags, std::istream&) {
  v1::ListBusinessContactsRequest request;
  request.set_location_id(flags.GetOr("location"));
  request.set_business_id(flags.GetOr("business"));
  request.set_query(flags.GetOr("query"));
  if (std::optional<std::string> size = flags.Get("page-size")) {
    absl::StatusOr<int32_t> parsed = ParseIntFlag("page-size", *size, 1, 100);
    if (!parsed.ok()) return parsed.status();
    request.set_page_size(*parsed);
  }
  absl::Status mask = SetContactReadMask(flags, &request);
  if (!mask.ok()) return mask;
  return request;
}

int RunList(const v1::ListBusinessContactsRequest& request, const FlagValues& flags, const GroupContext& context) {
  std::unique_ptr<ContactsClient> client = ContactsClientOf(context);
  return WriteContactStream(context, flags, [&](const ContactSink& sink, const ProgressCallback& progress) {
    return client->ListBusinessContacts(request, sink, progress);
  });
}

// bulk-add (into --business) and bulk-remove (out of any business).
absl::StatusOr<v1::BulkUpdateBusinessRequest> BuildBulk(const FlagValues& flags, bool add) {
  v1::BulkUpdateBusinessRequest request;
  request.set_location_id(flags.GetOr("location"));
  for (const std::string& contact : flags.GetAll("contact")) request.add_contact_ids(contact);
  if (add) {
    request.set_business_id(flags.GetOr("business"));
  } else {
    request.set_remove_from_business(true);
  }
  return request;
}

int RunBulk(const v1::BulkUpdateBusinessRequest& request, const FlagValues&, const GroupContext& context) {
  std::unique_ptr<ContactsClient> client = ContactsClientOf(context);
  absl::StatusOr<v1::BulkUpdateBusinessResponse> response = client->BulkUpdateBusiness(request);
  if (!response.ok()) return FailWith(context, response.status());
  *context.console->out << (request.remove_from_business() ? "removed from their business: " : "added to business ")
                        << (request.remove_from_business() ? "" : request.business_id() + ": ")
                        << absl::StrJoin(response->contact_ids(), ", ") << '\n'
                        << std::flush;
  return kExitOk;
}

}  // namespace

CommandGroup MakeBusinessGroup() {
  CommandGroup group;
  group.name = "business";
  group.summary = "A business's contacts: list (JSONL, streamed), bulk-add, bulk-remove.";
  group.usage = "Usage: ghlctl business <command> --location L [flags]\n\nThe contacts of a GHL business.\n";

  group.subcommands.push_back(MakeSubcommand<v1::ListBusinessContactsRequest>(
      "list", "Stream every contact of a business as JSONL (like export).",
      R"(Usage: ghlctl business list --location L --business B [--query Q] [--page-size N]
                            [--fields a,b] [--out FILE]

Streams every contact of the business as JSONL (one GHL JSON contact per
line): to FILE with --out (written when complete; summary on stdout), else
to stdout (summary on stderr). Progress goes to stderr.

Flags:
  --location L     GHL location id. Required.
  --business B     Business id. Required.
  --query Q        GHL free-text contact query.
  --page-size N    Contacts per upstream page, 1-100 (default 100).
  --fields a,b     Only these contact fields per line.
  --out FILE       Write FILE instead of stdout.
)",
      {LocationFlag(),
       {"business", GroupFlagKind::kValue, true},
       {"query", GroupFlagKind::kValue},
       {"page-size", GroupFlagKind::kValue},
       {"fields", GroupFlagKind::kValue},
       {"out", GroupFlagKind::kValue}},
      BuildList, RunList));

  group.subcommands.push_back(MakeSubcommand<v1::BulkUpdateBusinessRequest>(
      "bulk-add", "Put contacts into a business.",
      "Usage: ghlctl business bulk-add --location L --business B --contact C [--contact C]...\n\n"
      "Puts the contacts into the business and prints the ids GHL updated.\n",
      {LocationFlag(), {"business", GroupFlagKind::kValue, true}, {"contact", GroupFlagKind::kRepeated, true}},
      [](const FlagValues& flags, std::istream&) { return BuildBulk(flags, /*add=*/true); }, RunBulk));

  group.subcommands.push_back(MakeSubcommand<v1::BulkUpdateBusinessRequest>(
      "bulk-remove", "Take contacts out of their business.",
      "Usage: ghlctl business bulk-remove --location L --contact C [--contact C]...\n\n"
      "Takes the contacts out of their business (GHL's businessId: null) and\nprints the ids GHL updated.\n",
      {LocationFlag(), {"contact", GroupFlagKind::kRepeated, true}},
      [](const FlagValues& flags, std::istream&) { return BuildBulk(flags, /*add=*/false); }, RunBulk));
  return group;
}

}  // namespace ghl::client::ghlctl
