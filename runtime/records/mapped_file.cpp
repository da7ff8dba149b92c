#include "runtime/records/mapped_file.h"

#include <algorithm>
#include <fcntl.h>
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

}  // namespace

MappedFile::~MappedFile() {
  if (data_ != nullptr)
    munmap(const_cast<char*>(data_), size_);
}

bool MappedFile::Open(const std::string& path) {
  if (data_ != nullptr)
    munmap(const_cast<char*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;

  struct stat st {};

  void* data = MAP_FAILED;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    data = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  }
  close(fd);  // the mapping keeps the file
  if (data == MAP_FAILED)
    return false;
  data_ = static_cast<const char*>(data);
  size_ = static_cast<size_t>(st.st_size);
  // Read ahead generously; pages behind the reader are dropped by Drop, not kept by the kernel's
  // guess.
  madvise(data, size_, MADV_SEQUENTIAL);
  return true;
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
