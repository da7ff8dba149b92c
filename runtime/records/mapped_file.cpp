#include "runtime/records/mapped_file.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
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

// Set once, before the handler can run (InstallHandler), so the handler reads a plain value.
size_t g_page = 4096;

// The live mappings, as the SIGBUS handler reads them: lock-free atomics only, since the handler
// may run on any thread at any time. `begin` is 0 for a free entry. Map claims an entry by a
// compare-exchange on `begin`, then sets `end`; no fault can come from the mapping before Map
// returns it, and until then the entry matches no address. Close frees the entry before it unmaps,
// so an address the kernel hands out again is never taken for the old mapping.
struct GuardEntry {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
  std::atomic<bool> hit{false};  // the handler put zero pages in
};

GuardEntry g_guard[MappedFile::kMaxMapped];

struct sigaction g_previous {};

// What the SIGBUS would have met without our handler.
void PassOn(int signal, siginfo_t* info, void* context) {
  if (g_previous.sa_flags & SA_RESETHAND) {
    // It asked to be called once: whatever comes next meets the default action.
    struct sigaction reset {};

    reset.sa_handler = SIG_DFL;
    sigemptyset(&reset.sa_mask);
    sigaction(SIGBUS, &reset, nullptr);
  }
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction != nullptr) {
      g_previous.sa_sigaction(signal, info, context);
      return;
    }
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(signal);
    return;
  }

  // The default action (an ignored SIGBUS from a fault cannot be ignored either): a fault runs
  // again and ends the process; a signal sent by kill is sent again, now to the default.
  struct sigaction reset {};

  reset.sa_handler = SIG_DFL;
  sigemptyset(&reset.sa_mask);
  sigaction(SIGBUS, &reset, nullptr);
  if (info->si_code <= 0)
    raise(SIGBUS);
}

void OnSigbus(int signal, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  if (info->si_code == BUS_ADRERR) {  // a page of a mapping that is not there (si_addr is valid)
    const auto address = reinterpret_cast<uintptr_t>(info->si_addr);
    for (GuardEntry& entry : g_guard) {
      const uintptr_t begin = entry.begin.load(std::memory_order_acquire);
      const uintptr_t end = entry.end.load(std::memory_order_acquire);
      // `end` read between two reads of `begin`: an entry freed and taken again meanwhile shows.
      if (begin <= 1 || address < begin || address >= end ||  // 1: being claimed
          entry.begin.load(std::memory_order_acquire) != begin) {
        continue;
      }
      // Zero pages from the lost one to the end of the mapping, in place: the faulting read runs
      // again and reads a zero. (mmap is a plain system call, safe in a handler.)
      const uintptr_t page = address / g_page * g_page;
      if (mmap(reinterpret_cast<void*>(page), end - page, PROT_READ,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
        entry.hit.store(true, std::memory_order_release);
        errno = saved_errno;
        return;
      }
      break;
    }
  }
  PassOn(signal, info, context);
  errno = saved_errno;
}

void InstallHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
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
  if (data_ != nullptr) {
    if (guard_ < kMaxMapped) {
      g_guard[guard_].begin.store(0, std::memory_order_release);
      g_guard[guard_].end.store(0, std::memory_order_release);
    }
    munmap(const_cast<char*>(data_), size_);
  }
  if (fd_ >= 0)
    close(fd_);
  data_ = nullptr;
  size_ = 0;
  fd_ = -1;
  guard_ = kMaxMapped;
}

bool MappedFile::Open(const std::string& path) {
  Close();

  // Only a regular file is opened: opening a named pipe again would wait for a writer that may be
  // gone, and opening a device may do something. Non-blocking, should it change in between.
  struct stat st {};

  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return false;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return false;
  const bool mapped = Map(fd);
  close(fd);
  return mapped;
}

bool MappedFile::Map(int fd) {
  Close();

  struct stat st {};

  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
    return false;
  const auto size = static_cast<size_t>(st.st_size);
  InstallHandler();
  size_t guard = kMaxMapped;
  for (size_t i = 0; i < kMaxMapped && guard == kMaxMapped; ++i) {
    uintptr_t free = 0;
    // Claimed with a placeholder address, so no other Map takes the entry; no address matches
    // before `end` is set.
    if (g_guard[i].begin.compare_exchange_strong(free, 1, std::memory_order_acq_rel))
      guard = i;
  }
  if (guard == kMaxMapped)
    return false;  // a mapping the handler does not know would be the old risk again
  void* data = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int own = data == MAP_FAILED ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) {
    if (data != MAP_FAILED)
      munmap(data, size);
    g_guard[guard].begin.store(0, std::memory_order_release);
    return false;
  }
  const auto begin = reinterpret_cast<uintptr_t>(data);
  g_guard[guard].hit.store(false, std::memory_order_release);
  g_guard[guard].end.store(begin + size, std::memory_order_release);
  g_guard[guard].begin.store(begin, std::memory_order_release);
  data_ = static_cast<const char*>(data);
  size_ = size;
  fd_ = own;
  guard_ = guard;
  // Read ahead generously; pages behind the reader are dropped by Drop, not kept by the kernel's
  // guess.
  madvise(data, size_, MADV_SEQUENTIAL);
  return true;
}

MappedFile::Change MappedFile::Check() const {
  if (data_ == nullptr)
    return Change::None;

  struct stat st {};

  const bool stat_ok = fstat(fd_, &st) == 0;
  if (stat_ok && static_cast<uint64_t>(st.st_size) < size_)
    return Change::Shrank;  // also when it shrank within its last page: no fault, zeros all the
                            // same
  if (g_guard[guard_].hit.load(std::memory_order_acquire))
    return Change::Unreadable;
  if (stat_ok && static_cast<uint64_t>(st.st_size) > size_)
    return Change::Grew;
  return Change::None;
}

void MappedFile::Drop(size_t begin, size_t end) const {
  // A file system with large folios maps the file 2 MiB at a time (FilePmdMapped in smaps), and
  // such a mapping is given back only whole: ranges are rounded to 2 MiB, down at both ends, so
  // the block a range ends in is given back with the range after it.
  const size_t page = std::max(g_page, kHugeBytes);
  begin = begin / page * page;
  end = end >= size_ ? size_ : end / page * page;
  if (data_ == nullptr || begin >= end)
    return;
  madvise(const_cast<char*>(data_) + begin, end - begin, MADV_DONTNEED);
}

}  // namespace warrant
