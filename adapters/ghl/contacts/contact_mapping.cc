// GHL contact JSON <-> ghl.contacts.v1.Contact.
//
// The generic reflection-driven reader/writer of json_mapping.h does the
// work: a member's JSON name is the field's json_name (GHL uses
// lowerCamelCase), except the DND channels, which GHL capitalises its own
// way. Adding a field to contact.proto is the whole change for a new GHL
// member; the unit tests check the names against the spec. Only the custom
// field value (typed by its JSON shape, a MessageCodec here) and the
// create/update DTO tables are written out by hand.
#include "adapters/ghl/contacts/contact_mapping.h"

#include <iterator>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ghl::contacts {
namespace {

namespace pb = ::google::protobuf;
using ::ghl::contacts::v1::Contact;
using ::ghl::contacts::v1::CustomFieldValue;
using ::ghl::contacts::v1::DndSettings;
using json::DtoField;
using json::FieldPath;
using json::Json;
using json::JsonAllocator;
using json::JsonMapper;
using json::Shape;
using json::View;

// GHL capitalises the DND channel keys instead of using lowerCamelCase.
constexpr std::pair<const char*, const char*> kDndChannelJsonNames[] = {
    {"call", "Call"},         {"email", "Email"}, {"sms", "SMS"},
    {"whatsapp", "WhatsApp"}, {"gmb", "GMB"},     {"fb", "FB"},
};

// Contact lists ContactToJson writes even when empty, because GHL always
// sends them.
constexpr const char* kAlwaysWrittenLists[] = {"tags", "custom_fields", "followers"};

// The writable fields, in the order the bodies list them. locationId is not
// here: CreateContactBody takes it as a parameter and UpdateContactDto has it
// not at all.
constexpr unsigned kAllDtoFlags = json::kInCreate | json::kInUpdate | json::kNullableInUpdate;
constexpr unsigned kCreateAndUpdate = json::kInCreate | json::kInUpdate;
constexpr DtoField kDtoFields[] = {
    {"first_name", kAllDtoFlags},
    {"last_name", kAllDtoFlags},
    {"name", kAllDtoFlags},
    {"email", kAllDtoFlags},
    {"gender", json::kInCreate},
    {"phone", kAllDtoFlags},
    {"address1", kAllDtoFlags},
    {"city", kAllDtoFlags},
    {"state", kAllDtoFlags},
    {"postal_code", kCreateAndUpdate},
    {"website", kAllDtoFlags},
    {"timezone", kAllDtoFlags},
    {"dnd", kCreateAndUpdate},
    {"dnd_settings", kCreateAndUpdate},
    {"inbound_dnd_settings", kCreateAndUpdate},
    {"tags", kCreateAndUpdate},
    {"custom_fields", kCreateAndUpdate},
    {"source", kAllDtoFlags},
    {"date_of_birth", kAllDtoFlags},
    {"country", kCreateAndUpdate},
    {"company_name", json::kInCreate},
    {"assigned_to", kAllDtoFlags},
};

// Custom field values are typed by their JSON shape (see CustomFieldValue).
absl::Status ReadCustomFieldValue(const JsonMapper& mapper, const Json& value, int depth,
                                  const FieldPath& path, CustomFieldValue* out) {
  if (value.IsString()) {
    if (!json::IsValidUtf8(View(value))) return mapper.NotUtf8(path);
    out->set_string_value(value.GetString(), value.GetStringLength());
    return absl::OkStatus();
  }
  if (value.IsNumber()) {
    out->set_number_value(value.GetDouble());
    return absl::OkStatus();
  }
  if (!json::IsArrayOf(value, &Json::IsString)) {
    return mapper.JsonToProtoValue(value, depth, path, out->mutable_json_value());
  }
  auto* list = out->mutable_string_list_value();
  int index = 0;
  for (const auto& item : value.GetArray()) {
    if (!json::IsValidUtf8(View(item))) return mapper.NotUtf8(path.Element(index));
    list->add_values(item.GetString(), item.GetStringLength());
    ++index;
  }
  return absl::OkStatus();
}

// Reads {id, key, value} (or the write shape's field_value; `value` wins if
// both are present and the other is kept in extra).
absl::Status ReadCustomField(const JsonMapper& mapper, const Json& object, int depth,
                             const FieldPath& path, pb::Message* message) {
  auto* out = static_cast<CustomFieldValue*>(message);
  if (depth > json::kMaxJsonDepth) return mapper.TooDeep(path);
  auto value = object.FindMember("value");
  if (value == object.MemberEnd()) value = object.FindMember("field_value");
  for (auto member = object.MemberBegin(); member != object.MemberEnd(); ++member) {
    const absl::string_view name = View(member->name);
    const FieldPath child = path.Member(name);
    const Json& json = member->value;
    const bool is_name = name == "id" || name == "key";
    absl::Status status;
    if (member == value) {
      status = ReadCustomFieldValue(mapper, json, depth + 1, child, out);
    } else if (is_name && json.IsString() && json::IsValidUtf8(View(json))) {
      std::string text(json.GetString(), json.GetStringLength());
      name == "id" ? out->set_id(std::move(text)) : out->set_key(std::move(text));
    } else if (is_name && json.IsString()) {
      status = mapper.NotUtf8(child);
    } else if (!(is_name && json.IsNull())) {
      status = mapper.KeepInExtra(name, json, depth + 1, child, out->mutable_extra());
    }
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status WriteCustomField(const JsonMapper& /*mapper*/, const pb::Message& message, Shape shape,
                              const FieldPath& path, Json* out, JsonAllocator& alloc) {
  const auto& field = static_cast<const CustomFieldValue&>(message);
  out->SetObject();
  if (shape == Shape::kWrite) {
    if (!field.id().empty()) {
      out->AddMember("id", json::JsonString(field.id(), alloc), alloc);
    } else if (!field.key().empty()) {
      out->AddMember("key", json::JsonString(field.key(), alloc), alloc);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(path.ToString(), ": a custom field needs an id or a key"));
    }
    if (field.value_case() == CustomFieldValue::VALUE_NOT_SET) {
      return absl::InvalidArgumentError(
          absl::StrCat(path.ToString(), ": custom field has no value"));
    }
  } else {
    if (!field.id().empty()) out->AddMember("id", json::JsonString(field.id(), alloc), alloc);
    if (!field.key().empty()) out->AddMember("key", json::JsonString(field.key(), alloc), alloc);
  }
  Json value;
  switch (field.value_case()) {
    case CustomFieldValue::kStringValue:
      value = json::JsonString(field.string_value(), alloc);
      break;
    case CustomFieldValue::kNumberValue:
      json::SetJsonNumber(field.number_value(), &value);
      break;
    case CustomFieldValue::kStringListValue:
      value.SetArray();
      for (const auto& item : field.string_list_value().values()) {
        value.PushBack(json::JsonString(item, alloc), alloc);
      }
      break;
    case CustomFieldValue::kJsonValue:
      json::ProtoValueToJson(field.json_value(), &value, alloc);
      break;
    case CustomFieldValue::VALUE_NOT_SET:
      break;
  }
  if (field.value_case() != CustomFieldValue::VALUE_NOT_SET) {
    out->AddMember(rapidjson::StringRef(shape == Shape::kWrite ? "field_value" : "value"), value,
                   alloc);
  }
  if (shape == Shape::kRead) json::MergeExtra(field.extra(), out, alloc);
  return absl::OkStatus();
}

// The contact mapper (built once, on first use; thread-safe as a
// function-local static).
const JsonMapper& Mapper() {
  static const auto* const kMapper = [] {
    json::JsonMapperOptions options;
    options.root = Contact::descriptor();
    options.noun = "contact";
    for (const auto& [proto_name, json_name] : kDndChannelJsonNames) {
      options.json_names.emplace_back(DndSettings::descriptor()->FindFieldByName(proto_name),
                                      json_name);
    }
    for (const char* name : kAlwaysWrittenLists) {
      options.always_written_lists.push_back(Contact::descriptor()->FindFieldByName(name));
    }
    options.codecs.push_back({CustomFieldValue::descriptor(), ReadCustomField, WriteCustomField});
    return new JsonMapper(std::move(options));
  }();
  return *kMapper;
}

}  // namespace

absl::Status ContactFromJson(const rapidjson::Value& json, ghl::contacts::v1::Contact* out) {
  return Mapper().FromJson(json, out);
}

absl::StatusOr<ghl::contacts::v1::Contact> ContactFromJsonString(absl::string_view json) {
  return Mapper().Parse<Contact>(json);
}

void ContactToJson(const ghl::contacts::v1::Contact& contact, rapidjson::Value* out,
                   rapidjson::Document::AllocatorType& alloc) {
  // The read shape has no failure case; only the DTO shape checks fields.
  Mapper().ToJson(contact, Shape::kRead, out, alloc).IgnoreError();
}

std::string ContactToJsonString(const ghl::contacts::v1::Contact& contact) {
  return Mapper().ToJsonString(contact);
}

absl::StatusOr<std::string> CreateContactBody(absl::string_view location_id,
                                              const ghl::contacts::v1::Contact& contact) {
  if (location_id.empty()) {
    return absl::InvalidArgumentError("location_id is required to create a contact");
  }
  rapidjson::Document body(rapidjson::kObjectType);
  auto& alloc = body.GetAllocator();
  body.AddMember("locationId", json::JsonString(location_id, alloc), alloc);
  auto status = json::AddDtoFields(Mapper(), contact, kDtoFields, json::kInCreate, &body, alloc);
  if (!status.ok()) return status;
  return json::Serialize(body);
}

absl::StatusOr<std::string> UpdateContactBody(const ghl::contacts::v1::Contact& contact,
                                              const google::protobuf::FieldMask& update_mask) {
  return json::UpdateBodyFromMask(Mapper(), contact, update_mask, kDtoFields, "UpdateContactDto");
}

absl::Status ApplyReadMask(const google::protobuf::FieldMask& read_mask,
                           ghl::contacts::v1::Contact* contact) {
  return json::ApplyReadMask(read_mask, "id", contact);
}

}  // namespace ghl::contacts
