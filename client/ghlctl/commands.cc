#include "client/ghlctl/commands.h"

#include <cstdio>
#include <utility>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "client/csv_writer.h"
#include "client/export_checkpoint.h"
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
  const std::string checkpoint_path = ExportCheckpoint::PathFor(invocation.out);
  ExportCheckpoint checkpoint;
  checkpoint.location_id = invocation.location_id;
  checkpoint.query = invocation.query;
  checkpoint.page_size = invocation.page_size;
  checkpoint.fields = absl::StrJoin(invocation.read_mask, ",");
  int64_t resumed_contacts = 0;
  int64_t resumed_pages = 0;
  std::string resume_token;

  std::unique_ptr<ContactWriter> writer;
  JsonlWriter* jsonl = nullptr;  // checkpointed after every page
  if (invocation.format == ExportFormat::kCsv) {
    absl::StatusOr<std::unique_ptr<CsvWriter>> csv = CsvWriter::Create(invocation.out, CsvOptions{invocation.bom});
    if (!csv.ok()) return Fail(console, csv.status(), kExitLocalError);
    writer = *std::move(csv);
  } else if (invocation.resume) {
    absl::StatusOr<ExportCheckpoint> saved = ExportCheckpoint::Load(checkpoint_path);
    if (!saved.ok()) {
      if (saved.status().code() == absl::StatusCode::kNotFound) {
        return Fail(console,
                    absl::NotFoundError(absl::StrCat("--resume: no interrupted export to ", invocation.out,
                                                     " (", checkpoint_path, " is missing); run without --resume")),
                    kExitLocalError);
      }
      return Fail(console, saved.status(), kExitLocalError);
    }
    if (saved->location_id != checkpoint.location_id || saved->query != checkpoint.query ||
        saved->page_size != checkpoint.page_size || saved->fields != checkpoint.fields) {
      return Fail(console,
                  absl::InvalidArgumentError(absl::StrCat(
                      "--resume: the interrupted export to ", invocation.out, " was for --location ",
                      saved->location_id, " --query '", saved->query, "' --page-size ", saved->page_size,
                      " --fields '", saved->fields, "'; give the same flags")),
                  kExitUsage);
    }
    absl::StatusOr<std::unique_ptr<JsonlWriter>> reopened = JsonlWriter::Reopen(invocation.out, saved->bytes);
    if (!reopened.ok()) return Fail(console, reopened.status(), kExitLocalError);
    jsonl = reopened->get();
    writer = *std::move(reopened);
    resumed_contacts = saved->contacts;
    resumed_pages = saved->pages;
    resume_token = saved->resume_token;
  } else {
    absl::StatusOr<std::unique_ptr<JsonlWriter>> created = JsonlWriter::Create(invocation.out);
    if (!created.ok()) return Fail(console, created.status(), kExitLocalError);
    jsonl = created->get();
    writer = *std::move(created);
    std::remove(checkpoint_path.c_str());  // a stale one must not resume this export
  }

  v1::ListContactsRequest request;
  request.set_location_id(invocation.location_id);
  request.set_page_size(invocation.page_size);
  request.set_query(invocation.query);
  request.set_resume_token(resume_token);
  SetReadMask(invocation.read_mask, request.mutable_read_mask());

  ProgressRenderer::Options progress_options = options.progress;
  progress_options.tty = console.err_is_tty;
  ProgressRenderer renderer(*console.err, progress_options, options.clock);

  // A write failure is ours (exit 3), not the gateway's: remember it apart
  // from the status ExportContacts returns.
  absl::Status write_status;
  absl::Status checkpoint_status;
  absl::StatusOr<ExportProgress> result = client.ExportContacts(
      request,
      [&](const v1::Contact& contact) {
        write_status = writer->Write(contact);
        return write_status;
      },
      [&](const ExportProgress& progress) {
        renderer.Update(progress);
        if (jsonl == nullptr || !checkpoint_status.ok() || progress.resume_token.empty()) return;
        // The page's contacts reached the file: vouch for them.
        absl::StatusOr<int64_t> bytes = jsonl->Flush();
        if (!bytes.ok()) {
          checkpoint_status = bytes.status();
          return;
        }
        checkpoint.resume_token = progress.resume_token;
        checkpoint.bytes = *bytes;
        checkpoint.contacts = resumed_contacts + progress.contacts;
        checkpoint.pages = resumed_pages + progress.pages;
        checkpoint_status = checkpoint.Save(checkpoint_path);
      });
  renderer.Finish();
  if (!result.ok()) {
    // Resumable: the file holds whole pages up to a checkpoint (this run's,
    // or, when resuming failed before a new page, the one it started from).
    const bool have_checkpoint = !checkpoint.resume_token.empty() || invocation.resume;
    if (jsonl != nullptr && write_status.ok() && checkpoint_status.ok() && have_checkpoint) {
      jsonl->Keep();
      const int64_t saved = checkpoint.resume_token.empty() ? resumed_contacts : checkpoint.contacts;
      *console.err << "ghlctl: " << saved << " contacts are saved in " << invocation.out
                   << ".partial; run the same command with --resume to continue\n";
    } else {
      writer->Abort();
      std::remove(checkpoint_path.c_str());
    }
    return Fail(console, result.status(), write_status.ok() ? kExitRpcError : kExitLocalError);
  }
  absl::Status finished = writer->Finish();
  if (!finished.ok()) return Fail(console, finished, kExitLocalError);
  std::remove(checkpoint_path.c_str());
  *console.out << FormatExportSummary(resumed_contacts + result->contacts, resumed_pages + result->pages,
                                      options.clock->Now() - start, invocation.out)
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
