// The connection limit of `warrant serve` (--max-connections): cpp-httplib's task queue, handed
// each accepted connection, runs at most `max_connections` of them at once on `threads` threads
// (those over the thread count wait for a thread) and hands any connection over the limit to a
// thread of its own that refuses it (Refusing() is true there), so an accept over the limit is
// answered at once instead of queueing. Knows nothing of HTTP: the server answers the refusal.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <httplib.h>
#include <mutex>
#include <thread>
#include <vector>

namespace warrant::service {

// True on the thread that is running a connection over the limit.
bool Refusing();

class ConnectionQueue final : public httplib::TaskQueue {
 public:
  ConnectionQueue(size_t threads, size_t max_connections);
  ~ConnectionQueue() override;

  void enqueue(std::function<void()> connection) override;
  void shutdown() override;

  size_t open() const { return open_.load(std::memory_order_relaxed); }

 private:
  struct Jobs {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::function<void()>> queue;
    bool stopping = false;
  };

  static void Work(Jobs& jobs, bool refusing);

  const size_t max_connections_;
  std::atomic<size_t> open_{0};
  Jobs admitted_, refused_;
  std::vector<std::thread> threads_;
};

}  // namespace warrant::service
