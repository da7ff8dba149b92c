#include "runtime/records/mapped_file.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <mutex>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace warrant {
namespace {

constexpr size_t kHugeBytes = size_t{2} << 20;

size_t PageSize() {
  static const size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

// The live mappings, as the SIGBUS handler reads them: lock-free atomics only, since the handler
// may run on any thread at any time. `begin` is 0 for a free entry. Open claims an entry by a
// compare-exchange on `begin`, then sets `end`; no fault can come from the mapping before Open
// returns it, and until then the entry matches no address.
struct GuardEntry {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
  std::atomic<bool> truncated{false};
};

GuardEntry g_guard[MappedFile::kMaxMapped];

struct sigaction g_previous {};

void OnSigbus(int signal, siginfo_t* info, void* context) {
  const auto address = reinterpret_cast<uintptr_t>(info->si_addr);
  for (GuardEntry& entry : g_guard) {
    const uintptr_t begin = entry.begin.load(std::memory_order_acquire);
    const uintptr_t end = entry.end.load(std::memory_order_acquire);
    if (begin == 0 || address < begin || address >= end)
      continue;
    // Zero pages from the lost one to the end of the mapping, in place: the faulting read runs
    // again and reads a zero. (mmap is a plain system call here, safe in a handler.)
    const uintptr_t page = address / PageSize() * PageSize();
    if (mmap(reinterpret_cast<void*>(page), end - page, PROT_READ,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
      entry.truncated.store(true, std::memory_order_release);
      return;
    }
    break;
  }
  // Not a mapping of ours (or no zero pages could be had): what would have happened anyway.
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction != nullptr) {
      g_previous.sa_sigaction(signal, info, context);
      return;
    }
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(signal);
    return;
  }
  // The default action: the faulting access runs again and ends the process with SIGBUS.
  std::signal(SIGBUS, SIG_DFL);
}

void InstallHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_sigaction = OnSigbus;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &g_previous);
  });
}

}  // namespace

MappedFile::~MappedFile() {
  Close();
}

void MappedFile::Close() {
  if (data_ == nullptr)
    return;
  munmap(const_cast<char*>(data_), size_);
  if (guard_ < kMaxMapped) {
    g_guard[guard_].end.store(0, std::memory_order_release);
    g_guard[guard_].begin.store(0, std::memory_order_release);
  }
  data_ = nullptr;
  size_ = 0;
  guard_ = kMaxMapped;
}

bool MappedFile::Open(const std::string& path) {
  Close();

  // Only a regular file is opened: opening a named pipe again would wait for a writer that may be
  // gone, and opening a device may do something. Non-blocking, should it change in between.
  struct stat st {};

  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
    return false;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return false;
  void* data = MAP_FAILED;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    data = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);  // the mapping keeps the file
  if (data == MAP_FAILED)
    return false;
  const auto size = static_cast<size_t>(st.st_size);
  // An entry in the handler's table, or no mapping: a mapping it does not know would be the old
  // risk again.
  InstallHandler();
  const auto begin = reinterpret_cast<uintptr_t>(data);
  for (size_t i = 0; i < kMaxMapped; ++i) {
    uintptr_t free = 0;
    if (g_guard[i].begin.compare_exchange_strong(free, begin, std::memory_order_acq_rel)) {
      g_guard[i].truncated.store(false, std::memory_order_release);
      g_guard[i].end.store(begin + size, std::memory_order_release);
      guard_ = i;
      break;
    }
  }
  if (guard_ == kMaxMapped) {
    munmap(data, size);
    return false;
  }
  data_ = static_cast<const char*>(data);
  size_ = size;
  // Read ahead generously; pages behind the reader are dropped by Drop, not kept by the kernel's
  // guess.
  madvise(data, size_, MADV_SEQUENTIAL);
  return true;
}

bool MappedFile::truncated() const {
  return guard_ < kMaxMapped && g_guard[guard_].truncated.load(std::memory_order_acquire);
}

void MappedFile::Drop(size_t begin, size_t end) const {
  // A file system with large folios maps the file 2 MiB at a time (FilePmdMapped in smaps), and
  // such a mapping is given back only whole: ranges are rounded to 2 MiB, down at both ends, so
  // the block a range ends in is given back with the range after it.
  const size_t page = std::max(PageSize(), kHugeBytes);
  begin = begin / page * page;
  end = end >= size_ ? size_ : end / page * page;
  if (data_ == nullptr || begin >= end)
    return;
  madvise(const_cast<char*>(data_) + begin, end - begin, MADV_DONTNEED);
}

}  // namespace warrant
