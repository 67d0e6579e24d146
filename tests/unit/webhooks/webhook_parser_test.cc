// ParseWebhookEvent: every example payload of the shared webhook docs is
// recorded in tests/data/webhooks/ (checked here against the docs, so they
// cannot drift) and parses to its type with the right typed fields; the one
// table of documented members equals the docs' schemas; missing and
// mistyped members are named; unknown types are kept; bad bodies are
// refused without echoing them.
#include "adapters/ghl/webhooks/webhook_parser.h"

#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ghl/contacts/v1/events.pb.h"
#include "google/protobuf/util/time_util.h"
#include "tests/support/shared_dir.h"
#include "tests/support/status_matchers.h"

namespace ghl::webhooks {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::google::protobuf::util::TimeUtil;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::vector<std::string> ListDir(const std::string& dir, absl::string_view suffix) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    if (absl::EndsWith(e->d_name, suffix)) out.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string DocsDir() { return ghl::testing::SharedDir() + "/ghl-api/docs/webhook-events"; }
std::string DataDir() {
  const char* src = std::getenv("GHL_SOURCE_DIR");
  return std::string(src != nullptr ? src : ".") + "/tests/data/webhooks";
}

// The fenced blocks of a doc that open with exactly `opener` (e.g.
// "```json\n"), without their fences.
std::vector<std::string> Blocks(const std::string& md, const std::string& opener) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = md.find(opener, pos)) != std::string::npos) {
    const size_t start = pos + opener.size();
    const size_t end = md.find("\n```", start - 1);
    if (end == std::string::npos) break;
    out.push_back(md.substr(start, end - start));
    pos = end + 4;
  }
  return out;
}

// doc name ("AppInstall") -> its examples, read from the docs now.
std::map<std::string, std::vector<std::string>> DocExamples() {
  std::map<std::string, std::vector<std::string>> out;
  for (const std::string& file : ListDir(DocsDir(), ".md")) {
    out[file.substr(0, file.size() - 3)] = Blocks(ReadAll(DocsDir() + "/" + file), "```json\n");
  }
  return out;
}

std::string Recorded(const std::string& name) { return ReadAll(DataDir() + "/" + name); }

v1::Event MustParse(const std::string& body) {
  auto event = ParseWebhookEvent(body);
  EXPECT_THAT(event.status(), IsOk());
  return event.ok() ? *event : v1::Event();
}

const v1::EventTypeDescription& Description(v1::EventType type) {
  return v1::EventType_descriptor()->FindValueByNumber(type)->options().GetExtension(
      v1::event_description);
}

TEST(WebhookDataTest, RecordedPayloadsEqualTheDocsExamples) {
  const auto docs = DocExamples();
  ASSERT_EQ(docs.size(), 16u) << "webhook docs not found under " << DocsDir();
  std::set<std::string> expected;
  for (const auto& [doc, examples] : docs) {
    for (size_t i = 0; i < examples.size(); ++i) {
      const std::string name = absl::StrCat(doc, ".", i + 1, ".json");
      expected.insert(name);
      EXPECT_EQ(Recorded(name), examples[i] + "\n") << name << " differs from " << doc << ".md";
    }
  }
  EXPECT_EQ(docs.at("AppInstall").size(), 3u);
  EXPECT_EQ(docs.at("AppUninstall").size(), 2u);
  const auto files = ListDir(DataDir(), ".json");
  EXPECT_EQ(std::set<std::string>(files.begin(), files.end()), expected);
  EXPECT_EQ(expected.size(), 19u);
}

TEST(WebhookParserTest, EveryRecordedPayloadParsesToItsPayloadsType) {
  for (const std::string& file : ListDir(DataDir(), ".json")) {
    SCOPED_TRACE(file);
    const std::string body = Recorded(file);
    const v1::Event event = MustParse(body);
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    ASSERT_TRUE(doc.IsObject());
    const std::string type = doc["type"].GetString();
    EXPECT_EQ(event.payload_type(), type);
    EXPECT_NE(event.type(), v1::EVENT_TYPE_UNSPECIFIED);
    EXPECT_EQ(Description(event.type()).payload_type(), type);
    // The docs' examples carry no webhookId or timestamp.
    EXPECT_TRUE(event.webhook_id().empty());
    EXPECT_FALSE(event.has_event_time());
    const std::string doc_name = file.substr(0, file.find('.'));
    if (absl::StartsWith(doc_name, "Contact")) EXPECT_TRUE(event.has_contact());
    if (absl::StartsWith(doc_name, "Task")) EXPECT_TRUE(event.has_task());
    if (absl::StartsWith(doc_name, "Note")) EXPECT_TRUE(event.has_note());
    if (absl::StartsWith(doc_name, "Appointment")) EXPECT_TRUE(event.has_appointment());
    if (absl::StartsWith(doc_name, "App") && !absl::StartsWith(doc_name, "Appointment")) {
      EXPECT_TRUE(event.has_app());
    }
    // The typed payloads take every member of the docs' examples except two
    // the models do not type, which stay verbatim in extra: a task's
    // dateAdded (Task has none) and a contact's attachments (an array here,
    // a string in the REST model).
    for (const auto& [name, value] : event.extra().fields()) {
      EXPECT_TRUE((name == "dateAdded" && event.has_task()) ||
                  (name == "attachments" && event.has_contact() && value.has_list_value()))
          << "unexpected extra member " << name;
    }
  }
}

TEST(WebhookParserTest, DocsEventNamesMapToTheirTypes) {
  // Every doc but the Appointment Update/Delete examples (see below) says
  // its own event's payload type.
  for (const auto& [doc, examples] : DocExamples()) {
    SCOPED_TRACE(doc);
    for (size_t i = 0; i < examples.size(); ++i) {
      const v1::Event event = MustParse(examples[i]);
      if (doc == "AppointmentUpdate" || doc == "AppointmentDelete") continue;
      EXPECT_EQ(Description(event.type()).name(), doc);
    }
  }
}

TEST(WebhookParserTest, AppointmentUpdateAndDeleteDocsSayAppointmentCreate) {
  // GHL's docs slip: the Update and Delete examples say "AppointmentCreate".
  // The payload's `type` is what GHL sends and what identifies the event, so
  // such a body is an AppointmentCreate; a body that says AppointmentUpdate
  // is one.
  for (const char* file : {"AppointmentUpdate.1.json", "AppointmentDelete.1.json"}) {
    const v1::Event event = MustParse(Recorded(file));
    EXPECT_EQ(event.type(), v1::EVENT_TYPE_APPOINTMENT_CREATE) << file;
    EXPECT_EQ(event.payload_type(), "AppointmentCreate");
    EXPECT_EQ(event.appointment().calendar_id(), "BqTwX8QFwXzpegMve9EQ");
  }
  std::string update = Recorded("AppointmentUpdate.1.json");
  update.replace(update.find("AppointmentCreate"), 17, "AppointmentUpdate");
  EXPECT_EQ(MustParse(update).type(), v1::EVENT_TYPE_APPOINTMENT_UPDATE);
  std::string del = Recorded("AppointmentDelete.1.json");
  del.replace(del.find("AppointmentCreate"), 17, "AppointmentDelete");
  EXPECT_EQ(MustParse(del).type(), v1::EVENT_TYPE_APPOINTMENT_DELETE);
}

TEST(WebhookParserTest, TypedFieldsHoldTheDocsValues) {
  const v1::Event contact = MustParse(Recorded("ContactCreate.1.json"));
  EXPECT_EQ(contact.type(), v1::EVENT_TYPE_CONTACT_CREATE);
  EXPECT_EQ(contact.location_id(), "ve9EPM428h8vShlRW1KT");
  EXPECT_EQ(contact.contact().id(), "nmFmQEsNgz6AVpgLVUJ0");
  EXPECT_EQ(contact.contact().email(), "JohnDeo@gmail.comm");
  EXPECT_EQ(contact.contact().location_id(), "ve9EPM428h8vShlRW1KT");
  EXPECT_TRUE(contact.contact().dnd());
  EXPECT_THAT(contact.contact().tags(),
              ElementsAre("id magna sed Lorem", "Duis dolor commodo aliqua"));
  EXPECT_EQ(TimeUtil::ToString(contact.contact().date_added()), "2021-11-26T12:41:02.193Z");
  // The webhook's `type` is not the contact's type.
  EXPECT_FALSE(contact.contact().has_type());
  EXPECT_THAT(contact.missing_fields(), ElementsAre("webhookId", "timestamp"));

  const v1::Event task = MustParse(Recorded("TaskCreate.1.json"));
  EXPECT_EQ(task.type(), v1::EVENT_TYPE_TASK_CREATE);
  EXPECT_EQ(task.task().contact_id(), "CWBf1PR9LvvBkcYqiXlc");
  EXPECT_EQ(task.task().id(), "UlRWGLSXh0ji5qbiGu4i");
  EXPECT_EQ(task.task().assigned_to(), "63e4qiWDsFJjOYAC8phG");
  EXPECT_EQ(TimeUtil::ToString(task.task().due_date()), "2021-11-26T12:41:02.193Z");
  EXPECT_EQ(task.extra().fields().at("dateAdded").string_value(), "2021-11-26T12:41:02.193Z");

  const v1::Event note = MustParse(Recorded("NoteCreate.1.json"));
  EXPECT_EQ(note.type(), v1::EVENT_TYPE_NOTE_CREATE);
  EXPECT_FALSE(note.note().contact_id().empty());
  EXPECT_TRUE(note.note().has_date_added());

  const v1::Event appt = MustParse(Recorded("AppointmentCreate.1.json"));
  EXPECT_EQ(appt.appointment().calendar_id(), "BqTwX8QFwXzpegMve9EQ");
  EXPECT_EQ(appt.appointment().appointment_status(), "confirmed");
  EXPECT_THAT(appt.appointment().users(),
              ElementsAre("YlWd2wuCAZQzh2cH1fVZ", "9NkT25Vor1v4aQatFsv2"));
  EXPECT_EQ(appt.location_id(), "0007BWpSzSwfiuSl0tR2");
  // "+05:30" read as the instant it names.
  EXPECT_EQ(TimeUtil::ToString(appt.appointment().start_time()), "2023-09-25T10:30:00Z");

  const v1::Event install = MustParse(Recorded("AppInstall.1.json"));
  EXPECT_EQ(install.type(), v1::EVENT_TYPE_APP_INSTALL);
  EXPECT_EQ(install.company_id(), "otg8dTQqGLh3Q6iQI55w");
  EXPECT_EQ(install.app().app_id(), "ve9EPM428h8vShlRW1KT");
  EXPECT_TRUE(install.app().trial().on_trial());
  EXPECT_EQ(install.app().trial().trial_duration_days(), 10);
  EXPECT_EQ(TimeUtil::ToString(install.app().trial().trial_start_date()),
            "2024-07-23T23:54:51.264Z");
  EXPECT_TRUE(install.app().is_whitelabel_company());
  EXPECT_EQ(install.app().whitelabel_details().domain(), "example.com");
  EXPECT_EQ(install.app().company_name(), "Example Company");
  EXPECT_THAT(install.missing_fields(), ElementsAre("webhookId", "timestamp"));
  EXPECT_EQ(install.extra().fields_size(), 0);

  // The agency-level install has no location: named, not invented.
  const v1::Event agency = MustParse(Recorded("AppInstall.3.json"));
  EXPECT_TRUE(agency.location_id().empty());
  EXPECT_FALSE(agency.app().has_location_id());
  EXPECT_THAT(agency.missing_fields(),
              ElementsAre("locationId", "userId", "isWhitelabelCompany", "whitelabelDetails",
                          "companyName", "webhookId", "timestamp"));

  const v1::Event uninstall = MustParse(Recorded("AppUninstall.1.json"));
  EXPECT_EQ(uninstall.type(), v1::EVENT_TYPE_APP_UNINSTALL);
  EXPECT_THAT(uninstall.missing_fields(), ElementsAre("companyId", "webhookId", "timestamp"));
}

TEST(WebhookParserTest, TaskCreateWithoutContactIdIsKeptAndNamed) {
  const std::string body = R"({"type":"TaskCreate","locationId":"loc","id":"t1","assignedTo":"u",
    "body":"b","title":"t","dateAdded":"2021-11-26T12:41:02.193Z","dueDate":"2021-11-26T12:41:02.193Z",
    "webhookId":"wh-1","timestamp":"2025-01-28T14:35:00Z"})";
  const v1::Event event = MustParse(body);
  EXPECT_EQ(event.type(), v1::EVENT_TYPE_TASK_CREATE);
  EXPECT_THAT(event.missing_fields(), ElementsAre("contactId"));
  EXPECT_EQ(event.task().id(), "t1");
  EXPECT_FALSE(event.task().has_contact_id());
  EXPECT_EQ(event.webhook_id(), "wh-1");
  EXPECT_EQ(TimeUtil::ToString(event.event_time()), "2025-01-28T14:35:00Z");
}

TEST(WebhookParserTest, MistypedMembersAreNamedAndKeptVerbatim) {
  const v1::Event event = MustParse(
      R"({"type":"NoteCreate","locationId":"loc","id":7,"body":"b","contactId":"c",
          "dateAdded":"2021-11-26T12:41:02.193Z","webhookId":"w","timestamp":12345})");
  EXPECT_THAT(event.missing_fields(), ElementsAre("id", "timestamp"));
  EXPECT_EQ(event.extra().fields().at("id").number_value(), 7);
  EXPECT_EQ(event.extra().fields().at("timestamp").number_value(), 12345);
  EXPECT_FALSE(event.has_event_time());

  // An app trial AppTrial cannot hold exactly stays whole in extra.
  const v1::Event app = MustParse(
      R"({"type":"INSTALL","appId":"a","companyId":"c","locationId":"l","userId":"u","planId":"p",
          "trial":{"onTrial":"yes","trialDuration":10},"isWhitelabelCompany":false,
          "whitelabelDetails":{},"companyName":"n","versionId":"v2","webhookId":"w",
          "timestamp":"2025-01-28T14:35:00Z"})");
  EXPECT_THAT(app.missing_fields(), ElementsAre("trial"));
  EXPECT_FALSE(app.app().has_trial());
  EXPECT_EQ(app.extra().fields().at("trial").struct_value().fields().at("onTrial").string_value(),
            "yes");
  EXPECT_EQ(app.extra().fields().at("versionId").string_value(), "v2");
  EXPECT_EQ(app.app().company_name(), "n");
}

TEST(WebhookParserTest, UnknownTypesAreKeptWithEveryMember) {
  const v1::Event event = MustParse(
      R"({"type":"OpportunityCreate","locationId":"loc","id":"o1","monetaryValue":12.5,
          "webhookId":"w9","timestamp":"2025-01-28T14:35:00Z"})");
  EXPECT_EQ(event.type(), v1::EVENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(event.payload_type(), "OpportunityCreate");
  EXPECT_EQ(event.location_id(), "loc");
  EXPECT_EQ(event.webhook_id(), "w9");
  EXPECT_EQ(event.payload_case(), v1::Event::PAYLOAD_NOT_SET);
  EXPECT_THAT(event.missing_fields(), IsEmpty());
  EXPECT_EQ(event.extra().fields().at("id").string_value(), "o1");
  EXPECT_EQ(event.extra().fields().at("monetaryValue").number_value(), 12.5);
  EXPECT_EQ(event.extra().fields_size(), 2);
}

TEST(WebhookParserTest, BadBodiesAreRefusedWithoutEchoingThem) {
  for (const char* body : {"", "[]", "\"ContactCreate\"", "{", "not json secret@example.com",
                           "{\"type\":\"a\"} trailing", "\xff\xfe"}) {
    auto event = ParseWebhookEvent(body);
    EXPECT_THAT(event.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("body is not a JSON object")))
        << body;
    EXPECT_THAT(event.status().message(), Not(HasSubstr("secret")));
  }
  for (const char* body :
       {"{}", R"({"type":7})", R"({"type":null,"email":"secret@example.com"})"}) {
    auto event = ParseWebhookEvent(body);
    EXPECT_THAT(event.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("body has no string `type`")))
        << body;
    EXPECT_THAT(event.status().message(), Not(HasSubstr("secret")));
  }
  // A lone high surrogate is a JSON parse error already.
  EXPECT_THAT(ParseWebhookEvent(R"({"type":"Other","x":"\ud800"})").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a JSON object")));
  // Lone low surrogate escapes are valid JSON but not Unicode: protobuf could
  // not carry them (found by webhook_fuzzer in `type`).
  EXPECT_THAT(ParseWebhookEvent(R"({"type":"Task\udddd"})").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("`type` is not valid UTF-8")));
  for (const char* body : {R"({"type":"TaskCreate","locationId":"l\udddd"})",
                           R"({"type":"TaskCreate","webhookId":"w\udc00"})",
                           R"({"type":"TaskCreate","title":"t\udddd"})",
                           R"({"type":"INSTALL","companyId":"c\udddd"})",
                           R"({"type":"Other","x":"\udfff"})"}) {
    auto event = ParseWebhookEvent(body);
    EXPECT_THAT(event.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("body cannot be logged")))
        << body;
  }
  // Deeper than protobuf can carry.
  std::string deep = R"({"type":"ContactCreate","x":)";
  for (int i = 0; i < 40; ++i) deep += "[";
  for (int i = 0; i < 40; ++i) deep += "]";
  deep += "}";
  EXPECT_THAT(ParseWebhookEvent(deep).status(), StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST(WebhookParserTest, VeryDeepBodiesAreRefusedWithoutRecursion) {
  // 200,000 levels (400 KB, under the 1 MiB cap): copying the payload
  // recursively overflowed the stack (a SIGSEGV of the gateway) for every
  // typed family.
  std::string nest;
  for (int i = 0; i < 200000; ++i) nest += "[";
  for (int i = 0; i < 200000; ++i) nest += "]";
  for (const char* type : {"ContactCreate", "TaskCreate", "NoteCreate", "AppointmentCreate",
                           "INSTALL", "Other"}) {
    const std::string body =
        absl::StrCat(R"({"type":")", type, R"(","email":"secret@example.com","x":)", nest, "}");
    auto event = ParseWebhookEvent(body);
    EXPECT_THAT(event.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("JSON nests deeper than 64 levels")))
        << type;
    EXPECT_THAT(event.status().message(), Not(HasSubstr("secret")));
  }
  // Just within the limit: refused by the mapper (deeper than protobuf can
  // carry), not by the walk; 63 levels of object nesting in a member.
  std::string shallow = R"({"type":"Other","x":)";
  for (int i = 0; i < 63; ++i) shallow += R"({"a":)";
  shallow += "1";
  for (int i = 0; i < 63; ++i) shallow += "}";
  shallow += "}";
  EXPECT_THAT(ParseWebhookEvent(shallow).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("deeper than 32 levels")));
}

TEST(WebhookParserTest, DocumentedMembersEqualTheDocsSchemas) {
  const google::protobuf::EnumDescriptor* types = v1::EventType_descriptor();
  int checked = 0;
  for (int i = 0; i < types->value_count(); ++i) {
    const auto type = static_cast<v1::EventType>(types->value(i)->number());
    if (type == v1::EVENT_TYPE_UNSPECIFIED) {
      EXPECT_TRUE(DocumentedMembers(type).empty());
      continue;
    }
    const std::string name = Description(type).name();
    SCOPED_TRACE(name);
    const auto schemas = Blocks(ReadAll(DocsDir() + "/" + name + ".md"), "```json json_schema\n");
    ASSERT_EQ(schemas.size(), 1u);
    rapidjson::Document schema;
    schema.Parse(schemas[0].c_str());
    ASSERT_TRUE(schema.IsObject() && schema.HasMember("properties"));
    std::vector<std::pair<std::string, std::string>> docs, table;
    for (const auto& m : schema["properties"].GetObject()) {
      docs.emplace_back(m.name.GetString(), m.value["type"].GetString());
    }
    for (const DocumentedMember& m : DocumentedMembers(type))
      table.emplace_back(m.name, m.json_type);
    EXPECT_EQ(table, docs);
    ++checked;
  }
  EXPECT_EQ(checked, 16);
}

TEST(WebhookParserTest, PayloadTypesComeFromTheEnumOptions) {
  EXPECT_EQ(EventTypeFromPayloadType("INSTALL"), v1::EVENT_TYPE_APP_INSTALL);
  EXPECT_EQ(EventTypeFromPayloadType("UNINSTALL"), v1::EVENT_TYPE_APP_UNINSTALL);
  EXPECT_EQ(EventTypeFromPayloadType("AppInstall"), v1::EVENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(EventTypeFromPayloadType("contactcreate"), v1::EVENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(EventTypeFromPayloadType(""), v1::EVENT_TYPE_UNSPECIFIED);
  const google::protobuf::EnumDescriptor* types = v1::EventType_descriptor();
  for (int i = 1; i < types->value_count(); ++i) {
    const auto type = static_cast<v1::EventType>(types->value(i)->number());
    EXPECT_EQ(EventTypeFromPayloadType(Description(type).payload_type()), type);
  }
}

}  // namespace
}  // namespace ghl::webhooks
