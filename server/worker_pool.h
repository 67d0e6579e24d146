// A fixed pool of threads running queued tasks. The gRPC callback API must
// not block its own threads on upstream HTTP; handlers post that work here.
// PostAt queues a task for later (one timer thread), so work that must wait
// (e.g. a stream paced by the rate limit) holds no worker meanwhile.
//
// Thread-safety: Post and PostAt may be called from any thread. The
// destructor stops accepting work, runs what is queued (timed tasks at
// once), and joins.
#ifndef GHL_SERVER_WORKER_POOL_H_
#define GHL_SERVER_WORKER_POOL_H_

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <thread>
#include <vector>

#include <condition_variable>
#include <mutex>

namespace ghl::server {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Queues `task`. Returns false (and drops it) after shutdown began.
  bool Post(std::function<void()> task);
  /// Queues `task` to run at `when` (or at once if that has passed).
  /// Returns false (and drops it) after shutdown began.
  bool PostAt(std::chrono::steady_clock::time_point when, std::function<void()> task);

 private:
  void Run();
  void RunTimer();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                     // guarded by mu_
  std::condition_variable timer_cv_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> timed_;  // guarded by mu_
  std::vector<std::thread> threads_;
  std::thread timer_;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_WORKER_POOL_H_
