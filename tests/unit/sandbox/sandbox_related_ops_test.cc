// Tasks, notes and appointments of ghl-sandbox, handler level: against the
// demo dataset (records served byte for byte) and generated data (records
// generated per contact, deterministic by seed), success and error paths.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/sandbox/sandbox_test_util.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::DemoDir;
using ::ghl::sandbox::testing::kOtherRw;
using ::ghl::sandbox::testing::kReadOnly;
using ::ghl::sandbox::testing::kWriteOnly;
using ::ghl::sandbox::testing::Messages;
using ::ghl::sandbox::testing::ReadLines;
using ::ghl::sandbox::testing::ServiceHarness;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kDemoContact[] = "0p6lxrDAGRSULCw5xK9W";  // 2 tasks, 2 notes, 1 appointment
constexpr char kBareContact[] = "1baGAHR9IeaPmWvCnTLH";  // none of them

// {"key":[the dataset lines of `file` for kDemoContact, in file order]}.
std::string ExpectedList(const std::string& key, const std::string& file) {
  std::string out = absl::StrCat("{\"", key, "\":[");
  bool first = true;
  for (const auto& line : ReadLines(DemoDir() + "/" + file)) {
    if (!absl::StrContains(line, absl::StrCat("\"contactId\":\"", kDemoContact, "\""))) continue;
    absl::StrAppend(&out, first ? "" : ",", line);
    first = false;
  }
  return out + "]}";
}

class DemoRelatedTest : public ::testing::Test {
 protected:
  ServiceHarness h_{ServiceHarness::Demo()};
};

TEST_F(DemoRelatedTest, ListsServeTheDatasetByteForByte) {
  const auto tasks =
      h_.Call("GET", absl::StrCat("/contacts/", kDemoContact, "/tasks"), "", kReadOnly);
  ASSERT_EQ(tasks.status, 200);
  EXPECT_EQ(tasks.body, ExpectedList("tasks", "tasks.jsonl"));
  EXPECT_EQ(tasks.json["tasks"].Size(), 2u);
  const auto notes =
      h_.Call("GET", absl::StrCat("/contacts/", kDemoContact, "/notes"), "", kReadOnly);
  ASSERT_EQ(notes.status, 200);
  EXPECT_EQ(notes.body, ExpectedList("notes", "notes.jsonl"));
  const auto events =
      h_.Call("GET", absl::StrCat("/contacts/", kDemoContact, "/appointments"), "", kReadOnly);
  ASSERT_EQ(events.status, 200);
  EXPECT_EQ(events.body, ExpectedList("events", "appointments.jsonl"));
}

TEST_F(DemoRelatedTest, ContactWithoutRecordsHasEmptyLists) {
  EXPECT_EQ(h_.Call("GET", absl::StrCat("/contacts/", kBareContact, "/tasks")).body,
            R"({"tasks":[]})");
  EXPECT_EQ(h_.Call("GET", absl::StrCat("/contacts/", kBareContact, "/notes")).body,
            R"({"notes":[]})");
  EXPECT_EQ(h_.Call("GET", absl::StrCat("/contacts/", kBareContact, "/appointments")).body,
            R"({"events":[]})");
}

TEST_F(DemoRelatedTest, GetTaskAndNoteByIdServeTheDatasetRecord) {
  const auto list = h_.Call("GET", absl::StrCat("/contacts/", kDemoContact, "/tasks"));
  const std::string task_id = list.json["tasks"][1]["id"].GetString();
  const auto task = h_.Call("GET", absl::StrCat("/contacts/", kDemoContact, "/tasks/", task_id));
  ASSERT_EQ(task.status, 200);
  EXPECT_EQ(task.body, absl::StrCat("{\"task\":", ReadLines(DemoDir() + "/tasks.jsonl")[1], "}"));
  const auto notes = h_.Call("GET", absl::StrCat("/contacts/", kDemoContact, "/notes"));
  const std::string note_id = notes.json["notes"][0]["id"].GetString();
  const auto note = h_.Call("GET", absl::StrCat("/contacts/", kDemoContact, "/notes/", note_id));
  ASSERT_EQ(note.status, 200);
  EXPECT_EQ(note.body, absl::StrCat("{\"note\":", ReadLines(DemoDir() + "/notes.jsonl")[0], "}"));
}

TEST_F(DemoRelatedTest, TaskLifecycle) {
  const std::string base = absl::StrCat("/contacts/", kDemoContact, "/tasks");
  const auto created = h_.Call("POST", base,
                               R"({"title":"First Task","body":"loram ipsum",)"
                               R"("dueDate":"2020-10-25T11:00:00Z","completed":false,)"
                               R"("assignedTo":"hxHGVRb1YJUscrCB8eXK"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json["task"]["id"].GetString();
  EXPECT_EQ(id.size(), 20u);
  EXPECT_EQ(
      created.body,
      absl::StrCat(
          R"({"task":{"id":")", id, R"(","contactId":")", kDemoContact,
          R"(","title":"First Task","body":"loram ipsum","assignedTo":"hxHGVRb1YJUscrCB8eXK",)"
          R"("dueDate":"2020-10-25T11:00:00.000Z","completed":false}})"));
  EXPECT_EQ(h_.Call("GET", base).json["tasks"].Size(), 3u);
  EXPECT_EQ(h_.Call("GET", base + "/" + id).body, created.body);

  const auto updated = h_.Call("PUT", base + "/" + id,
                               R"({"title":"Changed","dueDate":"2021-06-23T03:30:00+01:00"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_STREQ(updated.json["task"]["title"].GetString(), "Changed");
  EXPECT_STREQ(updated.json["task"]["dueDate"].GetString(), "2021-06-23T02:30:00.000Z");
  EXPECT_STREQ(updated.json["task"]["body"].GetString(), "loram ipsum");

  const auto completed = h_.Call("PUT", base + "/" + id + "/completed", R"({"completed":true})");
  ASSERT_EQ(completed.status, 200) << completed.body;
  EXPECT_TRUE(completed.json["task"]["completed"].GetBool());
  EXPECT_EQ(h_.Call("GET", base + "/" + id).body, completed.body);

  const auto deleted = h_.Call("DELETE", base + "/" + id);
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, R"({"succeded":true})");
  EXPECT_EQ(h_.Call("GET", base + "/" + id).status, 404);
  EXPECT_EQ(h_.Call("DELETE", base + "/" + id).status, 404);
  EXPECT_EQ(h_.Call("GET", base).json["tasks"].Size(), 2u);
}

TEST_F(DemoRelatedTest, TaskValidationIs422WithListMessages) {
  const std::string base = absl::StrCat("/contacts/", kDemoContact, "/tasks");
  auto r = h_.Call("POST", base, "{}");
  EXPECT_EQ(r.status, 422);
  EXPECT_THAT(Messages(r.json),
              ElementsAre("title should not be empty", "dueDate should not be empty",
                          "completed should not be empty"));
  EXPECT_STREQ(r.json["error"].GetString(), "Unprocessable Entity");
  r = h_.Call(
      "POST", base,
      R"({"title":"","dueDate":"tomorrow","completed":"yes","assignedTo":5,"color":"red"})");
  EXPECT_THAT(Messages(r.json),
              ElementsAre("property color should not exist", "title should not be empty",
                          "dueDate must be a valid ISO 8601 date string",
                          "completed must be a boolean value", "assignedTo must be a string"));
  const std::string task_id = h_.Call("GET", base).json["tasks"][0]["id"].GetString();
  r = h_.Call("PUT", base + "/" + task_id, R"({"completed":1})");
  EXPECT_THAT(Messages(r.json), ElementsAre("completed must be a boolean value"));
  r = h_.Call("PUT", base + "/" + task_id + "/completed", "{}");
  EXPECT_THAT(Messages(r.json), ElementsAre("completed should not be empty"));
  EXPECT_EQ(h_.Call("POST", base, "[1]").status, 400);
  EXPECT_EQ(h_.Call("POST", base, "{\"title\":").status, 400);
}

TEST_F(DemoRelatedTest, NoteLifecycle) {
  const std::string base = absl::StrCat("/contacts/", kDemoContact, "/notes");
  const auto created = h_.Call("POST", base,
                               R"({"body":"lorem ipsum","userId":"GCs5KuzPqTls7vWclkEV",)"
                               R"("title":"Follow-up summary","color":"#FFAA00","pinned":false})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json["note"]["id"].GetString();
  EXPECT_EQ(created.body,
            absl::StrCat(R"({"note":{"id":")", id, R"(","contactId":")", kDemoContact,
                         R"(","body":"lorem ipsum","userId":"GCs5KuzPqTls7vWclkEV",)"
                         R"("dateAdded":"2021-07-02T05:18:26.704Z","title":"Follow-up summary",)"
                         R"("color":"#FFAA00","pinned":false}})"));
  EXPECT_EQ(h_.Call("GET", base + "/" + id).body, created.body);
  const auto updated = h_.Call("PUT", base + "/" + id, R"({"body":"changed","pinned":true})");
  ASSERT_EQ(updated.status, 200);
  EXPECT_STREQ(updated.json["note"]["body"].GetString(), "changed");
  EXPECT_TRUE(updated.json["note"]["pinned"].GetBool());
  EXPECT_STREQ(updated.json["note"]["title"].GetString(), "Follow-up summary");
  EXPECT_EQ(h_.Call("DELETE", base + "/" + id).body, R"({"succeded":true})");
  EXPECT_EQ(h_.Call("GET", base + "/" + id).status, 404);
  EXPECT_EQ(h_.Call("GET", base).json["notes"].Size(), 2u);
}

TEST_F(DemoRelatedTest, NoteValidation) {
  const std::string base = absl::StrCat("/contacts/", kDemoContact, "/notes");
  EXPECT_THAT(Messages(h_.Call("POST", base, R"({"title":"x"})").json),
              ElementsAre("body should not be empty"));
  EXPECT_THAT(Messages(h_.Call("POST", base, R"({"body":"x","pinned":"no","id":"z"})").json),
              ElementsAre("property id should not exist", "pinned must be a boolean value"));
  const std::string note_id = h_.Call("GET", base).json["notes"][0]["id"].GetString();
  EXPECT_THAT(Messages(h_.Call("PUT", base + "/" + note_id, R"({"body":7})").json),
              ElementsAre("body must be a string"));
}

TEST_F(DemoRelatedTest, LocationScopeAndExistenceErrors) {
  const std::string tasks = absl::StrCat("/contacts/", kDemoContact, "/tasks");
  EXPECT_EQ(h_.Call("GET", tasks, "", kOtherRw).status, 403);
  EXPECT_EQ(h_.Call("GET", absl::StrCat("/contacts/", kDemoContact, "/notes"), "", kOtherRw).status,
            403);
  EXPECT_EQ(h_.Call("GET", absl::StrCat("/contacts/", kDemoContact, "/appointments"), "", kOtherRw)
                .status,
            403);
  const auto unknown = h_.Call("GET", "/contacts/NoSuchContact0000000/tasks");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_STREQ(unknown.json["message"].GetString(), "Contact not found");
  const auto no_task = h_.Call("GET", tasks + "/NoSuchTask");
  EXPECT_EQ(no_task.status, 404);
  EXPECT_STREQ(no_task.json["message"].GetString(), "Task not found");
  EXPECT_STREQ(h_.Call("GET", absl::StrCat("/contacts/", kDemoContact, "/notes/x"))
                   .json["message"]
                   .GetString(),
               "Note not found");
  // Scopes: reads need contacts.readonly, writes contacts.write.
  EXPECT_EQ(h_.Call("GET", tasks, "", kWriteOnly).status, 401);
  EXPECT_EQ(
      h_.Call("POST", tasks, R"({"title":"t","dueDate":"2020-10-25","completed":true})", kReadOnly)
          .status,
      401);
  EXPECT_EQ(h_.Call("GET", tasks, "", "").status, 401);
}

TEST(GeneratedRelatedTest, RecordsAreDeterministicBySeedAndWritesStick) {
  ServiceHarness a(ServiceHarness::Generated(50, 7));
  ServiceHarness b(ServiceHarness::Generated(50, 7));
  ServiceHarness c(ServiceHarness::Generated(50, 8));
  const auto page = a.Call("GET", "/contacts/?locationId=ve9EPM428h8vShlRW1KT&limit=50");
  size_t tasks = 0, notes = 0, events = 0;
  for (const auto& contact : page.json["contacts"].GetArray()) {
    const std::string id = contact["id"].GetString();
    for (const char* kind : {"tasks", "notes", "appointments"}) {
      const std::string path = absl::StrCat("/contacts/", id, "/", kind);
      const auto ra = a.Call("GET", path);
      ASSERT_EQ(ra.status, 200);
      EXPECT_EQ(ra.body, b.Call("GET", path).body);
      const auto& list = ra.json[std::string(kind) == "appointments" ? "events" : kind];
      (std::string(kind) == "tasks"   ? tasks
       : std::string(kind) == "notes" ? notes
                                      : events) += list.Size();
      for (const auto& record : list.GetArray()) {
        EXPECT_STREQ(record["contactId"].GetString(), id.c_str());
      }
    }
  }
  EXPECT_GT(tasks, 40u);  // 0-3 per contact
  EXPECT_GT(notes, 20u);  // 0-2 per contact
  EXPECT_GT(events, 0u);  // about one contact in five
  // Another seed, other records (same contact ids only for the same seed).
  const std::string first = page.json["contacts"][0]["id"].GetString();
  EXPECT_EQ(c.Call("GET", absl::StrCat("/contacts/", first, "/tasks")).status, 404);

  // A write materialises the generated list; the rest stays.
  std::string with_task;
  for (const auto& contact : page.json["contacts"].GetArray()) {
    const std::string id = contact["id"].GetString();
    if (a.Call("GET", absl::StrCat("/contacts/", id, "/tasks")).json["tasks"].Size() >= 2) {
      with_task = id;
      break;
    }
  }
  ASSERT_FALSE(with_task.empty());
  const std::string base = absl::StrCat("/contacts/", with_task, "/tasks");
  const auto before = a.Call("GET", base);
  const std::string gone = before.json["tasks"][0]["id"].GetString();
  EXPECT_EQ(a.Call("DELETE", base + "/" + gone).status, 200);
  const auto after = a.Call("GET", base);
  EXPECT_EQ(after.json["tasks"].Size(), before.json["tasks"].Size() - 1);
  EXPECT_EQ(a.Call("GET", base + "/" + gone).status, 404);
  EXPECT_STREQ(after.json["tasks"][0]["id"].GetString(), before.json["tasks"][1]["id"].GetString());
}

TEST(GeneratedRelatedTest, ContactsCreatedThroughTheApiStartWithoutRecords) {
  ServiceHarness h(ServiceHarness::Generated(10));
  const auto created =
      h.Call("POST", "/contacts/", R"({"locationId":"ve9EPM428h8vShlRW1KT","firstName":"New"})");
  ASSERT_EQ(created.status, 201);
  const std::string id = created.json["contact"]["id"].GetString();
  EXPECT_EQ(h.Call("GET", absl::StrCat("/contacts/", id, "/tasks")).body, R"({"tasks":[]})");
  EXPECT_EQ(h.Call("GET", absl::StrCat("/contacts/", id, "/notes")).body, R"({"notes":[]})");
  EXPECT_EQ(h.Call("GET", absl::StrCat("/contacts/", id, "/appointments")).body,
            R"({"events":[]})");
  EXPECT_THAT(h.service().RelatedRecords(RelatedKind::kTask, id), IsEmpty());
}

}  // namespace
}  // namespace ghl::sandbox
