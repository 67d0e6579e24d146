// WorkerPool: queued and timed tasks. Timing checks are lower bounds only
// (a timed task never runs early), so a slow machine cannot fail them.
#include "server/worker_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

namespace ghl::server {
namespace {

using Steady = std::chrono::steady_clock;

TEST(WorkerPool, TimedTasksRunInTimeOrderAndNeverEarly) {
  std::mutex mu;
  std::vector<int> order;
  std::vector<bool> on_time;
  std::atomic<int> done{0};
  {
    WorkerPool pool(2);
    const auto start = Steady::now();
    const auto late = start + std::chrono::milliseconds(60);
    const auto soon = start + std::chrono::milliseconds(30);
    ASSERT_TRUE(pool.PostAt(late, [&, late] {
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(2);
      on_time.push_back(Steady::now() >= late);
      ++done;
    }));
    ASSERT_TRUE(pool.PostAt(soon, [&, soon] {
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(1);
      on_time.push_back(Steady::now() >= soon);
      ++done;
    }));
    ASSERT_TRUE(pool.Post([&] { ++done; }));
    while (done.load() < 3) std::this_thread::yield();
  }
  EXPECT_THAT(order, ::testing::ElementsAre(1, 2));
  EXPECT_THAT(on_time, ::testing::ElementsAre(true, true));
}

TEST(WorkerPool, DestructionRunsTimedTasksAtOnce) {
  std::atomic<bool> ran{false};
  {
    WorkerPool pool(1);
    ASSERT_TRUE(pool.PostAt(Steady::now() + std::chrono::hours(1), [&] { ran = true; }));
  }
  // Whoever waits for it (a stream) sees it run instead of hanging.
  EXPECT_TRUE(ran.load());
}

}  // namespace
}  // namespace ghl::server
