// Tests of the task, note, appointment and tag mappings: the spec's own
// examples (read from ../shared/ghl-api at test time) and every demo task,
// note and appointment round trip losslessly with typed values, the request
// bodies carry exactly the DTOs' properties (checked against the spec), and
// bad writes are INVALID_ARGUMENT naming the field.
#include "adapters/ghl/contacts/resource_mapping.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <set>
#include <string>

#include "tests/support/json_equivalence.h"
#include "tests/support/spec_examples.h"
#include "tests/support/status_matchers.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::testing::IsOk;
using ::ghl::testing::SameJsonText;
using ::ghl::testing::SharedDir;
using ::ghl::testing::SpecExamples;
using ::ghl::testing::StatusIs;
using ::google::protobuf::FieldMask;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The spec's schemas: examples and property names (SpecExamples), and the
// `required` lists of the request DTOs.
class Spec {
 public:
  static const Spec& Get() {
    static const Spec* const kSpec = new Spec();
    return *kSpec;
  }
  bool ok() const { return SpecExamples::Get().ok() && doc_.IsObject(); }
  std::string ExampleText(const std::string& schema) const {
    return SpecExamples::Get().Example(schema);
  }
  std::set<std::string> PropertyNames(const std::string& schema) const {
    const auto names = SpecExamples::Get().Properties(schema);
    return {names.begin(), names.end()};
  }
  std::set<std::string> Required(const std::string& schema) const {
    std::set<std::string> names;
    const auto& dto = doc_["components"]["schemas"][schema.c_str()];
    if (!dto.HasMember("required")) return names;
    for (const auto& name : dto["required"].GetArray()) names.insert(name.GetString());
    return names;
  }

 private:
  Spec() {
    const std::string text = ghl::testing::ReadFile(SharedDir() + "/ghl-api/apps/contacts.json");
    doc_.Parse(text.data(), text.size());
  }
  rapidjson::Document doc_;
};

template <typename T>
T ParseWith(const json::JsonMapper& mapper, const std::string& text) {
  auto parsed = mapper.Parse<T>(text);
  EXPECT_THAT(parsed, IsOk()) << text;
  return parsed.ok() ? *parsed : T();
}

// JSON -> proto -> JSON gives the same document (an empty list may be
// dropped: proto3 lists have no presence).
::testing::AssertionResult RoundTrips(const json::JsonMapper& mapper,
                                      const google::protobuf::Message& prototype,
                                      const std::string& text) {
  std::unique_ptr<google::protobuf::Message> msg(prototype.New());
  if (auto s = mapper.FromJsonString(text, msg.get()); !s.ok()) {
    return ::testing::AssertionFailure() << s << " for " << text;
  }
  return SameJsonText(text, mapper.ToJsonString(*msg),
                      ghl::testing::JsonCompare::kAbsentIsEmptyArray);
}

// The JSON member names of a body.
std::set<std::string> MemberNames(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  std::set<std::string> names;
  if (!doc.IsObject()) return names;
  for (const auto& member : doc.GetObject()) names.insert(member.name.GetString());
  return names;
}

FieldMask Mask(std::initializer_list<const char*> paths) {
  FieldMask mask;
  for (const char* p : paths) mask.add_paths(p);
  return mask;
}

google::protobuf::Timestamp Time(const char* text) {
  google::protobuf::Timestamp ts;
  EXPECT_TRUE(ParseGhlTime(text, &ts)) << text;
  return ts;
}

class ResourceMappingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Spec::Get().ok()) << "no contacts.json under " << SharedDir();
  }
};

// ---------------------------------------------------------------------------
// The spec's examples

TEST_F(ResourceMappingTest, TaskSchemaExampleIsTypedAndRoundTrips) {
  const std::string example = Spec::Get().ExampleText("TaskSchema");
  EXPECT_TRUE(RoundTrips(TaskJson(), v1::Task(), example));
  const auto task = ParseWith<v1::Task>(TaskJson(), example);
  EXPECT_EQ(task.id(), "lJpzYrWdpkC2hX6t2yue");
  EXPECT_EQ(task.title(), "test");
  EXPECT_EQ(task.body(), "testing");
  EXPECT_EQ(task.assigned_to(), "tesTUcmRxWrjqzJS8EjkxNKting");
  EXPECT_EQ(FormatGhlTime(task.due_date()), "2021-07-08T02:30:00.000Z");
  EXPECT_TRUE(task.has_completed() && task.completed());
  EXPECT_EQ(task.contact_id(), "lJpzYrWdpkC2hX6t2yue");
  EXPECT_THAT(task.extra().fields(), IsEmpty());
}

TEST_F(ResourceMappingTest, NoteSchemaExampleIsTypedAndRoundTrips) {
  const std::string example = Spec::Get().ExampleText("GetNoteSchema");
  EXPECT_TRUE(RoundTrips(NoteJson(), v1::Note(), example));
  const auto note = ParseWith<v1::Note>(NoteJson(), example);
  EXPECT_EQ(note.id(), "HGPcayliwcdoUFzvbTok");
  EXPECT_EQ(note.body(), "lorem ipsum");
  EXPECT_EQ(note.user_id(), "TUcmRxWrjqzJS8EjkxNK");
  EXPECT_EQ(FormatGhlTime(note.date_added()), "2021-07-08T12:02:11.285Z");
  EXPECT_EQ(note.contact_id(), "TUcmRxWrjqzJS8EjkxNK");
  EXPECT_EQ(note.title(), "Follow-up summary");
  EXPECT_EQ(note.color(), "#FFAA00");
  EXPECT_TRUE(note.has_pinned());
  EXPECT_FALSE(note.pinned());
  EXPECT_THAT(note.extra().fields(), IsEmpty());
}

TEST_F(ResourceMappingTest, EventSchemaExampleKeepsZonelessDatesVerbatim) {
  const std::string example = Spec::Get().ExampleText("GetEventSchema");
  EXPECT_TRUE(RoundTrips(AppointmentJson(), v1::Appointment(), example));
  const auto appointment = ParseWith<v1::Appointment>(AppointmentJson(), example);
  EXPECT_EQ(appointment.id(), "YS3jaqqeehkR2Is80miy");
  EXPECT_EQ(appointment.calendar_id(), "YlWd2wuCAZQzh2cH1fVZ");
  EXPECT_EQ(appointment.status(), "booked");
  EXPECT_EQ(appointment.title(), "Test");
  EXPECT_EQ(appointment.notes(), "test");
  EXPECT_EQ(appointment.address(), "Address");
  EXPECT_EQ(appointment.appointment_status(), "booked");
  EXPECT_THAT(appointment.users(), ElementsAre("YlWd2wuCAZQzh2cH1fVZ", "YlWd2wuCAZQzh2cH1fVZ"));
  EXPECT_EQ(appointment.assigned_resources_size(), 2);
  // The spec's example dates ("2021-07-16 11:00:00") carry no zone: they are
  // not guessed at but kept verbatim.
  EXPECT_FALSE(appointment.has_start_time());
  EXPECT_FALSE(appointment.has_date_added());
  std::set<std::string> verbatim;
  for (const auto& entry : appointment.extra().fields()) {
    verbatim.insert(entry.first);
    EXPECT_EQ(entry.second.string_value().substr(0, 11), "2021-07-16 ");
  }
  EXPECT_EQ(verbatim, (std::set<std::string>{"dateAdded", "dateUpdated", "endTime", "startTime"}));
}

TEST_F(ResourceMappingTest, AppointmentRfc3339DatesAreTimestamps) {
  const auto appointment = ParseWith<v1::Appointment>(
      AppointmentJson(),
      R"({"id":"a","startTime":"2026-05-17T21:03:56.525Z","endTime":"2026-05-17T23:33:56+02:00"})");
  EXPECT_EQ(FormatGhlTime(appointment.start_time()), "2026-05-17T21:03:56.525Z");
  EXPECT_EQ(FormatGhlTime(appointment.end_time()), "2026-05-17T21:33:56.000Z");
  EXPECT_THAT(appointment.extra().fields(), IsEmpty());
}

TEST_F(ResourceMappingTest, TagsAnswersRoundTrip) {
  for (const char* schema :
       {"CreateAddTagSuccessfulResponseDto", "CreateDeleteTagSuccessfulResponseDto"}) {
    SCOPED_TRACE(schema);
    const std::string example = Spec::Get().ExampleText(schema);
    EXPECT_TRUE(RoundTrips(AddTagsResponseJson(), v1::AddTagsResponse(), example));
    EXPECT_TRUE(RoundTrips(RemoveTagsResponseJson(), v1::RemoveTagsResponse(), example));
    const auto added = ParseWith<v1::AddTagsResponse>(AddTagsResponseJson(), example);
    EXPECT_THAT(added.tags(), ElementsAre("minim", "velit magna"));
  }
}

TEST_F(ResourceMappingTest, BulkTagsAnswerIsTyped) {
  const std::string example = Spec::Get().ExampleText("UpdateTagsResponseDTO");
  EXPECT_TRUE(RoundTrips(BulkUpdateTagsResponseJson(), v1::BulkUpdateTagsResponse(), example));
  const auto answer = ParseWith<v1::BulkUpdateTagsResponse>(BulkUpdateTagsResponseJson(), example);
  EXPECT_TRUE(answer.has_succeeded() && answer.succeeded());  // JSON "succeded"
  EXPECT_TRUE(answer.has_error_count());
  EXPECT_EQ(answer.error_count(), 0);
  ASSERT_EQ(answer.responses_size(), 4);
  EXPECT_EQ(answer.responses(0).contact_id(), "qFSqySFkVvNzOSqgGqFi");
  EXPECT_EQ(answer.responses(0).type(), "success");
  EXPECT_THAT(answer.responses(0).old_tags(), ElementsAre("tag-1", "tag-2"));
  EXPECT_THAT(answer.responses(0).tags_added(), IsEmpty());
  EXPECT_EQ(answer.responses(1).message(), "contact id is not a valid firebase id");
  EXPECT_EQ(answer.responses(3).type(), "error");
  EXPECT_THAT(answer.extra().fields(), IsEmpty());
}

TEST_F(ResourceMappingTest, BulkTagsAnswerWithStringItemsIsKeptWhole) {
  // The spec types `responses` items as strings; such an answer is not half
  // typed but kept verbatim.
  const std::string text = R"({"succeded":true,"errorCount":1,"responses":["ok","bad id"]})";
  EXPECT_TRUE(RoundTrips(BulkUpdateTagsResponseJson(), v1::BulkUpdateTagsResponse(), text));
  const auto answer = ParseWith<v1::BulkUpdateTagsResponse>(BulkUpdateTagsResponseJson(), text);
  EXPECT_EQ(answer.error_count(), 1);
  EXPECT_EQ(answer.responses_size(), 0);
  EXPECT_EQ(answer.extra().fields().at("responses").list_value().values_size(), 2);
}

// ---------------------------------------------------------------------------
// The demo location

template <typename T>
void ExpectEveryLineRoundTrips(const json::JsonMapper& mapper, const std::string& file,
                               int expected_lines) {
  std::ifstream in(SharedDir() + "/data/location-demo/" + file);
  ASSERT_TRUE(in.good()) << "no " << file << " under " << SharedDir();
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++count;
    ASSERT_TRUE(RoundTrips(mapper, T(), line)) << file << " line " << count;
    const T parsed = ParseWith<T>(mapper, line);
    // Every member of the demo data is typed (dates included).
    ASSERT_THAT(parsed.extra().fields(), IsEmpty()) << file << " line " << count;
    T reparsed;
    ASSERT_TRUE(reparsed.ParseFromString(parsed.SerializeAsString()));
    ASSERT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, reparsed));
  }
  EXPECT_EQ(count, expected_lines);
}

TEST_F(ResourceMappingTest, EveryDemoTaskNoteAndAppointmentRoundTrips) {
  ExpectEveryLineRoundTrips<v1::Task>(TaskJson(), "tasks.jsonl", 7593);
  ExpectEveryLineRoundTrips<v1::Note>(NoteJson(), "notes.jsonl", 5035);
  ExpectEveryLineRoundTrips<v1::Appointment>(AppointmentJson(), "appointments.jsonl", 1024);
}

TEST_F(ResourceMappingTest, UnknownAndMistypedMembersGoToExtra) {
  const std::string text =
      R"({"id":"t1","completed":"yes","dueDate":"tomorrow","priority":3,"title":"x"})";
  EXPECT_TRUE(RoundTrips(TaskJson(), v1::Task(), text));
  const auto task = ParseWith<v1::Task>(TaskJson(), text);
  EXPECT_FALSE(task.has_completed());
  EXPECT_FALSE(task.has_due_date());
  EXPECT_EQ(task.extra().fields().at("completed").string_value(), "yes");
  EXPECT_EQ(task.extra().fields().at("dueDate").string_value(), "tomorrow");
  EXPECT_EQ(task.extra().fields().at("priority").number_value(), 3);
  EXPECT_EQ(task.title(), "x");
}

TEST_F(ResourceMappingTest, MalformedInputIsRefusedNotCrashed) {
  EXPECT_THAT(TaskJson().Parse<v1::Task>("{"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task JSON is malformed")));
  EXPECT_THAT(NoteJson().Parse<v1::Note>("[]"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a GHL note must be")));
  std::string deep = R"({"x":)";
  for (int i = 0; i < 40; ++i) deep += "[";
  for (int i = 0; i < 40; ++i) deep += "]";
  deep += "}";
  EXPECT_THAT(AppointmentJson().Parse<v1::Appointment>(deep),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("appointment JSON nests deeper"), HasSubstr("x"))));
}

// ---------------------------------------------------------------------------
// Request bodies against the spec's DTOs

v1::Task FullTask() {
  v1::Task task;
  task.set_id("ignored");
  task.set_contact_id("ignored too");
  task.set_title("Call, then email");
  task.set_body("body");
  task.set_assigned_to("hxHGVRb1YJUscrCB8eXK");
  *task.mutable_due_date() = Time("2020-10-25T11:00:00Z");
  task.set_completed(true);
  (*task.mutable_extra()->mutable_fields())["priority"].set_number_value(1);
  return task;
}

TEST_F(ResourceMappingTest, CreateTaskBodyHasExactlyCreateTaskParams) {
  auto body = CreateTaskBody(FullTask());
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ(MemberNames(*body), Spec::Get().PropertyNames("CreateTaskParams"));
  EXPECT_TRUE(SameJsonText(
      R"({"title":"Call, then email","body":"body","dueDate":"2020-10-25T11:00:00.000Z",
          "completed":true,"assignedTo":"hxHGVRb1YJUscrCB8eXK"})",
      *body));
}

TEST_F(ResourceMappingTest, CreateTaskBodyFromTheSpecExample) {
  // The request example read as a Task and written again gives the example
  // (dates in GHL's millisecond form).
  const auto task = ParseWith<v1::Task>(TaskJson(), Spec::Get().ExampleText("CreateTaskParams"));
  auto body = CreateTaskBody(task);
  ASSERT_THAT(body, IsOk());
  EXPECT_TRUE(SameJsonText(
      R"({"title":"First Task","body":"loram ipsum","dueDate":"2020-10-25T11:00:00.000Z",
          "completed":true,"assignedTo":"hxHGVRb1YJUscrCB8eXK"})",
      *body));
}

TEST_F(ResourceMappingTest, CreateTaskBodyHasEveryRequiredPropertyAndDefaultsCompleted) {
  v1::Task task;
  task.set_title("t");
  *task.mutable_due_date() = Time("2026-01-02T03:04:05.006Z");
  auto body = CreateTaskBody(task);
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ(MemberNames(*body), Spec::Get().Required("CreateTaskParams"));
  EXPECT_TRUE(SameJsonText(
      R"({"title":"t","dueDate":"2026-01-02T03:04:05.006Z","completed":false})", *body));
}

TEST_F(ResourceMappingTest, CreateTaskBodyRefusesMissingRequiredFields) {
  v1::Task task = FullTask();
  task.clear_title();
  EXPECT_THAT(CreateTaskBody(task),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.title")));
  task = FullTask();
  task.clear_due_date();
  EXPECT_THAT(CreateTaskBody(task),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.due_date")));
}

TEST_F(ResourceMappingTest, UpdateTaskBodyWritesExactlyTheMask) {
  const auto all = Mask({"title", "body", "due_date", "completed", "assigned_to"});
  auto body = UpdateTaskBody(FullTask(), all);
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ(MemberNames(*body), Spec::Get().PropertyNames("UpdateTaskBody"));
  auto partial = UpdateTaskBody(FullTask(), Mask({"completed", "title"}));
  ASSERT_THAT(partial, IsOk());
  EXPECT_TRUE(SameJsonText(R"({"title":"Call, then email","completed":true})", *partial));
  // false is a value, not a clear.
  v1::Task reopen;
  reopen.set_completed(false);
  EXPECT_TRUE(SameJsonText(R"({"completed":false})", *UpdateTaskBody(reopen, Mask({"completed"}))));
}

TEST_F(ResourceMappingTest, UpdateTaskBodyRefusesBadMasks) {
  EXPECT_THAT(UpdateTaskBody(FullTask(), FieldMask()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at least one field")));
  EXPECT_THAT(UpdateTaskBody(FullTask(), Mask({"priority"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("\"priority\""), HasSubstr("unknown field"))));
  for (const char* read_only : {"id", "contact_id", "extra"}) {
    EXPECT_THAT(
        UpdateTaskBody(FullTask(), Mask({read_only})),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 AllOf(HasSubstr(read_only), HasSubstr("not writable through UpdateTaskBody"))));
  }
  // No UpdateTaskBody property is nullable: an unset masked field cannot clear.
  EXPECT_THAT(UpdateTaskBody(v1::Task(), Mask({"body"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("\"body\""), HasSubstr("not nullable"))));
}

TEST_F(ResourceMappingTest, TaskCompletedBodyIsUpdateTaskStatusParams) {
  EXPECT_EQ(MemberNames(TaskCompletedBody(true)),
            Spec::Get().PropertyNames("UpdateTaskStatusParams"));
  EXPECT_EQ(TaskCompletedBody(true), R"({"completed":true})");
  EXPECT_EQ(TaskCompletedBody(false), R"({"completed":false})");
}

v1::Note FullNote() {
  v1::Note note;
  note.set_id("ignored");
  *note.mutable_date_added() = Time("2021-07-08T12:02:11.285Z");
  note.set_body("Ünïcode, commas; \"quotes\"\nand lines");
  note.set_user_id("GCs5KuzPqTls7vWclkEV");
  note.set_title("Follow-up summary");
  note.set_color("#FFAA00");
  note.set_pinned(false);
  return note;
}

TEST_F(ResourceMappingTest, CreateNoteBodyHasExactlyNotesDto) {
  auto body = CreateNoteBody(FullNote());
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ(MemberNames(*body), Spec::Get().PropertyNames("NotesDTO"));
  const auto from_example = ParseWith<v1::Note>(NoteJson(), Spec::Get().ExampleText("NotesDTO"));
  auto example_body = CreateNoteBody(from_example);
  ASSERT_THAT(example_body, IsOk());
  EXPECT_TRUE(SameJsonText(Spec::Get().ExampleText("NotesDTO"), *example_body));
  v1::Note minimal;
  minimal.set_body("b");
  EXPECT_EQ(MemberNames(*CreateNoteBody(minimal)), Spec::Get().Required("NotesDTO"));
  EXPECT_THAT(CreateNoteBody(v1::Note()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("note.body")));
}

TEST_F(ResourceMappingTest, UpdateNoteBodyWritesExactlyTheMask) {
  auto body = UpdateNoteBody(FullNote(), Mask({"body", "user_id", "title", "color", "pinned"}));
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ(MemberNames(*body), Spec::Get().PropertyNames("UpdateNoteDTO"));
  EXPECT_TRUE(SameJsonText(R"({"pinned":false,"color":"#FFAA00"})",
                           *UpdateNoteBody(FullNote(), Mask({"pinned", "color"}))));
  EXPECT_THAT(UpdateNoteBody(FullNote(), Mask({"date_added"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not writable through UpdateNoteDTO")));
  EXPECT_THAT(UpdateNoteBody(v1::Note(), Mask({"title"})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not nullable")));
}

TEST_F(ResourceMappingTest, TagsBodyKeepsEachTagWhole) {
  google::protobuf::RepeatedPtrField<std::string> tags;
  tags.Add("vip, gold");
  tags.Add("new lead");
  tags.Add("日本");
  const std::string body = TagsBody(tags);
  EXPECT_EQ(MemberNames(body), Spec::Get().PropertyNames("TagsDTO"));
  EXPECT_EQ(body, R"({"tags":["vip, gold","new lead","日本"]})");
}

TEST_F(ResourceMappingTest, BulkUpdateTagsBodyIsUpdateTagsDto) {
  v1::BulkUpdateTagsRequest request;
  request.set_location_id("asdrwHvLUxlfw5SqKVCN");
  request.set_type(v1::BULK_TAGS_UPDATE_TYPE_REMOVE);
  request.add_contact_ids("qFSqySFkVvNzOSqgGqFi");
  request.add_contact_ids("3ualbhnV7j3n3a9r2moD");
  request.add_tags("tag-1");
  request.add_tags("a,b");
  request.set_remove_all_tags(true);
  const std::string body = BulkUpdateTagsBody(request);
  EXPECT_EQ(MemberNames(body), Spec::Get().PropertyNames("UpdateTagsDTO"));
  EXPECT_TRUE(SameJsonText(
      R"({"contacts":["qFSqySFkVvNzOSqgGqFi","3ualbhnV7j3n3a9r2moD"],"tags":["tag-1","a,b"],
          "locationId":"asdrwHvLUxlfw5SqKVCN","removeAllTags":true})",
      body));
  request.set_remove_all_tags(false);
  request.clear_tags();
  EXPECT_EQ(MemberNames(BulkUpdateTagsBody(request)), Spec::Get().Required("UpdateTagsDTO"));
  EXPECT_EQ(BulkTagsUpdateTypeName(v1::BULK_TAGS_UPDATE_TYPE_ADD), "add");
  EXPECT_EQ(BulkTagsUpdateTypeName(v1::BULK_TAGS_UPDATE_TYPE_REMOVE), "remove");
  EXPECT_EQ(BulkTagsUpdateTypeName(v1::BULK_TAGS_UPDATE_TYPE_UNSPECIFIED), "");
}

}  // namespace
}  // namespace ghl::contacts
