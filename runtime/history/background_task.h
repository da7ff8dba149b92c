// BackgroundTask: runs one task at a time on a thread of its own, kept for the object's life.
//
// The history store hands each batch's writes to it (sqlite_history.h): a thread made once
// instead of one per batch, whose making and ending were a cost on the deciding thread. Start
// and Wait are called from one thread; whatever the task wrote is visible to it after Wait. It
// knows nothing of what the tasks do, and does not queue them: Start waits for none.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace warrant {

class BackgroundTask {
 public:
  BackgroundTask() = default;
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;
  ~BackgroundTask();  // waits for the task under way, then ends the thread

  // Runs `task` on the thread (made on first use). The task before it must be done (Wait).
  // False when no thread can be had; `task` is then not run.
  bool Start(std::function<void()> task);

  // Returns once the task started last is done (at once when there is none).
  void Wait();

 private:
  void Loop();

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::function<void()> task_;  // set: to be run
  bool busy_ = false;           // a task is set or running
  bool stop_ = false;
};

}  // namespace warrant
