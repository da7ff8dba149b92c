// OrderedChunks: hands numbered chunks of work to N threads and writes their results strictly in
// chunk order, without a thread that only writes.
//
// A worker takes the next chunk (one taker at a time, outside the lock: taking may read input),
// decides it into the chunk's slot, and, if that chunk is the one whose turn it is to be written,
// writes it and every chunk decided after it (one writer at a time, outside the lock, so the
// others go on taking and deciding meanwhile). At most `window` chunks are taken and not yet
// written, so the slots (chunk % window) are reused and memory stays bounded. A chunk whose
// output grows too large may be written part way while it is decided (WriteAhead), once every
// chunk before it is written. It knows nothing of what a chunk holds: the caller's callbacks
// read, decide and write it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

namespace warrant {

class OrderedChunks {
 public:
  // Fills the slot of chunk `chunk` (chunks are taken in order, one call at a time); false when
  // there is none.
  using Take = std::function<bool(size_t chunk)>;
  // Decides chunk `chunk` on worker `worker` (0 is the calling thread; each worker one at a time).
  using Decide = std::function<void(size_t worker, size_t chunk)>;
  // Writes chunk `chunk` (in order, one call at a time, from any worker).
  using Write = std::function<void(size_t worker, size_t chunk)>;

  // `jobs` threads (the caller one of them); a window of `window` slots (at least `jobs`).
  OrderedChunks(int jobs, size_t window);

  size_t window() const { return window_; }

  size_t workers() const { return workers_; }

  // Runs until `take` returns false and every chunk taken is written. The first exception a
  // callback throws stops the work (nothing more is taken or written) and is rethrown here.
  void Run(const Take& take, const Decide& decide, const Write& write);

  // From `decide` of chunk `chunk`: waits until every earlier chunk is written, then calls
  // `write_part` as the writer (the part decided so far). False, without calling it, when the
  // run is stopping after a failure.
  bool WriteAhead(size_t chunk, const std::function<void()>& write_part);

 private:
  void Work(size_t worker, const Take& take, const Decide& decide, const Write& write);
  // Writes the chunk whose turn it is and every decided one after it; holds the turn throughout.
  void WriteReady(size_t worker, const Write& write);
  void Fail();

  size_t workers_;
  size_t window_;
  std::mutex mutex_;
  std::condition_variable progressed_;
  std::vector<char> ready_;  // per slot: its chunk is decided
  size_t next_ = 0;          // the next chunk to take
  size_t written_ = 0;       // the chunk whose turn it is to be written
  bool taking_ = false;      // someone is taking
  bool writing_ = false;     // someone holds the turn to write
  bool no_more_ = false;     // `take` said there is nothing more
  bool stop_ = false;        // a callback failed: take and write nothing more
  std::exception_ptr failure_;
};

}  // namespace warrant
