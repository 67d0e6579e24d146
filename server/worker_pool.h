// A fixed pool of threads running queued tasks. The gRPC callback API must
// not block its own threads on upstream HTTP; handlers post that work here.
//
// Thread-safety: Post may be called from any thread. The destructor stops
// accepting work, runs what is queued, and joins.
#ifndef GHL_SERVER_WORKER_POOL_H_
#define GHL_SERVER_WORKER_POOL_H_

#include <deque>
#include <functional>
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

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                     // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_WORKER_POOL_H_
