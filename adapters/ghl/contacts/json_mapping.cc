// Reflection-driven GHL JSON <-> protobuf mapping (see json_mapping.h).
//
// Decisions for malformed input (tested in contact_mapping_test.cc and
// json_mapping_test.cc):
// - JSON nested deeper than kMaxJsonDepth is refused, because protobuf could
//   not parse the resulting message again (recursion limit 100).
// - A string that is not valid UTF-8 is refused: proto3 strings must be UTF-8
//   and gRPC would fail to send the message. ParseJsonText also refuses
//   invalid UTF-8 while parsing.
// - JSON numbers become doubles wherever the model has no integer field, so
//   integers beyond 2^53 keep only double precision.
// - An enum member whose value has no spelling makes its whole message
//   untypable: the parent keeps that object verbatim in its `extra` (an enum
//   is what such a message is about, e.g. a DND setting's status; a half-typed
//   message would misreport it). In the root message the member alone goes
//   to `extra`. Open-ended upstream values are strings.
#include "adapters/ghl/contacts/json_mapping.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ghl::contacts {
namespace {

namespace pb = ::google::protobuf;

// google.protobuf.Timestamp's valid range, 0001-01-01 to 9999-12-31.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// A fixed-width run of digits of a date-time.
bool ReadDigits(absl::string_view text, size_t* pos, size_t count, int* out) {
  if (text.size() - *pos < count) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += count;
  *out = value;
  return true;
}

bool ReadChar(absl::string_view text, size_t* pos, absl::string_view accepted) {
  if (*pos >= text.size() || accepted.find(text[*pos]) == absl::string_view::npos) return false;
  ++*pos;
  return true;
}

}  // namespace

bool ParseGhlTime(absl::string_view text, google::protobuf::Timestamp* out) {
  // RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM). Leap seconds
  // (":60") are refused: GHL's JavaScript dates never produce them.
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, &pos, 4, &year) || !ReadChar(text, &pos, "-") ||
      !ReadDigits(text, &pos, 2, &month) || !ReadChar(text, &pos, "-") ||
      !ReadDigits(text, &pos, 2, &day) || !ReadChar(text, &pos, "Tt") ||
      !ReadDigits(text, &pos, 2, &hour) || !ReadChar(text, &pos, ":") ||
      !ReadDigits(text, &pos, 2, &minute) || !ReadChar(text, &pos, ":") ||
      !ReadDigits(text, &pos, 2, &second)) {
    return false;
  }
  int32_t nanos = 0;
  if (ReadChar(text, &pos, ".")) {
    const size_t start = pos;
    int32_t scale = 100000000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      nanos += (text[pos] - '0') * scale;  // digits past nanoseconds add 0
      scale /= 10;
      ++pos;
    }
    if (pos == start) return false;
  }
  int64_t offset_seconds = 0;
  if (!ReadChar(text, &pos, "Zz")) {
    const bool west = pos < text.size() && text[pos] == '-';
    int offset_hours, offset_minutes;
    if (!ReadChar(text, &pos, "+-") || !ReadDigits(text, &pos, 2, &offset_hours) ||
        !ReadChar(text, &pos, ":") || !ReadDigits(text, &pos, 2, &offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return false;
    }
    offset_seconds = (int64_t{offset_hours} * 3600 + offset_minutes * 60) * (west ? -1 : 1);
  }
  if (pos != text.size() || hour > 23 || minute > 59 || second > 59) return false;
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  // CivilSecond normalises out-of-range fields (month 13, February 30).
  if (civil.year() != year || civil.month() != month || civil.day() != day) return false;
  const int64_t seconds =
      absl::ToUnixSeconds(absl::FromCivil(civil, absl::UTCTimeZone())) - offset_seconds;
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) return false;
  out->set_seconds(seconds);
  out->set_nanos(nanos);
  return true;
}

std::string FormatGhlTime(const google::protobuf::Timestamp& ts) {
  // Normalises nanos outside [0, 1e9) (a hand-built Timestamp) and truncates
  // to milliseconds toward the past, as GHL's dates carry milliseconds only.
  const absl::Time time = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  const absl::CivilSecond civil = absl::ToCivilSecond(time, absl::UTCTimeZone());
  const int64_t millis =
      absl::ToInt64Milliseconds(time - absl::FromCivil(civil, absl::UTCTimeZone()));
  return absl::StrCat(
      absl::Dec(civil.year(), absl::kZeroPad4), "-", absl::Dec(civil.month(), absl::kZeroPad2), "-",
      absl::Dec(civil.day(), absl::kZeroPad2), "T", absl::Dec(civil.hour(), absl::kZeroPad2), ":",
      absl::Dec(civil.minute(), absl::kZeroPad2), ":", absl::Dec(civil.second(), absl::kZeroPad2),
      ".", absl::Dec(millis, absl::kZeroPad3), "Z");
}

namespace json {
namespace {

namespace pb = ::google::protobuf;

// 2^53: integral doubles below it are exact integers in every JSON reader.
constexpr double kMaxExactInteger = 9007199254740992.0;

bool IsTimestamp(const pb::FieldDescriptor* field) {
  return field->message_type() == pb::Timestamp::descriptor();
}

bool IsStruct(const pb::FieldDescriptor* field) {
  return field->message_type() == pb::Struct::descriptor();
}

bool IsValue(const pb::FieldDescriptor* field) {
  return field->message_type() == pb::Value::descriptor();
}

bool IsExtra(const pb::FieldDescriptor* field) {
  return field->name() == "extra" && IsStruct(field) && !field->is_repeated();
}

// The `<X>_` prefix of an enum's values, from its `<X>_UNSPECIFIED` value.
std::string EnumPrefix(const pb::EnumDescriptor* type) {
  const pb::EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (zero == nullptr || !absl::EndsWith(zero->name(), "UNSPECIFIED")) return {};
  return zero->name().substr(0, zero->name().size() - std::string("UNSPECIFIED").size());
}

template <typename T>
bool ToInteger(const Json& json, T* out) {
  if (std::is_same_v<T, int32_t> && json.IsInt()) {
    *out = static_cast<T>(json.GetInt());
    return true;
  }
  if (std::is_same_v<T, int64_t> && json.IsInt64()) {
    *out = static_cast<T>(json.GetInt64());
    return true;
  }
  if (!json.IsDouble()) return false;
  const double d = json.GetDouble();
  // The bounds as doubles: int64's max rounds up to 2^63, which is excluded.
  if (std::trunc(d) != d || d < static_cast<double>(std::numeric_limits<T>::min()) ||
      d >= static_cast<double>(std::numeric_limits<T>::max()) + 1.0) {
    return false;
  }
  *out = static_cast<T>(d);
  return true;
}

// rapidjson's Grisu2 output is not always the shortest text that reads back
// as the same double; std::to_chars is (and prints -0 as "-0").
class GhlJsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  explicit GhlJsonWriter(rapidjson::StringBuffer& buffer) : Writer(buffer) {}

  bool Double(double d) {
    if (!std::isfinite(d)) return Null();
    char text[32];
    const auto result = std::to_chars(text, text + sizeof(text), d);
    return RawValue(text, static_cast<size_t>(result.ptr - text), rapidjson::kNumberType);
  }
};

bool HasValue(const pb::Message& msg, const pb::FieldDescriptor* field) {
  const pb::Reflection* reflection = msg.GetReflection();
  return field->is_repeated() ? reflection->FieldSize(msg, field) > 0
                              : reflection->HasField(msg, field);
}

}  // namespace

std::string FieldPath::ToString() const {
  std::vector<const FieldPath*> steps;
  for (const FieldPath* p = this; p != nullptr; p = p->parent) steps.push_back(p);
  std::string out;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if ((*it)->index >= 0) {
      absl::StrAppend(&out, "[", (*it)->index, "]");
    } else if ((*it)->parent != nullptr) {
      absl::StrAppend(&out, out.empty() ? "" : ".", (*it)->name);
    }
  }
  return out.empty() ? std::string("(root)") : out;
}

Json JsonString(absl::string_view s, JsonAllocator& alloc) {
  return Json(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

bool IsValidUtf8(absl::string_view s) {
  static constexpr uint32_t kMinCodePoint[] = {0, 0, 0x80, 0x800, 0x10000};
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t code_point;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (s.size() - i < length) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates (rapidjson 1.1 turns a lone "\udc00" escape
    // into one) and values past U+10FFFF are not UTF-8.
    if (code_point < kMinCodePoint[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

bool IsArrayOf(const Json& json, bool (Json::*is_type)() const) {
  if (!json.IsArray()) return false;
  for (const auto& item : json.GetArray()) {
    if (!(item.*is_type)()) return false;
  }
  return true;
}

void SetJsonNumber(double d, Json* out) {
  const bool negative_zero = d == 0 && std::signbit(d);
  if (!std::isfinite(d)) {
    // JSON has no NaN or Infinity; only a programmatically built proto has them.
    out->SetNull();
  } else if (std::trunc(d) == d && std::fabs(d) < kMaxExactInteger && !negative_zero) {
    out->SetInt64(static_cast<int64_t>(d));
  } else {
    // Fractions, |x| >= 2^53 and -0 stay doubles (GhlJsonWriter prints them).
    out->SetDouble(d);
  }
}

void StructToJson(const pb::Struct& in, Json* out, JsonAllocator& alloc) {
  // Struct is a hash map: sort the keys so the output is deterministic.
  std::vector<const pb::Map<std::string, pb::Value>::value_type*> entries;
  entries.reserve(in.fields().size());
  for (const auto& entry : in.fields()) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  out->SetObject();
  for (const auto* entry : entries) {
    Json value;
    ProtoValueToJson(entry->second, &value, alloc);
    out->AddMember(JsonString(entry->first, alloc), value, alloc);
  }
}

void ProtoValueToJson(const pb::Value& in, Json* out, JsonAllocator& alloc) {
  switch (in.kind_case()) {
    case pb::Value::kBoolValue:
      out->SetBool(in.bool_value());
      return;
    case pb::Value::kNumberValue:
      SetJsonNumber(in.number_value(), out);
      return;
    case pb::Value::kStringValue:
      out->SetString(in.string_value().data(),
                     static_cast<rapidjson::SizeType>(in.string_value().size()), alloc);
      return;
    case pb::Value::kStructValue:
      StructToJson(in.struct_value(), out, alloc);
      return;
    case pb::Value::kListValue:
      out->SetArray();
      for (const auto& item : in.list_value().values()) {
        Json value;
        ProtoValueToJson(item, &value, alloc);
        out->PushBack(value, alloc);
      }
      return;
    case pb::Value::kNullValue:
    case pb::Value::KIND_NOT_SET:
      out->SetNull();
      return;
  }
}

void MergeExtra(const pb::Struct& extra, Json* out, JsonAllocator& alloc) {
  if (extra.fields().empty()) return;
  Json members;
  StructToJson(extra, &members, alloc);
  for (auto& member : members.GetObject()) {
    if (out->FindMember(member.name) == out->MemberEnd()) {
      out->AddMember(member.name, member.value, alloc);
    }
  }
}

std::string Serialize(const Json& json) {
  rapidjson::StringBuffer buffer;
  GhlJsonWriter writer(buffer);
  json.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::Status ParseJsonText(absl::string_view text, absl::string_view noun,
                           rapidjson::Document* doc) {
  // Iterative parsing keeps deeply nested input off the call stack; full
  // precision keeps every double exactly as a round trip needs it.
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag |
                              rapidjson::kParseValidateEncodingFlag;
  doc->Parse<kFlags>(text.data(), text.size());
  if (doc->HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat(noun, " JSON is malformed at offset ", doc->GetErrorOffset(), ": ",
                     rapidjson::GetParseError_En(doc->GetParseError())));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Tables

// The JSON side of every message type of the tree.
struct JsonMapper::Tables {
  struct Member {
    const pb::FieldDescriptor* field;
    std::string json_name;
  };
  struct Table {
    std::vector<Member> members;  // declaration order, without `extra`
    std::map<std::string, const pb::FieldDescriptor*, std::less<>> by_json_name;
    const pb::FieldDescriptor* extra = nullptr;
  };
  struct EnumSpellings {
    std::map<int, std::string> by_number;
    std::map<std::string, int, std::less<>> by_name;
    std::string listing;  // "a, b or c", for error messages
  };
  std::map<const pb::Descriptor*, Table> messages;
  std::map<const pb::EnumDescriptor*, EnumSpellings> enums;
  std::map<const pb::FieldDescriptor*, std::string> json_names;
  std::set<const pb::FieldDescriptor*> always_written;
  std::map<const pb::Descriptor*, const MessageCodec*> codecs;

  const Table& For(const pb::Descriptor* type) const { return messages.find(type)->second; }

  void AddEnum(const pb::EnumDescriptor* type) {
    if (enums.count(type) != 0) return;
    EnumSpellings& spellings = enums[type];
    const std::string prefix = EnumPrefix(type);
    std::vector<std::string> names;
    for (int i = 0; i < type->value_count(); ++i) {
      const pb::EnumValueDescriptor* value = type->value(i);
      if (value->number() == 0 || !absl::StartsWith(value->name(), prefix)) continue;
      std::string name = absl::AsciiStrToLower(value->name().substr(prefix.size()));
      spellings.by_number.emplace(value->number(), name);
      spellings.by_name.emplace(name, value->number());
      names.push_back(std::move(name));
    }
    for (size_t i = 0; i < names.size(); ++i) {
      const char* separator = i == 0 ? "" : i + 1 == names.size() ? " or " : ", ";
      absl::StrAppend(&spellings.listing, separator, names[i]);
    }
  }

  // Adds the table of `type` and of every message type under it.
  // Timestamps, Structs, Values and codec types are mapped by hand instead.
  void Add(const pb::Descriptor* type) {
    if (messages.count(type) != 0) return;
    Table& table = messages[type];
    for (int i = 0; i < type->field_count(); ++i) {
      const pb::FieldDescriptor* field = type->field(i);
      if (IsExtra(field)) {
        table.extra = field;
        continue;
      }
      auto name = json_names.find(field);
      table.members.push_back(
          {field, name != json_names.end() ? name->second : field->json_name()});
      table.by_json_name.emplace(table.members.back().json_name, field);
      if (field->enum_type() != nullptr) AddEnum(field->enum_type());
      const pb::Descriptor* sub = field->message_type();
      if (sub != nullptr && !IsTimestamp(field) && !IsStruct(field) && !IsValue(field) &&
          codecs.count(sub) == 0) {
        Add(sub);
      }
    }
  }
};

JsonMapper::JsonMapper(JsonMapperOptions options)
    : options_(std::move(options)), tables_(std::make_unique<Tables>()) {
  for (const auto& [field, name] : options_.json_names) tables_->json_names.emplace(field, name);
  tables_->always_written.insert(options_.always_written_lists.begin(),
                                 options_.always_written_lists.end());
  for (const MessageCodec& codec : options_.codecs) tables_->codecs.emplace(codec.type, &codec);
  tables_->Add(options_.root);
}

JsonMapper::~JsonMapper() = default;

std::string JsonMapper::JsonNameOf(const pb::FieldDescriptor* field) const {
  auto name = tables_->json_names.find(field);
  return name != tables_->json_names.end() ? name->second : field->json_name();
}

const MessageCodec* JsonMapper::CodecFor(const pb::FieldDescriptor* field) const {
  if (field->message_type() == nullptr) return nullptr;
  auto codec = tables_->codecs.find(field->message_type());
  return codec == tables_->codecs.end() ? nullptr : codec->second;
}

absl::Status JsonMapper::NotUtf8(const FieldPath& path) const {
  return absl::InvalidArgumentError(absl::StrCat(
      options_.noun, " JSON has a string that is not valid UTF-8 at ", path.ToString()));
}

absl::Status JsonMapper::TooDeep(const FieldPath& path) const {
  return absl::InvalidArgumentError(absl::StrCat(options_.noun, " JSON nests deeper than ",
                                                 kMaxJsonDepth, " levels at ", path.ToString()));
}

// ---------------------------------------------------------------------------
// JSON -> proto

// How a member fitted its typed field.
enum class JsonMapper::Fit {
  kTyped,     // stored in the field
  kNull,      // JSON null: the field stays absent
  kMistyped,  // unexpected JSON type: the caller keeps it in `extra`
};

absl::Status JsonMapper::JsonObjectToStruct(const Json& in, int depth, const FieldPath& path,
                                            pb::Struct* out) const {
  auto& fields = *out->mutable_fields();
  for (const auto& member : in.GetObject()) {
    const FieldPath child = path.Member(View(member.name));
    if (!IsValidUtf8(View(member.name))) return NotUtf8(child);
    auto status =
        JsonToProtoValue(member.value, depth + 1, child, &fields[std::string(View(member.name))]);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status JsonMapper::JsonToProtoValue(const Json& in, int depth, const FieldPath& path,
                                          pb::Value* out) const {
  switch (in.GetType()) {
    case rapidjson::kNullType:
      out->set_null_value(pb::NULL_VALUE);
      return absl::OkStatus();
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      out->set_bool_value(in.GetBool());
      return absl::OkStatus();
    case rapidjson::kNumberType:
      out->set_number_value(in.GetDouble());
      return absl::OkStatus();
    case rapidjson::kStringType:
      if (!IsValidUtf8(View(in))) return NotUtf8(path);
      out->set_string_value(in.GetString(), in.GetStringLength());
      return absl::OkStatus();
    case rapidjson::kObjectType:
      if (depth > kMaxJsonDepth) return TooDeep(path);
      return JsonObjectToStruct(in, depth, path, out->mutable_struct_value());
    case rapidjson::kArrayType: {
      if (depth > kMaxJsonDepth) return TooDeep(path);
      auto* list = out->mutable_list_value();
      int index = 0;
      for (const auto& item : in.GetArray()) {
        auto status = JsonToProtoValue(item, depth + 1, path.Element(index++), list->add_values());
        if (!status.ok()) return status;
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::Status JsonMapper::KeepInExtra(absl::string_view name, const Json& value, int depth,
                                     const FieldPath& path, pb::Struct* extra) const {
  if (!IsValidUtf8(name)) return NotUtf8(path);
  return JsonToProtoValue(value, depth, path, &(*extra->mutable_fields())[std::string(name)]);
}

// A JSON array into a repeated field. An element of the wrong type makes
// the whole member mistyped: it is kept verbatim rather than half typed.
absl::StatusOr<JsonMapper::Fit> JsonMapper::ReadRepeated(const Json& json,
                                                         const pb::FieldDescriptor* field,
                                                         int depth, const FieldPath& path,
                                                         pb::Message* msg) const {
  const bool is_string = field->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING;
  const bool is_message = field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
                          !IsTimestamp(field) && !IsStruct(field) && !IsValue(field);
  // Only lists of strings and of objects are typed; others stay verbatim.
  if (!is_string && !is_message) return Fit::kMistyped;
  if (!IsArrayOf(json, is_string ? &Json::IsString : &Json::IsObject)) return Fit::kMistyped;
  if (depth > kMaxJsonDepth) return TooDeep(path);
  const pb::Reflection* reflection = msg->GetReflection();
  reflection->ClearField(msg, field);
  const MessageCodec* codec = CodecFor(field);
  int index = 0;
  for (const auto& item : json.GetArray()) {
    const FieldPath child = path.Element(index++);
    if (is_string) {
      if (!IsValidUtf8(View(item))) return NotUtf8(child);
      reflection->AddString(msg, field, std::string(item.GetString(), item.GetStringLength()));
      continue;
    }
    pb::Message* element = reflection->AddMessage(msg, field);
    if (codec != nullptr) {
      auto status = codec->read(*this, item, depth + 1, child, element);
      if (!status.ok()) return status;
      continue;
    }
    auto typed = ReadMessage(item, depth + 1, child, element);
    if (!typed.ok()) return typed.status();
    if (!*typed) {
      reflection->ClearField(msg, field);
      return Fit::kMistyped;
    }
  }
  return Fit::kTyped;
}

absl::StatusOr<JsonMapper::Fit> JsonMapper::ReadField(const Json& json,
                                                      const pb::FieldDescriptor* field, int depth,
                                                      const FieldPath& path,
                                                      pb::Message* msg) const {
  const pb::Reflection* reflection = msg->GetReflection();
  if (json.IsNull() && !IsValue(field)) {
    reflection->ClearField(msg, field);
    return Fit::kNull;
  }
  if (field->is_repeated()) return ReadRepeated(json, field, depth, path, msg);
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      if (!json.IsString()) return Fit::kMistyped;
      if (!IsValidUtf8(View(json))) return NotUtf8(path);
      reflection->SetString(msg, field, std::string(json.GetString(), json.GetStringLength()));
      return Fit::kTyped;
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      if (!json.IsBool()) return Fit::kMistyped;
      reflection->SetBool(msg, field, json.GetBool());
      return Fit::kTyped;
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      int32_t value = 0;
      if (!ToInteger(json, &value)) return Fit::kMistyped;
      reflection->SetInt32(msg, field, value);
      return Fit::kTyped;
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t value = 0;
      if (!ToInteger(json, &value)) return Fit::kMistyped;
      reflection->SetInt64(msg, field, value);
      return Fit::kTyped;
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      if (!json.IsNumber()) return Fit::kMistyped;
      reflection->SetDouble(msg, field, json.GetDouble());
      return Fit::kTyped;
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      if (!json.IsString()) return Fit::kMistyped;
      const auto& spellings = tables_->enums.at(field->enum_type());
      auto value = spellings.by_name.find(View(json));
      if (value == spellings.by_name.end()) return Fit::kMistyped;
      reflection->SetEnumValue(msg, field, value->second);
      return Fit::kTyped;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      if (IsTimestamp(field)) {
        pb::Timestamp ts;
        if (!json.IsString() || !ParseGhlTime(View(json), &ts)) return Fit::kMistyped;
        reflection->MutableMessage(msg, field)->CopyFrom(ts);
        return Fit::kTyped;
      }
      if (IsValue(field)) {
        auto status = JsonToProtoValue(
            json, depth, path, static_cast<pb::Value*>(reflection->MutableMessage(msg, field)));
        if (!status.ok()) return status;
        return Fit::kTyped;
      }
      if (!json.IsObject()) return Fit::kMistyped;
      pb::Message* sub = reflection->MutableMessage(msg, field);
      sub->Clear();
      if (IsStruct(field)) {
        if (depth > kMaxJsonDepth) return TooDeep(path);
        auto status = JsonObjectToStruct(json, depth, path, static_cast<pb::Struct*>(sub));
        if (!status.ok()) return status;
        return Fit::kTyped;
      }
      if (const MessageCodec* codec = CodecFor(field); codec != nullptr) {
        auto status = codec->read(*this, json, depth, path, sub);
        if (!status.ok()) return status;
        return Fit::kTyped;
      }
      auto typed = ReadMessage(json, depth, path, sub);
      if (!typed.ok()) return typed.status();
      if (*typed) return Fit::kTyped;
      reflection->ClearField(msg, field);
      return Fit::kMistyped;
    }
    default:
      return Fit::kMistyped;
  }
}

// Reads a JSON object into one of the tabled messages. Returns false if the
// object cannot be typed at all (an enum member without a known spelling,
// see the file comment): the parent keeps it verbatim in its `extra`.
absl::StatusOr<bool> JsonMapper::ReadMessage(const Json& object, int depth, const FieldPath& path,
                                             pb::Message* msg) const {
  if (depth > kMaxJsonDepth) return TooDeep(path);
  const Tables::Table& table = tables_->For(msg->GetDescriptor());
  const pb::Reflection* reflection = msg->GetReflection();
  // `extra` is created only when something goes into it, so a message
  // without unknown members stays equal to a hand-built one.
  auto mutable_extra = [&] {
    return static_cast<pb::Struct*>(reflection->MutableMessage(msg, table.extra));
  };
  for (const auto& member : object.GetObject()) {
    const absl::string_view name = View(member.name);
    const FieldPath child = path.Member(name);
    const auto known = table.by_json_name.find(name);
    absl::StatusOr<Fit> fit = Fit::kMistyped;
    if (known != table.by_json_name.end()) {
      fit = ReadField(member.value, known->second, depth + 1, child, msg);
      if (!fit.ok()) return fit.status();
      // The root has no parent to keep it whole: its enum goes to `extra`.
      if (*fit == Fit::kMistyped && path.parent != nullptr &&
          known->second->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) {
        return false;
      }
      if (*fit == Fit::kMistyped) reflection->ClearField(msg, known->second);
      // A repeated member name: the last one wins, typed or not.
      if (*fit != Fit::kMistyped && table.extra != nullptr &&
          reflection->HasField(*msg, table.extra)) {
        pb::Struct* extra = mutable_extra();
        extra->mutable_fields()->erase(std::string(name));
        // Found by the mapping fuzzer: an emptied `extra` must go too, or the
        // message differs from the one its own JSON reads back into.
        if (extra->fields().empty()) reflection->ClearField(msg, table.extra);
      }
    }
    if (*fit == Fit::kMistyped && table.extra == nullptr) {
      return absl::InternalError(absl::StrCat(msg->GetDescriptor()->full_name(),
                                              " has no `extra` Struct to keep ", child.ToString()));
    }
    if (*fit == Fit::kMistyped) {
      auto status = KeepInExtra(name, member.value, depth + 1, child, mutable_extra());
      if (!status.ok()) return status;
    }
  }
  return true;
}

absl::Status JsonMapper::FromJson(const Json& json, pb::Message* out) const {
  out->Clear();
  if (!json.IsObject()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a GHL ", options_.noun, " must be a JSON object"));
  }
  auto typed = ReadMessage(json, 1, FieldPath{}, out);
  if (!typed.ok()) {
    out->Clear();
    return typed.status();
  }
  return absl::OkStatus();
}

absl::Status JsonMapper::FromJsonString(absl::string_view text, pb::Message* out) const {
  rapidjson::Document doc;
  auto status = ParseJsonText(text, options_.noun, &doc);
  if (!status.ok()) {
    out->Clear();
    return status;
  }
  return FromJson(doc, out);
}

// ---------------------------------------------------------------------------
// proto -> JSON

// One element of `field` (index < 0: the singular value) as JSON.
absl::Status JsonMapper::WriteValue(const pb::Message& msg, const pb::FieldDescriptor* field,
                                    int index, Shape shape, const FieldPath& path, Json* out,
                                    JsonAllocator& alloc) const {
  const pb::Reflection* reflection = msg.GetReflection();
  const bool repeated = index >= 0;
  std::string scratch;
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      *out =
          JsonString(repeated ? reflection->GetRepeatedStringReference(msg, field, index, &scratch)
                              : reflection->GetStringReference(msg, field, &scratch),
                     alloc);
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      out->SetBool(repeated ? reflection->GetRepeatedBool(msg, field, index)
                            : reflection->GetBool(msg, field));
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_INT32:
      out->SetInt(repeated ? reflection->GetRepeatedInt32(msg, field, index)
                           : reflection->GetInt32(msg, field));
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_INT64:
      out->SetInt64(repeated ? reflection->GetRepeatedInt64(msg, field, index)
                             : reflection->GetInt64(msg, field));
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      SetJsonNumber(repeated ? reflection->GetRepeatedDouble(msg, field, index)
                             : reflection->GetDouble(msg, field),
                    out);
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const int number = repeated ? reflection->GetRepeatedEnumValue(msg, field, index)
                                  : reflection->GetEnumValue(msg, field);
      const auto& spellings = tables_->enums.at(field->enum_type()).by_number;
      // WriteMessage has checked a singular value; an unknown list element
      // has no spelling to write.
      auto name = spellings.find(number);
      if (name == spellings.end()) {
        out->SetNull();
      } else {
        *out = JsonString(name->second, alloc);
      }
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      const pb::Message& sub = repeated ? reflection->GetRepeatedMessage(msg, field, index)
                                        : reflection->GetMessage(msg, field);
      if (IsTimestamp(field)) {
        *out = JsonString(FormatGhlTime(static_cast<const pb::Timestamp&>(sub)), alloc);
        return absl::OkStatus();
      }
      if (IsStruct(field)) {
        StructToJson(static_cast<const pb::Struct&>(sub), out, alloc);
        return absl::OkStatus();
      }
      if (IsValue(field)) {
        ProtoValueToJson(static_cast<const pb::Value&>(sub), out, alloc);
        return absl::OkStatus();
      }
      if (const MessageCodec* codec = CodecFor(field); codec != nullptr) {
        return codec->write(*this, sub, shape, path, out, alloc);
      }
      return WriteMessage(sub, shape, path, out, alloc);
    }
    default:
      out->SetNull();
      return absl::OkStatus();
  }
}

absl::Status JsonMapper::WriteField(const pb::Message& msg, const pb::FieldDescriptor* field,
                                    Shape shape, const FieldPath& path, Json* out,
                                    JsonAllocator& alloc) const {
  if (!field->is_repeated()) return WriteValue(msg, field, -1, shape, path, out, alloc);
  out->SetArray();
  const int size = msg.GetReflection()->FieldSize(msg, field);
  for (int i = 0; i < size; ++i) {
    Json item;
    auto status = WriteValue(msg, field, i, shape, path.Element(i), &item, alloc);
    if (!status.ok()) return status;
    out->PushBack(item, alloc);
  }
  return absl::OkStatus();
}

// A tabled message as a JSON object. In the write shape enums are required
// and `extra` is not sent: the DTOs define no other members.
absl::Status JsonMapper::WriteMessage(const pb::Message& msg, Shape shape, const FieldPath& path,
                                      Json* out, JsonAllocator& alloc) const {
  const Tables::Table& table = tables_->For(msg.GetDescriptor());
  const pb::Reflection* reflection = msg.GetReflection();
  const auto& extra =
      table.extra == nullptr
          ? pb::Struct::default_instance()
          : static_cast<const pb::Struct&>(reflection->GetMessage(msg, table.extra));
  out->SetObject();
  for (const Tables::Member& member : table.members) {
    const FieldPath child = path.Member(member.field->name());
    // Descriptor-owned names live as long as the mapper.
    const auto name = rapidjson::StringRef(
        member.json_name.data(), static_cast<rapidjson::SizeType>(member.json_name.size()));
    if (member.field->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM &&
        !member.field->is_repeated()) {
      const auto& spellings = tables_->enums.at(member.field->enum_type());
      if (spellings.by_number.count(reflection->GetEnumValue(msg, member.field)) == 0) {
        if (shape == Shape::kRead) continue;
        return absl::InvalidArgumentError(
            absl::StrCat(child.ToString(), ": required by the spec, must be ", spellings.listing));
      }
    }
    if (!HasValue(msg, member.field)) {
      // GHL always sends these lists; a verbatim value in extra takes the
      // place of the empty default.
      if (shape == Shape::kRead && tables_->always_written.count(member.field) != 0 &&
          extra.fields().count(member.json_name) == 0) {
        out->AddMember(name, Json(rapidjson::kArrayType), alloc);
      }
      continue;
    }
    Json value;
    auto status = WriteField(msg, member.field, shape, child, &value, alloc);
    if (!status.ok()) return status;
    out->AddMember(name, value, alloc);
  }
  if (shape == Shape::kRead) MergeExtra(extra, out, alloc);
  return absl::OkStatus();
}

absl::Status JsonMapper::ToJson(const pb::Message& msg, Shape shape, Json* out,
                                JsonAllocator& alloc) const {
  return WriteMessage(msg, shape, FieldPath{}, out, alloc);
}

std::string JsonMapper::ToJsonString(const pb::Message& msg) const {
  rapidjson::Document doc;
  // The read shape has no failure case; only the DTO shape checks fields.
  ToJson(msg, Shape::kRead, &doc, doc.GetAllocator()).IgnoreError();
  return Serialize(doc);
}

// ---------------------------------------------------------------------------
// DTO bodies and masks

absl::Status AddDtoFields(const JsonMapper& mapper, const pb::Message& msg,
                          absl::Span<const DtoField> fields, unsigned flag, Json* body,
                          JsonAllocator& alloc) {
  const FieldPath root;
  for (const DtoField& dto : fields) {
    const pb::FieldDescriptor* field = msg.GetDescriptor()->FindFieldByName(dto.proto_name);
    if ((dto.flags & flag) == 0 || !HasValue(msg, field)) continue;
    Json value;
    auto status =
        mapper.WriteField(msg, field, Shape::kWrite, root.Member(field->name()), &value, alloc);
    if (!status.ok()) return status;
    body->AddMember(JsonString(mapper.JsonNameOf(field), alloc), value, alloc);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> UpdateBodyFromMask(const JsonMapper& mapper, const pb::Message& msg,
                                               const pb::FieldMask& update_mask,
                                               absl::Span<const DtoField> fields,
                                               absl::string_view dto_name) {
  if (update_mask.paths().empty()) {
    return absl::InvalidArgumentError("update_mask must name at least one field");
  }
  const pb::Descriptor* type = msg.GetDescriptor();
  std::vector<bool> masked(fields.size(), false);
  for (const std::string& path : update_mask.paths()) {
    auto dto = std::find_if(fields.begin(), fields.end(), [&](const DtoField& f) {
      return path == f.proto_name && (f.flags & kInUpdate) != 0;
    });
    if (dto == fields.end()) {
      const bool known = type->FindFieldByName(path) != nullptr;
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask path \"", path, "\": ",
                       known ? absl::StrCat("not writable through ", dto_name)
                             : absl::StrCat("unknown field of ", type->full_name())));
    }
    masked[static_cast<size_t>(dto - fields.begin())] = true;
  }
  rapidjson::Document body(rapidjson::kObjectType);
  auto& alloc = body.GetAllocator();
  const FieldPath root;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!masked[i]) continue;
    const pb::FieldDescriptor* field = type->FindFieldByName(fields[i].proto_name);
    Json value;
    // A list is never unset: an empty one replaces the current values.
    if (field->is_repeated() || HasValue(msg, field)) {
      auto status =
          mapper.WriteField(msg, field, Shape::kWrite, root.Member(field->name()), &value, alloc);
      if (!status.ok()) return status;
    } else if ((fields[i].flags & kNullableInUpdate) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("update_mask path \"", field->name(),
                                                     "\": the field is unset and ", dto_name,
                                                     " cannot clear it (not nullable)"));
    }
    body.AddMember(JsonString(mapper.JsonNameOf(field), alloc), value, alloc);
  }
  return Serialize(body);
}

absl::Status ApplyReadMask(const pb::FieldMask& read_mask, absl::string_view always_kept,
                           pb::Message* msg) {
  if (read_mask.paths().empty()) return absl::OkStatus();
  const pb::Descriptor* type = msg->GetDescriptor();
  std::vector<bool> keep(static_cast<size_t>(type->field_count()), false);
  for (const std::string& path : read_mask.paths()) {
    const pb::FieldDescriptor* field = type->FindFieldByName(path);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("path \"", path, "\": unknown field of ",
                                                     type->full_name(),
                                                     " (masks name top-level fields)"));
    }
    keep[static_cast<size_t>(field->index())] = true;
  }
  if (const pb::FieldDescriptor* kept = type->FindFieldByName(std::string(always_kept));
      kept != nullptr) {
    keep[static_cast<size_t>(kept->index())] = true;
  }
  for (int i = 0; i < type->field_count(); ++i) {
    if (!keep[static_cast<size_t>(i)]) msg->GetReflection()->ClearField(msg, type->field(i));
  }
  return absl::OkStatus();
}

}  // namespace json
}  // namespace ghl::contacts
