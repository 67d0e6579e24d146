// Tests of the GHL contact JSON <-> proto mapping: the 5,000-contact demo
// location and the spec's examples round trip, every mistyped/unknown member
// lands in `extra`, timestamps, numbers, custom field shapes, the create and
// update bodies (exact JSON), masks, and malformed input.
//
// The spec (../shared/ghl-api/apps/contacts.json) is read at test time, never
// copied: its examples feed the round trip and its property lists check the
// DTO tables of contact_mapping.cc.
#include "adapters/ghl/contacts/contact_mapping.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ghl/contacts/v1/contacts_service.pb.h"
#include "tests/support/shared_dir.h"
#include "tests/support/status_matchers.h"

namespace ghl::contacts {
namespace {

using ::ghl::contacts::v1::Contact;
using ::ghl::contacts::v1::CustomFieldValue;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::google::protobuf::FieldMask;
using ::google::protobuf::Timestamp;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using Json = rapidjson::Value;

constexpr unsigned kParseFlags = rapidjson::kParseFullPrecisionFlag;

using ::ghl::testing::SharedDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ToText(const Json& json) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  json.Accept(writer);
  return buffer.GetString();
}

// Compares two JSON values the way GHL documents compare: member order is
// ignored, an absent array equals an empty one, numbers compare by value.
// On a difference `why` names the path.
bool JsonEquivalent(const Json& a, const Json& b, const std::string& path, std::string* why) {
  if (a.IsNumber() && b.IsNumber()) {
    const bool equal =
        a.IsInt64() && b.IsInt64() ? a.GetInt64() == b.GetInt64() : a.GetDouble() == b.GetDouble();
    if (!equal) *why = path + ": " + ToText(a) + " != " + ToText(b);
    return equal;
  }
  if (a.GetType() != b.GetType()) {
    *why = path + ": " + ToText(a) + " != " + ToText(b);
    return false;
  }
  if (a.IsString()) {
    const bool equal = std::string(a.GetString(), a.GetStringLength()) ==
                       std::string(b.GetString(), b.GetStringLength());
    if (!equal) *why = path + ": " + ToText(a) + " != " + ToText(b);
    return equal;
  }
  if (a.IsArray()) {
    if (a.Size() != b.Size()) {
      *why = path + ": array sizes differ";
      return false;
    }
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!JsonEquivalent(a[i], b[i], path + "[" + std::to_string(i) + "]", why)) return false;
    }
    return true;
  }
  if (!a.IsObject()) return true;
  auto missing_is_empty = [&](const Json& from, const Json& other, const char* side) {
    for (const auto& member : from.GetObject()) {
      if (other.HasMember(member.name)) continue;
      if (member.value.IsArray() && member.value.Empty()) continue;
      *why = path + "." + member.name.GetString() + ": only in " + side;
      return false;
    }
    return true;
  };
  if (!missing_is_empty(a, b, "the first") || !missing_is_empty(b, a, "the second")) return false;
  for (const auto& member : a.GetObject()) {
    const auto other = b.FindMember(member.name);
    if (other == b.MemberEnd()) continue;
    if (!JsonEquivalent(member.value, other->value, path + "." + member.name.GetString(), why)) {
      return false;
    }
  }
  return true;
}

// JSON -> Contact -> JSON must give the same document.
::testing::AssertionResult RoundTrips(const std::string& text) {
  auto contact = ContactFromJsonString(text);
  if (!contact.ok()) return ::testing::AssertionFailure() << contact.status() << " for " << text;
  const std::string written = ContactToJsonString(*contact);
  rapidjson::Document in, out;
  in.Parse<kParseFlags>(text.data(), text.size());
  out.Parse<kParseFlags>(written.data(), written.size());
  if (out.HasParseError()) return ::testing::AssertionFailure() << "unparseable: " << written;
  std::string why;
  if (!JsonEquivalent(in, out, "$", &why)) {
    return ::testing::AssertionFailure() << why << "\n in:  " << text << "\n out: " << written;
  }
  return ::testing::AssertionSuccess();
}

Contact Parse(const std::string& text) {
  auto contact = ContactFromJsonString(text);
  EXPECT_THAT(contact, IsOk()) << text;
  return contact.ok() ? *contact : Contact();
}

// The JSON text ContactToJsonString writes for `extra[key]` of a Struct, or
// "<absent>".
std::string ExtraMember(const google::protobuf::Struct& extra, const std::string& key) {
  const auto it = extra.fields().find(key);
  if (it == extra.fields().end()) return "<absent>";
  Contact holder;
  (*holder.mutable_extra()->mutable_fields())["v"] = it->second;
  const std::string text = ContactToJsonString(holder);
  const std::string prefix = R"({"tags":[],"customFields":[],"followers":[],"v":)";
  EXPECT_EQ(text.substr(0, prefix.size()), prefix);
  return text.substr(prefix.size(), text.size() - prefix.size() - 1);
}

// ---------------------------------------------------------------------------
// The spec, read at test time.

class Spec {
 public:
  static const Spec& Get() {
    static const Spec* const kSpec = new Spec();
    return *kSpec;
  }

  bool ok() const { return doc_.IsObject() && doc_.HasMember("components"); }
  const Json& Schema(const std::string& name) const {
    return doc_["components"]["schemas"][name.c_str()];
  }

  std::set<std::string> PropertyNames(const std::string& schema) const {
    std::set<std::string> names;
    for (const auto& property : Schema(schema)["properties"].GetObject()) {
      names.insert(property.name.GetString());
    }
    return names;
  }

  std::set<std::string> NullableProperties(const std::string& schema) const {
    std::set<std::string> names;
    for (const auto& property : Schema(schema)["properties"].GetObject()) {
      const auto nullable = property.value.FindMember("nullable");
      if (nullable != property.value.MemberEnd() && nullable->value.IsTrue()) {
        names.insert(property.name.GetString());
      }
    }
    return names;
  }

  // The example document of a schema: each property's `example`; a `$ref`
  // resolved to the referenced schema's example; an enum's first value; an
  // array of one example item. Properties with none of these are left out.
  std::string ExampleText(const std::string& schema) const {
    rapidjson::Document out;
    Example(Schema(schema), &out, out.GetAllocator());
    return ToText(out);
  }

 private:
  Spec() {
    const std::string text = ReadFile(SharedDir() + "/ghl-api/apps/contacts.json");
    doc_.Parse<kParseFlags>(text.data(), text.size());
  }

  bool Example(const Json& schema, Json* out, rapidjson::Document::AllocatorType& alloc) const {
    const auto ref = schema.FindMember("$ref");
    if (ref != schema.MemberEnd()) {
      const std::string target = ref->value.GetString();
      return Example(Schema(target.substr(target.rfind('/') + 1)), out, alloc);
    }
    if (schema.HasMember("example")) {
      out->CopyFrom(schema["example"], alloc);
      return true;
    }
    if (schema.HasMember("enum")) {
      out->CopyFrom(schema["enum"][0], alloc);
      return true;
    }
    if (schema.HasMember("properties")) {
      out->SetObject();
      for (const auto& property : schema["properties"].GetObject()) {
        Json value;
        if (Example(property.value, &value, alloc)) {
          out->AddMember(Json(property.name, alloc), value, alloc);
        }
      }
      return true;
    }
    if (schema.HasMember("items")) {
      Json item;
      if (!Example(schema["items"], &item, alloc)) return false;
      out->SetArray();
      out->PushBack(item, alloc);
      return true;
    }
    return false;
  }

  rapidjson::Document doc_;
};

// ---------------------------------------------------------------------------
// Round trips

TEST(ContactRoundTripTest, EveryDemoLocationContact) {
  std::ifstream in(SharedDir() + "/data/location-demo/contacts.jsonl");
  ASSERT_TRUE(in.good()) << "no contacts.jsonl under " << SharedDir();
  std::string line;
  int count = 0;
  int with_unknown_members = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++count;
    ASSERT_TRUE(RoundTrips(line)) << "line " << count;
    const Contact contact = Parse(line);
    // Every top-level member of this data set is typed; only the attribution
    // sessionSource is unknown to the model.
    EXPECT_THAT(contact.extra().fields(), IsEmpty()) << "line " << count;
    if (!contact.attribution_source().extra().fields().empty()) ++with_unknown_members;
    // Writing is deterministic: the written text reads back to the same text.
    const std::string written = ContactToJsonString(contact);
    ASSERT_EQ(ContactToJsonString(Parse(written)), written) << "line " << count;
    // What the gateway sends over gRPC must parse back unchanged.
    Contact reparsed;
    ASSERT_TRUE(reparsed.ParseFromString(contact.SerializeAsString())) << "line " << count;
    ASSERT_TRUE(MessageDifferencer::Equals(contact, reparsed)) << "line " << count;
  }
  EXPECT_EQ(count, 5000);
  EXPECT_GT(with_unknown_members, 0);
}

TEST(ContactRoundTripTest, SpecExamples) {
  ASSERT_TRUE(Spec::Get().ok()) << "no contacts.json under " << SharedDir();
  for (const char* schema :
       {"GetContectByIdSchema", "CreateContactSchema", "ContactsSearchSchema"}) {
    SCOPED_TRACE(schema);
    const std::string example = Spec::Get().ExampleText(schema);
    EXPECT_TRUE(RoundTrips(example));
    const Contact contact = Parse(example);
    // The one mistyped example: followers is an array but its example a string.
    for (const auto& entry : contact.extra().fields()) EXPECT_EQ(entry.first, "followers");
    EXPECT_THAT(contact.attribution_source().extra().fields(), IsEmpty());
    EXPECT_THAT(contact.dnd_settings().extra().fields(), IsEmpty());
  }
}

TEST(ContactRoundTripTest, SpecExampleValuesAreTyped) {
  const Contact by_id = Parse(Spec::Get().ExampleText("GetContectByIdSchema"));
  EXPECT_EQ(by_id.id(), "seD4PfOuKoVMLkEZqohJ");
  EXPECT_EQ(by_id.first_name_lower_case(), "rubika");
  EXPECT_TRUE(by_id.dnd());
  EXPECT_EQ(by_id.dnd_settings().gmb().status(), v1::DND_STATUS_ACTIVE);
  EXPECT_EQ(FormatGhlTime(by_id.last_activity()), "2021-07-16T11:39:30.564Z");
  EXPECT_THAT(by_id.tags(), ::testing::ElementsAre("nisi sint commodo amet", "consequat"));
  ASSERT_EQ(by_id.custom_fields_size(), 1);
  EXPECT_EQ(by_id.custom_fields(0).string_value(), "name");
  EXPECT_EQ(by_id.attribution_source().gclid(),
            "CjOKCQjwnNyUBhCZARISAI9AYIFtNnIcWcYGIOQINz_ZoFI5SSLRRugSoPZoiEu27IZBY\u00a3"
            "1-MAIWmEaAo2VEALW_WCB");
  EXPECT_EQ(by_id.last_attribution_source().medium_id(), "FglfHAn30PRwsZVyQlKp");

  const Contact created = Parse(Spec::Get().ExampleText("CreateContactSchema"));
  EXPECT_EQ(created.birth_month(), 8);
  EXPECT_FALSE(created.bounce_email());
  EXPECT_TRUE(created.has_bounce_email());
  EXPECT_EQ(FormatGhlTime(created.last_session_activity_at()), "2021-07-16T11:39:30.564Z");

  const Contact found = Parse(Spec::Get().ExampleText("ContactsSearchSchema"));
  ASSERT_EQ(found.attributions_size(), 1);
  EXPECT_EQ(found.attributions(0).url(), "Trigger Link");
  EXPECT_EQ(ExtraMember(found.extra(), "followers"), R"("641c094001436dbc2081e642")");
}

// Every Contact field is written under a name some contact schema or DTO of
// the spec defines (the reverse of SpecExamples' "nothing left in extra").
TEST(ContactRoundTripTest, EveryFieldHasASpecName) {
  std::set<std::string> spec_names;
  for (const char* schema : {"GetContectByIdSchema", "CreateContactSchema", "ContactsSearchSchema",
                             "CreateContactDto", "UpdateContactDto"}) {
    for (const std::string& name : Spec::Get().PropertyNames(schema)) spec_names.insert(name);
  }
  Contact contact;
  const auto* type = Contact::descriptor();
  const auto* reflection = contact.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const auto* field = type->field(i);
    if (field->name() == "extra") continue;
    if (field->is_repeated()) {
      field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING
          ? reflection->AddString(&contact, field, "x")
          : static_cast<void>(reflection->AddMessage(&contact, field));
    } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
      reflection->SetString(&contact, field, "x");
    } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_BOOL) {
      reflection->SetBool(&contact, field, true);
    } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_INT32) {
      reflection->SetInt32(&contact, field, 1);
    } else {
      reflection->MutableMessage(&contact, field);
    }
  }
  rapidjson::Document doc;
  ContactToJson(contact, &doc, doc.GetAllocator());
  std::set<std::string> written;
  for (const auto& member : doc.GetObject()) written.insert(member.name.GetString());
  EXPECT_EQ(written.size(), static_cast<size_t>(type->field_count() - 1));
  for (const std::string& name : written) EXPECT_EQ(spec_names.count(name), 1u) << name;
}

// The "nothing is lost" rule needs an `extra` Struct on every message the
// mapping walks (StringList lives inside CustomFieldValue's value).
TEST(ContactRoundTripTest, EveryMessageHasExtra) {
  std::vector<const google::protobuf::Descriptor*> pending = {Contact::descriptor()};
  std::set<const google::protobuf::Descriptor*> seen;
  while (!pending.empty()) {
    const auto* type = pending.back();
    pending.pop_back();
    if (!seen.insert(type).second || type->file()->package() != "ghl.contacts.v1" ||
        type == v1::StringList::descriptor()) {
      continue;
    }
    const auto* extra = type->FindFieldByName("extra");
    ASSERT_NE(extra, nullptr) << type->full_name();
    EXPECT_EQ(extra->message_type(), google::protobuf::Struct::descriptor()) << type->full_name();
    for (int i = 0; i < type->field_count(); ++i) {
      if (type->field(i)->message_type() != nullptr)
        pending.push_back(type->field(i)->message_type());
    }
  }
  EXPECT_EQ(seen.count(v1::DndChannelSetting::descriptor()), 1u);
}

// ---------------------------------------------------------------------------
// Reading: mistyped and unknown members

struct ExtraCase {
  std::string json;
  std::string extra_key;
  std::string extra_value;  // JSON text
};

class TopLevelExtraTest : public ::testing::TestWithParam<ExtraCase> {};

TEST_P(TopLevelExtraTest, KeptVerbatimAndWrittenBack) {
  const ExtraCase& c = GetParam();
  const Contact contact = Parse(c.json);
  EXPECT_EQ(ExtraMember(contact.extra(), c.extra_key), c.extra_value);
  EXPECT_EQ(contact.extra().fields_size(), 1);
  EXPECT_TRUE(RoundTrips(c.json));
}

INSTANTIATE_TEST_SUITE_P(
    Mistyped, TopLevelExtraTest,
    ::testing::Values(ExtraCase{R"({"dnd":"yes"})", "dnd", R"("yes")"},
                      ExtraCase{R"({"tags":"a,b"})", "tags", R"("a,b")"},
                      ExtraCase{R"({"tags":["a",1]})", "tags", R"(["a",1])"},
                      ExtraCase{R"({"followers":[null]})", "followers", "[null]"},
                      ExtraCase{R"({"firstName":42})", "firstName", "42"},
                      ExtraCase{R"({"email":["a@b.c"]})", "email", R"(["a@b.c"])"},
                      ExtraCase{R"({"dateAdded":"yesterday"})", "dateAdded", R"("yesterday")"},
                      ExtraCase{R"({"dateAdded":1625203106704})", "dateAdded", "1625203106704"},
                      ExtraCase{R"({"lastActivity":"2021-02-30T00:00:00Z"})", "lastActivity",
                                R"("2021-02-30T00:00:00Z")"},
                      ExtraCase{R"({"birthMonth":8.5})", "birthMonth", "8.5"},
                      ExtraCase{R"({"birthDay":3000000000})", "birthDay", "3000000000"},
                      ExtraCase{R"({"birthDay":"25"})", "birthDay", R"("25")"},
                      ExtraCase{R"({"deleted":0})", "deleted", "0"},
                      ExtraCase{R"({"dndSettings":"on"})", "dndSettings", R"("on")"},
                      ExtraCase{R"({"attributionSource":[]})", "attributionSource", "[]"},
                      ExtraCase{R"({"customFields":{"id":"a","value":"x"}})", "customFields",
                                R"({"id":"a","value":"x"})"},
                      ExtraCase{R"({"customFields":[{"id":"a","value":"x"},"oops"]})",
                                "customFields", R"([{"id":"a","value":"x"},"oops"])"},
                      ExtraCase{R"({"attributions":[{"url":"u"},5]})", "attributions",
                                R"([{"url":"u"},5])"}));

INSTANTIATE_TEST_SUITE_P(
    Unknown, TopLevelExtraTest,
    ::testing::Values(ExtraCase{R"({"additionalEmails":["a@b.c","d@e.f"]})", "additionalEmails",
                                R"(["a@b.c","d@e.f"])"},
                      ExtraCase{R"({"extra":{"x":1}})", "extra", R"({"x":1})"},
                      ExtraCase{R"({"first_name":"snake"})", "first_name", R"("snake")"},
                      ExtraCase{R"({"opportunities":[{"id":"o1","value":null,"won":true}]})",
                                "opportunities", R"([{"id":"o1","value":null,"won":true}])"},
                      ExtraCase{R"({"score":-12.25})", "score", "-12.25"}));

TEST(ContactFromJsonTest, UnknownNestedMembersStayInTheirMessage) {
  const std::string json =
      R"({"attributionSource":{"url":"https://x.test","sessionSource":"Paid Search"},)"
      R"("dndSettings":{"Call":{"status":"active","message":7,"reason":"x"},"Voice":{"status":"active"}},)"
      R"("customFields":[{"id":"f1","value":"v","fieldKey":"contact.f1"}]})";
  const Contact contact = Parse(json);
  EXPECT_EQ(contact.attribution_source().url(), "https://x.test");
  EXPECT_EQ(ExtraMember(contact.attribution_source().extra(), "sessionSource"), R"("Paid Search")");
  EXPECT_EQ(contact.dnd_settings().call().status(), v1::DND_STATUS_ACTIVE);
  EXPECT_FALSE(contact.dnd_settings().call().has_message());
  EXPECT_EQ(ExtraMember(contact.dnd_settings().call().extra(), "message"), "7");
  EXPECT_EQ(ExtraMember(contact.dnd_settings().call().extra(), "reason"), R"("x")");
  EXPECT_EQ(ExtraMember(contact.dnd_settings().extra(), "Voice"), R"({"status":"active"})");
  EXPECT_EQ(ExtraMember(contact.custom_fields(0).extra(), "fieldKey"), R"("contact.f1")");
  EXPECT_THAT(contact.extra().fields(), IsEmpty());
  EXPECT_TRUE(RoundTrips(json));
}

TEST(ContactFromJsonTest, DndSettingWithoutAKnownStatusIsKeptWhole) {
  for (const std::string setting :
       {R"({"message":"m","status":"paused"})", R"({"status":3})", R"({"status":["active"]})"}) {
    const std::string json =
        R"({"dndSettings":{"SMS":)" + setting + R"(,"FB":{"status":"permanent"}}})";
    const Contact contact = Parse(json);
    EXPECT_FALSE(contact.dnd_settings().has_sms()) << setting;
    EXPECT_EQ(ExtraMember(contact.dnd_settings().extra(), "SMS"), setting);
    EXPECT_EQ(contact.dnd_settings().fb().status(), v1::DND_STATUS_PERMANENT);
    EXPECT_TRUE(RoundTrips(json));
  }
  const Contact not_object = Parse(R"({"dndSettings":{"Email":"active"}})");
  EXPECT_EQ(ExtraMember(not_object.dnd_settings().extra(), "Email"), R"("active")");
}

TEST(ContactFromJsonTest, DndChannelsAndInboundAreTyped) {
  const std::string json =
      R"({"dnd":true,"dndSettings":{"Call":{"status":"active","message":"m","code":"c"},)"
      R"("Email":{"status":"inactive"},"SMS":{"status":"permanent"},"WhatsApp":{},)"
      R"("GMB":{"status":"active"},"FB":{"status":"inactive"}},)"
      R"("inboundDndSettings":{"all":{"status":"inactive","message":"ok"}}})";
  const Contact contact = Parse(json);
  const auto& dnd = contact.dnd_settings();
  EXPECT_EQ(dnd.call().status(), v1::DND_STATUS_ACTIVE);
  EXPECT_EQ(dnd.call().message(), "m");
  EXPECT_EQ(dnd.call().code(), "c");
  EXPECT_EQ(dnd.email().status(), v1::DND_STATUS_INACTIVE);
  EXPECT_EQ(dnd.sms().status(), v1::DND_STATUS_PERMANENT);
  EXPECT_TRUE(dnd.has_whatsapp());
  EXPECT_EQ(dnd.whatsapp().status(), v1::DND_STATUS_UNSPECIFIED);
  EXPECT_EQ(dnd.gmb().status(), v1::DND_STATUS_ACTIVE);
  EXPECT_EQ(dnd.fb().status(), v1::DND_STATUS_INACTIVE);
  EXPECT_THAT(dnd.extra().fields(), IsEmpty());
  EXPECT_EQ(contact.inbound_dnd_settings().all().status(), v1::DND_STATUS_INACTIVE);
  EXPECT_EQ(contact.inbound_dnd_settings().all().message(), "ok");
  EXPECT_TRUE(RoundTrips(json));
  // GHL's keys are case-sensitive: "call" is not "Call".
  EXPECT_EQ(ExtraMember(Parse(R"({"dndSettings":{"call":{}}})").dnd_settings().extra(), "call"),
            "{}");
}

TEST(ContactFromJsonTest, NullIsAbsent) {
  const Contact contact = Parse(
      R"({"id":"c1","firstName":null,"dnd":null,"birthMonth":null,"dateAdded":null,"tags":null,)"
      R"("dndSettings":null,"attributionSource":{"url":"u","campaign":null,"utmSource":null},)"
      R"("dndSettings2":null})");
  EXPECT_FALSE(contact.has_first_name());
  EXPECT_FALSE(contact.has_dnd());
  EXPECT_FALSE(contact.has_birth_month());
  EXPECT_FALSE(contact.has_date_added());
  EXPECT_FALSE(contact.has_dnd_settings());
  EXPECT_TRUE(contact.tags().empty());
  EXPECT_FALSE(contact.attribution_source().has_campaign());
  EXPECT_FALSE(contact.attribution_source().has_extra());
  // An unknown member's null is data: kept.
  EXPECT_EQ(ExtraMember(contact.extra(), "dndSettings2"), "null");
  EXPECT_EQ(contact.extra().fields_size(), 1);
  EXPECT_EQ(ContactToJsonString(contact),
            R"({"id":"c1","tags":[],"customFields":[],"attributionSource":{"url":"u"},)"
            R"("followers":[],"dndSettings2":null})");
}

TEST(ContactFromJsonTest, PresenceOfEmptyObjectsAndStringsIsKept) {
  const std::string json = R"({"dndSettings":{},"attributionSource":{},"email":"","dnd":false})";
  const Contact contact = Parse(json);
  EXPECT_TRUE(contact.has_dnd_settings());
  EXPECT_TRUE(contact.has_attribution_source());
  EXPECT_TRUE(contact.has_email());
  EXPECT_TRUE(contact.has_dnd());
  EXPECT_FALSE(contact.has_extra());
  EXPECT_FALSE(contact.dnd_settings().has_extra());
  EXPECT_EQ(ContactToJsonString(contact),
            R"({"email":"","dnd":false,"dndSettings":{},"tags":[],"customFields":[],)"
            R"("attributionSource":{},"followers":[]})");
}

TEST(ContactFromJsonTest, RepeatedMemberNameLastOneWins) {
  const Contact typed_last = Parse(R"({"dnd":"yes","dnd":true})");
  EXPECT_TRUE(typed_last.dnd());
  EXPECT_THAT(typed_last.extra().fields(), IsEmpty());
  const Contact mistyped_last = Parse(R"({"dnd":true,"dnd":"yes"})");
  EXPECT_FALSE(mistyped_last.has_dnd());
  EXPECT_EQ(ExtraMember(mistyped_last.extra(), "dnd"), R"("yes")");
}

TEST(ContactFromJsonTest, ClearsTheOutputFirst) {
  Contact contact;
  contact.set_first_name("old");
  (*contact.mutable_extra()->mutable_fields())["old"].set_bool_value(true);
  rapidjson::Document doc;
  doc.Parse(R"({"lastName":"new"})");
  ASSERT_THAT(ContactFromJson(doc, &contact), IsOk());
  EXPECT_FALSE(contact.has_first_name());
  EXPECT_FALSE(contact.has_extra());
  EXPECT_EQ(contact.last_name(), "new");
}

// ---------------------------------------------------------------------------
// Custom fields

TEST(CustomFieldTest, ValueIsTypedByJsonShape) {
  const Contact contact =
      Parse(R"({"customFields":[)"
            R"({"id":"s","value":"text"},)"
            R"({"id":"n","value":31},)"
            R"({"id":"m","value":100.5},)"
            R"({"id":"l","value":["SMS","Email"]},)"
            R"({"id":"e","value":[]},)"
            R"({"id":"x","value":["a",1]},)"
            R"({"id":"f","value":{"uuid":{"meta":{"size":1786611},"url":"u"}}},)"
            R"({"id":"b","value":true},)"
            R"({"id":"z","value":null},)"
            R"({"id":"none"}]})");
  ASSERT_EQ(contact.custom_fields_size(), 10);
  const auto& f = contact.custom_fields();
  EXPECT_EQ(f[0].string_value(), "text");
  EXPECT_EQ(f[1].number_value(), 31);
  EXPECT_EQ(f[2].number_value(), 100.5);
  EXPECT_THAT(f[3].string_list_value().values(), ::testing::ElementsAre("SMS", "Email"));
  EXPECT_EQ(f[4].value_case(), CustomFieldValue::kStringListValue);
  EXPECT_EQ(f[4].string_list_value().values_size(), 0);
  EXPECT_EQ(f[5].json_value().list_value().values(1).number_value(), 1);
  EXPECT_EQ(f[6].json_value()
                .struct_value()
                .fields()
                .at("uuid")
                .struct_value()
                .fields()
                .at("url")
                .string_value(),
            "u");
  EXPECT_TRUE(f[7].json_value().bool_value());
  EXPECT_EQ(f[8].json_value().kind_case(), google::protobuf::Value::kNullValue);
  EXPECT_EQ(f[9].value_case(), CustomFieldValue::VALUE_NOT_SET);
  for (const auto& field : f) EXPECT_FALSE(field.has_extra()) << field.id();
  EXPECT_TRUE(RoundTrips(ContactToJsonString(contact)));
}

TEST(CustomFieldTest, FieldValueIsAnAliasOfValue) {
  const Contact contact = Parse(R"({"customFields":[{"key":"contact.score","field_value":5},)"
                                R"({"id":"a","value":"typed","field_value":"kept"}]})");
  EXPECT_EQ(contact.custom_fields(0).key(), "contact.score");
  EXPECT_EQ(contact.custom_fields(0).number_value(), 5);
  EXPECT_EQ(contact.custom_fields(1).string_value(), "typed");
  EXPECT_EQ(ExtraMember(contact.custom_fields(1).extra(), "field_value"), R"("kept")");
  // The read shape writes `value`.
  EXPECT_EQ(ContactToJsonString(contact),
            R"({"tags":[],"customFields":[{"key":"contact.score","value":5},)"
            R"({"id":"a","value":"typed","field_value":"kept"}],"followers":[]})");
}

TEST(CustomFieldTest, MistypedIdOrKeyGoesToExtra) {
  const Contact contact = Parse(R"({"customFields":[{"id":7,"key":null,"value":"v"}]})");
  EXPECT_EQ(contact.custom_fields(0).id(), "");
  EXPECT_EQ(ExtraMember(contact.custom_fields(0).extra(), "id"), "7");
  EXPECT_EQ(contact.custom_fields(0).extra().fields_size(), 1);
}

// ---------------------------------------------------------------------------
// Numbers

TEST(NumberTest, IntegralWrittenAsIntegersOthersShortest) {
  struct Case {
    std::string in;
    std::string out;
  };
  for (const Case& c : std::vector<Case>{
           {"31", "31"},
           {"31.0", "31"},
           {"-7", "-7"},
           {"44866.98", "44866.98"},
           {"0.1", "0.1"},
           {"0.30000000000000004", "0.30000000000000004"},
           {"1e300", "1e+300"},
           {"-1.5e-300", "-1.5e-300"},
           {"5e-324", "5e-324"},
           {"9007199254740991", "9007199254740991"},
           {"-9007199254740991", "-9007199254740991"},
           {"9007199254740992", "9007199254740992"},
           {"1e21", "1e+21"},
           {"123456789012345678901234567890", "1.2345678901234568e+29"},
           {"-0.0", "-0"},
           {"0", "0"},
       }) {
    const Contact contact = Parse(R"({"customFields":[{"id":"n","value":)" + c.in + "}]}");
    EXPECT_EQ(ContactToJsonString(contact),
              R"({"tags":[],"customFields":[{"id":"n","value":)" + c.out + R"(}],"followers":[]})")
        << c.in;
    // Same rule inside extra.
    const Contact extra = Parse(R"({"score":)" + c.in + "}");
    EXPECT_EQ(ExtraMember(extra.extra(), "score"), c.out) << c.in;
  }
}

TEST(NumberTest, NegativeZeroKeepsItsSign) {
  const Contact contact = Parse(R"({"customFields":[{"id":"n","value":-0.0}]})");
  EXPECT_TRUE(std::signbit(contact.custom_fields(0).number_value()));
}

TEST(NumberTest, NonFiniteIsWrittenAsNull) {
  Contact contact;
  auto* field = contact.add_custom_fields();
  field->set_id("n");
  field->set_number_value(std::numeric_limits<double>::quiet_NaN());
  (*contact.mutable_extra()->mutable_fields())["inf"].set_number_value(
      std::numeric_limits<double>::infinity());
  EXPECT_EQ(ContactToJsonString(contact),
            R"({"tags":[],"customFields":[{"id":"n","value":null}],"followers":[],"inf":null})");
}

TEST(NumberTest, OutOfRangeNumberIsRefused) {
  EXPECT_THAT(ContactFromJsonString(R"({"score":1e400})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("malformed")));
  EXPECT_THAT(ContactFromJsonString(R"({"score":NaN})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("malformed")));
}

TEST(NumberTest, Int32Fields) {
  EXPECT_EQ(Parse(R"({"birthMonth":8})").birth_month(), 8);
  EXPECT_EQ(Parse(R"({"birthMonth":8.0})").birth_month(), 8);
  EXPECT_EQ(Parse(R"({"birthDay":-2147483648})").birth_day(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(ExtraMember(Parse(R"({"birthDay":1e300})").extra(), "birthDay"), "1e+300");
  EXPECT_TRUE(RoundTrips(R"({"birthMonth":8,"birthDay":25})"));
}

// ---------------------------------------------------------------------------
// Timestamps

Timestamp MakeTimestamp(int64_t seconds, int32_t nanos) {
  Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  return ts;
}

TEST(GhlTimeTest, ParsesRfc3339) {
  constexpr int64_t k20210702 = 1625203106;  // 2021-07-02T05:18:26Z
  struct Case {
    std::string text;
    int64_t seconds;
    int32_t nanos;
  };
  for (const Case& c : std::vector<Case>{
           {"2021-07-02T05:18:26.704Z", k20210702, 704000000},
           {"2021-07-02T05:18:26Z", k20210702, 0},
           {"2021-07-02T05:18:26.7Z", k20210702, 700000000},
           {"2021-07-02T05:18:26.123456789Z", k20210702, 123456789},
           {"2021-07-02T05:18:26.1234567899999Z", k20210702, 123456789},
           {"2021-07-02T10:48:26.704+05:30", k20210702, 704000000},
           {"2021-07-01T22:18:26.704-07:00", k20210702, 704000000},
           {"2021-07-02T05:18:26-00:00", k20210702, 0},
           {"2021-07-02t05:18:26z", k20210702, 0},
           {"1970-01-01T00:00:00.000Z", 0, 0},
           {"1969-12-31T23:59:59.500Z", -1, 500000000},
           {"2020-02-29T00:00:00Z", 1582934400, 0},
           {"0001-01-01T00:00:00Z", -62135596800, 0},
           {"9999-12-31T23:59:59.999999999Z", 253402300799, 999999999},
       }) {
    Timestamp ts;
    ASSERT_TRUE(ParseGhlTime(c.text, &ts)) << c.text;
    EXPECT_EQ(ts.seconds(), c.seconds) << c.text;
    EXPECT_EQ(ts.nanos(), c.nanos) << c.text;
  }
}

TEST(GhlTimeTest, RefusesGarbage) {
  for (const std::string& text :
       std::vector<std::string>{"",
                                "yesterday",
                                "2021-07-02",
                                "2021-07-02T05:18:26",
                                "2021-07-02T05:18Z",
                                "2021-07-02 05:18:26Z",
                                "2021-7-02T05:18:26Z",
                                "21-07-02T05:18:26Z",
                                "2021-13-02T05:18:26Z",
                                "2021-00-02T05:18:26Z",
                                "2021-02-29T00:00:00Z",
                                "2021-04-31T00:00:00Z",
                                "2021-07-00T00:00:00Z",
                                "2021-07-02T24:00:00Z",
                                "2021-07-02T05:60:00Z",
                                "2021-07-02T05:18:60Z",
                                "2021-07-02T05:18:26.Z",
                                "2021-07-02T05:18:26.704",
                                "2021-07-02T05:18:26.704+0530",
                                "2021-07-02T05:18:26.704+24:00",
                                "2021-07-02T05:18:26.704+05:60",
                                "2021-07-02T05:18:26.704Zjunk",
                                " 2021-07-02T05:18:26Z",
                                "+2021-07-02T05:18:26Z",
                                "0000-01-01T00:00:00Z",
                                "0001-01-01T00:00:00+00:01",
                                "9999-12-31T23:59:59-00:01",
                                "2021-07-02T05:18:26.-1Z",
                                "2021\uff0d07-02T05:18:26Z",
                                std::string("2021-07-02T05:18:26\0Z", 21)}) {
    Timestamp ts;
    EXPECT_FALSE(ParseGhlTime(text, &ts)) << text;
  }
}

TEST(GhlTimeTest, FormatsUtcMillis) {
  EXPECT_EQ(FormatGhlTime(MakeTimestamp(1625203106, 704000000)), "2021-07-02T05:18:26.704Z");
  EXPECT_EQ(FormatGhlTime(MakeTimestamp(1625203106, 0)), "2021-07-02T05:18:26.000Z");
  // Sub-millisecond digits are truncated, not rounded.
  EXPECT_EQ(FormatGhlTime(MakeTimestamp(1625203106, 704999999)), "2021-07-02T05:18:26.704Z");
  EXPECT_EQ(FormatGhlTime(MakeTimestamp(0, 0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatGhlTime(MakeTimestamp(-1, 500000000)), "1969-12-31T23:59:59.500Z");
  EXPECT_EQ(FormatGhlTime(MakeTimestamp(-62135596800, 0)), "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatGhlTime(MakeTimestamp(253402300799, 999999999)), "9999-12-31T23:59:59.999Z");
  // Not-normalised nanos (a hand-built Timestamp) still format sensibly.
  EXPECT_EQ(FormatGhlTime(MakeTimestamp(0, -1)), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatGhlTime(MakeTimestamp(0, 1500000000)), "1970-01-01T00:00:01.500Z");
  // Outside Timestamp's range: no crash.
  EXPECT_FALSE(FormatGhlTime(MakeTimestamp(std::numeric_limits<int64_t>::max(), 0)).empty());
  EXPECT_FALSE(FormatGhlTime(MakeTimestamp(std::numeric_limits<int64_t>::min(), 0)).empty());
}

TEST(GhlTimeTest, ContactDatesAreNormalisedToGhlForm) {
  const Contact contact = Parse(
      R"({"dateAdded":"2021-07-02T10:48:26+05:30","dateUpdated":"2021-07-02T05:18:26.7Z",)"
      R"("lastActivity":"2021-07-02T05:18:26.704Z","lastSessionActivityAt":"2021-07-02T05:18:26.000123Z"})");
  EXPECT_EQ(ContactToJsonString(contact),
            R"({"tags":[],"customFields":[],"followers":[],"dateAdded":"2021-07-02T05:18:26.000Z",)"
            R"("dateUpdated":"2021-07-02T05:18:26.700Z","lastActivity":"2021-07-02T05:18:26.704Z",)"
            R"("lastSessionActivityAt":"2021-07-02T05:18:26.000Z"})");
}

// ---------------------------------------------------------------------------
// Writing

TEST(ContactToJsonTest, EmptyContactHasTheAlwaysSentLists) {
  EXPECT_EQ(ContactToJsonString(Contact()), R"({"tags":[],"customFields":[],"followers":[]})");
}

TEST(ContactToJsonTest, Utf8IsNotEscapedControlCharactersAre) {
  Contact contact;
  contact.set_first_name("فاطمه");
  contact.set_city("Zoë \"Q\"\n\t");
  contact.set_last_name(std::string("a\0b", 3));
  contact.add_tags("日本, 東京");
  EXPECT_EQ(ContactToJsonString(contact),
            "{\"firstName\":\"فاطمه\",\"lastName\":\"a\\u0000b\",\"city\":\"Zoë \\\"Q\\\"\\n\\t\","
            "\"tags\":[\"日本, 東京\"],\"customFields\":[],\"followers\":[]}");
  EXPECT_EQ(Parse(ContactToJsonString(contact)).last_name(), std::string("a\0b", 3));
}

TEST(ContactToJsonTest, TypedValueWinsOverStaleExtra) {
  Contact contact;
  contact.add_tags("vip");
  contact.set_dnd(true);
  auto& extra = *contact.mutable_extra()->mutable_fields();
  extra["tags"].set_string_value("stale");
  extra["dnd"].set_string_value("stale");
  extra["followers"].set_string_value("kept");
  extra["zeta"].set_bool_value(true);
  extra["alpha"].set_bool_value(false);
  // Typed wins; extra fills the rest, sorted; `followers` from extra replaces the default [].
  EXPECT_EQ(ContactToJsonString(contact),
            R"({"dnd":true,"tags":["vip"],"customFields":[],"alpha":false,"followers":"kept",)"
            R"("zeta":true})");
}

TEST(ContactToJsonTest, WritesIntoACallersDocument) {
  Contact contact;
  contact.set_id("c1");
  rapidjson::Document doc(rapidjson::kObjectType);
  Json value;
  ContactToJson(contact, &value, doc.GetAllocator());
  doc.AddMember("contact", value, doc.GetAllocator());
  EXPECT_EQ(ToText(doc), R"({"contact":{"id":"c1","tags":[],"customFields":[],"followers":[]}})");
}

// ---------------------------------------------------------------------------
// Create / update bodies

Contact FullContact() {
  Contact contact = Parse(
      R"({"id":"ignored","locationId":"ignored","dateAdded":"2021-07-02T05:18:26.704Z",)"
      R"("firstNameLowerCase":"ignored","type":"lead","businessId":"ignored","followers":["u1"],)"
      R"("attributionSource":{"url":"ignored"},"somethingNew":1,)"
      R"("firstName":"فاطمه","lastName":"Deo","name":"فاطمه Deo","email":"rosan@deos.com",)"
      R"("gender":"female","phone":"+1 888-888-8888","address1":"3535 1st St N","city":"Dolomite",)"
      R"("state":"AL","postalCode":"35061","website":"https://www.tesla.com",)"
      R"("timezone":"America/Chihuahua","dnd":true,)"
      R"("dndSettings":{"Call":{"status":"active","message":"m","code":"c","extraInfo":1},)"
      R"("Voice":{"status":"active"}},)"
      R"("inboundDndSettings":{"all":{"status":"inactive","message":"x"}},)"
      R"("tags":["a, b","c"],)"
      R"("customFields":[{"id":"f1","value":"x","fieldKey":"k"},{"key":"contact.score","value":5},)"
      R"({"id":"f3","key":"k3","value":["a","b"]},{"id":"f4","value":{"doc":{"url":"u"}}}],)"
      R"("source":"public api","dateOfBirth":"1990-09-25","country":"US","companyName":"DGS",)"
      R"("assignedTo":"y0BeYjuRIlDwsDcOHOJo"})");
  return contact;
}

TEST(CreateContactBodyTest, WritesCreateContactDtoFieldsOnly) {
  auto body = CreateContactBody("ve9EPM428h8vShlRW1KT", FullContact());
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ(
      *body,
      R"({"locationId":"ve9EPM428h8vShlRW1KT","firstName":"فاطمه","lastName":"Deo",)"
      R"("name":"فاطمه Deo","email":"rosan@deos.com","gender":"female","phone":"+1 888-888-8888",)"
      R"("address1":"3535 1st St N","city":"Dolomite","state":"AL","postalCode":"35061",)"
      R"("website":"https://www.tesla.com","timezone":"America/Chihuahua","dnd":true,)"
      R"("dndSettings":{"Call":{"status":"active","message":"m","code":"c"}},)"
      R"("inboundDndSettings":{"all":{"status":"inactive","message":"x"}},)"
      R"("tags":["a, b","c"],)"
      R"("customFields":[{"id":"f1","field_value":"x"},{"key":"contact.score","field_value":5},)"
      R"({"id":"f3","field_value":["a","b"]},{"id":"f4","field_value":{"doc":{"url":"u"}}}],)"
      R"("source":"public api","dateOfBirth":"1990-09-25","country":"US","companyName":"DGS",)"
      R"("assignedTo":"y0BeYjuRIlDwsDcOHOJo"})");
}

TEST(CreateContactBodyTest, OnlySetFields) {
  Contact contact;
  contact.set_first_name("Rosan");
  contact.set_email("");
  contact.set_dnd(false);
  EXPECT_EQ(*CreateContactBody("L1", contact),
            R"({"locationId":"L1","firstName":"Rosan","email":"","dnd":false})");
  EXPECT_EQ(*CreateContactBody("L1", Contact()), R"({"locationId":"L1"})");
}

TEST(CreateContactBodyTest, EveryDtoPropertyIsWritable) {
  rapidjson::Document body;
  const std::string text = *CreateContactBody("L1", FullContact());
  body.Parse(text.data(), text.size());
  std::set<std::string> written;
  for (const auto& member : body.GetObject()) written.insert(member.name.GetString());
  EXPECT_EQ(written, Spec::Get().PropertyNames("CreateContactDto"));
}

TEST(CreateContactBodyTest, ErrorsNameTheField) {
  Contact contact = FullContact();
  contact.mutable_custom_fields(2)->clear_id();
  contact.mutable_custom_fields(2)->clear_key();
  EXPECT_THAT(CreateContactBody("L1", contact),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("custom_fields[2]"), HasSubstr("id or a key"))));

  contact = FullContact();
  contact.mutable_custom_fields(1)->clear_value();
  EXPECT_THAT(CreateContactBody("L1", contact),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("custom_fields[1]"), HasSubstr("no value"))));

  contact = FullContact();
  contact.mutable_dnd_settings()->mutable_sms()->set_message("no status");
  EXPECT_THAT(CreateContactBody("L1", contact),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dnd_settings.sms.status")));

  contact = FullContact();
  contact.mutable_inbound_dnd_settings()->mutable_all()->set_status(static_cast<v1::DndStatus>(42));
  EXPECT_THAT(
      CreateContactBody("L1", contact),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("inbound_dnd_settings.all.status")));

  EXPECT_THAT(CreateContactBody("", FullContact()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("location_id")));
}

FieldMask Mask(std::vector<std::string> paths) {
  FieldMask mask;
  for (auto& path : paths) mask.add_paths(std::move(path));
  return mask;
}

TEST(UpdateContactBodyTest, WritesExactlyTheMaskedFields) {
  EXPECT_EQ(*UpdateContactBody(FullContact(), Mask({"tags", "first_name"})),
            R"({"firstName":"فاطمه","tags":["a, b","c"]})");
  EXPECT_EQ(*UpdateContactBody(FullContact(), Mask({"first_name", "tags", "first_name"})),
            R"({"firstName":"فاطمه","tags":["a, b","c"]})");
  EXPECT_EQ(
      *UpdateContactBody(FullContact(), Mask({"custom_fields", "dnd_settings"})),
      R"({"dndSettings":{"Call":{"status":"active","message":"m","code":"c"}},)"
      R"("customFields":[{"id":"f1","field_value":"x"},{"key":"contact.score","field_value":5},)"
      R"({"id":"f3","field_value":["a","b"]},{"id":"f4","field_value":{"doc":{"url":"u"}}}]})");
}

TEST(UpdateContactBodyTest, TagsAreAlwaysAList) {
  Contact contact;
  EXPECT_EQ(*UpdateContactBody(contact, Mask({"tags"})), R"({"tags":[]})");
  contact.add_tags("a,b");
  EXPECT_EQ(*UpdateContactBody(contact, Mask({"tags"})), R"({"tags":["a,b"]})");
}

TEST(UpdateContactBodyTest, UnsetNullableFieldIsSentAsNull) {
  EXPECT_EQ(*UpdateContactBody(Contact(), Mask({"email", "date_of_birth", "assigned_to"})),
            R"({"email":null,"dateOfBirth":null,"assignedTo":null})");
  Contact empty_string;
  empty_string.set_email("");
  EXPECT_EQ(*UpdateContactBody(empty_string, Mask({"email"})), R"({"email":""})");
}

TEST(UpdateContactBodyTest, UnsetNonNullableFieldIsRefused) {
  for (const std::string path :
       {"postal_code", "dnd", "dnd_settings", "inbound_dnd_settings", "country"}) {
    EXPECT_THAT(UpdateContactBody(Contact(), Mask({"first_name", path})),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("\"" + path + "\""), HasSubstr("not nullable"))));
  }
}

// The update table agrees with the spec: every UpdateContactDto property is
// writable, and an unset one becomes null exactly when the spec allows null.
TEST(UpdateContactBodyTest, TableMatchesUpdateContactDto) {
  const std::set<std::string> properties = Spec::Get().PropertyNames("UpdateContactDto");
  const std::set<std::string> nullable = Spec::Get().NullableProperties("UpdateContactDto");
  std::set<std::string> written;
  for (int i = 0; i < Contact::descriptor()->field_count(); ++i) {
    const auto* field = Contact::descriptor()->field(i);
    auto full = UpdateContactBody(FullContact(), Mask({field->name()}));
    const bool in_spec = properties.count(field->json_name()) == 1;
    EXPECT_EQ(full.ok(), in_spec) << field->name() << ": " << full.status();
    if (!full.ok()) continue;
    written.insert(field->json_name());
    auto cleared = UpdateContactBody(Contact(), Mask({field->name()}));
    if (field->is_repeated()) {
      EXPECT_EQ(*cleared, "{\"" + field->json_name() + "\":[]}");
    } else if (nullable.count(field->json_name()) == 1) {
      EXPECT_EQ(*cleared, "{\"" + field->json_name() + "\":null}");
    } else {
      EXPECT_THAT(cleared, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(field->name())));
    }
  }
  EXPECT_EQ(written, properties);
}

TEST(UpdateContactBodyTest, PathErrorsSayWhy) {
  for (const std::string path : {"id", "date_added", "company_name", "gender", "location_id",
                                 "first_name_lower_case", "extra", "followers"}) {
    EXPECT_THAT(UpdateContactBody(FullContact(), Mask({"first_name", path})),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("\"" + path + "\""),
                               HasSubstr("not writable through UpdateContactDto"))));
  }
  for (const std::string path : {"firstName", "bogus", "dnd_settings.call", ""}) {
    EXPECT_THAT(UpdateContactBody(FullContact(), Mask({path})),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("\"" + path + "\""), HasSubstr("unknown field"))));
  }
  EXPECT_THAT(UpdateContactBody(FullContact(), FieldMask()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("update_mask must name at least one field")));
  Contact bad = FullContact();
  bad.mutable_custom_fields(3)->clear_value();
  EXPECT_THAT(UpdateContactBody(bad, Mask({"custom_fields"})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("custom_fields[3]")));
}

// ---------------------------------------------------------------------------
// Read masks

TEST(ApplyReadMaskTest, EmptyMaskKeepsEverything) {
  Contact contact = FullContact();
  ASSERT_THAT(ApplyReadMask(FieldMask(), &contact), IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(contact, FullContact()));
}

TEST(ApplyReadMaskTest, KeepsMaskedFieldsAndId) {
  Contact contact = FullContact();
  ASSERT_THAT(ApplyReadMask(Mask({"email", "custom_fields"}), &contact), IsOk());
  Contact expected;
  expected.set_id("ignored");
  expected.set_email("rosan@deos.com");
  *expected.mutable_custom_fields() = FullContact().custom_fields();
  EXPECT_TRUE(MessageDifferencer::Equals(contact, expected)) << contact.DebugString();
  EXPECT_FALSE(contact.has_extra());
}

TEST(ApplyReadMaskTest, ExtraIsKeptOnlyWhenNamed) {
  Contact contact = FullContact();
  ASSERT_THAT(ApplyReadMask(Mask({"extra"}), &contact), IsOk());
  EXPECT_EQ(contact.id(), "ignored");
  EXPECT_EQ(ExtraMember(contact.extra(), "somethingNew"), "1");
  EXPECT_FALSE(contact.has_first_name());
  ASSERT_THAT(ApplyReadMask(Mask({"id"}), &contact), IsOk());
  EXPECT_FALSE(contact.has_extra());
  EXPECT_EQ(contact.id(), "ignored");
}

TEST(ApplyReadMaskTest, UnknownPathIsRefusedAndNothingChanges) {
  for (const std::string path : {"bogus", "firstName", "dnd_settings.call", ""}) {
    Contact contact = FullContact();
    EXPECT_THAT(ApplyReadMask(Mask({"email", path}), &contact),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"" + path + "\"")));
    EXPECT_TRUE(MessageDifferencer::Equals(contact, FullContact()));
  }
}

// ---------------------------------------------------------------------------
// Malformed input

TEST(MalformedInputTest, NotAContactObject) {
  for (const std::string text :
       {"", "not json", "[]", "\"contact\"", "null", "{} trailing", "{\"a\":", "{\"a\":1,}"}) {
    EXPECT_THAT(ContactFromJsonString(text),
                StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_))
        << text;
  }
  rapidjson::Document doc;
  doc.Parse("[1]");
  Contact contact;
  EXPECT_THAT(ContactFromJson(doc, &contact),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("JSON object")));
}

std::string Nested(int levels, const std::string& open, const std::string& close) {
  std::string text;
  for (int i = 0; i < levels; ++i) text += open;
  text += "1";
  for (int i = 0; i < levels; ++i) text += close;
  return text;
}

TEST(MalformedInputTest, DeepNestingIsRefusedWithoutCrashing) {
  // 31 objects under the contact: level 32, the deepest accepted. The
  // resulting proto must still be parseable by protobuf (and so by gRPC).
  const auto deepest = ContactFromJsonString(R"({"x":)" + Nested(31, R"({"x":)", "}") + "}");
  ASSERT_THAT(deepest, IsOk());
  Contact reparsed;
  EXPECT_TRUE(reparsed.ParseFromString(deepest->SerializeAsString()));
  // Also inside the response that carries contacts one level down.
  v1::ListContactsResponse page;
  *page.add_contacts() = *deepest;
  v1::ListContactsResponse reparsed_page;
  EXPECT_TRUE(reparsed_page.ParseFromString(page.SerializeAsString()));
  const auto deepest_custom = ContactFromJsonString(R"({"customFields":[{"id":"a","value":)" +
                                                    Nested(29, "[", "]") + "}]}");
  ASSERT_THAT(deepest_custom, IsOk());
  EXPECT_TRUE(reparsed.ParseFromString(deepest_custom->SerializeAsString()));

  EXPECT_THAT(ContactFromJsonString(R"({"x":)" + Nested(32, R"({"x":)", "}") + "}"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("deeper than 32"), HasSubstr("x.x.x.x"))));
  EXPECT_THAT(
      ContactFromJsonString(R"({"customFields":[{"id":"a","value":)" + Nested(30, "[", "]") +
                            "}]}"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("customFields[0].value[0][0]")));
  EXPECT_THAT(ContactFromJsonString(R"({"attributionSource":)" + Nested(40, R"({"a":)", "}") + "}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("deeper than")));
  // Far deeper than any call stack would survive if parsing were recursive.
  EXPECT_THAT(ContactFromJsonString(R"({"x":)" + Nested(200000, "[", "]") + "}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("deeper than")));
  EXPECT_THAT(ContactFromJsonString(std::string(200000, '[')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("malformed")));
}

TEST(MalformedInputTest, InvalidUtf8IsRefused) {
  // Raw invalid bytes are refused while parsing the text.
  EXPECT_THAT(ContactFromJsonString("{\"firstName\":\"\xff\"}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("malformed")));
  EXPECT_THAT(ContactFromJsonString("{\"firstName\":\"\xc0\xaf\"}"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  // A lone surrogate escape decodes to bytes that are not UTF-8.
  struct Case {
    std::string json;
    std::string path;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"firstName":"\udc00"})", "firstName"},
           {R"({"tags":["ok","\udc00"]})", "tags[1]"},
           {R"({"unknown":{"a":["\udc00"]}})", "unknown.a[0]"},
           {R"({"\udc00":1})", "\xed\xb0\x80"},
           {R"({"customFields":[{"id":"a","value":"\udfff"}]})", "customFields[0].value"},
           {R"({"customFields":[{"id":"\udc00","value":1}]})", "customFields[0].id"},
           {R"({"customFields":[{"id":"a","value":["\udc00"]}]})", "customFields[0].value[0]"},
           {R"({"dndSettings":{"Call":{"status":"active","message":"\udc00"}}})",
            "dndSettings.Call.message"},
       }) {
    EXPECT_THAT(ContactFromJsonString(c.json),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("not valid UTF-8"), HasSubstr(c.path))))
        << c.json;
  }
  // A document parsed without validation reaches ContactFromJson directly.
  rapidjson::Document doc;
  doc.Parse("{\"lastName\":\"ok\",\"city\":\"\xe2\x82\"}");
  ASSERT_FALSE(doc.HasParseError());
  Contact contact;
  EXPECT_THAT(ContactFromJson(doc, &contact),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("city")));
  EXPECT_FALSE(contact.has_last_name());
  // Valid surrogate pairs are fine.
  EXPECT_EQ(Parse(R"({"firstName":"\ud83d\ude00"})").first_name(), "\xf0\x9f\x98\x80");
}

TEST(MalformedInputTest, HugeArraysAndStrings) {
  std::string tags = R"({"tags":[)";
  for (int i = 0; i < 100000; ++i) tags += i == 0 ? "\"t\"" : ",\"t\"";
  tags += "]}";
  EXPECT_EQ(Parse(tags).tags_size(), 100000);
  const std::string long_name(1 << 20, 'a');
  EXPECT_EQ(Parse(R"({"name":")" + long_name + "\"}").name().size(), long_name.size());
}

}  // namespace
}  // namespace ghl::contacts
