// RankrSink (client/rankr_sink.h) and SyncState (client/contact_sync.h):
// upsert outcomes, deletes, atomic commits (uncommitted changes are not
// visible after reopening), the SQLite table's typed columns, a table of
// another mapping refused, --sink parsing, the state file's round trip and
// malformed files.
#include "client/rankr_sink.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/ghl/storage/sqlite_db.h"
#include "client/contact_sync.h"
#include "tests/unit/client/status_matchers.h"
#include "tests/unit/client/temp_dir.h"

namespace ghl::client {
namespace {

using ::ghl::client::testing::IsOk;
using ::ghl::client::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

FieldMapping Mapping(const std::string& text) {
  absl::StatusOr<FieldMapping> m = FieldMapping::Parse("t.map", text);
  EXPECT_THAT(m.status(), IsOk());
  return *m;
}

const char kMapping[] = "email -> email string\nbirthMonth -> month int\ndnd -> dnd bool\ntags -> tags string_list\n";

RankrRecord Record(const FieldMapping& m, const std::string& id, const std::string& email, int month) {
  ghl::contacts::v1::Contact c;
  c.set_id(id);
  c.set_email(email);
  c.set_birth_month(month);
  c.set_dnd(true);
  c.add_tags("a");
  return m.Apply(c);
}

class SinkTest : public ::testing::TestWithParam<SinkSpec::Kind> {
 protected:
  SinkSpec Spec() const { return {GetParam(), dir_.File(GetParam() == SinkSpec::Kind::kJsonl ? "r.jsonl" : "r.db")}; }
  testing::TempDir dir_;
};

TEST_P(SinkTest, UpsertDeleteAndAtomicCommit) {
  const FieldMapping m = Mapping(kMapping);
  {
    auto sink = OpenRankrSink(Spec(), m);
    ASSERT_THAT(sink.status(), IsOk());
    EXPECT_EQ(*(*sink)->Upsert(Record(m, "b", "b@x.io", 2)), UpsertOutcome::kInserted);
    EXPECT_EQ(*(*sink)->Upsert(Record(m, "a", "a@x.io", 1)), UpsertOutcome::kInserted);
    EXPECT_EQ(*(*sink)->Upsert(Record(m, "a", "a@x.io", 1)), UpsertOutcome::kUnchanged);
    EXPECT_EQ(*(*sink)->Upsert(Record(m, "a", "a2@x.io", 1)), UpsertOutcome::kUpdated);
    EXPECT_THAT(*(*sink)->Ids(), ElementsAre("a", "b"));
    ASSERT_THAT((*sink)->Commit(), IsOk());
    // Not committed: gone when the sink is reopened.
    EXPECT_TRUE(*(*sink)->Delete("b"));
    EXPECT_FALSE(*(*sink)->Delete("zz"));
    EXPECT_EQ(*(*sink)->Upsert(Record(m, "c", "c@x.io", 3)), UpsertOutcome::kInserted);
  }
  {
    auto sink = OpenRankrSink(Spec(), m);
    ASSERT_THAT(sink.status(), IsOk());
    EXPECT_THAT(*(*sink)->Ids(), ElementsAre("a", "b"));
    EXPECT_EQ(*(*sink)->Get("a"), Record(m, "a", "a2@x.io", 1).ToJson());
    EXPECT_THAT((*sink)->Get("c"), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
    EXPECT_TRUE(*(*sink)->Delete("b"));
    ASSERT_THAT((*sink)->Commit(), IsOk());
  }
  auto sink = OpenRankrSink(Spec(), m);
  ASSERT_THAT(sink.status(), IsOk());
  EXPECT_THAT(*(*sink)->Ids(), ElementsAre("a"));
}

INSTANTIATE_TEST_SUITE_P(BothSinks, SinkTest, ::testing::Values(SinkSpec::Kind::kJsonl, SinkSpec::Kind::kSqlite));

TEST(JsonlSink, FileIsOneSortedRecordPerLine) {
  testing::TempDir dir;
  const FieldMapping m = Mapping(kMapping);
  auto sink = OpenRankrSink({SinkSpec::Kind::kJsonl, dir.File("r.jsonl")}, m);
  ASSERT_THAT(sink.status(), IsOk());
  (void)(*sink)->Upsert(Record(m, "z", "z@x.io", 9));
  (void)(*sink)->Upsert(Record(m, "m", "", 0));
  ASSERT_THAT((*sink)->Commit(), IsOk());
  std::ifstream in(dir.File("r.jsonl"));
  std::string first, second, third;
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_FALSE(std::getline(in, third));
  EXPECT_EQ(first, R"({"ghl_id":"m","updated_at":"","email":"","month":0,"dnd":true,"tags":["a"]})");
  EXPECT_EQ(second, R"({"ghl_id":"z","updated_at":"","email":"z@x.io","month":9,"dnd":true,"tags":["a"]})");
  std::ofstream(dir.File("bad.jsonl")) << "{\"ghl_id\":\"a\"}\nnot json\n";
  EXPECT_THAT(OpenRankrSink({SinkSpec::Kind::kJsonl, dir.File("bad.jsonl")}, m),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("bad.jsonl:2: not a Rankr record")));
}

TEST(SqliteSink, TypedColumnsAndAnotherMappingRefused) {
  testing::TempDir dir;
  const FieldMapping m = Mapping(kMapping);
  {
    auto sink = OpenRankrSink({SinkSpec::Kind::kSqlite, dir.File("r.db")}, m);
    ASSERT_THAT(sink.status(), IsOk());
    (void)(*sink)->Upsert(Record(m, "a", "a@x.io", 7));
    ASSERT_THAT((*sink)->Commit(), IsOk());
  }
  auto db = ghl::storage::SqliteDb::Open(dir.File("r.db"), "", "sink");
  ASSERT_THAT(db.status(), IsOk());
  auto st = (*db)->Prepare("SELECT email, month, dnd, tags, typeof(month) FROM rankr_contacts WHERE ghl_id = 'a'");
  ASSERT_THAT(st.status(), IsOk());
  ASSERT_TRUE(*(*st)->Step());
  EXPECT_EQ((*st)->ColumnText(0), "a@x.io");
  EXPECT_EQ((*st)->ColumnInt64(1), 7);
  EXPECT_EQ((*st)->ColumnInt64(2), 1);
  EXPECT_EQ((*st)->ColumnText(3), R"(["a"])");
  EXPECT_EQ((*st)->ColumnText(4), "integer");
  EXPECT_THAT(OpenRankrSink({SinkSpec::Kind::kSqlite, dir.File("r.db")}, Mapping("email -> email string\n")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("a new file")));
}

TEST(SinkSpecParse, Forms) {
  EXPECT_EQ(ParseSinkSpec("jsonl:/tmp/a.jsonl")->path, "/tmp/a.jsonl");
  EXPECT_EQ(ParseSinkSpec("sqlite:a.db")->kind, SinkSpec::Kind::kSqlite);
  EXPECT_THAT(ParseSinkSpec("csv:a"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--sink 'csv:a'")));
  EXPECT_THAT(ParseSinkSpec("jsonl:"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("path is empty")));
}

TEST(SyncStateFile, RoundTripAndMalformed) {
  testing::TempDir dir;
  SyncState s;
  s.location_id = "L";
  s.phase = "incremental";
  s.cursor = "2026-01-02T03:04:05.006Z";
  s.event_offset = 42;
  s.runs = 3;
  s.page_size = 50;
  s.sink = "jsonl:r.jsonl";
  ASSERT_THAT(s.Save(dir.File("s.json")), IsOk());
  auto back = SyncState::Load(dir.File("s.json"));
  ASSERT_THAT(back.status(), IsOk());
  EXPECT_EQ(back->cursor, s.cursor);
  EXPECT_EQ(back->event_offset, 42);
  EXPECT_EQ(back->runs, 3);
  EXPECT_EQ(back->page_size, 50);
  EXPECT_EQ(back->sink, "jsonl:r.jsonl");
  EXPECT_THAT(dir.Files(), ElementsAre("s.json"));  // no temporary left
  EXPECT_THAT(SyncState::Load(dir.File("none.json")), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  // A state file written before pageSize was recorded still loads.
  std::ofstream(dir.File("old.json"))
      << R"({"locationId":"L","phase":"initial","resumeToken":"t","cursor":"","maxDateUpdated":"",)"
      << R"("eventOffset":0,"runs":0,"sink":"jsonl:r.jsonl"})";
  auto old = SyncState::Load(dir.File("old.json"));
  ASSERT_THAT(old.status(), IsOk());
  EXPECT_EQ(old->page_size, 0);
  std::ofstream(dir.File("bad.json")) << R"({"locationId":"L","phase":"later"})";
  EXPECT_THAT(SyncState::Load(dir.File("bad.json")),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("bad.json is not a sync state file")));
}

TEST(SyncLock, OneSyncPerStateFileAndSink) {
  testing::TempDir dir;
  auto first = LockSync(dir.File("s.json"), dir.File("r.jsonl"));
  ASSERT_THAT(first.status(), IsOk());
  // Another sync on the same state file, or on the same sink with another
  // state file, is refused while the first holds its locks.
  EXPECT_THAT(LockSync(dir.File("s.json"), dir.File("other.jsonl")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("state file " + dir.File("s.json") + " is in use by another ghlctl sync")));
  EXPECT_THAT(LockSync(dir.File("s2.json"), dir.File("r.jsonl")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("sink " + dir.File("r.jsonl") + " is in use by another ghlctl sync")));
  // The failed attempt released the state lock it had taken.
  EXPECT_THAT(LockSync(dir.File("s2.json"), dir.File("r2.jsonl")).status(), IsOk());
  first->reset();
  EXPECT_THAT(LockSync(dir.File("s.json"), dir.File("r.jsonl")).status(), IsOk());
}

}  // namespace
}  // namespace ghl::client
