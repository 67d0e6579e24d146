// `ghlctl workflows add|remove`: a contact's workflows.
#include "absl/strings/str_cat.h"
#include "client/ghlctl/group_util.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

template <typename Request>
absl::StatusOr<Request> BuildWorkflow(const FlagValues& flags, std::istream&) {
  Request request = ContactScoped<Request>(flags);
  request.set_workflow_id(flags.GetOr("workflow"));
  if (std::optional<std::string> start = flags.Get("event-start-time")) {
    absl::StatusOr<google::protobuf::Timestamp> time = ParseTimeFlag("event-start-time", *start);
    if (!time.ok()) return time.status();
    *request.mutable_event_start_time() = *time;
  }
  return request;
}

std::vector<GroupFlag> WorkflowFlags() {
  return {LocationFlag(),
          ContactFlag(),
          {"workflow", GroupFlagKind::kValue, true},
          {"event-start-time", GroupFlagKind::kValue}};
}

constexpr char kEventStartHelp[] =
    "\nFlags:\n  --event-start-time TIME   The workflow event's start, RFC 3339\n"
    "                            (2024-05-01T15:00:00Z); default: GHL's (now).\n";

}  // namespace

CommandGroup MakeWorkflowsGroup() {
  CommandGroup group;
  group.name = "workflows";
  group.summary = "A contact's workflows: add, remove.";
  group.usage = "Usage: ghlctl workflows add|remove --location L --contact C --workflow W\n\n"
                "Adds a contact to a GHL workflow or removes it.\n";
  group.subcommands.push_back(MakeSubcommand<v1::AddToWorkflowRequest>(
      "add", "Add the contact to a workflow.",
      absl::StrCat("Usage: ghlctl workflows add --location L --contact C --workflow W [--event-start-time TIME]\n\n"
                   "Adds the contact to the workflow.\n",
                   kEventStartHelp),
      WorkflowFlags(), BuildWorkflow<v1::AddToWorkflowRequest>,
      [](const v1::AddToWorkflowRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintDone(context, ContactsClientOf(context)->AddToWorkflow(request),
                    "added contact " + request.contact_id() + " to workflow " + request.workflow_id());
      }));
  group.subcommands.push_back(MakeSubcommand<v1::RemoveFromWorkflowRequest>(
      "remove", "Remove the contact from a workflow.",
      absl::StrCat("Usage: ghlctl workflows remove --location L --contact C --workflow W [--event-start-time TIME]\n\n"
                   "Removes the contact from the workflow.\n",
                   kEventStartHelp),
      WorkflowFlags(), BuildWorkflow<v1::RemoveFromWorkflowRequest>,
      [](const v1::RemoveFromWorkflowRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintDone(context, ContactsClientOf(context)->RemoveFromWorkflow(request),
                    "removed contact " + request.contact_id() + " from workflow " + request.workflow_id());
      }));
  return group;
}

}  // namespace ghl::client::ghlctl
