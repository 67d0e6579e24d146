#include "server/worker_pool.h"

#include <utility>

namespace ghl::server {

WorkerPool::WorkerPool(int threads) {
  if (threads < 1) threads = 1;
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  timer_ = std::thread([this] { RunTimer(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    // Whoever waits for a timed task (a stream) must still see it run.
    for (auto& [when, task] : timed_) queue_.push_back(std::move(task));
    timed_.clear();
  }
  cv_.notify_all();
  timer_cv_.notify_all();
  timer_.join();
  for (auto& t : threads_) t.join();
}

bool WorkerPool::PostAt(std::chrono::steady_clock::time_point when, std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    timed_.emplace(when, std::move(task));
  }
  timer_cv_.notify_one();
  return true;
}

void WorkerPool::RunTimer() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (timed_.empty()) {
      timer_cv_.wait(lock);
      continue;
    }
    auto first = timed_.begin();
    if (first->first <= std::chrono::steady_clock::now()) {
      queue_.push_back(std::move(first->second));
      timed_.erase(first);
      cv_.notify_one();
      continue;
    }
    timer_cv_.wait_until(lock, first->first);
  }
}

bool WorkerPool::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::Run() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace ghl::server
