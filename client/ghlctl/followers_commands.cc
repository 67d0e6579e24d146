// `ghlctl followers add|remove`: a contact's followers (user ids).
#include "client/ghlctl/group_util.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

template <typename Request>
absl::StatusOr<Request> BuildFollowers(const FlagValues& flags, std::istream&) {
  Request request = ContactScoped<Request>(flags);
  for (const std::string& user : flags.GetAll("follower")) request.add_followers(user);
  return request;
}

// Prints GHL's answer ({"followers": [...], "followersAdded"/"followersRemoved": [...]}).
template <typename Response>
int PrintFollowers(const GroupContext& context, const absl::StatusOr<Response>& response) {
  if (!response.ok()) return FailWith(context, response.status());
  *context.console->out << MessageJson(ResponseJson(Response::descriptor()), *response) << std::flush;
  return kExitOk;
}

std::vector<GroupFlag> FollowerFlags() {
  return {LocationFlag(), ContactFlag(), {"follower", GroupFlagKind::kRepeated, true}};
}

}  // namespace

CommandGroup MakeFollowersGroup() {
  CommandGroup group;
  group.name = "followers";
  group.summary = "A contact's followers: add, remove.";
  group.usage = "Usage: ghlctl followers add|remove --location L --contact C --follower USER...\n\n"
                "A contact's followers (GHL user ids).\n";
  group.subcommands.push_back(MakeSubcommand<v1::AddFollowersRequest>(
      "add", "Add followers; prints the followers afterwards.",
      "Usage: ghlctl followers add --location L --contact C --follower USER [--follower USER]...\n\n"
      "Adds the users as followers and prints GHL's answer.\n",
      FollowerFlags(), BuildFollowers<v1::AddFollowersRequest>,
      [](const v1::AddFollowersRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintFollowers(context, ContactsClientOf(context)->AddFollowers(request));
      }));
  group.subcommands.push_back(MakeSubcommand<v1::RemoveFollowersRequest>(
      "remove", "Remove followers; prints the followers afterwards.",
      "Usage: ghlctl followers remove --location L --contact C --follower USER [--follower USER]...\n\n"
      "Removes the users from the followers and prints GHL's answer.\n",
      FollowerFlags(), BuildFollowers<v1::RemoveFollowersRequest>,
      [](const v1::RemoveFollowersRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintFollowers(context, ContactsClientOf(context)->RemoveFollowers(request));
      }));
  return group;
}

}  // namespace ghl::client::ghlctl
