#include "client/ghlctl/cli.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <rapidjson/document.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "client/ghlctl/groups.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;
using google::protobuf::FieldDescriptor;

enum class FlagKind { kValue, kRepeated, kBool };

struct FlagSpec {
  std::string name;
  FlagKind kind;
};

// Scalar string fields of Contact settable by create/update flags; the flag
// is the proto name with '-' for '_' (--first-name sets first_name).
constexpr const char* kStringFields[] = {
    "first_name", "last_name", "name",    "email",      "phone",    "company_name",
    "website",    "type",      "source",  "assigned_to", "address1", "city",
    "state",      "country",   "postal_code", "timezone", "gender",  "date_of_birth",
};

std::string FlagForField(absl::string_view field) {
  std::string flag(field);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

std::vector<FlagSpec> GlobalFlags() {
  return {{"gateway", FlagKind::kValue}, {"timeout", FlagKind::kValue}, {"help", FlagKind::kBool}};
}

std::vector<FlagSpec> ContactFieldFlags() {
  std::vector<FlagSpec> flags;
  for (const char* field : kStringFields) flags.push_back({FlagForField(field), FlagKind::kValue});
  flags.push_back({"dnd", FlagKind::kValue});
  flags.push_back({"tag", FlagKind::kRepeated});
  flags.push_back({"field", FlagKind::kRepeated});
  flags.push_back({"json", FlagKind::kValue});
  return flags;
}

std::vector<FlagSpec> CommandFlags(Command command) {
  switch (command) {
    case Command::kHelp:
      return {};
    case Command::kGet:
      return {{"location", FlagKind::kValue}, {"id", FlagKind::kValue}, {"fields", FlagKind::kValue}};
    case Command::kExport:
      return {{"location", FlagKind::kValue}, {"format", FlagKind::kValue}, {"out", FlagKind::kValue},
              {"page-size", FlagKind::kValue}, {"query", FlagKind::kValue},  {"fields", FlagKind::kValue},
              {"bom", FlagKind::kBool},        {"no-bom", FlagKind::kBool},       {"resume", FlagKind::kBool}};
    case Command::kCreate: {
      std::vector<FlagSpec> flags = ContactFieldFlags();
      flags.push_back({"location", FlagKind::kValue});
      return flags;
    }
    case Command::kUpdate: {
      std::vector<FlagSpec> flags = ContactFieldFlags();
      flags.push_back({"location", FlagKind::kValue});
      flags.push_back({"id", FlagKind::kValue});
      flags.push_back({"clear", FlagKind::kRepeated});
      return flags;
    }
    case Command::kDelete:
      return {{"location", FlagKind::kValue}, {"id", FlagKind::kValue}};
  }
  return {};
}

std::optional<Command> CommandFromName(absl::string_view name) {
  if (name == "get") return Command::kGet;
  if (name == "export") return Command::kExport;
  if (name == "create") return Command::kCreate;
  if (name == "update") return Command::kUpdate;
  if (name == "delete") return Command::kDelete;
  if (name == "help") return Command::kHelp;
  return std::nullopt;
}

const FlagSpec* FindFlag(const std::vector<FlagSpec>& flags, absl::string_view name) {
  for (const FlagSpec& flag : flags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

bool IsAnyCommandFlag(absl::string_view name) {
  for (Command command : {Command::kGet, Command::kExport, Command::kCreate, Command::kUpdate, Command::kDelete}) {
    if (FindFlag(CommandFlags(command), name) != nullptr) return true;
  }
  return false;
}

absl::Status Usage(absl::string_view message) { return absl::InvalidArgumentError(message); }

// The flags given after parsing, in order, with their values.
struct GivenFlags {
  std::vector<std::pair<std::string, std::string>> ordered;

  bool Has(absl::string_view name) const {
    return std::any_of(ordered.begin(), ordered.end(), [&](const auto& f) { return f.first == name; });
  }
  std::optional<std::string> Get(absl::string_view name) const {
    for (const auto& [flag, value] : ordered) {
      if (flag == name) return value;
    }
    return std::nullopt;
  }
};

absl::StatusOr<std::string> Required(const GivenFlags& flags, absl::string_view name, Command command) {
  std::optional<std::string> value = flags.Get(name);
  if (!value.has_value() || value->empty()) {
    return Usage(absl::StrCat("ghlctl ", CommandName(command), ": --", name, " is required"));
  }
  return *value;
}

absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view text) {
  absl::Duration duration;
  double seconds = 0;
  if (absl::SimpleAtod(text, &seconds)) {
    duration = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &duration)) {
    return Usage(absl::StrCat("--timeout: '", text, "' is not a duration (e.g. 30s, 500ms, 2m)"));
  }
  if (duration <= absl::ZeroDuration()) return Usage("--timeout must be positive");
  return duration;
}

absl::StatusOr<std::vector<std::string>> ParseFieldList(absl::string_view text) {
  std::vector<std::string> paths;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) continue;
    absl::StatusOr<std::string> path = ResolveContactField(part);
    if (!path.ok()) return Usage(absl::StrCat("--fields: ", path.status().message()));
    if (std::find(paths.begin(), paths.end(), *path) == paths.end()) paths.push_back(*path);
  }
  return paths;
}

absl::StatusOr<bool> ParseBool(absl::string_view flag, absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "true" || lower == "yes" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "0") return false;
  return Usage(absl::StrCat("--", flag, ": '", text, "' is not true or false"));
}

absl::StatusOr<std::string> ReadJsonArgument(const std::string& value, std::istream& in) {
  if (value == "-") {
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (absl::StartsWith(value, "@")) {
    const std::string path = value.substr(1);
    std::ifstream file(path, std::ios::binary);
    if (!file) return Usage(absl::StrCat("--json: cannot read '", path, "'"));
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  return value;
}

// Adds `path` to the mask once, keeping first-given order.
void AddPath(std::vector<std::string>* paths, const std::string& path) {
  if (std::find(paths->begin(), paths->end(), path) == paths->end()) paths->push_back(path);
}

// Applies one --field ID_OR_KEY=VALUE or ID_OR_KEY:=JSON.
absl::Status ApplyCustomField(absl::string_view spec, std::map<std::string, int>* index, v1::Contact* contact) {
  const size_t eq = spec.find('=');
  if (eq == absl::string_view::npos) {
    return Usage(absl::StrCat("--field: '", spec, "' is not ID_OR_KEY=VALUE or ID_OR_KEY:=JSON"));
  }
  const bool is_json = eq > 0 && spec[eq - 1] == ':';
  const std::string name(spec.substr(0, is_json ? eq - 1 : eq));
  const absl::string_view text = spec.substr(eq + 1);
  if (name.empty()) return Usage(absl::StrCat("--field: '", spec, "' has no field id or key"));

  v1::CustomFieldValue parsed;
  if (is_json) {
    google::protobuf::Value value;
    if (!google::protobuf::util::JsonStringToMessage(std::string(text), &value).ok()) {
      return Usage(absl::StrCat("--field ", name, ":= needs a JSON value, not '", text, "'"));
    }
    bool all_strings = value.kind_case() == google::protobuf::Value::kListValue;
    if (all_strings) {
      for (const google::protobuf::Value& item : value.list_value().values()) {
        all_strings = all_strings && item.kind_case() == google::protobuf::Value::kStringValue;
      }
    }
    if (value.kind_case() == google::protobuf::Value::kNumberValue) {
      parsed.set_number_value(value.number_value());
    } else if (value.kind_case() == google::protobuf::Value::kStringValue) {
      parsed.set_string_value(value.string_value());
    } else if (all_strings) {
      for (const google::protobuf::Value& item : value.list_value().values()) {
        parsed.mutable_string_list_value()->add_values(item.string_value());
      }
    } else {
      *parsed.mutable_json_value() = value;
    }
  } else {
    parsed.set_string_value(std::string(text));
  }

  auto [it, inserted] = index->emplace(name, contact->custom_fields_size());
  if (inserted) {
    v1::CustomFieldValue* field = contact->add_custom_fields();
    // GHL custom field keys look like "contact.lead_score"; ids never hold a dot.
    if (absl::StrContains(name, '.')) {
      field->set_key(name);
    } else {
      field->set_id(name);
    }
    field->MergeFrom(parsed);
    return absl::OkStatus();
  }
  // The same field again with a plain value: a multi-value field
  // (checkbox, multi-select) given one value per flag.
  v1::CustomFieldValue* field = contact->mutable_custom_fields(it->second);
  if (is_json || (field->value_case() != v1::CustomFieldValue::kStringValue &&
                  field->value_case() != v1::CustomFieldValue::kStringListValue)) {
    return Usage(absl::StrCat("--field ", name, " given twice; repeat only plain ID=VALUE for a list"));
  }
  if (field->value_case() == v1::CustomFieldValue::kStringValue) {
    std::string first = field->string_value();
    field->mutable_string_list_value()->add_values(std::move(first));
  }
  field->mutable_string_list_value()->add_values(parsed.string_value());
  return absl::OkStatus();
}

// Builds invocation->contact and ->paths from --json or the field flags.
absl::Status BuildContact(Command command, const GivenFlags& flags, std::istream& in, Invocation* invocation) {
  v1::Contact& contact = invocation->contact;
  std::vector<std::string>& paths = invocation->paths;
  const bool has_json = flags.Has("json");
  bool has_field_flag = false;
  std::map<std::string, int> custom_index;
  const google::protobuf::Reflection* reflection = contact.GetReflection();

  for (const auto& [flag, value] : flags.ordered) {
    std::string field_name = flag;
    std::replace(field_name.begin(), field_name.end(), '-', '_');
    if (std::find(std::begin(kStringFields), std::end(kStringFields), field_name) != std::end(kStringFields)) {
      reflection->SetString(&contact, v1::Contact::descriptor()->FindFieldByName(field_name), value);
      AddPath(&paths, field_name);
      has_field_flag = true;
    } else if (flag == "dnd") {
      absl::StatusOr<bool> dnd = ParseBool(flag, value);
      if (!dnd.ok()) return dnd.status();
      contact.set_dnd(*dnd);
      AddPath(&paths, "dnd");
      has_field_flag = true;
    } else if (flag == "tag") {
      contact.add_tags(value);
      AddPath(&paths, "tags");
      has_field_flag = true;
    } else if (flag == "field") {
      absl::Status status = ApplyCustomField(value, &custom_index, &contact);
      if (!status.ok()) return status;
      AddPath(&paths, "custom_fields");
      has_field_flag = true;
    }
  }
  if (has_json && has_field_flag) {
    return Usage(absl::StrCat("ghlctl ", CommandName(command), ": --json cannot be combined with field flags"));
  }

  if (has_json) {
    absl::StatusOr<std::string> text = ReadJsonArgument(*flags.Get("json"), in);
    if (!text.ok()) return text.status();
    absl::StatusOr<v1::Contact> parsed = ghl::contacts::ContactFromJsonString(*text);
    if (!parsed.ok()) return Usage(absl::StrCat("--json: ", parsed.status().message()));
    contact = *std::move(parsed);
    // The update mask is exactly the members present in the document.
    rapidjson::Document document;
    document.Parse(text->data(), text->size());
    if (document.HasParseError() || !document.IsObject()) return Usage("--json: not a JSON object");
    for (auto member = document.MemberBegin(); member != document.MemberEnd(); ++member) {
      const std::string key(member->name.GetString(), member->name.GetStringLength());
      // Identity comes from --location / --id, never from the document.
      if (key == "id" || key == "locationId") continue;
      absl::StatusOr<std::string> path = ResolveContactField(key);
      if (!path.ok()) return Usage(absl::StrCat("--json: ", path.status().message()));
      AddPath(&paths, *path);
    }
    contact.clear_location_id();
  }

  for (const auto& [flag, value] : flags.ordered) {
    if (flag != "clear") continue;
    absl::StatusOr<std::string> path = ResolveContactField(value);
    if (!path.ok()) return Usage(absl::StrCat("--clear: ", path.status().message()));
    if (std::find(paths.begin(), paths.end(), *path) != paths.end()) {
      return Usage(absl::StrCat("--clear ", value, ": the field is also being set"));
    }
    if (*path == "id" || *path == "location_id") return Usage(absl::StrCat("--clear: cannot clear ", *path));
    const FieldDescriptor* field = v1::Contact::descriptor()->FindFieldByName(*path);
    reflection->ClearField(&contact, field);
    paths.push_back(*path);
  }

  if (paths.empty()) {
    return Usage(command == Command::kUpdate
                     ? "ghlctl update: nothing to update; give field flags, --clear or --json"
                     : "ghlctl create: give --json or at least one field flag");
  }
  return absl::OkStatus();
}

absl::Status BuildExport(const GivenFlags& flags, Invocation* invocation) {
  absl::StatusOr<std::string> out = Required(flags, "out", Command::kExport);
  if (!out.ok()) return out.status();
  invocation->out = *out;
  if (std::optional<std::string> format = flags.Get("format")) {
    absl::StatusOr<ExportFormat> parsed = ParseExportFormat(*format);
    if (!parsed.ok()) return parsed.status();
    invocation->format = *parsed;
  } else if (absl::EndsWithIgnoreCase(*out, ".csv")) {
    invocation->format = ExportFormat::kCsv;
  } else if (absl::EndsWithIgnoreCase(*out, ".jsonl") || absl::EndsWithIgnoreCase(*out, ".ndjson")) {
    invocation->format = ExportFormat::kJsonl;
  } else {
    return Usage("ghlctl export: --format is required (jsonl or csv) unless --out ends in .jsonl or .csv");
  }
  if (std::optional<std::string> size = flags.Get("page-size")) {
    int value = 0;
    if (!absl::SimpleAtoi(*size, &value) || value < 1 || value > 100) {
      return Usage(absl::StrCat("--page-size must be an integer from 1 to 100, not '", *size, "'"));
    }
    invocation->page_size = value;
  }
  invocation->query = flags.Get("query").value_or("");
  if (flags.Has("bom") && flags.Has("no-bom")) return Usage("--bom and --no-bom contradict each other");
  if ((flags.Has("bom") || flags.Has("no-bom")) && invocation->format != ExportFormat::kCsv) {
    return Usage("--bom/--no-bom apply to --format csv only");
  }
  invocation->bom = !flags.Has("no-bom");
  invocation->resume = flags.Has("resume");
  if (invocation->resume && invocation->format != ExportFormat::kJsonl) {
    return Usage("--resume continues JSONL exports only (--format jsonl)");
  }
  return absl::OkStatus();
}

}  // namespace

std::string CommandName(Command command) {
  switch (command) {
    case Command::kHelp:
      return "help";
    case Command::kGet:
      return "get";
    case Command::kExport:
      return "export";
    case Command::kCreate:
      return "create";
    case Command::kUpdate:
      return "update";
    case Command::kDelete:
      return "delete";
  }
  return "help";
}

absl::StatusOr<std::string> ResolveContactField(absl::string_view name) {
  const google::protobuf::Descriptor* descriptor = v1::Contact::descriptor();
  std::string proto_name(name);
  std::replace(proto_name.begin(), proto_name.end(), '-', '_');
  const FieldDescriptor* field = descriptor->FindFieldByName(proto_name);
  for (int i = 0; field == nullptr && i < descriptor->field_count(); ++i) {
    if (descriptor->field(i)->json_name() == name) field = descriptor->field(i);
  }
  // `extra` is the model's bucket for unknown members, not a GHL field.
  if (field == nullptr || field->name() == "extra") {
    return absl::InvalidArgumentError(absl::StrCat("unknown contact field '", name, "'"));
  }
  return field->name();
}

absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args, const EnvLookup& env,
                                     std::istream& in) {
  std::optional<Command> command;
  std::optional<Command> help_for;
  bool help = false;
  GivenFlags flags;
  const std::vector<FlagSpec> global_flags = GlobalFlags();
  std::vector<FlagSpec> command_flags;

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      help = true;
      continue;
    }
    if (absl::StartsWith(arg, "--") && arg.size() > 2) {
      const size_t eq = arg.find('=');
      const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const FlagSpec* spec = FindFlag(global_flags, name);
      if (spec == nullptr) spec = FindFlag(command_flags, name);
      if (spec == nullptr) {
        if (!command.has_value() && IsAnyCommandFlag(name)) {
          return Usage(absl::StrCat("--", name, " must come after the command (e.g. ghlctl get --", name, " ...)"));
        }
        return Usage(command.has_value()
                         ? absl::StrCat("unknown flag '--", name, "' for 'ghlctl ", CommandName(*command), "'")
                         : absl::StrCat("unknown flag '--", name, "'"));
      }
      std::string value;
      if (spec->kind == FlagKind::kBool) {
        if (eq != std::string::npos) return Usage(absl::StrCat("--", name, " takes no value"));
      } else if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Usage(absl::StrCat("--", name, " needs a value"));
      }
      if (spec->kind != FlagKind::kRepeated && flags.Has(name)) {
        return Usage(absl::StrCat("--", name, " given more than once"));
      }
      flags.ordered.emplace_back(name, std::move(value));
      continue;
    }
    if (absl::StartsWith(arg, "-") && arg != "-") return Usage(absl::StrCat("unknown flag '", arg, "'"));
    if (!command.has_value()) {
      command = CommandFromName(arg);
      if (!command.has_value()) return Usage(absl::StrCat("unknown command '", arg, "'"));
      command_flags = CommandFlags(*command);
      continue;
    }
    if (*command == Command::kHelp && !help_for.has_value()) {
      help_for = CommandFromName(arg);
      if (!help_for.has_value() || *help_for == Command::kHelp) {
        return Usage(absl::StrCat("unknown command '", arg, "'"));
      }
      continue;
    }
    return Usage(absl::StrCat("unexpected argument '", arg, "'"));
  }

  Invocation invocation;
  if (help || (command.has_value() && *command == Command::kHelp)) {
    invocation.command = Command::kHelp;
    invocation.help_for = help_for.has_value() ? help_for : command;
    if (invocation.help_for == Command::kHelp) invocation.help_for.reset();
    return invocation;
  }
  if (!command.has_value()) return Usage("no command given");
  invocation.command = *command;

  if (std::optional<std::string> gateway = flags.Get("gateway")) {
    if (gateway->empty()) return Usage("--gateway must not be empty");
    invocation.gateway = *gateway;
  } else if (std::optional<std::string> from_env = env ? env(kGatewayEnv) : std::nullopt;
             from_env.has_value() && !from_env->empty()) {
    invocation.gateway = *from_env;
  }
  if (std::optional<std::string> timeout = flags.Get("timeout")) {
    absl::StatusOr<absl::Duration> parsed = ParseTimeout(*timeout);
    if (!parsed.ok()) return parsed.status();
    invocation.timeout = *parsed;
  }

  absl::StatusOr<std::string> location = Required(flags, "location", *command);
  if (!location.ok()) return location.status();
  invocation.location_id = *location;

  if (*command == Command::kGet || *command == Command::kUpdate || *command == Command::kDelete) {
    absl::StatusOr<std::string> id = Required(flags, "id", *command);
    if (!id.ok()) return id.status();
    invocation.contact_id = *id;
  }
  if (std::optional<std::string> fields = flags.Get("fields")) {
    absl::StatusOr<std::vector<std::string>> paths = ParseFieldList(*fields);
    if (!paths.ok()) return paths.status();
    invocation.read_mask = *std::move(paths);
  }

  absl::Status status;
  switch (*command) {
    case Command::kExport:
      status = BuildExport(flags, &invocation);
      break;
    case Command::kCreate:
    case Command::kUpdate:
      status = BuildContact(*command, flags, in, &invocation);
      if (*command == Command::kUpdate) invocation.contact.set_id(invocation.contact_id);
      break;
    default:
      break;
  }
  if (!status.ok()) return status;
  return invocation;
}

std::string GeneralUsage() {
  return absl::StrCat(R"(ghlctl: command-line client of the GHL Contacts gateway.

Usage: ghlctl [global flags] <command> [flags]

Commands:
  get      Print one contact as GHL JSON.
  export   Write every contact of a location to a JSONL or CSV file.
  create   Create a contact and print it.
  update   Update the given fields of a contact and print it.
  delete   Delete a contact.
  help     Print this help, or a command's help (ghlctl help export).

Command groups (ghlctl <group> --help for each):
)",
                      GroupSummaries(), R"(
Global flags (before or after the command):
  --gateway HOST:PORT  Gateway address. Default: $GHL_GATEWAY, else 127.0.0.1:50051.
  --timeout DURATION   Deadline of each call: 30s, 500ms, 2m or plain seconds
                       (default 30s). An export has no overall deadline; it
                       reconnects after a broken stream and resumes.
  -h, --help           Show help (ghlctl <command> --help for a command).

Environment (no flag: keep secrets out of `ps`):
  GHL_GATEWAY          Gateway address when --gateway is not given
                       (default 127.0.0.1:50051).
  GHL_API_KEY          Gateway API key, sent as `authorization: Bearer KEY`
                       (default: none; needed when the gateway has --state).
  GHL_GATEWAY_TLS      1: connect with TLS, system roots (default: plaintext).
  GHL_GATEWAY_TLS_CA   PEM CA bundle to trust; implies TLS (default: none).

Exit status: 0 success; 1 the gateway returned an error; 2 usage error;
3 local error (e.g. the output file cannot be written); 4 a doctor check
failed; 130 sync stopped by a signal mid-run. Errors are printed to
stderr as "error: <gRPC code>: <message>".
)");
}

std::string CommandUsage(Command command) {
  static constexpr char kFieldFlags[] = R"(Field flags (GHL contact fields):
  --first-name, --last-name, --name, --email, --phone, --company-name,
  --website, --type, --source, --assigned-to, --address1, --city, --state,
  --country, --postal-code, --timezone, --gender, --date-of-birth  TEXT
  --dnd true|false
  --tag TAG            Repeatable. The contact's tags become exactly these
                       (GHL replaces the tag list). A tag may hold spaces and
                       commas; quote it for the shell.
  --field ID_OR_KEY=VALUE
                       Repeatable. A custom field by id (MgobCB14YMVKuE4Ka8p1)
                       or by key (contact.lead_score: anything with a dot).
                       Repeat the same field for a multi-value field
                       (--field consent=SMS --field consent=Email).
  --field ID_OR_KEY:=JSON
                       The value as JSON: a number (:=42.5), a list
                       (:='["SMS","Email"]'), or any JSON value.
  --json JSON|@FILE|-  The contact as GHL JSON (as `ghlctl get` prints it),
                       inline, from FILE, or from stdin. Not combinable with
                       field flags.
)";
  switch (command) {
    case Command::kHelp:
      return GeneralUsage();
    case Command::kGet:
      return R"(Usage: ghlctl get --location L --id C [--fields a,b]

Prints one contact as GHL JSON (pretty-printed, UTF-8) on stdout.

Flags:
  --location L     GHL location (sub-account) id. Required.
  --id C           Contact id. Required.
  --fields a,b     Only these fields (the read mask; the id is always
                   returned). Names as in GHL JSON (firstName) or proto
                   (first_name).
)";
    case Command::kExport:
      return R"(Usage: ghlctl export --location L --format jsonl|csv --out FILE
                     [--page-size N] [--query Q] [--fields a,b] [--no-bom] [--resume]

Writes every contact of a location to FILE. The file appears only when the
export is complete (it is written as FILE.partial, then renamed). A broken
stream is resumed from the last page received: nothing is lost or repeated.
A JSONL export that fails anyway (gateway gone for good, ghlctl killed)
keeps FILE.partial and a checkpoint (FILE.partial.resume, updated after
every page); run the same command with --resume to continue it.

Progress goes to stderr: a live bar on a terminal, otherwise one line every
10 s. At the end one summary line goes to stdout:
  exported 5000 contacts in 50 pages in 3.2 s (1562 contacts/s) to FILE

Flags:
  --location L     GHL location id. Required.
  --out FILE       Output file. Required.
  --format F       jsonl or csv; may be omitted when FILE ends in .jsonl or .csv.
  --page-size N    Contacts per upstream page, 1-100 (default: the gateway's, 100).
  --resume         Continue the interrupted JSONL export to FILE from its
                   checkpoint (same --location, --query, --page-size, --fields).
  --query Q        GHL free-text contact query; default all contacts.
  --fields a,b     Only these fields per contact (read mask).
  --no-bom         CSV: do not start the file with a UTF-8 BOM.
  --bom            CSV: start the file with a UTF-8 BOM (the default).

JSONL: one contact per line, exactly GHL's JSON for the contact, UTF-8.

CSV (RFC 4180, CRLF line ends, one header row, UTF-8):
  - By default the file starts with a UTF-8 BOM so Excel shows non-ASCII text
    correctly; LibreOffice, Google Sheets and pandas (utf-8-sig) accept it.
  - Fixed columns: id, locationId, firstName, lastName, name, email, phone,
    companyName, website, type, source, assignedTo, address1, city, state,
    country, postalCode, timezone, gender, dateOfBirth, dnd, businessId,
    dateAdded, dateUpdated, lastActivity, tags, followers.
  - tags (and followers, list custom fields): values joined with "|" in one
    cell; a "|" or "\" inside a value is written "\|" or "\\".
  - One column "customField.<id>" per custom field, sorted by id.
  - Nested objects (dndSettings, attribution) are not in the CSV; use JSONL
    for a lossless export.
  - Cells are never altered: a value starting with = + - @ (e.g. a phone
    +1555...) may be read as a formula by spreadsheets.
)";
    case Command::kCreate:
      return absl::StrCat(R"(Usage: ghlctl create --location L (--json JSON | field flags...)

Creates a contact and prints it as GHL JSON. Not retried: a create that may
have reached GHL is never sent twice.

Flags:
  --location L     GHL location id. Required.
)",
                          kFieldFlags);
    case Command::kUpdate:
      return absl::StrCat(R"(Usage: ghlctl update --location L --id C (--json JSON | field flags...)
                     [--clear FIELD]...

Updates exactly the fields given (the update mask is the set of field flags,
--clear flags, or the top-level members of --json) and prints the contact.

Flags:
  --location L     GHL location id. Required.
  --id C           Contact id. Required.
  --clear FIELD    Repeatable. Sets FIELD to null / empty (e.g. --clear
                   website, --clear tags). Names as in GHL JSON or proto.
)",
                          kFieldFlags);
    case Command::kDelete:
      return R"(Usage: ghlctl delete --location L --id C

Deletes a contact and prints "deleted contact C".

Flags:
  --location L     GHL location id. Required.
  --id C           Contact id. Required.
)";
  }
  return GeneralUsage();
}

}  // namespace ghl::client::ghlctl
