// `ghlctl appointments list`: a contact's appointments (AppointmentsService,
// streamed and resumed), one GHL JSON appointment per line.
#include "adapters/ghl/contacts/resource_mapping.h"
#include "client/ghlctl/group_util.h"
#include "client/resource_clients.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

int RunList(const v1::ListContactAppointmentsRequest& request, const FlagValues&, const GroupContext& context) {
  AppointmentsClient client(v1::AppointmentsService::NewStub(context.channel), ClientOptionsOf(context),
                            context.options->clock);
  absl::StatusOr<ExportProgress> result =
      client.ListContactAppointments(request, [&context](const v1::Appointment& appointment) {
        *context.console->out << ghl::contacts::AppointmentJson().ToJsonString(appointment) << '\n';
        return absl::OkStatus();
      });
  context.console->out->flush();
  if (!result.ok()) return FailWith(context, result.status());
  *context.console->err << "listed " << result->contacts << " appointments\n" << std::flush;
  return kExitOk;
}

}  // namespace

CommandGroup MakeAppointmentsGroup() {
  CommandGroup group;
  group.name = "appointments";
  group.summary = "A contact's appointments: list (JSONL, streamed).";
  group.usage = "Usage: ghlctl appointments list --location L --contact C\n\nA contact's appointments.\n";
  group.subcommands.push_back(MakeSubcommand<v1::ListContactAppointmentsRequest>(
      "list", "Print every appointment of the contact, one GHL JSON object per line.",
      "Usage: ghlctl appointments list --location L --contact C\n\n"
      "Prints every appointment of the contact, one GHL JSON object per line\n"
      "(JSONL), then \"listed N appointments\" on stderr. A broken stream is\n"
      "resumed where it stopped.\n",
      {LocationFlag(), ContactFlag()},
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::ListContactAppointmentsRequest> {
        v1::ListContactAppointmentsRequest request;
        request.set_location_id(flags.GetOr("location"));
        request.set_contact_id(flags.GetOr("contact"));
        return request;
      },
      RunList));
  return group;
}

}  // namespace ghl::client::ghlctl
