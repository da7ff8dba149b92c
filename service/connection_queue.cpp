// Admits or refuses each accepted connection (connection_queue.h).
#include "service/connection_queue.h"

namespace warrant::service {
namespace {

thread_local bool t_refusing = false;

}  // namespace

bool Refusing() {
  return t_refusing;
}

ConnectionQueue::ConnectionQueue(size_t threads, size_t max_connections)
    : max_connections_(max_connections) {
  for (size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { Work(admitted_, false); });
  // One thread refuses: a refusal is a short write and close, so one keeps up with a flood.
  threads_.emplace_back([this] { Work(refused_, true); });
}

ConnectionQueue::~ConnectionQueue() {
  shutdown();
}

void ConnectionQueue::enqueue(std::function<void()> connection) {
  // Only the accept thread enqueues, so the count cannot pass the limit between load and add.
  const bool admit = open_.load(std::memory_order_relaxed) < max_connections_;
  Jobs& jobs = admit ? admitted_ : refused_;
  if (admit) {
    open_.fetch_add(1, std::memory_order_relaxed);
    connection = [this, run = std::move(connection)] {
      run();
      open_.fetch_sub(1, std::memory_order_relaxed);
    };
  }
  {
    std::lock_guard<std::mutex> lock(jobs.mutex);
    jobs.queue.push_back(std::move(connection));
  }
  jobs.ready.notify_one();
}

void ConnectionQueue::shutdown() {
  for (Jobs* jobs : {&admitted_, &refused_}) {
    std::lock_guard<std::mutex> lock(jobs->mutex);
    jobs->stopping = true;
  }
  admitted_.ready.notify_all();
  refused_.ready.notify_all();
  for (std::thread& t : threads_)
    if (t.joinable())
      t.join();
}

void ConnectionQueue::Work(Jobs& jobs, bool refusing) {
  t_refusing = refusing;
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(jobs.mutex);
      jobs.ready.wait(lock, [&] { return !jobs.queue.empty() || jobs.stopping; });
      if (jobs.queue.empty())
        return;  // stopping, and every connection accepted has been run
      job = std::move(jobs.queue.front());
      jobs.queue.pop_front();
    }
    job();
  }
}

}  // namespace warrant::service
