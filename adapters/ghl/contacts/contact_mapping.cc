// GHL contact JSON <-> ghl.contacts.v1.Contact.
//
// The mapping is driven by protobuf reflection over the generated messages:
// a member's JSON name is the field's json_name (GHL uses lowerCamelCase),
// except the DND channels, which GHL capitalises its own way. One generic
// reader and one generic writer cover every message, so adding a field to
// contact.proto is the whole change for a new GHL member; the unit tests check
// the names against the spec. Only the custom field value (typed by its JSON
// shape) and the create/update DTO tables are written out by hand.
//
// Decisions for malformed input (tested in contact_mapping_test.cc):
// - JSON nested deeper than kMaxJsonDepth is refused, because protobuf could
//   not parse the resulting message again (recursion limit 100).
// - A string that is not valid UTF-8 is refused: proto3 strings must be UTF-8
//   and gRPC would fail to send the message. ContactFromJsonString also
//   refuses invalid UTF-8 while parsing.
// - JSON numbers become doubles wherever the model has no integer field, so
//   integers beyond 2^53 keep only double precision.
#include "adapters/ghl/contacts/contact_mapping.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ghl::contacts {
namespace {

namespace pb = ::google::protobuf;
using Json = rapidjson::Value;
using JsonAllocator = rapidjson::Document::AllocatorType;
using ::ghl::contacts::v1::Contact;
using ::ghl::contacts::v1::CustomFieldValue;
using ::ghl::contacts::v1::DndSettings;
using ::ghl::contacts::v1::DndStatus;

// Deepest nesting of objects and arrays accepted when reading (the contact
// object is level 1). Each JSON level costs up to three protobuf message
// levels (Struct, map entry, Value) and protobuf refuses to parse messages
// nested deeper than 100, so anything deeper could be built here but never
// sent over gRPC.
constexpr int kMaxJsonDepth = 32;

// 2^53: integral doubles below it are exact integers in every JSON reader.
constexpr double kMaxExactInteger = 9007199254740992.0;

// google.protobuf.Timestamp's valid range, 0001-01-01 to 9999-12-31.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// GHL capitalises the DND channel keys instead of using lowerCamelCase.
constexpr std::pair<const char*, const char*> kDndChannelJsonNames[] = {
    {"call", "Call"},         {"email", "Email"}, {"sms", "SMS"},
    {"whatsapp", "WhatsApp"}, {"gmb", "GMB"},     {"fb", "FB"},
};

// DndStatus is the model's only enum; these are its JSON spellings.
constexpr std::pair<const char*, DndStatus> kDndStatusNames[] = {
    {"active", v1::DND_STATUS_ACTIVE},
    {"inactive", v1::DND_STATUS_INACTIVE},
    {"permanent", v1::DND_STATUS_PERMANENT},
};

// Contact lists ContactToJson writes even when empty, because GHL always
// sends them.
constexpr const char* kAlwaysWrittenLists[] = {"tags", "custom_fields", "followers"};

// Which DTO may write a Contact field.
enum DtoFlag : unsigned {
  kInCreate = 1,          // a CreateContactDto property
  kInUpdate = 2,          // an UpdateContactDto property
  kNullableInUpdate = 4,  // UpdateContactDto marks it nullable: null clears it
};

struct DtoField {
  const char* proto_name;
  unsigned flags;
};

// The writable fields, in the order the bodies list them. locationId is not
// here: CreateContactBody takes it as a parameter and UpdateContactDto has it
// not at all.
constexpr unsigned kAllDtoFlags = kInCreate | kInUpdate | kNullableInUpdate;
constexpr DtoField kDtoFields[] = {
    {"first_name", kAllDtoFlags},
    {"last_name", kAllDtoFlags},
    {"name", kAllDtoFlags},
    {"email", kAllDtoFlags},
    {"gender", kInCreate},
    {"phone", kAllDtoFlags},
    {"address1", kAllDtoFlags},
    {"city", kAllDtoFlags},
    {"state", kAllDtoFlags},
    {"postal_code", kInCreate | kInUpdate},
    {"website", kAllDtoFlags},
    {"timezone", kAllDtoFlags},
    {"dnd", kInCreate | kInUpdate},
    {"dnd_settings", kInCreate | kInUpdate},
    {"inbound_dnd_settings", kInCreate | kInUpdate},
    {"tags", kInCreate | kInUpdate},
    {"custom_fields", kInCreate | kInUpdate},
    {"source", kAllDtoFlags},
    {"date_of_birth", kAllDtoFlags},
    {"country", kInCreate | kInUpdate},
    {"company_name", kInCreate},
    {"assigned_to", kAllDtoFlags},
};

absl::string_view View(const Json& s) { return {s.GetString(), s.GetStringLength()}; }

// One step of the path to the value being mapped: kept on the stack while
// walking and formatted only when an error names it.
struct FieldPath {
  const FieldPath* parent = nullptr;
  absl::string_view name;  // empty for an array element
  int index = -1;          // >= 0 for an array element

  FieldPath Member(absl::string_view member) const { return {this, member, -1}; }
  FieldPath Element(int i) const { return {this, {}, i}; }

  std::string ToString() const {
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
};

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

absl::Status NotUtf8(const FieldPath& path) {
  return absl::InvalidArgumentError(
      absl::StrCat("contact JSON has a string that is not valid UTF-8 at ", path.ToString()));
}

absl::Status TooDeep(const FieldPath& path) {
  return absl::InvalidArgumentError(absl::StrCat("contact JSON nests deeper than ", kMaxJsonDepth,
                                                 " levels at ", path.ToString()));
}

// The JSON side of one message type.
struct MessageTable {
  struct Member {
    const pb::FieldDescriptor* field;
    std::string json_name;
  };
  std::vector<Member> members;  // declaration order, without `extra`
  std::map<std::string, const pb::FieldDescriptor*, std::less<>> by_json_name;
  const pb::FieldDescriptor* extra = nullptr;
};

std::string JsonNameOf(const pb::FieldDescriptor* field) {
  if (field->containing_type() == DndSettings::descriptor()) {
    for (const auto& [proto_name, json_name] : kDndChannelJsonNames) {
      if (field->name() == proto_name) return json_name;
    }
  }
  return field->json_name();
}

bool IsTimestamp(const pb::FieldDescriptor* field) {
  return field->message_type() == pb::Timestamp::descriptor();
}

bool IsCustomField(const pb::FieldDescriptor* field) {
  return field->message_type() == CustomFieldValue::descriptor();
}

// Adds the table of `type` and of every message type under it. Timestamps,
// Structs and CustomFieldValue (typed by JSON shape, see ReadCustomField) are
// mapped by hand instead.
void AddTables(const pb::Descriptor* type, std::map<const pb::Descriptor*, MessageTable>* tables) {
  if (tables->count(type) != 0) return;
  MessageTable& table = (*tables)[type];
  for (int i = 0; i < type->field_count(); ++i) {
    const pb::FieldDescriptor* field = type->field(i);
    if (field->name() == "extra" && field->message_type() == pb::Struct::descriptor()) {
      table.extra = field;
      continue;
    }
    table.members.push_back({field, JsonNameOf(field)});
    table.by_json_name.emplace(table.members.back().json_name, field);
    if (field->message_type() != nullptr && !IsTimestamp(field) && !IsCustomField(field)) {
      AddTables(field->message_type(), tables);
    }
  }
}

// The table of Contact or of a message type under it (built once, on first
// use; thread-safe as a function-local static).
const MessageTable& TableFor(const pb::Descriptor* type) {
  static const auto* const kTables = [] {
    auto* tables = new std::map<const pb::Descriptor*, MessageTable>();
    AddTables(Contact::descriptor(), tables);
    return tables;
  }();
  return kTables->find(type)->second;
}

// ---------------------------------------------------------------------------
// JSON -> proto

absl::Status JsonToProtoValue(const Json& in, int depth, const FieldPath& path, pb::Value* out);

absl::Status JsonObjectToStruct(const Json& in, int depth, const FieldPath& path, pb::Struct* out) {
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

// Any JSON value as a google.protobuf.Value. `depth` is the level `in` has
// if it is an object or array.
absl::Status JsonToProtoValue(const Json& in, int depth, const FieldPath& path, pb::Value* out) {
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

absl::Status KeepInExtra(absl::string_view name, const Json& value, int depth,
                         const FieldPath& path, pb::Struct* extra) {
  if (!IsValidUtf8(name)) return NotUtf8(path);
  return JsonToProtoValue(value, depth, path, &(*extra->mutable_fields())[std::string(name)]);
}

// How a member fitted its typed field.
enum class Fit {
  kTyped,     // stored in the field
  kNull,      // JSON null: the field stays absent
  kMistyped,  // unexpected JSON type: the caller keeps it in `extra`
};

bool ToInt32(const Json& json, int32_t* out) {
  if (json.IsInt()) {
    *out = json.GetInt();
    return true;
  }
  if (!json.IsDouble()) return false;
  const double d = json.GetDouble();
  if (std::trunc(d) != d || d < std::numeric_limits<int32_t>::min() ||
      d > std::numeric_limits<int32_t>::max()) {
    return false;
  }
  *out = static_cast<int32_t>(d);
  return true;
}

// The JSON spelling of a DndStatus, or nullptr for UNSPECIFIED and values
// this build does not know.
const char* DndStatusName(int value) {
  for (const auto& [name, status] : kDndStatusNames) {
    if (status == value) return name;
  }
  return nullptr;
}

bool ToDndStatus(const Json& json, int* out) {
  if (!json.IsString()) return false;
  for (const auto& [name, value] : kDndStatusNames) {
    if (View(json) == name) {
      *out = value;
      return true;
    }
  }
  return false;
}

absl::StatusOr<bool> ReadMessage(const Json& object, int depth, const FieldPath& path,
                                 pb::Message* msg);

bool IsArrayOf(const Json& json, bool (Json::*is_type)() const) {
  if (!json.IsArray()) return false;
  for (const auto& item : json.GetArray()) {
    if (!(item.*is_type)()) return false;
  }
  return true;
}

// Custom field values are typed by their JSON shape (see CustomFieldValue).
absl::Status ReadCustomFieldValue(const Json& value, int depth, const FieldPath& path,
                                  CustomFieldValue* out) {
  if (value.IsString()) {
    if (!IsValidUtf8(View(value))) return NotUtf8(path);
    out->set_string_value(value.GetString(), value.GetStringLength());
    return absl::OkStatus();
  }
  if (value.IsNumber()) {
    out->set_number_value(value.GetDouble());
    return absl::OkStatus();
  }
  if (!IsArrayOf(value, &Json::IsString)) {
    return JsonToProtoValue(value, depth, path, out->mutable_json_value());
  }
  auto* list = out->mutable_string_list_value();
  int index = 0;
  for (const auto& item : value.GetArray()) {
    if (!IsValidUtf8(View(item))) return NotUtf8(path.Element(index));
    list->add_values(item.GetString(), item.GetStringLength());
    ++index;
  }
  return absl::OkStatus();
}

// Reads {id, key, value} (or the write shape's field_value; `value` wins if
// both are present and the other is kept in extra).
absl::Status ReadCustomField(const Json& object, int depth, const FieldPath& path,
                             CustomFieldValue* out) {
  if (depth > kMaxJsonDepth) return TooDeep(path);
  auto value = object.FindMember("value");
  if (value == object.MemberEnd()) value = object.FindMember("field_value");
  for (auto member = object.MemberBegin(); member != object.MemberEnd(); ++member) {
    const absl::string_view name = View(member->name);
    const FieldPath child = path.Member(name);
    const Json& json = member->value;
    const bool is_name = name == "id" || name == "key";
    absl::Status status;
    if (member == value) {
      status = ReadCustomFieldValue(json, depth + 1, child, out);
    } else if (is_name && json.IsString() && IsValidUtf8(View(json))) {
      std::string text(json.GetString(), json.GetStringLength());
      name == "id" ? out->set_id(std::move(text)) : out->set_key(std::move(text));
    } else if (is_name && json.IsString()) {
      status = NotUtf8(child);
    } else if (!(is_name && json.IsNull())) {
      status = KeepInExtra(name, json, depth + 1, child, out->mutable_extra());
    }
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// A JSON array into a repeated field. An element of the wrong type makes
// the whole member mistyped: it is kept verbatim rather than half typed.
absl::StatusOr<Fit> ReadRepeated(const Json& json, const pb::FieldDescriptor* field, int depth,
                                 const FieldPath& path, pb::Message* msg) {
  const bool is_string = field->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING;
  if (!IsArrayOf(json, is_string ? &Json::IsString : &Json::IsObject)) return Fit::kMistyped;
  if (depth > kMaxJsonDepth) return TooDeep(path);
  const pb::Reflection* reflection = msg->GetReflection();
  reflection->ClearField(msg, field);
  int index = 0;
  for (const auto& item : json.GetArray()) {
    const FieldPath child = path.Element(index++);
    if (is_string) {
      if (!IsValidUtf8(View(item))) return NotUtf8(child);
      reflection->AddString(msg, field, std::string(item.GetString(), item.GetStringLength()));
      continue;
    }
    pb::Message* element = reflection->AddMessage(msg, field);
    if (IsCustomField(field)) {
      auto status =
          ReadCustomField(item, depth + 1, child, static_cast<CustomFieldValue*>(element));
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

absl::StatusOr<Fit> ReadField(const Json& json, const pb::FieldDescriptor* field, int depth,
                              const FieldPath& path, pb::Message* msg) {
  const pb::Reflection* reflection = msg->GetReflection();
  if (json.IsNull()) {
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
      if (!ToInt32(json, &value)) return Fit::kMistyped;
      reflection->SetInt32(msg, field, value);
      return Fit::kTyped;
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      int value = 0;
      if (!ToDndStatus(json, &value)) return Fit::kMistyped;
      reflection->SetEnumValue(msg, field, value);
      return Fit::kTyped;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      if (IsTimestamp(field)) {
        pb::Timestamp ts;
        if (!json.IsString() || !ParseGhlTime(View(json), &ts)) return Fit::kMistyped;
        reflection->MutableMessage(msg, field)->CopyFrom(ts);
        return Fit::kTyped;
      }
      if (!json.IsObject()) return Fit::kMistyped;
      pb::Message* sub = reflection->MutableMessage(msg, field);
      sub->Clear();
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

// `extra` is created only when something goes into it, so a message
// without unknown members stays equal to a hand-built one.
pb::Struct* MutableExtra(const MessageTable& table, pb::Message* msg) {
  return static_cast<pb::Struct*>(msg->GetReflection()->MutableMessage(msg, table.extra));
}

// Reads a JSON object into one of the tabled messages. Returns false if the
// object cannot be typed at all: that is a DndChannelSetting whose status is
// not active/inactive/permanent, which the parent keeps verbatim in its
// `extra` (a setting without a meaningful status would misreport the DND
// state).
absl::StatusOr<bool> ReadMessage(const Json& object, int depth, const FieldPath& path,
                                 pb::Message* msg) {
  if (depth > kMaxJsonDepth) return TooDeep(path);
  const MessageTable& table = TableFor(msg->GetDescriptor());
  const pb::Reflection* reflection = msg->GetReflection();
  for (const auto& member : object.GetObject()) {
    const absl::string_view name = View(member.name);
    const FieldPath child = path.Member(name);
    const auto known = table.by_json_name.find(name);
    absl::StatusOr<Fit> fit = Fit::kMistyped;
    if (known != table.by_json_name.end()) {
      fit = ReadField(member.value, known->second, depth + 1, child, msg);
      if (!fit.ok()) return fit.status();
      if (*fit == Fit::kMistyped &&
          known->second->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) {
        return false;
      }
      if (*fit == Fit::kMistyped) reflection->ClearField(msg, known->second);
      // A repeated member name: the last one wins, typed or not.
      if (*fit != Fit::kMistyped && table.extra != nullptr &&
          reflection->HasField(*msg, table.extra)) {
        MutableExtra(table, msg)->mutable_fields()->erase(std::string(name));
      }
    }
    if (*fit == Fit::kMistyped && table.extra == nullptr) {
      return absl::InternalError(absl::StrCat(msg->GetDescriptor()->full_name(),
                                              " has no `extra` Struct to keep ", child.ToString()));
    }
    if (*fit == Fit::kMistyped) {
      auto status = KeepInExtra(name, member.value, depth + 1, child, MutableExtra(table, msg));
      if (!status.ok()) return status;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// proto -> JSON

// GHL's two JSON shapes: what it sends (ContactToJson) and what its
// create/update DTOs accept.
enum class Shape {
  kRead,   // camelCase, extra merged back, custom fields as {id, value}
  kWrite,  // typed fields only, custom fields as {id|key, field_value}
};

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

void ProtoValueToJson(const pb::Value& in, Json* out, JsonAllocator& alloc);

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
    out->AddMember(
        Json(entry->first.data(), static_cast<rapidjson::SizeType>(entry->first.size()), alloc),
        value, alloc);
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

Json JsonString(absl::string_view s, JsonAllocator& alloc) {
  return Json(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

// Adds the members of `extra` that `out` does not already have: a typed
// value that is set wins over a stale verbatim copy.
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

absl::Status WriteCustomField(const CustomFieldValue& field, Shape shape, const FieldPath& path,
                              Json* out, JsonAllocator& alloc) {
  out->SetObject();
  if (shape == Shape::kWrite) {
    if (!field.id().empty()) {
      out->AddMember("id", JsonString(field.id(), alloc), alloc);
    } else if (!field.key().empty()) {
      out->AddMember("key", JsonString(field.key(), alloc), alloc);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(path.ToString(), ": a custom field needs an id or a key"));
    }
    if (field.value_case() == CustomFieldValue::VALUE_NOT_SET) {
      return absl::InvalidArgumentError(
          absl::StrCat(path.ToString(), ": custom field has no value"));
    }
  } else {
    if (!field.id().empty()) out->AddMember("id", JsonString(field.id(), alloc), alloc);
    if (!field.key().empty()) out->AddMember("key", JsonString(field.key(), alloc), alloc);
  }
  Json value;
  switch (field.value_case()) {
    case CustomFieldValue::kStringValue:
      value = JsonString(field.string_value(), alloc);
      break;
    case CustomFieldValue::kNumberValue:
      SetJsonNumber(field.number_value(), &value);
      break;
    case CustomFieldValue::kStringListValue:
      value.SetArray();
      for (const auto& item : field.string_list_value().values()) {
        value.PushBack(JsonString(item, alloc), alloc);
      }
      break;
    case CustomFieldValue::kJsonValue:
      ProtoValueToJson(field.json_value(), &value, alloc);
      break;
    case CustomFieldValue::VALUE_NOT_SET:
      break;
  }
  if (field.value_case() != CustomFieldValue::VALUE_NOT_SET) {
    out->AddMember(rapidjson::StringRef(shape == Shape::kWrite ? "field_value" : "value"), value,
                   alloc);
  }
  if (shape == Shape::kRead) MergeExtra(field.extra(), out, alloc);
  return absl::OkStatus();
}

absl::Status WriteMessage(const pb::Message& msg, Shape shape, const FieldPath& path, Json* out,
                          JsonAllocator& alloc);

// One element of `field` (index < 0: the singular value) as JSON.
absl::Status WriteValue(const pb::Message& msg, const pb::FieldDescriptor* field, int index,
                        Shape shape, const FieldPath& path, Json* out, JsonAllocator& alloc) {
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
      out->SetBool(reflection->GetBool(msg, field));
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_INT32:
      out->SetInt(reflection->GetInt32(msg, field));
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      // WriteMessage has checked that the value has a name.
      out->SetString(rapidjson::StringRef(DndStatusName(reflection->GetEnumValue(msg, field))));
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      const pb::Message& sub = repeated ? reflection->GetRepeatedMessage(msg, field, index)
                                        : reflection->GetMessage(msg, field);
      if (IsTimestamp(field)) {
        *out = JsonString(FormatGhlTime(static_cast<const pb::Timestamp&>(sub)), alloc);
        return absl::OkStatus();
      }
      if (IsCustomField(field)) {
        return WriteCustomField(static_cast<const CustomFieldValue&>(sub), shape, path, out, alloc);
      }
      return WriteMessage(sub, shape, path, out, alloc);
    }
    default:
      out->SetNull();
      return absl::OkStatus();
  }
}

// The JSON value of a whole field: an array for a repeated field.
absl::Status WriteField(const pb::Message& msg, const pb::FieldDescriptor* field, Shape shape,
                        const FieldPath& path, Json* out, JsonAllocator& alloc) {
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

bool HasValue(const pb::Message& msg, const pb::FieldDescriptor* field) {
  const pb::Reflection* reflection = msg.GetReflection();
  return field->is_repeated() ? reflection->FieldSize(msg, field) > 0
                              : reflection->HasField(msg, field);
}

bool IsAlwaysWrittenList(const pb::FieldDescriptor* field) {
  if (field->containing_type() != Contact::descriptor()) return false;
  for (const char* name : kAlwaysWrittenLists) {
    if (field->name() == name) return true;
  }
  return false;
}

// A tabled message as a JSON object. In the write shape the enum (DND
// status) is required and `extra` is not sent: the DTOs define no other
// members.
absl::Status WriteMessage(const pb::Message& msg, Shape shape, const FieldPath& path, Json* out,
                          JsonAllocator& alloc) {
  const MessageTable& table = TableFor(msg.GetDescriptor());
  const pb::Reflection* reflection = msg.GetReflection();
  const auto& extra =
      table.extra == nullptr
          ? pb::Struct::default_instance()
          : static_cast<const pb::Struct&>(reflection->GetMessage(msg, table.extra));
  out->SetObject();
  for (const MessageTable::Member& member : table.members) {
    const FieldPath child = path.Member(member.field->name());
    // Descriptor-owned names live as long as the program.
    const auto name = rapidjson::StringRef(
        member.json_name.data(), static_cast<rapidjson::SizeType>(member.json_name.size()));
    if (member.field->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM &&
        DndStatusName(reflection->GetEnumValue(msg, member.field)) == nullptr) {
      if (shape == Shape::kRead) continue;
      return absl::InvalidArgumentError(absl::StrCat(
          child.ToString(), ": required by the spec, must be active, inactive or permanent"));
    }
    if (!HasValue(msg, member.field)) {
      // GHL always sends these lists; a verbatim value in extra takes the
      // place of the empty default.
      if (shape == Shape::kRead && IsAlwaysWrittenList(member.field) &&
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

std::string Serialize(const Json& json) {
  rapidjson::StringBuffer buffer;
  GhlJsonWriter writer(buffer);
  json.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const DtoField* FindDtoField(absl::string_view proto_name, unsigned flag) {
  for (const DtoField& field : kDtoFields) {
    if (proto_name == field.proto_name && (field.flags & flag) != 0) return &field;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Time

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

absl::Status ContactFromJson(const rapidjson::Value& json, ghl::contacts::v1::Contact* out) {
  out->Clear();
  if (!json.IsObject()) return absl::InvalidArgumentError("a GHL contact must be a JSON object");
  auto typed = ReadMessage(json, 1, FieldPath{}, out);
  if (!typed.ok()) {
    out->Clear();
    return typed.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<ghl::contacts::v1::Contact> ContactFromJsonString(absl::string_view json) {
  // Iterative parsing keeps deeply nested input off the call stack; full
  // precision keeps every double exactly as a round trip needs it.
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag |
                              rapidjson::kParseValidateEncodingFlag;
  rapidjson::Document doc;
  doc.Parse<kFlags>(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat("contact JSON is malformed at offset ", doc.GetErrorOffset(), ": ",
                     rapidjson::GetParseError_En(doc.GetParseError())));
  }
  Contact contact;
  auto status = ContactFromJson(doc, &contact);
  if (!status.ok()) return status;
  return contact;
}

void ContactToJson(const ghl::contacts::v1::Contact& contact, rapidjson::Value* out,
                   rapidjson::Document::AllocatorType& alloc) {
  // The read shape has no failure case; only the DTO shape checks fields.
  WriteMessage(contact, Shape::kRead, FieldPath{}, out, alloc).IgnoreError();
}

std::string ContactToJsonString(const ghl::contacts::v1::Contact& contact) {
  rapidjson::Document doc;
  ContactToJson(contact, &doc, doc.GetAllocator());
  return Serialize(doc);
}

absl::StatusOr<std::string> CreateContactBody(absl::string_view location_id,
                                              const ghl::contacts::v1::Contact& contact) {
  if (location_id.empty()) {
    return absl::InvalidArgumentError("location_id is required to create a contact");
  }
  rapidjson::Document body(rapidjson::kObjectType);
  auto& alloc = body.GetAllocator();
  body.AddMember("locationId", JsonString(location_id, alloc), alloc);
  const FieldPath root;
  for (const DtoField& dto : kDtoFields) {
    const pb::FieldDescriptor* field = Contact::descriptor()->FindFieldByName(dto.proto_name);
    if ((dto.flags & kInCreate) == 0 || !HasValue(contact, field)) continue;
    Json value;
    auto status =
        WriteField(contact, field, Shape::kWrite, root.Member(field->name()), &value, alloc);
    if (!status.ok()) return status;
    body.AddMember(JsonString(JsonNameOf(field), alloc), value, alloc);
  }
  return Serialize(body);
}

absl::StatusOr<std::string> UpdateContactBody(const ghl::contacts::v1::Contact& contact,
                                              const google::protobuf::FieldMask& update_mask) {
  if (update_mask.paths().empty()) {
    return absl::InvalidArgumentError("update_mask must name at least one field");
  }
  std::vector<bool> masked(std::size(kDtoFields), false);
  for (const std::string& path : update_mask.paths()) {
    const DtoField* dto = FindDtoField(path, kInUpdate);
    if (dto == nullptr) {
      const bool known = Contact::descriptor()->FindFieldByName(path) != nullptr;
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask path \"", path, "\": ",
                       known ? "not writable through UpdateContactDto"
                             : "unknown field of ghl.contacts.v1.Contact"));
    }
    masked[static_cast<size_t>(dto - kDtoFields)] = true;
  }
  rapidjson::Document body(rapidjson::kObjectType);
  auto& alloc = body.GetAllocator();
  const FieldPath root;
  for (size_t i = 0; i < std::size(kDtoFields); ++i) {
    if (!masked[i]) continue;
    const pb::FieldDescriptor* field =
        Contact::descriptor()->FindFieldByName(kDtoFields[i].proto_name);
    Json value;
    // A list is never unset: an empty one replaces the current values.
    if (field->is_repeated() || HasValue(contact, field)) {
      auto status =
          WriteField(contact, field, Shape::kWrite, root.Member(field->name()), &value, alloc);
      if (!status.ok()) return status;
    } else if ((kDtoFields[i].flags & kNullableInUpdate) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask path \"", field->name(),
          "\": the field is unset and UpdateContactDto cannot clear it (not nullable)"));
    }
    body.AddMember(JsonString(JsonNameOf(field), alloc), value, alloc);
  }
  return Serialize(body);
}

absl::Status ApplyReadMask(const google::protobuf::FieldMask& read_mask,
                           ghl::contacts::v1::Contact* contact) {
  if (read_mask.paths().empty()) return absl::OkStatus();
  const pb::Descriptor* type = Contact::descriptor();
  std::vector<bool> keep(static_cast<size_t>(type->field_count()), false);
  for (const std::string& path : read_mask.paths()) {
    const pb::FieldDescriptor* field = type->FindFieldByName(path);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "path \"", path,
          "\": unknown field of ghl.contacts.v1.Contact (masks name top-level fields)"));
    }
    keep[static_cast<size_t>(field->index())] = true;
  }
  keep[static_cast<size_t>(Contact::descriptor()->FindFieldByName("id")->index())] = true;
  for (int i = 0; i < type->field_count(); ++i) {
    if (!keep[static_cast<size_t>(i)])
      contact->GetReflection()->ClearField(contact, type->field(i));
  }
  return absl::OkStatus();
}

}  // namespace ghl::contacts
