#include "client/field_mapping.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "adapters/ghl/contacts/contact_mapping.h"

namespace ghl::client {
namespace {

namespace v1 = ::ghl::contacts::v1;

constexpr char kCustomIdPrefix[] = "customField:";
constexpr char kCustomKeyPrefix[] = "customField.key:";

// Calling codes of the countries the mapping accepts as a default country:
// the demo data's nine locales and a few more. NANP countries drop a
// leading trunk "1", the others a leading "0", except Italy, which has no
// trunk prefix: its national numbers keep their "0" after +39
// ("06 1234 5678" is +39 06 1234 5678).
struct CallingCode {
  const char* country;
  const char* code;
  bool nanp;
  bool keeps_zero = false;
};
constexpr CallingCode kCallingCodes[] = {
    {"US", "1", true},   {"CA", "1", true},   {"MX", "52", false}, {"BR", "55", false}, {"FR", "33", false},
    {"DE", "49", false}, {"JP", "81", false}, {"IN", "91", false}, {"AE", "971", false}, {"CN", "86", false},
    {"GB", "44", false}, {"ES", "34", false}, {"IT", "39", false, true}, {"NL", "31", false}, {"AU", "61", false},
};

const CallingCode* FindCallingCode(absl::string_view country) {
  for (const CallingCode& c : kCallingCodes) {
    if (country == c.country) return &c;
  }
  return nullptr;
}

// An intermediate value: what the GHL JSON held, before the type conversion.
struct Work {
  enum class Kind { kNull, kString, kNumber, kBool, kList } kind = Kind::kNull;
  std::string text;  // kString; kNumber as written
  double number = 0;
  bool flag = false;
  std::vector<std::string> list;
};

std::string JsonText(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<Work> WorkOf(const rapidjson::Value& v) {
  Work w;
  if (v.IsNull()) return w;
  if (v.IsString()) {
    w.kind = Work::Kind::kString;
    w.text.assign(v.GetString(), v.GetStringLength());
  } else if (v.IsNumber()) {
    w.kind = Work::Kind::kNumber;
    w.number = v.GetDouble();
    w.text = JsonText(v);
  } else if (v.IsBool()) {
    w.kind = Work::Kind::kBool;
    w.flag = v.GetBool();
  } else if (v.IsArray()) {
    w.kind = Work::Kind::kList;
    for (const auto& item : v.GetArray()) {
      if (item.IsString()) {
        w.list.emplace_back(item.GetString(), item.GetStringLength());
      } else if (item.IsNumber() || item.IsBool()) {
        w.list.push_back(JsonText(item));
      } else {
        return std::nullopt;
      }
    }
  } else {
    return std::nullopt;  // an object: not a value a Rankr field can hold
  }
  return w;
}

bool IsNanpLike(const CallingCode& c) { return c.nanp; }

absl::Status ParseError(absl::string_view file, int line, absl::string_view name, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", name, ": ", why));
}

bool ValidFor(Transform::Kind kind, RankrType type) {
  switch (kind) {
    case Transform::Kind::kTrim:
    case Transform::Kind::kLower:
      return type == RankrType::kString || type == RankrType::kStringList;
    case Transform::Kind::kE164:
    case Transform::Kind::kSplitName:
    case Transform::Kind::kDate:
      return type == RankrType::kString;
    case Transform::Kind::kDefault:
      return true;
  }
  return false;
}

absl::StatusOr<RankrType> ParseType(absl::string_view text) {
  if (text == "string") return RankrType::kString;
  if (text == "int") return RankrType::kInt;
  if (text == "double") return RankrType::kDouble;
  if (text == "bool") return RankrType::kBool;
  if (text == "timestamp") return RankrType::kTimestamp;
  if (text == "string_list") return RankrType::kStringList;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown type '", text, "' (string, int, double, bool, timestamp, string_list)"));
}

// Converts a work value to the entry's type; an error says why (no value).
absl::StatusOr<RankrValue> ToType(const Work& w, RankrType type) {
  RankrValue out;
  if (w.kind == Work::Kind::kNull) return out;
  switch (type) {
    case RankrType::kString:
      out.kind = RankrValue::Kind::kString;
      if (w.kind == Work::Kind::kString || w.kind == Work::Kind::kNumber) {
        out.text = w.text;
      } else if (w.kind == Work::Kind::kBool) {
        out.text = w.flag ? "true" : "false";
      } else {
        return absl::InvalidArgumentError("a list is not a string (use type string_list)");
      }
      return out;
    case RankrType::kInt: {
      out.kind = RankrValue::Kind::kInt;
      if (w.kind == Work::Kind::kNumber) {
        if (w.number != std::floor(w.number) || std::fabs(w.number) > 9.0e15) {
          return absl::InvalidArgumentError("the number is not an integer");
        }
        out.int_value = static_cast<int64_t>(w.number);
        return out;
      }
      if (w.kind == Work::Kind::kString &&
          absl::SimpleAtoi(absl::StripAsciiWhitespace(w.text), &out.int_value)) {
        return out;
      }
      return absl::InvalidArgumentError("the value is not an integer");
    }
    case RankrType::kDouble:
      out.kind = RankrValue::Kind::kDouble;
      if (w.kind == Work::Kind::kNumber) {
        out.double_value = w.number;
        return out;
      }
      if (w.kind == Work::Kind::kString &&
          absl::SimpleAtod(absl::StripAsciiWhitespace(w.text), &out.double_value) &&
          std::isfinite(out.double_value)) {
        return out;
      }
      return absl::InvalidArgumentError("the value is not a number");
    case RankrType::kBool:
      out.kind = RankrValue::Kind::kBool;
      if (w.kind == Work::Kind::kBool) {
        out.bool_value = w.flag;
        return out;
      }
      if (w.kind == Work::Kind::kString && absl::SimpleAtob(w.text, &out.bool_value)) return out;
      return absl::InvalidArgumentError("the value is not a boolean");
    case RankrType::kTimestamp: {
      if (w.kind != Work::Kind::kString) return absl::InvalidArgumentError("the value is not an RFC 3339 date-time");
      absl::StatusOr<absl::Time> t = ParseRfc3339(w.text);
      if (!t.ok()) return t.status();
      out.kind = RankrValue::Kind::kTimestamp;
      out.text = FormatRfc3339Millis(*t);
      return out;
    }
    case RankrType::kStringList:
      out.kind = RankrValue::Kind::kStringList;
      if (w.kind == Work::Kind::kList) {
        out.list = w.list;
      } else if (w.kind == Work::Kind::kString || w.kind == Work::Kind::kNumber) {
        out.list = {w.text};
      } else {
        out.list = {w.flag ? "true" : "false"};
      }
      return out;
  }
  return absl::InternalError("unknown type");
}

// Applies one transform; an error says why (never the value).
absl::Status ApplyTransform(const Transform& t, Work* w) {
  if (t.kind == Transform::Kind::kDefault) return absl::OkStatus();  // applied before the chain
  if (w->kind == Work::Kind::kNull) return absl::OkStatus();
  const auto each_string = [&](auto fn) -> absl::Status {
    if (w->kind == Work::Kind::kList) {
      for (std::string& s : w->list) fn(s);
      return absl::OkStatus();
    }
    if (w->kind != Work::Kind::kString) return absl::InvalidArgumentError("the value is not text");
    fn(w->text);
    return absl::OkStatus();
  };
  switch (t.kind) {
    case Transform::Kind::kTrim:
      return each_string([](std::string& s) { s = std::string(absl::StripAsciiWhitespace(s)); });
    case Transform::Kind::kLower:
      // ASCII letters only: e-mail addresses and tags are ASCII in GHL's
      // data, and other scripts are kept byte for byte (never half-lowered).
      return each_string([](std::string& s) { absl::AsciiStrToLower(&s); });
    case Transform::Kind::kE164: {
      if (w->kind != Work::Kind::kString) return absl::InvalidArgumentError("e164: the value is not text");
      absl::StatusOr<std::string> phone = NormalizeE164(w->text, t.arg);
      if (!phone.ok()) return phone.status();
      w->text = *std::move(phone);
      return absl::OkStatus();
    }
    case Transform::Kind::kSplitName: {
      if (w->kind != Work::Kind::kString) return absl::InvalidArgumentError("split_name: the value is not text");
      auto [first, last] = SplitName(w->text);
      w->text = t.arg == "first" ? first : last;
      if (w->text.empty()) w->kind = Work::Kind::kNull;
      return absl::OkStatus();
    }
    case Transform::Kind::kDate: {
      if (w->kind != Work::Kind::kString) return absl::InvalidArgumentError("date: the value is not a date-time");
      absl::StatusOr<absl::Time> time = ParseRfc3339(w->text);
      if (!time.ok()) return absl::InvalidArgumentError("date: the value is not an RFC 3339 date-time");
      w->text = absl::FormatTime(t.arg, *time, absl::UTCTimeZone());
      return absl::OkStatus();
    }
    case Transform::Kind::kDefault:
      break;
  }
  return absl::OkStatus();
}

absl::StatusOr<Transform> ParseTransform(absl::string_view text, RankrType type) {
  Transform t;
  absl::string_view name = text;
  std::optional<std::string> arg;
  const size_t open = text.find('(');
  if (open != absl::string_view::npos) {
    if (text.back() != ')') return absl::InvalidArgumentError(absl::StrCat("transform '", text, "': missing ')'"));
    name = absl::StripAsciiWhitespace(text.substr(0, open));
    arg = std::string(text.substr(open + 1, text.size() - open - 2));
  }
  const auto need_arg = [&](absl::string_view what) -> absl::Status {
    if (!arg.has_value() || arg->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(name, " needs an argument: ", name, "(", what, ")"));
    }
    return absl::OkStatus();
  };
  const auto no_arg = [&]() -> absl::Status {
    if (arg.has_value()) return absl::InvalidArgumentError(absl::StrCat(name, " takes no argument"));
    return absl::OkStatus();
  };
  absl::Status status;
  if (name == "trim") {
    t.kind = Transform::Kind::kTrim;
    status = no_arg();
  } else if (name == "lower") {
    t.kind = Transform::Kind::kLower;
    status = no_arg();
  } else if (name == "e164") {
    t.kind = Transform::Kind::kE164;
    status = need_arg("COUNTRY");
    if (status.ok() && !KnownCallingCountry(*arg)) {
      status = absl::InvalidArgumentError(absl::StrCat("e164: unknown default country '", *arg, "'"));
    }
  } else if (name == "split_name") {
    t.kind = Transform::Kind::kSplitName;
    status = need_arg("first|last");
    if (status.ok() && *arg != "first" && *arg != "last") {
      status = absl::InvalidArgumentError("split_name takes first or last");
    }
  } else if (name == "date") {
    t.kind = Transform::Kind::kDate;
    status = need_arg("FORMAT");
  } else if (name == "default") {
    t.kind = Transform::Kind::kDefault;
    if (!arg.has_value()) status = absl::InvalidArgumentError("default needs a value: default(VALUE)");
    if (status.ok()) {
      Work w;
      w.kind = Work::Kind::kString;
      w.text = *arg;
      if (type == RankrType::kStringList) {
        w.kind = Work::Kind::kList;
        for (absl::string_view item : absl::StrSplit(*arg, ',', absl::SkipEmpty())) {
          w.list.emplace_back(absl::StripAsciiWhitespace(item));
        }
      }
      absl::StatusOr<RankrValue> value = ToType(w, type);
      if (!value.ok()) {
        status = absl::InvalidArgumentError(
            absl::StrCat("default(", *arg, ") is not a ", RankrTypeName(type), ": ", value.status().message()));
      } else {
        t.default_value = *std::move(value);
      }
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown transform '", name, "' (trim, lower, e164, split_name, date, default)"));
  }
  if (!status.ok()) return status;
  if (arg.has_value()) t.arg = *arg;
  if (!ValidFor(t.kind, type)) {
    return absl::InvalidArgumentError(
        absl::StrCat("transform ", name, " is not valid for type ", RankrTypeName(type)));
  }
  return t;
}

// The GHL JSON name of a top-level Contact field given by JSON or proto name.
std::optional<std::string> StandardField(absl::string_view name) {
  const google::protobuf::Descriptor* d = v1::Contact::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->name() == "extra") continue;
    if (f->name() == name || f->json_name() == name) return f->json_name();
  }
  return std::nullopt;
}

bool ValidTargetName(absl::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

void WriteValue(const RankrValue& v, rapidjson::Writer<rapidjson::StringBuffer>* w) {
  switch (v.kind) {
    case RankrValue::Kind::kNull:
      w->Null();
      break;
    case RankrValue::Kind::kString:
    case RankrValue::Kind::kTimestamp:
      w->String(v.text.data(), static_cast<rapidjson::SizeType>(v.text.size()));
      break;
    case RankrValue::Kind::kInt:
      w->Int64(v.int_value);
      break;
    case RankrValue::Kind::kDouble:
      w->Double(v.double_value);
      break;
    case RankrValue::Kind::kBool:
      w->Bool(v.bool_value);
      break;
    case RankrValue::Kind::kStringList:
      w->StartArray();
      for (const std::string& s : v.list) w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      w->EndArray();
      break;
  }
}

}  // namespace

absl::string_view RankrTypeName(RankrType type) {
  switch (type) {
    case RankrType::kString:
      return "string";
    case RankrType::kInt:
      return "int";
    case RankrType::kDouble:
      return "double";
    case RankrType::kBool:
      return "bool";
    case RankrType::kTimestamp:
      return "timestamp";
    case RankrType::kStringList:
      return "string_list";
  }
  return "?";
}

std::string RankrValue::ToJson() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  WriteValue(*this, &writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool RankrValue::operator==(const RankrValue& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kNull:
      return true;
    case Kind::kString:
    case Kind::kTimestamp:
      return text == o.text;
    case Kind::kInt:
      return int_value == o.int_value;
    case Kind::kDouble:
      return double_value == o.double_value;
    case Kind::kBool:
      return bool_value == o.bool_value;
    case Kind::kStringList:
      return list == o.list;
  }
  return false;
}

std::string RankrRecord::ToJson() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("ghl_id");
  w.String(ghl_id.data(), static_cast<rapidjson::SizeType>(ghl_id.size()));
  w.Key("updated_at");
  w.String(updated_at.data(), static_cast<rapidjson::SizeType>(updated_at.size()));
  for (const auto& [name, value] : fields) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    WriteValue(value, &w);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

const RankrValue* RankrRecord::Find(absl::string_view name) const {
  for (const auto& [field, value] : fields) {
    if (field == name) return &value;
  }
  return nullptr;
}

absl::StatusOr<FieldMapping> FieldMapping::Parse(absl::string_view file, absl::string_view text) {
  FieldMapping mapping;
  std::set<std::string> targets;
  int line_no = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line[0] == '#') continue;
    if (absl::StartsWith(line, "key ") || absl::StartsWith(line, "key\t")) {
      std::vector<absl::string_view> parts = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
      if (parts.size() != 3) return ParseError(file, line_no, "key", "expected 'key <custom field key> <id>'");
      if (!mapping.key_ids_.emplace(std::string(parts[1]), std::string(parts[2])).second) {
        return ParseError(file, line_no, parts[1], "custom field key declared twice");
      }
      continue;
    }
    const size_t arrow = line.find("->");
    if (arrow == absl::string_view::npos) {
      return ParseError(file, line_no, line.substr(0, line.find(' ')),
                        "expected 'GHL_FIELD -> RANKR_FIELD TYPE [| TRANSFORM]...'");
    }
    MappingEntry entry;
    entry.line = line_no;
    entry.source = std::string(absl::StripAsciiWhitespace(line.substr(0, arrow)));
    std::vector<absl::string_view> chain = absl::StrSplit(line.substr(arrow + 2), '|');
    std::vector<absl::string_view> head = absl::StrSplit(chain[0], absl::ByAnyChar(" \t"), absl::SkipEmpty());
    const std::string name = head.empty() ? entry.source : std::string(head[0]);
    if (head.size() != 2) return ParseError(file, line_no, name, "expected 'RANKR_FIELD TYPE' after '->'");
    entry.target = std::string(head[0]);
    if (!ValidTargetName(entry.target)) {
      return ParseError(file, line_no, name, "a Rankr field name is letters, digits and '_', not starting with a digit");
    }
    if (entry.target == "ghl_id" || entry.target == "updated_at" || entry.target == "deleted") {
      return ParseError(file, line_no, name, "reserved Rankr field (ghl_id, updated_at, deleted are the sync's own)");
    }
    absl::StatusOr<RankrType> type = ParseType(head[1]);
    if (!type.ok()) return ParseError(file, line_no, name, type.status().message());
    entry.type = *type;
    if (absl::StartsWith(entry.source, kCustomKeyPrefix)) {
      entry.source_kind = MappingEntry::SourceKind::kCustomFieldKey;
      entry.source_name = entry.source.substr(sizeof(kCustomKeyPrefix) - 1);
    } else if (absl::StartsWith(entry.source, kCustomIdPrefix)) {
      entry.source_kind = MappingEntry::SourceKind::kCustomFieldId;
      entry.source_name = entry.source.substr(sizeof(kCustomIdPrefix) - 1);
    } else {
      std::optional<std::string> json_name = StandardField(entry.source);
      if (!json_name.has_value()) {
        return ParseError(file, line_no, name,
                          absl::StrCat("unknown GHL field '", entry.source,
                                       "' (a Contact field such as email or firstName, customField:<id>, "
                                       "customField.key:<key>)"));
      }
      entry.source_name = *json_name;
    }
    if (entry.source_kind != MappingEntry::SourceKind::kStandard && entry.source_name.empty()) {
      return ParseError(file, line_no, name, "a custom field needs an id or key after ':'");
    }
    for (size_t i = 1; i < chain.size(); ++i) {
      absl::string_view step = absl::StripAsciiWhitespace(chain[i]);
      if (step.empty()) return ParseError(file, line_no, name, "empty transform between '|'");
      absl::StatusOr<Transform> t = ParseTransform(step, entry.type);
      if (!t.ok()) return ParseError(file, line_no, name, t.status().message());
      entry.transforms.push_back(*std::move(t));
    }
    if (!targets.insert(entry.target).second) {
      return ParseError(file, line_no, name, "duplicate Rankr field (each target is filled by one line)");
    }
    mapping.entries_.push_back(std::move(entry));
  }
  if (mapping.entries_.empty()) return ParseError(file, 1, "mapping", "no entries");
  return mapping;
}

absl::StatusOr<FieldMapping> FieldMapping::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the mapping file"));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(path, text.str());
}

const rapidjson::Value* FieldMapping::FindSource(const rapidjson::Value& doc, const MappingEntry& entry) const {
  if (entry.source_kind == MappingEntry::SourceKind::kStandard) {
    auto it = doc.FindMember(entry.source_name.c_str());
    return it == doc.MemberEnd() ? nullptr : &it->value;
  }
  auto custom = doc.FindMember("customFields");
  if (custom == doc.MemberEnd() || !custom->value.IsArray()) return nullptr;
  std::string id;
  if (entry.source_kind == MappingEntry::SourceKind::kCustomFieldId) {
    id = entry.source_name;
  } else if (auto k = key_ids_.find(entry.source_name); k != key_ids_.end()) {
    id = k->second;
  }
  for (const auto& item : custom->value.GetArray()) {
    if (!item.IsObject()) continue;
    auto idm = item.FindMember("id");
    auto keym = item.FindMember("key");
    const bool match =
        (!id.empty() && idm != item.MemberEnd() && idm->value.IsString() && id == idm->value.GetString()) ||
        (entry.source_kind == MappingEntry::SourceKind::kCustomFieldKey && keym != item.MemberEnd() &&
         keym->value.IsString() && entry.source_name == keym->value.GetString());
    if (!match) continue;
    auto value = item.FindMember("value");
    return value == item.MemberEnd() ? nullptr : &value->value;
  }
  return nullptr;
}

std::vector<std::string> FieldMapping::SourceValues(const v1::Contact& contact) const {
  rapidjson::Document doc;
  ghl::contacts::ContactToJson(contact, &doc, doc.GetAllocator());
  std::vector<std::string> out;
  for (const MappingEntry& entry : entries_) {
    const rapidjson::Value* v = FindSource(doc, entry);
    out.push_back(v == nullptr ? "" : JsonText(*v));
  }
  return out;
}

RankrRecord FieldMapping::Apply(const v1::Contact& contact) const {
  RankrRecord record;
  record.ghl_id = contact.id();
  rapidjson::Document doc;
  ghl::contacts::ContactToJson(contact, &doc, doc.GetAllocator());
  if (auto it = doc.FindMember("dateUpdated"); it != doc.MemberEnd() && it->value.IsString()) {
    record.updated_at = it->value.GetString();
  }
  for (const MappingEntry& entry : entries_) {
    const rapidjson::Value* source = FindSource(doc, entry);
    RankrValue value;
    std::optional<Work> work = source == nullptr ? Work{} : WorkOf(*source);
    if (!work.has_value()) {
      record.warnings.push_back({entry.target, absl::StrCat(entry.source, ": an object is not a value")});
      record.fields.emplace_back(entry.target, value);
      continue;
    }
    absl::Status status;
    for (const Transform& t : entry.transforms) {
      status = ApplyTransform(t, &*work);
      if (!status.ok()) break;
    }
    if (status.ok()) {
      absl::StatusOr<RankrValue> typed = ToType(*work, entry.type);
      if (typed.ok()) {
        value = *std::move(typed);
      } else {
        status = typed.status();
      }
    }
    if (!status.ok()) {
      record.warnings.push_back({entry.target, absl::StrCat(entry.source, ": ", status.message())});
      value = RankrValue();
    }
    if (value.is_null() && status.ok()) {
      for (const Transform& t : entry.transforms) {
        if (t.kind == Transform::Kind::kDefault) value = t.default_value;
      }
    }
    record.fields.emplace_back(entry.target, std::move(value));
  }
  return record;
}

std::string FieldMapping::Fingerprint() const {
  // FNV-1a 64 over a canonical text: stable across builds and machines.
  std::string canonical;
  for (const auto& [key, id] : key_ids_) absl::StrAppend(&canonical, "key\x1f", key, "\x1f", id, "\x1e");
  for (const MappingEntry& e : entries_) {
    absl::StrAppend(&canonical, e.source, "\x1f", e.target, "\x1f", RankrTypeName(e.type));
    for (const Transform& t : e.transforms) {
      absl::StrAppend(&canonical, "\x1f", static_cast<int>(t.kind), "(", t.arg, ")");
    }
    absl::StrAppend(&canonical, "\x1e");
  }
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : canonical) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return absl::StrCat(absl::Hex(hash, absl::kZeroPad16));
}

bool KnownCallingCountry(absl::string_view country) { return FindCallingCode(country) != nullptr; }

absl::StatusOr<std::string> NormalizeE164(absl::string_view phone, absl::string_view default_country) {
  std::string text(absl::StripAsciiWhitespace(phone));
  // Drop an extension: "x12", "ext. 12", "ext12", ";ext=12".
  std::string lower = absl::AsciiStrToLower(text);
  for (const char* marker : {";ext=", "ext", "x", "#"}) {
    const size_t at = lower.find(marker);
    if (at != std::string::npos && at > 0) {
      text.resize(at);
      lower.resize(at);
    }
  }
  // "+44 (0)20 ...": an international number may show its trunk prefix in
  // parentheses; it is not dialled from abroad, so it is no digit of the
  // E.164 form.
  if (absl::StartsWith(text, "+") || absl::StartsWith(text, "00")) {
    text = absl::StrReplaceAll(text, {{"(0)", ""}});
  }
  bool international = false;
  std::string digits;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && digits.empty() && !international) {
      international = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\t') {
      continue;
    } else {
      return absl::InvalidArgumentError("e164: the phone holds characters other than digits and separators");
    }
  }
  if (!international && absl::StartsWith(digits, "00")) {
    international = true;
    digits = digits.substr(2);
  }
  if (!international) {
    const CallingCode* cc = FindCallingCode(default_country);
    if (cc == nullptr) return absl::InvalidArgumentError("e164: unknown default country");
    if (IsNanpLike(*cc)) {
      if (digits.size() == 11 && digits[0] == '1') digits = digits.substr(1);
      if (digits.size() != 10) return absl::InvalidArgumentError("e164: a NANP number has 10 digits");
    } else if (!cc->keeps_zero) {
      while (!digits.empty() && digits[0] == '0') digits = digits.substr(1);
    }
    digits = absl::StrCat(cc->code, digits);
  }
  if (digits.size() < 8 || digits.size() > 15) {
    return absl::InvalidArgumentError("e164: a phone number has 8 to 15 digits with its country code");
  }
  if (digits[0] == '0') return absl::InvalidArgumentError("e164: a country code does not start with 0");
  return absl::StrCat("+", digits);
}

std::pair<std::string, std::string> SplitName(absl::string_view full_name) {
  // Words are separated by ASCII whitespace, the no-break space and the
  // ideographic space (what Japanese and Chinese input methods type).
  const std::string spaced = absl::StrReplaceAll(full_name, {{"\u3000", " "}, {"\u00a0", " "}});
  std::vector<absl::string_view> words = absl::StrSplit(spaced, absl::ByAnyChar(" \t\r\n\f\v"), absl::SkipEmpty());
  if (words.empty()) return {"", ""};
  std::string first(words[0]);
  words.erase(words.begin());
  return {first, absl::StrJoin(words, " ")};
}

absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError("not an RFC 3339 date-time");
  }
  return time;
}

std::string FormatRfc3339Millis(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

}  // namespace ghl::client
