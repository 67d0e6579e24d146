// TasksService, NotesService, AppointmentsService and TagsService end to end:
// the gateway in-process against ghl-sandbox on port 0.
//
// - Demo data: every demo contact's tasks, notes and appointments through
//   the gateway equal ../shared/data/location-demo/{tasks,notes,
//   appointments}.jsonl for that contact, field by field.
// - Writes: task and note lifecycles, tags (a tag with a comma stays one
//   tag), the bulk tag update, and the error paths (404, read-only token).
// - Conformance: the same operations through `prism proxy --errors` against
//   a generated location, with no problem in Prism's log (generated data,
//   because the spec types customFields[].value as a string while the demo
//   data sends typed values; see conformance_test.cc).
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/ghl/contacts/resource_mapping.h"
#include "adapters/ghl/http/curl_http_transport.h"
#include "ghl/contacts/v1/appointments_service.grpc.pb.h"
#include "ghl/contacts/v1/notes_service.grpc.pb.h"
#include "ghl/contacts/v1/tags_service.grpc.pb.h"
#include "ghl/contacts/v1/tasks_service.grpc.pb.h"
#include "tests/integration/prism_log.h"
#include "tests/integration/stack.h"

namespace ghl::testing {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Stubs of the four services (and contacts) over the stack's channel.
struct Clients {
  explicit Clients(Stack& stack)
      : contacts(&stack.stub()),
        tasks(v1::TasksService::NewStub(stack.channel())),
        notes(v1::NotesService::NewStub(stack.channel())),
        appointments(v1::AppointmentsService::NewStub(stack.channel())),
        tags(v1::TagsService::NewStub(stack.channel())) {}

  v1::ContactsService::Stub* contacts;
  std::unique_ptr<v1::TasksService::Stub> tasks;
  std::unique_ptr<v1::NotesService::Stub> notes;
  std::unique_ptr<v1::AppointmentsService::Stub> appointments;
  std::unique_ptr<v1::TagsService::Stub> tags;
};

template <typename Request>
Request For(const std::string& contact_id) {
  Request request;
  request.set_location_id(kDemoLocation);
  request.set_contact_id(contact_id);
  return request;
}

// Calls a unary RPC with a deadline; returns its status.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub* stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return (stub->*method)(&ctx, request, response);
}

struct AppointmentStream {
  grpc::Status status;
  std::vector<v1::ListContactAppointmentsResponse> pages;
};

AppointmentStream ListAppointments(Clients& c, const v1::ListContactAppointmentsRequest& request) {
  AppointmentStream out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto reader = c.appointments->ListContactAppointments(&ctx, request);
  v1::ListContactAppointmentsResponse page;
  while (reader->Read(&page)) out.pages.push_back(page);
  out.status = reader->Finish();
  return out;
}

// The lines of a demo dataset file, parsed with `mapper`, by contact id.
template <typename T>
std::map<std::string, std::map<std::string, T>> DemoRecords(
    const contacts::json::JsonMapper& mapper, const std::string& file) {
  std::map<std::string, std::map<std::string, T>> by_contact;
  std::ifstream in(SharedDir() + "/data/location-demo/" + file);
  EXPECT_TRUE(in.good()) << file;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto record = mapper.Parse<T>(line);
    EXPECT_TRUE(record.ok()) << record.status() << " " << line;
    if (record.ok()) by_contact[record->contact_id()][record->id()] = *record;
  }
  return by_contact;
}

// Expects `got` to hold exactly the records of `expected`, field by field.
template <typename T>
void ExpectSameRecords(const std::map<std::string, T>& expected,
                       const google::protobuf::RepeatedPtrField<T>& got,
                       const std::string& contact_id) {
  ASSERT_EQ(static_cast<size_t>(got.size()), expected.size()) << "contact " << contact_id;
  for (const T& record : got) {
    auto it = expected.find(record.id());
    ASSERT_NE(it, expected.end()) << "unexpected " << record.id() << " of " << contact_id;
    std::string diff;
    MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differencer.Compare(it->second, record)) << record.id() << ": " << diff;
  }
}

StackOptions DemoStack() {
  StackOptions o;
  o.rate_limit_max = 1000000;
  return o;
}

// One demo stack for the suite (starting one loads 5,000 contacts). The
// writes touch only records they create and tags, which the dataset
// comparisons do not read, so the order of the tests does not matter.
class DemoStackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(DemoStack()); }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(stack_->error(), ""); }

  static Stack* stack_;
};

Stack* DemoStackTest::stack_ = nullptr;

// ---------------------------------------------------------------------------
// Demo data

TEST_F(DemoStackTest, DemoDataEveryContactsTasksNotesAndAppointmentsEqualTheDataset) {
  Stack& stack = *stack_;
  Clients c(stack);
  const auto tasks = DemoRecords<v1::Task>(contacts::TaskJson(), "tasks.jsonl");
  const auto notes = DemoRecords<v1::Note>(contacts::NoteJson(), "notes.jsonl");
  const auto appointments =
      DemoRecords<v1::Appointment>(contacts::AppointmentJson(), "appointments.jsonl");
  ASSERT_FALSE(tasks.empty());
  ASSERT_FALSE(notes.empty());
  ASSERT_FALSE(appointments.empty());

  size_t task_count = 0, note_count = 0, appointment_count = 0;
  for (const auto& [contact_id, expected] : tasks) {
    v1::ListTasksResponse got;
    auto s = Call(c.tasks.get(), &v1::TasksService::Stub::ListTasks,
                  For<v1::ListTasksRequest>(contact_id), &got);
    ASSERT_TRUE(s.ok()) << contact_id << ": " << s.error_message();
    ExpectSameRecords(expected, got.tasks(), contact_id);
    task_count += got.tasks_size();
  }
  for (const auto& [contact_id, expected] : notes) {
    v1::ListNotesResponse got;
    auto s = Call(c.notes.get(), &v1::NotesService::Stub::ListNotes,
                  For<v1::ListNotesRequest>(contact_id), &got);
    ASSERT_TRUE(s.ok()) << contact_id << ": " << s.error_message();
    ExpectSameRecords(expected, got.notes(), contact_id);
    note_count += got.notes_size();
  }
  for (const auto& [contact_id, expected] : appointments) {
    auto stream = ListAppointments(c, For<v1::ListContactAppointmentsRequest>(contact_id));
    ASSERT_TRUE(stream.status.ok()) << contact_id << ": " << stream.status.error_message();
    ASSERT_EQ(stream.pages.size(), 1u);
    EXPECT_TRUE(stream.pages[0].last_page());
    ExpectSameRecords(expected, stream.pages[0].appointments(), contact_id);
    appointment_count += stream.pages[0].appointments_size();
  }
  EXPECT_EQ(task_count, 7593u);
  EXPECT_EQ(note_count, 5035u);
  EXPECT_EQ(appointment_count, 1024u);
}

TEST_F(DemoStackTest, DemoDataGetTaskAndGetNoteEqualTheDataset) {
  Stack& stack = *stack_;
  Clients c(stack);
  const auto tasks = DemoRecords<v1::Task>(contacts::TaskJson(), "tasks.jsonl");
  const auto notes = DemoRecords<v1::Note>(contacts::NoteJson(), "notes.jsonl");
  const auto& [task_contact, contact_tasks] = *tasks.begin();
  for (const auto& [task_id, expected] : contact_tasks) {
    auto request = For<v1::GetTaskRequest>(task_contact);
    request.set_task_id(task_id);
    v1::Task got;
    auto s = Call(c.tasks.get(), &v1::TasksService::Stub::GetTask, request, &got);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(MessageDifferencer::Equals(expected, got)) << got.DebugString();
  }
  const auto& [note_contact, contact_notes] = *notes.begin();
  for (const auto& [note_id, expected] : contact_notes) {
    auto request = For<v1::GetNoteRequest>(note_contact);
    request.set_note_id(note_id);
    v1::Note got;
    auto s = Call(c.notes.get(), &v1::NotesService::Stub::GetNote, request, &got);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(MessageDifferencer::Equals(expected, got)) << got.DebugString();
  }
}

TEST_F(DemoStackTest, DemoDataAppointmentStreamResumesAfterItsLastPage) {
  Stack& stack = *stack_;
  Clients c(stack);
  const auto appointments =
      DemoRecords<v1::Appointment>(contacts::AppointmentJson(), "appointments.jsonl");
  auto request = For<v1::ListContactAppointmentsRequest>(appointments.begin()->first);
  auto first = ListAppointments(c, request);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.pages.size(), 1u);
  request.set_resume_token(first.pages[0].resume_token());
  auto resumed = ListAppointments(c, request);
  ASSERT_TRUE(resumed.status.ok()) << resumed.status.error_message();
  ASSERT_EQ(resumed.pages.size(), 1u);
  EXPECT_TRUE(resumed.pages[0].last_page());
  EXPECT_EQ(resumed.pages[0].appointments_size(), 0);
}

// ---------------------------------------------------------------------------
// Writes (shared by the direct and the Prism runs)

// The first contact of the location (a contact the sandbox knows).
std::string SomeContact(Stack& stack, int index = 0) {
  v1::ListContactsRequest list;
  list.set_location_id(kDemoLocation);
  list.set_page_size(10);
  Listing listing = ListAll(stack.stub(), list, 1);
  EXPECT_GT(listing.ids.size(), static_cast<size_t>(index));
  return listing.ids.size() > static_cast<size_t>(index) ? listing.ids[index] : "";
}

// `check_gone`: read the deleted task back (a 404, which the spec does not
// document for get-task, so not through Prism).
void TaskLifecycle(Stack& stack, Clients& c, const std::string& contact_id, bool check_gone) {
  auto fail = [&](const grpc::Status& s) { return s.error_message() + "\n" + stack.prism_log(); };
  auto create = For<v1::CreateTaskRequest>(contact_id);
  create.mutable_task()->set_title("Call back, then email");
  create.mutable_task()->set_body("Ünïcode body");
  ASSERT_TRUE(
      contacts::ParseGhlTime("2026-03-01T09:30:00Z", create.mutable_task()->mutable_due_date()));
  v1::Task created;
  auto s = Call(c.tasks.get(), &v1::TasksService::Stub::CreateTask, create, &created);
  ASSERT_TRUE(s.ok()) << fail(s);
  ASSERT_FALSE(created.id().empty());
  EXPECT_EQ(created.title(), "Call back, then email");
  EXPECT_FALSE(created.completed());
  EXPECT_EQ(contacts::FormatGhlTime(created.due_date()), "2026-03-01T09:30:00.000Z");

  auto get = For<v1::GetTaskRequest>(contact_id);
  get.set_task_id(created.id());
  v1::Task fetched;
  s = Call(c.tasks.get(), &v1::TasksService::Stub::GetTask, get, &fetched);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_EQ(fetched.body(), "Ünïcode body");

  auto update = For<v1::UpdateTaskRequest>(contact_id);
  update.mutable_task()->set_id(created.id());
  update.mutable_task()->set_title("Renamed");
  update.mutable_task()->set_body("not sent");
  update.mutable_update_mask()->add_paths("title");
  v1::Task updated;
  s = Call(c.tasks.get(), &v1::TasksService::Stub::UpdateTask, update, &updated);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_EQ(updated.title(), "Renamed");
  EXPECT_EQ(updated.body(), "Ünïcode body");

  auto complete = For<v1::SetTaskCompletedRequest>(contact_id);
  complete.set_task_id(created.id());
  complete.set_completed(true);
  v1::Task completed;
  s = Call(c.tasks.get(), &v1::TasksService::Stub::SetTaskCompleted, complete, &completed);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_TRUE(completed.completed());

  v1::ListTasksResponse list;
  s = Call(c.tasks.get(), &v1::TasksService::Stub::ListTasks, For<v1::ListTasksRequest>(contact_id),
           &list);
  ASSERT_TRUE(s.ok()) << fail(s);
  std::set<std::string> ids;
  for (const auto& t : list.tasks()) ids.insert(t.id());
  EXPECT_THAT(ids, Contains(created.id()));

  auto remove = For<v1::DeleteTaskRequest>(contact_id);
  remove.set_task_id(created.id());
  google::protobuf::Empty empty;
  s = Call(c.tasks.get(), &v1::TasksService::Stub::DeleteTask, remove, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);
  if (!check_gone) return;
  s = Call(c.tasks.get(), &v1::TasksService::Stub::GetTask, get, &fetched);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << fail(s);
}

// `check_gone`: as for TaskLifecycle.
void NoteLifecycle(Stack& stack, Clients& c, const std::string& contact_id, bool check_gone) {
  auto fail = [&](const grpc::Status& s) { return s.error_message() + "\n" + stack.prism_log(); };
  auto create = For<v1::CreateNoteRequest>(contact_id);
  create.mutable_note()->set_body("Met at the fair; wants a demo\n日本語");
  create.mutable_note()->set_title("Follow-up");
  v1::Note created;
  auto s = Call(c.notes.get(), &v1::NotesService::Stub::CreateNote, create, &created);
  ASSERT_TRUE(s.ok()) << fail(s);
  ASSERT_FALSE(created.id().empty());
  EXPECT_EQ(created.body(), "Met at the fair; wants a demo\n日本語");
  EXPECT_TRUE(created.has_date_added());

  auto update = For<v1::UpdateNoteRequest>(contact_id);
  update.mutable_note()->set_id(created.id());
  update.mutable_note()->set_body("edited");
  update.mutable_update_mask()->add_paths("body");
  v1::Note updated;
  s = Call(c.notes.get(), &v1::NotesService::Stub::UpdateNote, update, &updated);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_EQ(updated.body(), "edited");

  auto get = For<v1::GetNoteRequest>(contact_id);
  get.set_note_id(created.id());
  v1::Note fetched;
  s = Call(c.notes.get(), &v1::NotesService::Stub::GetNote, get, &fetched);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_EQ(fetched.body(), "edited");

  v1::ListNotesResponse list;
  s = Call(c.notes.get(), &v1::NotesService::Stub::ListNotes, For<v1::ListNotesRequest>(contact_id),
           &list);
  ASSERT_TRUE(s.ok()) << fail(s);
  std::set<std::string> ids;
  for (const auto& n : list.notes()) ids.insert(n.id());
  EXPECT_THAT(ids, Contains(created.id()));

  auto remove = For<v1::DeleteNoteRequest>(contact_id);
  remove.set_note_id(created.id());
  google::protobuf::Empty empty;
  s = Call(c.notes.get(), &v1::NotesService::Stub::DeleteNote, remove, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);
  if (!check_gone) return;
  s = Call(c.notes.get(), &v1::NotesService::Stub::GetNote, get, &fetched);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << fail(s);
}

std::vector<std::string> ContactTags(Clients& c, const std::string& contact_id) {
  v1::GetContactRequest get;
  get.set_location_id(kDemoLocation);
  get.set_contact_id(contact_id);
  v1::Contact contact;
  auto s = Call(c.contacts, &v1::ContactsService::Stub::GetContact, get, &contact);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return {contact.tags().begin(), contact.tags().end()};
}

void TagsRoundTrip(Stack& stack, Clients& c, const std::string& contact_id,
                   const std::string& other_contact_id) {
  auto fail = [&](const grpc::Status& s) { return s.error_message() + "\n" + stack.prism_log(); };
  auto add = For<v1::AddTagsRequest>(contact_id);
  add.add_tags("zz-issue3, gold");
  add.add_tags("zz-issue3");
  v1::AddTagsResponse added;
  auto s = Call(c.tags.get(), &v1::TagsService::Stub::AddTags, add, &added);
  ASSERT_TRUE(s.ok()) << fail(s);
  auto tags = ContactTags(c, contact_id);
  EXPECT_THAT(tags, Contains("zz-issue3, gold"));  // one tag, comma and all
  EXPECT_THAT(tags, Contains("zz-issue3"));
  EXPECT_THAT(tags, Not(Contains("gold")));

  auto remove = For<v1::RemoveTagsRequest>(contact_id);
  remove.add_tags("zz-issue3, gold");
  v1::RemoveTagsResponse removed;
  s = Call(c.tags.get(), &v1::TagsService::Stub::RemoveTags, remove, &removed);
  ASSERT_TRUE(s.ok()) << fail(s);
  tags = ContactTags(c, contact_id);
  EXPECT_THAT(tags, Not(Contains("zz-issue3, gold")));
  EXPECT_THAT(tags, Contains("zz-issue3"));

  v1::BulkUpdateTagsRequest bulk;
  bulk.set_location_id(kDemoLocation);
  bulk.set_type(v1::BULK_TAGS_UPDATE_TYPE_ADD);
  bulk.add_contact_ids(contact_id);
  bulk.add_contact_ids(other_contact_id);
  bulk.add_tags("bulk, added");
  v1::BulkUpdateTagsResponse answer;
  s = Call(c.tags.get(), &v1::TagsService::Stub::BulkUpdateTags, bulk, &answer);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_TRUE(answer.succeeded());
  EXPECT_EQ(answer.error_count(), 0);
  EXPECT_THAT(ContactTags(c, contact_id), Contains("bulk, added"));
  EXPECT_THAT(ContactTags(c, other_contact_id), Contains("bulk, added"));

  bulk.set_type(v1::BULK_TAGS_UPDATE_TYPE_REMOVE);
  s = Call(c.tags.get(), &v1::TagsService::Stub::BulkUpdateTags, bulk, &answer);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_THAT(ContactTags(c, other_contact_id), Not(Contains("bulk, added")));

  bulk.clear_tags();
  bulk.set_remove_all_tags(true);
  bulk.clear_contact_ids();
  bulk.add_contact_ids(contact_id);
  s = Call(c.tags.get(), &v1::TagsService::Stub::BulkUpdateTags, bulk, &answer);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_THAT(ContactTags(c, contact_id), IsEmpty());
}

TEST_F(DemoStackTest, WritesTaskLifecycle) {
  Stack& stack = *stack_;
  Clients c(stack);
  TaskLifecycle(stack, c, SomeContact(stack), /*check_gone=*/true);
}

TEST_F(DemoStackTest, WritesNoteLifecycle) {
  Stack& stack = *stack_;
  Clients c(stack);
  NoteLifecycle(stack, c, SomeContact(stack), /*check_gone=*/true);
}

TEST_F(DemoStackTest, WritesTagsAreListsEndToEnd) {
  Stack& stack = *stack_;
  Clients c(stack);
  TagsRoundTrip(stack, c, SomeContact(stack, 0), SomeContact(stack, 1));
}

TEST_F(DemoStackTest, ErrorsUnknownTaskIsNotFoundAndReadOnlyCannotWrite) {
  Stack& stack = *stack_;
  Clients c(stack);
  const std::string contact_id = SomeContact(stack);
  auto get = For<v1::GetTaskRequest>(contact_id);
  get.set_task_id("NoSuchTask0000000000");
  v1::Task task;
  auto s = Call(c.tasks.get(), &v1::TasksService::Stub::GetTask, get, &task);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();

  StackOptions ro = DemoStack();
  ro.gateway_token = kReadOnlyToken;
  Stack read_only(ro);
  ASSERT_EQ(read_only.error(), "");
  Clients r(read_only);
  v1::ListTasksResponse list;
  s = Call(r.tasks.get(), &v1::TasksService::Stub::ListTasks, For<v1::ListTasksRequest>(contact_id),
           &list);
  EXPECT_TRUE(s.ok()) << s.error_message();
  auto add = For<v1::AddTagsRequest>(contact_id);
  add.add_tags("x");
  v1::AddTagsResponse added;
  s = Call(r.tags.get(), &v1::TagsService::Stub::AddTags, add, &added);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  auto create = For<v1::CreateNoteRequest>(contact_id);
  create.mutable_note()->set_body("b");
  v1::Note note;
  s = Call(r.notes.get(), &v1::NotesService::Stub::CreateNote, create, &note);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
}

// ---------------------------------------------------------------------------
// Conformance (Prism proxy)

bool HavePrism() { return !PrismBin().empty() && access(PrismBin().c_str(), X_OK) == 0; }

TEST(PrismProxy, TasksNotesAppointmentsAndTagsConformToTheSpec) {
  if (!HavePrism()) {
    if (PrismRequired()) FAIL() << "GHL_PRISM_BIN is not an executable Prism";
    GTEST_SKIP() << "Prism not installed (run tools/install-deps); set GHL_PRISM_BIN";
  }
  StackOptions o;
  o.demo_data = false;
  o.generated_contacts = 50;
  o.prism_proxy = true;
  o.rate_limit_max = 1000000;
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  Clients c(stack);
  auto fail = [&](const grpc::Status& s) { return s.error_message() + "\n" + stack.prism_log(); };

  v1::ListContactsRequest list;
  list.set_location_id(kDemoLocation);
  Listing listing = ListAll(stack.stub(), list);
  ASSERT_TRUE(listing.status.ok()) << fail(listing.status);
  ASSERT_EQ(listing.ids.size(), 50u);
  // Every read of every generated contact: generated tasks, notes and
  // appointments in every shape the generator makes.
  int tasks = 0, notes = 0, appointments = 0;
  for (const std::string& id : listing.ids) {
    v1::ListTasksResponse t;
    auto s =
        Call(c.tasks.get(), &v1::TasksService::Stub::ListTasks, For<v1::ListTasksRequest>(id), &t);
    ASSERT_TRUE(s.ok()) << fail(s);
    tasks += t.tasks_size();
    for (const auto& task : t.tasks()) {
      auto get = For<v1::GetTaskRequest>(id);
      get.set_task_id(task.id());
      v1::Task one;
      s = Call(c.tasks.get(), &v1::TasksService::Stub::GetTask, get, &one);
      ASSERT_TRUE(s.ok()) << fail(s);
      EXPECT_TRUE(MessageDifferencer::Equals(task, one));
    }
    v1::ListNotesResponse n;
    s = Call(c.notes.get(), &v1::NotesService::Stub::ListNotes, For<v1::ListNotesRequest>(id), &n);
    ASSERT_TRUE(s.ok()) << fail(s);
    notes += n.notes_size();
    for (const auto& note : n.notes()) {
      auto get = For<v1::GetNoteRequest>(id);
      get.set_note_id(note.id());
      v1::Note one;
      s = Call(c.notes.get(), &v1::NotesService::Stub::GetNote, get, &one);
      ASSERT_TRUE(s.ok()) << fail(s);
    }
    auto stream = ListAppointments(c, For<v1::ListContactAppointmentsRequest>(id));
    ASSERT_TRUE(stream.status.ok()) << fail(stream.status);
    ASSERT_EQ(stream.pages.size(), 1u);
    appointments += stream.pages[0].appointments_size();
  }
  EXPECT_GT(tasks, 0);
  EXPECT_GT(notes, 0);
  EXPECT_GT(appointments, 0);

  TaskLifecycle(stack, c, listing.ids[0], /*check_gone=*/false);
  NoteLifecycle(stack, c, listing.ids[1], /*check_gone=*/false);
  TagsRoundTrip(stack, c, listing.ids[2], listing.ids[3]);
  {
    // A documented error through Prism: 401 (GHL's body) from a gateway
    // holding a bad token.
    ghl::server::GatewayConfig gc;
    gc.listen = "127.0.0.1:0";
    gc.upstream = stack.upstream();
    gc.tokens = {{kDemoLocation, "pit-test-wrong-token-3c1e"}};
    auto gateway = ghl::server::Gateway::Start(gc);
    ASSERT_TRUE(gateway.ok());
    auto tasks = v1::TasksService::NewStub(
        grpc::CreateChannel((*gateway)->address(), grpc::InsecureChannelCredentials()));
    v1::ListTasksResponse out;
    auto s = Call(tasks.get(), &v1::TasksService::Stub::ListTasks,
                  For<v1::ListTasksRequest>(listing.ids[0]), &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << fail(s);
    EXPECT_THAT(s.error_message(), Not(HasSubstr("pit-test-wrong-token")));
  }
  // Prism logs asynchronously; give it a moment before reading the verdicts.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_THAT(PrismReportedProblems(stack.prism_log()), IsEmpty());

  // Negative control: tags comma-joined into one string break TagsDTO, and
  // Prism must say so, or the check above proves nothing.
  auto transport = ghl::http::MakeCurlHttpTransport();
  ghl::http::HttpRequest bad;
  bad.method = "POST";
  bad.url = stack.upstream() + "/contacts/" + listing.ids[0] + "/tags";
  bad.headers = {{"Authorization", std::string("Bearer ") + kFullToken},
                 {"Version", "2021-07-28"},
                 {"Content-Type", "application/json"}};
  bad.body = R"({"tags":"a,b"})";
  auto answer = transport->Send(bad);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status_code, 422);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_THAT(PrismReportedProblems(stack.prism_log()), Not(IsEmpty()));
}

}  // namespace
}  // namespace ghl::testing
