#include "client/ghlctl/group_util.h"

#include <map>
#include <memory>
#include <mutex>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "client/jsonl_writer.h"
#include "client/progress.h"

namespace ghl::client::ghlctl {

GroupFlag LocationFlag() { return {"location", GroupFlagKind::kValue, true}; }
GroupFlag ContactFlag() { return {"contact", GroupFlagKind::kValue, true}; }

std::string PrettyJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  value.Accept(writer);
  return absl::StrCat(absl::string_view(buffer.GetString(), buffer.GetSize()), "\n");
}

std::string MessageJson(const ghl::contacts::json::JsonMapper& mapper, const google::protobuf::Message& message) {
  rapidjson::Document doc;
  // The read shape never fails (json_mapping.h).
  (void)mapper.ToJson(message, ghl::contacts::json::Shape::kRead, &doc, doc.GetAllocator());
  return PrettyJson(doc);
}

const ghl::contacts::json::JsonMapper& ResponseJson(const google::protobuf::Descriptor* type) {
  static std::mutex mu;
  static auto* mappers = new std::map<const google::protobuf::Descriptor*, std::unique_ptr<ghl::contacts::json::JsonMapper>>();
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<ghl::contacts::json::JsonMapper>& mapper = (*mappers)[type];
  if (!mapper) {
    ghl::contacts::json::JsonMapperOptions options;
    options.root = type;
    options.noun = type->name();
    mapper = std::make_unique<ghl::contacts::json::JsonMapper>(std::move(options));
  }
  return *mapper;
}

absl::StatusOr<google::protobuf::Timestamp> ParseTimeFlag(absl::string_view flag, absl::string_view text) {
  google::protobuf::Timestamp time;
  if (!ghl::contacts::ParseGhlTime(text, &time)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": '", text, "' is not an RFC 3339 date-time (e.g. 2024-05-01T15:00:00Z)"));
  }
  return time;
}

absl::StatusOr<bool> ParseBoolFlag(absl::string_view flag, absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "true" || lower == "yes" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "0") return false;
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": '", text, "' is not true or false"));
}

absl::StatusOr<int32_t> ParseIntFlag(absl::string_view flag, absl::string_view text, int32_t min, int32_t max) {
  int32_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": '", text, "' is not a number from ", min, " to ", max));
  }
  return value;
}

absl::StatusOr<google::protobuf::FieldMask> ParseContactFields(absl::string_view fields) {
  google::protobuf::FieldMask mask;
  for (absl::string_view part : absl::StrSplit(fields, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) continue;
    absl::StatusOr<std::string> path = ResolveContactField(part);
    if (!path.ok()) return absl::InvalidArgumentError(absl::StrCat("--fields: ", path.status().message()));
    mask.add_paths(*path);
  }
  return mask;
}

ContactsClientOptions ClientOptionsOf(const GroupContext& context) {
  ContactsClientOptions options;
  options.timeout = context.timeout;
  options.export_retry = context.options->export_retry;
  return options;
}

std::unique_ptr<ContactsClient> ContactsClientOf(const GroupContext& context) {
  return MakeContactsClient(context.channel, ClientOptionsOf(context), context.options->clock);
}

int PrintDone(const GroupContext& context, const absl::Status& status, const std::string& message) {
  if (!status.ok()) return FailWith(context, status);
  *context.console->out << message << '\n' << std::flush;
  return kExitOk;
}

int WriteContactStream(
    const GroupContext& context, const FlagValues& flags,
    const std::function<absl::StatusOr<ExportProgress>(const ContactSink&, const ProgressCallback&)>& list) {
  const Console& console = *context.console;
  const RunOptions& options = *context.options;
  const std::string out = flags.GetOr("out", "-");
  const bool to_file = out != "-";
  const absl::Time start = options.clock->Now();

  std::unique_ptr<JsonlWriter> writer;
  if (to_file) {
    absl::StatusOr<std::unique_ptr<JsonlWriter>> created = JsonlWriter::Create(out);
    if (!created.ok()) return FailWith(context, created.status(), kExitLocalError);
    writer = *std::move(created);
  }
  ProgressRenderer::Options progress_options = options.progress;
  progress_options.tty = console.err_is_tty;
  ProgressRenderer renderer(*console.err, progress_options, options.clock);

  // A write failure is ours (exit 3), not the gateway's.
  absl::Status write_status;
  absl::StatusOr<ExportProgress> result = list(
      [&](const ghl::contacts::v1::Contact& contact) {
        if (writer) {
          write_status = writer->Write(contact);
        } else {
          *console.out << ghl::contacts::ContactToJsonString(contact) << '\n';
          if (!*console.out) write_status = absl::DataLossError("cannot write to stdout");
        }
        return write_status;
      },
      [&renderer](const ExportProgress& progress) { renderer.Update(progress); });
  renderer.Finish();
  if (!result.ok()) {
    if (writer) writer->Abort();
    return FailWith(context, result.status(), write_status.ok() ? kExitRpcError : kExitLocalError);
  }
  if (writer) {
    absl::Status finished = writer->Finish();
    if (!finished.ok()) return FailWith(context, finished, kExitLocalError);
  }
  const std::string summary = FormatExportSummary(result->contacts, result->pages, options.clock->Now() - start,
                                                  to_file ? out : "stdout");
  (to_file ? *console.out : *console.err) << summary << '\n' << std::flush;
  console.out->flush();
  return kExitOk;
}

}  // namespace ghl::client::ghlctl
