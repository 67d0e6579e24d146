// EventLog: both implementations give offsets 1..N without gaps, dedupe by
// webhookId (or body hash) with the original offset, filter reads by
// location and type with a correct read_offset, and notify subscribers. The
// SQLite log also survives reopening, batches concurrent appends into fewer
// transactions (group commit), stays gap-free under 16 threads, dedupes
// concurrent deliveries of one webhookId into one row, refuses files that
// are not event logs, and fails a full disk with UNAVAILABLE, retry-able.
#include "adapters/ghl/webhooks/event_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/storage/sqlite_db.h"
#include "adapters/ghl/webhooks/sqlite_event_log.h"
#include "tests/support/status_matchers.h"

namespace ghl::webhooks {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string TempPath(const std::string& name) {
  std::string path = ::testing::TempDir() + "/" + name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  return path;
}

v1::Event MakeEvent(const std::string& webhook_id, const std::string& location,
                    v1::EventType type = v1::EVENT_TYPE_CONTACT_CREATE) {
  v1::Event e;
  e.set_webhook_id(webhook_id);
  e.set_location_id(location);
  e.set_type(type);
  e.set_payload_type("X");
  e.mutable_receive_time()->set_seconds(1700000000);
  return e;
}

std::vector<int64_t> Offsets(const ReadResult& r) {
  std::vector<int64_t> out;
  for (const auto& e : r.events) out.push_back(e.offset());
  return out;
}

// The same contract, for both implementations.
class EventLogContractTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      auto log = OpenSqliteEventLog(TempPath("contract-" + std::to_string(::getpid()) + ".db"));
      ASSERT_THAT(log.status(), IsOk());
      log_ = *std::move(log);
    } else {
      log_ = NewInMemoryEventLog();
    }
  }
  std::unique_ptr<EventLog> log_;
};

TEST_P(EventLogContractTest, OffsetsAreOneToNWithoutGaps) {
  EXPECT_EQ(log_->LastOffset(), 0);
  for (int i = 1; i <= 20; ++i) {
    auto r = log_->Append(MakeEvent(absl::StrCat("w", i), "loc"), "body");
    ASSERT_THAT(r.status(), IsOk());
    EXPECT_EQ(r->offset, i);
    EXPECT_FALSE(r->duplicate);
  }
  EXPECT_EQ(log_->LastOffset(), 20);
  auto all = log_->Read("", {}, 0, 100);
  ASSERT_THAT(all.status(), IsOk());
  ASSERT_EQ(all->events.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(all->events[i].offset(), i + 1);
    EXPECT_EQ(all->events[i].webhook_id(), absl::StrCat("w", i + 1));
  }
  EXPECT_EQ(all->read_offset, 20);
}

TEST_P(EventLogContractTest, DuplicatesReportTheOriginalOffsetAndWriteNothing) {
  ASSERT_THAT(log_->Append(MakeEvent("a", "loc"), "body-a").status(), IsOk());
  ASSERT_THAT(log_->Append(MakeEvent("b", "loc"), "body-b").status(), IsOk());
  auto again = log_->Append(MakeEvent("a", "other-loc"), "different body");
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->offset, 1);
  EXPECT_EQ(log_->LastOffset(), 2);
  // Without a webhookId the body's hash is the key.
  auto first = log_->Append(MakeEvent("", "loc"), "same body");
  auto second = log_->Append(MakeEvent("", "loc"), "same body");
  auto third = log_->Append(MakeEvent("", "loc"), "another body");
  ASSERT_THAT(first.status(), IsOk());
  ASSERT_THAT(second.status(), IsOk());
  ASSERT_THAT(third.status(), IsOk());
  EXPECT_EQ(first->offset, 3);
  EXPECT_FALSE(first->duplicate);
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->offset, 3);
  EXPECT_EQ(third->offset, 4);
  EXPECT_EQ(log_->Read("", {}, 0, 100)->events.size(), 4u);
}

TEST_P(EventLogContractTest, SummarizeCountsALocationsEventsAndItsNewestReceiveTime) {
  auto empty = log_->Summarize("A");
  ASSERT_THAT(empty.status(), IsOk());
  EXPECT_EQ(empty->events, 0);
  EXPECT_EQ(empty->last_receive_time, absl::InfinitePast());
  for (int i = 0; i < 5; ++i) {
    v1::Event e = MakeEvent(absl::StrCat("s", i), i % 2 == 0 ? "A" : "B");
    e.mutable_receive_time()->set_seconds(1700000000 + 10 * i);
    ASSERT_THAT(log_->Append(e, "").status(), IsOk());
  }
  // A duplicate delivery is not counted twice.
  ASSERT_TRUE(log_->Append(MakeEvent("s0", "A"), "")->duplicate);
  auto a = log_->Summarize("A");
  ASSERT_THAT(a.status(), IsOk());
  EXPECT_EQ(a->events, 3);  // s0, s2, s4
  EXPECT_EQ(a->last_receive_time, absl::FromUnixSeconds(1700000040));
  auto b = log_->Summarize("B");
  EXPECT_EQ(b->events, 2);
  EXPECT_EQ(b->last_receive_time, absl::FromUnixSeconds(1700000030));
}

TEST_P(EventLogContractTest, ReadFiltersByLocationAndTypeWithReadOffset) {
  // 1 A contact, 2 B contact, 3 A task, 4 B task, 5 A note, 6 B contact
  const std::vector<std::pair<std::string, v1::EventType>> events = {
      {"A", v1::EVENT_TYPE_CONTACT_CREATE}, {"B", v1::EVENT_TYPE_CONTACT_CREATE},
      {"A", v1::EVENT_TYPE_TASK_CREATE},    {"B", v1::EVENT_TYPE_TASK_CREATE},
      {"A", v1::EVENT_TYPE_NOTE_CREATE},    {"B", v1::EVENT_TYPE_CONTACT_UPDATE}};
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_THAT(log_->Append(MakeEvent(absl::StrCat("w", i), events[i].first, events[i].second), "")
                    .status(),
                IsOk());
  }
  auto a = log_->Read("A", {}, 0, 100);
  ASSERT_THAT(a.status(), IsOk());
  EXPECT_THAT(Offsets(*a), ElementsAre(1, 3, 5));
  EXPECT_EQ(a->read_offset, 6);  // examined up to the end
  auto a_tasks = log_->Read("A", {v1::EVENT_TYPE_TASK_CREATE, v1::EVENT_TYPE_NOTE_CREATE}, 0, 100);
  EXPECT_THAT(Offsets(*a_tasks), ElementsAre(3, 5));
  EXPECT_EQ(a_tasks->read_offset, 6);
  // A limit stops at the last returned event.
  auto b_one = log_->Read("B", {}, 0, 1);
  EXPECT_THAT(Offsets(*b_one), ElementsAre(2));
  EXPECT_EQ(b_one->read_offset, 2);
  auto b_next = log_->Read("B", {}, b_one->read_offset, 2);
  EXPECT_THAT(Offsets(*b_next), ElementsAre(4, 6));
  EXPECT_EQ(b_next->read_offset, 6);
  // Nothing matches: the read still moves to the end.
  auto none = log_->Read("C", {}, 0, 10);
  EXPECT_TRUE(none->events.empty());
  EXPECT_EQ(none->read_offset, 6);
  auto all_contacts = log_->Read("", {v1::EVENT_TYPE_CONTACT_CREATE}, 1, 10);
  EXPECT_THAT(Offsets(*all_contacts), ElementsAre(2));
  // After the end: nothing, and read_offset does not go back.
  auto past = log_->Read("", {}, 50, 10);
  EXPECT_TRUE(past->events.empty());
  EXPECT_EQ(past->read_offset, 50);
  EXPECT_THAT(log_->Read("", {}, 0, 0).status(), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(log_->Read("", {}, -1, 5).status(), StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST_P(EventLogContractTest, SubscribersHearCommitsThatAddEventsUntilUnsubscribed) {
  std::mutex mu;
  std::vector<int64_t> heard;
  const int id = log_->Subscribe([&](int64_t last) {
    std::lock_guard<std::mutex> lock(mu);
    heard.push_back(last);
  });
  ASSERT_THAT(log_->Append(MakeEvent("a", "loc"), "").status(), IsOk());
  ASSERT_THAT(log_->Append(MakeEvent("a", "loc"), "").status(), IsOk());  // duplicate: silent
  ASSERT_THAT(log_->Append(MakeEvent("b", "loc"), "").status(), IsOk());
  {
    // Append returns after its commit's listeners ran.
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_THAT(heard, ElementsAre(1, 2));
  }
  log_->Unsubscribe(id);
  ASSERT_THAT(log_->Append(MakeEvent("c", "loc"), "").status(), IsOk());
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_THAT(heard, ElementsAre(1, 2));
}

TEST_P(EventLogContractTest, ConcurrentDeliveriesOfOneWebhookIdGiveOneRow) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<AppendResult> results(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto r = log_->Append(MakeEvent("same-id", "loc"), absl::StrCat("body ", t));
      if (!r.ok()) {
        failures++;
        return;
      }
      results[t] = *r;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  int originals = 0;
  for (const auto& r : results) {
    EXPECT_EQ(r.offset, 1);
    if (!r.duplicate) ++originals;
  }
  EXPECT_EQ(originals, 1);
  EXPECT_EQ(log_->Read("", {}, 0, 100)->events.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Logs, EventLogContractTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Sqlite" : "InMemory"; });

TEST(SqliteEventLogTest, ReopenKeepsEverythingAndContinuesTheOffsets) {
  const std::string path = TempPath("reopen.db");
  {
    auto log = SqliteEventLog::Open(path);
    ASSERT_THAT(log.status(), IsOk());
    v1::Event e = MakeEvent("w1", "loc", v1::EVENT_TYPE_TASK_CREATE);
    e.mutable_task()->set_contact_id("c1");
    e.add_missing_fields("timestamp");
    ASSERT_THAT((*log)->Append(e, "{\"raw\":1}").status(), IsOk());
    ASSERT_THAT((*log)->Append(MakeEvent("w2", "loc"), "{\"raw\":2}").status(), IsOk());
  }
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto log = SqliteEventLog::Open(path);
  ASSERT_THAT(log.status(), IsOk());
  EXPECT_EQ((*log)->LastOffset(), 2);
  auto all = (*log)->Read("", {}, 0, 10);
  ASSERT_THAT(all.status(), IsOk());
  ASSERT_EQ(all->events.size(), 2u);
  EXPECT_EQ(all->events[0].task().contact_id(), "c1");
  EXPECT_THAT(all->events[0].missing_fields(), ElementsAre("timestamp"));
  EXPECT_EQ(all->events[0].receive_time().seconds(), 1700000000);
  EXPECT_EQ(*(*log)->RawBody(1), "{\"raw\":1}");
  EXPECT_EQ(*(*log)->RawBody(2), "{\"raw\":2}");
  // Dedupe survives the reopen; new events continue at 3.
  auto dup = (*log)->Append(MakeEvent("w1", "loc"), "");
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->offset, 1);
  EXPECT_EQ((*log)->Append(MakeEvent("w3", "loc"), "")->offset, 3);
}

TEST(SqliteEventLogTest, ConcurrentAppendsAreGapFreeAndGroupCommitted) {
  auto log = SqliteEventLog::Open(TempPath("group.db"));
  ASSERT_THAT(log.status(), IsOk());
  constexpr int kThreads = 16;
  constexpr int kPerThread = 200;
  std::vector<std::vector<int64_t>> offsets(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = (*log)->Append(MakeEvent(absl::StrCat("t", t, "-", i), absl::StrCat("loc", t % 3)),
                                absl::StrCat("body ", t, " ", i));
        if (!r.ok() || r->duplicate) {
          failures++;
          continue;
        }
        offsets[t].push_back(r->offset);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<int64_t> all;
  for (const auto& v : offsets) {
    // Each thread's own appends are in order.
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    all.insert(v.begin(), v.end());
  }
  constexpr int kTotal = kThreads * kPerThread;
  ASSERT_EQ(all.size(), static_cast<size_t>(kTotal));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kTotal);  // 3200 distinct in 1..3200: no gaps
  EXPECT_EQ((*log)->LastOffset(), kTotal);
  auto read = (*log)->Read("", {}, 0, kTotal + 10);
  ASSERT_THAT(read.status(), IsOk());
  EXPECT_EQ(read->events.size(), static_cast<size_t>(kTotal));
  // Group commit: fewer transactions than appends.
  EXPECT_LT((*log)->commits(), kTotal);
  EXPECT_GE((*log)->commits(), 1);
  std::cout << "group commit: " << kTotal << " appends in " << (*log)->commits()
            << " transactions\n";
}

TEST(SqliteEventLogTest, RefusesFilesThatAreNotEventLogs) {
  const std::string other = TempPath("not-a-log.db");
  {
    auto db = storage::SqliteDb::Open(other, "CREATE TABLE credentials (key TEXT);", "state file");
    ASSERT_THAT(db.status(), IsOk());
  }
  EXPECT_THAT(OpenSqliteEventLog(other).status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("not an event log")));
  const std::string garbage = TempPath("garbage.db");
  { std::ofstream(garbage) << "this is not sqlite at all, not even close......................"; }
  EXPECT_THAT(OpenSqliteEventLog(garbage).status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(garbage)));
  EXPECT_THAT(OpenSqliteEventLog("/proc/no/such/dir/events.db").status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("/proc/no/such/dir/events.db")));
  EXPECT_THAT(OpenSqliteEventLog("").status(), StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST(SqliteEventLogTest, DiskFullIsUnavailableLeavesNothingAndIsRetryable) {
  const std::string path = TempPath("full.db");
  {
    auto log = SqliteEventLog::Open(path);
    ASSERT_THAT(log.status(), IsOk());
    ASSERT_THAT((*log)->Append(MakeEvent("before", "loc"), "small").status(), IsOk());
  }
  const std::string big(256 * 1024, 'x');
  {
    // A cap at the current size: the database cannot grow.
    SqliteEventLogOptions options;
    options.max_size_bytes = 1;
    auto log = SqliteEventLog::Open(path, options);
    ASSERT_THAT(log.status(), IsOk());
    auto r = (*log)->Append(MakeEvent("big", "loc"), big);
    EXPECT_THAT(r.status(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr(path)));
    EXPECT_THAT(r.status().message(), ::testing::Not(HasSubstr("xxxx")));
    EXPECT_EQ((*log)->LastOffset(), 1);
    // The failed batch left nothing: same events, the log still reads.
    auto read = (*log)->Read("", {}, 0, 10);
    ASSERT_THAT(read.status(), IsOk());
    EXPECT_THAT(Offsets(*read), ElementsAre(1));
  }
  // With room again the same delivery appends at the next offset.
  auto log = SqliteEventLog::Open(path);
  ASSERT_THAT(log.status(), IsOk());
  auto r = (*log)->Append(MakeEvent("big", "loc"), big);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_EQ(r->offset, 2);
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ((*log)->RawBody(2)->size(), big.size());
}

}  // namespace
}  // namespace ghl::webhooks
