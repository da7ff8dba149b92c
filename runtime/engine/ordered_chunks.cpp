#include "runtime/engine/ordered_chunks.h"

#include <algorithm>
#include <system_error>
#include <thread>

namespace warrant {

OrderedChunks::OrderedChunks(int jobs, size_t window)
    : workers_(static_cast<size_t>(std::max(jobs, 1))),
      window_(std::max(window, workers_)),
      ready_(window_, 0) {}

void OrderedChunks::Run(const Take& take, const Decide& decide, const Write& write) {
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers_; ++w) {
    try {
      threads.emplace_back([&, w] { Work(w, take, decide, write); });
    } catch (const std::system_error&) {
      break;  // no thread to be had: fewer workers (this one finishes the work)
    }
  }
  Work(0, take, decide, write);
  for (std::thread& t : threads)
    t.join();
  if (failure_)
    std::rethrow_exception(failure_);
}

void OrderedChunks::Work(size_t worker, const Take& take, const Decide& decide,
                         const Write& write) {
  try {
    for (;;) {
      size_t chunk;
      {
        std::unique_lock lock(mutex_);
        progressed_.wait(
            lock, [&] { return stop_ || no_more_ || (!taking_ && next_ < written_ + window_); });
        if (stop_ || no_more_)
          return;
        taking_ = true;
        chunk = next_;
      }
      bool taken = false;
      try {
        taken = take(chunk);
      } catch (...) {
        std::lock_guard lock(mutex_);
        taking_ = false;
        throw;
      }
      {
        std::lock_guard lock(mutex_);
        taking_ = false;
        if (taken)
          ++next_;
        else
          no_more_ = true;
      }
      progressed_.notify_all();
      if (!taken)
        return;
      decide(worker, chunk);
      {
        std::lock_guard lock(mutex_);
        ready_[chunk % window_] = 1;
        if (writing_ || chunk != written_)
          continue;
        writing_ = true;
      }
      WriteReady(worker, write);
    }
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      if (!failure_)
        failure_ = std::current_exception();
    }
    Fail();
  }
}

void OrderedChunks::WriteReady(size_t worker, const Write& write) {
  for (;;) {
    size_t chunk;
    {
      std::lock_guard lock(mutex_);
      if (stop_ || !ready_[written_ % window_]) {
        writing_ = false;
        break;
      }
      chunk = written_;
    }
    try {
      write(worker, chunk);
    } catch (...) {
      Fail();  // before anyone else can take the turn to write
      throw;
    }
    {
      std::lock_guard lock(mutex_);
      ready_[chunk % window_] = 0;
      ++written_;
    }
    progressed_.notify_all();
  }
  progressed_.notify_all();  // the turn is free: a WriteAhead may be waiting for it
}

bool OrderedChunks::WriteAhead(size_t chunk, const std::function<void()>& write_part) {
  {
    std::unique_lock lock(mutex_);
    progressed_.wait(lock, [&] { return stop_ || (written_ == chunk && !writing_); });
    if (stop_)
      return false;
    writing_ = true;
  }
  try {
    write_part();
  } catch (...) {
    Fail();
    throw;
  }
  {
    std::lock_guard lock(mutex_);
    writing_ = false;
  }
  progressed_.notify_all();
  return true;
}

void OrderedChunks::Fail() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    writing_ = false;
  }
  progressed_.notify_all();
}

}  // namespace warrant
