#include "client/ghlctl/commands.h"

#include <utility>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "client/csv_writer.h"
#include "client/ghlctl/groups.h"
#include "client/jsonl_writer.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

int Fail(const Console& console, const absl::Status& status, int exit_code) {
  *console.err << FormatError(status) << '\n';
  return exit_code;
}

void SetReadMask(const std::vector<std::string>& paths, google::protobuf::FieldMask* mask) {
  for (const std::string& path : paths) mask->add_paths(path);
}

int RunGet(const Invocation& invocation, const ContactsClient& client, const Console& console) {
  v1::GetContactRequest request;
  request.set_location_id(invocation.location_id);
  request.set_contact_id(invocation.contact_id);
  SetReadMask(invocation.read_mask, request.mutable_read_mask());
  absl::StatusOr<v1::Contact> contact = client.GetContact(request);
  if (!contact.ok()) return Fail(console, contact.status(), kExitRpcError);
  *console.out << FormatContactJson(*contact) << std::flush;
  return kExitOk;
}

int RunCreate(const Invocation& invocation, const ContactsClient& client, const Console& console) {
  v1::CreateContactRequest request;
  request.set_location_id(invocation.location_id);
  *request.mutable_contact() = invocation.contact;
  absl::StatusOr<v1::Contact> contact = client.CreateContact(request);
  if (!contact.ok()) return Fail(console, contact.status(), kExitRpcError);
  *console.out << FormatContactJson(*contact) << std::flush;
  return kExitOk;
}

int RunUpdate(const Invocation& invocation, const ContactsClient& client, const Console& console) {
  v1::UpdateContactRequest request;
  request.set_location_id(invocation.location_id);
  *request.mutable_contact() = invocation.contact;
  request.mutable_contact()->set_id(invocation.contact_id);
  for (const std::string& path : invocation.paths) request.mutable_update_mask()->add_paths(path);
  absl::StatusOr<v1::Contact> contact = client.UpdateContact(request);
  if (!contact.ok()) return Fail(console, contact.status(), kExitRpcError);
  *console.out << FormatContactJson(*contact) << std::flush;
  return kExitOk;
}

int RunDelete(const Invocation& invocation, const ContactsClient& client, const Console& console) {
  v1::DeleteContactRequest request;
  request.set_location_id(invocation.location_id);
  request.set_contact_id(invocation.contact_id);
  absl::Status status = client.DeleteContact(request);
  if (!status.ok()) return Fail(console, status, kExitRpcError);
  *console.out << "deleted contact " << invocation.contact_id << '\n' << std::flush;
  return kExitOk;
}

int RunExport(const Invocation& invocation, const ContactsClient& client, const Console& console,
              const RunOptions& options) {
  const absl::Time start = options.clock->Now();
  std::unique_ptr<ContactWriter> writer;
  if (invocation.format == ExportFormat::kCsv) {
    absl::StatusOr<std::unique_ptr<CsvWriter>> csv = CsvWriter::Create(invocation.out, CsvOptions{invocation.bom});
    if (!csv.ok()) return Fail(console, csv.status(), kExitLocalError);
    writer = *std::move(csv);
  } else {
    absl::StatusOr<std::unique_ptr<JsonlWriter>> jsonl = JsonlWriter::Create(invocation.out);
    if (!jsonl.ok()) return Fail(console, jsonl.status(), kExitLocalError);
    writer = *std::move(jsonl);
  }

  v1::ListContactsRequest request;
  request.set_location_id(invocation.location_id);
  request.set_page_size(invocation.page_size);
  request.set_query(invocation.query);
  SetReadMask(invocation.read_mask, request.mutable_read_mask());

  ProgressRenderer::Options progress_options = options.progress;
  progress_options.tty = console.err_is_tty;
  ProgressRenderer renderer(*console.err, progress_options, options.clock);

  // A write failure is ours (exit 3), not the gateway's: remember it apart
  // from the status ExportContacts returns.
  absl::Status write_status;
  absl::StatusOr<ExportProgress> result = client.ExportContacts(
      request,
      [&](const v1::Contact& contact) {
        write_status = writer->Write(contact);
        return write_status;
      },
      [&renderer](const ExportProgress& progress) { renderer.Update(progress); });
  renderer.Finish();
  if (!result.ok()) {
    writer->Abort();
    return Fail(console, result.status(), write_status.ok() ? kExitRpcError : kExitLocalError);
  }
  absl::Status finished = writer->Finish();
  if (!finished.ok()) return Fail(console, finished, kExitLocalError);
  *console.out << FormatExportSummary(result->contacts, result->pages, options.clock->Now() - start,
                                      invocation.out)
               << '\n'
               << std::flush;
  return kExitOk;
}

}  // namespace

std::string FormatError(const absl::Status& status) {
  return absl::StrCat("error: ", absl::StatusCodeToString(status.code()), ": ", status.message());
}

std::string FormatContactJson(const v1::Contact& contact) {
  rapidjson::Document document;
  ghl::contacts::ContactToJson(contact, &document, document.GetAllocator());
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  document.Accept(writer);
  return absl::StrCat(absl::string_view(buffer.GetString(), buffer.GetSize()), "\n");
}

int Execute(const Invocation& invocation, const ContactsClient& client, const Console& console,
            const RunOptions& options) {
  switch (invocation.command) {
    case Command::kGet:
      return RunGet(invocation, client, console);
    case Command::kExport:
      return RunExport(invocation, client, console, options);
    case Command::kCreate:
      return RunCreate(invocation, client, console);
    case Command::kUpdate:
      return RunUpdate(invocation, client, console);
    case Command::kDelete:
      return RunDelete(invocation, client, console);
    case Command::kHelp:
      *console.out << GeneralUsage();
      return kExitOk;
  }
  return kExitUsage;
}

int Run(const std::vector<std::string>& args, const Console& console, const RunOptions& options) {
  // Command groups (catalog, tasks, notes, ...) parse and run themselves.
  if (std::optional<int> exit_code = RunCommandGroup(args, console, options)) return *exit_code;
  absl::StatusOr<Invocation> invocation = ParseArgs(args, options.env, *console.in);
  if (!invocation.ok()) {
    *console.err << FormatError(invocation.status()) << '\n'
                 << "Run 'ghlctl --help' or 'ghlctl <command> --help' for usage.\n";
    return kExitUsage;
  }
  if (invocation->command == Command::kHelp) {
    *console.out << (invocation->help_for.has_value() ? CommandUsage(*invocation->help_for) : GeneralUsage());
    return kExitOk;
  }
  ContactsClientOptions client_options;
  client_options.timeout = invocation->timeout;
  client_options.export_retry = options.export_retry;
  std::unique_ptr<ContactsClient> client = MakeContactsClient(invocation->gateway, client_options, options.clock);
  return Execute(*invocation, *client, console, options);
}

}  // namespace ghl::client::ghlctl
