// `ghlctl campaigns add|remove|remove-all`: a contact's campaigns.
#include <type_traits>

#include "client/ghlctl/group_util.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

template <typename Request>
absl::StatusOr<Request> BuildCampaign(const FlagValues& flags, std::istream&) {
  Request request = ContactScoped<Request>(flags);
  if constexpr (!std::is_same_v<Request, v1::RemoveFromAllCampaignsRequest>) {
    request.set_campaign_id(flags.GetOr("campaign"));
  }
  return request;
}

std::vector<GroupFlag> CampaignFlags() {
  return {LocationFlag(), ContactFlag(), {"campaign", GroupFlagKind::kValue, true}};
}

}  // namespace

CommandGroup MakeCampaignsGroup() {
  CommandGroup group;
  group.name = "campaigns";
  group.summary = "A contact's campaigns: add, remove, remove-all.";
  group.usage = "Usage: ghlctl campaigns <command> --location L --contact C [--campaign X]\n\n"
                "Adds a contact to GHL campaigns or removes it.\n";
  group.subcommands.push_back(MakeSubcommand<v1::AddToCampaignRequest>(
      "add", "Add the contact to a campaign.",
      "Usage: ghlctl campaigns add --location L --contact C --campaign X\n\nAdds the contact to the campaign.\n",
      CampaignFlags(), BuildCampaign<v1::AddToCampaignRequest>,
      [](const v1::AddToCampaignRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintDone(context, ContactsClientOf(context)->AddToCampaign(request),
                    "added contact " + request.contact_id() + " to campaign " + request.campaign_id());
      }));
  group.subcommands.push_back(MakeSubcommand<v1::RemoveFromCampaignRequest>(
      "remove", "Remove the contact from a campaign.",
      "Usage: ghlctl campaigns remove --location L --contact C --campaign X\n\n"
      "Removes the contact from the campaign.\n",
      CampaignFlags(), BuildCampaign<v1::RemoveFromCampaignRequest>,
      [](const v1::RemoveFromCampaignRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintDone(context, ContactsClientOf(context)->RemoveFromCampaign(request),
                    "removed contact " + request.contact_id() + " from campaign " + request.campaign_id());
      }));
  group.subcommands.push_back(MakeSubcommand<v1::RemoveFromAllCampaignsRequest>(
      "remove-all", "Remove the contact from every campaign.",
      "Usage: ghlctl campaigns remove-all --location L --contact C\n\nRemoves the contact from every campaign.\n",
      {LocationFlag(), ContactFlag()}, BuildCampaign<v1::RemoveFromAllCampaignsRequest>,
      [](const v1::RemoveFromAllCampaignsRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintDone(context, ContactsClientOf(context)->RemoveFromAllCampaigns(request),
                    "removed contact " + request.contact_id() + " from every campaign");
      }));
  return group;
}

}  // namespace ghl::client::ghlctl
