// BackgroundTask (runtime/history/background_task.h): each task runs once, on one thread other
// than the caller's, and what it wrote is seen after Wait; the object ends with a task under way.
#include "runtime/history/background_task.h"

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "tests/unit/catch.h"

namespace warrant {
namespace {

TEST_CASE("a background task runs each task once, on one thread of its own", "[history]") {
  BackgroundTask worker;
  worker.Wait();          // nothing started: returns at once
  std::vector<int> done;  // written by the tasks, read here only after Wait
  std::set<std::thread::id> threads;
  for (int i = 0; i < 200; ++i) {
    REQUIRE(worker.Start([&, i] {
      done.push_back(i);
      threads.insert(std::this_thread::get_id());
    }));
    worker.Wait();
    REQUIRE(done.size() == static_cast<size_t>(i) + 1);
    CHECK(done.back() == i);
  }
  CHECK(threads.size() == 1);
  CHECK(threads.count(std::this_thread::get_id()) == 0);
}

TEST_CASE("a background task's owner waits for the task under way when it ends", "[history]") {
  std::atomic<bool> finished{false};
  {
    BackgroundTask worker;
    REQUIRE(worker.Start([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      finished = true;
    }));
  }
  CHECK(finished);
}

}  // namespace
}  // namespace warrant
