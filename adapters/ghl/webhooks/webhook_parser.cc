#include "adapters/ghl/webhooks/webhook_parser.h"

#include <rapidjson/document.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "adapters/ghl/contacts/json_mapping.h"
#include "adapters/ghl/contacts/resource_mapping.h"
#include "ghl/contacts/v1/events.pb.h"

namespace ghl::webhooks {
namespace {

namespace v1 = ::ghl::contacts::v1;
namespace json = ::ghl::contacts::json;
using json::Json;
using json::JsonAllocator;
using json::View;

// The typed payload of an event type.
enum class Family { kNone, kContact, kTask, kNote, kAppointment, kApp };

// The documented members of each family, from the schemas of
// ../shared/ghl-api/docs/webhook-events/*.md (webhook_parser_test checks
// them against the docs).
constexpr DocumentedMember kContactMembers[] = {
    {"type", "string"},        {"locationId", "string"},  {"id", "string"},
    {"address1", "string"},    {"city", "string"},        {"companyName", "string"},
    {"country", "string"},     {"source", "string"},      {"dateAdded", "string"},
    {"dateOfBirth", "string"}, {"dnd", "boolean"},        {"email", "string"},
    {"name", "string"},        {"firstName", "string"},   {"lastName", "string"},
    {"phone", "string"},       {"postalCode", "string"},  {"state", "string"},
    {"tags", "array"},         {"website", "string"},     {"attachments", "array"},
    {"assignedTo", "string"},  {"customFields", "array"},
};
// ContactDndUpdate documents `dndSettings` after `dnd`.
constexpr DocumentedMember kContactDndMembers[] = {
    {"type", "string"},        {"locationId", "string"}, {"id", "string"},
    {"address1", "string"},    {"city", "string"},       {"companyName", "string"},
    {"country", "string"},     {"source", "string"},     {"dateAdded", "string"},
    {"dateOfBirth", "string"}, {"dnd", "boolean"},       {"dndSettings", "object"},
    {"email", "string"},       {"name", "string"},       {"firstName", "string"},
    {"lastName", "string"},    {"phone", "string"},      {"postalCode", "string"},
    {"state", "string"},       {"tags", "array"},        {"website", "string"},
    {"attachments", "array"},  {"assignedTo", "string"}, {"customFields", "array"},
};
constexpr DocumentedMember kTaskMembers[] = {
    {"type", "string"},       {"locationId", "string"}, {"id", "string"},
    {"assignedTo", "string"}, {"body", "string"},       {"contactId", "string"},
    {"title", "string"},      {"dateAdded", "string"},  {"dueDate", "string"},
};
constexpr DocumentedMember kNoteMembers[] = {
    {"type", "string"}, {"locationId", "string"}, {"id", "string"},
    {"body", "string"}, {"contactId", "string"},  {"dateAdded", "string"},
};
constexpr DocumentedMember kAppointmentMembers[] = {
    {"type", "string"},
    {"locationId", "string"},
    {"appointment", "object"},
};
constexpr DocumentedMember kAppInstallMembers[] = {
    {"type", "string"},
    {"appId", "string"},
    {"companyId", "string"},
    {"locationId", "string"},
    {"userId", "string"},
    {"planId", "string"},
    {"trial", "object"},
    {"isWhitelabelCompany", "boolean"},
    {"whitelabelDetails", "object"},
    {"companyName", "string"},
};
constexpr DocumentedMember kAppUninstallMembers[] = {
    {"type", "string"},
    {"appId", "string"},
    {"companyId", "string"},
    {"locationId", "string"},
};

struct TypeSchema {
  v1::EventType type;
  Family family;
  absl::Span<const DocumentedMember> members;
};

// THE table: each event type's payload family and documented members.
const TypeSchema kSchemas[] = {
    {v1::EVENT_TYPE_CONTACT_CREATE, Family::kContact, kContactMembers},
    {v1::EVENT_TYPE_CONTACT_UPDATE, Family::kContact, kContactMembers},
    {v1::EVENT_TYPE_CONTACT_DELETE, Family::kContact, kContactMembers},
    {v1::EVENT_TYPE_CONTACT_DND_UPDATE, Family::kContact, kContactDndMembers},
    {v1::EVENT_TYPE_CONTACT_TAG_UPDATE, Family::kContact, kContactMembers},
    {v1::EVENT_TYPE_TASK_CREATE, Family::kTask, kTaskMembers},
    {v1::EVENT_TYPE_TASK_COMPLETE, Family::kTask, kTaskMembers},
    {v1::EVENT_TYPE_TASK_DELETE, Family::kTask, kTaskMembers},
    {v1::EVENT_TYPE_NOTE_CREATE, Family::kNote, kNoteMembers},
    {v1::EVENT_TYPE_NOTE_UPDATE, Family::kNote, kNoteMembers},
    {v1::EVENT_TYPE_NOTE_DELETE, Family::kNote, kNoteMembers},
    {v1::EVENT_TYPE_APPOINTMENT_CREATE, Family::kAppointment, kAppointmentMembers},
    {v1::EVENT_TYPE_APPOINTMENT_UPDATE, Family::kAppointment, kAppointmentMembers},
    {v1::EVENT_TYPE_APPOINTMENT_DELETE, Family::kAppointment, kAppointmentMembers},
    {v1::EVENT_TYPE_APP_INSTALL, Family::kApp, kAppInstallMembers},
    {v1::EVENT_TYPE_APP_UNINSTALL, Family::kApp, kAppUninstallMembers},
};

const TypeSchema* SchemaOf(v1::EventType type) {
  for (const auto& schema : kSchemas) {
    if (schema.type == type) return &schema;
  }
  return nullptr;
}

bool HasJsonType(const Json& value, absl::string_view type) {
  if (type == "string") return value.IsString();
  if (type == "boolean") return value.IsBool();
  if (type == "array") return value.IsArray();
  if (type == "object") return value.IsObject();
  if (type == "number") return value.IsNumber();
  return false;
}

const Json* Member(const Json& object, absl::string_view name) {
  const auto it =
      object.FindMember(Json(name.data(), static_cast<rapidjson::SizeType>(name.size())));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

bool Contains(std::initializer_list<absl::string_view> names, absl::string_view name) {
  for (absl::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

// A copy of the members of `object` named in neither `skip` nor `also_skip`.
Json CopyWithout(const Json& object, std::initializer_list<absl::string_view> skip,
                 const std::vector<std::string>& also_skip, JsonAllocator& alloc) {
  Json out(rapidjson::kObjectType);
  for (const auto& member : object.GetObject()) {
    const absl::string_view name = View(member.name);
    if (Contains(skip, name)) continue;
    bool skipped = false;
    for (const auto& s : also_skip) skipped = skipped || s == name;
    if (skipped) continue;
    out.AddMember(Json(member.name, alloc), Json(member.value, alloc), alloc);
  }
  return out;
}

// Keeps `value` verbatim as Event.extra[name].
absl::Status KeepInEventExtra(absl::string_view name, const Json& value, v1::Event* event) {
  const json::FieldPath root;
  return json::DefaultMapper<v1::Event>("webhook body")
      .KeepInExtra(name, value, 1, root.Member(name), event->mutable_extra());
}

// Moves the payload's top-level `extra` into Event.extra (see the header).
void MoveExtra(google::protobuf::Struct* from, v1::Event* event) {
  if (from->fields().empty()) return;
  auto* to = event->mutable_extra()->mutable_fields();
  for (auto& [name, value] : *from->mutable_fields()) (*to)[name] = std::move(value);
  from->Clear();
}

const json::JsonMapper& AppJson() {
  static const json::JsonMapper* const kMapper = [] {
    json::JsonMapperOptions options;
    options.root = v1::AppEvent::descriptor();
    options.noun = "app event";
    // GHL's name is `trialDuration` (days).
    options.json_names.emplace_back(
        v1::AppTrial::descriptor()->FindFieldByName("trial_duration_days"), "trialDuration");
    return new json::JsonMapper(std::move(options));
  }();
  return *kMapper;
}

// Whether AppTrial / WhitelabelDetails can hold `object` exactly: these
// messages have no `extra`, so anything they cannot type must stay whole in
// Event.extra instead.
bool FitsTrial(const Json& object) {
  for (const auto& member : object.GetObject()) {
    const absl::string_view name = View(member.name);
    const Json& v = member.value;
    google::protobuf::Timestamp ts;
    if (name == "onTrial" && v.IsBool()) continue;
    if (name == "trialDuration" && v.IsInt()) continue;
    if (name == "trialStartDate" && v.IsString() && contacts::ParseGhlTime(View(v), &ts)) continue;
    return false;
  }
  return true;
}
bool FitsWhitelabel(const Json& object) {
  for (const auto& member : object.GetObject()) {
    const absl::string_view name = View(member.name);
    if ((name == "domain" || name == "logoUrl") && member.value.IsString()) continue;
    return false;
  }
  return true;
}

// Whether AppEvent types the top-level member `name` exactly.
bool FitsAppEvent(absl::string_view name, const Json& v) {
  if (name == "appId" || name == "companyId" || name == "locationId" || name == "userId" ||
      name == "planId" || name == "companyName") {
    return v.IsString();
  }
  if (name == "isWhitelabelCompany") return v.IsBool();
  if (name == "trial") return v.IsObject() && FitsTrial(v);
  if (name == "whitelabelDetails") return v.IsObject() && FitsWhitelabel(v);
  return false;
}

// The top-level members every event family leaves out of its typed payload.
constexpr std::initializer_list<absl::string_view> kEnvelope = {"type", "webhookId", "timestamp"};

absl::Status ParsePayload(Family family, const Json& body, v1::Event* event,
                          std::vector<std::string>* untypable) {
  rapidjson::Document scratch;
  JsonAllocator& alloc = scratch.GetAllocator();
  switch (family) {
    case Family::kNone: {
      // An unknown type: every member but the envelope in extra.
      for (const auto& member : body.GetObject()) {
        const absl::string_view name = View(member.name);
        if (Contains(kEnvelope, name) || name == "locationId") continue;
        auto s = KeepInEventExtra(name, member.value, event);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case Family::kContact: {
      // Contact models locationId itself.
      const Json copy = CopyWithout(body, kEnvelope, {}, alloc);
      auto s = contacts::ContactFromJson(copy, event->mutable_contact());
      if (!s.ok()) return s;
      MoveExtra(event->mutable_contact()->mutable_extra(), event);
      if (event->contact().extra().fields().empty()) event->mutable_contact()->clear_extra();
      return absl::OkStatus();
    }
    case Family::kTask:
    case Family::kNote: {
      const Json copy =
          CopyWithout(body, {"type", "webhookId", "timestamp", "locationId"}, {}, alloc);
      google::protobuf::Message* out =
          family == Family::kTask ? static_cast<google::protobuf::Message*>(event->mutable_task())
                                  : static_cast<google::protobuf::Message*>(event->mutable_note());
      const json::JsonMapper& mapper =
          family == Family::kTask ? contacts::TaskJson() : contacts::NoteJson();
      auto s = mapper.FromJson(copy, out);
      if (!s.ok()) return s;
      if (family == Family::kTask) {
        MoveExtra(event->mutable_task()->mutable_extra(), event);
        event->mutable_task()->clear_extra();
      } else {
        MoveExtra(event->mutable_note()->mutable_extra(), event);
        event->mutable_note()->clear_extra();
      }
      return absl::OkStatus();
    }
    case Family::kAppointment: {
      event->mutable_appointment();
      for (const auto& member : body.GetObject()) {
        const absl::string_view name = View(member.name);
        if (Contains(kEnvelope, name) || name == "locationId") continue;
        if (name == "appointment" && member.value.IsObject()) {
          auto s = contacts::AppointmentJson().FromJson(member.value, event->mutable_appointment());
          if (!s.ok()) return s;
          continue;
        }
        auto s = KeepInEventExtra(name, member.value, event);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case Family::kApp: {
      // AppEvent has no `extra`: it gets only the members it types exactly,
      // the rest stays verbatim in Event.extra.
      std::vector<std::string> kept;
      for (const auto& member : body.GetObject()) {
        const absl::string_view name = View(member.name);
        if (Contains(kEnvelope, name)) continue;
        if (FitsAppEvent(name, member.value)) continue;
        if ((name == "trial" || name == "whitelabelDetails") && member.value.IsObject()) {
          untypable->emplace_back(name);
        }
        kept.emplace_back(name);
      }
      const Json copy = CopyWithout(body, kEnvelope, kept, alloc);
      auto s = AppJson().FromJson(copy, event->mutable_app());
      if (!s.ok()) return s;
      for (const auto& name : kept) {
        s = KeepInEventExtra(name, *Member(body, name), event);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

bool IsUtf8String(const Json& v) { return v.IsString() && json::IsValidUtf8(View(v)); }

// A mapper refusal: nesting beyond kMaxJsonDepth, or a string escape that is
// not valid Unicode; the mapper's message names the JSON path, no value.
absl::Status CannotLog(const absl::Status& status) {
  return absl::InvalidArgumentError(absl::StrCat("body cannot be logged: ", status.message()));
}

// Deepest nesting a body may have. The payload mappers refuse members deeper
// than json::kMaxJsonDepth anyway, but only after rapidjson's recursive copy
// (CopyWithout) has walked them: a signed body of 100,000 `[` (200 KB, under
// the size cap) overflowed a listener thread's stack there. This check walks
// the parsed document without recursion, before anything else does.
constexpr int kMaxBodyDepth = 2 * json::kMaxJsonDepth;

bool NestsDeeperThan(const Json& root, int max_depth) {
  std::vector<std::pair<const Json*, int>> stack = {{&root, 0}};
  while (!stack.empty()) {
    const auto [value, depth] = stack.back();
    stack.pop_back();
    if (!value->IsObject() && !value->IsArray()) continue;
    if (depth >= max_depth) return true;
    if (value->IsObject()) {
      for (const auto& member : value->GetObject()) stack.emplace_back(&member.value, depth + 1);
    } else {
      for (const auto& item : value->GetArray()) stack.emplace_back(&item, depth + 1);
    }
  }
  return false;
}

}  // namespace

absl::Span<const DocumentedMember> DocumentedMembers(v1::EventType type) {
  const TypeSchema* schema = SchemaOf(type);
  return schema == nullptr ? absl::Span<const DocumentedMember>() : schema->members;
}

v1::EventType EventTypeFromPayloadType(absl::string_view payload_type) {
  static const auto* const kByPayloadType = [] {
    auto* map = new absl::flat_hash_map<std::string, v1::EventType>();
    const google::protobuf::EnumDescriptor* e = v1::EventType_descriptor();
    for (int i = 0; i < e->value_count(); ++i) {
      const auto& options = e->value(i)->options();
      if (!options.HasExtension(v1::event_description)) continue;
      const std::string& key = options.GetExtension(v1::event_description).payload_type();
      if (!key.empty()) map->emplace(key, static_cast<v1::EventType>(e->value(i)->number()));
    }
    return map;
  }();
  const auto it = kByPayloadType->find(payload_type);
  return it == kByPayloadType->end() ? v1::EVENT_TYPE_UNSPECIFIED : it->second;
}

absl::StatusOr<v1::Event> ParseWebhookEvent(absl::string_view raw_body) {
  rapidjson::Document doc;
  if (!json::ParseJsonText(raw_body, "webhook body", &doc).ok() || !doc.IsObject()) {
    return absl::InvalidArgumentError("body is not a JSON object");
  }
  const Json* type = Member(doc, "type");
  if (type == nullptr || !type->IsString()) {
    return absl::InvalidArgumentError("body has no string `type`");
  }
  if (NestsDeeperThan(doc, kMaxBodyDepth)) {
    return absl::InvalidArgumentError(
        absl::StrCat("body cannot be logged: JSON nests deeper than ", kMaxBodyDepth, " levels"));
  }
  // JSON escapes can spell lone surrogates, which proto strings cannot hold
  // (found by webhook_fuzzer).
  if (!json::IsValidUtf8(View(*type))) {
    return absl::InvalidArgumentError("body's `type` is not valid UTF-8");
  }
  v1::Event event;
  event.set_payload_type(std::string(View(*type)));
  event.set_type(EventTypeFromPayloadType(event.payload_type()));
  const TypeSchema* schema = SchemaOf(event.type());

  // The envelope: locationId, companyId, webhookId, timestamp. A mistyped
  // one is kept verbatim in extra (and named in missing_fields).
  if (const Json* v = Member(doc, "locationId"); v != nullptr) {
    if (IsUtf8String(*v)) {
      event.set_location_id(std::string(View(*v)));
    } else if (auto s = KeepInEventExtra("locationId", *v, &event); !s.ok()) {
      return CannotLog(s);
    }
  }
  if (const Json* v = Member(doc, "companyId"); v != nullptr && IsUtf8String(*v)) {
    event.set_company_id(std::string(View(*v)));
  }
  bool has_webhook_id = false;
  if (const Json* v = Member(doc, "webhookId"); v != nullptr) {
    if (IsUtf8String(*v) && v->GetStringLength() > 0) {
      event.set_webhook_id(std::string(View(*v)));
      has_webhook_id = true;
    } else if (auto s = KeepInEventExtra("webhookId", *v, &event); !s.ok()) {
      return CannotLog(s);
    }
  }
  bool has_timestamp = false;
  if (const Json* v = Member(doc, "timestamp"); v != nullptr) {
    if (v->IsString() && contacts::ParseGhlTime(View(*v), event.mutable_event_time())) {
      has_timestamp = true;
    } else {
      event.clear_event_time();
      if (auto s = KeepInEventExtra("timestamp", *v, &event); !s.ok()) return CannotLog(s);
    }
  }

  std::vector<std::string> untypable;
  auto status =
      ParsePayload(schema == nullptr ? Family::kNone : schema->family, doc, &event, &untypable);
  if (!status.ok()) return CannotLog(status);

  if (schema != nullptr) {
    for (const DocumentedMember& m : schema->members) {
      const Json* v = Member(doc, m.name);
      bool missing = v == nullptr || !HasJsonType(*v, m.json_type);
      for (const auto& name : untypable) missing = missing || name == m.name;
      if (missing) event.add_missing_fields(m.name);
    }
  }
  if (!has_webhook_id) event.add_missing_fields("webhookId");
  if (!has_timestamp) event.add_missing_fields("timestamp");
  return event;
}

}  // namespace ghl::webhooks
