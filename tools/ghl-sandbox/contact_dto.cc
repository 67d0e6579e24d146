#include "tools/ghl-sandbox/contact_dto.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

enum class Kind {
  kString,
  kLocationId,
  kBool,
  kDndSettings,
  kInboundDnd,
  kTags,
  kCustomFields,
  kDate,
  kUpsertFlag,  // createNewIfDuplicateAllowed: checked, never stored
};

struct FieldRule {
  const char* name;
  Kind kind;
  bool on_create;
  bool on_update;
  bool nullable_on_create;
  bool nullable_on_update;
};

// CreateContactDto and UpdateContactDto, in the spec's declaration order.
constexpr FieldRule kRules[] = {
    {"firstName", Kind::kString, true, true, true, true},
    {"lastName", Kind::kString, true, true, true, true},
    {"name", Kind::kString, true, true, true, true},
    {"email", Kind::kString, true, true, true, true},
    {"locationId", Kind::kLocationId, true, false, false, false},
    {"gender", Kind::kString, true, false, false, false},
    {"phone", Kind::kString, true, true, true, true},
    {"address1", Kind::kString, true, true, true, true},
    {"city", Kind::kString, true, true, true, true},
    {"state", Kind::kString, true, true, true, true},
    {"postalCode", Kind::kString, true, true, false, false},
    {"website", Kind::kString, true, true, true, true},
    {"timezone", Kind::kString, true, true, true, true},
    {"dnd", Kind::kBool, true, true, false, false},
    {"dndSettings", Kind::kDndSettings, true, true, false, false},
    {"inboundDndSettings", Kind::kInboundDnd, true, true, false, false},
    {"tags", Kind::kTags, true, true, false, false},
    {"customFields", Kind::kCustomFields, true, true, false, false},
    {"source", Kind::kString, true, true, false, true},
    {"dateOfBirth", Kind::kDate, true, true, true, true},
    {"country", Kind::kString, true, true, false, false},
    {"companyName", Kind::kString, true, true, true, true},
    {"assignedTo", Kind::kString, true, true, false, true},
    {"createNewIfDuplicateAllowed", Kind::kUpsertFlag, false, false, false, false},
};

bool OnKind(const FieldRule& rule, DtoKind kind) {
  switch (kind) {
    case DtoKind::kCreate:
      return rule.on_create;
    case DtoKind::kUpdate:
      return rule.on_update;
    case DtoKind::kUpsert:
      return rule.on_create || rule.kind == Kind::kUpsertFlag;
  }
  return false;
}

bool NullableOn(const FieldRule& rule, DtoKind kind) {
  return kind == DtoKind::kUpdate ? rule.nullable_on_update : rule.nullable_on_create;
}

constexpr const char* kDndChannels[] = {"Call", "Email", "SMS", "WhatsApp", "GMB", "FB"};

const FieldRule* FindRule(absl::string_view name, DtoKind kind) {
  for (const auto& rule : kRules) {
    if (name == rule.name) {
      return OnKind(rule, kind) ? &rule : nullptr;
    }
  }
  return nullptr;
}

absl::string_view View(const rapidjson::Value& v) {
  return absl::string_view(v.GetString(), v.GetStringLength());
}

bool IsChannel(absl::string_view name) {
  for (const char* c : kDndChannels) {
    if (name == c) return true;
  }
  return false;
}

void CheckStatusObject(const rapidjson::Value& value, const std::string& path,
                       bool allow_permanent, bool allow_code, std::vector<std::string>* out) {
  if (!value.IsObject()) {
    out->push_back(absl::StrCat(path, " must be an object"));
    return;
  }
  const char* kAllowed = allow_permanent ? "active, inactive, permanent" : "active, inactive";
  const auto status = value.FindMember("status");
  bool status_ok = status != value.MemberEnd() && status->value.IsString();
  if (status_ok) {
    const absl::string_view s = View(status->value);
    status_ok = s == "active" || s == "inactive" || (allow_permanent && s == "permanent");
  }
  if (!status_ok) {
    out->push_back(absl::StrCat(path, ".status must be one of the following values: ", kAllowed));
  }
  for (const auto& m : value.GetObject()) {
    const absl::string_view key = View(m.name);
    if (key == "status") continue;
    if (key == "message" || (allow_code && key == "code")) {
      if (!m.value.IsString()) out->push_back(absl::StrCat(path, ".", key, " must be a string"));
    } else {
      out->push_back(absl::StrCat("property ", path, ".", key, " should not exist"));
    }
  }
}

void CheckCustomFields(const rapidjson::Value& value, const LocationInfo* location,
                       std::vector<std::string>* out) {
  if (!value.IsArray()) {
    out->push_back("customFields must be an array");
    return;
  }
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    const auto& item = value[i];
    const std::string path = absl::StrCat("customFields.", i);
    if (!item.IsObject()) {
      out->push_back(absl::StrCat(path, " must be an object"));
      continue;
    }
    absl::string_view ref;
    bool typed = true;
    for (const auto& m : item.GetObject()) {
      const absl::string_view key = View(m.name);
      if (key == "id" || key == "key") {
        if (!m.value.IsString()) {
          out->push_back(absl::StrCat(path, ".", key, " must be a string"));
          typed = false;
        } else if (ref.empty() || key == "id") {
          ref = View(m.value);
        }
      } else if (key != "field_value" && key != "value") {
        out->push_back(absl::StrCat("property ", path, ".", key, " should not exist"));
      }
    }
    if (!typed) continue;
    if (ref.empty()) {
      out->push_back(absl::StrCat(path, ".id should not be empty"));
    } else if (location == nullptr || location->FindCustomField(ref) == nullptr) {
      out->push_back(absl::StrCat(path, " refers to an unknown custom field: ", ref));
    }
  }
}

void CheckMember(const FieldRule& rule, const rapidjson::Value& value, const LocationInfo* location,
                 std::vector<std::string>* out) {
  const absl::string_view name(rule.name);
  switch (rule.kind) {
    case Kind::kString:
      if (!value.IsString()) {
        out->push_back(absl::StrCat(name, " must be a string"));
      } else if (name == "email" && value.GetStringLength() > 0 && !LooksLikeEmail(View(value))) {
        out->push_back("email must be an email");
      } else if (name == "phone" && value.GetStringLength() > 0 && !NormalizePhone(View(value))) {
        out->push_back("phone must be a valid phone number");
      }
      return;
    case Kind::kLocationId:
      if (!value.IsString()) {
        out->push_back("locationId must be a string");
      } else if (value.GetStringLength() == 0) {
        out->push_back("locationId should not be empty");
      }
      return;
    case Kind::kBool:
    case Kind::kUpsertFlag:
      if (!value.IsBool()) out->push_back(absl::StrCat(name, " must be a boolean value"));
      return;
    case Kind::kDate:
      if (!value.IsString() || value.GetStringLength() == 0) {
        out->push_back("dateOfBirth must be a valid date string");
      }
      return;
    case Kind::kTags:
      if (!value.IsArray()) {
        out->push_back("tags must be an array");
        return;
      }
      for (const auto& tag : value.GetArray()) {
        if (!tag.IsString()) {
          out->push_back("each value in tags must be a string");
          return;
        }
      }
      return;
    case Kind::kCustomFields:
      CheckCustomFields(value, location, out);
      return;
    case Kind::kDndSettings:
      if (!value.IsObject()) {
        out->push_back("dndSettings must be an object");
        return;
      }
      for (const auto& m : value.GetObject()) {
        const std::string channel(View(m.name));
        if (!IsChannel(channel)) {
          out->push_back(absl::StrCat("property dndSettings.", channel, " should not exist"));
        } else {
          CheckStatusObject(m.value, absl::StrCat("dndSettings.", channel), true, true, out);
        }
      }
      return;
    case Kind::kInboundDnd:
      if (!value.IsObject()) {
        out->push_back("inboundDndSettings must be an object");
        return;
      }
      for (const auto& m : value.GetObject()) {
        const std::string key(View(m.name));
        if (key != "all") {
          out->push_back(absl::StrCat("property inboundDndSettings.", key, " should not exist"));
        } else {
          CheckStatusObject(m.value, "inboundDndSettings.all", false, false, out);
        }
      }
      return;
  }
}

// A member that carries a value: present, not null, and (for the optional
// strings email/phone) not empty.
const rapidjson::Value* Given(const rapidjson::Value& body, const char* name) {
  const auto it = body.FindMember(name);
  if (it == body.MemberEnd() || it->value.IsNull()) return nullptr;
  if (it->value.IsString() && it->value.GetStringLength() == 0 &&
      (absl::string_view(name) == "email" || absl::string_view(name) == "phone")) {
    return nullptr;
  }
  return &it->value;
}

rapidjson::Value Str(absl::string_view s, Allocator& a) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

void SetMember(rapidjson::Value& obj, const char* name, rapidjson::Value value, Allocator& a) {
  const auto it = obj.FindMember(name);
  if (it != obj.MemberEnd()) {
    it->value = std::move(value);
  } else {
    obj.AddMember(rapidjson::StringRef(name), std::move(value), a);
  }
}

absl::string_view StringOf(const rapidjson::Value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  return it != obj.MemberEnd() && it->value.IsString() ? View(it->value) : absl::string_view();
}

std::string JoinName(absl::string_view first, absl::string_view last) {
  return absl::StrCat(first, !first.empty() && !last.empty() ? " " : "", last);
}

rapidjson::Value UniqueTags(const rapidjson::Value& tags, Allocator& a) {
  rapidjson::Value out(rapidjson::kArrayType);
  absl::flat_hash_set<absl::string_view> seen;
  for (const auto& tag : tags.GetArray()) {
    if (seen.insert(View(tag)).second) out.PushBack(rapidjson::Value(tag, a), a);
  }
  return out;
}

// The stored value of a string member (phones normalised).
rapidjson::Value StoredString(const char* name, const rapidjson::Value& value, Allocator& a) {
  if (absl::string_view(name) == "phone") {
    const auto normalized = NormalizePhone(View(value));
    if (normalized) return Str(*normalized, a);
  }
  return rapidjson::Value(value, a);
}

const rapidjson::Value* FieldValue(const rapidjson::Value& item) {
  auto it = item.FindMember("field_value");
  if (it == item.MemberEnd()) it = item.FindMember("value");
  return it == item.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

absl::string_view FieldRef(const rapidjson::Value& item) {
  const absl::string_view id = StringOf(item, "id");
  return id.empty() ? StringOf(item, "key") : id;
}

void MergeCustomFields(const rapidjson::Value& items, const LocationInfo* location,
                       rapidjson::Value& stored, Allocator& a) {
  for (const auto& item : items.GetArray()) {
    const CustomFieldDefinition* def = location ? location->FindCustomField(FieldRef(item)) : nullptr;
    if (def == nullptr) continue;
    const rapidjson::Value* value = FieldValue(item);
    rapidjson::SizeType found = stored.Size();
    for (rapidjson::SizeType i = 0; i < stored.Size(); ++i) {
      if (stored[i].IsObject() && StringOf(stored[i], "id") == def->id) {
        found = i;
        break;
      }
    }
    if (value == nullptr) {
      if (found < stored.Size()) stored.Erase(stored.Begin() + found);
    } else if (found < stored.Size()) {
      SetMember(stored[found], "value", rapidjson::Value(*value, a), a);
    } else {
      rapidjson::Value field(rapidjson::kObjectType);
      field.AddMember("id", Str(def->id, a), a);
      field.AddMember("value", rapidjson::Value(*value, a), a);
      stored.PushBack(std::move(field), a);
    }
  }
}

}  // namespace

std::vector<std::string> ValidateContactDto(const rapidjson::Value& body, DtoKind kind,
                                            const LocationInfo* location) {
  std::vector<std::string> out;
  if (!body.IsObject()) {
    if (kind != DtoKind::kUpdate) out.push_back("locationId should not be empty");
    return out;
  }
  for (const auto& m : body.GetObject()) {
    if (FindRule(View(m.name), kind) == nullptr) {
      out.push_back(absl::StrCat("property ", View(m.name), " should not exist"));
    }
  }
  for (const auto& rule : kRules) {
    if (!OnKind(rule, kind)) continue;
    const auto it = body.FindMember(rule.name);
    if (it == body.MemberEnd() || it->value.IsNull()) {
      const bool nullable = NullableOn(rule, kind);
      if (rule.kind == Kind::kLocationId) {
        out.push_back("locationId should not be empty");
      } else if (it != body.MemberEnd() && !nullable) {
        CheckMember(rule, it->value, location, &out);
      }
      continue;
    }
    CheckMember(rule, it->value, location, &out);
  }
  return out;
}

void BuildNewContact(const rapidjson::Value& body, const LocationInfo* location,
                     absl::string_view id, absl::string_view now_iso, rapidjson::Document* out) {
  out->SetObject();
  Allocator& a = out->GetAllocator();
  auto copy = [&](const char* name) {
    if (const rapidjson::Value* v = Given(body, name)) {
      out->AddMember(rapidjson::StringRef(name), StoredString(name, *v, a), a);
    }
  };
  const absl::string_view first = Given(body, "firstName") ? StringOf(body, "firstName") : "";
  const absl::string_view last = Given(body, "lastName") ? StringOf(body, "lastName") : "";
  std::string name = Given(body, "name") ? std::string(StringOf(body, "name")) : JoinName(first, last);

  out->AddMember("id", Str(id, a), a);
  copy("locationId");
  copy("firstName");
  copy("lastName");
  if (!name.empty()) out->AddMember("name", Str(name, a), a);
  if (Given(body, "firstName")) out->AddMember("firstNameLowerCase", Str(Utf8ToLower(first), a), a);
  if (Given(body, "lastName")) out->AddMember("lastNameLowerCase", Str(Utf8ToLower(last), a), a);
  if (!name.empty()) out->AddMember("fullNameLowerCase", Str(Utf8ToLower(name), a), a);
  copy("email");
  if (Given(body, "email")) {
    out->AddMember("emailLowerCase", Str(Utf8ToLower(StringOf(body, "email")), a), a);
  }
  copy("phone");
  copy("timezone");
  copy("companyName");
  const rapidjson::Value* dnd = Given(body, "dnd");
  out->AddMember("dnd", rapidjson::Value(dnd != nullptr && dnd->GetBool()), a);
  const rapidjson::Value* dnd_settings = Given(body, "dndSettings");
  out->AddMember("dndSettings",
                 dnd_settings ? rapidjson::Value(*dnd_settings, a) : rapidjson::Value(rapidjson::kObjectType),
                 a);
  copy("inboundDndSettings");
  out->AddMember("type", "lead", a);
  copy("source");
  copy("assignedTo");
  copy("address1");
  copy("city");
  copy("state");
  copy("country");
  copy("postalCode");
  copy("website");
  copy("gender");
  copy("dateOfBirth");
  const rapidjson::Value* tags = Given(body, "tags");
  out->AddMember("tags", tags ? UniqueTags(*tags, a) : rapidjson::Value(rapidjson::kArrayType), a);
  out->AddMember("dateAdded", Str(now_iso, a), a);
  out->AddMember("dateUpdated", Str(now_iso, a), a);
  out->AddMember("followers", rapidjson::Value(rapidjson::kArrayType), a);
  rapidjson::Value custom(rapidjson::kArrayType);
  if (const rapidjson::Value* items = Given(body, "customFields")) {
    MergeCustomFields(*items, location, custom, a);
  }
  out->AddMember("customFields", std::move(custom), a);
}

void ApplyContactUpdate(const rapidjson::Value& body, const LocationInfo* location,
                        absl::string_view now_iso, rapidjson::Document* contact, DtoKind kind) {
  Allocator& a = contact->GetAllocator();
  for (const auto& m : body.GetObject()) {
    const FieldRule* rule = FindRule(View(m.name), kind);
    if (rule == nullptr) continue;
    const char* name = rule->name;
    const bool clear = m.value.IsNull() || (m.value.IsString() && m.value.GetStringLength() == 0 &&
                                            (absl::string_view(name) == "email" ||
                                             absl::string_view(name) == "phone"));
    switch (rule->kind) {
      case Kind::kString:
      case Kind::kDate:
      case Kind::kBool:
      case Kind::kInboundDnd:
        if (clear) {
          contact->EraseMember(name);
        } else {
          SetMember(*contact, name, StoredString(name, m.value, a), a);
        }
        break;
      case Kind::kTags:
        SetMember(*contact, name, UniqueTags(m.value, a), a);
        break;
      case Kind::kDndSettings: {
        auto it = contact->FindMember("dndSettings");
        if (it == contact->MemberEnd() || !it->value.IsObject()) {
          SetMember(*contact, "dndSettings", rapidjson::Value(rapidjson::kObjectType), a);
          it = contact->FindMember("dndSettings");
        }
        for (const auto& channel : m.value.GetObject()) {
          const auto existing = it->value.FindMember(channel.name);
          if (existing != it->value.MemberEnd()) {
            existing->value.CopyFrom(channel.value, a);
          } else {
            it->value.AddMember(rapidjson::Value(channel.name, a), rapidjson::Value(channel.value, a), a);
          }
        }
        break;
      }
      case Kind::kCustomFields: {
        auto it = contact->FindMember("customFields");
        if (it == contact->MemberEnd() || !it->value.IsArray()) {
          SetMember(*contact, "customFields", rapidjson::Value(rapidjson::kArrayType), a);
          it = contact->FindMember("customFields");
        }
        MergeCustomFields(m.value, location, it->value, a);
        break;
      }
      case Kind::kLocationId:
      case Kind::kUpsertFlag:
        break;
    }
  }

  const bool name_given = body.HasMember("name");
  const bool first_given = body.HasMember("firstName");
  const bool last_given = body.HasMember("lastName");
  if (first_given || last_given || name_given) {
    if (!(name_given && !body["name"].IsNull())) {
      const std::string joined = JoinName(StringOf(*contact, "firstName"), StringOf(*contact, "lastName"));
      if (joined.empty()) {
        contact->EraseMember("name");
      } else {
        SetMember(*contact, "name", Str(joined, a), a);
      }
    }
    // Only the lowercase forms of what changed are recomputed, so untouched
    // members stay byte-identical to what was loaded.
    const struct {
      bool changed;
      const char* source;
      const char* target;
    } derived[] = {{first_given, "firstName", "firstNameLowerCase"},
                   {last_given, "lastName", "lastNameLowerCase"},
                   {true, "name", "fullNameLowerCase"}};
    for (const auto& d : derived) {
      if (!d.changed) continue;
      const char* target = d.target;
      const absl::string_view value = StringOf(*contact, d.source);
      if (value.empty()) {
        contact->EraseMember(target);
      } else {
        SetMember(*contact, target, Str(Utf8ToLower(value), a), a);
      }
    }
  }
  if (body.HasMember("email")) {
    const absl::string_view email = StringOf(*contact, "email");
    if (email.empty()) {
      contact->EraseMember("emailLowerCase");
    } else {
      SetMember(*contact, "emailLowerCase", Str(Utf8ToLower(email), a), a);
    }
  }
  SetMember(*contact, "dateUpdated", Str(now_iso, a), a);
}

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace ghl::sandbox
