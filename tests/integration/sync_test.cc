// ghlctl sync end to end (issue 6): the demo location (5,000 contacts)
// through ghl-sandbox + the gateway into both Rankr sinks; contacts created,
// updated and deleted through the gateway; incremental runs with the event
// log (an in-process fake EventsService serving scripted events, since the
// gateway's is built elsewhere) and without one (the gateway answers
// UNIMPLEMENTED: ids reconciled); the ghlctl binary SIGKILLed mid-initial
// sync and resumed; `--every` stopped by SIGTERM.
//
// "Equal" is field by field: the expected records are the mapping applied to
// a fresh full listing (ListContacts) after the changes.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/storage/sqlite_db.h"
#include "client/contact_sync.h"
#include "client/contacts_client.h"
#include "client/field_mapping.h"
#include "client/rankr_sink.h"
#include "ghl/contacts/v1/events_service.grpc.pb.h"
#include "tests/integration/stack.h"

namespace ghl::testing {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ghl::client::ContactSync;
using ghl::client::FieldMapping;
using ghl::client::SyncOptions;
using ghl::client::SyncReport;

std::string SourceDir() { return Env("GHL_SOURCE_DIR", "."); }
std::string MappingPath() { return SourceDir() + "/client/mappings/rankr-contact.map"; }
std::string GhlctlPath() { return Env("GHL_BINARY_DIR", ".") + "/client/ghlctl/ghlctl"; }

// Serves scripted events; with `unimplemented` set, answers as a gateway
// without an event log.
class FakeEventsService final : public v1::EventsService::Service {
 public:
  void Add(v1::EventType type, const std::string& contact_id) {
    std::lock_guard<std::mutex> lock(mu_);
    v1::Event event;
    event.set_offset(static_cast<int64_t>(events_.size()) + 1);
    event.set_type(type);
    event.set_location_id(kDemoLocation);
    event.mutable_contact()->set_id(contact_id);
    events_.push_back(event);
  }
  void set_unimplemented(bool value) { unimplemented_ = value; }
  int calls() const { return calls_; }

  grpc::Status WatchEvents(grpc::ServerContext*, const v1::WatchEventsRequest* request,
                           grpc::ServerWriter<v1::WatchEventsResponse>* writer) override {
    ++calls_;
    if (unimplemented_) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no event log");
    if (!request->stop_at_end()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "test serves stop_at_end only");
    std::vector<v1::Event> events;
    {
      std::lock_guard<std::mutex> lock(mu_);
      events = events_;
    }
    std::set<int> types(request->event_types().begin(), request->event_types().end());
    int64_t read = request->after_offset();
    for (const v1::Event& e : events) {
      if (e.offset() <= request->after_offset()) continue;
      read = e.offset();
      if (!types.empty() && types.count(e.type()) == 0) continue;
      v1::WatchEventsResponse response;
      *response.mutable_event() = e;
      response.set_read_offset(read);
      writer->Write(response);
    }
    v1::WatchEventsResponse heartbeat;
    heartbeat.set_read_offset(read);
    writer->Write(heartbeat);
    return grpc::Status::OK;
  }

 private:
  std::mutex mu_;
  std::vector<v1::Event> events_;
  std::atomic<bool> unimplemented_{false};
  std::atomic<int> calls_{0};
};

class SyncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StackOptions o;
    o.rate_limit_max = 100000;  // the sync's own pacing is not under test here
    o.rate_limit_interval_ms = 1000;
    stack_ = new Stack(o);
    events_ = new FakeEventsService;
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(events_);
    events_server_ = builder.BuildAndStart().release();
    events_channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }
  static void TearDownTestSuite() {
    events_server_->Shutdown();
    delete events_server_;
    delete events_channel_;
    delete events_;
    delete stack_;
  }
  void SetUp() override {
    ASSERT_EQ(stack_->error(), "");
    auto mapping = FieldMapping::Load(MappingPath());
    ASSERT_TRUE(mapping.ok()) << mapping.status();
    mapping_ = std::make_unique<FieldMapping>(*std::move(mapping));
    dir_ = ::testing::TempDir() + "/sync_test_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ASSERT_EQ(std::system(absl::StrCat("rm -rf '", dir_, "' && mkdir -p '", dir_, "'").c_str()), 0);
    contacts_ = ghl::client::MakeContactsClient(stack_->channel(), {}, ghl::client::MakeDefaultClock());
    events_stub_ = v1::EventsService::NewStub(*events_channel_);
  }

  absl::StatusOr<SyncReport> RunSync(const std::string& sink_spec, const std::string& state, bool with_events) {
    SyncOptions options;
    options.location_id = kDemoLocation;
    options.state_path = state;
    options.overlap = absl::Seconds(5);
    options.sink = sink_spec;
    ContactSync sync(*contacts_, with_events ? events_stub_.get() : nullptr, *mapping_, options,
                     ghl::client::MakeDefaultClock(), ghl::client::MakeWallClock());
    auto spec = ghl::client::ParseSinkSpec(sink_spec);
    if (!spec.ok()) return spec.status();
    auto sink = ghl::client::OpenRankrSink(*spec, *mapping_);
    if (!sink.ok()) return sink.status();
    return sync.Run(**sink);
  }

  // The mapping applied to a fresh full listing: id -> record JSON.
  std::map<std::string, std::string> Expected() {
    v1::ListContactsRequest request;
    request.set_location_id(kDemoLocation);
    Listing listing = ListAll(stack_->stub(), request);
    EXPECT_TRUE(listing.status.ok()) << listing.status.error_message();
    std::map<std::string, std::string> out;
    for (const auto& page : listing.pages) {
      for (const auto& c : page.contacts()) out[c.id()] = mapping_->Apply(c).ToJson();
    }
    return out;
  }

  // The JSONL sink's lines: id -> line; fails on a duplicate id.
  static std::map<std::string, std::string> ReadJsonl(const std::string& path) {
    std::map<std::string, std::string> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      rapidjson::Document d;
      d.Parse(line.data(), line.size());
      EXPECT_TRUE(!d.HasParseError() && d.IsObject() && d.HasMember("ghl_id")) << line;
      if (d.HasParseError() || !d.IsObject() || !d.HasMember("ghl_id")) continue;
      EXPECT_TRUE(out.emplace(d["ghl_id"].GetString(), line).second) << "duplicate " << d["ghl_id"].GetString();
    }
    return out;
  }

  // The SQLite sink: id -> record column; also checks typed columns agree
  // with the record for every row.
  static std::map<std::string, std::string> ReadSqlite(const std::string& path) {
    std::map<std::string, std::string> out;
    auto db = ghl::storage::SqliteDb::Open(path, "", "sink");
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return out;
    auto st = (*db)->Prepare("SELECT ghl_id, record, email, lead_score, do_not_contact, tags FROM rankr_contacts");
    EXPECT_TRUE(st.ok());
    for (;;) {
      auto row = (*st)->Step();
      EXPECT_TRUE(row.ok());
      if (!row.ok() || !*row) break;
      const std::string record = (*st)->ColumnText(1);
      rapidjson::Document d;
      d.Parse(record.data(), record.size());
      EXPECT_FALSE(d.HasParseError());
      if (d["email"].IsNull()) {
        EXPECT_TRUE((*st)->ColumnIsNull(2));
      } else {
        EXPECT_EQ((*st)->ColumnText(2), d["email"].GetString());
      }
      EXPECT_EQ((*st)->ColumnInt64(3), d["lead_score"].GetInt64());
      EXPECT_EQ((*st)->ColumnInt64(4), d["do_not_contact"].GetBool() ? 1 : 0);
      out[(*st)->ColumnText(0)] = record;
    }
    return out;
  }

  static void ExpectEqualState(const std::map<std::string, std::string>& got,
                               const std::map<std::string, std::string>& want, const std::string& what) {
    EXPECT_EQ(got.size(), want.size()) << what;
    int shown = 0;
    for (const auto& [id, record] : want) {
      auto it = got.find(id);
      if (it == got.end()) {
        ADD_FAILURE() << what << ": missing " << id;
      } else if (it->second != record) {
        ADD_FAILURE() << what << ": " << id << "\n got: " << it->second << "\nwant: " << record;
      } else {
        continue;
      }
      if (++shown > 5) return;
    }
    for (const auto& [id, record] : got) {
      if (want.count(id) == 0 && ++shown <= 5) ADD_FAILURE() << what << ": extra (deleted?) " << id;
    }
  }

  std::string CreateContact(const std::string& email, const std::string& phone) {
    v1::CreateContactRequest create;
    create.set_location_id(kDemoLocation);
    create.mutable_contact()->set_email(email);
    create.mutable_contact()->set_name("New Syncer");
    create.mutable_contact()->set_phone(phone);
    create.mutable_contact()->add_tags(" Synced ");
    v1::Contact created;
    grpc::ClientContext ctx;
    grpc::Status s = stack_->stub().CreateContact(&ctx, create, &created);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return created.id();
  }
  void UpdateEmail(const std::string& id, const std::string& email) {
    v1::UpdateContactRequest update;
    update.set_location_id(kDemoLocation);
    update.mutable_contact()->set_id(id);
    update.mutable_contact()->set_email(email);
    update.mutable_update_mask()->add_paths("email");
    v1::Contact updated;
    grpc::ClientContext ctx;
    grpc::Status s = stack_->stub().UpdateContact(&ctx, update, &updated);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  void Delete(const std::string& id) {
    v1::DeleteContactRequest del;
    del.set_location_id(kDemoLocation);
    del.set_contact_id(id);
    google::protobuf::Empty empty;
    grpc::ClientContext ctx;
    grpc::Status s = stack_->stub().DeleteContact(&ctx, del, &empty);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }

  static Stack* stack_;
  static FakeEventsService* events_;
  static grpc::Server* events_server_;
  static std::shared_ptr<grpc::Channel>* events_channel_;
  std::unique_ptr<FieldMapping> mapping_;
  std::unique_ptr<ghl::client::ContactsClient> contacts_;
  std::unique_ptr<v1::EventsService::Stub> events_stub_;
  std::string dir_;
};

Stack* SyncTest::stack_ = nullptr;
FakeEventsService* SyncTest::events_ = nullptr;
grpc::Server* SyncTest::events_server_ = nullptr;
std::shared_ptr<grpc::Channel>* SyncTest::events_channel_ = nullptr;

// Initial sync to both sinks, changes through the gateway, then an
// incremental run reading the event log: both sinks equal the sandbox.
TEST_F(SyncTest, InitialThenIncrementalWithEventLogToBothSinks) {
  events_->set_unimplemented(false);
  const std::string jsonl = dir_ + "/rankr.jsonl", db = dir_ + "/rankr.db";
  const auto before = Expected();
  ASSERT_GE(before.size(), 5000u);
  for (const std::string& sink : {"jsonl:" + jsonl, "sqlite:" + db}) {
    auto report = RunSync(sink, dir_ + "/" + sink.substr(0, 5) + ".state", true);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->initial);
    EXPECT_EQ(report->inserted, static_cast<int64_t>(before.size())) << sink;
    EXPECT_EQ(report->deleted, 0);
    EXPECT_EQ(report->warnings, 0);
  }
  ExpectEqualState(ReadJsonl(jsonl), before, "jsonl after initial");
  ExpectEqualState(ReadSqlite(db), before, "sqlite after initial");

  // Changes: 3 created, 3 updated, 3 deleted, each logged as GHL's webhook
  // would (one created contact is also deleted again before the sync).
  std::vector<std::string> ids;
  for (const auto& [id, record] : before) ids.push_back(id);
  std::vector<std::string> created;
  for (int i = 0; i < 3; ++i) {
    created.push_back(CreateContact(absl::StrCat("New.Syncer", i, "@Example.com"), absl::StrCat("+1415555010", i)));
    events_->Add(v1::EVENT_TYPE_CONTACT_CREATE, created.back());
  }
  for (int i = 0; i < 3; ++i) {
    UpdateEmail(ids[10 + i], absl::StrCat("Changed", i, "@Example.org"));
    events_->Add(i == 2 ? v1::EVENT_TYPE_CONTACT_TAG_UPDATE : v1::EVENT_TYPE_CONTACT_UPDATE, ids[10 + i]);
  }
  // An update the search does not return (as when GHL's index lags): the
  // event makes sync fetch it (here it did not change: unchanged).
  events_->Add(v1::EVENT_TYPE_CONTACT_UPDATE, ids[300]);
  for (int i = 0; i < 2; ++i) {
    Delete(ids[100 + i]);
    events_->Add(v1::EVENT_TYPE_CONTACT_DELETE, ids[100 + i]);
  }
  Delete(created[2]);
  events_->Add(v1::EVENT_TYPE_CONTACT_DELETE, created[2]);

  const auto after = Expected();
  ASSERT_EQ(after.size(), before.size());  // +2 created, -2 deleted
  for (const std::string& sink : {"jsonl:" + jsonl, "sqlite:" + db}) {
    auto report = RunSync(sink, dir_ + "/" + sink.substr(0, 5) + ".state", true);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_FALSE(report->initial);
    EXPECT_TRUE(report->events);
    EXPECT_FALSE(report->reconciled);
    EXPECT_EQ(report->inserted, 2) << sink;
    EXPECT_EQ(report->updated, 3) << sink;
    EXPECT_EQ(report->deleted, 2) << sink;
    EXPECT_EQ(report->unchanged, 1) << sink;
    EXPECT_LT(report->fetched, 100) << sink;  // the dateUpdated window, not the whole location
  }
  const auto jsonl_state = ReadJsonl(jsonl);
  ExpectEqualState(jsonl_state, after, "jsonl after incremental");
  ExpectEqualState(ReadSqlite(db), after, "sqlite after incremental");
  EXPECT_EQ(jsonl_state.count(ids[100]), 0u);
  ASSERT_EQ(jsonl_state.count(created[0]), 1u);
  EXPECT_NE(jsonl_state.at(created[0]).find("\"email\":\"new.syncer0@example.com\""), std::string::npos);
  EXPECT_NE(jsonl_state.at(created[0]).find("\"tags\":[\"synced\"]"), std::string::npos);

  // Nothing changed: a run upserts nothing and reads no new events.
  auto idle = RunSync("jsonl:" + jsonl, dir_ + "/jsonl.state", true);
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_EQ(idle->inserted + idle->updated + idle->deleted, 0);

  // A state file is one sink's: another sink with it is refused.
  auto mixed = RunSync("jsonl:" + dir_ + "/other.jsonl", dir_ + "/jsonl.state", true);
  EXPECT_TRUE(absl::IsFailedPrecondition(mixed.status())) << mixed.status();
  EXPECT_NE(mixed.status().message().find("each sink needs its own --state file"), absl::string_view::npos);
}

// A gateway without an event log: deletions are found by comparing ids.
TEST_F(SyncTest, WithoutEventLogReconcilesIds) {
  events_->set_unimplemented(true);
  const std::string jsonl = dir_ + "/rankr.jsonl", state = dir_ + "/state.json";
  auto initial = RunSync("jsonl:" + jsonl, state, true);
  ASSERT_TRUE(initial.ok()) << initial.status();
  const auto before = Expected();
  std::vector<std::string> ids;
  for (const auto& [id, record] : before) ids.push_back(id);
  Delete(ids[200]);
  Delete(ids[201]);
  UpdateEmail(ids[202], "reconciled@example.net");
  const std::string created = CreateContact("reconcile.new@example.com", "+4930123456");
  auto report = RunSync("jsonl:" + jsonl, state, true);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->events);
  EXPECT_TRUE(report->reconciled);
  EXPECT_EQ(report->deleted, 2);
  EXPECT_EQ(report->inserted, 1);
  EXPECT_EQ(report->updated, 1);
  ExpectEqualState(ReadJsonl(jsonl), Expected(), "jsonl after reconcile");
  events_->set_unimplemented(false);
}

bool StateShowsCommittedInitialPage(const std::string& path) {
  auto state = ghl::client::SyncState::Load(path);
  return state.ok() && state->phase == "initial" && !state->resume_token.empty();
}

// A sink's records were made by one mapping: the same state and sink with
// a mapping that maps differently (same columns) is refused before any
// call, since the records it does not rewrite would keep the old values.
TEST_F(SyncTest, AnotherMappingOnTheSameStateIsRefused) {
  auto changed = FieldMapping::Parse("changed.map", "email -> email string | lower\nphone -> phone string\n");
  ASSERT_TRUE(changed.ok()) << changed.status();
  auto same = FieldMapping::Parse("same.map", "# the same, spaced\nemail   ->  email string\nphone -> phone string\n");
  ASSERT_TRUE(same.ok()) << same.status();
  const std::string other_state = dir_ + "/other.json", other_jsonl = "jsonl:" + dir_ + "/other.jsonl";
  mapping_ = std::make_unique<FieldMapping>(*std::move(same));
  auto made = RunSync(other_jsonl, other_state, true);
  ASSERT_TRUE(made.ok()) << made.status();
  mapping_ = std::make_unique<FieldMapping>(*std::move(changed));
  auto refused = RunSync(other_jsonl, other_state, true);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_NE(refused.status().message().find("were made with another mapping"), std::string::npos)
      << refused.status();
}

// The ghlctl binary killed (SIGKILL) during the initial sync, after at
// least one committed batch: the same command (even with another
// --page-size) resumes and ends equal, with no duplicates. Then `--every` runs until SIGTERM and exits 0.
TEST_F(SyncTest, KilledInitialSyncResumesAndEveryStopsOnSigterm) {
  const std::string jsonl = dir_ + "/rankr.jsonl", state = dir_ + "/state.json";
  const std::string gateway = stack_->gateway().address();
  std::vector<std::string> args = {GhlctlPath(), "--gateway", gateway, "sync", "--location", kDemoLocation,
                                   "--mapping", MappingPath(), "--sink", "jsonl:" + jsonl, "--state", state,
                                   "--page-size", "50", "--batch-pages", "1", "--page-delay", "50ms"};
  {
    Subprocess sync(args, dir_ + "/sync1.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!StateShowsCommittedInitialPage(state) && sync.running() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_TRUE(StateShowsCommittedInitialPage(state)) << sync.log();
    sync.Kill();
  }
  const auto partial = ReadJsonl(jsonl);
  const auto want = Expected();
  EXPECT_GT(partial.size(), 0u);
  EXPECT_LT(partial.size(), want.size());  // killed mid-run (100 pages at 50 ms each)
  {
    // No --page-delay, and the default --page-size: the resumed run keeps
    // the page size its resume token was issued for.
    std::vector<std::string> fast(args.begin(), args.end() - 6);
    fast.insert(fast.end(), {"--batch-pages", "1"});
    Subprocess sync(fast, dir_ + "/sync2.log");
    EXPECT_EQ(sync.Wait(), 0) << sync.log();
    EXPECT_NE(sync.log().find("initial sync: "), std::string::npos) << sync.log();
  }
  ExpectEqualState(ReadJsonl(jsonl), want, "jsonl after the resumed initial sync");
  auto resumed = ghl::client::SyncState::Load(state);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->phase, "incremental");

  std::vector<std::string> every(args.begin(), args.end() - 6);
  every.insert(every.end(), {"--every", "1h"});
  Subprocess scheduled(every, dir_ + "/sync3.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (scheduled.log().find("incremental sync: ") == std::string::npos && scheduled.running() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_NE(scheduled.log().find("incremental sync: "), std::string::npos) << scheduled.log();
  scheduled.Signal(SIGTERM);
  EXPECT_EQ(scheduled.Wait(), 0) << scheduled.log();
  EXPECT_NE(scheduled.log().find("sync: stopped"), std::string::npos) << scheduled.log();
}

}  // namespace
}  // namespace ghl::testing
