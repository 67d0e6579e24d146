#include "tools/ghl-sandbox/dataset_loader.h"

#include <cstdio>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace ghl::sandbox {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::string data;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) data.append(buf, n);
  if (std::ferror(f.get())) return absl::DataLossError(absl::StrCat("error reading ", path));
  return data;
}

// Calls fn(line_number, line) for each non-blank line, whitespace-trimmed.
template <typename Fn>
absl::Status ForEachLine(absl::string_view data, Fn fn) {
  size_t line_no = 0;
  while (!data.empty()) {
    const size_t end = data.find('\n');
    absl::string_view line = data.substr(0, end);
    data = end == absl::string_view::npos ? absl::string_view() : data.substr(end + 1);
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    absl::Status s = fn(line_no, line);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ParseLine(absl::string_view file, size_t line_no, absl::string_view line,
                       rapidjson::Document* doc) {
  doc->Parse<rapidjson::kParseFullPrecisionFlag>(line.data(), line.size());
  if (doc->HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat(file, " line ", line_no, ": ",
                                                   rapidjson::GetParseError_En(doc->GetParseError()),
                                                   " at offset ", doc->GetErrorOffset()));
  }
  if (!doc->IsObject()) {
    return absl::InvalidArgumentError(absl::StrCat(file, " line ", line_no, ": not a JSON object"));
  }
  return absl::OkStatus();
}

std::vector<std::string> StringArray(const rapidjson::Value& obj, const char* name) {
  std::vector<std::string> out;
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray()) {
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

std::string StringMember(const rapidjson::Value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

absl::StatusOr<size_t> LoadRelated(const std::string& dir, const char* file, RelatedKind kind,
                                   ContactStore* store) {
  const std::string path = absl::StrCat(dir, "/", file);
  auto data = ReadWholeFile(path);
  if (absl::IsNotFound(data.status())) return 0;
  if (!data.ok()) return data.status();
  size_t count = 0;
  absl::Status s = ForEachLine(*data, [&](size_t line_no, absl::string_view line) {
    rapidjson::Document doc;
    absl::Status parsed = ParseLine(file, line_no, line, &doc);
    if (!parsed.ok()) return parsed;
    std::string contact_id = StringMember(doc, "contactId");
    if (contact_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(file, " line ", line_no, ": no \"contactId\""));
    }
    store->AddRelated(kind, contact_id,
                      RelatedRecord{StringMember(doc, "id"), std::string(line)});
    ++count;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return count;
}

}  // namespace

absl::StatusOr<LocationInfo> ParseLocationJson(absl::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::InvalidArgumentError("location.json is not a JSON object");
  }
  LocationInfo info;
  info.id = StringMember(doc, "locationId");
  if (info.id.empty()) return absl::InvalidArgumentError("location.json has no string \"locationId\"");
  const auto fields = doc.FindMember("customFields");
  if (fields != doc.MemberEnd()) {
    if (!fields->value.IsArray()) {
      return absl::InvalidArgumentError("location.json \"customFields\" must be an array");
    }
    for (const auto& f : fields->value.GetArray()) {
      if (!f.IsObject()) return absl::InvalidArgumentError("location.json custom field is not an object");
      CustomFieldDefinition def;
      def.id = StringMember(f, "id");
      def.key = StringMember(f, "key");
      def.name = StringMember(f, "name");
      def.data_type = StringMember(f, "dataType");
      def.options = StringArray(f, "options");
      if (def.id.empty()) return absl::InvalidArgumentError("location.json custom field without \"id\"");
      info.custom_fields.push_back(std::move(def));
    }
  }
  info.users = StringArray(doc, "users");
  info.businesses = StringArray(doc, "businesses");
  return info;
}

absl::StatusOr<DatasetSummary> LoadDataset(const std::string& dir, ContactStore* store) {
  auto location_text = ReadWholeFile(absl::StrCat(dir, "/location.json"));
  if (!location_text.ok()) return location_text.status();
  auto location = ParseLocationJson(*location_text);
  if (!location.ok()) return location.status();
  DatasetSummary summary;
  summary.location_id = location->id;
  store->PutLocation(*std::move(location));

  auto contacts_text = ReadWholeFile(absl::StrCat(dir, "/contacts.jsonl"));
  if (!contacts_text.ok()) return contacts_text.status();
  std::vector<ContactRecord> records;
  absl::Status s = ForEachLine(*contacts_text, [&](size_t line_no, absl::string_view line) {
    rapidjson::Document doc;
    absl::Status parsed = ParseLine("contacts.jsonl", line_no, line, &doc);
    if (!parsed.ok()) return parsed;
    auto record = ContactRecord::FromValue(doc, std::string(line));
    if (!record.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("contacts.jsonl line ", line_no, ": ", record.status().message()));
    }
    records.push_back(*std::move(record));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  summary.contacts = records.size();
  s = store->AddContacts(std::move(records));
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("contacts.jsonl: ", s.message()));

  auto tasks = LoadRelated(dir, "tasks.jsonl", RelatedKind::kTask, store);
  if (!tasks.ok()) return tasks.status();
  auto notes = LoadRelated(dir, "notes.jsonl", RelatedKind::kNote, store);
  if (!notes.ok()) return notes.status();
  auto appointments = LoadRelated(dir, "appointments.jsonl", RelatedKind::kAppointment, store);
  if (!appointments.ok()) return appointments.status();
  summary.tasks = *tasks;
  summary.notes = *notes;
  summary.appointments = *appointments;
  return summary;
}

}  // namespace ghl::sandbox
