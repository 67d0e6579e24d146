// FieldMapping (client/field_mapping.h): every parse error kind reports its
// line and name; every transform; E.164 in the demo data's locales; the
// shipped mapping applied to all 5,000 demo contacts, checked against the
// raw JSON lines read independently.
#include "client/field_mapping.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "tests/support/shared_dir.h"
#include "tests/unit/client/status_matchers.h"

namespace ghl::client {
namespace {

using ::ghl::client::testing::IsOk;
using ::ghl::client::testing::StatusIs;
using ::testing::HasSubstr;
namespace v1 = ::ghl::contacts::v1;

std::string SampleMappingPath() {
  const char* src = std::getenv("GHL_SOURCE_DIR");
  return absl::StrCat(src == nullptr ? "." : src, "/client/mappings/rankr-contact.map");
}

void ExpectParseError(const std::string& text, const std::string& want) {
  EXPECT_THAT(FieldMapping::Parse("m.map", text), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(want)))
      << text;
}

TEST(FieldMappingParse, EveryErrorNamesFileLineAndName) {
  const std::string ok = "# header\nemail -> email string | lower\n\n";
  ExpectParseError(ok + "fax -> fax string\n", "m.map:4: fax: unknown GHL field 'fax'");
  ExpectParseError(ok + "phone -> phone string | shout\n", "m.map:4: phone: unknown transform 'shout'");
  ExpectParseError(ok + "phone -> phone text\n", "m.map:4: phone: unknown type 'text'");
  ExpectParseError(ok + "emailLowerCase -> email string\n", "m.map:4: email: duplicate Rankr field");
  ExpectParseError(ok + "dnd -> dnd bool | lower\n", "m.map:4: dnd: transform lower is not valid for type bool");
  ExpectParseError(ok + "tags -> tags string_list | e164(US)\n",
                   "m.map:4: tags: transform e164 is not valid for type string_list");
  ExpectParseError(ok + "dateAdded -> day timestamp | date(%Y)\n",
                   "m.map:4: day: transform date is not valid for type timestamp");
  ExpectParseError(ok + "phone -> phone string | e164(ZZ)\n", "m.map:4: phone: e164: unknown default country 'ZZ'");
  ExpectParseError(ok + "phone -> phone string | e164\n", "m.map:4: phone: e164 needs an argument");
  ExpectParseError(ok + "name -> first string | split_name(middle)\n", "m.map:4: first: split_name takes first or last");
  ExpectParseError(ok + "customField:abc -> score int | default(many)\n",
                   "m.map:4: score: default(many) is not a int");
  ExpectParseError(ok + "email email string\n", "m.map:4: email: expected 'GHL_FIELD -> RANKR_FIELD TYPE");
  ExpectParseError(ok + "email -> 1email string\n", "m.map:4: 1email: a Rankr field name is letters");
  ExpectParseError(ok + "id -> ghl_id string\n", "m.map:4: ghl_id: reserved Rankr field");
  ExpectParseError(ok + "customField: -> x string\n", "m.map:4: x: a custom field needs an id or key");
  ExpectParseError(ok + "email -> mail string | trim |\n", "m.map:4: mail: empty transform");
  ExpectParseError(ok + "key a b c\n", "m.map:4: key: expected 'key <custom field key> <id>'");
  ExpectParseError("# nothing\n", "m.map:1: mapping: no entries");
}

TEST(FieldMappingParse, AcceptsJsonAndProtoNamesAndTheSample) {
  absl::StatusOr<FieldMapping> m = FieldMapping::Parse(
      "m.map", "first_name -> a string\nfirstName -> b string\ncustomField.key:contact.x -> c double\n");
  ASSERT_THAT(m.status(), IsOk());
  ASSERT_EQ(m->entries().size(), 3u);
  EXPECT_EQ(m->entries()[0].source_name, "firstName");
  EXPECT_EQ(m->entries()[1].source_name, "firstName");
  EXPECT_EQ(m->entries()[2].source_kind, MappingEntry::SourceKind::kCustomFieldKey);
  EXPECT_EQ(m->entries()[2].line, 3);
  absl::StatusOr<FieldMapping> sample = FieldMapping::Load(SampleMappingPath());
  ASSERT_THAT(sample.status(), IsOk());
  EXPECT_EQ(sample->entries().size(), 15u);
  EXPECT_THAT(FieldMapping::Load("/nonexistent/x.map"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("x.map")));
}

TEST(FieldMappingParse, FingerprintChangesWithWhatTheRecordsHold) {
  const auto fp = [](const std::string& text) {
    absl::StatusOr<FieldMapping> m = FieldMapping::Parse("m.map", text);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? m->Fingerprint() : std::string();
  };
  const std::string base = fp("key k ID1\nemail -> email string | trim | lower\n");
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(fp("# comment\n\nkey  k  ID1\nemail   ->  email  string |trim|lower\n"), base);
  EXPECT_NE(fp("key k ID1\nemail -> email string | trim\n"), base);
  EXPECT_NE(fp("key k ID2\nemail -> email string | trim | lower\n"), base);
  EXPECT_NE(fp("key k ID1\nemail -> mail string | trim | lower\n"), base);
  EXPECT_NE(fp("key k ID1\nphone -> email string\n"), fp("key k ID1\nphone -> email string | e164(US)\n"));
  EXPECT_NE(fp("phone -> p string | e164(US)\n"), fp("phone -> p string | e164(GB)\n"));
}

TEST(FieldMappingTransforms, E164AcrossTheDemoLocales) {
  // The demo's numbers are already international (+ and 9-13 digits).
  EXPECT_EQ(*NormalizeE164("+9713102459047", "US"), "+9713102459047");
  EXPECT_EQ(*NormalizeE164("+191332288", "US"), "+191332288");
  EXPECT_EQ(*NormalizeE164("+49 30 1234-5678", "US"), "+493012345678");
  EXPECT_EQ(*NormalizeE164("0049 30 12345678", "US"), "+493012345678");
  // National formats, completed with the default country.
  EXPECT_EQ(*NormalizeE164("(415) 555-0134", "US"), "+14155550134");
  EXPECT_EQ(*NormalizeE164("1-415-555-0134 x12", "US"), "+14155550134");
  EXPECT_EQ(*NormalizeE164("030 12345678", "DE"), "+493012345678");
  EXPECT_EQ(*NormalizeE164("01 23 45 67 89", "FR"), "+33123456789");
  EXPECT_EQ(*NormalizeE164("03-1234-5678", "JP"), "+81312345678");
  EXPECT_EQ(*NormalizeE164("098765 43210", "IN"), "+919876543210");
  EXPECT_EQ(*NormalizeE164("050 123 4567", "AE"), "+971501234567");
  EXPECT_EQ(*NormalizeE164("(11) 91234-5678", "BR"), "+5511912345678");
  EXPECT_EQ(*NormalizeE164("55 1234 5678", "MX"), "+525512345678");
  EXPECT_EQ(*NormalizeE164("010 1234 5678", "CN"), "+861012345678");
  // Italy has no trunk prefix: the leading 0 of a landline stays after +39.
  EXPECT_EQ(*NormalizeE164("06 1234 5678", "IT"), "+390612345678");
  EXPECT_EQ(*NormalizeE164("+39 06 1234 5678", "US"), "+390612345678");
  EXPECT_EQ(*NormalizeE164("347 123 4567", "IT"), "+393471234567");
  // "(0)": the trunk prefix written inside an international number is not dialled.
  EXPECT_EQ(*NormalizeE164("+44 (0) 20 7946 0958", "US"), "+442079460958");
  EXPECT_EQ(*NormalizeE164("0044 (0)20 7946 0958", "US"), "+442079460958");
  EXPECT_EQ(*NormalizeE164("+49 (0)30 1234-5678", "US"), "+493012345678");
  // Failures say why, never echo the number.
  EXPECT_THAT(NormalizeE164("call me", "US"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("characters")));
  EXPECT_THAT(NormalizeE164("555-0134", "US"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("10 digits")));
  EXPECT_THAT(NormalizeE164("+1234567", "US"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("8 to 15")));
  EXPECT_THAT(NormalizeE164("+1234567890123456", "US"), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  absl::Status s = NormalizeE164("12a456789", "US").status();
  EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("12a456789")));
}

TEST(FieldMappingTransforms, SplitNameAndDates) {
  EXPECT_EQ(SplitName("  Ada   Lovelace Byron "), std::make_pair(std::string("Ada"), std::string("Lovelace Byron")));
  EXPECT_EQ(SplitName("Cher"), std::make_pair(std::string("Cher"), std::string("")));
  EXPECT_EQ(SplitName("فاطمه النابلي"), std::make_pair(std::string("فاطمه"), std::string("النابلي")));
  // The ideographic space (Japanese/Chinese input methods) and the no-break
  // space separate words too.
  EXPECT_EQ(SplitName("山田\u3000太郎"), std::make_pair(std::string("山田"), std::string("太郎")));
  EXPECT_EQ(SplitName("Ada\u00a0Lovelace\nByron"), std::make_pair(std::string("Ada"), std::string("Lovelace Byron")));
  EXPECT_EQ(SplitName("\u3000"), std::make_pair(std::string(""), std::string("")));
  EXPECT_EQ(FormatRfc3339Millis(*ParseRfc3339("2024-05-14T23:11:12.44+02:00")), "2024-05-14T21:11:12.440Z");
  EXPECT_THAT(ParseRfc3339("2024-05-14"), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

v1::Contact ContactOf(const std::string& json) {
  absl::StatusOr<v1::Contact> c = ghl::contacts::ContactFromJsonString(json);
  EXPECT_THAT(c.status(), IsOk()) << json;
  return c.ok() ? *c : v1::Contact();
}

TEST(FieldMappingApply, EveryTransformAndTypeWithWarnings) {
  absl::StatusOr<FieldMapping> m = FieldMapping::Parse("m.map", R"(key contact.score SCOREID
email -> email string | trim | lower
phone -> phone string | e164(DE)
name -> first string | split_name(first)
name -> last string | split_name(last)
dateAdded -> day string | date(%Y-%m-%d)
dateAdded -> added timestamp
tags -> tags string_list | trim | lower
dnd -> dnd bool
companyName -> company string | default(none)
customField.key:contact.score -> score int | default(0)
customField:MONEY -> budget double
customField:LIST -> list string_list
customField:LIST -> list_text string
)");
  ASSERT_THAT(m.status(), IsOk());
  RankrRecord r = m->Apply(ContactOf(R"({"id":"c1","email":"  Ada@Example.COM ","phone":"030 1234567",
    "name":"Ada King Lovelace","dateAdded":"2024-05-14T21:11:12.440Z","dateUpdated":"2024-06-01T00:00:00.000Z",
    "tags":[" VIP ","Gold"],"dnd":true,
    "customFields":[{"id":"SCOREID","value":42},{"id":"MONEY","value":"12.5"},{"id":"LIST","value":["a","b"]}]})"));
  EXPECT_EQ(r.ghl_id, "c1");
  EXPECT_EQ(r.updated_at, "2024-06-01T00:00:00.000Z");
  EXPECT_EQ(r.Find("email")->text, "ada@example.com");
  EXPECT_EQ(r.Find("phone")->text, "+49301234567");
  EXPECT_EQ(r.Find("first")->text, "Ada");
  EXPECT_EQ(r.Find("last")->text, "King Lovelace");
  EXPECT_EQ(r.Find("day")->text, "2024-05-14");
  EXPECT_EQ(r.Find("added")->kind, RankrValue::Kind::kTimestamp);
  EXPECT_EQ(r.Find("added")->text, "2024-05-14T21:11:12.440Z");
  EXPECT_EQ(r.Find("tags")->list, (std::vector<std::string>{"vip", "gold"}));
  EXPECT_TRUE(r.Find("dnd")->bool_value);
  EXPECT_EQ(r.Find("company")->text, "none");  // default when absent
  EXPECT_EQ(r.Find("score")->int_value, 42);
  EXPECT_DOUBLE_EQ(r.Find("budget")->double_value, 12.5);
  EXPECT_EQ(r.Find("list")->list, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r.Find("list_text")->is_null());  // a list is not a string: warned
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].field, "list_text");
  EXPECT_EQ(r.ToJson().substr(0, 64), R"({"ghl_id":"c1","updated_at":"2024-06-01T00:00:00.000Z","email":")");

  // Unparseable values: the field is null (not the default, not the raw
  // value) and each is warned once.
  RankrRecord bad = m->Apply(ContactOf(R"({"id":"c2","phone":"not a phone","dateAdded":"2024-05-14T21:11:12.440Z",
    "customFields":[{"id":"SCOREID","value":"lots"},{"id":"MONEY","value":"x"}]})"));
  EXPECT_TRUE(bad.Find("phone")->is_null());
  EXPECT_TRUE(bad.Find("score")->is_null());
  EXPECT_TRUE(bad.Find("budget")->is_null());
  EXPECT_EQ(bad.Find("first")->kind, RankrValue::Kind::kNull);  // absent name: null, no warning
  ASSERT_EQ(bad.warnings.size(), 3u);
  EXPECT_EQ(bad.warnings[0].field, "phone");
  EXPECT_THAT(bad.warnings[0].message, HasSubstr("e164"));
  EXPECT_THAT(bad.warnings[0].message, ::testing::Not(HasSubstr("not a phone")));
  EXPECT_EQ(bad.warnings[1].field, "score");
  EXPECT_EQ(bad.warnings[2].field, "budget");
}

std::string Member(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

TEST(FieldMappingApply, TheSampleMappingOnEveryDemoContact) {
  absl::StatusOr<FieldMapping> m = FieldMapping::Load(SampleMappingPath());
  ASSERT_THAT(m.status(), IsOk());
  std::ifstream in(ghl::testing::DemoDir() + "/contacts.jsonl");
  ASSERT_TRUE(in) << ghl::testing::DemoDir();
  std::string line;
  int contacts = 0, with_phone = 0, with_score = 0, with_industry = 0, warnings = 0;
  while (std::getline(in, line)) {
    ++contacts;
    rapidjson::Document raw;
    raw.Parse(line.data(), line.size());
    ASSERT_FALSE(raw.HasParseError());
    const RankrRecord r = m->Apply(ContactOf(line));
    warnings += static_cast<int>(r.warnings.size());
    EXPECT_EQ(r.ghl_id, Member(raw, "id"));
    EXPECT_EQ(r.updated_at, Member(raw, "dateUpdated"));
    const std::string email = Member(raw, "email");
    if (email.empty()) {
      EXPECT_TRUE(r.Find("email")->is_null()) << r.ghl_id;
    } else {
      EXPECT_EQ(r.Find("email")->text, absl::AsciiStrToLower(absl::StripAsciiWhitespace(email))) << r.ghl_id;
    }
    const std::string phone = Member(raw, "phone");
    if (!phone.empty()) {
      ++with_phone;
      EXPECT_EQ(r.Find("phone")->text, phone) << r.ghl_id;  // already E.164 in the data
    }
    const std::string name = Member(raw, "name");
    EXPECT_EQ(r.Find("first_name")->is_null() ? "" : r.Find("first_name")->text, SplitName(name).first);
    EXPECT_EQ(r.Find("signup_day")->text, Member(raw, "dateAdded").substr(0, 10)) << r.ghl_id;
    EXPECT_EQ(r.Find("created_at")->text, Member(raw, "dateAdded")) << r.ghl_id;
    EXPECT_EQ(r.Find("country")->text, raw.HasMember("country") ? Member(raw, "country") : "US");
    if (auto tags = raw.FindMember("tags"); tags != raw.MemberEnd() && tags->value.IsArray()) {
      EXPECT_EQ(r.Find("tags")->list.size(), tags->value.Size()) << r.ghl_id;
    }
    auto custom = raw.FindMember("customFields");
    if (custom == raw.MemberEnd()) continue;
    for (const auto& cf : custom->value.GetArray()) {
      const std::string id = Member(cf, "id");
      if (id == "YjfhkolJ64cbOyxZvVrs") {
        ++with_score;
        EXPECT_EQ(r.Find("lead_score")->int_value, cf["value"].GetInt64()) << r.ghl_id;
      } else if (id == "6RxMzAw9qfSJNlhsjOee") {
        ++with_industry;
        EXPECT_EQ(r.Find("industry")->text, cf["value"].GetString()) << r.ghl_id;
      }
    }
  }
  EXPECT_EQ(contacts, 5000);
  EXPECT_GT(with_phone, 3900);
  EXPECT_GT(with_score, 100);
  EXPECT_GT(with_industry, 100);
  EXPECT_EQ(warnings, 0);  // every demo value fits the sample mapping's types
}

}  // namespace
}  // namespace ghl::client
