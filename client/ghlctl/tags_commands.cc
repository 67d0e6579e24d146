// `ghlctl tags add|remove|bulk`: a contact's tags and bulk tag updates
// (TagsService). Tags are a list: a tag may contain commas and spaces.
#include "adapters/ghl/contacts/resource_mapping.h"
#include "client/ghlctl/group_util.h"
#include "client/resource_clients.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

TagsClient Client(const GroupContext& context) {
  return TagsClient(v1::TagsService::NewStub(context.channel), ClientOptionsOf(context));
}

template <typename Request>
absl::StatusOr<Request> ContactTagsRequest(const FlagValues& flags) {
  Request request = ContactScoped<Request>(flags);
  for (const std::string& tag : flags.GetAll("tag")) request.add_tags(tag);
  return request;
}

std::vector<GroupFlag> ContactTagFlags() {
  return {LocationFlag(), ContactFlag(), {"tag", GroupFlagKind::kRepeated, true}};
}

}  // namespace

CommandGroup MakeTagsGroup() {
  CommandGroup group;
  group.name = "tags";
  group.summary = "Tags: add to / remove from a contact, or update many contacts at once.";
  group.usage =
      "Usage: ghlctl tags <command> --location L [flags]\n\n"
      "A contact's tags, and bulk tag updates. Each --tag is one tag, verbatim\n"
      "(commas and spaces included; quote it for the shell).\n";

  group.subcommands.push_back(MakeSubcommand<v1::AddTagsRequest>(
      "add", "Add tags to a contact; prints its tags afterwards.",
      "Usage: ghlctl tags add --location L --contact C --tag T [--tag T]...\n\n"
      "Adds the tags and prints GHL's answer ({\"tags\": [...]}).\n",
      ContactTagFlags(), [](const FlagValues& flags, std::istream&) { return ContactTagsRequest<v1::AddTagsRequest>(flags); },
      [](const v1::AddTagsRequest& request, const FlagValues&, const GroupContext& context) {
        absl::StatusOr<v1::AddTagsResponse> response = Client(context).AddTags(request);
        if (!response.ok()) return FailWith(context, response.status());
        *context.console->out << MessageJson(ghl::contacts::AddTagsResponseJson(), *response) << std::flush;
        return static_cast<int>(kExitOk);
      }));

  group.subcommands.push_back(MakeSubcommand<v1::RemoveTagsRequest>(
      "remove", "Remove tags from a contact; prints its tags afterwards.",
      "Usage: ghlctl tags remove --location L --contact C --tag T [--tag T]...\n\n"
      "Removes the tags and prints GHL's answer ({\"tags\": [...]}).\n",
      ContactTagFlags(),
      [](const FlagValues& flags, std::istream&) { return ContactTagsRequest<v1::RemoveTagsRequest>(flags); },
      [](const v1::RemoveTagsRequest& request, const FlagValues&, const GroupContext& context) {
        absl::StatusOr<v1::RemoveTagsResponse> response = Client(context).RemoveTags(request);
        if (!response.ok()) return FailWith(context, response.status());
        *context.console->out << MessageJson(ghl::contacts::RemoveTagsResponseJson(), *response) << std::flush;
        return static_cast<int>(kExitOk);
      }));

  group.subcommands.push_back(MakeSubcommand<v1::BulkUpdateTagsRequest>(
      "bulk", "Add or remove tags on many contacts; prints GHL's per-contact results.",
      "Usage: ghlctl tags bulk --location L --type add|remove --contact C [--contact C]...\n"
      "                        (--tag T [--tag T]... | --remove-all)\n\n"
      "Adds or removes the tags on every contact given and prints GHL's answer.\n\n"
      "Flags:\n"
      "  --type add|remove  What to do. Required.\n"
      "  --contact C        Repeatable; at least one.\n"
      "  --tag T            Repeatable.\n"
      "  --remove-all       With --type remove: remove every tag of the contacts.\n",
      {LocationFlag(),
       {"type", GroupFlagKind::kValue, true},
       {"contact", GroupFlagKind::kRepeated, true},
       {"tag", GroupFlagKind::kRepeated},
       {"remove-all", GroupFlagKind::kBool}},
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::BulkUpdateTagsRequest> {
        v1::BulkUpdateTagsRequest request;
        request.set_location_id(flags.GetOr("location"));
        const std::string type = flags.GetOr("type");
        if (type == "add") {
          request.set_type(v1::BULK_TAGS_UPDATE_TYPE_ADD);
        } else if (type == "remove") {
          request.set_type(v1::BULK_TAGS_UPDATE_TYPE_REMOVE);
        } else {
          return absl::InvalidArgumentError(absl::StrCat("--type: '", type, "' is not add or remove"));
        }
        for (const std::string& contact : flags.GetAll("contact")) request.add_contact_ids(contact);
        for (const std::string& tag : flags.GetAll("tag")) request.add_tags(tag);
        request.set_remove_all_tags(flags.Has("remove-all"));
        if (request.remove_all_tags() && request.type() != v1::BULK_TAGS_UPDATE_TYPE_REMOVE) {
          return absl::InvalidArgumentError("--remove-all needs --type remove");
        }
        if (request.tags_size() == 0 && !request.remove_all_tags()) {
          return absl::InvalidArgumentError("give --tag (repeatable) or --remove-all");
        }
        return request;
      },
      [](const v1::BulkUpdateTagsRequest& request, const FlagValues&, const GroupContext& context) {
        absl::StatusOr<v1::BulkUpdateTagsResponse> response = Client(context).BulkUpdateTags(request);
        if (!response.ok()) return FailWith(context, response.status());
        *context.console->out << MessageJson(ghl::contacts::BulkUpdateTagsResponseJson(), *response) << std::flush;
        return static_cast<int>(kExitOk);
      }));
  return group;
}

}  // namespace ghl::client::ghlctl
